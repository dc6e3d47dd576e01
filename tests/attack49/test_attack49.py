# ruff: noqa: E501
"""Red team attack49: exception fields of JSON records after 8c35679
(``logsumd/parse/_json_errors.py`` and its use in ``_json_records.json_fields`` / ``_trace``).

Every record below is written in the shape the tool prints it (python-json-logger,
structlog, pino, loguru, ecs-logging, AWS Lambda, Elasticsearch and OpenAI error bodies).
Each record goes the whole way: ``events_of_raw``, ``understand`` (redact, classify,
fingerprint), the default catalogue summary, ``build_notification``, Slack message and
preview.  A test marked xfail shows a problem a user meets (FINDINGS.md); an unmarked
test is an attack that held.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from logsumd.config import MultilineSettings
from logsumd.eval import events_of_raw
from logsumd.parse._json_errors import _is_type
from logsumd.parse._json_records import json_fields
from logsumd.records import Event
from tests.alert_view import Alert


def _info(second: int, message: str) -> str:
    return json.dumps(
        {
            "asctime": f"2026-05-02 03:00:{second:02d},120",
            "levelname": "INFO",
            "name": "etl",
            "message": message,
        }
    )


def _events(record: dict[str, Any]) -> list[Event]:
    """The events of one record between ordinary INFO records of the same job."""
    lines = [
        _info(1, "run 88 started"),
        json.dumps(record),
        _info(30, "run 88 next step"),
        _info(31, "run 88 done"),
    ]
    return events_of_raw("attack49", "\n".join(lines), MultilineSettings())


def alert(record: dict[str, Any]) -> Alert:
    """The one alert a record gives (the record alone, nothing glued)."""
    events = _events(record)
    assert len(events) == 1, [(e.line_start, e.line_end) for e in events]
    assert (events[0].line_start, events[0].line_end) == (2, 2)
    return Alert(events[0])


def pjl(message: str, **fields: Any) -> dict[str, Any]:
    """python-json-logger at ERROR with the extra fields a formatter adds."""
    return {
        "asctime": "2026-05-02 03:00:09,120",
        "levelname": "ERROR",
        "name": "etl.ingest",
        "message": message,
        **fields,
    }


# --------------------------------------------------------------------------------------
# finding 1: a type with a dict of errors: the commit says the record's wording stays in
# the root, but the classifier lifts "ValidationError: <errors>" out of the message


def test_two_feeds_rejected_with_the_same_errors_are_two_alerts() -> None:
    """marshmallow: ``exception_message=err.messages`` (a dict).  The orders feed and the
    customers feed both carry a bad email: two failures, two alerts, each naming its feed
    (the commit message: "a dict of errors stays with the record's wording (two checks
    failing alike were one alert)")."""
    errors = {"email": ["Not a valid email address."]}
    orders = alert(
        pjl("orders feed rejected", exception_type="ValidationError", exception_message=errors)
    )
    customers = alert(
        pjl("customers feed rejected", exception_type="ValidationError", exception_message=errors)
    )
    assert "orders" in orders.headline
    assert "customers" in customers.headline
    assert orders.fp != customers.fp


# --------------------------------------------------------------------------------------
# finding 2: structlog's error=str(e), error_type=type(e).__name__


def test_structlog_error_string_with_error_type_names_the_root() -> None:
    """``log.error("load_failed", error=str(e), error_type=type(e).__name__)``: the
    exception is KeyError 'region', as it is when the same value is in ``error_message``
    (before 8c35679 the type at least stayed the root)."""
    record = {
        "timestamp": "2026-05-02T03:00:09Z",
        "level": "error",
        "logger": "etl.load",
        "event": "load_failed",
        "error": "'region'",
        "error_type": "KeyError",
    }
    a = alert(record)
    assert a.cls.exception_type == "KeyError"
    assert a.summary.diagnosis == "dict_key_missing"


# --------------------------------------------------------------------------------------
# finding 3: a record with an empty message is now its trace; a trace that starts with
# "Traceback" makes a WARNING an alert and swallows the next record


_RESET_TB = (
    "Traceback (most recent call last):\n"
    '  File "/opt/etl/fetch.py", line 22, in fetch\n'
    "    resp = session.get(url, timeout=30)\n"
    "ConnectionResetError: [Errno 104] Connection reset by peer"
)


