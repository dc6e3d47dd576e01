"""The daemon's lifecycle: start the stages, supervise them, stop cleanly.

SIGTERM/SIGINT: stop reading, drain the assembler, finish in-flight work within
``shutdown_timeout_secs``, write checkpoints, exit 0; a second signal exits at
once.  SIGHUP reopens output files.  A stage that crashes stops the daemon with
exit status 1 so systemd restarts it.  With ``metrics.listen`` set, Prometheus
metrics are served from start to stop (:mod:`logsumd.daemon._metrics`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any

from logsumd import telemetry
from logsumd.assemble import Assembler
from logsumd.config import Settings
from logsumd.daemon import _sdnotify as sdnotify
from logsumd.daemon._assemble_stage import AssembleStage
from logsumd.daemon._decide_stage import DecideStage
from logsumd.daemon._deliver_stage import DeliverStage
from logsumd.daemon._metrics import DaemonMetrics, Levels, on_loop
from logsumd.daemon.wakeups import STOP
from logsumd.decide import Throttle
from logsumd.notify import Notifier
from logsumd.store import Outbox, SummaryCache
from logsumd.summarize import Summarizer, SummaryWorker, summaries_stamp
from logsumd.tail import AckTracker, CheckpointStore, SourceMatcher, Tailer
from logsumd.understand import Redactor

EXIT_OK = 0
EXIT_CRASH = 1
EXIT_FORCED = 130


class Daemon:
    """Wires sources, assembler, outbox, throttle, summarizer and notifiers."""

    def __init__(
        self,
        settings: Settings,
        summarizer: Summarizer,
        notifiers: Sequence[Notifier],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.summarizer = summarizer
        self.notifiers = list(notifiers)
        self._clock = clock
        state = settings.state_dir
        os.makedirs(state, exist_ok=True)
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=settings.queue_size)
        self.tracker = AckTracker()
        self.store = CheckpointStore(os.path.join(state, "checkpoints.json"))
        self.outbox = Outbox(
            os.path.join(state, "outbox"),
            [n.name for n in self.notifiers],
            settings.max_outbox_bytes,
        )
        self.cache = SummaryCache(
            os.path.join(state, "summaries.json"),
            settings.grouping.summary_cache_size,
            summaries_stamp(settings.summarizer, settings.diagnoses),
        )
        summ = settings.summarizer
        threads = summ.openai.max_concurrency if summ.backend == "openai" else 1
        self.worker = SummaryWorker(summarizer, summ.queue_size, threads)
        self.stop_reading = asyncio.Event()
        self.stop_all = asyncio.Event()
        self._signals = 0
        self.deliverers = [DeliverStage(n, self.outbox) for n in self.notifiers]
        self.decide = DecideStage(
            Throttle(settings.grouping),
            self.outbox,
            self.worker.summarize,
            self.cache,
            socket.gethostname(),
            self._wake_deliverers,
            clock=clock,
            prefetch_per_minute=settings.grouping.max_notifications_per_minute,
        )
        self.assemble = AssembleStage(
            [Assembler(s.multiline) for s in settings.sources],
            SourceMatcher(settings.sources),
            self.tracker,
            self.outbox,
            Redactor(settings.redaction.patterns),
            self.decide.add,
            clock=clock,
            known=self.decide.holds,
        )
        self.tailer = Tailer(
            settings.sources,
            self.queue,
            self.tracker,
            self.store,
            checkpoint_interval_ms=settings.checkpoint_interval_ms,
            clock=clock,
        )

        self.metrics: DaemonMetrics | None = None
        if settings.metrics.listen:
            self.metrics = DaemonMetrics(
                [s.name or f"sources[{i}]" for i, s in enumerate(settings.sources)],
                [n.name for n in self.notifiers],
                summarizer.name,
                self._levels,
                clock=clock,
            )
        self._loop: asyncio.AbstractEventLoop | None = None

    def _levels(self) -> Levels | None:
        """For a scrape (another thread): the tailer's figures, read on the loop."""
        loop = self._loop
        tail = None if loop is None else on_loop(loop, self._tail_levels)
        if tail is None:
            return None
        read, lag = tail
        return Levels(read, lag, self.outbox.stats(), self.outbox.oldest(), self.worker.pending)

    def _tail_levels(self) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
        names = [s.name or f"sources[{i}]" for i, s in enumerate(self.settings.sources)]
        totals = self.tailer.read_totals()
        read = [(name, lines, size) for name, (lines, size) in zip(names, totals, strict=True)]
        return read, self.tailer.lag_bytes()

    def _wake_deliverers(self) -> None:
        for d in self.deliverers:
            d.wake.set()

    def request_stop(self) -> None:
        """First signal: graceful stop.  Second: exit at once."""
        self._signals += 1
        if self._signals > 1:
            telemetry.emit("DaemonStopped", exit_code=EXIT_FORCED, forced=True)
            os._exit(EXIT_FORCED)
        telemetry.emit("DaemonStopping")
        sdnotify.stopping()
        self.stop_reading.set()

    def reopen(self) -> None:
        """SIGHUP: reopen output files."""
        for n in self.notifiers:
            n.reopen()

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.add_signal_handler(signal.SIGTERM, self.request_stop)
        loop.add_signal_handler(signal.SIGINT, self.request_stop)
        loop.add_signal_handler(signal.SIGHUP, self.reopen)

    async def _watchdog(self) -> None:
        interval = sdnotify.watchdog_interval_secs()
        if interval is None:
            await self.stop_all.wait()
            return
        while not self.stop_all.is_set():
            sdnotify.watchdog_ping()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop_all.wait(), interval)

    async def _replay(self) -> None:
        """Events left in the outbox by an earlier run go back into the throttle."""
        pending = await asyncio.to_thread(self.outbox.pending_events)
        if pending:
            self.decide.add(pending)
        self._wake_deliverers()

    async def run(self) -> int:
        """Run until stopped; return the process exit status."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._install_signals(loop)
        if self.metrics is not None:
            try:
                await asyncio.to_thread(self.metrics.start, self.settings.metrics)
            except OSError as bind_error:
                listen = self.settings.metrics.listen
                error = f"metrics.listen {listen}: {bind_error.strerror or bind_error}"
                telemetry.emit("ComponentCrashed", component="metrics", error=error)
                self.metrics = None
                await self._abort([])
                return EXIT_CRASH
        await self._replay()
        tail_task = asyncio.create_task(self.tailer.run(self.stop_reading), name="tail")
        asm_task = asyncio.create_task(self.assemble.run(self.queue), name="assemble")
        decide_task = asyncio.create_task(self.decide.run(self.stop_all), name="decide")
        deliver_tasks = [
            asyncio.create_task(d.run(self.stop_all), name=f"deliver:{d.notifier.name}")
            for d in self.deliverers
        ]
        watchdog_task = asyncio.create_task(self._watchdog(), name="watchdog")
        telemetry.emit(
            "DaemonStarted",
            sources=len(self.settings.sources),
            notifiers=[n.name for n in self.notifiers],
            summarizer=self.summarizer.name,
        )
        sdnotify.ready()
        workers = {tail_task, asm_task, decide_task, *deliver_tasks}
        stop_waiter = asyncio.create_task(self.stop_reading.wait())
        done, _ = await asyncio.wait({*workers, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
        crashed = [t for t in done if t is not stop_waiter and t.exception() is not None]
        if crashed or not self.stop_reading.is_set():
            for t in crashed:
                exc = t.exception()
                telemetry.emit("ComponentCrashed", component=t.get_name(), error=repr(exc))
            self.stop_reading.set()
            await self._abort(workers | {watchdog_task})
            return EXIT_CRASH
        code = await self._shutdown(tail_task, asm_task, decide_task, deliver_tasks)
        watchdog_task.cancel()
        return code

    async def _shutdown(
        self,
        tail_task: asyncio.Task[None],
        asm_task: asyncio.Task[None],
        decide_task: asyncio.Task[None],
        deliver_tasks: list[asyncio.Task[None]],
    ) -> int:
        timeout = self.settings.shutdown_timeout_secs
        deadline = time.monotonic() + timeout
        code = EXIT_OK
        try:
            await asyncio.wait_for(tail_task, timeout)
            await self.queue.put(STOP)
            await asyncio.wait_for(asm_task, max(0.1, deadline - time.monotonic()))
            # Everything read is now in the outbox: the checkpoint may pass it.
            await asyncio.to_thread(self.tailer.write_checkpoint)
            self.stop_all.set()
            await asyncio.wait_for(decide_task, max(0.1, deadline - time.monotonic()))
            remaining = max(0.1, deadline - time.monotonic())
            _, late = await asyncio.wait(deliver_tasks, timeout=remaining)
            if late:
                telemetry.emit("ShutdownTimeout", pending=[t.get_name() for t in late])
        except TimeoutError:
            telemetry.emit("ShutdownTimeout", pending=["tail/assemble/decide"])
        except Exception as exc:
            telemetry.emit("ComponentCrashed", component="shutdown", error=repr(exc))
            code = EXIT_CRASH
        self.stop_all.set()
        await self._abort([tail_task, asm_task, decide_task, *deliver_tasks])
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.tailer.write_checkpoint)
        telemetry.emit("DaemonStopped", exit_code=code)
        return code

    async def _abort(self, tasks: Any) -> None:
        self.stop_all.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for n in self.notifiers:
            with contextlib.suppress(Exception):
                await n.aclose()
        await asyncio.to_thread(self.outbox.close)
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.worker.close, 5.0)
        if self.metrics is not None:
            await asyncio.to_thread(self.metrics.stop)
