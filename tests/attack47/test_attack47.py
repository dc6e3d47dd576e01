# ruff: noqa: E501
"""Red team attack47: the exception a JSON record names in fields of its own (6ebb060,
``logsumd/parse/_json_records.py`` ``_exception_fields`` and its use in ``_trace``).

Every record below is written here in the shape python-json-logger, structlog, loguru,
ecs-logging (Python and Java), pino, AWS Lambda's runtime, Elasticsearch clients and
Cloud Logging exports print it.  A test marked xfail shows a problem a user meets
(FINDINGS.md); an unmarked test is an attack that held.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from logsumd.config import MultilineSettings
from logsumd.eval import events_of_raw
from logsumd.records import Event
from tests.alert_view import Alert


def _line(record: dict[str, Any] | str) -> str:
    return record if isinstance(record, str) else json.dumps(record)


def _events(record: dict[str, Any] | str, *, level_key: str = "level") -> list[Event]:
    """The events of one record between two ordinary INFO records of the same logger."""
    lines = [
        json.dumps(
            {
                "timestamp": "2026-05-02T03:00:01Z",
                level_key: "INFO",
                "logger": "etl",
                "message": "run 88 started",
            }
        ),
        _line(record),
        json.dumps(
            {
                "timestamp": "2026-05-02T03:00:30Z",
                level_key: "INFO",
                "logger": "etl",
                "message": "run 88 next step",
            }
        ),
    ]
    return events_of_raw("attack47", "\n".join(lines), MultilineSettings())


def alert(record: dict[str, Any] | str) -> Alert:
    """The one alert a record gives."""
    events = _events(record)
    assert len(events) == 1, [(e.line_start, e.line_end) for e in events]
    assert (events[0].line_start, events[0].line_end) == (2, 2)
    return Alert(events[0])


def pylog(message: str, kind: str | None, value: Any = None, **extra: Any) -> dict[str, Any]:
    """python-json-logger with a formatter that adds ``exception_type`` / ``exception_message``."""
    record: dict[str, Any] = {
        "asctime": "2026-05-02 03:00:09,120",
        "levelname": "ERROR",
        "name": "etl.checks",
        "message": message,
    }
    if kind is not None:
        record["exception_type"] = kind
    if value is not None:
        record["exception_message"] = value
    record.update(extra)
    return record


# --------------------------------------------------------------------------------------
# finding 1: a named type with no message of its own leaves the root message empty, and
# the fingerprint no longer holds the record's wording: distinct failures merge


def test_two_bare_assertions_in_different_checks_are_two_alerts() -> None:
    """A data-quality script logs ``exception_message=str(e)``; a bare ``assert`` gives
    ``""``.  The row-count check on orders and the freshness check on invoices are two
    different failures: the on-call engineer must get two alerts, each naming its check.
    (Before 6ebb060 the record's message kept them apart.)"""
    orders = alert(pylog("row count check on orders failed", "AssertionError", ""))
    invoices = alert(pylog("freshness check on invoices failed", "AssertionError", ""))
    assert orders.cls.exception_type == "AssertionError"
    assert orders.fp != invoices.fp
    # the same for a TimeoutError() and a marshmallow ValidationError whose messages are a dict
    sftp = alert(pylog("download of orders.csv from sftp timed out", "TimeoutError", ""))
    query = alert(pylog("warehouse query for invoices timed out", "TimeoutError", ""))
    assert sftp.fp != query.fp
    a = alert(pylog("orders payload rejected", "ValidationError", {"amount": ["must be positive"]}))
    b = alert(
        pylog("customers payload rejected", "ValidationError", {"email": ["not a valid email"]})
    )
    assert a.fp != b.fp
    assert a.cls.message, "the root message is empty"


# --------------------------------------------------------------------------------------
# finding 2: ECS flattened (ecs-logging-java, Log4j2 EcsLayout): error.type is read,
# error.message and error.stack_trace are not


def _ecs_java(table: str, line: int) -> dict[str, Any]:
    return {
        "@timestamp": "2026-05-02T03:00:09.120Z",
        "log.level": "ERROR",
        "message": "Job aborted",
        "ecs.version": "1.2.0",
        "service.name": "orders-etl",
        "process.thread.name": "main",
        "log.logger": "com.acme.etl.Load",
        "error.type": "java.sql.SQLSyntaxErrorException",
        "error.message": f"Table 'warehouse.{table}' doesn't exist",
        "error.stack_trace": f"java.sql.SQLSyntaxErrorException: Table 'warehouse.{table}' doesn't exist\n"
        "\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:120)\n"
        f"\tat com.acme.etl.Load.run(Load.java:{line})\n",
    }


def test_flat_ecs_error_message_is_the_roots_message() -> None:
    """A Java job logged with ECS's flattened fields: the root must carry
    ``error.message`` (the missing table) and the app frame from ``error.stack_trace``."""
    a = alert(_ecs_java("orders_stage", 41))
    assert a.cls.exception_type == "java.sql.SQLSyntaxErrorException"
    assert "orders_stage" in a.cls.message
    assert a.cls.app_frame is not None


def test_flat_ecs_two_different_value_errors_are_two_alerts() -> None:
    """ecs-logging's flattened ``error.type`` / ``error.message``: a bad integer and a bad
    date in one loader are two failures, not one alert (they were two before 6ebb060)."""

    def rec(msg: str) -> dict[str, Any]:
        return {
            "@timestamp": "2026-05-02T03:00:09.120Z",
            "log.level": "error",
            "log.logger": "etl.load",
            "message": "load of orders failed",
            "error.type": "ValueError",
            "error.message": msg,
        }

    a = alert(rec("invalid literal for int() with base 10: 'abc'"))
    b = alert(rec("time data '2026-13-01' does not match format '%Y-%m-%d'"))
    assert a.fp != b.fp


# --------------------------------------------------------------------------------------
# finding 3: the type is looked for anywhere in the trace text; frames that name it
# (``raise ValueError(...)``, ``except KeyError``) suppress the root


def _ecs_py(kind: str, value: str, frames: str) -> dict[str, Any]:
    """ecs-logging-python: nested ``error`` with ``stack_trace`` = traceback.format_tb (frames only)."""
    return {
        "@timestamp": "2026-05-02T03:00:09.120Z",
        "log.level": "error",
        "message": "load of orders failed",
        "ecs": {"version": "1.6.0"},
        "log": {
            "logger": "etl.load",
            "origin": {"file": {"line": 8, "name": "rules.py"}, "function": "validate"},
        },
        "error": {"type": kind, "message": value, "stack_trace": frames},
    }


def test_nested_ecs_python_error_is_the_root() -> None:
    """Held: frames that do not name the type: the root is the exception, with its frame."""
    a = alert(
        _ecs_py(
            "FileNotFoundError",
            "[Errno 2] No such file or directory: '/data/in/orders.csv'",
            '  File "/opt/etl/load.py", line 12, in load\n    with open(path) as fh:\n',
        )
    )
    assert a.root == (
        "FileNotFoundError",
        "[Errno 2] No such file or directory: '/data/in/orders.csv'",
    )
    assert a.cls.app_frame is not None


def test_nested_ecs_frames_that_name_the_type_keep_the_root() -> None:
    """The frame that raised says ``raise ValueError(...)``: the root is still the
    ValueError with its message; the headline must not be the frame text."""
    a = alert(
        _ecs_py(
            "ValueError",
            "amount must be positive, got -3",
            '  File "/opt/etl/rules.py", line 8, in validate\n    raise ValueError(f"amount must be positive, got {row.amount}")\n',
        )
    )
    assert a.root == ("ValueError", "amount must be positive, got -3")
    assert "File " not in a.headline
    b = alert(
        _ecs_py(
            "KeyError",
            "'region'",
            "  File \"/opt/etl/load.py\", line 30, in load\n    region = row['region']  # KeyError on old files\n",
        )
    )
    assert b.root == ("KeyError", "'region'")


# --------------------------------------------------------------------------------------
# finding 4: an error object whose message is in ``reason`` (Elasticsearch / OpenSearch)


def test_elasticsearch_error_object_keeps_its_reason() -> None:
    """A loader logs the Elasticsearch error body it got: the engineer must read which
    index is missing, not ``index_not_found_exception: index_not_found_exception``."""
    a = alert(
        {
            "@timestamp": "2026-05-02T03:00:09Z",
            "log.level": "error",
            "message": "bulk index of orders failed",
            "error": {
                "root_cause": [
                    {"type": "index_not_found_exception", "reason": "no such index [orders_2026]"}
                ],
                "type": "index_not_found_exception",
                "reason": "no such index [orders_2026]",
                "index": "orders_2026",
            },
        }
    )
    assert "orders_2026" in a.headline or "bulk index of orders failed" in a.headline, a.headline
    assert "index_not_found_exception: index_not_found_exception" not in a.summary.text


# --------------------------------------------------------------------------------------
# finding 5: identifiers that are labels, not exception types


@pytest.mark.parametrize(
    "record",
    [
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "logger": "api",
            "message": "upstream call failed: 503 Service Unavailable",
            "error_type": "None",
        },
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "logger": "api",
            "message": "upstream call failed: 503 Service Unavailable",
            "error_type": "unknown",
        },
        # OpenAI's error body: "type" is the kind of limit, and "requests" reads as the library
        {
            "timestamp": "2026-05-02T03:00:09Z",
            "level": "error",
            "message": "enrichment call failed",
            "error": {
                "message": "Rate limit reached for requests",
                "type": "requests",
                "param": None,
                "code": "rate_limit_exceeded",
            },
        },
        # Anthropic's error body: the outer type is "error", the overload is inside
        {
            "timestamp": "2026-05-02T03:00:09Z",
            "level": "error",
            "message": "summarize call failed",
            "error": {
                "type": "error",
                "error": {"type": "overloaded_error", "message": "Overloaded"},
            },
        },
    ],
)
def test_a_label_is_not_shown_as_the_exception(record: dict[str, Any]) -> None:
    """Slack's *Exception* field must not say ``None``, ``unknown``, ``error`` or
    ``requests`` (the HTTP library) for a record that names no exception class."""
    a = alert(record)
    assert a.cls.exception_type not in ("None", "unknown", "error", "requests"), a.headline


