"""Red team attack37: commit 914b69c (Airflow 3 hook relays, JSON records read by their
first line and with JSON-escaped colours removed, Spark query plans as message
continuations, catalogue entries api_endpoint_deprecated, dbt freshness ``ERROR STALE``,
Kafka ``Topic 'x' name does not exist`` and value_parse_error's quoted value).

Every line below is written here in the shape the tool prints it; none is copied from
the evaluation corpus.  "Before" means b9a0c0f, the commit before 914b69c.
"""

from __future__ import annotations

import json
import time

import pytest

from logsumd.records import Event
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event
from tests.log_lines import af, py
from tests.test_catalogue_specific import TB, _frame
from tests.test_corpus_shapes import _events, _spans

BASH_HOOK = "airflow.task.hooks.airflow.providers.standard.hooks.subprocess.SubprocessHook"
POD_MANAGER = "airflow.providers.cncf.kubernetes.utils.pod_manager.PodManager"
SITE = "/home/airflow/.local/lib/python3.12/site-packages/airflow"
BASH_OP = f"{SITE}/providers/standard/operators/bash.py"


def _hook(sec: int, event: str, logger: str = BASH_HOOK, **extra: object) -> str:
    """A record a hook logs under Airflow 3 (structlog JSON): the ``event`` first, the
    logger and the call site after it, as Airflow 3 writes them."""
    record: dict[str, object] = {
        "timestamp": f"2031-08-08T17:18:{sec:02d}.500000Z",
        "level": "info",
        "event": event,
    }
    record |= extra
    record |= {"logger": logger, "filename": "subprocess.py", "lineno": 110}
    return json.dumps(record)


def _verdict(sec: int, exc_type: str, exc_value: str, path: str = BASH_OP,
             fn: str = "execute", **extra: object) -> str:  # fmt: skip
    """Airflow 3's ``Task failed with exception`` record with its ``error_detail``."""
    detail = [
        {
            "exc_type": exc_type,
            "exc_value": exc_value,
            "frames": [{"filename": path, "lineno": 233, "name": fn}],
        }
    ]
    record: dict[str, object] = {
        "timestamp": f"2031-08-08T17:18:{sec:02d}.900000Z",
        "level": "error",
        "event": "Task failed with exception",
    }
    record |= extra
    record |= {"logger": "task", "error_detail": detail}
    return json.dumps(record)


BASH_FAILED = "Bash command failed. The command returned a non-zero exit code 1."


def _found(event: Event) -> list[Candidate]:
    return distinct(examine(event, classify(event), load_catalogue()).candidates)


def _best_of_text(text: str, context: tuple[str, ...] = ()) -> Candidate | None:
    found = _found(make_event(text, context))
    return found[0] if found else None


# --------------------------------------------------------------------------------------
# 1. KubernetesPodOperator under Airflow 3: the pod's output is no relay
# --------------------------------------------------------------------------------------


def _pod(sec: int, line: str) -> str:
    """A line the pod's ``base`` container printed, as Airflow 3 logs it: the
    PodManager is a plain LoggingMixin, so its logger has no ``airflow.task.`` prefix."""
    return json.dumps(
        {
            "timestamp": f"2031-08-08T17:18:{sec:02d}.500000Z",
            "level": "info",
            "event": f"[base] {line}",
            "logger": POD_MANAGER,
            "filename": "pod_manager.py",
            "lineno": 493,
        }
    )


def test_a_pods_traceback_under_airflow_3_is_one_event_with_its_verdict() -> None:
    """KubernetesPodOperator under Airflow 3: the pod's traceback, relayed line by line by
    the PodManager, and the task's verdict are one failure. The on-call engineer needs
    the KeyError, not an alert made of a traceback header and one frame, followed by a
    second alert that only says the pod failed."""
    pod_py = f"{SITE}/providers/cncf/kubernetes/operators/pod.py"
    lines = [
        _pod(1, "starting load of orders"),
        _pod(2, "Traceback (most recent call last):"),
        _pod(2, '  File "/app/load.py", line 12, in <module>'),
        _pod(2, "    main()"),
        _pod(2, "KeyError: 'region'"),
        _pod(3, "cleanup done"),
        _verdict(
            4,
            "airflow.exceptions.AirflowException",
            "Pod load-orders-7f2a returned a failure.",
            pod_py,
            "execute_sync",
        ),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 7)]
    assert "KeyError: 'region'" in events[0].text


