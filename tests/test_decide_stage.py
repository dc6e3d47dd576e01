"""DecideStage: records kept per fingerprint are dropped once the throttle forgets it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from logsumd.outbox import Outbox
from logsumd.pipeline import event_id, event_to_record, understand
from logsumd.records import Classification, Event, Summary
from logsumd.redact import Redactor
from logsumd.settings import GroupingSettings
from logsumd.stages import DecideStage
from logsumd.state_store import SummaryCache
from logsumd.throttle import Throttle

SETTINGS = GroupingSettings(group_wait_secs=0.0)


def _item(exc: str, n: int) -> tuple[str, dict[str, object]]:
    text = (
        "Traceback (most recent call last):\n"
        f'  File "/srv/etl/job.py", line {n}, in run\n'
        f"{exc}: failed on batch {n}"
    )
    start = n * 100
    event = Event("/var/log/etl.log", "f", n, n + 2, start, start + 99, text, 0.0, 0.0, "python")
    clean, cls, fp = understand(event, Redactor(()))
    return event_id(event), event_to_record(clean, cls, fp)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _summarize(event: Event, cls: Classification) -> Summary:
    return Summary(f"{cls.exception_type} at line {event.line_start}", "fake")


def test_records_of_forgotten_fingerprints_are_pruned(tmp_path: Path) -> None:
    """After the repeat window of an idle fingerprint, its first/last records are gone."""
    clock = Clock()
    outbox = Outbox(str(tmp_path / "outbox"), ["file"], 1 << 20)
    stage = DecideStage(
        Throttle(SETTINGS),
        outbox,
        _summarize,
        SummaryCache(str(tmp_path / "summaries.json")),
        "host",
        lambda: None,
        clock=clock,
    )
    items = [_item("ValueError", 1), _item("KeyError", 2), _item("ValueError", 3)]
    stage.add(items)
    fps = {rec["fingerprint"] for _, rec in items}
    assert len(fps) == 2

    asyncio.run(stage.step())
    assert len(outbox.pending_for("file")) == 2
    assert set(stage._last) == fps  # still inside the repeat window

    clock.now += SETTINGS.repeat_interval_secs + 1.0
    asyncio.run(stage.step())
    assert stage._last == {}
    assert stage._first == {}
    outbox.close()
