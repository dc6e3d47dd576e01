"""The assembler state machine: flushing, cuts, offsets, encodings, positions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from logsumd import telemetry
from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.records import Chunk, Event
from tests.test_multiline_rules import AIRFLOW_311, CHAINED, DBT, LOG4J2, make_chunks, run, spans

TB = [
    "Traceback (most recent call last):",
    '  File "/srv/etl/job.py", line 3, in <module>',
    "    main()",
    "ValueError: bad row",
]


def rec(n: int, level: str = "INFO", msg: str = "tick") -> str:
    """A python-logging style record."""
    return f"2025-05-05 10:00:{n % 60:02d},000 - etl - {level} - {msg} {n}"


def chunk(
    lines: list[bytes], first_line: int, offset: int, read_at: float, file_id: str = "f1"
) -> Chunk:
    """A chunk of ``lines`` starting at ``offset`` / ``first_line``."""
    offsets = []
    pos = offset
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    return Chunk("/logs/a.log", file_id, lines, offsets, first_line, pos, read_at)


def test_event_ends_at_next_record_and_reports_offsets() -> None:
    """An event ends at the next record start; offsets cover exactly its lines."""
    data = AIRFLOW_311.encode() + b"\n"
    [event] = run(data)
    lines = data.split(b"\n")
    assert event.offset_start == sum(len(x) + 1 for x in lines[:2])
    assert event.offset_end == sum(len(x) + 1 for x in lines[:11])
    assert data[event.offset_start : event.offset_end].decode().rstrip("\n") == event.text


def test_event_split_across_two_chunks() -> None:
    """Lines of one event read in two chunks form one event with both read times."""
    asm = Assembler(MultilineSettings())
    first = [
        rec(1).encode(),
        rec(2, "ERROR", "load failed").encode(),
        *(x.encode() for x in TB[:2]),
    ]
    second = [*(x.encode() for x in TB[2:]), rec(3).encode()]
    c1 = chunk(first, 1, 0, read_at=10.0)
    c2 = chunk(second, 5, c1.end_offset, read_at=11.0)
    assert asm.feed(c1) == []
    [event] = asm.feed(c2)
    assert (event.line_start, event.line_end, event.rule) == (2, 6, "python")
    assert (event.first_read_at, event.last_read_at) == (10.0, 11.0)
    assert event.offset_end == c2.offsets[2]
    assert event.file_id == "f1"
    assert event.path == "/logs/a.log"


def test_header_record_in_previous_chunk_joins_traceback() -> None:
    """The look-back record before a Traceback is kept across chunk boundaries."""
    asm = Assembler(MultilineSettings())
    c1 = chunk([rec(1).encode(), rec(2, "INFO", "about to fail").encode()], 1, 0, 1.0)
    c2 = chunk([x.encode() for x in TB], 3, c1.end_offset, 2.0)
    assert asm.feed(c1) == []
    assert asm.feed(c2) == []
    [event] = asm.flush_all()
    assert (event.line_start, event.line_end, event.rule) == (2, 6, "python")
    assert event.offset_start == c1.offsets[1]
    assert event.offset_end == c2.end_offset
    assert event.context == (rec(1),)


def test_flush_expired_uses_injected_clock() -> None:
    """An open event is emitted once flush_timeout_ms passed since its last line was read."""
    asm = Assembler(MultilineSettings(flush_timeout_ms=1500))
    assert asm.next_deadline() is None
    asm.feed(chunk([rec(1, "ERROR", "boom").encode(), b"  detail"], 1, 0, read_at=100.0))
    assert asm.next_deadline() == 101.5
    assert asm.flush_expired(101.4) == []
    [event] = asm.flush_expired(101.5)
    assert (event.line_start, event.line_end) == (1, 2)
    assert asm.next_deadline() is None
    assert asm.flush_expired(500.0) == []


def test_new_line_pushes_the_deadline() -> None:
    """Each continuation line read restarts the silence timer of its file."""
    asm = Assembler(MultilineSettings(flush_timeout_ms=1000))
    c1 = chunk([rec(1, "ERROR", "boom").encode()], 1, 0, read_at=5.0)
    asm.feed(c1)
    asm.feed(chunk([b"  more"], 2, c1.end_offset, read_at=5.8))
    assert asm.flush_expired(6.5) == []
    assert asm.next_deadline() == 6.8
    assert len(asm.flush_expired(6.8)) == 1


def test_flush_all_drains_every_file() -> None:
    """flush_all emits the open event of every file."""
    asm = Assembler(MultilineSettings())
    asm.feed(chunk([rec(1, "ERROR", "a").encode()], 1, 0, 1.0, file_id="a"))
    asm.feed(chunk([rec(1, "CRITICAL", "b").encode()], 1, 0, 1.0, file_id="b"))
    assert sorted(e.file_id for e in asm.flush_all()) == ["a", "b"]
    assert asm.flush_all() == []


def test_close_file_flushes_and_forgets() -> None:
    """close_file emits the file's event and drops its look-back and context."""
    asm = Assembler(MultilineSettings())
    asm.feed(chunk([rec(1).encode(), rec(2, "ERROR", "x").encode()], 1, 0, 1.0))
    [event] = asm.close_file("f1")
    assert event.line_start == 2
    assert asm.pending_position("f1") is None
    assert asm.close_file("f1") == []
    assert asm.close_file("never-seen") == []
    # After a truncation the file starts again: no look-back from the old content.
    asm.feed(chunk([x.encode() for x in TB], 1, 0, 2.0))
    [again] = asm.flush_all()
    assert (again.line_start, again.context) == (1, ())


