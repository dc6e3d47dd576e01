"""The async runtime of a summarizer: worker threads behind a bounded queue.

Model calls are CPU-bound and not thread-safe, so an in-process model runs one
at a time on a dedicated thread; a model server takes ``openai.max_concurrency``
threads (its requests wait on the network, not on this CPU).  The asyncio side
waits for a free slot before queueing (``summarize``: backpressure) or refuses
at once (``submit_nowait``: raises :class:`QueueFull`).  A caller that is
cancelled while its event is generating sets the job's cancel flag, which stops
generation at the next token (the summarizer's deadline checks it).  The
per-call ``timeout_secs`` lives in the summarizer itself (it must stop
generation, not only stop waiting).  Every finished call is logged as
``SummaryWritten``: the backend, who wrote the text (``Summary.summarizer``:
the model, its retry, or the rules fallback), the category, the seconds it took
and whether the model ran out of time.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from logsumd.records import Classification, Event, Summary
from logsumd.summarize.summarizer import RulesSummarizer, Summarizer
from logsumd.telemetry import emit


class QueueFull(Exception):
    """Every slot of the summary queue is taken."""


@dataclass(slots=True)
class _Job:
    event: Event
    cls: Classification
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Summary]
    cancel: threading.Event = field(default_factory=threading.Event)


class SummaryWorker:
    """Runs ``summarizer.summarize`` on ``threads`` threads; at most ``queue_size`` jobs wait
    or run."""

    def __init__(self, summarizer: Summarizer, queue_size: int = 64, threads: int = 1) -> None:
        if queue_size < 1 or threads < 1:
            raise ValueError("queue_size and threads must be at least 1")
        self.summarizer = summarizer
        self.queue_size = queue_size
        self._fallback = RulesSummarizer()
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._pending = 0
        self._closed = False
        self._threads = [
            threading.Thread(
                target=self._run,
                name="logsumd-model" if threads == 1 else f"logsumd-model-{i}",
                daemon=True,
            )
            for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        return self._pending

    def _enqueue(self, event: Event, cls: Classification) -> _Job:
        """Queue a job in a slot already counted in ``_pending``."""
        loop = asyncio.get_running_loop()
        job = _Job(event, cls, loop, loop.create_future())
        job.future.add_done_callback(lambda _f: self._release())
        self._jobs.put(job)
        return job

    def _release(self) -> None:
        self._pending -= 1
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break

    async def summarize(self, event: Event, cls: Classification) -> Summary:
        """The summary of ``event``; waits for a free slot first (backpressure)."""
        if self._closed:
            raise RuntimeError("the summary worker is closed")
        loop = asyncio.get_running_loop()
        while self._pending >= self.queue_size:
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            await waiter
        self._pending += 1
        job = self._enqueue(event, cls)
        try:
            return await asyncio.shield(job.future)
        except asyncio.CancelledError:
            job.cancel.set()
            raise

    def submit_nowait(self, event: Event, cls: Classification) -> asyncio.Future[Summary]:
        """Queue ``event`` now or raise QueueFull; the future resolves to its summary."""
        if self._closed:
            raise RuntimeError("the summary worker is closed")
        if self._pending >= self.queue_size:
            raise QueueFull(f"{self.queue_size} summaries are already queued or running")
        self._pending += 1
        return self._enqueue(event, cls).future

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if job.cancel.is_set() or job.future.cancelled():
                _deliver(job, None)
                continue
            started = time.monotonic()
            try:
                summary = self.summarizer.summarize(job.event, job.cls, cancel=job.cancel)
            except Exception as exc:  # a crashing model must not lose the event
                emit(
                    "SummarizerFallback",
                    path=job.event.path,
                    line=job.event.line_start,
                    reasons=[f"{type(exc).__name__}: {exc}"],
                    timed_out=False,
                )
                summary = self._fallback.summarize(job.event, job.cls)
            # A model summarizer keeps its attempts per thread: did this one run out of time?
            attempts = getattr(self.summarizer, "last_attempts", ())
            emit(
                "SummaryWritten",
                backend=self.summarizer.name,
                summarizer=summary.summarizer,
                timed_out=any(getattr(a, "timed_out", False) for a in attempts),
                category=job.cls.category,
                secs=round(time.monotonic() - started, 3),
                path=job.event.path,
                line=job.event.line_start,
                cancelled=job.cancel.is_set(),
            )
            _deliver(job, summary)

    def close(self, timeout_secs: float = 30.0) -> None:
        """Finish the queued jobs, stop the thread, free the summarizer."""
        if self._closed:
            return
        self._closed = True
        deadline = time.monotonic() + timeout_secs
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.summarizer.close()


def _deliver(job: _Job, summary: Summary | None) -> None:
    """Hand the result to the job's event loop (gone already: nobody is waiting)."""
    try:
        job.loop.call_soon_threadsafe(_resolve, job.future, summary)
    except RuntimeError:
        return


def _resolve(future: asyncio.Future[Summary], summary: Summary | None) -> None:
    if future.done():
        return
    if summary is None:
        future.cancel()
    else:
        future.set_result(summary)
