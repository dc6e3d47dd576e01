"""Failures stated below the ERROR level (or without one) are events; counts and noise are not.

Lines written here in the shape the libraries print them (requests' exception reprs,
Airflow's local task runner, Docker Compose, Spark's TaskSetManager, Google API and
boto3 messages); none is copied from the corpus.
"""

from __future__ import annotations

import pytest

from logsumd.config import MultilineSettings
from tests.log_lines import af, around, py
from tests.test_multiline_rules import run, spans

INFO_HANDLED = [
    py(
        3,
        "INFO",
        'Fetch of /v2/orders failed: ConnectionError(MaxRetryError("HTTPSConnectionPool('
        "host='api.shop.test', port=443)\"))",
    ),
    py(3, "INFO", "Error loading partition 2026-02-28: KeyError('region')"),
]
"""At INFO a failure is handled by design (the red team's second round): not an event."""

STATED = [
    py(
        3,
        "WARNING",
        'Fetch of /v2/orders failed: ConnectionError(MaxRetryError("HTTPSConnectionPool('
        "host='api.shop.test', port=443)\"))",
    ),
    py(3, "WARNING", "Attempt 3 failed for page 7: 503 Server Error: Service Unavailable"),
    "Error fetching prices for AMZN: HTTPSConnectionPool(host='q.test', port=443): Max"
    " retries exceeded with url: /v1 (Caused by SSLError('EOF'))",
    py(3, "WARNING", "Fetch of page 7 failed (0 attempts left): ReadTimeout('read timed out')"),
    "Mar 01 04:10:03 etl-1 kernel: Memory cgroup out of memory: Killed process 4211 (python3)",
    "2026-03-01 04:10:03.120 UTC [1] LOG:  server process (PID 4211) was terminated by signal 9:"
    " Killed",
    py(3, "WARNING", "Fetch of https://lake.test/o?" + "Sig=ab12" * 60 + " failed: EOFError"),
    af(3, "local_task_job_runner.py:266", "INFO", "Task exited with return code -9"),
    af(3, "local_task_job_runner.py:266", "INFO", "Task exited with return code Negsignal.SIGKILL"),
    "etl-worker-1 exited with code 137",
    py(3, "WARNING", 'HTTP 502 from https://api.shop.test/v2/orders: {"error": "bad gateway"}'),
    "Fetch failed: 404 Not found: Table shop-prod:sales.orders_v2 was not found in location EU",
    "Job aborted due to stage failure: Task 12 in stage 4.0 failed 4 times, most recent failure:"
    " Lost task 12.3 in stage 4.0 (TID 88, worker-3, executor 2): ExecutorLostFailure",
    "**boto3.exceptions.S3UploadFailedError: Failed to upload out.csv to lake/out.csv: An error"
    " occurred (AccessDenied) when calling the PutObject operation: Access Denied**",
    "Container killed by YARN for exceeding memory limits. 5.6 GB of 5.5 GB physical memory used",
    "24/06/01 04:27:18 WARN yarn.YarnAllocator: Container marked as failed: container_1_0002_01_67"
    " on host: w-3. Exit status: 143. Diagnostics: Container"
    " [pid=30502,containerID=container_1_0002_01_67] is running beyond physical memory limits."
    " Current usage: 13.8 GB of 13.8 GB physical memory used; 14.6 GB of 28.9 GB virtual"
    " memory used. Killing container.",
    "Mar 01 04:10:03 etl-1 systemd[1]: etl-load.service: Failed with result 'oom-kill'.",
    "Mar 01 04:10:03 etl-1 kernel: Out of memory: Killed process 4211 (python3)",
    "./run_etl.sh: line 12:  4211 Killed                  python load.py --day 2026-03-01",
    "upload failed: ./day.csv to s3://lake/day.csv An error occurred (403) when calling the"
    " PutObject operation: Forbidden",
    # no level: a lower-case "info" or "debug" in the message is a word, not one
    "[2031-05-01 17:28:18] [EXTRACT] Failed to write snapshot info: [Errno 28] No space left",
    "2031-05-01 17:28:18 [loader] Upload of debug bundle failed: PermissionError(13)",
]


