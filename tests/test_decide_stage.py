"""DecideStage: records kept per fingerprint are dropped once the throttle forgets it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from logsumd.config import GroupingSettings
from logsumd.daemon._decide_stage import DecideStage
from logsumd.decide import Throttle
from logsumd.records import Classification, Event, StoredEvent, Summary
from logsumd.store import Outbox, SummaryCache, event_id
from logsumd.understand import Redactor, understand_event

SETTINGS = GroupingSettings(group_wait_secs=0.0)


def _event(exc: str, n: int) -> Event:
    text = (
        "Traceback (most recent call last):\n"
        f'  File "/srv/etl/job.py", line {n}, in run\n'
        f"{exc}: failed on batch {n}"
    )
    start = n * 100
    return Event("/var/log/etl.log", "f", n, n + 2, start, start + 99, text, 0.0, 0.0, "python")


def _item(exc: str, n: int, *, repeat: bool = False) -> StoredEvent:
    event = _event(exc, n)
    return understand_event(
        event, Redactor(()), event_id=event_id(event), is_repeat=lambda _fp: repeat
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _summarize(event: Event, cls: Classification) -> Summary:
    return Summary(f"{cls.exception_type} at line {event.line_start}", "fake")


def _stage(
    tmp_path: Path,
    clock: Clock,
    settings: GroupingSettings = SETTINGS,
    summarize: Callable[[Event, Classification], Awaitable[Summary]] = _summarize,
    prefetch_per_minute: int = 0,
) -> tuple[Outbox, DecideStage]:
    outbox = Outbox(str(tmp_path / "outbox"), ["file"], 1 << 20)
    stage = DecideStage(
        Throttle(settings),
        outbox,
        summarize,
        SummaryCache(str(tmp_path / "summaries.json")),
        "host",
        lambda: None,
        clock=clock,
        prefetch_per_minute=prefetch_per_minute,
    )
    return outbox, stage


def test_records_of_forgotten_fingerprints_are_pruned(tmp_path: Path) -> None:
    """After the repeat window of an idle fingerprint, its first/last records are gone."""
    clock = Clock()
    outbox, stage = _stage(tmp_path, clock)
    items = [_item("ValueError", 1), _item("KeyError", 2), _item("ValueError", 3)]
    stage.add(items)
    fps = {stored.fingerprint for stored in items}
    assert len(fps) == 2

    asyncio.run(stage.step())
    assert len(outbox.pending_for("file")) == 2
    assert set(stage._last) == fps  # still inside the repeat window

    clock.now += SETTINGS.repeat_interval_secs + 1.0
    asyncio.run(stage.step())
    assert stage._last == {}
    assert stage._first == {}
    outbox.close()


def _repeat(exc: str, n: int) -> StoredEvent:
    return _item(exc, n, repeat=True)


def test_repeat_records_are_compact_and_keep_what_an_update_needs() -> None:
    full = _item("ValueError", 7)
    rep = _repeat("ValueError", 7)
    assert rep.repeat is True
    assert rep.event.text == ""
    assert rep.event.context == ()
    assert rep.fingerprint == full.fingerprint
    assert rep.classification.message == "failed on batch 7"
    assert (rep.event.path, rep.event.line_start, rep.event.line_end) == ("/var/log/etl.log", 7, 9)


def test_a_repeat_does_not_replace_the_full_record(tmp_path: Path) -> None:
    clock = Clock()
    outbox, stage = _stage(tmp_path, clock)
    first = _item("ValueError", 1)
    fp = first.fingerprint
    assert not stage.holds(str(fp))
    stage.add([first, _repeat("ValueError", 2), _repeat("ValueError", 3)])
    assert stage.holds(str(fp))
    asyncio.run(stage.step())
    (note,) = outbox.pending_for("file")
    assert note.kind == "event"
    assert note.count == 3
    assert note.excerpt  # built from the full record
    assert note.summary == "ValueError at line 1"
    outbox.close()


def test_after_a_restart_repeats_alone_still_make_a_message(tmp_path: Path) -> None:
    """The full record was delivered before the restart; only compact repeats wait."""
    clock = Clock()
    outbox, stage = _stage(tmp_path, clock)
    stage.add([_repeat("KeyError", 4), _repeat("KeyError", 5)])
    asyncio.run(stage.step())
    (note,) = outbox.pending_for("file")
    assert note.count == 2
    assert (note.exception_type, note.message) == ("KeyError", "failed on batch 4")
    assert note.summary == "KeyError: failed on batch 4"
    assert note.path == "/var/log/etl.log"
    assert note.line_start == 4
    outbox.close()


def test_an_update_tells_of_a_repeat_not_of_the_first_event(tmp_path: Path) -> None:
    clock = Clock()
    outbox, stage = _stage(tmp_path, clock)
    stage.add([_item("ValueError", 1)])
    asyncio.run(stage.step())
    (first,) = outbox.pending_for("file")
    outbox.accepted("file", first.id)
    stage.add([_repeat("ValueError", 50)])
    clock.now += SETTINGS.group_interval_secs + 1.0
    asyncio.run(stage.step())
    (update,) = outbox.pending_for("file")
    assert update.kind == "update"
    assert update.line_start == 50
    assert update.message == "failed on batch 50"
    assert update.summary == first.summary  # the cached summary of the fingerprint
    outbox.close()


def test_new_kinds_are_summarized_during_group_wait(tmp_path: Path) -> None:
    """With prefetch, the model starts at the first event; the message reuses it."""
    calls: list[int] = []

    async def summarize(event: Event, cls: Classification) -> Summary:
        calls.append(event.line_start)
        return Summary(f"{cls.exception_type} at line {event.line_start}", "fake")

    async def body() -> None:
        clock = Clock()
        settings = GroupingSettings(group_wait_secs=10.0, max_notifications_per_minute=3)
        outbox, stage = _stage(tmp_path, clock, settings, summarize, prefetch_per_minute=2)
        kinds = ["ValueError", "KeyError", "TypeError", "IndexError"]
        stage.add([_item(exc, 10 * k + 1) for k, exc in enumerate(kinds)])
        await asyncio.sleep(0.05)
        assert calls == [1, 11]  # at once, and only as many as the cap
        await stage.step()
        assert outbox.pending_for("file") == []  # group_wait is not over
        clock.now += 10.5
        await stage.step()
        notes = outbox.pending_for("file")
        assert sorted(n.summary for n in notes if n.kind == "event") == [
            "KeyError at line 11",
            "ValueError at line 1",
        ]
        assert calls == [1, 11]  # the messages reused the early summaries
        outbox.close()

    asyncio.run(body())


def test_a_digest_lists_each_error_with_its_alerts_category(tmp_path: Path) -> None:
    """Over the notification cap, the digest names an error whose summary is known (cached
    before a restart, say) by the category its alert reported, the diagnosis's."""
    clock = Clock()
    capped = GroupingSettings(group_wait_secs=0.0, max_notifications_per_minute=1)
    outbox, stage = _stage(tmp_path, clock, capped)
    first, known, other = _item("ValueError", 1), _item("KeyError", 2), _item("TypeError", 4)
    stage._cache.put(known.fingerprint, Summary("KeyError", "catalogue", "made_up", "", "resource"))
    stage.add([first, known, other])
    for _ in range(3):
        asyncio.run(stage.step())
        clock.now += 61.0
    items = {i.fingerprint: i.category for n in outbox.pending_for("file") for i in n.digest}
    assert items[known.fingerprint] == "resource"
    assert items[other.fingerprint] == other.classification.category