def test_the_same_pod_with_a_task_logger_prefix_is_one_event() -> None:
    """Control for finding 1: with the ``airflow.task.`` prefix the commit expects, the
    same lines are one event (so the gap is the logger name alone)."""
    prefixed = "airflow.task.hooks." + POD_MANAGER
    lines = [
        line.replace(POD_MANAGER, prefixed)
        for line in (
            _pod(1, "starting load of orders"),
            _pod(2, "Traceback (most recent call last):"),
            _pod(2, '  File "/app/load.py", line 12, in <module>'),
            _pod(2, "    main()"),
            _pod(2, "KeyError: 'region'"),
            _pod(3, "cleanup done"),
        )
    ]
    lines.append(_verdict(4, "AirflowException", "Pod load returned a failure."))
    assert _spans(_events(lines)) == [(2, 7)]


# --------------------------------------------------------------------------------------
# 2. api_endpoint_deprecated outranks the failure the API actually reported
# --------------------------------------------------------------------------------------

HTTP_HOOK = f"{SITE}/providers/http/hooks/http.py"


def test_an_expired_token_with_a_deprecation_notice_is_an_auth_failure() -> None:
    """Airflow's HttpHook logs the response body before it raises ``401:Unauthorized``;
    the body says the token expired and, by the way, that the endpoint is deprecated.
    The user needs "renew the token", not "move the calls to the newer API version"
    (the API did answer; it refused the credentials)."""
    lines = [
        af(1, "http.py:175", "INFO", "Sending 'GET' to url: https://api.example.test/v1/orders"),
        af(2, "http.py:200", "ERROR", "HTTP error: Unauthorized"),
        af(2, "http.py:201", "ERROR",
           '{"error": "invalid_token", "message": "The access token expired", "notice": '
           '"This endpoint is deprecated and will be retired on 2031-12-01, use /v3/orders"}'),
        af(2, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        f'  File "{HTTP_HOOK}", line 198, in check_response',
        "    response.raise_for_status()",
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: "
        "https://api.example.test/v1/orders",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        f'  File "{HTTP_HOOK}", line 202, in check_response',
        '    raise AirflowException(str(response.status_code) + ":" + response.reason)',
        "airflow.exceptions.AirflowException: 401:Unauthorized",
        af(3, "taskinstance.py:1205", "INFO", "Marking task as FAILED. task_id=fetch"),
    ]  # fmt: skip
    events = _events(lines)
    assert len(events) == 1
    found = _found(events[0])
    assert found
    assert found[0].id == "api_auth_failed"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Exception: orders API failed with 429 Too Many Requests: {'message': 'rate limit "
            "exceeded, retry after 60s', 'warning': 'This endpoint is deprecated and will be "
            "retired on 2031-12-01'}",
            "http_rate_limited",
        ),
        (
            "Exception: 503 Service Unavailable: {'detail': 'maintenance until 06:00 UTC', "
            "'notice': 'API version 2023-01 has been deprecated'}",
            "http_server_error",
        ),
        (
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: "
            "https://api.example.test/v1/orders (the v1 API version is deprecated, see the docs)",
            "api_auth_failed",
        ),
    ],
    ids=["429", "503", "401"],
)
def test_a_deprecation_notice_beside_an_http_failure_does_not_name_the_cause(
    message: str, expected: str
) -> None:
    """An API's answer that carries a deprecation notice next to its real status (rate
    limit, maintenance, expired credentials): the status is the cause; the notice is
    advice for later. Before 914b69c each of these named its status."""
    best = _best_of_text(TB + _frame("/opt/etl/orders.py", "fetch") + message + "\n")
    assert best is not None
    assert best.id == expected


def test_the_retired_endpoint_read_as_a_number_is_still_named() -> None:
    """Control: the notice parsed as a number (the shape the entry was written for)."""
    best = _best_of_text(
        TB + _frame("/opt/etl/blocks.py", "fetch_blocks")
        + "ValueError: invalid literal for int() with base 16: 'You are calling a deprecated"
        " V1 endpoint, switch to V2'\n"
    )  # fmt: skip
    assert best is not None
    assert best.id == "api_endpoint_deprecated"