def test_retry_warning_with_a_dict_message_raises_no_alert() -> None:
    """python-json-logger writes ``"message": ""`` when the program logs a dict
    (``log.warning({"step": "fetch", "attempt": 2}, exc_info=True)``): a retry warning,
    no failure (before 8c35679: no alert)."""
    record = {
        "asctime": "2026-05-02 03:00:09,120",
        "levelname": "WARNING",
        "name": "etl.fetch",
        "message": "",
        "step": "fetch",
        "attempt": 2,
        "exc_info": _RESET_TB,
    }
    assert _events(record) == []


def test_info_record_with_exception_fields_and_no_message_raises_no_alert() -> None:
    """An INFO record (``"message": ""``, python-json-logger's dict message) that notes a
    handled ReadTimeout: no alert."""
    record = {
        "asctime": "2026-05-02 03:00:09,120",
        "levelname": "INFO",
        "name": "etl.fetch",
        "message": "",
        "retrying": True,
        "error_type": "ReadTimeout",
        "error_message": "read timed out",
    }
    assert _events(record) == []


def test_error_record_with_no_message_does_not_swallow_the_next_record() -> None:
    """The same record at ERROR is one alert, but it ends on its own line: the next INFO
    record ("run 88 next step") is not part of it."""
    record = {
        "asctime": "2026-05-02 03:00:09,120",
        "levelname": "ERROR",
        "name": "etl.fetch",
        "message": "",
        "step": "fetch",
        "exc_info": _RESET_TB,
    }
    events = _events(record)
    assert [(e.line_start, e.line_end) for e in events] == [(2, 2)]


# --------------------------------------------------------------------------------------
# finding 4: Elasticsearch's "all shards failed" hides caused_by


def _es(cause_type: str, cause_reason: str) -> dict[str, Any]:
    return {
        "@timestamp": "2026-05-02T03:00:09.120Z",
        "log.level": "error",
        "log.logger": "etl.search",
        "message": "daily report query failed",
        "error": {
            "root_cause": [{"type": cause_type, "reason": cause_reason}],
            "type": "search_phase_execution_exception",
            "reason": "all shards failed",
            "phase": "query",
            "grouped": True,
            "caused_by": {"type": cause_type, "reason": cause_reason},
        },
    }


def test_elasticsearch_all_shards_failed_keeps_its_cause() -> None:
    """An aggregation on a text field and a bad number in a query are two failures; the
    headline must say which (the wrapper's "all shards failed" says nothing)."""
    fielddata = alert(
        _es(
            "illegal_argument_exception",
            "Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead.",
        )
    )
    parse = alert(_es("query_shard_exception", 'failed to create query: For input string: "abc"'))
    assert fielddata.fp != parse.fp
    assert "Text fields" in fielddata.headline or "keyword" in fielddata.summary.text


# --------------------------------------------------------------------------------------
# finding 5: label words (timeout, invalid_input, permission_denied) taken for types


@pytest.mark.parametrize("label", ["timeout", "TIMEOUT", "permission_denied", "invalid_input"])
def test_label_error_types_keep_the_connector_apart(label: str) -> None:
    """A sync tool tags its failures ``error_type: "timeout"`` (a category, no class):
    the Salesforce and the HubSpot syncs timing out are two alerts, each naming its
    connector, as they are for the labels the code does know (``validation``, ``network``)."""

    def rec(connector: str) -> dict[str, Any]:
        return {
            "ts": "2026-05-02T03:00:09Z",
            "level": "error",
            "logger": "etl.sync",
            "msg": f"{connector} sync failed",
            "connector": connector,
            "error_type": label,
            "error_message": "Request timed out after 300s",
        }

    salesforce, hubspot = alert(rec("salesforce")), alert(rec("hubspot"))
    assert "salesforce" in salesforce.headline
    assert salesforce.fp != hubspot.fp