# --------------------------------------------------------------------------------------
# finding 6: exception_message that holds the whole formatted traceback


def test_exception_message_holding_the_traceback_is_parsed() -> None:
    """Some formatters write ``exception_message=traceback.format_exc()``: the root is the
    KeyError 'region' at load.py:12, and the headline says so."""
    tb = (
        'Traceback (most recent call last):\n  File "/opt/etl/load.py", line 12, in load\n'
        "    row['region']\nKeyError: 'region'\n"
    )
    a = alert(pylog("load failed", "KeyError", tb))
    assert a.root == ("KeyError", "'region'")
    assert "Traceback" not in a.headline


# --------------------------------------------------------------------------------------
# finding 7 (before 6ebb060 too): AWS Lambda runtime's own JSON error record


@pytest.mark.parametrize("level_key", ["level", "log_level"])
def test_lambda_runtime_json_error_record_names_its_root(level_key: str) -> None:
    """With ``AWS_LAMBDA_LOG_FORMAT=JSON`` the Python runtime writes an unhandled
    exception as ``{timestamp, level|log_level, errorMessage, errorType, requestId,
    stackTrace}``: the alert must say KeyError 'region', not repeat the JSON."""
    record = {
        "timestamp": "2026-05-02T03:00:09Z",
        level_key: "ERROR",
        "errorMessage": "'region'",
        "errorType": "KeyError",
        "requestId": "3f1c9a2e-7b41-4d0e-9a55-1c2b3d4e5f60",
        "stackTrace": [
            "  File \"/var/task/app.py\", line 14, in handler\n    return rows['region']\n"
        ],
    }
    a = alert(record)
    assert a.root == ("KeyError", "'region'")
    assert not a.headline.startswith("{")


