"""The decide stage: the throttle's decisions become notifications in the outbox.

A new kind of error is summarized from its first event, while ``group_wait``
runs (capped like messages); repeats are counted, not summarized again.  The
stage reads the classification each :class:`~logsumd.records.StoredEvent` came
with and never classifies again; it only scores the cause lines the hot path
left for later, for an event whose summary is written.  The order of
guarantees for one event is in :mod:`logsumd.daemon._assemble_stage`.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace

from logsumd import telemetry
from logsumd.daemon.wakeups import wait_any
from logsumd.decide import Decision, Throttle, build_notification, repeat_notification
from logsumd.records import (
    Classification,
    DigestItem,
    Event,
    Notification,
    StoredEvent,
    Summary,
)
from logsumd.store import Outbox, SummaryCache
from logsumd.understand import with_cause_lines

PRUNE_SECS = 10.0


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
        self._first: dict[str, StoredEvent] = {}
        self._last: dict[str, StoredEvent] = {}
        self._wake = asyncio.Event()
        self._seq = 0
        self._pruned_at = float("-inf")
        self._prefetch_cap = prefetch_per_minute
        self._prefetched: deque[float] = deque()
        self._prefetch: dict[str, asyncio.Task[Summary | None]] = {}

    def add(self, items: list[StoredEvent]) -> None:
        """New durable events: count them in the throttle."""
        now = self._clock()
        for item in items:
            stored, fp = item, item.fingerprint
            if fp not in self._last and not stored.repeat and self._may_prefetch(fp, now):
                stored = _completed(item)  # kept for the message, which reuses it
                self._prefetch[fp] = asyncio.ensure_future(self._summary_of(stored))
            self._first.setdefault(fp, stored)
            self._last[fp] = stored  # an update tells of the latest: a compact record will do
            self._throttle.add(stored.id, fp, now)
        self._wake.set()

    def _may_prefetch(self, fp: str, now: float) -> bool:
        """Whether to summarize a new kind of error now, not when its message is due.

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
            return False
        self._prefetched.append(now)
        return True

    async def _summary_of(self, stored: StoredEvent) -> Summary | None:
        """The summary of ``stored``, cached by fingerprint (None if it failed)."""
        try:
            return await self._summarized(stored.fingerprint, stored.event, stored.classification)
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
        stored = self._first.pop(d.fingerprint, None) or self._last[d.fingerprint]
        if stored.repeat:
            return repeat_notification(
                stored,
                self._cache.get(d.fingerprint),
                notification_id=nid,
                kind=d.kind,
                host=self._host,
                count=d.count,
                first_seen=d.first_seen,
                last_seen=d.last_seen,
                new_count=d.new_count,
                since=d.since,
            )
        stored = _completed(stored)
        event, cls = stored.event, stored.classification
        summary: Summary | None = None
        early = self._prefetch.pop(d.fingerprint, None)
        if early is not None:
            summary = await early
        if summary is None:
            summary = self._cache.get(d.fingerprint)
        if summary is None:
            summary = await self._summarized(d.fingerprint, event, cls)
        return build_notification(
            notification_id=nid,
            kind=d.kind,
            event=event,
            cls=cls,
            fp=d.fingerprint,
            summary=summary,
            host=self._host,
            count=d.count,
            first_seen=d.first_seen,
            last_seen=d.last_seen,
            new_count=d.new_count,
            since=d.since,
        )

    def _digest(self, nid: str, d: Decision) -> Notification:
        items = []
        for fp, count in d.digest:
            stored = self._last.get(fp)
            self._first.pop(fp, None)
            cls = None if stored is None else stored.classification
            cached = self._cache.get(fp)  # its alert's category, if it was summarized
            category = cached.category if cached is not None and cached.category else ""
            items.append(
                DigestItem(
                    fingerprint=fp,
                    category=category or ("other" if cls is None else cls.category),
                    exception_type="" if cls is None else cls.exception_type,
                    count=count,
                    path="" if stored is None else stored.event.path,
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


def _completed(stored: StoredEvent) -> StoredEvent:
    """``stored`` with the cause lines its summary needs (scored now if left for later)."""
    cls = with_cause_lines(stored.event, stored.classification)
    return stored if cls is stored.classification else replace(stored, classification=cls)
