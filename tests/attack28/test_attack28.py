"""Red team attack28: the detail rule of ``logsumd.assemble._burst._details`` (0e49d71).

A ``Label: value`` ERROR record from the same logger, in the same second as a failure,
joins that failure's event.  These tests look for two failures merged into one alert,
records of other loggers or runs glued to an event, lost restatement/parallel rules,
gaps in common log shapes, the alert's text and category, and time on long bursts.
All lines are written here in the shapes the tools print.
"""

from __future__ import annotations

import time

import pytest

from logsumd.summarize.rule_summary import rule_summary
from logsumd.understand import classify
from tests.log_lines import af, py
from tests.test_corpus_shapes import _events, _spans

LOAD_FAILED = (
    "Load failed for table customers: IntegrityError: duplicate key value violates unique"
    ' constraint "customers_pkey"'
)
CONVERSION = "Transformation failed: Conversion Error: Could not convert string 'N/A' to INT32"


def _spans_of(lines: list[str]) -> list[tuple[int, int]]:
    """Spans of the events of ``lines`` followed by a later INFO record (not an event)."""
    return _spans(_events([*lines, py(14, "INFO", "loader stopped")]))


# --- two failures merged into one alert --------------------------------------------


@pytest.mark.parametrize(
    "second",
    [
        "Table orders: does not exist",
        "Table orders: deadlock detected, transaction rolled back",
        "Snowflake warehouse: quota exceeded",
        "Worker 3: out of memory",
        "Connection to warehouse: reset by peer",
        "Export to s3: rejected by server",
    ],
)
def test_a_second_failure_in_plain_english_is_its_own_alert(second: str) -> None:
    """The loader reports customers' load failure, then in the same second another
    table's or worker's failure that uses none of the listed failure words.  The user
    needs two alerts: the second failure is not where the first one happened."""
    lines = [py(9, "ERROR", LOAD_FAILED), py(9, "ERROR", second)]
    assert _spans_of(lines) == [(1, 1), (2, 2)]


@pytest.mark.parametrize(
    "second",
    [
        "Tabelle bestellungen: Laden fehlgeschlagen",
        "Tabela pedidos: falha ao gravar, 0 linhas gravadas",
        "Tabla pedidos: la carga falló",
        "Table commandes : échec du chargement",
    ],
)
def test_a_second_failure_in_another_language_is_its_own_alert(second: str) -> None:
    """A job whose messages are in German/Portuguese/Spanish/French, with an English
    exception in its first report, reports a second table's failure in its own words:
    two failures, two alerts (the commit's own label example is Portuguese)."""
    lines = [py(9, "ERROR", LOAD_FAILED), py(9, "ERROR", second)]
    assert _spans_of(lines) == [(1, 1), (2, 2)]


def test_a_detail_does_not_let_a_parallel_task_failure_join() -> None:
    """``Task extract_a failed: ...``, its detail ``Run id: 8812``, then ``Task
    extract_b failed``: without the detail the two tasks stay apart (the parallel
    rule); with it, the bare report is compared with the detail and joins - task b's
    failure has no alert."""
    lines = [
        py(9, "ERROR", "Task extract_a failed: HTTP 502 Bad Gateway from api.example.com"),
        py(9, "ERROR", "Run id: 8812"),
        py(9, "ERROR", "Task extract_b failed"),
    ]
    assert _spans_of(lines) == [(1, 2), (3, 3)]


def test_without_a_detail_parallel_task_failures_stay_apart() -> None:
    """The reference for finding 3: the same two tasks without the detail."""
    lines = [
        py(9, "ERROR", "Task extract_a failed: HTTP 502 Bad Gateway from api.example.com"),
        py(9, "ERROR", "Task extract_b failed"),
    ]
    assert _spans_of(lines) == [(1, 1), (2, 2)]


def test_a_restatement_after_details_joins_the_failure() -> None:
    """The failure, its detail, then the caller logging the same failure again (``Main
    execution error: <same cause>``): one failure.  Without the detail the restatement
    joins; with it the restatement is compared with ``Database: ...`` and is a second
    alert for the same failure."""
    cause = "Conversion Error: Could not convert string 'N/A' to INT32"
    lines = [
        py(9, "ERROR", f"Transformation failed: {cause}"),
        py(9, "ERROR", "Database: /srv/etl/warehouse.duckdb"),
        py(9, "ERROR", f"Main execution error: {cause}"),
    ]
    assert _spans_of(lines) == [(1, 3)]


