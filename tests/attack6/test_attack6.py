"""Red team attack6: a bare failure report joining the event before it (rule (c) of
``_restates``) and the new category phrases, with lines written here in the shapes
python-logging, gunicorn, Spark, Celery and Kafka print.  Failing tests are real
problems (see FINDINGS.md)."""

from __future__ import annotations

import pytest

from logsumd.records import Event
from logsumd.understand import classify
from tests.events import make_event
from tests.test_corpus_shapes import _events, _spans


def rec(sec: int, name: str, level: str, msg: str) -> str:
    """A python-logging ``ts - name - LEVEL - msg`` record."""
    return f"2026-03-01 04:10:{sec:02d},120 - {name} - {level} - {msg}"


def gu(pid: int, level: str, msg: str) -> str:
    """A gunicorn error-log record."""
    return f"[2026-03-01 04:10:05 +0000] [{pid}] [{level}] {msg}"


def tb(path: str, code: str, exc: str) -> list[str]:
    """A short Python traceback ending in ``exc``."""
    return ["Traceback (most recent call last):", f'  File "{path}", line 31, in load', code, exc]


def category(text: str) -> str:
    """The category of a one-event text."""
    return classify(make_event(text)).category


def categories(events: list[Event]) -> list[str]:
    """The category of each event."""
    return [classify(e).category for e in events]


ORDERS_MISSING = "Failed to read orders.csv: [Errno 2] No such file or directory: 'orders.csv'"
USERS_TB = tb(
    "/opt/etl/load_users.py",
    "    cur.execute(sql)",
    'psycopg2.errors.UndefinedTable: relation "staging.users" does not exist',
)


# -- (a) two different failures merged by the bare-report rule ----------------------------


def test_another_workers_bare_failure_is_its_own_alert() -> None:
    """Worker 2's ``Database connection failed`` in worker 1's second is another failure."""
    lines = [
        rec(4, "etl.worker1", "INFO", "start"),
        rec(5, "etl.worker1", "ERROR", ORDERS_MISSING),
        rec(5, "etl.worker2", "ERROR", "Database connection failed"),
        rec(6, "etl.worker1", "INFO", "done"),
    ]
    assert _spans(_events(lines)) == [(2, 2), (3, 3)]


def test_a_bare_record_introducing_its_own_traceback_is_a_new_event() -> None:
    """``logger.exception("Load of users failed")`` after the orders failure: two alerts,
    the first still about orders.csv (file_io), the second about staging.users (schema)."""
    lines = [
        rec(5, "etl.orders", "ERROR", ORDERS_MISSING),
        rec(5, "etl.users", "ERROR", "Load of users failed"),
        *USERS_TB,
        rec(6, "etl", "INFO", "done"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 1), (2, 6)]
    assert categories(events) == ["file_io", "schema"]


def test_a_second_traceback_after_a_bare_record_is_not_swallowed() -> None:
    """Two ``logger.exception`` records, each with its traceback, in one second: two events."""
    lines = [
        rec(5, "etl.orders", "ERROR", "Load of orders failed"),
        *tb(
            "/opt/etl/load_orders.py",
            "    df = pd.read_csv(path)",
            "FileNotFoundError: [Errno 2] No such file or directory: 'orders.csv'",
        ),
        rec(5, "etl.users", "ERROR", "Users sync aborted"),
        *USERS_TB,
        rec(6, "etl", "INFO", "done"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 5), (6, 10)]
    assert categories(events) == ["file_io", "schema"]


def test_a_parallel_bare_report_after_a_traceback_is_another_task() -> None:
    """``Task users failed`` after ``Task orders failed`` + traceback: the parallel guard
    must compare heads, not the traceback's last line."""
    lines = [
        rec(5, "etl.tasks", "ERROR", "Task orders failed"),
        *tb(
            "/opt/etl/load_orders.py",
            "    df = pd.read_csv(path)",
            "FileNotFoundError: [Errno 2] No such file or directory: 'orders.csv'",
        ),
        rec(5, "etl.tasks", "ERROR", "Task users failed"),
        rec(6, "etl", "INFO", "done"),
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 6)]


def test_two_gunicorn_workers_failing_requests_stay_two_events() -> None:
    """Workers 812 and 815 each log ``Error handling request`` + traceback: two failures."""
    lines = [
        gu(812, "ERROR", "Error handling request /api/orders"),
        *tb("/srv/app/views/orders.py", "    return row['customer_id']", "KeyError: 'customer_id'"),
        gu(815, "ERROR", "Error handling request /api/users"),
        *tb(
            "/srv/app/views/users.py",
            "    conn = engine.connect()",
            "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) FATAL:  too many "
            'connections for role "app"',
        ),
        gu(1, "INFO", "Booting worker with pid: 820"),
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 10)]


def test_a_spark_jdbc_failure_after_a_write_abort_stays_its_own_event() -> None:
    """``JDBCRelation: Could not read table staging_users`` + ``No suitable driver`` after
    another job's abort in the same second: the SQLException must get its own alert."""
    lines = [
        "26/03/01 04:10:05 ERROR FileFormatWriter: Aborting job 5f2c1e7a.",
        "org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 9.0"
        " failed 4 times",
        "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2721)",
        "26/03/01 04:10:05 ERROR JDBCRelation: Could not read table staging_users",
        "java.sql.SQLException: No suitable driver",
        "\tat java.sql.DriverManager.getDriver(DriverManager.java:298)",
        "26/03/01 04:10:06 INFO SparkContext: Invoking stop() from shutdown hook",
    ]
    assert _spans(_events(lines)) == [(1, 3), (4, 6)]