def test_a_deprecation_warning_printed_before_a_traceback_does_not_win() -> None:
    """Python's DeprecationWarning printed on stderr just before a connection failure's
    traceback stays out of the event, so the refused connection is the cause."""
    lines = [
        "/opt/etl/client.py:12: DeprecationWarning: fetch_v1() calls a deprecated REST endpoint",
        "  warnings.warn(",
        "Traceback (most recent call last):",
        '  File "/opt/etl/orders.py", line 30, in <module>',
        "    conn = psycopg2.connect(DSN)",
        'psycopg2.OperationalError: connection to server at "db" (10.0.0.5), port 5432 failed:'
        " Connection refused",
    ]
    events = _events(lines)
    assert _spans(events) == [(3, 6)]
    found = _found(events[0])
    assert found
    assert found[0].id != "api_endpoint_deprecated"


# --------------------------------------------------------------------------------------
# 3. A long relayed line: the logger field lies past the 600 characters searched
# --------------------------------------------------------------------------------------


def _long_error(fields: int) -> str:
    query = "&".join(f"field_{i}=orders.col_{i}" for i in range(fields))
    return (
        "2031-08-08 17:18:03,100 ERROR load - upload failed: 400 Client Error: Bad Request for"
        f" url: https://api.example.test/v2/orders?{query}"
    )


def _child_fails(error: str) -> list[str]:
    return [
        _hook(1, "Output:"),
        _hook(2, "2031-08-08 17:18:02,100 INFO load - sending 120 rows"),
        _hook(3, error),
        _hook(3, "2031-08-08 17:18:03,200 INFO load - cleaning up"),
        _hook(4, "Command exited with return code 1"),
        _verdict(5, "AirflowException", BASH_FAILED),
    ]


def test_a_relayed_child_error_joins_the_verdict() -> None:
    """Control: a short relayed error of the child and the BashOperator's verdict are one
    alert, whose cause is the child's 400."""
    events = _events(_child_fails(_long_error(2)))
    assert _spans(events) == [(3, 6)]
    assert _found(events[0])[0].id == "http_bad_request"


def test_a_long_relayed_child_error_joins_the_verdict() -> None:
    """The same failure with a long URL in the child's error (a 1.2 kB JSON line): the
    ``"logger"`` field that makes it a relay comes after the ``event`` and past the 600
    characters the relay test searches. The user gets two alerts, one of them a bare
    "a command the task ran exited with an error", instead of one."""
    events = _events(_child_fails(_long_error(40)))
    assert _spans(events) == [(3, 6)]


# --------------------------------------------------------------------------------------
# 4. Two tasks' hook relays interleaved in one worker stream
# --------------------------------------------------------------------------------------


@pytest.mark.xfail(strict=True, reason="finding 4: interleaved tasks' relays merged")
def test_two_tasks_interleaved_relays_keep_two_failures() -> None:
    """A Celery worker writes its tasks' Airflow 3 JSON logs to one stream (stdout for a
    log shipper), each record naming its ``task_id``. Two BashOperator tasks fail at the
    same time: load on a KeyError, export on a PermissionError. The user needs an alert
    for each failure, each with its own category; not one KeyError alert in the
    ``permission`` category and no alert naming export's PermissionError (before
    914b69c the PermissionError had its own alert)."""

    def h(sec: int, event: str, task: str) -> str:
        return _hook(sec, event, dag_id="shop", task_id=task)

    lines = [
        h(1, "Traceback (most recent call last):", "load"),
        h(1, '  File "/opt/jobs/load.py", line 3, in <module>', "load"),
        h(2, "Traceback (most recent call last):", "export"),
        h(2, "KeyError: 'region'", "load"),
        h(2, '  File "/opt/jobs/export.py", line 9, in <module>', "export"),
        h(3, "PermissionError: [Errno 13] Permission denied: '/exports/orders.csv'", "export"),
        h(3, "Command exited with return code 1", "load"),
        _verdict(4, "AirflowException", BASH_FAILED, dag_id="shop", task_id="load"),
        h(4, "Command exited with return code 1", "export"),
        _verdict(5, "AirflowException", BASH_FAILED, dag_id="shop", task_id="export"),
    ]
    roots = {(c.exception_type, c.category) for c in map(classify, _events(lines))}
    assert ("KeyError", "key_missing") in roots
    assert ("PermissionError", "permission") in roots


# --------------------------------------------------------------------------------------
# 5. A child that recovered is taken as the cause of the task's later failure
# --------------------------------------------------------------------------------------


