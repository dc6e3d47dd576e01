"""The daemon's stages as asyncio tasks: assemble, decide (throttle + summarize).

The third, deliver, is in :mod:`logsumd.daemon._deliver_stage`.

Each stage is a thin loop around a pure core (``Assembler``, ``Throttle``) and
the durable ``Outbox``.  Order of guarantees for one event:

1. the assembler emits it and the ``AckTracker`` holds the file checkpoint at
   or before its first byte;
2. it is redacted, classified (once: every later stage reads this
   classification) and fingerprinted into a :class:`~logsumd.records.StoredEvent`,
   appended to the outbox with fsync; only then is it acknowledged, so the
   checkpoint may pass it;
3. the throttle folds it into a decision; the notification for that decision is
   queued in the outbox (durable) and the event now belongs to it;
4. each notifier delivers the notification; when all have accepted it, the
   outbox forgets it.  A crash anywhere costs at most a duplicate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from logsumd import telemetry
from logsumd.assemble import Assembler
from logsumd.daemon.wakeups import STOP
from logsumd.records import Chunk, Event, FileClosed, StoredEvent
from logsumd.store import Outbox, event_id
from logsumd.tail import AckTracker, SourceMatcher
from logsumd.understand import Classify, Redactor, classify, understand_event


class AssembleStage:
    """Chunks -> events -> outbox (durable) -> acknowledged -> throttle."""

    def __init__(
        self,
        assemblers: Sequence[Assembler],
        matcher: SourceMatcher,
        tracker: AckTracker,
        outbox: Outbox,
        redactor: Redactor,
        on_events: Callable[[list[StoredEvent]], None],
        clock: Callable[[], float] = time.time,
        known: Callable[[str], bool] | None = None,
        classify: Classify = classify,
    ) -> None:
        """``known(fp)``: a full record of this fingerprint is held downstream, so a
        repeat is stored compact (:meth:`~logsumd.records.StoredEvent.as_repeat`).
        ``classify``: the one call that classifies each event."""
        self._known = known or (lambda _fp: False)
        self._classify = classify
        self._assemblers = assemblers
        self._matcher = matcher
        self._tracker = tracker
        self._outbox = outbox
        self._redactor = redactor
        self._on_events = on_events
        self._clock = clock
        self._owner: dict[str, int] = {}
        self._consumed: dict[str, tuple[int, int]] = {}

    def _assembler_for(self, file_id: str, path: str) -> Assembler:
        idx = self._owner.get(file_id)
        if idx is None:
            idx = self._owner[file_id] = self._matcher.index(path)
        return self._assemblers[idx]

    def _next_deadline(self) -> float | None:
        deadlines = [d for a in self._assemblers if (d := a.next_deadline()) is not None]
        return min(deadlines) if deadlines else None

    async def run(self, queue: asyncio.Queue[Any]) -> None:
        """Consume the queue until ``STOP``; then drain every buffer.

        An event is complete after ``flush_timeout_ms`` of silence from its file.
        While chunks wait in the queue (the daemon lags behind the files), the
        silence is measured on the read times of the chunks consumed, not on the
        clock: a queued chunk may hold the rest of a traceback read in time.
        """
        read_clock = 0.0
        while True:
            if queue.empty():
                deadline = self._next_deadline()
                timeout = None if deadline is None else max(0.0, deadline - self._clock())
                try:
                    item = await asyncio.wait_for(queue.get(), timeout)
                except TimeoutError:
                    await self._flush_expired(self._clock())
                    continue
            else:
                item = queue.get_nowait()
            if item is STOP:
                break
            await self._handle(self._consume(item))
            if isinstance(item, Chunk):
                read_clock = max(read_clock, item.read_at)
            if not queue.empty():
                deadline = self._next_deadline()
                if deadline is not None and deadline <= read_clock:
                    await self._flush_expired(read_clock)
                await asyncio.sleep(0)  # let the other stages run while draining a backlog
        await self._handle([e for a in self._assemblers for e in a.flush_all()])

    async def _flush_expired(self, now: float) -> None:
        await self._handle([e for a in self._assemblers for e in a.flush_expired(now)])

    def _consume(self, item: Chunk | FileClosed) -> list[Event]:
        asm = self._assembler_for(item.file_id, item.path)
        if isinstance(item, FileClosed):
            events = asm.close_file(item.file_id)
            self._owner.pop(item.file_id, None)
            self._consumed.pop(item.file_id, None)
            self._tracker.set_pending(item.file_id, None)
            return events
        events = asm.feed(item)
        self._consumed[item.file_id] = (item.end_offset, item.first_line + len(item.lines))
        self._sync_pending(item.file_id)
        return events

    def _sync_pending(self, file_id: str) -> None:
        """Hold the file's checkpoint at its first line not yet emitted nor discarded.

        With nothing buffered that is the end of what the assembler consumed, never
        the tailer's read position: chunks still queued are not safe yet.
        """
        consumed = self._consumed.get(file_id)
        if consumed is None:
            return
        idx = self._owner.get(file_id)
        pending = None if idx is None else self._assemblers[idx].pending_position(file_id)
        self._tracker.set_pending(file_id, pending if pending is not None else consumed)

    async def _handle(self, events: list[Event]) -> None:
        if not events:
            return
        # Register before the first await, so no checkpoint can pass these events.
        for ev in events:
            self._tracker.emitted(ev)
        items: list[StoredEvent] = []
        full: set[str] = set()

        def is_repeat(fp: str) -> bool:
            return fp in full or self._known(fp)

        for ev in events:
            stored = understand_event(
                ev,
                self._redactor,
                event_id=event_id(ev),
                is_repeat=is_repeat,
                classify=self._classify,
            )
            full.add(stored.fingerprint)
            items.append(stored)
        await asyncio.to_thread(self._outbox.add_events, items)
        for ev, stored in zip(events, items, strict=True):
            self._tracker.acked(ev)
            telemetry.emit(
                "EventAssembled",
                path=ev.path,
                line_start=ev.line_start,
                category=stored.classification.category,
            )
        for file_id in {ev.file_id for ev in events}:
            self._sync_pending(file_id)
        self._on_events(items)
