"""Outbox: durability, recovery, per-notifier progress, compaction and the size cap."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from logsumd import telemetry
from logsumd.records import Classification, DigestItem, Event, Notification, StoredEvent
from logsumd.store._outbox import JOURNAL, Outbox

NOTIFIERS = ("slack", "file")


def note(nid: str, kind: str = "event", **extra: object) -> Notification:
    fields: dict[str, object] = {
        "id": nid,
        "kind": kind,
        "fingerprint": "fp1",
        "path": "/var/log/etl/orders.log",
        "line_start": 10,
        "line_end": 20,
        "host": "etl-1",
        "category": "connection",
        "exception_type": "ConnectionError",
        "outer_exception_type": "RuntimeError",
        "message": "connection refused",
        "summary": "The orders job could not reach db-1.",
        "summarizer": "rules",
        "excerpt": "Traceback ...\nConnectionError: connection refused",
        "count": 1,
        "first_seen": 1.0,
        "last_seen": 2.0,
    }
    fields.update(extra)
    return Notification(**fields)  # type: ignore[arg-type]


CLS = Classification("other", "ERROR", "ERROR", "ERROR 1", (), None, (), (), "ERROR 1")


def event(i: int) -> StoredEvent:
    ev = Event("/var/log/etl/orders.log", "f", i, i, 0, 8, f"ERROR {i}", 0.0, 0.0, "generic")
    return StoredEvent(f"ev{i}", ev, CLS, "fp")


def test_events_survive_reopen_without_close(tmp_path: Path) -> None:
    """Appended events are on disk: a second instance (as after a crash) sees them."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    box.add_event(event(1))
    box.add_events([event(2), event(3)])
    again = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    assert [s.id for s in again.pending_events()] == ["ev1", "ev2", "ev3"]
    assert again.pending_events()[1].event.text == "ERROR 2"
    box.close()
    again.close()


def test_torn_last_line_is_cut(tmp_path: Path) -> None:
    """A partial record at the end (crash mid-write) is dropped and the file repaired."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    box.add_events([event(1), event(2)])
    box.close()
    journal = tmp_path / JOURNAL
    size = journal.stat().st_size
    with journal.open("ab") as f:
        f.write(b'{"t":"e","id":"ev3","r":{"text":"ERR')
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    assert [s.id for s in box.pending_events()] == ["ev1", "ev2"]
    assert journal.stat().st_size == size
    box.add_event(event(4))
    box.close()
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    assert [s.id for s in box.pending_events()] == ["ev1", "ev2", "ev4"]
    box.close()


def test_corrupt_middle_line_is_skipped_and_reported(tmp_path: Path) -> None:
    """A garbled complete line is skipped with a named event; later records survive."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    box.add_event(event(1))
    box.close()
    with (tmp_path / JOURNAL).open("ab") as f:
        f.write(b"\x00\x00garbage\n")
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    box.add_event(event(2))
    box.close()
    with capture_logs() as logs:
        box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    assert [s.id for s in box.pending_events()] == ["ev1", "ev2"]
    assert [e["event"] for e in logs] == ["OutboxCorrupt"]
    box.close()


def test_queued_notification_owns_its_events(tmp_path: Path) -> None:
    """Covered events leave pending_events; the notification is pending per notifier."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    box.add_events([event(1), event(2), event(3)])
    n = note("n1", digest=(DigestItem("fp9", "other", "KeyError", 3, "/x.log"),))
    box.queue_notification(n, ["ev1", "ev2"])
    assert [s.id for s in box.pending_events()] == ["ev3"]
    assert box.get_event("ev1") is None
    assert box.get_event("ev3") == event(3)
    assert box.pending_for("slack") == [n]
    assert box.pending_for("file") == [n]
    box.close()
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    assert [s.id for s in box.pending_events()] == ["ev3"]
    assert box.pending_for("slack") == [n]
    box.close()


def test_accepted_by_all_is_gone_after_compaction(tmp_path: Path) -> None:
    """A notification accepted by every notifier disappears, also from the journal."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    box.add_events([event(1), event(2)])
    box.queue_notification(note("n1"), ["ev1", "ev2"])
    box.accepted("slack", "n1")
    assert box.stats()["notifications"] == 1
    box.accepted("file", "n1")
    assert box.stats()["notifications"] == 0
    assert box.stats()["live_bytes"] == 0
    box.compact()
    assert (tmp_path / JOURNAL).stat().st_size == 0
    box.close()
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    assert box.pending_for("slack") == []
    assert box.pending_events() == []
    box.close()


def test_partial_acceptance_survives_compaction_and_restart(tmp_path: Path) -> None:
    """After compaction and reopen, what one notifier accepted stays accepted."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    for i in range(3):
        box.add_event(event(i))
        box.queue_notification(note(f"n{i}"), [f"ev{i}"])
    box.accepted("file", "n0")
    box.accepted("file", "n1")
    box.accepted("slack", "n1")
    box.compact()
    box.close()
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    assert [n.id for n in box.pending_for("slack")] == ["n0", "n2"]
    assert [n.id for n in box.pending_for("file")] == ["n2"]
    box.close()


def test_failing_notifier_does_not_block_another(tmp_path: Path) -> None:
    """Slack down: the file notifier's pending list keeps draining; slack's backs up."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 22)
    for i in range(500):
        box.add_event(event(i))
        box.queue_notification(note(f"n{i}"), [f"ev{i}"])
        for n in box.pending_for("file"):
            box.accepted("file", n.id)
    assert box.pending_for("file") == []
    assert len(box.pending_for("slack")) == 500
    assert [n.id for n in box.pending_for("slack", limit=3)] == ["n0", "n1", "n2"]
    stats = box.stats()
    assert (stats["pending_slack"], stats["pending_file"]) == (500, 0)
    assert stats["journal_bytes"] < 2 * stats["live_bytes"] + 65536
    for n in box.pending_for("slack"):
        box.accepted("slack", n.id)
    assert box.stats()["notifications"] == 0
    box.close()