def test_lambda_error_fields_under_a_message_are_the_root() -> None:
    """Held: Lambda-style errorType / errorMessage beside a message, frames naming the type."""
    a = alert(
        {
            "timestamp": "2026-05-02T03:00:09Z",
            "level": "ERROR",
            "message": "handler failed",
            "errorType": "ValueError",
            "errorMessage": "amount must be positive, got -3",
            "stackTrace": [
                '  File "/var/task/app.py", line 14, in handler\n    validate(row)\n',
                '  File "/var/task/rules.py", line 8, in validate\n    raise ValueError(f"amount must be positive, got {row.amount}")\n',
            ],
        }
    )
    assert a.root == ("ValueError", "amount must be positive, got -3")


# --------------------------------------------------------------------------------------
# finding 8 (before 6ebb060 too): structlog's dict_tracebacks


def test_structlog_dict_tracebacks_name_the_root() -> None:
    """structlog with ``dict_tracebacks`` (the processor Airflow 3's ``error_detail`` comes
    from) writes the exception as a list of dicts: the root is KeyError 'region'."""
    a = alert(
        {
            "event": "load failed",
            "level": "error",
            "timestamp": "2026-05-02T03:00:09Z",
            "logger": "etl",
            "exception": [
                {
                    "exc_type": "KeyError",
                    "exc_value": "'region'",
                    "syntax_error": None,
                    "is_cause": False,
                    "frames": [
                        {
                            "filename": "/opt/etl/load.py",
                            "lineno": 12,
                            "name": "load",
                            "locals": None,
                        }
                    ],
                }
            ],
        }
    )
    assert a.root == ("KeyError", "'region'")


