"""The daemon's stages as asyncio tasks: assemble, decide (throttle + summarize).

The third, deliver, is in :mod:`logsumd.deliver_stage`.

Each stage is a thin loop around a pure core (``Assembler``, ``Throttle``) and
the durable ``Outbox``.  Order of guarantees for one event:

1. the assembler emits it and the ``AckTracker`` holds the file checkpoint at
   or before its first byte;
2. it is redacted, classified, fingerprinted and appended to the outbox with
   fsync; only then is it acknowledged, so the checkpoint may pass it;
3. the throttle folds it into a decision; the notification for that decision is
   queued in the outbox (durable) and the event now belongs to it;
4. each notifier delivers the notification; when all have accepted it, the
   outbox forgets it.  A crash anywhere costs at most a duplicate.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from logsumd import telemetry
from logsumd.assemble import Assembler
from logsumd.decide import Decision, Throttle, build_notification, repeat_notification
from logsumd.notify import DigestItem, Notification
from logsumd.records import Chunk, Classification, Event, FileClosed, Summary
from logsumd.store import (
    Outbox,
    SummaryCache,
    event_id,
    event_to_record,
    record_to_event,
    repeat_record,
)
from logsumd.tail import AckTracker, SourceMatcher
from logsumd.understand import Redactor, classify, understand

STOP = object()
"""Put on the chunk queue after the tailer's last chunk: drain and finish."""

PRUNE_SECS = 10.0


async def wait_any(events: Sequence[asyncio.Event], timeout: float | None) -> None:
    """Return when any of ``events`` is set or ``timeout`` seconds have passed."""
    waiters = {asyncio.ensure_future(e.wait()) for e in events}
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


class AssembleStage:
    """Chunks -> events -> outbox (durable) -> acknowledged -> throttle."""

    def __init__(
        self,
        assemblers: Sequence[Assembler],
        matcher: SourceMatcher,
        tracker: AckTracker,
        outbox: Outbox,
        redactor: Redactor,
        on_events: Callable[[list[tuple[str, dict[str, Any]]]], None],
        clock: Callable[[], float] = time.time,
        known: Callable[[str], bool] | None = None,
    ) -> None:
        """``known(fp)``: a full record of this fingerprint is held downstream, so a
        repeat is stored as a compact record (see ``pipeline.repeat_record``)."""
        self._known = known or (lambda _fp: False)
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
        items: list[tuple[str, dict[str, Any]]] = []
        full: set[str] = set()
        for ev in events:
            clean, cls, fp = understand(ev, self._redactor, full=False)
            if fp in full or self._known(fp):
                items.append((event_id(ev), repeat_record(clean, cls, fp)))
            else:
                full.add(fp)
                items.append((event_id(ev), event_to_record(clean, cls, fp)))
        await asyncio.to_thread(self._outbox.add_events, items)
        for ev in events:
            self._tracker.acked(ev)
            telemetry.emit("EventAssembled", path=ev.path, line_start=ev.line_start)
        for file_id in {ev.file_id for ev in events}:
            self._sync_pending(file_id)
        self._on_events(items)


