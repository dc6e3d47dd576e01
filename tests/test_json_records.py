"""JSON-lines records (python-json-logger, structlog, pino, dbt's ``--log-format json``):
their level, logger and message, and the traceback a field carries (lines written here)."""

from __future__ import annotations

import json

from logsumd.parse import parse, parse_record
from logsumd.understand import classify
from tests.test_corpus_shapes import _events, _spans


def jline(**fields: object) -> str:
    """One JSON log line."""
    return json.dumps(fields)


def test_a_json_error_record_is_an_event_with_its_traceback_root() -> None:
    """An ERROR record whose ``exc_info`` holds a traceback: one event, its root the KeyError."""
    tb = (
        'Traceback (most recent call last):\n  File "/opt/etl/load.py", line 12, in load\n'
        "    row['region']\nKeyError: 'region'"
    )
    lines = [
        jline(timestamp="2026-03-01T04:10:01Z", level="INFO", logger="etl", message="started"),
        jline(
            timestamp="2026-03-01T04:10:02Z",
            level="ERROR",
            logger="etl.load",
            message="load of orders failed",
            exc_info=tb,
        ),
        jline(timestamp="2026-03-01T04:10:03Z", level="INFO", logger="etl", message="stopped"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 2)]
    assert parse(events[0].text).root is not None
    assert classify(events[0]).exception_type == "KeyError"


def test_dbt_json_log_error_is_a_dbt_database_error() -> None:
    """dbt's JSON log: the level and message sit in nested objects; the error is an event
    and its dbt block is understood."""
    msg = (
        "Database Error in model dim_players (models/dim_players.sql)\n"
        "  TrinoUserError(type=USER_ERROR, name=COLUMN_NOT_FOUND, message=\"Column 'pid' "
        'cannot be resolved")'
    )
    line = jline(
        data={"msg": msg, "node_info": {"node_name": "dim_players"}},
        info={"level": "error", "msg": msg, "name": "RunResultError", "ts": "2026-03-01"},
    )
    events = _events([jline(info={"level": "info", "msg": "Running 3 models"}), line])
    assert _spans(events) == [(2, 2)]
    cls = classify(events[0])
    # the database's own error inside dbt's block is the root, its message the cause
    assert (cls.exception_type, cls.category) == ("TrinoUserError", "schema")
    assert "Column 'pid' cannot be resolved" in cls.message


def test_pino_numeric_levels_and_info_records() -> None:
    """pino's 50 is an error; an INFO JSON record opens no event."""
    assert parse_record(jline(level=50, msg="sync failed", name="sync")).level == "ERROR"
    assert parse_record(jline(level=30, msg="sync done")).level == "INFO"
    assert _events([jline(level="info", message="error_count: 0, rows: 12")]) == []


def test_a_line_that_is_not_json_stays_text() -> None:
    """A brace-opened line that is not JSON (a dict printed by Python) is no record."""
    rec = parse_record("{'level': 'error', 'message': 'x'}")
    assert (rec.level, rec.prefixed) == (None, False)


def test_airflow_3_error_detail_is_read_as_the_exception_chain() -> None:
    """Airflow 3 (structlog) logs a task failure's exceptions as ``error_detail``, the
    outermost first: the root, its message and the user's frame come from it."""
    detail = [
        {
            "exc_type": "AirflowException",
            "exc_value": "load of kiwi failed",
            "is_cause": False,
            "frames": [{"filename": "/opt/airflow/dags/kiwi.py", "lineno": 40, "name": "load"}],
        },
        {
            "exc_type": "NoCredentialsError",
            "exc_value": "Unable to locate credentials",
            "is_cause": True,
            "frames": [
                {"filename": "/opt/airflow/dags/kiwi.py", "lineno": 31, "name": "read_orders"},
                {
                    "filename": "/home/airflow/.local/lib/python3.12/site-packages/botocore/"
                    "signers.py",
                    "lineno": 105,
                    "name": "handler",
                },
            ],
        },
    ]
    lines = [
        jline(timestamp="2031-01-21T22:03:41Z", level="info", event="Task started", logger="task"),
        jline(
            timestamp="2031-01-21T22:03:42Z",
            level="error",
            event="Task failed with exception",
            logger="task",
            error_detail=detail,
        ),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 2)]
    trace = parse(events[0].text)
    assert trace.root is not None
    assert (trace.root.type, trace.root.message) == (
        "NoCredentialsError",
        "Unable to locate credentials",
    )
    assert sorted(f.function for f in trace.root.frames) == ["handler", "read_orders"]
    assert len(trace.exceptions) == 2
    assert classify(events[0]).category == "auth"


ERROR, INFO = 40, 20
"""The severity ranks of the two levels (as ``logging`` numbers them)."""


def _console(level: str, event: str, colour: str = "31") -> str:
    """structlog's ConsoleRenderer line, wrapped in a JSON record's ``event`` field."""
    rendered = (
        f"\x1b[2m2031-10-05T17:10:38.325704Z\x1b[0m [\x1b[{colour}m\x1b[1m{level:<9}\x1b[0m] "
        f"\x1b[1m{event}\x1b[0m [\x1b[34m\x1b[1m__main__\x1b[0m]"
    )
    return json.dumps({"event": rendered})


