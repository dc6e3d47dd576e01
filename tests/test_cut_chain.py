"""A cut event keeps its exception chain from the cut middle, bounded, in order, each gap marked."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from logsumd.assemble._cut_chain import MARKER_BYTES, MAX_CHAIN_LINES
from logsumd.assemble._event_buffer import EventBuffer
from logsumd.assemble.multiline import M_GENERIC
from logsumd.config import MultilineSettings
from logsumd.parse import parse_line
from logsumd.understand import Redactor, understand
from tests.test_multiline_rules import run

MARKER_RE = re.compile(r"    \[logsumd: event cut, (\d+) lines not shown\]$")
PY_RECORD = "2024-06-03 02:14:01,000 ERROR etl - load failed"
RECORD = "24/06/03 02:14:04 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)"


def buffer(max_lines: int, max_bytes: int) -> EventBuffer:
    """An open event of one file with the given limits."""
    return EventBuffer(
        path="/logs/t.log",
        file_id="f1",
        rule="generic",
        mode=M_GENERIC,
        phase=0,
        lenient=True,
        candidate=False,
        user=None,
        line_start=1,
        offset_start=0,
        first_read_at=0.0,
        context=(),
        max_lines=max_lines,
        max_bytes=max_bytes,
    )


def feed(lines: list[str], max_lines: int, max_bytes: int) -> tuple[EventBuffer, list[str]]:
    """Every line into one buffer (with the kind the assembler gives it); the event's lines."""
    buf = buffer(max_lines, max_bytes)
    for k, text in enumerate(lines, 1):
        kind = parse_line(text.encode()).kind
        buf.add(text, len(text.encode()) + 1, lineno=k, end=0, read_at=0.0, kind=kind)
    return buf, buf.to_event().text.split("\n")


def shown(out: list[str]) -> tuple[list[str], list[int]]:
    """The event's lines that are not markers, and the markers' counts."""
    kept = [s for s in out if MARKER_RE.match(s) is None]
    counts = [int(m[1]) for s in out if (m := MARKER_RE.match(s)) is not None]
    return kept, counts


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    """``part`` is ``whole`` with some lines left out, in order."""
    it = iter(whole)
    return all(any(s == w for w in it) for s in part)


def java_chain(causes: int, frames: int) -> list[str]:
    """A Spark trace with ``causes`` ``Caused by:`` parts of ``frames`` frames each."""
    lines = [RECORD, "org.apache.spark.SparkException: Task failed while writing rows."]
    lines += [f"\tat org.apache.spark.Writer.write{i}(Writer.scala:{i + 1})" for i in range(frames)]
    for c in range(causes):
        lines.append(f"Caused by: java.io.IOException: cause {c}")
        lines += [f"\tat com.acme.Part{c}.m{i}(Part{c}.java:{i + 1})" for i in range(frames)]
        lines.append("\t... 12 more")
    return lines


def test_caused_by_headers_in_the_cut_middle_are_kept_with_their_first_frame() -> None:
    """Every ``Caused by:`` of the cut middle is kept with the frame after it, gaps marked."""
    lines = java_chain(3, 60)
    buf, out = feed(lines, 40, 1 << 20)
    for c in range(3):
        k = out.index(f"Caused by: java.io.IOException: cause {c}")
        assert out[k + 1] == f"\tat com.acme.Part{c}.m0(Part{c}.java:1)"
    kept, counts = shown(out)
    assert is_subsequence(kept, lines)
    assert sum(counts) == buf.to_event().cut_lines == len(lines) - len(kept)


def test_many_causes_keep_the_first_and_the_latest_within_the_line_limit() -> None:
    """Past 20 chain lines the first group and the latest ones stay; the root cause is the last."""
    lines = java_chain(40, 30)
    lines[-32] = "Caused by: java.sql.SQLException: Connection refused to db.internal:5432"
    lines += [f"\tat org.postgresql.Layer.call{i}(Layer.java:{i})" for i in range(300)]
    [event] = run("\n".join(lines), MultilineSettings(max_lines=200))
    text = event.text.split("\n")
    kept, _ = shown(text)
    assert len(kept) <= 200  # the chain takes its lines from the tail's share
    causes = [s for s in kept if s.startswith("Caused by: java.io")]
    assert causes[:5] == [f"Caused by: java.io.IOException: cause {c}" for c in range(5)]
    assert causes[5:] == [f"Caused by: java.io.IOException: cause {c}" for c in range(31, 39)]
    _, cls, _ = understand(event, Redactor())
    assert cls.exception_type == "java.sql.SQLException"
    assert cls.category == "connection"
    assert cls.outer_exception_type == "org.apache.spark.SparkException"