def test_a_restatement_without_details_joins_the_failure() -> None:
    """The reference for finding 4."""
    cause = "Conversion Error: Could not convert string 'N/A' to INT32"
    lines = [
        py(9, "ERROR", f"Transformation failed: {cause}"),
        py(9, "ERROR", f"Main execution error: {cause}"),
    ]
    assert _spans_of(lines) == [(1, 2)]


# --- across loggers / runs ----------------------------------------------------------


@pytest.mark.parametrize(
    "fmt",
    [
        "[2026-03-01 04:10:09,{ms}] ERROR in {name}: {msg}",  # Flask's default format
        "2026-03-01 04:10:09,{ms} [{name}] ERROR: {msg}",
        "2026-03-01 04:10:09,{ms} [ERROR] {name}: {msg}",
    ],
)
def test_another_loggers_record_is_no_detail_when_the_format_names_it(fmt: str) -> None:
    """The loader's failure, then in the same second the notifier's own complaint.  The
    prefix names two different loggers, but the parser keeps no source for these
    formats, so "same logger" holds for any two records: the notifier's line is glued
    to the loader's alert (and the notifier's problem has no alert)."""
    lines = [
        fmt.format(ms="120", name="loader", msg=LOAD_FAILED),
        fmt.format(ms="480", name="notifier", msg="Slack webhook: channel_is_archived"),
    ]
    assert _spans_of(lines) == [(1, 1), (2, 2)]


def test_another_loggers_record_stays_apart_in_python_logging_format() -> None:
    """Held: with ``%(asctime)s - %(name)s - %(levelname)s`` the logger is known."""
    lines = [
        py(9, "ERROR", CONVERSION),
        "2026-03-01 04:10:09,300 - notifier - ERROR - Channel: #etl-alerts",
        "2026-03-01 04:10:09,310 - loader.db - ERROR - Database: /srv/etl/warehouse.duckdb",
    ]
    assert _spans_of(lines) == [(1, 1), (2, 2), (3, 3)]


def _prefect(run: str, msg: str) -> str:
    return f"2026-03-01 22:10:25.101 | ERROR   | Task run '{run}' - {msg}"


def test_another_prefect_task_runs_record_is_no_detail() -> None:
    """Two Prefect task runs fail together: ``load-1a2``'s load fails, ``load-3b4``
    reports its own problem as ``Rows written: 0``.  Another run, another alert; the
    detail rule takes the second as a detail of the first (the record has no logger
    field, and the run name is part of the label)."""
    lines = [
        _prefect("load-1a2", "Load failed: duplicate key value violates unique constraint"),
        _prefect("load-3b4", "Rows written: 0"),
    ]
    assert _spans_of(lines) == [(1, 1), (2, 2)]


def test_details_in_the_next_second_or_after_an_info_record_stay_apart() -> None:
    """Held: the rule needs the failure's second and an unbroken run of ERROR records."""
    assert _spans_of([py(9, "ERROR", CONVERSION), py(10, "ERROR", "Database: /srv/x.db")]) == [
        (1, 1),
        (2, 2),
    ]
    lines = [py(9, "ERROR", CONVERSION), py(9, "INFO", "cleaning up"), py(9, "ERROR", "Table: x")]
    assert _spans_of(lines) == [(1, 1), (3, 3)]


def test_a_warning_detail_does_not_join_and_a_quiet_first_record_takes_none() -> None:
    """Held: a WARNING ``Retry: 2 of 3`` is no event; a first record that states no
    failure (``Table: customers``) takes no details."""
    assert _spans_of([py(9, "ERROR", CONVERSION), py(9, "WARNING", "Retry: 2 of 3")]) == [(1, 1)]
    lines = [py(9, "ERROR", "Table: customers"), py(9, "ERROR", "Rows: 0")]
    assert _spans_of(lines) == [(1, 1), (2, 2)]


@pytest.mark.parametrize(
    "second",
    [
        "Status: 500",
        "Result: FAILED",
        "Job orders: status=KILLED",
        "Table orders: permission denied",
        "Response: HTTP 503 Service Unavailable",
        "Column email: null value in column violates not-null constraint",
    ],
)
def test_a_second_failure_with_a_failure_word_stays_apart(second: str) -> None:
    """Held: a listed failure word (or a 4xx/5xx number) keeps a record its own alert."""
    assert _spans_of([py(9, "ERROR", LOAD_FAILED), py(9, "ERROR", second)]) == [(1, 1), (2, 2)]


