"""The outbox's size cap: which items go first, and how their loss is reported.

The oldest items go first, whatever their kind.  Losses are reported per
notifier with the ``EventsDropped`` event, never silently: at once, then summed
over ``DROP_REPORT_SECS`` while dropping goes on, so a storm does not flood the
daemon's own log.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping
from typing import Protocol

from logsumd import telemetry

DROP_REPORT_SECS = 10.0
"""While the cap keeps dropping, ``EventsDropped`` sums the drops of this long."""


class Placed(Protocol):
    """A journal item: where it starts and the bytes it accounts for."""

    offset: int
    size: int


def oldest_first(
    events: Mapping[str, Placed], notes: Mapping[str, Placed], excess: int
) -> tuple[list[str], list[str]]:
    """The event and notification ids to drop, oldest first, to free ``excess`` bytes."""
    merged = heapq.merge(
        ((i.offset, "e", k) for k, i in events.items()),
        ((i.offset, "n", k) for k, i in notes.items()),
    )
    drop_events: list[str] = []
    drop_notes: list[str] = []
    for _, kind, key in merged:
        if excess <= 0:
            break
        (drop_events if kind == "e" else drop_notes).append(key)
        excess -= (events[key] if kind == "e" else notes[key]).size
    return drop_events, drop_notes


class DropReport:
    """Items lost per notifier (``*``: events not yet notified) and not reported yet."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._unreported: dict[str, int] = {}
        self._reported_at = -DROP_REPORT_SECS

    def add(self, lost: Mapping[str, int]) -> None:
        """Count losses; report them unless a report went out less than DROP_REPORT_SECS ago."""
        for name, count in lost.items():
            self._unreported[name] = self._unreported.get(name, 0) + count
        if time.monotonic() - self._reported_at >= DROP_REPORT_SECS:
            self.flush()

    def flush(self) -> None:
        """``EventsDropped`` per notifier for every loss not reported yet."""
        if not self._unreported:
            return
        for name, count in self._unreported.items():
            telemetry.emit(
                "EventsDropped",
                count=count,
                reason="outbox_full",
                notifier=name,
                max_bytes=self._max_bytes,
            )
        self._unreported.clear()
        self._reported_at = time.monotonic()