def test_exception_line_cut_right_after_the_head_is_kept() -> None:
    """With max_lines 1 the exception line after the record is kept, not the logger's name."""
    lines = [RECORD, "java.lang.StackOverflowError: deep"]
    lines += [f"\tat com.acme.Walk.step{i % 5}(Walk.java:{i % 90 + 1})" for i in range(3000)]
    lines += ["\t... 1024 more", "24/06/03 02:14:05 INFO Executor: next"]
    [event] = run("\n".join(lines), MultilineSettings(max_lines=1))
    assert event.text.split("\n")[:3] == lines[:3]
    _, cls, _ = understand(event, Redactor())
    assert (cls.exception_type, cls.message) == ("java.lang.StackOverflowError", "deep")


def test_python_root_with_a_two_line_message_and_py4j_link() -> None:
    """A Python root cause and a Py4J Java part in the cut middle are kept, in order."""
    lines = [PY_RECORD, "Traceback (most recent call last):"]
    for i in range(200):
        lines += [f'  File "/opt/etl/a{i}.py", line {i + 1}, in f{i}', f"    f{i + 1}()"]
    lines += [
        "py4j.protocol.Py4JJavaError: An error occurred while calling o123.save.",
        ": java.io.FileNotFoundException: File /data/in/orders.csv does not exist",
        "\tat org.apache.hadoop.fs.RawLocalFileSystem.open(RawLocalFileSystem.java:611)",
    ]
    lines += [f"\tat org.apache.spark.Step.run{i}(Step.scala:{i})" for i in range(200)]
    lines += [
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
    ]
    for i in range(200):
        lines += [f'  File "/opt/etl/b{i}.py", line {i + 1}, in g{i}', f"    g{i + 1}()"]
    lines += ["RuntimeError: load step failed", "2024-06-03 02:14:02,000 INFO etl - done"]
    [event] = run("\n".join(lines), MultilineSettings(max_lines=120))
    text = event.text.split("\n")
    k = text.index(lines[402])
    assert text[k : k + 3] == lines[402:405]
    assert "During handling of the above exception, another exception occurred:" in text
    _, cls, _ = understand(event, Redactor())
    assert cls.exception_type == "java.io.FileNotFoundException"
    assert cls.category == "file_io"


def test_a_chain_line_just_inside_the_tail_claims_the_exception_before_it() -> None:
    """An exception line cut just before a tail that starts with a chain line is kept."""
    lines = [PY_RECORD, "Traceback (most recent call last):"]
    lines += ['  File "/opt/etl/a.py", line 1, in f', "    g()"] * 20
    lines += [
        "KeyError: 'customer_id'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "/opt/etl/b.py", line 9, in h',
        "    raise RuntimeError('load step failed')",
        "RuntimeError: load step failed",
    ]
    _, out = feed(lines, 24, 1 << 20)  # the tail's 6 lines start at the chain line
    assert out[-8:] == lines[-8:]
    assert MARKER_RE.match(out[-9])
    kept, counts = shown(out)
    assert is_subsequence(kept, lines)
    assert sum(counts) == len(lines) - len(kept)


LINES = st.sampled_from(
    [
        "\tat com.acme.Walk.step(Walk.java:12)",
        "\t... 12 more",
        "Caused by: java.io.IOException: disk full",
        "\tSuppressed: java.lang.IllegalStateException: closed",
        "java.lang.IllegalStateException: outer",
        '  File "/opt/etl/a.py", line 3, in f',
        "    f()",
        "ValueError: bad row",
        "psycopg2.OperationalError: connection refused",
        "StopIteration",
        "",
        "During handling of the above exception, another exception occurred:",
        "The above exception was the direct cause of the following exception:",
        "Traceback (most recent call last):",
        ": java.lang.RuntimeException: boom",
        "Database Error in model orders (models/orders.sql)",
        "  relation does not exist",
        "plain output line",
        "2024-06-03 02:14:01,000 ERROR etl - another record",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    body=st.lists(LINES, max_size=400),
    max_lines=st.integers(1, 60),
    max_bytes=st.integers(1000, 6000),
)
def test_cut_events_are_bounded_ordered_and_counted(
    body: list[str], max_lines: int, max_bytes: int
) -> None:
    """Any cut event: its lines in order, markers counting the rest, within max_bytes."""
    lines = [RECORD, *body]
    buf, out = feed(lines, max_lines, max_bytes)
    event = buf.to_event()
    kept, counts = shown(out)
    assert is_subsequence(kept, lines)
    assert sum(counts) == event.cut_lines == len(lines) - len(kept)
    assert all(counts)
    assert len("\n".join(kept).encode()) + MARKER_BYTES * max(len(counts) - 1, 0) <= max_bytes
    chain = buf.chain
    if chain is not None:
        assert chain.nlines <= MAX_CHAIN_LINES
        assert len(chain.pending) <= 3
        assert len(kept) <= max(max_lines, 1) + 1 + MAX_CHAIN_LINES
