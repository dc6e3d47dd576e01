"""Condensing events into facts: pure, no model."""

from __future__ import annotations

from logsumd.parse import parse
from logsumd.records import Classification, Event, Frame
from logsumd.summarize.condense import (
    CONDENSED_CHARS,
    clean_lines,
    condense,
    extract_facts,
    header_message,
    message_text,
    trim,
    what_failed,
)

PY_HEADER = (
    "\x1b[0m[2031-02-03T04:05:06.789+0000] {taskinstance.py:441} ERROR - "
    "Task failed with exception\n"
)
PY_EVENT = (
    PY_HEADER
    + """Traceback (most recent call last):
  File "/opt/venv/lib/python3.12/site-packages/sqlalchemy/engine/base.py", line 1910, in _exec
    self.dialect.do_execute(cursor, statement, parameters, context)
  File "/srv/pipelines/loaders/orders.py", line 88, in push_orders
    conn.execute(stmt)
    ^^^^^^^^^^^^^^^^^^
psycopg2.errors.UndefinedTable: relation "staging.orders_v2" does not exist
LINE 1: INSERT INTO staging.orders_v2 (id, amount) VALUES (1, 2)

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/pipelines/dags/orders_dag.py", line 12, in load
    push_orders(rows, password="hunter2")
  File "/srv/pipelines/loaders/orders.py", line 91, in push_orders
    raise LoadFailed("could not load orders") from exc
pipelines.errors.LoadFailed: could not load orders"""
)

JAVA_HEADER = (
    "2031-02-03 04:05:06,789 ERROR [main] org.apache.spark.sql.execution.QueryRunner [] - "
    "Query 3 failed."
)
JAVA_EVENT = (
    JAVA_HEADER
    + """
org.apache.spark.SparkException: Job aborted: stage 2.0 failed 4 times: \
java.lang.OutOfMemoryError: Java heap space
\tat org.apache.spark.scheduler.DAGScheduler.failJob(DAGScheduler.scala:10)
\tat org.apache.spark.scheduler.DAGScheduler.run(DAGScheduler.scala:20)
Caused by: java.lang.OutOfMemoryError: Java heap space
\tat java.util.Arrays.copyOf(Arrays.java:3332)
\t... 12 more"""
)

TOOL_EVENT = """\x1b[0m10:11:12.000 [info ] [MainThread]: Encountered an error while loading:
  >Compilation Error
  Model 'model.shop.daily_sales' depends on a node named 'stg_refunds' which was not found
For more information, visit the docs."""


class FakeRedactor:
    """Masks one known secret, like the real Redactor masks passwords."""

    def redact(self, text: str) -> str:
        return text.replace("hunter2", "***")


def _event(text: str) -> Event:
    return Event("/var/log/x.log", "f1", 1, 20, 0, len(text), text, 0.0, 0.0, "python")


def _cls(category: str = "other", frame: Frame | None = None) -> Classification:
    return Classification(category, "", "", "", (), frame, (), (), "")


def test_clean_lines_drops_ansi_carets_and_cr() -> None:
    """ANSI codes, ``\\r`` and ``^^^`` caret lines are removed."""
    lines = clean_lines("\x1b[31mred\x1b[0m\r\n    ^^^^^\nkeep ~~~ this")
    assert lines == ["red", "keep ~~~ this"]


def test_header_message_strips_prefix_noise() -> None:
    """Timestamps, levels and long logger names go; the logger's class name stays."""
    assert header_message(JAVA_HEADER) == "QueryRunner: Query 3 failed."
    assert header_message("[2031-01-01T00:00:00+0000] {a.py:1} WARNING - disk low") == "disk low"
    assert header_message("ERROR:root:Exception while sending command.").startswith("Exception")


def test_python_chain_gives_outer_error_root_cause_and_app_frame() -> None:
    """Last exception is the error, first the root; frame: innermost app frame of the root."""
    facts = extract_facts(_event(PY_EVENT), _cls("schema"), FakeRedactor())
    assert facts.error == "pipelines.errors.LoadFailed: could not load orders"
    assert facts.root.startswith('psycopg2.errors.UndefinedTable: relation "staging.orders_v2"')
    assert facts.where == "push_orders (/srv/pipelines/loaders/orders.py:88)"
    assert facts.header == ""