def test_pending_position_before_and_after_emission() -> None:
    """pending_position names the first held line, including a look-back record."""
    asm = Assembler(MultilineSettings())
    lines = [b"plain output", rec(2, "ERROR", "boom").encode(), b"  detail"]
    c1 = chunk(lines, 1, 0, 1.0)
    assert asm.pending_position("f1") is None
    asm.feed(c1)
    assert asm.pending_position("f1") == (c1.offsets[1], 2)
    c2 = chunk([rec(4).encode()], 4, c1.end_offset, 2.0)
    [event] = asm.feed(c2)
    assert event.offset_end == c2.offsets[0]
    # The INFO record just read may still introduce a Traceback: it is held.
    assert asm.pending_position("f1") == (c2.offsets[0], 4)
    c3 = chunk([b"unprefixed output"] * 11, 5, c2.end_offset, 3.0)
    asm.feed(c3)
    assert asm.pending_position("f1") is None


def test_max_lines_cut_keeps_counting() -> None:
    """At max_lines the middle is cut with a marker; head and tail kept, all lines spanned."""
    before = telemetry.count("EventCut")
    text = "\n".join([rec(1, "ERROR", "big"), *(f"  line {i}" for i in range(9)), rec(2)])
    [event] = run(text, MultilineSettings(max_lines=4))
    assert (event.line_start, event.line_end, event.cut_lines) == (1, 10, 6)
    assert event.text.split("\n") == [
        rec(1, "ERROR", "big"),
        "  line 0",
        "  line 1",
        "    [logsumd: event cut, 6 lines not shown]",
        "  line 8",
    ]
    assert telemetry.count("EventCut") == before + 1


def test_line_over_max_lines_with_nothing_cut_is_kept() -> None:
    """A line past max_lines that no later line pushes out stays in the event (no marker)."""
    text = "\n".join([rec(1, "ERROR", "big"), "  line 1", rec(2)])
    [event] = run(text, MultilineSettings(max_lines=1))
    assert event.text.split("\n") == [rec(1, "ERROR", "big"), "  line 1"]
    assert event.cut_lines == 0


def test_max_bytes_cut() -> None:
    """An event over max_bytes keeps its first line and the last lines that fit."""
    header = rec(1, "ERROR", "big")
    text = "\n".join([header, *(f"  {i:02d}" + "x" * 15 for i in range(5)), rec(2)])
    limit = len(header) + 1 + 2 * 20
    [event] = run(text, MultilineSettings(max_bytes=limit))
    assert (event.line_start, event.line_end, event.cut_lines) == (1, 6, 3)
    assert event.text.split("\n") == [
        header,
        "    [logsumd: event cut, 3 lines not shown]",
        "  03" + "x" * 15,
        "  04" + "x" * 15,
    ]