def test_known_labels_keep_the_connector_apart() -> None:
    """Held: ``validation`` and ``network`` are labels, the record's wording stays."""
    for label in ("validation", "network"):
        recs = [
            {
                "ts": "2026-05-02T03:00:09Z",
                "level": "error",
                "logger": "etl.sync",
                "msg": f"{c} sync failed",
                "error_type": label,
                "error_message": "Request timed out after 300s",
            }
            for c in ("salesforce", "hubspot")
        ]
        a, b = alert(recs[0]), alert(recs[1])
        assert a.fp != b.fp
        assert "salesforce" in a.headline


# --------------------------------------------------------------------------------------
# finding 6: OpenAI's server_error carries a request id: one alert per request


def test_openai_server_error_with_request_id_is_one_alert() -> None:
    """OpenAI's error body ``{"message": "... (Please include the request ID req_...)",
    "type": "server_error"}`` logged as the record's ``error``: every failing call has a
    new id; the same outage must be one alert (the same text inside a Python traceback,
    where it is quoted, is one)."""

    def rec(request_id: str) -> dict[str, Any]:
        return {
            "timestamp": "2026-05-02T03:00:09Z",
            "level": "error",
            "logger": "etl.enrich",
            "message": "enrichment call failed",
            "error": {
                "message": "The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists. "
                f"(Please include the request ID {request_id} in your message.)",
                "type": "server_error",
                "param": None,
                "code": None,
            },
        }

    a = alert(rec("req_6f2b1c9e8d7a4b3c2d1e0f9a8b7c6d5e"))
    b = alert(rec("req_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d"))
    assert a.fp == b.fp


# --------------------------------------------------------------------------------------
# finding 7: a secret in a dict of errors reaches the headline


def test_secret_in_a_dict_of_errors_stays_masked() -> None:
    """A config validator returns the offending values per key
    (``{"password": ["Xk9pQ2vLm7Rt"]}``); written out flat it becomes the root message:
    the password must be masked in the root, the summary, Slack and the preview (before
    8c35679 it reached none of them but the raw line)."""
    secret = "Xk9pQ2vLm7Rt"
    a = alert(
        pjl(
            "config rejected",
            exception_type="ValidationError",
            exception_message={"password": [secret]},
        )
    )
    for where, text in (
        ("message", a.cls.message),
        ("summary", a.summary.text),
        ("preview-headline", a.preview.split("```", 1)[0]),
    ):
        assert secret not in text, where


@pytest.mark.parametrize(
    "errors",
    [
        {"db": {"password": "Xk9pQ2vLm7Rt", "host": "db-1"}},
        {"token": "Xk9pQ2vLm7Rt"},
        {"api_key": "Xk9pQ2vLm7Rt"},
        {"client_secret": "Xk9pQ2vLm7Rt"},
        {"dsn": "postgresql://etl:Xk9pQ2vLm7Rt@db-1/wh"},
        {"credentials": {"user": "etl", "password": "Xk9pQ2vLm7Rt"}},
        [{"Authorization": "Basic Xk9pQ2vLm7RtXk9pQ2vLm7Rt"}],
    ],
)
def test_secrets_as_plain_values_in_a_dict_of_errors_stay_masked(errors: Any) -> None:
    """Held: a secret that is a plain string value under its key stays masked everywhere."""
    a = alert(pjl("config rejected", exception_type="ValidationError", exception_message=errors))
    for where, text in (
        ("message", a.cls.message),
        ("summary", a.summary.text),
        ("slack", a.slack),
        ("preview", a.preview),
    ):
        assert "Xk9pQ2vLm7Rt" not in text, where


# --------------------------------------------------------------------------------------
# finding 8: a bare type is written twice in the headline


def test_bare_type_is_not_repeated_in_the_headline() -> None:
    """``exception_message=str(e)`` is empty for a bare ``assert`` and for MemoryError();
    the headline names the type once ("AssertionError: row count check on orders
    failed"), not "AssertionError: row count check on orders failed: AssertionError"."""
    tb = (
        'Traceback (most recent call last):\n  File "/opt/etl/checks.py", line 30, in run_checks\n'
        "    assert n > 0\nAssertionError"
    )
    a = alert(
        pjl(
            "row count check on orders failed",
            exc_info=tb,
            exception_type="AssertionError",
            exception_message="",
        )
    )
    assert a.headline.count("AssertionError") == 1, a.headline
    m = alert(pjl("job stopped", exception_type="MemoryError", exception_message=""))
    assert m.headline.count("MemoryError") == 1, m.headline


