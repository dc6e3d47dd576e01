"""Grouping and rate limiting of notifications, as Alertmanager does it.

A pure state machine with the clock passed in.  Events are added by id and
fingerprint; ``due(now)`` returns the messages to send now:

* the first event of a fingerprint opens a *repeat window* and is announced
  (``event``) after ``group_wait_secs``, so a burst becomes one message;
* further events in the window are counted and reported as ``update`` at most
  every ``group_interval_secs``, and only when there is something new;
* an event after ``repeat_interval_secs`` opens a new window (``event`` again);
* at most ``max_notifications_per_minute`` messages go out in any 60 s; what
  exceeds the cap is folded into one ``digest`` that is sent as soon as a slot
  is free.

Every added event id ends up in exactly one decision.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from logsumd.config import GroupingSettings

RATE_WINDOW_SECS = 60.0


@dataclass(frozen=True, slots=True)
class Decision:
    """One message to send, and the outbox event ids it covers."""

    kind: str
    """``event`` (first of a window), ``update`` (count update) or ``digest``."""
    fingerprint: str
    """Empty for a digest."""
    event_ids: tuple[str, ...]
    """The events this decision covers; they are done when it is delivered."""
    representative: str
    """Event whose text is shown (and summarized for ``event``); empty for a digest."""
    count: int
    """Events of this fingerprint in the current repeat window (digest: total folded)."""
    new_count: int
    """Events since the previous message of this fingerprint (digest: total folded)."""
    first_seen: float
    last_seen: float
    digest: tuple[tuple[str, int], ...] = ()
    """``(fingerprint, count)`` folded into a digest, in the order they were folded."""
    since: float = 0.0
    """For ``update``: when the previous message of this fingerprint was sent."""


@dataclass(slots=True)
class _Group:
    """State of one fingerprint."""

    pending: list[str] = field(default_factory=list)
    announce_at: float | None = None
    """When the pending ``event`` decision is due; None when none is pending."""
    announced_at: float | None = None
    """When the current window was announced (or folded); None before that."""
    last_message_at: float = 0.0
    representative: str = ""
    window_count: int = 0
    first_seen: float = 0.0
    last_seen: float = 0.0
    order: int = 0


@dataclass(slots=True)
class _Digest:
    """Decisions folded because of the global cap, waiting for a free slot."""

    event_ids: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    first_seen: float = 0.0
    last_seen: float = 0.0


class Throttle:
    """Decides when each fingerprint's events are announced, updated or digested."""

    def __init__(self, settings: GroupingSettings) -> None:
        if settings.max_notifications_per_minute < 1:
            raise ValueError("max_notifications_per_minute must be at least 1")
        self._settings = settings
        self._groups: dict[str, _Group] = {}
        self._sent: deque[float] = deque()
        self._digest = _Digest()
        self._order = 0

    def add(self, event_id: str, fingerprint: str, now: float) -> None:
        """Record one event of ``fingerprint`` seen at ``now``."""
        group = self._groups.get(fingerprint)
        if group is None:
            group = self._groups[fingerprint] = _Group()
        if group.announce_at is None and not self._in_window(group, now):
            # A new repeat window: announce it after group_wait.  Leftovers of
            # an expired window (possible when updates were folded) join it.
            group.announce_at = now + self._settings.group_wait_secs
            group.announced_at = None
            group.representative = event_id
            group.window_count = len(group.pending)
            group.first_seen = now
            self._order += 1
            group.order = self._order
        group.pending.append(event_id)
        group.window_count += 1
        group.last_seen = now

    def due(self, now: float) -> list[Decision]:
        """The decisions due at ``now`` (the caller sends them in this order)."""
        self._prune_sent(now)
        candidates: list[tuple[float, int, str]] = []
        for fingerprint, group in self._groups.items():
            at = self._due_at(group)
            if at is not None and at <= now:
                candidates.append((at, group.order, fingerprint))
        candidates.sort()
        slots = self._settings.max_notifications_per_minute - len(self._sent)
        backlog = bool(self._digest.event_ids)
        if backlog or len(candidates) > slots:
            direct = candidates[: max(slots - 1, 0)]
            overflow = candidates[len(direct) :]
        else:
            direct, overflow = candidates, []
        out = [self._decide(fp, now) for _, _, fp in direct]
        for _, _, fp in overflow:
            self._fold(fp, now)
        if self._digest.event_ids and len(out) < slots:
            out.append(self._take_digest())
        self._sent.extend(now for _ in out)
        self._forget_idle(now)
        return out

    def next_deadline(self) -> float | None:
        """When ``due`` next has something to return, or None when idle."""
        deadlines = [at for g in self._groups.values() if (at := self._due_at(g)) is not None]
        if self._digest.event_ids and self._sent:
            cap = self._settings.max_notifications_per_minute
            if len(self._sent) >= cap:
                deadlines.append(self._sent[len(self._sent) - cap] + RATE_WINDOW_SECS)
            else:
                deadlines.append(self._sent[-1])
        elif self._digest.event_ids:
            deadlines.append(0.0)
        return min(deadlines) if deadlines else None

    def knows(self, fingerprint: str) -> bool:
        """Whether the throttle still holds state of ``fingerprint`` (a group or a digest entry).

        A fingerprint whose repeat window expired with nothing pending is
        forgotten by ``due``; callers may then drop what they keep for it.
        """
        return fingerprint in self._groups or fingerprint in self._digest.counts

    def pending_count(self) -> int:
        """Event ids added and not yet covered by a returned decision."""
        return sum(len(g.pending) for g in self._groups.values()) + len(self._digest.event_ids)

    # internals

    def _in_window(self, group: _Group, now: float) -> bool:
        return (
            group.announced_at is not None
            and now < group.announced_at + self._settings.repeat_interval_secs
        )

    def _due_at(self, group: _Group) -> float | None:
        if group.announce_at is not None:
            return group.announce_at
        if group.pending:
            return group.last_message_at + self._settings.group_interval_secs
        return None

    def _decide(self, fingerprint: str, now: float) -> Decision:
        group = self._groups[fingerprint]
        ids = tuple(group.pending)
        group.pending.clear()
        since = group.last_message_at
        if group.announce_at is not None:
            group.announce_at = None
            group.announced_at = now
            group.last_message_at = now
            return Decision(
                kind="event",
                fingerprint=fingerprint,
                event_ids=ids,
                representative=group.representative,
                count=group.window_count,
                new_count=len(ids),
                first_seen=group.first_seen,
                last_seen=group.last_seen,
            )
        group.last_message_at = now
        return Decision(
            kind="update",
            fingerprint=fingerprint,
            event_ids=ids,
            representative=ids[-1],
            count=group.window_count,
            new_count=len(ids),
            first_seen=group.first_seen,
            last_seen=group.last_seen,
            since=since,
        )

    def _fold(self, fingerprint: str, now: float) -> None:
        group = self._groups[fingerprint]
        digest = self._digest
        if not digest.event_ids:
            digest.first_seen = group.first_seen
            digest.last_seen = group.last_seen
        digest.first_seen = min(digest.first_seen, group.first_seen)
        digest.last_seen = max(digest.last_seen, group.last_seen)
        digest.event_ids.extend(group.pending)
        digest.counts[fingerprint] = digest.counts.get(fingerprint, 0) + len(group.pending)
        group.pending.clear()
        # An announcement folded into the digest leaves the window unannounced:
        # the next event of this fingerprint opens a window and gets a full
        # message once the storm is over.
        group.announce_at = None
        group.last_message_at = now

    def _take_digest(self) -> Decision:
        digest = self._digest
        self._digest = _Digest()
        total = len(digest.event_ids)
        return Decision(
            kind="digest",
            fingerprint="",
            event_ids=tuple(digest.event_ids),
            representative="",
            count=total,
            new_count=total,
            first_seen=digest.first_seen,
            last_seen=digest.last_seen,
            digest=tuple(digest.counts.items()),
        )

    def _prune_sent(self, now: float) -> None:
        # Same arithmetic as next_deadline, so float rounding cannot stall a slot.
        while self._sent and self._sent[0] + RATE_WINDOW_SECS <= now:
            self._sent.popleft()

    def _forget_idle(self, now: float) -> None:
        idle = [
            fp
            for fp, g in self._groups.items()
            if not g.pending and g.announce_at is None and not self._in_window(g, now)
        ]
        for fp in idle:
            del self._groups[fp]
