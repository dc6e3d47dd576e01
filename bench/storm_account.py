"""Accounting of the storm's events: notifications, the outbox, and a journal tap.

:func:`account` checks that every event written is covered by a notification
(``new_count`` of event and update messages, item counts of digests), still
pending in the outbox (read back after the daemon stopped), or lost to the
outbox size cap (at most what ``EventsDropped`` reported).

:class:`JournalTap` reads the daemon's outbox journal while it is written, to
check the same per event id where it can.

The outbox (``logsumd/store/_outbox.py``) appends one JSON line per record: ``e``
(an event), ``n`` (a notification and the ids it covers, key ``c`` last),
``a`` (accepted), ``x`` (ids dropped by the size cap).  Compaction rewrites the
live records into a new file renamed over the journal, which loses the dead
ones; so the tap follows the file as ``tail -F`` does: it reads the old file to
its end, then the new one from its start, and skips ids it has seen.  A file
replaced again before the tap opened it is missed (compactions of a small
journal can follow each other within milliseconds): the tap then reports
itself incomplete and only the count-based check stands.

Only the fields needed are sliced out of each line (full JSON parsing of every
event would cost the benchmark more CPU than it measures): the keys
``fingerprint`` and ``exception_type`` occur once in an event line (the latter
in its classification), and the event text inside is JSON-escaped, so the raw
key patterns cannot occur in it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

from storm_log import Writer

from logsumd.store import Outbox

_E = b'{"t":"e","id":"'
_N = b'{"t":"n",'
_X = b'{"t":"x",'
_FP = b'"fingerprint":"'
_TYPE = b'"exception_type":"'
_COVERS = b',"c":['


def _field(line: bytes, key: bytes) -> str:
    start = line.rfind(key) + len(key)
    return line[start : line.index(b'"', start)].decode()


class JournalTap(threading.Thread):
    """Follows ``path`` every ``interval`` seconds until :meth:`finish`."""

    def __init__(self, path: Path, interval: float = 0.005) -> None:
        super().__init__(name="journal-tap", daemon=True)
        self.path = path
        self.interval = interval
        self.events: dict[str, tuple[str, str]] = {}
        """Event id -> (fingerprint, exception type), every event ever appended."""
        self.covered: set[str] = set()
        """Ids named by a queued notification."""
        self.dropped: set[str] = set()
        """Event ids dropped by the outbox size cap."""
        self.files = 0
        """Journal files followed (1 + compactions seen)."""
        self.cpu = 0.0
        self._finish = threading.Event()
        self._fh: BinaryIO | None = None
        self._rest = b""

    def finish(self) -> None:
        """Read what is left and stop (call after the daemon stopped)."""
        self._finish.set()
        self.join()

    def run(self) -> None:
        try:
            while not self._finish.wait(self.interval):
                self._poll()
            self._poll()
        finally:
            if self._fh is not None:
                self._fh.close()
            self.cpu = time.thread_time()

    def _poll(self) -> None:
        if self._fh is None and not self._open():
            return
        assert self._fh is not None
        self._read()
        try:
            replaced = os.stat(self.path).st_ino != os.fstat(self._fh.fileno()).st_ino
        except FileNotFoundError:
            return
        if replaced:
            self._read()  # appends to the old file made before the rename
            self._fh.close()
            self._fh = None
            self._rest = b""
            if self._open():
                self._read()

    def _open(self) -> bool:
        try:
            self._fh = open(self.path, "rb")  # noqa: SIM115 - kept open across polls
        except FileNotFoundError:
            return False
        self.files += 1
        return True

    def _read(self) -> None:
        assert self._fh is not None
        data = self._rest + self._fh.read()
        lines = data.split(b"\n")
        self._rest = lines.pop()
        for line in lines:
            self._line(line)

    def _line(self, line: bytes) -> None:
        if line.startswith(_E):
            eid = line[len(_E) : line.index(b'"', len(_E))].decode()
            if eid not in self.events:
                self.events[eid] = (_field(line, _FP), _field(line, _TYPE))
        elif line.startswith(_N):
            self.covered.update(json.loads(line[line.rfind(_COVERS) + len(_COVERS) - 1 : -1]))
        elif line.startswith(_X):
            self.dropped.update(json.loads(line)["e"])


def pending_in_outbox(state_dir: Path, notifier: str) -> dict[str, tuple[str, str]]:
    """Events still pending in the outbox after the daemon stopped: id -> (fp, type)."""
    box = Outbox(str(state_dir / "outbox"), [notifier], 1 << 60)
    try:
        return {
            s.id: (s.fingerprint, s.classification.exception_type) for s in box.pending_events()
        }
    finally:
        box.close()


def notified_by_fp(notes: list[dict[str, Any]]) -> tuple[Counter[str], dict[str, str]]:
    """Events covered per fingerprint (new_count; digest item counts) and fp -> type."""
    counts: Counter[str] = Counter()
    types: dict[str, str] = {}
    for n in notes:
        items = n["digest"] if n["type"] == "digest" else [n]
        for i in items:
            counts[i["fingerprint"]] += i["new_count"] if n["type"] != "digest" else i["count"]
            types[i["fingerprint"]] = i["exception_type"]
    return counts, types


def tap_checks(tap: JournalTap, written: int, covered: int, pending: set[str]) -> list[str]:
    """Exact per-id checks from the followed journal, or why they cannot be made."""
    if len(tap.covered) != covered:
        return [
            f"  (journal tap incomplete: saw {len(tap.covered):,} of {covered:,} covered ids; "
            "compactions came faster than it polled, so no per-id check)"
        ]
    events = tap.events.keys()
    lost = (tap.dropped & events) - tap.covered
    checks = {
        "every event assembled once (ids appended = written)": len(events) == written,
        "covered and dropped ids were appended": tap.covered | tap.dropped <= events,
        "outbox pending = appended - covered - dropped": pending == events - tap.covered - lost,
    }
    return [
        f"  journal tap ({tap.files - 1} compactions followed, {tap.cpu:.1f} CPU s): "
        f"{len(events):,} ids appended, {len(tap.dropped):,} dropped, of them "
        f"{len(tap.dropped & tap.covered):,} covered later by a notification, "
        f"{len(lost):,} never",
        *(f"  {'ok  ' if good else 'FAIL'} {name}" for name, good in checks.items()),
    ]


def account(
    writer: Writer,
    notes: list[dict[str, Any]],
    pending: dict[str, tuple[str, str]],
    dropped: int,
    tap: JournalTap,
) -> tuple[bool, int, list[str]]:
    """written = covered by notifications + pending in the outbox + lost to the outbox cap.

    Returns whether the checks passed, the number lost, and the report lines.
    """
    counts, types = notified_by_fp(notes)
    covered = sum(counts.values())
    pending_fp: Counter[str] = Counter(fp for fp, _ in pending.values())
    types.update(dict(pending.values()))
    types.update(dict(tap.events.values()))
    lost = writer.written - covered - len(pending)
    fps: dict[str, set[str]] = {}
    for fp, exc in types.items():
        fps.setdefault(exc, set()).add(fp)
    checks = {
        "0 <= lost <= dropped by the cap": 0 <= lost <= dropped,
        "one fingerprint per kind": all(len(fps.get(exc, ())) == 1 for exc in writer.per_kind),
    }
    lines = [
        f"accounting: written {writer.written:,} = covered by notifications {covered:,} "
        f"+ pending in the outbox {len(pending):,} + lost {lost:,}",
        f"  (lost: dropped by the outbox cap before a notification covered them; the running "
        f"throttle still counted them, a restart forgets them.  The cap dropped {dropped:,} "
        "event records in all; those covered by a later notification are not lost)",
        *(f"  {'ok  ' if good else 'FAIL'} {name}" for name, good in checks.items()),
        *tap_checks(tap, writer.written, covered, set(pending)),
    ]
    first = {n["fingerprint"]: n["count"] for n in notes if n["type"] == "event"}
    lines.append(
        f"  {'exception type':<34} {'fps':>3} {'written':>8} {'1st msg':>8} "
        f"{'notified':>8} {'pending':>8} {'lost':>7}"
    )
    for exc in sorted(writer.per_kind):
        kind_fps = fps.get(exc, set())
        got = [sum(c.get(f, 0) for f in kind_fps) for c in (first, counts, pending_fp)]
        lines.append(
            f"  {exc:<34} {len(kind_fps):>3} {writer.per_kind[exc]:>8,} {got[0]:>8,} "
            f"{got[1]:>8,} {got[2]:>8,} {writer.per_kind[exc] - got[1] - got[2]:>7,}"
        )
    ok = all(checks.values()) and not any(line.startswith("  FAIL") for line in lines)
    return ok, lost, lines