def test_another_loggers_bare_retry_failure_is_not_folded_into_an_upload_failure() -> None:
    """``etl.fetch``'s ``Retry failed`` is the fetch task's outcome, not the upload's."""
    lines = [
        rec(
            5,
            "etl.upload",
            "ERROR",
            "Upload of report.pdf failed: An error occurred (AccessDenied) when calling the "
            "PutObject operation: Access Denied",
        ),
        rec(5, "etl.fetch", "ERROR", "Retry failed"),
        rec(6, "etl", "INFO", "done"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# -- (b) a failure's category lost because a bare line joined ------------------------------


def test_an_out_of_memory_escalation_keeps_its_resource_alert() -> None:
    """``Worker 3 aborted`` then CRITICAL ``Out of memory`` (another logger) after a missing
    file: the bare line must not carry the OOM into the file_io event."""
    lines = [
        rec(5, "etl.extract", "ERROR", "File not found: data/prices.csv"),
        rec(5, "etl.pool", "ERROR", "Worker 3 aborted"),
        rec(5, "etl.pool", "CRITICAL", "Out of memory"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 1), (2, 3)]
    assert categories(events) == ["file_io", "resource"]


def test_a_callers_bare_report_keeps_the_first_records_category_and_text() -> None:
    """``File not found: x`` then ``Extraction failed``: one event, still file_io about x."""
    lines = [
        rec(4, "etl.extract", "ERROR", "File not found: data/prices.csv"),
        # the parent logger (the lead's fix for finding 1 wants the same or a kin logger)
        rec(4, "etl", "ERROR", "Extraction failed"),
        rec(5, "etl", "INFO", "pipeline started"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 2)]
    cls = classify(events[0])
    assert (cls.category, cls.message) == ("file_io", "File not found: data/prices.csv")


def test_bare_reports_in_another_second_or_with_a_cause_stay_apart() -> None:
    """A bare line a second later, or a report with its own cause, is its own event."""
    later = [rec(5, "etl.a", "ERROR", ORDERS_MISSING), rec(6, "etl.b", "ERROR", "Load failed")]
    caused = [
        rec(5, "etl.a", "ERROR", ORDERS_MISSING),
        rec(5, "etl.b", "ERROR", "Load failed: connection refused"),
    ]
    assert _spans(_events(later)) == [(1, 1), (2, 2)]
    assert _spans(_events(caused)) == [(1, 1), (2, 2)]


def test_celery_worker_error_record_is_an_event() -> None:
    """Celery's ``[ts: ERROR/ForkPoolWorker-2] ...`` record is at ERROR and alerts
    (outside the commit: the Celery prefix is not parsed, level 0)."""
    lines = [
        "[2026-03-01 04:10:05,101: INFO/MainProcess] Task etl.sync[77] received",
        "[2026-03-01 04:10:05,102: ERROR/ForkPoolWorker-2] Warehouse connection failed",
        "[2026-03-01 04:10:06,001: INFO/MainProcess] Task etl.ping[78] received",
    ]
    assert _spans(_events(lines)) == [(2, 2)]


# -- (c) the new category phrases ------------------------------------------------------


@pytest.mark.parametrize(
    ("msg", "expected"),
    [
        ("Bad row 17 in orders.csv: invalid literal for int() with base 10: 'abc'", "data_format"),
        ("Skipping row: could not convert string to float: 'abc'", "data_format"),
        ("Invalid value for --mode: 'fast'", "data_format"),
        ("Could not open file: 'orders.csv'", "file_io"),
        ("Unknown column: 'net_amount'", "schema"),
        ("Insert failed: duplicate key value violates unique constraint: 'orders_pkey'", "schema"),
        ("Missing column in input: 'net_amount'", "schema"),
    ],
)
def test_a_quoted_value_after_a_colon_keeps_its_own_category(msg: str, expected: str) -> None:
    """A quoted value, file, column or constraint at a message's end is not a missing key."""
    assert category(rec(5, "etl.load", "ERROR", msg)) == expected


@pytest.mark.parametrize(
    "msg",
    [
        "Unknown dialect: 'excel2'",
        "Table not found: 'analytics.daily_sales'",
        "Bucket does not exist: 'lake-raw'",
        "Could not resolve host: 'db-prod-2.internal'",
        "Module not found: 'pyarrow'",
        "Unexpected job state: 'FAILED'",
        "Error while fetching metadata for topic: 'orders'",
    ],
)
def test_a_quoted_name_that_is_no_key_is_not_key_missing(msg: str) -> None:
    """Dialects, tables, buckets, hosts, modules, states and topics are not missing keys."""
    assert category(rec(5, "etl.load", "ERROR", msg)) != "key_missing"


def test_the_new_phrases_categorise_what_they_name() -> None:
    """Missing keys, ports in use, NiFi schemas and a Python ValueError are as documented."""
    # (the lead removed the quoted-name rule after findings 9 and 10: no key_missing case)
    assert category(gu(1, "ERROR", "Connection in use: ('0.0.0.0', 8000)")) == "resource"
    assert category(rec(5, "etl.db", "ERROR", "Port 5432 was already in use")) == "resource"
    assert (
        category(
            "org.apache.kafka.common.config.ConfigException: Missing required configuration "
            '"bootstrap.servers" which has no default value.'
        )
        == "key_missing"
    )
    assert (
        category(
            "org.apache.nifi.schema.access.SchemaNotFoundException: Unable to find schema with "
            "name 'orders'"
        )
        == "schema"
    )
    assert (
        category(
            "\n".join(
                tb(
                    "/opt/etl/x.py",
                    "    float(v)",
                    "ValueError: could not convert string to float: 'abc'",
                )
            )
        )
        == "data_format"
    )