# --------------------------------------------------------------------------------------
# finding 9: Cloud Logging export: the error object two levels down


def test_cloud_logging_export_error_object_is_the_root() -> None:
    """A Cloud Logging export puts the application's record under ``jsonPayload``: its
    ``error`` object is the root, as it is at the top level."""
    a = alert(
        {
            "insertId": "1x9ab2",
            "jsonPayload": {
                "message": "load failed",
                "error": {"type": "KeyError", "message": "'region'"},
            },
            "severity": "ERROR",
            "timestamp": "2026-05-02T03:00:09Z",
            "logName": "projects/acme/logs/etl",
        }
    )
    assert a.root == ("KeyError", "'region'")


# --------------------------------------------------------------------------------------
# held: levels, fingerprints, shapes


@pytest.mark.parametrize(
    "record",
    [
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "INFO",
            "logger": "loader",
            "message": "retry 2/5 succeeded",
            "error_type": "ConnectionError",
            "error_message": "Connection reset by peer",
        },
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "WARNING",
            "logger": "loader",
            "message": "retrying request",
            "error_type": "ReadTimeout",
            "error_message": "read timed out",
        },
        {
            "event": "retrying",
            "level": "warning",
            "logger": "loader",
            "timestamp": "2026-05-02T03:00:09Z",
            "exception_type": "ReadTimeout",
            "exception_message": "HTTPSConnectionPool: Read timed out.",
        },
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "INFO",
            "logger": "metrics",
            "message": "batch done",
            "rows": 1200,
            "error_type": "none",
            "error_message": "",
        },
        {
            "level": 30,
            "time": 1777777777000,
            "msg": "request retried",
            "err": {"type": "Error", "message": "socket hang up"},
        },
    ],
)
def test_info_and_warning_records_with_error_fields_raise_no_alert(record: dict[str, Any]) -> None:
    """A retried request or a metrics record that carries an error_type is no failure."""
    assert _events(record) == []


def _load(kind: str, value: str, message: str = "load of orders failed") -> Alert:
    return alert(
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "logger": "etl.load",
            "message": message,
            "exception_type": kind,
            "exception_message": value,
        }
    )


def test_two_exceptions_under_one_message_are_two_alerts() -> None:
    """The same wording, two different exceptions: two alerts (before 6ebb060, one)."""
    assert (
        _load("KeyError", "'region'").fp
        != _load("ValueError", "invalid literal for int() with base 10: 'abc'").fp
    )
    dup = _load("IntegrityError", 'duplicate key value violates unique constraint "orders_pkey"')
    null = _load(
        "IntegrityError", 'null value in column "customer_id" violates not-null constraint'
    )
    assert dup.fp != null.fp