def test_a_console_rendered_record_inside_json_states_its_level() -> None:
    """``{"event": "<ESC>[2m2031-... [error    ] pipeline_failed ..."}``: the JSON names no
    level, the rendered record inside it does (its colours JSON-escaped)."""
    line = _console("error", "pipeline_failed error=Failed to load data: boom")
    assert parse_record(line).severity == ERROR
    assert parse_record(_console("info", "loading_started", "32")).severity == INFO
    lines = [_console("info", "loading_started", "32"), line, _console("info", "done", "32")]
    assert _spans(_events(lines)) == [(2, 2)]


def test_a_json_record_cut_at_the_line_limit_keeps_its_level() -> None:
    """A JSON record longer than the line limit arrives cut (no closing brace): its level
    field, or the level of the record rendered in its message, is still read."""
    cut = json.dumps({"level": "error", "msg": "load failed: " + "x" * 500})[:300]
    assert parse_record(cut).level == "ERROR"
    rendered = _console("error", "pipeline_failed error=" + "y" * 500)[:300]
    assert parse_record(rendered).severity == ERROR
    assert parse_record('{"note": "no level, no message' + "z" * 300).severity == 0


def test_a_dbt_json_summary_and_the_error_it_restates_are_one_event() -> None:
    """dbt's JSON log ends a failed run with ``Completed with 1 error`` (its colours
    JSON-escaped) and the error's title and message in the next record's ``msg``: read by
    its first line, that record is dbt's restated error, one event with the summary, as in
    dbt's console output."""

    def dbt(level: str, msg: str, name: str) -> str:
        return jline(data={"msg": msg}, info={"level": level, "msg": msg, "name": name})

    lines = [
        dbt("info", "Finished running 1 incremental model in 1.20s.", "FinishedRunningStats"),
        dbt(
            "info",
            "\x1b[31mCompleted with 1 error, 0 partial successes, and 0 warnings:\x1b[0m",
            "EndOfRunSummary",
        ),
        dbt("info", "", "Formatting"),
        dbt(
            "error",
            "Database Error in model scd_games (models/scd_games.sql)\n  syntax "
            "error at end of input\n  compiled code at target/run/scd_games.sql",
            "RunResultError",
        ),
        dbt("info", "Done. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1", "StatsLine"),
    ]
    assert parse_record(lines[1]).message.startswith("Completed with 1 error")
    assert _spans(_events(lines)) == [(2, 4)]


def _root_of(record: dict[str, object]) -> tuple[str | None, str | None]:
    lines = [
        jline(timestamp="2026-03-01T04:10:01Z", level="INFO", logger="etl", message="started"),
        json.dumps(record),
        jline(timestamp="2026-03-01T04:10:03Z", level="INFO", logger="etl", message="next"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 2)]
    root = parse(events[0].text).root
    return (root.type, root.message) if root is not None else (None, None)


def test_exception_type_and_message_fields_are_the_records_root() -> None:
    """A formatter that writes the exception in fields of its own (``exception_type`` /
    ``exception_message``) under a message that names something else: the root is the
    exception, with its message, not the record's wording."""
    record = {
        "timestamp": "2026-05-02T03:00:09",
        "level": "ERROR",
        "logger": "loader",
        "message": "Error while connecting to the warehouse",
        "exception_type": "UniqueViolation",
        "exception_message": 'duplicate key value violates unique constraint "orders_pkey"\n',
    }
    kind, message = _root_of(record)
    assert kind == "UniqueViolation"
    assert message is not None
    assert message.startswith("duplicate key value")


def test_an_ecs_error_object_and_a_pino_err_object_name_the_root() -> None:
    """ECS's ``error: {type, message}`` is the root; pino's ``err: {type, message, stack}``
    keeps its stack."""
    ecs = {
        "@timestamp": "2026-05-02T03:00:09Z",
        "log.level": "error",
        "message": "batch 7 failed",
        "error": {"type": "java.io.FileNotFoundException", "message": "/data/in/b7.csv"},
    }
    assert _root_of(ecs) == ("java.io.FileNotFoundException", "/data/in/b7.csv")
    pino = {
        "level": 50,
        "time": 1767225600000,
        "msg": "load failed",
        "err": {
            "type": "Error",
            "message": "connect ECONNREFUSED 10.0.0.5:5432",
            "stack": "Error: connect ECONNREFUSED 10.0.0.5:5432\n"
            "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
        },
    }
    _, message = _root_of(pino)  # the stack is kept (a JavaScript trace has no parser)
    assert message is not None
    assert "ECONNREFUSED 10.0.0.5:5432" in message


def test_an_error_type_field_that_is_no_type_name_is_left_alone() -> None:
    """``"error_type": "validation failed"`` is a label, and ``str`` the type of a plain
    value, not an exception type."""
    record = {
        "timestamp": "2026-05-02T03:00:09",
        "level": "ERROR",
        "message": "row 12 rejected",
        "error_type": "validation failed",
        "error_message": "amount is negative",
    }
    kind, _ = _root_of(record)
    assert kind != "validation failed"
    # a script that logged ``type(e).__name__`` of the string it caught
    record.update(error_type="str", error_message="column x does not exist")
    kind, message = _root_of(record)
    assert kind != "str"
    assert message is not None
    assert "column x does not exist" in message  # the message stays, as the record's cause
