"""An outbox journal written before formats had versions is read and delivered after upgrade.

``tests/data/outbox_v1.journal`` was written by the code of commit 7e58b44
(``tests/data/make_outbox_v1_journal.py``): full and compact repeat records
of format 1, queued notifications, one acceptance.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

from logsumd.config import GroupingSettings
from logsumd.daemon._decide_stage import DecideStage
from logsumd.decide import Throttle
from logsumd.records import Classification, Event, Notification, StoredEvent, Summary
from logsumd.store import Outbox, SummaryCache
from logsumd.store._outbox import JOURNAL
from logsumd.understand import classify

FIXTURE = Path(__file__).parent / "data" / "outbox_v1.journal"
NOTIFIERS = ("slack", "file")


def _lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text().splitlines()]


def _upgraded(tmp_path: Path) -> Outbox:
    (tmp_path / "outbox").mkdir()
    shutil.copyfile(FIXTURE, tmp_path / "outbox" / JOURNAL)
    return Outbox(str(tmp_path / "outbox"), NOTIFIERS, 1 << 24)


def _expected_event(r: dict[str, Any]) -> Event:
    return Event(
        r["path"],
        r["file_id"],
        r["line_start"],
        r["line_end"],
        r["offset_start"],
        r["offset_end"],
        r["text"],
        r["first_read_at"],
        r["last_read_at"],
        r["rule"],
        r["cut_lines"],
        tuple(r["context"]),
    )


def test_the_fixture_is_an_unversioned_journal_of_every_kind_of_line() -> None:
    """The fixture has no format numbers, full and repeat events, notifications, an acceptance."""
    lines = _lines()
    assert not any("v" in line for line in lines)
    events = [line["r"] for line in lines if line["t"] == "e"]
    assert any(r.get("repeat") for r in events)
    assert any(not r.get("repeat") for r in events)
    assert any(line["t"] == "n" for line in lines)
    assert any(line["t"] == "a" for line in lines)


def test_pending_events_of_an_old_journal_are_read_as_stored_events(tmp_path: Path) -> None:
    """Every field the old record kept comes back; full records get their whole classification."""
    lines = _lines()
    covered = {eid for line in lines if line["t"] == "n" for eid in line["c"]}
    records = {line["id"]: line["r"] for line in lines if line["t"] == "e"}
    box = _upgraded(tmp_path)
    pending = box.pending_events()
    assert [s.id for s in pending] == [eid for eid in records if eid not in covered]
    assert len(pending) >= 8
    for stored in pending:
        r = records[stored.id]
        cls = stored.classification
        assert stored.event == _expected_event(r)
        assert stored.fingerprint == r["fingerprint"]
        assert stored.repeat is bool(r.get("repeat"))
        assert (cls.category, cls.exception_type) == (r["category"], r["exception_type"])
        if stored.repeat:
            assert cls.message == r["message"]
            assert cls.outer_exception_type == r["outer_exception_type"]
        else:
            assert cls == classify(stored.event)
    box.close()


def test_queued_notifications_of_an_old_journal_stay_queued_per_notifier(tmp_path: Path) -> None:
    """What one notifier accepted before the upgrade stays accepted; the rest is pending."""
    lines = _lines()
    notes = [Notification.from_dict(line["n"]) for line in lines if line["t"] == "n"]
    accepted = {line["id"] for line in lines if line["t"] == "a" and line["by"] == "file"}
    box = _upgraded(tmp_path)
    assert box.pending_for("slack") == notes
    assert box.pending_for("file") == [n for n in notes if n.id not in accepted]
    assert accepted
    box.close()


def test_an_upgraded_journal_is_delivered_appended_to_and_compacted(tmp_path: Path) -> None:
    """The new stages notify the old events; new records join the old; compaction keeps both."""

    async def summarize(event: Event, cls: Classification) -> Summary:
        return Summary(f"{cls.exception_type} at line {event.line_start}.", "fake")

    box = _upgraded(tmp_path)
    old = box.pending_events()
    fresh = StoredEvent("new-1", old[-1].event, old[-1].classification, "fp-new")
    box.add_event(fresh)
    box.close()
    box = Outbox(str(tmp_path / "outbox"), NOTIFIERS, 1 << 24)
    assert box.pending_events() == [*old, fresh]
    box.compact()
    box.close()
    box = Outbox(str(tmp_path / "outbox"), NOTIFIERS, 1 << 24)
    assert box.pending_events() == [*old, fresh]
    queued_before = len(box.pending_for("slack"))
    decide = DecideStage(
        Throttle(GroupingSettings(group_wait_secs=0.0)),
        box,
        summarize,
        SummaryCache(str(tmp_path / "summaries.json")),
        "etl-1",
        lambda: None,
        clock=lambda: 1_760_000_100.0,
    )
    decide.add(box.pending_events())
    asyncio.run(decide.step())
    assert box.pending_events() == []
    new_notes = box.pending_for("slack")[queued_before:]
    assert {n.fingerprint for n in new_notes if n.kind != "digest"} | {
        i.fingerprint for n in new_notes for i in n.digest
    } == {s.fingerprint for s in [*old, fresh]}
    box.close()
