"""Logs pasted into an issue, a chat or a test report carry a decoration before each
line: a markdown quote (``> ``), pytest's ``E`` column, an inline-code backtick, or the
indentation of the whole block.  The parser reads the line behind the first three; an
indented block stays text (its indentation may be a record's own rows), so the event is
found and understood as in the log itself; the event's text keeps the lines as written.
"""

from __future__ import annotations

import pytest

from logsumd.parse import parse_line, undecorate
from logsumd.understand import classify
from tests.test_multiline_rules import run, spans


@pytest.mark.parametrize(
    ("line", "behind"),
    [
        ("> Traceback (most recent call last):", "Traceback (most recent call last):"),
        ('>   File "/srv/etl/job.py", line 3', '  File "/srv/etl/job.py", line 3'),
        ("> > KeyError: 'region'", "KeyError: 'region'"),
        ("E       KeyError: 'region'", "KeyError: 'region'"),
        ("E           UNION SELECT 1", "    UNION SELECT 1"),
        ("`ERROR TaskSchedulerImpl: Lost executor 2", "ERROR TaskSchedulerImpl: Lost executor 2"),
    ],
)  # fmt: skip
def test_the_decoration_comes_off(line: str, behind: str) -> None:
    assert undecorate(line) == behind


@pytest.mark.parametrize(
    "line",
    [
        '  File "/srv/etl/job.py", line 3, in <module>',  # a frame keeps its indentation
        "    df = load(path)",
        "\tat org.apache.spark.rdd.RDD.iterator(RDD.scala:329)",
        "```",  # a code fence is no inline code
        "```python",
        "Error: E       is not pytest",
        "ERROR - x",
        "-> 30 copy_progress(csv, table)",
        "    'ts': '2031-02-03 04:05:06'",  # a quoted time in a printed dict
        "E1207 04:05:06.123456  4242 main.cc:12] glog error",
    ],
)
def test_a_line_of_the_log_itself_stays(line: str) -> None:
    assert undecorate(line) == line


def test_a_quoted_traceback_is_one_event_and_understood() -> None:
    text = (
        "I get this when I run the flow:\n"
        "\n"
        "> Traceback (most recent call last):\n"
        '>   File "/srv/etl/load.py", line 41, in <module>\n'
        '>     df = pd.read_parquet("/data/in.parquet", columns="var0")\n'
        '>   File "/usr/lib/python3/site-packages/pandas/io/parquet.py", line 114, in read\n'
        ">     raise TypeError(msg)\n"
        "> TypeError: columns must be a list, got str 'var0'\n"
        "\n"
        "Any idea?\n"
    )
    events = run(text)
    assert [s[:2] for s in spans(events)] == [(3, 8)]
    facts = classify(events[0])
    assert facts.exception_type == "TypeError"
    assert facts.app_frame is not None
    assert facts.app_frame.file.endswith("load.py")
    assert "var0" in facts.message


def test_an_indented_block_is_not_read_as_records() -> None:
    """A block pasted with every line indented stays text: no line-by-line rule tells it
    from a record's own indented rows (red teams attack35 and attack36); its traceback or
    exception lines are still found."""
    text = (
        "2031-02-03 04:05:09,000 - ingest - WARNING - 2 lines rejected, e.g.:\n"
        "    2031-02-03 03:00:01 ERROR [payments] card declined for order 17\n"
        "    2031-02-03 03:00:02 ERROR [payments] card declined for order 18\n"
    )
    assert spans(run(text)) == []


def test_the_event_text_keeps_the_lines_as_written() -> None:
    [event] = run("E       KeyError: 'region'\n")
    assert event.text == "E       KeyError: 'region'"
    assert parse_line(b"E       KeyError: 'region'").msg == "KeyError: 'region'"


def test_an_indented_record_under_an_error_record_stays_in_its_event() -> None:
    """A runner that logs the failed step's log indented under its ERROR record: one
    event, not one per indented line (red team attack35 finding 4)."""
    text = (
        "2031-02-03 04:05:07,000 - runner - INFO - step extract started\n"
        "2031-02-03 04:05:09,000 - runner - ERROR - step extract failed, its log:\n"
        "    2031-02-03 04:05:08,000 - extract - INFO - GET /v1/orders\n"
        "    2031-02-03 04:05:08,500 - extract - ERROR - login failed: 401 Unauthorized\n"
        "2031-02-03 04:05:10,000 - runner - INFO - next step\n"
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 4)]