def test_a_child_that_recovered_is_not_the_cause_of_a_later_failure() -> None:
    """A @task runs a sync script through the SubprocessHook: its first connection
    attempt is refused, it retries, syncs and exits 0. The task then fails on its own
    KeyError. The alert must say the key is missing; before 914b69c it did, now the
    child's retried error joins the verdict and the diagnosis says the service refused
    the connection (Airflow 2's ``{subprocess.py:93}`` form has the same fault)."""
    lines = [
        _hook(1, "Running command: ['/usr/bin/bash', '-c', 'python /opt/jobs/sync.py']"),
        _hook(1, "Output:"),
        _hook(2, "ERROR: could not connect to server: Connection refused (attempt 1 of 5)"),
        _hook(4, "connected to warehouse, 120 rows synced"),
        _hook(5, "Command exited with return code 0"),
        _verdict(6, "KeyError", "'region'", "/opt/airflow/dags/orders.py", "summarize"),
    ]
    events = _events(lines)
    failure = events[-1]
    assert failure.line_start == 6
    assert _found(failure)[0].id == "dict_key_missing"


# --------------------------------------------------------------------------------------
# 6. The hook's own exit line is read as the child's exception message
# --------------------------------------------------------------------------------------


def test_the_hooks_exit_line_is_not_part_of_the_childs_message() -> None:
    """Under Airflow 2, ``{subprocess.py:97} Command exited with return code 1`` comes
    from another call site than the child's lines and stays out of the message. Under
    Airflow 3 the same record, of the same hook logger, is glued to the child's
    exception: the alert reads "timed out Command exited with return code 1"."""
    lines = [
        _hook(1, "Output:"),
        _hook(2, "Traceback (most recent call last):"),
        _hook(2, '  File "/opt/jobs/load.py", line 30, in <module>'),
        _hook(2, "    rows = fetch()"),
        _hook(2, "TimeoutError: timed out"),
        _hook(3, "Command exited with return code 1"),
        _verdict(4, "AirflowException", BASH_FAILED),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 7)]
    cls = classify(events[0])
    assert (cls.exception_type, cls.message) == ("TimeoutError", "timed out")


# --------------------------------------------------------------------------------------
# 7. value_parse_error's new value slot
# --------------------------------------------------------------------------------------


def _int_error(value: str) -> str:
    return (
        TB + _frame("/opt/etl/people.py", "parse")
        + f"ValueError: invalid literal for int() with base 10: {value}\n"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "said"),
    [
        # a height in feet and inches: Python's repr escapes the inner single quote
        ("'5\\'10\"'", "'5\\'10\"'"),
        # an order id of 70 characters: named in full before 914b69c
        (
            "'ORD-2031-02-03-000123-EU-WEST-1-WAREHOUSE-7-BATCH-42-RETRY-3-PARTIAL'",
            "ORD-2031-02-03-000123-EU-WEST-1-WAREHOUSE-7-BATCH-42-RETRY-3-PARTIAL",
        ),
    ],
    ids=["escaped-quote", "long-id"],
)
def test_the_value_that_is_not_a_number_is_named_whole(value: str, said: str) -> None:
    """The alert names the value that failed to convert, whole: the user greps the input
    for it. A value with an escaped quote is cut at the backslash ('5\\'), and one of
    more than 60 characters is dropped (the generic cause is left)."""
    best = _best_of_text(_int_error(value))
    assert best is not None
    assert best.id == "value_parse_error"
    assert said in best.cause


@pytest.mark.parametrize(
    ("value", "said"),
    [("'1 204'", "'1 204'"), ('"O\'Brien"', '"O\'Brien"'), ("'N/A'", "'N/A'")],
)
def test_short_quoted_values_are_named(value: str, said: str) -> None:
    best = _best_of_text(_int_error(value))
    assert best is not None
    assert best.id == "value_parse_error"
    assert said in best.cause