def test_one_exception_with_varying_ids_is_one_alert() -> None:
    """Dates, uuids, pids, counts and batch numbers vary from run to run: one alert."""
    a = _load(
        "FileNotFoundError",
        "[Errno 2] No such file or directory: '/data/in/2026-05-01/orders_3f1c9a2e-7b41-4d0e-9a55-1c2b3d4e5f60.csv'",
    )
    b = _load(
        "FileNotFoundError",
        "[Errno 2] No such file or directory: '/data/in/2026-05-02/orders_9b2c1d3e-0a41-4d0e-9a55-1c2b3d4e5f61.csv'",
    )
    assert a.fp == b.fp
    c = _load(
        "OperationalError",
        "server closed the connection unexpectedly (pid 41233, after 1200 rows)",
        "batch 17 load failed",
    )
    d = _load(
        "OperationalError",
        "server closed the connection unexpectedly (pid 51234, after 800 rows)",
        "batch 18 load failed",
    )
    assert c.fp == d.fp


def test_a_message_that_already_holds_the_traceback_keeps_one_root() -> None:
    """The message field holds the traceback, and exception_type repeats its type: one
    root, its frame, no second synthetic traceback."""
    tb = (
        'Traceback (most recent call last):\n  File "/opt/etl/load.py", line 12, in load\n'
        "    row['region']\nKeyError: 'region'"
    )
    a = _load("KeyError", "'region'", "load of orders failed\n" + tb)
    assert a.root == ("KeyError", "'region'")
    assert a.cls.app_frame is not None
    assert a.summary.diagnosis == "dict_key_missing"


def test_exc_info_with_a_qualified_type_and_a_short_field() -> None:
    """exc_info prints ``psycopg2.errors.UniqueViolation``; the field says ``UniqueViolation``."""
    tb = (
        'Traceback (most recent call last):\n  File "/opt/etl/load.py", line 12, in load\n    cur.execute(sql)\n'
        'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"\n'
        "DETAIL:  Key (id)=(42) already exists."
    )
    a = alert(
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "logger": "etl.load",
            "message": "insert failed",
            "exc_info": tb,
            "exception_type": "UniqueViolation",
            "exception_message": 'duplicate key value violates unique constraint "orders_pkey"\nDETAIL:  Key (id)=(42) already exists.\n',
        }
    )
    assert a.cls.exception_type == "psycopg2.errors.UniqueViolation"
    assert a.summary.diagnosis == "duplicate_key"


@pytest.mark.parametrize(
    "kind",
    [
        ["ValueError"],
        12,
        "a" * 300,
        "ValueError\nCause: disk full",
        "str",
        "validation failed",
        "NoneType",
    ],
)
def test_a_type_that_is_no_type_name_is_left_alone(kind: Any) -> None:
    """Non-string, overlong, multi-line and plain-value types are not the root."""
    a = alert(
        {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "logger": "etl",
            "message": "load failed",
            "exception_type": kind,
            "exception_message": "bad",
        }
    )
    assert a.cls.exception_type in ("ERROR", "etl"), a.cls.exception_type
    assert "Cause: disk" not in a.summary.text


SECRETS = {
    "dsn": (
        "OperationalError",
        'connection to server at "db-1" failed for postgresql://etl_loader:Xk9pQ2vLm7Rt@db-1.internal:5432/warehouse',
        "Xk9pQ2vLm7Rt",
    ),
    "conninfo": (
        "OperationalError",
        "FATAL: password authentication failed; conninfo: host=db-1 user=etl password=Xk9pQ2vLm7Rt dbname=wh",
        "Xk9pQ2vLm7Rt",
    ),
    "bearer": (
        "HTTPError",
        '401 Client Error: Unauthorized; request headers: {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwifQ.Xk9pQ2vLm7RtQ2vLm7Rt"}',
        "Xk9pQ2vLm7RtQ2vLm7Rt",
    ),
    "aws": (
        "ClientError",
        "An error occurred (InvalidAccessKeyId) when calling the PutObject operation: key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI",
    ),
    "query": (
        "HTTPError",
        "403 Client Error: Forbidden for url: https://api.example.com/v1/export?api_key=Xk9pQ2vLm7RtZ8&day=2026-05-01",
        "Xk9pQ2vLm7RtZ8",
    ),
    "slack": (
        "SlackApiError",
        "invalid_auth for token xoxb-2716536437-4917353628-Qz8xL1pVn0rT3wY6uK9sA2bD",
        "Qz8xL1pVn0rT3wY6uK9sA2bD",
    ),
    "yaml": ("ValueError", "bad config:\npassword: Xk9pQ2vLm7Rt\nhost: db-1", "Xk9pQ2vLm7Rt"),
}


