"""Long traces: one trace is one event however long, cut in the middle, head and tail kept."""

from __future__ import annotations

from logsumd import telemetry
from logsumd.config import MultilineSettings
from logsumd.understand import Redactor, understand
from tests.test_multiline_rules import run

HEADER = "2024-06-03 02:14:07,311 ERROR etl.tree - tree walk failed"
AFTER = "2024-06-03 02:14:08,002 INFO etl.tree - done"


def recursion_trace(frames: int) -> list[str]:
    """A ``RecursionError`` trace as Python prints it: ``frames`` alternating frames."""
    lines = [HEADER, "Traceback (most recent call last):"]
    lines += ['  File "/opt/etl/jobs/tree.py", line 40, in main', "    walk(root)"]
    for k in range(frames):
        if k % 2:
            lines += ['  File "/opt/etl/jobs/tree.py", line 7, in visit', "    return walk(child)"]
        else:
            lines += ['  File "/opt/etl/jobs/tree.py", line 4, in walk', "    return visit(node)"]
    lines += [
        '  File "/opt/etl/jobs/tree.py", line 2, in walk',
        "    if node.get('leaf'):",
        "RecursionError: maximum recursion depth exceeded in comparison",
    ]
    return lines


def java_trace(frames: int) -> list[str]:
    """A Spark driver failure whose root cause comes last, after ``frames`` frames."""
    lines = [
        "24/06/03 02:14:07 ERROR FileFormatWriter: Aborting job 42.",
        "org.apache.spark.SparkException: Job aborted due to stage failure",
    ]
    lines += [f"\tat org.apache.spark.rdd.RDD.iterator{k}(RDD.scala:{k})" for k in range(frames)]
    lines += [
        "Caused by: java.io.FileNotFoundException: File /data/in/orders.csv does not exist",
        "\tat com.acme.etl.LoadOrders.read(LoadOrders.scala:31)",
        "\tat com.acme.etl.LoadOrders.run(LoadOrders.scala:12)",
        "\t... 40 more",
    ]
    return lines


def test_600_line_recursion_error_keeps_its_exception_and_innermost_frames() -> None:
    """A 600-line ``RecursionError`` is one event: exception, category and frames as uncut."""
    lines = recursion_trace(298)
    assert len(lines) == 603
    before = telemetry.count("EventCut")
    [event] = run("\n".join([*lines, AFTER]))
    _, short, _ = understand(run("\n".join(recursion_trace(4)))[0], Redactor())
    _, cls, _ = understand(event, Redactor())
    assert (event.line_start, event.line_end) == (1, 603)
    assert cls.exception_type == "RecursionError"
    assert cls.message == "maximum recursion depth exceeded in comparison"
    assert cls.category == short.category
    assert cls.app_frame == short.app_frame
    text = event.text.split("\n")
    assert text[0] == HEADER
    assert text[-1] == lines[-1]
    assert "[logsumd: event cut, " in event.text
    assert len(text) <= MultilineSettings().max_lines + 1
    assert event.cut_lines == 603 - (len(text) - 1)
    assert telemetry.count("EventCut") == before + 1


def test_100003_line_trace_is_one_event_within_max_bytes() -> None:
    """A 100,003-line trace is one event, within ``max_bytes``, its exception kept."""
    lines = recursion_trace(49_998)
    assert len(lines) == 100_003
    settings = MultilineSettings()
    [event] = run("\n".join([*lines, AFTER]), settings)
    _, cls, _ = understand(event, Redactor())
    assert (event.line_start, event.line_end) == (1, 100_003)
    assert len(event.text.encode()) <= settings.max_bytes + 64
    assert cls.exception_type == "RecursionError"
    assert cls.app_frame is not None
    assert cls.app_frame.function == "walk"


def test_cut_java_trace_keeps_the_last_caused_by() -> None:
    """A Java trace cut in the middle still has its root cause, the last ``Caused by:``."""
    [event] = run("\n".join(java_trace(2000)))
    _, cls, _ = understand(event, Redactor())
    assert cls.exception_type == "java.io.FileNotFoundException"
    assert cls.outer_exception_type == "org.apache.spark.SparkException"
    assert cls.category == "file_io"
    assert cls.app_frame is not None
    assert cls.app_frame.module == "com.acme.etl.LoadOrders"


def test_cut_by_bytes_keeps_head_and_tail() -> None:
    """An event cut by ``max_bytes`` keeps its first line and its last lines."""
    lines = recursion_trace(400)
    settings = MultilineSettings(max_bytes=4096)
    [event] = run("\n".join([*lines, AFTER]), settings)
    text = event.text.split("\n")
    assert text[0] == HEADER
    assert text[-1] == lines[-1]
    assert len(event.text.encode()) <= settings.max_bytes + 64
    assert event.cut_lines == len(lines) - (len(text) - 1)