def test_classifier_frame_is_preferred() -> None:
    """The classifier's innermost application frame wins over the condenser's own parse."""
    frame = Frame("/srv/x/y.py", 7, "do_it")
    facts = extract_facts(_event(PY_EVENT), _cls("schema", frame), FakeRedactor())
    assert facts.where == "do_it (/srv/x/y.py:7)"


def test_java_caused_by_chain_does_not_repeat_the_root() -> None:
    """The outer message is cut where the root cause's text starts."""
    facts = extract_facts(_event(JAVA_EVENT), _cls("resource"), FakeRedactor())
    assert facts.header == "QueryRunner: Query 3 failed"
    assert facts.error == "org.apache.spark.SparkException: Job aborted: stage 2.0 failed 4 times"
    assert facts.root == "java.lang.OutOfMemoryError: Java heap space"


def test_event_without_exception_lines_uses_error_lines() -> None:
    """Tool output (dbt-like) is condensed to its error-looking lines, advice dropped."""
    facts = extract_facts(_event(TOOL_EVENT), _cls("dependency"), FakeRedactor())
    assert facts.header == "Encountered an error while loading"
    assert "Compilation Error" in facts.error
    assert "'stg_refunds' which was not found" in facts.error
    assert "For more information" not in facts.error


def test_secrets_are_masked_before_anything_else() -> None:
    """The redactor runs on the raw text: the secret is in no fact and no condensed text."""
    secret_event = PY_EVENT.replace("could not load orders", "login hunter2 rejected")
    redactor = FakeRedactor()
    text = condense(_event(secret_event), _cls("auth"), redactor)
    assert "hunter2" not in text
    assert "***" in text
    assert "hunter2" not in what_failed(extract_facts(_event(secret_event), _cls(), redactor))


def test_condensed_text_is_short() -> None:
    """Even a huge event condenses to at most CONDENSED_CHARS characters."""
    frames = "".join(
        f'  File "/opt/venv/lib/python3.12/site-packages/lib{i}.py", line {i}, in f{i}\n'
        for i in range(400)
    )
    text = f"Traceback (most recent call last):\n{frames}ValueError: {'x' * 5000}"
    condensed = condense(_event(text), _cls("data_format"), FakeRedactor())
    assert len(condensed) <= CONDENSED_CHARS
    assert condensed.startswith("Category: data_format\nError: ValueError: ")


def test_trim_keeps_head_and_tail_and_shortens_long_paths() -> None:
    """Long tokens are cut at a slash; long texts keep their start and end."""
    path = "file:/data/" + "/".join(f"part{i}" for i in range(30))
    assert trim(path, 500).endswith("/…")
    text = "alpha " * 40 + "OMEGA_CODE"
    out = trim(text, 80)
    assert len(out) <= 80
    assert out.startswith("alpha")
    assert out.endswith("OMEGA_CODE")


def test_message_text_drops_ids_and_boilerplate() -> None:
    """Query ids and ``If you ...`` advice are left out; error codes at the end are kept."""
    message = (
        "123 (42): 0a1b2c3d-0000-1111-2222-333344445555: Thing failed.\n"
        "If you would like to ignore this, set an option.\n"
        "(SOME_ERROR_CODE)"
    )
    out = message_text(message)
    assert "0a1b2c3d" not in out
    assert "If you" not in out
    assert out.startswith("123 (42): Thing failed.")
    assert out.endswith("(SOME_ERROR_CODE)")


def test_quoted_file_line_in_a_message_is_no_frame() -> None:
    """``  File 'x.csv', line 3`` inside a message is a message line, not a frame."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/load.py", line 9, in run\n'
        "db.errors.LoadError: 100 rows rejected\n"
        "  File 'orders.csv', line 3"
    )
    trace = parse(text)
    assert len(trace.exceptions) == 1
    assert "orders.csv" in trace.exceptions[0].message
    assert [f.file for f in trace.exceptions[0].frames] == ["/opt/etl/load.py"]


def test_what_failed_is_one_sentence_with_copied_facts() -> None:
    """The deterministic sentence joins header, error, cause and frame; one sentence."""
    facts = extract_facts(_event(JAVA_EVENT), _cls("resource"), FakeRedactor())
    sentence = what_failed(facts)
    assert sentence.startswith("QueryRunner: Query 3 failed: org.apache.spark.SparkException")
    assert sentence.endswith("caused by java.lang.OutOfMemoryError: Java heap space.")
    assert sentence.count(". ") == 0