def test_size_cap_drops_oldest_with_events_dropped(tmp_path: Path) -> None:
    """Beyond max_bytes the oldest items go, reported per notifier, counted in stats."""
    cap = 20_000
    box = Outbox(str(tmp_path), NOTIFIERS, cap)
    before = telemetry.count("EventsDropped")
    with capture_logs() as logs:
        for i in range(100):
            box.add_event(event(i))
            box.queue_notification(note(f"n{i}"), [f"ev{i}"])
            box.accepted("file", f"n{i}")
        stats = box.stats()
        kept = [n.id for n in box.pending_for("slack")]
        box.close()  # reports the drops not reported yet
    assert stats["live_bytes"] <= cap
    assert stats["dropped_notifications"] > 0
    assert kept == [f"n{i}" for i in range(100 - len(kept), 100)]
    assert len(kept) + stats["dropped_notifications"] == 100
    dropped = [e for e in logs if e["event"] == "EventsDropped"]
    assert dropped
    assert all(e["reason"] == "outbox_full" and e["notifier"] == "slack" for e in dropped)
    assert sum(e["count"] for e in dropped) == stats["dropped_notifications"]
    assert telemetry.count("EventsDropped") == before + len(dropped)
    assert len(dropped) <= 2  # the first drop at once, the rest summed, not one per item
    box = Outbox(str(tmp_path), NOTIFIERS, cap)
    assert [n.id for n in box.pending_for("slack")] == kept
    box.close()


def test_size_cap_drops_unnotified_events_too(tmp_path: Path) -> None:
    """Pending events are dropped oldest first, reported with notifier '*'."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1000)
    with capture_logs() as logs:
        for i in range(30):
            box.add_event(event(i))
        dropped = box.stats()["dropped_events"]
        box.close()
    box = Outbox(str(tmp_path), NOTIFIERS, 1000)
    left = [s.id for s in box.pending_events()]
    assert left == [f"ev{i}" for i in range(30 - len(left), 30)]
    reports = [e for e in logs if e["event"] == "EventsDropped"]
    assert {e["notifier"] for e in reports} == {"*"}
    assert sum(e["count"] for e in reports) == dropped == 30 - len(left)
    # A notification covering dropped ids is still queued.
    box.queue_notification(note("n1"), ["ev0", left[0]])
    assert [n.id for n in box.pending_for("slack")] == ["n1"]
    box.close()


def test_journal_stays_small_under_steady_traffic(tmp_path: Path) -> None:
    """Compaction keeps the journal near its live size; calls stay fast."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 24)
    started = time.perf_counter()
    for i in range(300):
        box.add_events([event(2 * i), event(2 * i + 1)])
        box.queue_notification(note(f"n{i}"), [f"ev{2 * i}", f"ev{2 * i + 1}"])
        box.accepted("slack", f"n{i}")
        box.accepted("file", f"n{i}")
    elapsed = time.perf_counter() - started
    stats = box.stats()
    assert stats["live_bytes"] == 0
    assert stats["compactions"] >= 1
    assert os.path.getsize(tmp_path / JOURNAL) < 65536 + 4096
    assert elapsed < 30
    box.close()


def test_unknown_notifier_is_an_error(tmp_path: Path) -> None:
    """Notifier names are checked, so a typo cannot silently block deletion."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    with pytest.raises(ValueError, match="unknown notifier"):
        box.pending_for("slak")
    box.close()


def test_removed_notifier_no_longer_holds_items(tmp_path: Path) -> None:
    """Reopened with fewer notifiers, items the remaining ones accepted are done."""
    box = Outbox(str(tmp_path), NOTIFIERS, 1 << 20)
    box.add_event(event(1))
    box.queue_notification(note("n1"), ["ev1"])
    box.accepted("file", "n1")
    box.close()
    box = Outbox(str(tmp_path), ("file",), 1 << 20)
    assert box.stats()["notifications"] == 0
    box.close()


def test_crash_at_any_byte_recovers_a_prefix(tmp_path: Path) -> None:
    """Cut the journal at every byte of its tail: reopening never fails or invents data."""
    src = tmp_path / "src"
    box = Outbox(str(src), NOTIFIERS, 1 << 20)
    box.add_events([event(1), event(2)])
    box.queue_notification(note("n1"), ["ev1"])
    box.accepted("file", "n1")
    box.add_event(event(3))
    box.close()
    data = (src / JOURNAL).read_bytes()
    assert len(data) < 2000
    for cut in range(len(data) + 1):
        target = tmp_path / f"cut{cut}"
        target.mkdir()
        (target / JOURNAL).write_bytes(data[:cut])
        box = Outbox(str(target), NOTIFIERS, 1 << 20)
        pending = [s.id for s in box.pending_events()]
        queued = [n.id for n in box.pending_for("slack")]
        assert pending in ([], ["ev1"], ["ev1", "ev2"], ["ev2"], ["ev2", "ev3"])
        assert queued == ([] if "ev1" in pending or not pending else ["n1"])
        box.close()