class DecideStage:
    """Throttle decisions -> summaries -> notifications queued in the outbox."""

    def __init__(
        self,
        throttle: Throttle,
        outbox: Outbox,
        summarize: Callable[[Event, Classification], Awaitable[Summary]],
        cache: SummaryCache,
        host: str,
        on_queued: Callable[[], None],
        clock: Callable[[], float] = time.time,
        prefetch_per_minute: int = 0,
    ) -> None:
        """``prefetch_per_minute``: new kinds of error summarized at once, while the
        throttle's ``group_wait`` runs, at most this many a minute (0: none)."""
        self._throttle = throttle
        self._outbox = outbox
        self._summarize = summarize
        self._cache = cache
        self._host = host
        self._on_queued = on_queued
        self._clock = clock
        self._first: dict[str, dict[str, Any]] = {}
        self._last: dict[str, dict[str, Any]] = {}
        self._wake = asyncio.Event()
        self._seq = 0
        self._pruned_at = float("-inf")
        self._prefetch_cap = prefetch_per_minute
        self._prefetched: deque[float] = deque()
        self._prefetch: dict[str, asyncio.Task[Summary | None]] = {}

    def add(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        """New durable events: count them in the throttle."""
        now = self._clock()
        for eid, record in items:
            fp = record["fingerprint"]
            if fp not in self._last and not record.get("repeat"):
                self._maybe_prefetch(fp, record, now)
            self._first.setdefault(fp, record)
            self._last[fp] = record  # an update tells of the latest: a compact record will do
            self._throttle.add(eid, fp, now)
        self._wake.set()

    def _maybe_prefetch(self, fp: str, record: dict[str, Any], now: float) -> None:
        """Start summarizing a new kind of error now, not when its message is due.

        The model then works during ``group_wait``; the message goes out on
        time with its summary.  Capped like the messages, so a storm of many
        kinds (most of them bound for a digest) cannot queue many model calls.
        """
        while self._prefetched and now - self._prefetched[0] >= 60.0:
            self._prefetched.popleft()
        if (
            len(self._prefetched) >= self._prefetch_cap
            or fp in self._prefetch
            or self._cache.get(fp) is not None
        ):
            return
        self._prefetched.append(now)
        self._prefetch[fp] = asyncio.ensure_future(self._summary_of(fp, record))

    async def _summary_of(self, fp: str, record: dict[str, Any]) -> Summary | None:
        """The summary of ``record``, cached by fingerprint (None if it failed)."""
        event = record_to_event(record)
        try:
            return await self._summarized(fp, event, classify(event))
        except Exception as exc:  # the message is summarized again when due
            telemetry.emit("ComponentCrashed", component="prefetch", error=repr(exc))
            return None

    async def _summarized(self, fp: str, event: Event, cls: Classification) -> Summary:
        """Summarize ``event`` and cache the summary by fingerprint."""
        summary = await self._summarize(event, cls)
        self._cache.put(fp, summary)
        return summary

    def holds(self, fingerprint: str) -> bool:
        """Whether a record of ``fingerprint`` is held for its next message."""
        return fingerprint in self._last

    async def run(self, stop: asyncio.Event) -> None:
        """Emit due decisions until ``stop`` is set and nothing more is due now."""
        try:
            while True:
                await self.step()
                if stop.is_set():
                    return
                deadline = self._throttle.next_deadline()
                timeout = None if deadline is None else max(0.0, deadline - self._clock())
                self._wake.clear()
                await wait_any((self._wake, stop), timeout)
        finally:
            for task in self._prefetch.values():
                task.cancel()
            self._prefetch.clear()

    async def step(self) -> None:
        """Turn every decision due now into a queued notification."""
        for decision in self._throttle.due(self._clock()):
            notification = await self._notification(decision)
            await asyncio.to_thread(
                self._outbox.queue_notification, notification, decision.event_ids
            )
            self._on_queued()
        self._prune()

    def _prune(self) -> None:
        """Drop the records kept for fingerprints the throttle has forgotten (bounded memory).

        At most every ``PRUNE_SECS``: forgetting is not urgent, and ``step`` runs
        after every batch of events.
        """
        now = self._clock()
        if now - self._pruned_at < PRUNE_SECS:
            return
        self._pruned_at = now
        for fp in [fp for fp, task in self._prefetch.items() if task.done()]:
            del self._prefetch[fp]  # its summary is in the cache (a digest took its events)
        gone = [fp for fp in self._last if not self._throttle.knows(fp)]
        for fp in gone:
            del self._last[fp]
            self._first.pop(fp, None)

    async def _notification(self, d: Decision) -> Notification:
        self._seq += 1
        nid = f"{d.kind}:{d.fingerprint or 'digest'}:{d.last_seen:.6f}:{self._seq}"
        if d.kind == "digest":
            return self._digest(nid, d)
        record = self._first.pop(d.fingerprint, None) or self._last[d.fingerprint]
        counts: dict[str, Any] = {
            "kind": d.kind,
            "host": self._host,
            "count": d.count,
            "first_seen": d.first_seen,
            "last_seen": d.last_seen,
            "new_count": d.new_count,
            "since": d.since,
        }
        if record.get("repeat"):
            return repeat_notification(record, self._cache.get(d.fingerprint), id=nid, **counts)
        event = record_to_event(record)
        cls = classify(event)
        summary: Summary | None = None
        early = self._prefetch.pop(d.fingerprint, None)
        if early is not None:
            summary = await early
        if summary is None:
            summary = self._cache.get(d.fingerprint)
        if summary is None:
            summary = await self._summarized(d.fingerprint, event, cls)
        return build_notification(
            notification_id=nid, event=event, cls=cls, fp=d.fingerprint, summary=summary, **counts
        )

    def _digest(self, nid: str, d: Decision) -> Notification:
        items = []
        for fp, count in d.digest:
            rec = self._last.get(fp, {})
            self._first.pop(fp, None)
            items.append(
                DigestItem(
                    fingerprint=fp,
                    category=rec.get("category", "other"),
                    exception_type=rec.get("exception_type", ""),
                    count=count,
                    path=rec.get("path", ""),
                )
            )
        total = sum(i.count for i in items)
        return Notification(
            id=nid,
            kind="digest",
            fingerprint="",
            path="",
            line_start=0,
            line_end=0,
            host=self._host,
            category="other",
            exception_type="",
            outer_exception_type="",
            message=f"{total} events of {len(items)} kinds over the notification cap",
            summary="",
            summarizer="",
            excerpt="",
            count=total,
            first_seen=d.first_seen,
            last_seen=d.last_seen,
            digest=tuple(items),
        )