BUILTIN_TEXT = [
    "Failed to write manifest for run 42: Object of type datetime is not JSON serializable",
    py(
        3,
        "WARNING",
        "Error in batch 7: field amount: DoubleType() can not accept object 'x' in type <class"
        " 'str'>",
    ),
    "Error parsing row 18: invalid literal for int() with base 10: 'N/A'",
    py(3, "WARNING", "Transform failed for orders: 'NoneType' object is not subscriptable"),
    "Load step failed: unsupported operand type(s) for +: 'int' and 'str'",
]
"""A failure whose cause is a built-in exception's text printed without its type
(``except Exception as e: print(f"... failed: {e}")``)."""


@pytest.mark.parametrize("line", BUILTIN_TEXT)
def test_a_failure_caused_by_a_builtin_exceptions_text_is_one_event(line: str) -> None:
    """Such a line is an event at WARNING or without a level."""
    assert spans(run(around(line))) == [(2, 2, "generic")]


@pytest.mark.parametrize("line", STATED)
def test_a_stated_failure_is_one_event(line: str) -> None:
    """A line that states a failure and its cause is an event at any level but DEBUG."""
    text = around(line)
    assert spans(run(text)) == [(2, 2, "generic")]


NOT_STATED = [
    *INFO_HANDLED,
    '{"log.level":"debug","message":"pool pre-ping failed: OperationalError(\'closed\')"}',
    'level=debug msg="dial failed: dial tcp 10.0.0.5:5432: connect: connection refused"',
    '{"level":20,"msg":"cache probe failed: TypeError: Cannot read properties of undefined"}',
    "01-Mar-2026 04:10:03 FINE [main] Pool.validate failed: java.net.SocketException: reset",
    "26/03/01 04:10:03 WARN NettyRpcEnv: Ignored failure: java.util.concurrent.TimeoutException",
    py(3, "INFO", "Rows loaded: 1200, errors: 0"),
    py(3, "INFO", "failed: [] succeeded: [orders, items]"),
    py(3, "INFO", "Tasks failed: 0"),
    af(
        3,
        "taskinstance.py:1225",
        "INFO",
        "Marking task as FAILED. dag_id=sales, task_id=load, run_id=manual__2026-03-01T04:00:00",
    ),
    af(3, "local_task_job_runner.py:228", "INFO", "Task exited with return code 1"),
    af(3, "local_task_job_runner.py:228", "INFO", "Task exited with return code 0"),
    "2026-03-01 04:10:03.067 2574 INFO nova.api.openstack.wsgi [req-1 - -] HTTP exception"
    " thrown: No instances found for any event",
    py(3, "DEBUG", "Retry failed: timed out after 5 s"),
    "    raise OSError(f'Cannot save file into a non-existent directory: {parent}')",
    py(3, "INFO", "Registered error handler: on_failure_callback"),
    # A task attempt Spark retries: the job's failure comes as an ERROR if the retries fail.
    "26/03/01 04:10:03 WARN TaskSetManager: Lost task 3.0 in stage 1.0 (TID 9, 10.1.2.3, executor"
    " 1): java.io.FileNotFoundException: s3a://lake/raw/day=1/part-0.parquet",
    py(3, "WARNING", "Fetch of page 7 failed: ReadTimeout('read timed out'), retrying in 2 s"),
    py(3, "INFO", "Rows failed: 0 (0.00%)"),
    py(3, "INFO", "Load of page 7 failed: 404 Client Error: Not Found"),
    '{"time": "2026-03-01T04:10:03Z", "level": "debug", "msg": "probe failed: ConnectionError()"}',
    py(3, "INFO", "Request GET https://api.shop.test/v2/orders returned 200"),
]


