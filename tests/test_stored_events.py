"""StoredEvent: each event is classified once, and its record survives the journal whole."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from structlog.testing import capture_logs

from logsumd.assemble import Assembler
from logsumd.config import GroupingSettings, MultilineSettings, SourceSettings
from logsumd.daemon._assemble_stage import AssembleStage
from logsumd.daemon._decide_stage import DecideStage
from logsumd.daemon.wakeups import STOP
from logsumd.decide import Throttle
from logsumd.records import Chunk, Classification, Event, StoredEvent, Summary
from logsumd.store import Outbox, SummaryCache, event_id
from logsumd.store._codec import FORMAT, decode, encode
from logsumd.store._outbox import JOURNAL
from logsumd.tail import AckTracker, SourceMatcher
from logsumd.understand import Redactor, classify, understand_event

LOGS = Path(__file__).resolve().parent.parent / "examples" / "logs"
NOW = 1_760_000_000.0


def _chunk(names: list[str], first_line: int = 1, offset: int = 0) -> Chunk:
    lines = [ln for name in names for ln in (LOGS / name).read_bytes().split(b"\n")[:-1]]
    offsets = []
    for line in lines:
        offsets.append(offset)
        offset += len(line) + 1
    return Chunk("/logs/a.log", "1:1", lines, offsets, first_line, offset, NOW)


class CountingClassify:
    """``classify`` that counts its calls and keeps the events it saw."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event, *, full: bool = True) -> Classification:
        self.events.append(event)
        return classify(event, full=full)


def _stored_examples() -> list[StoredEvent]:
    """Every event of the example logs, understood as the daemon does (none a repeat)."""
    asm = Assembler(MultilineSettings())
    events = asm.feed(_chunk(sorted(p.name for p in LOGS.glob("*.log")))) + asm.flush_all()
    redactor = Redactor(())
    return [
        understand_event(e, redactor, event_id=event_id(e), is_repeat=lambda _fp: False)
        for e in events
    ]


def test_each_event_is_classified_once_from_tail_to_summary(tmp_path: Path) -> None:
    """The stages call classify once per event; summaries get that result, completed."""
    counting = CountingClassify()
    summarized: list[tuple[Event, Classification]] = []

    async def summarize(event: Event, cls: Classification) -> Summary:
        summarized.append((event, cls))
        return Summary(f"{cls.exception_type} at line {event.line_start}.", "fake")

    outbox = Outbox(str(tmp_path / "outbox"), ["file"], 1 << 24)
    settings = GroupingSettings(group_wait_secs=0.0, max_notifications_per_minute=100)
    decide = DecideStage(
        Throttle(settings),
        outbox,
        summarize,
        SummaryCache(str(tmp_path / "summaries.json")),
        "etl-1",
        lambda: None,
        clock=lambda: NOW,
        prefetch_per_minute=3,  # some summaries early, the others when the message is due
    )
    source = SourceSettings(include=("/logs/*.log",), multiline=MultilineSettings())
    seen: list[StoredEvent] = []

    def on_events(items: list[StoredEvent]) -> None:
        seen.extend(items)
        decide.add(items)

    stage = AssembleStage(
        [Assembler(source.multiline)],
        SourceMatcher([source]),
        AckTracker(),
        outbox,
        Redactor(()),
        on_events,
        clock=lambda: NOW,
        known=decide.holds,
        classify=counting,
    )
    names = sorted(p.name for p in LOGS.glob("*.log"))
    first = _chunk(names)

    async def body() -> None:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        for item in (first, _chunk(names, len(first.lines) + 1, first.end_offset), STOP):
            queue.put_nowait(item)
        await stage.run(queue)
        await asyncio.sleep(0.05)  # let the early summaries run
        await decide.step()

    asyncio.run(body())
    outbox.close()
    assert len(seen) > 20
    assert sum(s.repeat for s in seen) >= len(seen) // 2  # the second copy repeats the first
    assert len(counting.events) == len(seen)
    assert [s.event for s in seen if not s.repeat] == [
        e for e, s in zip(counting.events, seen, strict=True) if not s.repeat
    ]
    assert len(summarized) == len({s.fingerprint for s in seen})
    for event, cls in summarized:
        assert cls == classify(event)  # the full classification, cause lines included
    assert any(cls.cause_lines for _, cls in summarized)


def test_a_stored_event_round_trips_through_its_journal_record() -> None:
    """Encoded, written as JSON and decoded, every example event and its repeat come back equal."""
    examples = _stored_examples()
    assert any(s.classification.app_frames for s in examples)
    assert any(not s.classification.cause_lines_scored for s in examples)
    assert any(s.event.context for s in examples)
    for stored in examples:
        for item in (stored, stored.as_repeat()):
            record = json.loads(json.dumps(encode(item)))
            assert decode(item.id, record, FORMAT) == item


def test_a_repeat_keeps_what_an_update_needs_and_little_more() -> None:
    """A compact repeat drops text, context, chain, frames and cause lines; its record is small."""
    stored = max(_stored_examples(), key=lambda s: len(s.event.text))
    rep = stored.as_repeat()
    assert rep.repeat
    assert (rep.id, rep.fingerprint) == (stored.id, stored.fingerprint)
    assert (rep.event.text, rep.event.context) == ("", ())
    assert rep.event.line_start == stored.event.line_start
    cls, full = rep.classification, stored.classification
    assert (cls.category, cls.exception_type, cls.outer_exception_type) == (
        full.category,
        full.exception_type,
        full.outer_exception_type,
    )
    assert (cls.chain, cls.app_frames, cls.cause_lines) == ((), (), ())
    assert len(json.dumps(encode(rep))) < 700 < len(json.dumps(encode(stored)))


def test_a_record_of_a_newer_format_is_reported_and_skipped(tmp_path: Path) -> None:
    """A journal line of a format this code does not know is not guessed at."""
    stored = _stored_examples()[0]
    box = Outbox(str(tmp_path), ["file"], 1 << 20)
    box.add_event(stored)
    box.close()
    line = {"t": "e", "id": "later", "v": FORMAT + 1, "r": {"whatever": 1}}
    with (tmp_path / JOURNAL).open("a") as f:
        f.write(json.dumps(line) + "\n")
    with capture_logs() as logs:
        box = Outbox(str(tmp_path), ["file"], 1 << 20)
    assert box.pending_events() == [stored]
    (corrupt,) = [e for e in logs if e["event"] == "OutboxCorrupt"]
    assert "format 3" in corrupt["error"]
    box.close()
