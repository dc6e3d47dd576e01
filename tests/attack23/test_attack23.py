"""Red team attack23: commit cc86af4 (Dagster's serialized errors, parse/_dagster.py).  Log
lines are made up here in the shapes Dagster prints.  FINDINGS.md lists each finding with
what happened and what should."""

from __future__ import annotations

import pytest

from logsumd.parse import parse
from logsumd.summarize.diagnose import examine, rules_summary
from logsumd.understand import classify
from tests.test_corpus_shapes import _events

FAILED = (
    "2031-05-06 02:14:07 +0000 - dagster - ERROR - etl_job - 4c2d1e3a - load_orders -"
    ' STEP_FAILURE - Execution of step "load_orders" failed.'
)
DONE = (
    "2031-05-06 02:14:08 +0000 - dagster - INFO - etl_job - 4c2d1e3a - ENGINE_EVENT -"
    " Process for run exited (pid: 4242)."
)
WRAPPER = (
    "dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing"
    ' op "{op}":'
)
BOUNDARY = [
    '  File "/usr/local/lib/python3.11/site-packages/dagster/_core/execution/plan/utils.py",'
    " line 54, in op_execution_error_boundary",
    "    yield",
]
CAUSED = "The above exception was caused by the following exception:"


def _frame(path: str, line: int, func: str) -> list[str]:
    """A Python frame as Dagster prints it, with its source line."""
    return [f'  File "{path}", line {line}, in {func}', "    run()"]


def _headline(lines: list[str]) -> str:
    """The rules summary of the first event of ``lines``."""
    event = _events(lines)[0]
    return rules_summary(examine(event, classify(event), None)).text


def test_a_cause_without_frames_is_still_the_root() -> None:
    """A cause Dagster prints with no stack (no label, no frames) is the root, not the wrapper."""
    lines = [
        FAILED,
        "",
        WRAPPER.format(op="load_orders"),
        "",
        "Stack Trace:",
        *BOUNDARY,
        *_frame("/opt/dagster/app/etl/ops.py", 41, "load_orders"),
        CAUSED,
        "KeyError: 'customer_id'",
        "",
        DONE,
    ]
    trace = parse(_events(lines)[0].text)
    assert trace.root is not None
    assert trace.root.type == "KeyError"
    assert "KeyError: 'customer_id'" in _headline(lines).splitlines()[0]


def test_a_second_failure_is_not_a_cause_of_the_first() -> None:
    """Two separate step failures in one text: the first one's cause stays the root."""
    text = "\n".join(
        [
            WRAPPER.format(op="load_orders"),
            *BOUNDARY,
            CAUSED,
            "KeyError: 'customer_id'",
            "",
            *_frame("/opt/dagster/app/etl/ops.py", 41, "load_orders"),
            "",
            WRAPPER.format(op="load_items"),
            *BOUNDARY,
            CAUSED,
            "ValueError: bad item",
            "",
            *_frame("/opt/dagster/app/etl/items.py", 7, "load_items"),
        ]
    )
    trace = parse(text)
    assert [e.depth for e in trace.exceptions] == [0, 1, 0, 1]
    assert trace.root is not None
    assert trace.root.type == "KeyError"


@pytest.mark.xfail(strict=True, reason="left alone: JVM frames in a cause keep the Java parse")
def test_a_jvm_cause_of_a_dagster_step_is_read_as_dagster() -> None:
    """A Spark op's failure: the headline names the JVM cause, not 'Stack Trace: File ...'."""
    lines = [
        FAILED,
        "",
        "dagster_spark.SparkOpError: Spark job failed",
        "",
        "Stack Trace:",
        *BOUNDARY,
        *_frame("/opt/dagster/app/etl/ops.py", 41, "load_orders"),
        CAUSED,
        "py4j.protocol.Py4JJavaError: An error occurred while calling o42.save.",
        ": java.lang.IllegalStateException: table orders is missing",
        "\tat org.apache.spark.sql.Writer.save(Writer.scala:12)",
        "\tat org.apache.spark.sql.Writer.run(Writer.scala:30)",
        "",
        DONE,
    ]
    trace = parse(_events(lines)[0].text)
    assert trace.root is not None
    assert trace.root.type != "dagster_spark.SparkOpError"
    assert "Stack Trace:" not in _headline(lines)