# --------------------------------------------------------------------------------------
# finding 9: Python's own Exception is a "label"


def test_plain_exception_class_is_the_exception_field() -> None:
    """``raise Exception("table orders_stage is empty")`` is the most common raise in ETL
    scripts; its class is a class, not a label: Slack's Exception field must not say
    ``etl.ingest`` (the logger)."""
    a = alert(
        pjl(
            "load failed",
            exception_type="Exception",
            exception_message="table orders_stage is empty",
        )
    )
    assert a.cls.exception_type == "Exception"
    assert "orders_stage" in a.headline


# --------------------------------------------------------------------------------------
# finding 10: Lambda's error response with no level


def test_lambda_error_response_without_a_level_alerts() -> None:
    """``aws lambda invoke`` / ``sam local invoke`` in a CI or ETL step prints the
    function's error response: errorType, errorMessage, stackTrace, no level.  The
    function failed: one alert, root KeyError 'region'."""
    record = {
        "errorMessage": "'region'",
        "errorType": "KeyError",
        "requestId": "7d9c6a2e-3f1b-4c8e-9a5d-2b6f0e1c4a73",
        "stackTrace": [
            '  File "/var/task/handler.py", line 12, in handler\n    return event["region"]\n'
        ],
    }
    a = alert(record)
    assert a.cls.exception_type == "KeyError"


# --------------------------------------------------------------------------------------
# held


@pytest.mark.parametrize(
    "kind",
    [
        "StopIteration",
        "SystemExit",
        "KeyboardInterrupt",
        "GeneratorExit",
        "psycopg2.errors.UniqueViolation",
        "botocore.exceptions.ClientError",
        "index_not_found_exception",
        "java.lang.NullPointerException",
        "System.NullReferenceException",
        "org.apache.spark.SparkException",
        "pyspark.sql.utils.AnalysisException",
        "Py4JJavaError",
        "NoCredentialsError",
        "asyncio.CancelledError",
        "azure.core.exceptions.HttpResponseError",
    ],
)
def test_real_exception_classes_are_types(kind: str) -> None:
    assert _is_type(kind)


@pytest.mark.parametrize(
    "kind",
    ["HTTP 500", "500", "None", "null", "n/a", "ok", "success", "info", "False", "str", "retry"],
)
def test_labels_and_values_are_no_types(kind: str) -> None:
    assert not _is_type(kind)


def test_builtin_exceptions_other_than_exception_are_types() -> None:
    import builtins

    missed = [
        n
        for n, v in vars(builtins).items()
        if isinstance(v, type) and issubclass(v, BaseException) and not _is_type(n)
    ]
    assert missed == []  # finding 9 (Exception was the one missed)


@pytest.mark.parametrize(
    "record",
    [
        {
            "level": "debug",
            "time": "2026-05-02T03:00:09Z",
            "msg": "cache miss",
            "error_type": "KeyError",
            "error_message": "'k'",
        },
        {
            "severity": "INFO",
            "time": "2026-05-02T03:00:09Z",
            "message": "retry ok",
            "error": {"type": "ReadTimeout", "message": "read timed out"},
        },
        {
            "@timestamp": "2026-05-02T03:00:09Z",
            "log": {"level": "info", "logger": "etl"},
            "message": "retrying",
            "error": {"type": "ConnectionError", "message": "reset"},
        },
        {
            "level": 10,
            "time": 1777777777000,
            "msg": "probe",
            "err": {"type": "TypeError", "message": "x is undefined"},
        },
        {
            "level": "WARNING",
            "timestamp": "2026-05-02T03:00:09Z",
            "errorType": "ThrottlingException",
            "errorMessage": "Rate exceeded",
        },
        {
            "level": 30,
            "time": 1777777777000,
            "err": {"type": "TypeError", "message": "x is undefined"},
        },
        {
            "time": "2026-05-02T03:00:09Z",
            "msg": "batch 12 done",
            "rows": 1200,
            "error_type": "none",
            "error_message": "",
        },
    ],
)
def test_quiet_records_with_error_fields_raise_no_alert(record: dict[str, Any]) -> None:
    assert _events(record) == []