def test_crlf_and_double_cr_endings_are_stripped() -> None:
    """Trailing \\r and \\r\\r are removed from text; offsets still count them."""
    data = b"\r\n".join(x.encode() for x in [rec(1), rec(2, "ERROR", "x"), *TB]) + b"\r\r\n"
    data += rec(7).encode() + b"\r\n"
    [event] = run(data)
    assert (event.line_start, event.line_end) == (2, 6)
    assert "\r" not in event.text
    assert event.text.split("\n")[-1] == "ValueError: bad row"
    assert event.offset_end == data.index(rec(7).encode())


def test_invalid_utf8_and_nul_bytes_are_tolerated() -> None:
    """Invalid UTF-8 becomes U+FFFD and NUL bytes pass through."""
    data = rec(1, "ERROR", "bad \xff byte").encode("latin-1") + b"\n  nul\x00here\n"
    [event] = run(data)
    assert event.text == rec(1, "ERROR", "bad \ufffd byte") + "\n  nul\x00here"


def test_context_is_bounded_and_precedes_event() -> None:
    """Context holds at most context_lines lines read just before the event."""
    text = "\n".join([*(rec(i) for i in range(30)), *TB])
    [event] = run(text, MultilineSettings(context_lines=3))
    assert event.line_start == 30
    assert event.context == (rec(26), rec(27), rec(28))


def test_many_info_lines_between_events() -> None:
    """Events far apart in a long file keep exact spans and the right context."""
    lines = [rec(i) for i in range(5000)]
    lines[1200] = rec(1200, "ERROR", "first")
    lines[4000:4000] = TB
    events = run("\n".join(lines), MultilineSettings(context_lines=2))
    assert spans(events) == [(1201, 1201, "generic"), (4000, 4004, "python")]
    assert events[1].context == (rec(3997), rec(3998))


def test_traceback_in_plain_output_stops_after_message() -> None:
    """Without record prefixes, a traceback ends at the first line not part of it."""
    text = "\n".join(["step 1", "step 2", *TB, "step 3", "step 4"])
    assert spans(run(text)) == [(3, 6, "python")]


def test_trailing_blank_lines_are_not_part_of_event() -> None:
    """Blank lines between an event and the next record are left out of it."""
    text = "\n".join([rec(1, "ERROR", "x"), "  detail", "", "", rec(2)])
    [event] = run(text)
    assert (event.line_start, event.line_end, event.text) == (
        1,
        2,
        rec(1, "ERROR", "x") + "\n  detail",
    )


def test_files_are_assembled_independently() -> None:
    """Interleaved chunks of two files do not mix their lines."""
    asm = Assembler(MultilineSettings())
    out: list[Event] = []
    a = make_chunks(CHAINED.encode(), file_id="a", per_chunk=3)
    b = make_chunks(LOG4J2.encode(), file_id="b", per_chunk=2)
    for i in range(max(len(a), len(b))):
        for part in (a, b):
            if i < len(part):
                out.extend(asm.feed(part[i]))
    out.extend(asm.flush_all())
    got = sorted((e.file_id, e.line_start, e.line_end, e.rule) for e in out)
    assert got == [("a", 2, 20, "python"), ("b", 2, 9, "java")]


def test_hard_limit_emits_endless_event() -> None:
    """An event that never ends is emitted after max_lines * 10 consumed lines."""
    text = "\n".join([rec(1, "ERROR", "x"), *("  more" for _ in range(60))])
    events = run(text, MultilineSettings(max_lines=5))
    assert [(e.line_start, e.line_end, e.cut_lines) for e in events] == [(1, 50, 45)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=20))
def test_events_do_not_depend_on_chunk_boundaries(sizes: list[int]) -> None:
    """Any split of the same lines into chunks yields identical events."""
    data = (DBT + "\n" + CHAINED + "\n" + LOG4J2 + "\n").encode()
    [whole] = make_chunks(data)
    expected = run(data)
    asm = Assembler(MultilineSettings())
    got: list[Event] = []
    i = 0
    k = 0
    while i < len(whole.lines):
        n = sizes[k % len(sizes)]
        k += 1
        part = Chunk(
            whole.path,
            whole.file_id,
            whole.lines[i : i + n],
            whole.offsets[i : i + n],
            i + 1,
            whole.offsets[i + n] if i + n < len(whole.lines) else whole.end_offset,
            0.0,
        )
        got.extend(asm.feed(part))
        i += n
    got.extend(asm.flush_all())
    assert got == expected