# --------------------------------------------------------------------------------------
# 8. The plan-node shape takes record lines that no Spark plan holds
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [
                py(1, "ERROR", "batch 3 failed: psycopg2.OperationalError: server closed the"
                   " connection unexpectedly"),
                py(2, "INFO", "Loading [orders#4] from s3://raw/orders/4.parquet"),
                py(3, "INFO", "Loading [orders#5] from s3://raw/orders/5.parquet"),
                py(4, "ERROR", "batch 6 failed: KeyError: 'region'"),
            ],
            [(1, 1), (4, 4)],
        ),
        (
            [
                "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-enforcer-plugin:"
                "3.4.1:enforce (enforce) on project etl: Some Enforcer rules have failed.",
                "[INFO] +- com.acme:legacy-utils:jar:2.1:compile",
                "[INFO] |  +- org.slf4j:slf4j-api:jar:1.7.25:compile",
                "[INFO] \\- org.apache.spark:spark-sql_2.12:jar:3.5.0:provided",
                "[INFO] BUILD FAILURE",
            ],
            [(1, 1)],
        ),
    ],
    ids=["python-logging", "maven-tree"],
)  # fmt: skip
def test_a_record_shaped_like_a_plan_node_is_not_the_errors_message(
    lines: list[str], expected: list[tuple[int, int]]
) -> None:
    """A Spark plan printed after an AnalysisException is bare text; a line with its own
    record prefix (python logging's INFO, Maven's ``[INFO] +- ``) is another record.
    Gluing those into the error before them puts unrelated progress lines (or a
    dependency tree) into the alert's message (before 914b69c: not glued)."""
    assert _spans(_events(lines)) == expected


# --------------------------------------------------------------------------------------
# What held
# --------------------------------------------------------------------------------------


def _dbt(level: str, name: str, msg: str) -> str:
    return json.dumps(
        {
            "data": {"msg": msg},
            "info": {"level": level, "msg": msg, "name": name, "ts": "2031-08-08T17:18:03Z"},
        }
    )


def test_a_successful_dbt_json_run_raises_nothing() -> None:
    lines = [
        _dbt("info", "MainReportVersion", "Running with dbt=1.8.3"),
        _dbt("info", "LogStartLine", "1 of 1 START sql view model shop.stg_errors ..... [RUN]"),
        _dbt("info", "LogModelResult",
             "1 of 1 OK created sql view model stg_errors [\x1b[32mCREATE VIEW\x1b[0m in 0.1s]"),
        _dbt("info", "EndOfRunSummary", "\x1b[32mCompleted successfully\x1b[0m"),
        _dbt("info", "StatsLine", "Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1"),
    ]  # fmt: skip
    assert _events(lines) == []


def test_a_dbt_json_run_with_only_a_warning_raises_nothing() -> None:
    lines = [
        _dbt("warn", "LogTestResult",
             "1 of 2 WARN 3 not_null_orders_customer_id .... [\x1b[33mWARN 3\x1b[0m in 0.05s]"),
        _dbt("info", "EndOfRunSummary", "\x1b[33mCompleted with 1 warning:\x1b[0m"),
        _dbt("info", "Formatting", ""),
        _dbt("warn", "RunResultWarning",
             "Warning in test not_null_orders_customer_id (models/schema.yml)\n"
             "  Got 3 results, configured to warn if != 0"),
        _dbt("info", "StatsLine", "Done. PASS=1 WARN=1 ERROR=0 SKIP=0 NO-OP=0 TOTAL=2"),
    ]  # fmt: skip
    assert _events(lines) == []


def test_json_records_whose_message_starts_with_a_blank_line() -> None:
    """An ERROR record whose message opens with a newline is still an alert; an INFO
    record holding a logged (handled) traceback after a blank first line is none."""
    tb = "Traceback (most recent call last):\n  File \"/a.py\", line 1, in f\nKeyError: 'x'"
    lines = [
        json.dumps({"timestamp": "t1", "level": "INFO", "logger": "etl", "message": "start"}),
        json.dumps({"timestamp": "t2", "level": "INFO", "logger": "etl", "message": "\n" + tb}),
        json.dumps({"timestamp": "t3", "level": "ERROR", "logger": "etl",
                    "message": "\nload failed: connection refused to db:5432"}),
    ]  # fmt: skip
    assert _spans(_events(lines)) == [(3, 3)]


def test_hook_info_lines_that_mention_errors_raise_nothing() -> None:
    msgs = [
        "Running command: ['/usr/bin/bash', '-c', 'grep -c ERROR /var/log/etl/load.log']",
        "Output:",
        "0",
        "17:18:04  Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1",
        "loaded 120 rows, 0 errors, 3 warnings",
        "2031-08-08 17:18:05,100 INFO  error_handler: registered ErrorReporter",
        "Command exited with return code 0",
    ]
    assert _events([_hook(i, m) for i, m in enumerate(msgs)]) == []