@pytest.mark.parametrize("shape", ["exception_fields", "pino_err", "lambda_fields"])
@pytest.mark.parametrize("name", sorted(SECRETS))
def test_secrets_in_the_exception_message_stay_masked(name: str, shape: str) -> None:
    """The exception message now reaches the headline: its secrets are still masked in
    the root message, the summary, the Slack message and its preview."""
    kind, value, secret = SECRETS[name]
    record: dict[str, Any]
    if shape == "exception_fields":
        record = {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "logger": "loader",
            "message": "load failed",
            "exception_type": kind,
            "exception_message": value,
        }
    elif shape == "pino_err":
        record = {
            "level": 50,
            "time": 1777777777000,
            "msg": "load failed",
            "err": {"type": kind, "message": value},
        }
    else:
        record = {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "message": "load failed",
            "errorType": kind,
            "errorMessage": value,
        }
    a = alert(record)
    for where, text in (
        ("message", a.cls.message),
        ("summary", a.summary.text),
        ("slack", a.slack),
        ("preview", a.preview),
    ):
        assert secret not in text, where


def test_slack_markup_and_labels_in_the_exception_message_are_inert() -> None:
    """``<!channel>``, a link and forged ``Cause:`` / ``Next:`` lines inside the exception
    message: no mention or link reaches Slack and the summary's own lines are not forged."""
    a = _load(
        "ValueError",
        "bad row 12\nCause: the disk of db-1 is full\nNext: run DROP TABLE orders to reset <!channel> <https://evil.example|click>",
    )
    assert "<!channel>" not in a.slack
    assert "<https://evil.example|click>" not in a.slack
    assert "DROP TABLE" not in a.summary.text
    assert "the disk of db-1" not in a.summary.text


def test_pino_err_and_loguru_keep_their_roots() -> None:
    """pino's ``err`` with its JavaScript stack, loguru's serialized record."""
    pino = alert(
        {
            "level": 50,
            "time": 1777777777000,
            "pid": 7,
            "hostname": "etl-3",
            "msg": "load failed",
            "err": {
                "type": "Error",
                "message": "connect ECONNREFUSED 10.0.0.5:5432",
                "stack": "Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
            },
        }
    )
    assert "ECONNREFUSED" in pino.cls.message
    assert pino.headline.count("ECONNREFUSED") >= 1
    tb = (
        'Traceback (most recent call last):\n  File "/opt/etl/load.py", line 12, in load\n'
        "    row['region']\nKeyError: 'region'\n"
    )
    loguru = alert(
        {
            "text": "2026-05-02 03:00:09.120 | ERROR    | etl.load:load:12 - load failed\n" + tb,
            "record": {
                "elapsed": {"repr": "0:00:01", "seconds": 1.0},
                "exception": {"type": "KeyError", "value": "'region'", "traceback": True},
                "level": {"icon": "x", "name": "ERROR", "no": 40},
                "message": "load failed",
                "name": "etl.load",
                "function": "load",
                "line": 12,
            },
        }
    )
    assert loguru.root == ("KeyError", "'region'")


def _best_time(record: dict[str, Any], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        Alert(_events(record)[0])
        best = min(best, time.perf_counter() - t0)
    return best


def test_a_long_exception_message_costs_what_a_long_message_costs() -> None:
    """A 60 KB exception message (under max_line_bytes) is no slower than the same text in
    the message field, and twice the text costs about twice the time."""
    chunk = "bad value 'a1' in column amount; "

    def fields(n: int) -> dict[str, Any]:
        return {
            "timestamp": "2026-05-02T03:00:09",
            "level": "ERROR",
            "message": "load failed",
            "exception_type": "ValueError",
            "exception_message": chunk * n,
        }

    plain = {
        "timestamp": "2026-05-02T03:00:09",
        "level": "ERROR",
        "message": "load failed: " + chunk * 1800,
    }
    t_fields, t_plain = _best_time(fields(1800)), _best_time(plain)
    assert t_fields < 3 * t_plain + 0.05
    assert _best_time(fields(1800)) < 3.5 * _best_time(fields(900)) + 0.05