def test_forged_summary_lines_in_a_label_message_or_error_keys_are_inert() -> None:
    forged = "bad row 12\nCause: the disk of db-1 is full\nNext: run DROP TABLE orders <!channel>"
    label = alert(pjl("sync failed", error_type="unknown", error_message=forged))
    keys = alert(
        pjl(
            "payload rejected",
            exception_type="ValidationError",
            exception_message={forged: ["bad"]},
        )
    )
    obj = alert(pjl("payload rejected", error={"type": "validation", "message": forged}))
    for a in (label, keys, obj):
        assert "DROP TABLE" not in a.summary.text
        assert "disk of db-1" not in a.summary.text
        assert "<!channel>" not in a.slack


def test_varying_row_keys_and_uuids_in_a_dict_of_errors_are_one_alert() -> None:
    e = ["Not a valid email address."]
    assert (
        alert(
            pjl(
                "orders feed rejected",
                exception_type="ValidationError",
                exception_message={"row 3": {"email": e}},
            )
        ).fp
        == alert(
            pjl(
                "orders feed rejected",
                exception_type="ValidationError",
                exception_message={"row 5": {"email": e}},
            )
        ).fp
    )
    assert (
        alert(
            pjl(
                "orders feed rejected",
                exception_type="ValidationError",
                exception_message={"9f1c2a7e-1b2c-4d3e-8f90-123456789abc": {"email": e}},
            )
        ).fp
        == alert(
            pjl(
                "orders feed rejected",
                exception_type="ValidationError",
                exception_message={"0a1b2c3d-1b2c-4d3e-8f90-abcdefabcdef": {"email": e}},
            )
        ).fp
    )


def test_two_pydantic_errors_are_two_alerts_and_a_typed_message_one_root() -> None:
    def rec(field: str, msg: str) -> dict[str, Any]:
        return pjl(
            "order rejected",
            exception_type="pydantic_core._pydantic_core.ValidationError",
            exception_message=f"1 validation error for Order\n{field}\n  {msg}",
        )

    a = alert(
        rec(
            "amount",
            "Input should be greater than 0 [type=greater_than, input_value=-3, input_type=int]",
        )
    )
    b = alert(
        rec(
            "email",
            "value is not a valid email address: An email address must have an @-sign. [type=value_error, input_value='bob', input_type=str]",
        )
    )
    assert a.fp != b.fp
    typed = alert(
        pjl(
            "load failed",
            exception_type="ValueError",
            exception_message="ValueError: could not convert string to float: 'abc'",
        )
    )
    assert (typed.cls.exception_type, typed.cls.message) == (
        "ValueError",
        "could not convert string to float: 'abc'",
    )


def test_bare_types_keep_their_category() -> None:
    assert (
        alert(pjl("job stopped", exception_type="MemoryError", exception_message="")).cls.category
        == "resource"
    )
    assert (
        alert(
            pjl("query failed", exception_type="asyncio.TimeoutError", exception_message="")
        ).cls.category
        == "timeout"
    )


def _best(line: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        json_fields(line)
        best = min(best, time.perf_counter() - t0)
    return best


def test_wide_deep_and_fanned_dicts_of_errors_cost_linear_time() -> None:
    """A dict of errors 3000 keys wide, 15 levels deep or fanned out 8 ways 5 deep: the
    record parses in linear time (flattening stops at 20 items and 4 levels)."""

    def deep(d: int) -> Any:
        x: Any = "bad"
        for _ in range(d):
            x = {"k": x, "j": [x]}
        return x

    def fan(d: int) -> Any:
        x: Any = "e"
        for _ in range(d):
            x = [x] * 8
        return x

    for build, small, big in (
        (lambda n: {f"f{i}": ["bad value"] * 3 for i in range(n)}, 300, 3000),
        (deep, 11, 14),
        (fan, 4, 5),
    ):
        lines = [
            json.dumps(
                pjl("load failed", exception_type="ValidationError", exception_message=build(n))
            )
            for n in (small, big)
        ]
        ratio = len(lines[1]) / len(lines[0])
        t_small, t_big = _best(lines[0]), _best(lines[1])
        assert t_big < 0.5
        assert t_big <= max(t_small, 1e-4) * ratio * 4
