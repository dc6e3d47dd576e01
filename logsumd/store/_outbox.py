"""Durable outbox: events and notifications survive until every notifier has them.

One append-only journal of JSON lines in the state directory:

* ``{"t": "e", "id": ..., "v": 2, "r": {...}}`` an understood event
  (:class:`~logsumd.records.StoredEvent`), not yet notified;
* ``{"t": "n", "id": ..., "v": 2, "n": {...}, "c": [event ids]}`` a queued
  notification that now owns the events it covers;
* ``{"t": "a", "id": ..., "by": notifier}`` a notifier accepted a notification;
* ``{"t": "x", "e": [...], "n": [...]}`` items dropped because of the size cap.

``v`` is the record's format (:mod:`logsumd.store._codec`); lines without one
(format 1, older logsumd) are still read, so a journal survives an upgrade.  A
line of a newer format is reported (``OutboxCorrupt``) and skipped.

Every write is fsynced before the call returns.  Opening replays the journal
(a torn last line, left by a crash mid-write, is cut off).  Memory holds only
ids, offsets and sizes; records are read back from disk when needed.  When the
dead share of the journal is large it is compacted (``OutboxCompacted``): the
live records are written to a temporary file, fsynced and renamed over the
journal (:func:`logsumd.durable.atomic_writer`).

The live data is capped at ``max_bytes``: beyond it the oldest items are
dropped and reported with the ``EventsDropped`` event, never silently
(:mod:`logsumd.store._drops`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from logsumd import telemetry
from logsumd.durable import atomic_writer, fsync_dir
from logsumd.records import Notification, StoredEvent
from logsumd.store._codec import event_line, line_format, notification_line, stored_event
from logsumd.store._drops import DropReport, oldest_first

JOURNAL = "outbox.journal"
COMPACT_MIN_DEAD_BYTES = 64 * 1024
"""Dead bytes below this never trigger a compaction."""


@dataclass(slots=True)
class _Item:
    """Where a live record lies in the journal, and the bytes it accounts for."""

    offset: int
    length: int
    size: int
    accepted: set[str] = field(default_factory=set)
    covers: int = 0
    added: float = 0.0
    """Wall-clock time it was stored (after a restart: when its event was read)."""


def _line(record: Mapping[str, object]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class Outbox:
    """Append-only, fsynced journal of events and notifications per notifier."""

    def __init__(self, directory: str, notifier_names: Sequence[str], max_bytes: int) -> None:
        if not notifier_names:
            raise ValueError("an outbox needs at least one notifier")
        if len(set(notifier_names)) != len(notifier_names):
            raise ValueError("notifier names must be unique")
        os.makedirs(directory, exist_ok=True)
        self._dir = directory
        self._path = os.path.join(directory, JOURNAL)
        self._names = tuple(notifier_names)
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._events: dict[str, _Item] = {}
        self._notes: dict[str, _Item] = {}
        self._live = 0
        self._size = 0
        self._dropped_events = 0
        self._dropped_notifications = 0
        self._compactions = 0
        self._drops = DropReport(max_bytes)
        self._fd = -1
        self._recover()

    # public API

    def add_event(self, stored: StoredEvent) -> None:
        """Append one event and fsync before returning."""
        self.add_events([stored])

    def add_events(self, items: Sequence[StoredEvent]) -> None:
        """Append events with a single fsync; ids already present are ignored."""
        with self._lock:
            fresh = [s for s in items if s.id not in self._events]
            if not fresh:
                return
            lines = [_line(event_line(s)) for s in fresh]
            offset = self._append(b"".join(lines))
            now = time.time()
            for stored, line in zip(fresh, lines, strict=True):
                self._events[stored.id] = _Item(offset, len(line), len(line), added=now)
                self._live += len(line)
                offset += len(line)
            self._enforce_cap()
            self._maybe_compact()

    def get_event(self, event_id: str) -> StoredEvent | None:
        """A pending event, or None (covered, dropped, unknown or unreadable)."""
        with self._lock:
            item = self._events.get(event_id)
            return None if item is None else self._stored(item)

    def pending_events(self) -> list[StoredEvent]:
        """Events not covered by a queued notification, in journal order.

        A record that cannot be read back is reported (``OutboxCorrupt``) and left out.
        """
        with self._lock:
            found = (self._stored(item) for item in self._events.values())
            return [s for s in found if s is not None]

    def queue_notification(self, notification: Notification, covers: Sequence[str]) -> None:
        """Queue ``notification`` durably; it now owns the events in ``covers``.

        Covered ids that are unknown (already dropped) are ignored; queueing an
        id that is already queued is a no-op.
        """
        with self._lock:
            if notification.id in self._notes:
                return
            line = _line(notification_line(notification, covers))
            offset = self._append(line)
            self._cover(covers)
            self._notes[notification.id] = _Item(
                offset, len(line), len(line), covers=len(covers), added=time.time()
            )
            self._live += len(line)
            self._enforce_cap()
            self._maybe_compact()

    def pending_for(self, notifier: str, limit: int | None = None) -> list[Notification]:
        """Queued notifications ``notifier`` has not accepted, oldest first."""
        self._check_name(notifier)
        with self._lock:
            out: list[Notification] = []
            for item in self._notes.values():
                if limit is not None and len(out) >= limit:
                    break
                if notifier not in item.accepted:
                    out.append(Notification.from_dict(self._read(item)["n"]))
            return out

    def accepted(self, notifier: str, notification_id: str) -> None:
        """Record that ``notifier`` accepted a notification (fsynced).

        Once every notifier accepted it, the notification and its events are done.
        """
        self._check_name(notifier)
        with self._lock:
            item = self._notes.get(notification_id)
            if item is None or notifier in item.accepted:
                return
            line = _line({"t": "a", "id": notification_id, "by": notifier})
            self._append(line)
            item.accepted.add(notifier)
            if self._done(item):
                del self._notes[notification_id]
                self._live -= item.size
            else:
                item.size += len(line)
                self._live += len(line)
            self._maybe_compact()

    def stats(self) -> dict[str, int]:
        """Counts and sizes, for telemetry and ``logsumd status``."""
        with self._lock:
            out = {
                "events": len(self._events),
                "notifications": len(self._notes),
                "live_bytes": self._live,
                "journal_bytes": self._size,
                "max_bytes": self._max_bytes,
                "dropped_events": self._dropped_events,
                "dropped_notifications": self._dropped_notifications,
                "compactions": self._compactions,
            }
            for name in self._names:
                out[f"pending_{name}"] = sum(
                    1 for item in self._notes.values() if name not in item.accepted
                )
            return out

    def oldest(self) -> dict[str, float | None]:
        """When the oldest pending event and the oldest undelivered notification were stored.

        For metrics (``logsumd_outbox_oldest_age_seconds``); None where there is none.
        """
        with self._lock:
            # Both maps are in journal order: the first item is the oldest.
            return {
                "event": next((i.added for i in self._events.values()), None),
                "notification": next((i.added for i in self._notes.values()), None),
            }

    def compact(self) -> None:
        """Rewrite the journal with only its live records."""
        with self._lock:
            self._compact()

    def close(self) -> None:
        """Close the journal (idempotent)."""
        with self._lock:
            self._drops.flush()
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    # journal I/O

    def _append(self, data: bytes) -> int:
        if self._fd < 0:
            raise ValueError("outbox is closed")
        offset = self._size
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)
        self._size += len(data)
        return offset

    def _read(self, item: _Item) -> dict[str, Any]:
        data = os.pread(self._fd, item.length, item.offset)
        record: dict[str, Any] = json.loads(data)
        return record

    def _stored(self, item: _Item) -> StoredEvent | None:
        """The event of journal line ``item``, or None (reported) if it cannot be read."""
        try:
            return stored_event(self._read(item))
        except (ValueError, KeyError, TypeError) as exc:
            telemetry.emit("OutboxCorrupt", path=self._path, offset=item.offset, error=str(exc))
            return None

    def _open(self) -> None:
        self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self._size = os.fstat(self._fd).st_size

    def _recover(self) -> None:
        created = not os.path.exists(self._path)
        self._open()
        if created:
            fsync_dir(self._dir)
        offset = 0
        good_end = 0
        with open(self._path, "rb") as f:
            for raw in f:
                length = len(raw)
                if not raw.endswith(b"\n"):
                    break  # torn last line
                try:
                    record = json.loads(raw)
                    self._replay(record, offset, length)
                except (ValueError, KeyError, TypeError) as exc:
                    telemetry.emit("OutboxCorrupt", path=self._path, offset=offset, error=str(exc))
                offset += length
                good_end = offset
        if good_end < self._size:
            os.ftruncate(self._fd, good_end)
            os.fsync(self._fd)
            self._size = good_end
        for nid in [nid for nid, item in self._notes.items() if self._done(item)]:
            del self._notes[nid]
        self._live = sum(i.size for i in self._events.values()) + sum(
            i.size for i in self._notes.values()
        )
        self._enforce_cap()
        self._maybe_compact()

    def _replay(self, record: dict[str, Any], offset: int, length: int) -> None:
        kind = record["t"]
        line_format(record)
        if kind == "e":
            eid = record["id"]
            if not isinstance(eid, str) or not isinstance(record["r"], dict):
                raise TypeError("bad event record")
            read_at = record["r"].get("last_read_at")
            added = float(read_at) if isinstance(read_at, (int, float)) else time.time()
            self._events.setdefault(eid, _Item(offset, length, length, added=added))
        elif kind == "n":
            nid = record["id"]
            note = Notification.from_dict(record["n"])
            self._cover(record["c"])
            self._notes.setdefault(
                nid, _Item(offset, length, length, covers=len(record["c"]), added=note.last_seen)
            )
        elif kind == "a":
            item = self._notes.get(record["id"])
            if item is not None:
                item.accepted.add(record["by"])
                item.size += length
        elif kind == "x":
            for eid in record["e"]:
                self._events.pop(eid, None)
            for nid in record["n"]:
                self._notes.pop(nid, None)
        else:
            raise ValueError(f"unknown record type {kind!r}")

    # bookkeeping

    def _check_name(self, notifier: str) -> None:
        if notifier not in self._names:
            raise ValueError(f"unknown notifier {notifier!r}")

    def _done(self, item: _Item) -> bool:
        return all(name in item.accepted for name in self._names)

    def _cover(self, event_ids: Sequence[str]) -> None:
        for eid in event_ids:
            item = self._events.pop(eid, None)
            if item is not None:
                self._live -= item.size

    def _enforce_cap(self) -> None:
        if self._live <= self._max_bytes:
            return
        drop_events, drop_notes = oldest_first(
            self._events, self._notes, self._live - self._max_bytes
        )
        lost: dict[str, int] = {}
        for key in drop_events:
            self._live -= self._events.pop(key).size
        if drop_events:
            lost["*"] = len(drop_events)
        for key in drop_notes:
            item = self._notes.pop(key)
            self._live -= item.size
            for name in self._names:
                if name not in item.accepted:
                    lost[name] = lost.get(name, 0) + max(item.covers, 1)
        self._append(_line({"t": "x", "e": drop_events, "n": drop_notes}))
        self._dropped_events += len(drop_events)
        self._dropped_notifications += len(drop_notes)
        self._drops.add(lost)

    def _maybe_compact(self) -> None:
        dead = self._size - self._live
        if dead >= max(COMPACT_MIN_DEAD_BYTES, min(self._live, self._max_bytes // 4)):
            self._compact()

    def _compact(self) -> None:
        events: dict[str, _Item] = {}
        notes: dict[str, _Item] = {}
        offset = 0
        before = self._size
        with atomic_writer(self._path) as out:
            items = sorted(
                [(i.offset, "e", k, i) for k, i in self._events.items()]
                + [(i.offset, "n", k, i) for k, i in self._notes.items()]
            )
            for _, kind, key, item in items:
                data = os.pread(self._fd, item.length, item.offset)
                extra = b"".join(_line({"t": "a", "id": key, "by": n}) for n in item.accepted)
                out.write(data + extra)
                size = len(data) + len(extra)
                new = _Item(offset, item.length, size, set(item.accepted), item.covers, item.added)
                (events if kind == "e" else notes)[key] = new
                offset += len(data) + len(extra)
        os.close(self._fd)
        self._open()
        self._events, self._notes = events, notes
        self._live = offset
        self._compactions += 1
        telemetry.emit(
            "OutboxCompacted",
            path=self._path,
            journal_bytes_before=before,
            journal_bytes=self._size,
            events=len(events),
            notifications=len(notes),
        )