def test_parallel_failures_keep_their_own_details() -> None:
    """Held: ``Task a failed`` and ``Task b failed`` each with a detail: two events, each
    with its own detail.  (Lead: the details are qualified names now: since this round's
    fix a bare word is no detail's value.)"""
    lines = [
        py(9, "ERROR", "Task a failed: connection reset while reading the response"),
        py(9, "ERROR", "Table: public.customers"),
        py(9, "ERROR", "Task b failed: relation orders is locked by another session"),
        py(9, "ERROR", "Table: public.orders"),
    ]
    assert _spans_of(lines) == [(1, 2), (3, 4)]


def test_a_more_severe_record_after_details_still_joins() -> None:
    """Held: ``CRITICAL - Pipeline aborted`` after the failure and its details."""
    lines = [
        py(9, "ERROR", CONVERSION),
        py(9, "ERROR", "Database: /srv/x.db"),
        py(9, "CRITICAL", "Pipeline aborted"),
    ]
    assert _spans_of(lines) == [(1, 3)]


# --- the alert's text and category --------------------------------------------------


@pytest.mark.xfail(strict=True, reason="(left) finding 7: Reason: detail lost from the alert text")
def test_a_reason_detail_reaches_the_alert_text() -> None:
    """``Load step failed`` then ``Reason: column qty does not exist``.  Before the
    change the second alert read "Reason: column qty does not exist"; now there is one
    alert, categorised ``schema`` from the reason, whose text says only "Load step
    failed" and advises fixing "the table, column or SQL that the database's message
    names" - a message the alert no longer shows."""
    events = _events(
        [py(9, "ERROR", "Load step failed"), py(9, "ERROR", "Reason: column qty does not exist")]
    )
    assert len(events) == 1
    cls = classify(events[0])
    text = f"{cls.message} {rule_summary(events[0], cls)}"
    assert "qty" in text


@pytest.mark.parametrize(
    "detail",
    [
        "Host: db.internal:5432",
        "Memory usage: 15.2 GiB",
        "Connection: postgresql://etl@db:5432/dw",
        "Warehouse: LOAD_WH (suspended)",
        "Driver: '/opt/odbc/libmsodbcsql-17.so'",
    ],
)
def test_a_neutral_detail_leaves_the_category_and_message_alone(detail: str) -> None:
    """Held: a detail joins and the alert keeps the failure's message and category.
    (Lead: ``Kerberos ticket: expired`` and prose values left the list: since this
    round's fix a detail's value must be data, and those stay their own events.)"""
    alone = classify(_events([py(9, "ERROR", CONVERSION)])[0])
    events = _events([py(9, "ERROR", CONVERSION), py(9, "ERROR", detail)])
    assert len(events) == 1
    cls = classify(events[0])
    assert (cls.category, cls.message) == (alone.category, alone.message)


# --- details that should join but do not ------------------------------------------


@pytest.mark.parametrize(
    "detail",
    ["Rows rejected: 412", "Elapsed: 450 ms", "Sample bad rows: [('417', 'Ana', 'N/A')]"],
)
def test_a_detail_with_a_number_between_400_and_599_joins(detail: str) -> None:
    """``\\b[45]\\d\\d\\b`` takes any such number for an HTTP status: a row count of 412
    or an elapsed 450 ms makes the detail an alert of its own."""
    lines = [py(9, "ERROR", "Validation failed for customers.csv: rows could not be parsed")]
    assert _spans_of([*lines, py(9, "ERROR", detail)]) == [(1, 2)]


def test_airflow_task_log_details_join() -> None:
    """Airflow's ``{loader.py:41}`` source holds the line number, so the detail logged on
    the next line of the task's code is "another logger": one alert per detail, in
    the most common ETL log there is."""
    lines = [
        af(9, "loader.py:40", "ERROR", CONVERSION),
        af(9, "loader.py:41", "ERROR", "Database: /srv/etl/warehouse.duckdb"),
        af(9, "loader.py:42", "ERROR", "Source: /srv/etl/in/customers.csv"),
    ]
    assert _spans_of(lines) == [(1, 3)]