def test_a_storm_of_relayed_errors_is_linear() -> None:
    """4000 relayed child error lines: one (cut) event, in well under a few seconds."""
    lines = [
        _hook(i % 60, f'ERROR: row {i} rejected: invalid input syntax for type integer: "x{i}"')
        for i in range(4000)
    ]
    start = time.perf_counter()
    events = _events(lines)
    assert time.perf_counter() - start < 5.0
    assert len(events) == 1


ANALYSIS = (
    "org.apache.spark.sql.AnalysisException: cannot resolve 'ws_item_sk' given input "
    "columns: [sales_raw.value]; line 3 pos 7;"
)
PLAN = ["'Project ['ws_item_sk, 'ws_quantity]", "+- SubqueryAlias sales_raw",
        "   +- LogicalRDD [value#12], false"]  # fmt: skip


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
          "\tat java.util.Arrays.copyOf(Arrays.java:3236)"], [(1, 4), (5, 6)]),
        (["31/08/08 17:18:04 ERROR SparkContext: Error initializing SparkContext.",
          "java.io.FileNotFoundException: File file:/opt/jobs/x.jar does not exist"],
         [(1, 4), (5, 6)]),
        (["Traceback (most recent call last):", '  File "/opt/jobs/a.py", line 3, in <module>',
          "KeyError: 'x'"], [(1, 4), (5, 7)]),
        (["\tat org.apache.spark.sql.Dataset.select(Dataset.scala:1519)"], [(1, 5)]),
    ],
    ids=["oom", "log4j", "python", "frames"],
)  # fmt: skip
def test_a_plan_then_a_new_failure_stays_two_events(
    after: list[str], expected: list[tuple[int, int]]
) -> None:
    assert _spans(_events([ANALYSIS, *PLAN, *after])) == expected


def test_explain_output_after_a_pyspark_exception_is_not_glued() -> None:
    lines = [
        "Traceback (most recent call last):",
        '  File "/opt/jobs/sales.py", line 40, in <module>',
        "    spark.table('sales_2031').show()",
        "pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The "
        "table or view `sales_2031` cannot be found.",
        "== Physical Plan ==",
        "*(1) Project [id#0L, region#1]",
        "+- *(1) Filter isnotnull(region#1)",
    ]
    assert _spans(_events(lines)) == [(1, 4)]


@pytest.mark.parametrize(
    "line",
    [
        "Project [" + "a#" * 50000,
        ":" + " :" * 50000 + "x - ",
        "|" + "  |" * 30000 + " - x",
        "'" + "A" * 100000,
    ],
    ids=["bracket", "colons", "pipes", "quote"],
)
def test_plan_shapes_on_long_lines_are_fast(line: str) -> None:
    from logsumd.parse import parse_line

    start = time.perf_counter()
    parse_line(line.encode())
    assert time.perf_counter() - start < 0.5


def test_freshness_entries() -> None:
    """ERROR STALE is named; a runtime ERROR of the freshness query (a missing loaded_at
    column) is not called stale; PASS and WARN lines raise nothing of the entry."""
    stale = _best_of_text(
        "17:18:43  1 of 3 ERROR STALE freshness of raw.orders ........ [ERROR STALE in 0.03s]\n"
    )
    assert stale is not None
    assert "raw.orders" in stale.cause
    runtime = _best_of_text(
        "17:18:43  1 of 3 ERROR freshness of raw.orders ............ [ERROR in 0.03s]\n"
    )
    assert runtime is None or "stale" not in runtime.cause
    lines = [
        "17:18:43  1 of 2 PASS freshness of raw.customers ........ [PASS in 0.02s]",
        "17:18:44  2 of 2 WARN freshness of raw.payments ......... [WARN in 0.02s]",
    ]
    assert _events(lines) == []


def test_kafka_topic_name_does_not_exist() -> None:
    best = _best_of_text(
        "04:05:06,162 ERROR CdcProducer - Topic 'orders_cdc' name does not exist."
        " Exception: Failed to update metadata after 60000 ms.\n"
    )
    assert best is not None
    assert best.id == "kafka_topic_missing"
    assert "orders_cdc" in best.cause + best.next_step