@pytest.mark.parametrize("line", NOT_STATED)
def test_counts_status_and_handled_noise_are_not_events(line: str) -> None:
    """Counts, status changes, retries, INFO without an exception, DEBUG and code lines
    open nothing."""
    text = around(line)
    assert run(text) == []


def test_the_cause_body_after_a_stated_failure_stays_with_it() -> None:
    """A stated failure's body (an API's JSON error) is part of its event."""
    text = "\n".join(
        [
            py(1, "INFO", "loader started"),
            py(2, "WARNING", "Export of page=3 failed: 500 Server Error: Internal Server Error: {"),
            '  "error": {"code": "SERVER_ERROR", "message": "parse_exception at column 33"}',
            "}",
            py(5, "INFO", "loader stopped"),
        ]
    )
    assert spans(run(text)) == [(2, 4, "generic")]


def test_a_dbt_title_after_a_stated_error_takes_its_indented_message() -> None:
    """``dbt docs generate`` prints a failure as ``Encountered an error while generating
    catalog: Database Error`` and the warehouse's message indented below it, without a
    level: one event; a title inside a sentence is no evidence."""
    text = "\n".join(
        [
            "Building catalog",
            "Encountered an error while generating catalog: Database Error",
            "  000630 (57014): Statement reached its statement or warehouse timeout of 600"
            " second(s) and was canceled.",
            "",
            "Error summary: Database Error count is 0, see the docs for Runtime Error codes",
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 3)]


def test_a_stated_failure_then_its_traceback_is_one_event() -> None:
    """A failure stated just before the traceback that explains it starts that event."""
    text = "\n".join(
        [
            py(1, "INFO", "loader started"),
            py(2, "WARNING", "Load of orders failed: psycopg2.errors.UndefinedTable"),
            "Traceback (most recent call last):",
            '  File "/srv/etl/load.py", line 40, in load_orders',
            "    cur.execute(sql)",
            'psycopg2.errors.UndefinedTable: relation "sales.orders" does not exist',
            py(7, "INFO", "loader stopped"),
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 6)]


def test_a_level_above_error_turns_stated_failures_off() -> None:
    """With ``level: CRITICAL`` only CRITICAL records open events, not stated failures."""
    line = py(3, "WARNING", "Attempt 3 failed for page 7: 503 Server Error: Service Unavailable")
    assert run(line, MultilineSettings(level="CRITICAL")) == []


def test_generic_rules_off_turns_stated_failures_off() -> None:
    """Without the ``generic`` rule set a stated failure opens nothing."""
    line = py(3, "WARNING", "Attempt 3 failed for page 7: 503 Server Error: Service Unavailable")
    assert run(line, MultilineSettings(rules=("python", "java"))) == []


def test_a_job_failure_stated_after_the_task_trace_is_its_aftermath() -> None:
    """Spark's INFO ``Job 1 failed: ...`` right after the task's trace is no second event."""
    text = "\n".join(
        [
            "26/03/01 04:10:01 INFO SparkContext: Running Spark version 3.5.1",
            "26/03/01 04:10:05 ERROR Executor: Exception in task 2.0 in stage 1.0 (TID 6)",
            "java.lang.IllegalStateException: schema mismatch in part-0002",
            "\tat com.shop.Load$.run(Load.scala:12)",
            "26/03/01 04:10:06 INFO DAGScheduler: Job 1 failed: save at Load.scala:40, took 1.2 s",
            "26/03/01 04:10:07 INFO SparkContext: Invoking stop() from shutdown hook",
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 4)]


def test_a_later_failure_just_after_an_event_is_not_its_aftermath() -> None:
    """A failure stated a minute after the last event, a few lines on, is its own event."""
    text = "\n".join(
        [
            af(1, "local_task_job_runner.py:266", "INFO", "Task exited with return code -9"),
            "2026-03-01 04:12:03,120 - loader - WARNING - Attempt 3 failed for page 7: 503 Server"
            " Error: Service Unavailable",
            py(5, "INFO", "loader stopped"),
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(1, 1), (2, 2)]
