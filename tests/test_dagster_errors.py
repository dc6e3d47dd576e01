"""Dagster's serialized errors put the exception first and its frames after it (under a
``Stack Trace:`` label in its logs, right after the message in its web UI), the wrapper
before its causes (lines written here in Dagster's shapes)."""

from __future__ import annotations

from logsumd.parse import parse
from logsumd.summarize.diagnose import examine, rules_summary
from logsumd.understand import classify
from tests.test_corpus_shapes import _events, _spans

STEP_FAILURE = [
    "2031-05-06 02:14:06 +0000 - dagster - INFO - etl_job - 4c2d1e3a - load_orders -"
    ' STEP_START - Started execution of step "load_orders".',
    "2031-05-06 02:14:07 +0000 - dagster - ERROR - etl_job - 4c2d1e3a - load_orders -"
    ' STEP_FAILURE - Execution of step "load_orders" failed.',
    "",
    "dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing"
    ' op "load_orders"::',
    "",
    "KeyError: 'customer_id'",
    "",
    "Stack Trace:",
    '  File "/usr/local/lib/python3.11/site-packages/dagster/_core/execution/plan/utils.py",'
    " line 54, in op_execution_error_boundary",
    "    yield",
    '  File "/opt/dagster/app/etl/ops.py", line 41, in load_orders',
    '    ids = [row["customer_id"] for row in rows]',
    "",
    "The above exception was caused by the following exception:",
    "KeyError: 'customer_id'",
    "",
    "Stack Trace:",
    '  File "/opt/dagster/app/etl/ops.py", line 41, in <listcomp>',
    '    ids = [row["customer_id"] for row in rows]',
    "",
    "2031-05-06 02:14:08 +0000 - dagster - INFO - etl_job - 4c2d1e3a - ENGINE_EVENT -"
    " Process for run exited (pid: 4242).",
]

UI_COPY = """\
dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing op "build":
  File "/srv/venv/lib/python3.11/site-packages/dagster/_core/execution/plan/utils.py", line 86, in op_execution_error_boundary
    raise error_cls(
The above exception was caused by the following exception:
python_on_whales.exceptions.DockerException: The command executed was `docker build /srv/b`.
It returned with code 1

  File "/srv/etl/assets.py", line 309, in build
    tags = docker_build(
  File "/srv/venv/lib/python3.11/site-packages/python_on_whales/utils.py", line 220, in run
    raise DockerException(
"""  # noqa: E501 - a frame line as Dagster prints it


def test_a_step_failure_is_one_event_whose_root_is_the_cause() -> None:
    """The STEP_FAILURE record, the wrapper and its cause are one event; the root is the
    cause, raised in the user's op."""
    events = _events(STEP_FAILURE)
    assert _spans(events) == [(2, 19)]
    trace = parse(events[0].text)
    assert trace.root is not None
    assert trace.outer is not None
    assert trace.root.type == "KeyError"
    assert trace.outer.type.endswith("DagsterExecutionStepExecutionError")
    assert next(f.function for f in trace.outer.frames) == "load_orders"


def test_the_headline_names_the_users_op_and_file() -> None:
    """The summary says which of the job's functions failed, at which line."""
    event = _events(STEP_FAILURE)[0]
    text = rules_summary(examine(event, classify(event), None)).text
    assert text.startswith("load_orders (ops.py:41) failed: KeyError: 'customer_id'")


def test_the_web_ui_copy_without_labels_parses_the_same_way() -> None:
    """Frames right after the message (the web UI's copy) are the exception's frames."""
    trace = parse(UI_COPY)
    assert [e.type.rsplit(".", 1)[-1] for e in trace.exceptions] == [
        "DagsterExecutionStepExecutionError",
        "DockerException",
    ]
    assert trace.root is not None
    assert trace.root.type.endswith("DockerException")
    assert "It returned with code 1" in trace.root.message
    assert trace.root.frames[-1].function == "build"