def test_airflow3_json_details_join_and_another_logger_stays_apart() -> None:
    """Held: Airflow 3's JSON task log, timestamp first: same logger joins, another not."""

    def j(logger: str, msg: str) -> str:
        return (
            '{"timestamp":"2026-03-01T04:10:09.500000Z","level":"error",'
            f'"event":"{msg}","logger":"{logger}"}}'
        )

    lines = [
        j("etl.load", "Transformation failed: Conversion Error: bad INT32"),
        j("etl.load", "Database: /srv/etl/warehouse.duckdb"),
        j("airflow.task", "Dag run: manual__2026-03-01"),
    ]
    assert _spans_of(lines) == [(1, 2), (3, 3)]


@pytest.mark.xfail(strict=True, reason="(left) finding 10: structlog event-first JSON never joins")
def test_structlog_event_first_json_details_join() -> None:
    """structlog's JSONRenderer writes ``event`` first and the timestamp last;
    ``same_second`` looks for a clock in the first 30 characters only, so details of
    such a failure are one alert each."""

    def j(msg: str) -> str:
        return (
            f'{{"event": "{msg}", "level": "error", "logger": "etl.load",'
            ' "timestamp": "2026-03-01T04:10:09.500000Z"}'
        )

    lines = [
        j("Transformation failed: Conversion Error: bad INT32"),
        j("Database: /srv/etl/warehouse.duckdb"),
    ]
    assert _spans_of(lines) == [(1, 2)]


@pytest.mark.xfail(strict=True, reason="(left) finding 11: details after a traceback never join")
def test_details_after_a_logged_traceback_join() -> None:
    """``logger.exception("Transformation failed")`` prints a traceback, then the job
    logs ``Database: ...``: the rule is off after a trace, so the detail is an alert
    of its own (``Database: /srv/...``) for the most common way Python logs failures."""
    lines = [
        py(9, "ERROR", "Transformation failed"),
        "Traceback (most recent call last):",
        '  File "/srv/etl/transform.py", line 31, in run',
        "    con.execute(sql)",
        "duckdb.ConversionException: Conversion Error: Could not convert string 'N/A' to INT32",
        py(9, "ERROR", "Database: /srv/etl/warehouse.duckdb"),
    ]
    assert _spans_of(lines) == [(1, 6)]


@pytest.mark.xfail(
    strict=True, reason="(left) finding 12: label with value on next lines: own alert"
)
def test_a_label_with_its_value_on_the_next_lines_joins() -> None:
    """``logger.error("Sample bad rows:\\n%s", df.head())``: the label ends its line and
    pandas prints the rows below.  ``:\\s+\\S`` needs the value on the same line, so the
    rows are a second alert."""
    lines = [
        py(9, "ERROR", "Validation failed for customers.csv: 2 rows could not be parsed"),
        py(9, "ERROR", "Sample bad rows:"),
        "   id  name  qty",
        "0   7   Ana  N/A",
        "1   9   Rui  n/a",
    ]
    assert _spans_of(lines) == [(1, 5)]


# --- time on long bursts ------------------------------------------------------------


def test_thousands_of_details_take_linear_time_and_the_event_ends() -> None:
    """Held: 20000 ``Label: value`` records in the failure's second: the event stops at
    the hard limit (max_lines * 10) and the whole takes linear time.  (Lead: the values
    are paths now, as a detail's value must be data since this round's fix.)"""

    def run(n: int) -> tuple[float, list[tuple[int, int]]]:
        lines = [py(9, "ERROR", "Load failed: duplicate key")]
        lines += [py(9, "ERROR", f"Row {i}: /data/in/part-{i}.csv") for i in range(n)]
        t = time.perf_counter()
        spans = _spans(_events(lines))
        return time.perf_counter() - t, spans

    small, _ = run(2000)
    big, spans = run(20000)
    assert spans[0] == (1, 5000)
    assert all(b - a < 5000 for a, b in spans)
    assert big < max(small, 0.05) * 25


def test_a_long_failure_line_with_many_details_is_not_slow() -> None:
    """Held: a 200 KB first record and 4000 details (the first record is parsed again
    for each detail): well under a few seconds."""
    lines = [py(9, "ERROR", "Load failed: " + "x" * 200_000)]
    lines += [py(9, "ERROR", f"Column c{i}: value") for i in range(4000)]
    t = time.perf_counter()
    events = _events(lines)
    assert time.perf_counter() - t < 10
    assert _spans(events)[0][0] == 1
