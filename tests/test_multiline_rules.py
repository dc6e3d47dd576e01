"""Built-in and user multiline rules: exact event spans and rules on written samples."""

from __future__ import annotations

import pytest

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings, UserRule
from logsumd.records import Chunk, Event


def make_chunks(
    data: bytes,
    *,
    path: str = "/logs/t.log",
    file_id: str = "f1",
    per_chunk: int = 0,
    read_at: float = 0.0,
) -> list[Chunk]:
    """Split ``data`` into chunks of ``per_chunk`` lines (0: one chunk)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    size = per_chunk or max(len(lines), 1)
    out = []
    for a in range(0, len(lines), size):
        b = min(a + size, len(lines))
        end = offsets[b] if b < len(lines) else len(data)
        out.append(Chunk(path, file_id, lines[a:b], offsets[a:b], a + 1, end, read_at))
    return out


def run(
    text: str | bytes, settings: MultilineSettings | None = None, per_chunk: int = 0
) -> list[Event]:
    """All events of one file fed at once (or in chunks), then flushed."""
    data = text.encode() if isinstance(text, str) else text
    asm = Assembler(settings or MultilineSettings())
    events: list[Event] = []
    for chunk in make_chunks(data, per_chunk=per_chunk):
        events.extend(asm.feed(chunk))
    events.extend(asm.flush_all())
    return events


def spans(events: list[Event]) -> list[tuple[int, int, str]]:
    """(line_start, line_end, rule) of each event."""
    return [(e.line_start, e.line_end, e.rule) for e in events]


AF = "[2025-03-02T08:15:{s:02d}.{ms:03d}+0000]"


def af(sec: int, src: str, level: str, msg: str) -> str:
    """One Airflow task log record."""
    return f"{AF.format(s=sec, ms=sec * 7 % 1000)} {{{src}}} {level} - {msg}"


AIRFLOW_311 = "\n".join(
    [
        af(
            1,
            "taskinstance.py:2648",
            "INFO",
            "Exporting env vars: AIRFLOW_CTX_DAG_ID='sales_daily'",
        ),
        af(1, "taskinstance.py:441", "INFO", "::group::Post task execution logs"),
        af(2, "taskinstance.py:3310", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/site-packages/airflow/models/taskinstance.py",'
        " line 767, in _execute_task",
        "    result = _execute_callable(context=context, **execute_callable_kwargs)",
        "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        '  File "/opt/airflow/dags/sales/load.py", line 44, in load_orders',
        "    total = rows[0] / counts['orders']",
        "            ~~~~~~~~^~~~~~~~~~~~~~~~~~",
        "ZeroDivisionError: division by zero",
        af(3, "taskinstance.py:1225", "INFO", "Marking task as FAILED. dag_id=sales_daily"),
        af(3, "local_task_job_runner.py:243", "INFO", "Task exited with return code 1"),
    ]
)

SP = "spark_submit.py:521"
AIRFLOW_SPARK = "\n".join(
    [
        af(10, SP, "INFO", "24/11/04 13:03:40 INFO SparkContext: Running Spark version 3.5.1"),
        af(
            11, SP, "INFO", "24/11/04 13:03:41 ERROR SparkContext: Error initializing SparkContext."
        ),
        af(
            11,
            SP,
            "INFO",
            "java.io.FileNotFoundException: File file:/data/in/orders.csv does not exist",
        ),
        af(
            11,
            SP,
            "INFO",
            "\tat org.apache.hadoop.fs.RawLocalFileSystem.getStatus(RawLocalFileSystem.java:779)",
        ),
        af(11, SP, "INFO", "\tat org.apache.spark.SparkContext.addFile(SparkContext.scala:1693)"),
        af(11, SP, "INFO", "Caused by: java.io.IOException: permission denied on /data/in"),
        af(11, SP, "INFO", "\tat org.apache.hadoop.fs.FileUtil.checkDir(FileUtil.java:88)"),
        af(11, SP, "INFO", "\t... 12 more"),
        af(
            12,
            SP,
            "INFO",
            "24/11/04 13:03:41 INFO SparkUI: Stopped Spark web UI at http://driver:4040",
        ),
        af(12, "taskinstance.py:3310", "ERROR", "Task failed with exception"),
    ]
)

DBT = "\n".join(
    [
        "\x1b[0m07:41:02.118420 [info ] [MainThread]: Running with dbt=1.8.2",
        "\x1b[0m07:41:03.550193 [info ] [MainThread]: 1 of 2 START sql view model stg.customers",
        "\x1b[0m07:41:03.901456 [error] [Thread-1 (]: 1 of 2 ERROR creating view stg.customers",
        "\x1b[0m07:41:04.002217 [info ] [MainThread]: Finished running 2 view models in 1.2s.",
        "\x1b[0m07:41:04.003001 [info ] [MainThread]: dbt could not reach the warehouse.",
        "The database returned the following error:",
        "",
        "  >Database Error",
        '  relation "raw.customers" does not exist',
        "",
        "\x1b[0m07:41:04.010030 [debug] [MainThread]: Command `dbt run` failed at 07:41:04",
        "07:41:05  Database Error in model stg_orders (models/staging/stg_orders.sql)",
        '  column "amount_usd" does not exist',
        "  compiled code at target/run/shop/models/staging/stg_orders.sql",
        "07:41:05  Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2",
    ]
)

LOG4J1 = "\n".join(
    [
        "25/01/20 09:12:00 INFO SparkContext: Running Spark version 3.4.2",
        "25/01/20 09:12:05 ERROR Executor: Exception in task 3.0 in stage 1.0 (TID 7)",
        "java.lang.ArithmeticException: / by zero",
        "\tat com.shop.jobs.Totals$.$anonfun$run$1(Totals.scala:31)",
        "\tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:620)",
        "\tat java.base/java.lang.Thread.run(Thread.java:840)",
        "25/01/20 09:12:05 WARN TaskSetManager: Lost task 3.0 in stage 1.0 (TID 7) (worker-2 "
        "executor 1): java.lang.ArithmeticException: / by zero",
        "\tat com.shop.jobs.Totals$.$anonfun$run$1(Totals.scala:31)",
        "25/01/20 09:12:06 INFO DAGScheduler: Job 1 failed: count at Totals.scala:40, took 0.9 s",
    ]
)

LOG4J2 = "\n".join(
    [
        "2025-01-20T09:12:00,101 [main] INFO  org.apache.spark.SparkContext [] - Running 3.5.1",
        "2025-01-20T09:12:09,455 [Thread-5] ERROR org.apache.spark.sql.execution.datasources."
        "FileFormatWriter [] - Aborting job 5b1d-77.",
        "org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 4.0"
        " failed 4 times",
        "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages("
        "DAGScheduler.scala:2856) ~[spark-core_2.12-3.5.1.jar:3.5.1]",
        "Driver stacktrace:",
        "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2792)"
        " ~[spark-core_2.12-3.5.1.jar:3.5.1]",
        "Caused by: java.io.IOException: Mkdirs failed to create file:/out/_temporary/0",
        "\tat org.apache.hadoop.fs.ChecksumFileSystem.create(ChecksumFileSystem.java:515)"
        " ~[hadoop-client-api-3.3.4.jar:?]",
        "\t... 14 more",
        "2025-01-20T09:12:10,002 [Thread-5] INFO  org.apache.spark.SparkContext [] - Stopped",
    ]
)

CHAINED = "\n".join(
    [
        "2025-02-01 10:00:00,001 - etl.load - INFO - loading batch 7",
        "2025-02-01 10:00:01,250 - etl.load - ERROR - batch 7 failed",
        "Traceback (most recent call last):",
        '  File "/srv/etl/load.py", line 12, in read',
        "    return open(path).read()",
        "FileNotFoundError: [Errno 2] No such file or directory: '/srv/in/7.csv'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "/srv/etl/load.py", line 20, in load',
        "    data = read(path)",
        "RuntimeError: cannot read batch",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        '  File "/srv/etl/main.py", line 5, in <module>',
        "    load(7)",
        "etl.errors.BatchError: batch 7",
        "2025-02-01 10:00:01,260 - etl.load - INFO - exiting",
    ]
)

GROUP = "\n".join(
    [
        "ERROR:etl.fanout:two uploads failed",
        "  + Exception Group Traceback (most recent call last):",
        '  |   File "/srv/etl/fanout.py", line 30, in run',
        "  |     async with asyncio.TaskGroup() as tg:",
        "  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)",
        "  +-+---------------- 1 ----------------",
        "    | Traceback (most recent call last):",
        '    |   File "/srv/etl/fanout.py", line 12, in upload',
        "    |     raise ConnectionError('s3 down')",
        "    | ConnectionError: s3 down",
        "    +---------------- 2 ----------------",
        "    | TimeoutError: gcs slow",
        "    +------------------------------------",
        "INFO:etl.fanout:done",
    ]
)

PSYCOPG = "\n".join(
    [
        "progress: 40 rows",
        "Traceback (most recent call last):",
        '  File "/srv/etl/write.py", line 8, in <module>',
        "    cur.execute(sql)",
        "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint"
        ' "orders_pkey"',
        "DETAIL:  Key (id)=(42) already exists.",
        "HINT:  Use ON CONFLICT to upsert.",
        "progress: done",
    ]
)

SQLALCHEMY = "\n".join(
    [
        "Traceback (most recent call last):",
        '  File "/srv/etl/q.py", line 3, in <module>',
        "    conn.execute(text('SELECT * FROM orderz'))",
        "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable) relation"
        ' "orderz" does not exist',
        "LINE 1: SELECT * FROM orderz",
        "                      ^",
        "",
        "[SQL: SELECT * FROM orderz]",
        "(Background on this error at: https://sqlalche.me/e/20/f405)",
        "next run in 60s",
    ]
)

KEYBOARD = "\n".join(
    [
        "starting loop",
        "Traceback (most recent call last):",
        '  File "/srv/etl/loop.py", line 4, in <module>',
        "    time.sleep(5)",
        "KeyboardInterrupt",
        "bye",
    ]
)

PY4J = "\n".join(
    [
        "2025-03-01 12:00:00,000 INFO writer: saving",
        "Traceback (most recent call last):",
        '  File "/jobs/save.py", line 9, in <module>',
        "    df.write.mode('overwrite').save('/lake/orders')",
        "py4j.protocol.Py4JJavaError: An error occurred while calling o123.save.",
        ": java.lang.IllegalStateException: SparkContext has been shutdown",
        "\tat org.apache.spark.SparkContext.runJob(SparkContext.scala:2380)",
        "\tat java.base/java.lang.Thread.run(Thread.java:840)",
        "",
        "2025-03-01 12:00:01,000 INFO writer: stopping",
    ]
)

SINGLE = "\n".join(
    [
        "2025-01-01 10:00:00,123 [INFO] starting",
        "2025-01-01 10:00:01,123 [ERROR] upload to s3://bucket/key failed: 403",
        "2025-01-01 10:00:02,123 [INFO] retrying",
        "2025-01-01 10:00:03,123 - loader - CRITICAL - giving up",
        "2025-01-01 10:00:04,123 - loader - WARNING - slow disk",
        'time=2025-01-01T10:00:05Z level=error msg="disk full"',
        "ERROR:root:bad config value",
    ]
)

INDENTED = "\n".join(
    [
        "2025-01-01 10:00:00,123 [INFO] starting",
        "2025-01-01 10:00:01,123 [ERROR] validation failed for 2 rows",
        "    row 7: missing customer_id",
        "    row 9: negative amount",
        "2025-01-01 10:00:02,123 [INFO] done",
    ]
)

CASES = [
    ("airflow_py311_caret", AIRFLOW_311, None, [(3, 11, "python")]),
    # Airflow's "Task failed with exception" two lines later joins the trace it reports,
    # which keeps its rule
    ("airflow_wrapped_spark_java", AIRFLOW_SPARK, None, [(2, 10, "java")]),
    ("dbt_database_error", DBT, None, [(3, 3, "generic"), (5, 9, "generic"), (12, 14, "generic")]),
    ("spark_log4j1", LOG4J1, None, [(2, 6, "java"), (7, 8, "java")]),
    ("spark_log4j2", LOG4J2, None, [(2, 9, "java")]),
    ("logging_chained", CHAINED, None, [(2, 20, "python")]),
    ("exception_group", GROUP, None, [(1, 13, "python")]),
    ("psycopg2_detail_hint", PSYCOPG, None, [(2, 7, "python")]),
    ("sqlalchemy_sql_background", SQLALCHEMY, None, [(1, 9, "python")]),
    ("bare_keyboard_interrupt", KEYBOARD, None, [(2, 5, "python")]),
    ("py4j_java_error", PY4J, None, [(1, 8, "python")]),
    (
        "single_line_errors",
        SINGLE,
        None,
        [(2, 2, "generic"), (4, 4, "generic"), (6, 6, "generic"), (7, 7, "generic")],
    ),
    ("generic_indented", INDENTED, None, [(2, 4, "generic")]),
    (
        "warning_threshold",
        SINGLE,
        MultilineSettings(level="WARNING"),
        [
            (2, 2, "generic"),
            (4, 4, "generic"),
            (5, 5, "generic"),
            (6, 6, "generic"),
            (7, 7, "generic"),
        ],
    ),
    ("generic_only", CHAINED, MultilineSettings(rules=("generic",)), [(2, 20, "generic")]),
    ("python_only_no_records", SINGLE, MultilineSettings(rules=("python",)), []),
]


@pytest.mark.parametrize(
    ("text", "settings", "expected"),
    [pytest.param(t, s, e, id=name) for name, t, s, e in CASES],
)
def test_builtin_rule_spans(
    text: str, settings: MultilineSettings | None, expected: list[tuple[int, int, str]]
) -> None:
    """Each sample yields exactly the expected events (span and rule)."""
    assert spans(run(text, settings)) == expected


@pytest.mark.parametrize("per_chunk", [1, 2, 3, 5])
@pytest.mark.parametrize(("name", "text", "settings", "expected"), CASES)
def test_spans_do_not_depend_on_chunking(
    name: str,
    text: str,
    settings: MultilineSettings | None,
    expected: list[tuple[int, int, str]],
    per_chunk: int,
) -> None:
    """Feeding the same lines in small chunks gives the same events."""
    assert spans(run(text, settings, per_chunk=per_chunk)) == expected, name


def test_airflow_event_text_and_context() -> None:
    """The event text is its lines joined by newlines; context holds the lines before."""
    [event] = run(AIRFLOW_311)
    lines = AIRFLOW_311.split("\n")
    assert event.text == "\n".join(lines[2:11])
    assert event.context == tuple(lines[:2])


def test_wrapped_trace_keeps_prefixes_in_text() -> None:
    """A wrapped trace is emitted as written, prefixes included."""
    event = run(AIRFLOW_SPARK)[0]
    assert event.text.split("\n") == AIRFLOW_SPARK.split("\n")[1:10]


USER_LOG = "\n".join(
    [
        "BEGIN job=7",  # 1
        "  step a",  # 2
        "  step b",  # 3
        "noise",  # 4
        "BEGIN job=8 \\",  # 5
        "  more \\",  # 6
        "  last",  # 7
        "noise;",  # 8
        "BEGIN job=9",  # 9
        "body",  # 10
        "END;",  # 11
        "noise",  # 12
    ]
)

USER_CASES = [
    ("continue_through", r"^\s", False, [(1, 3), (5, 7), (9, 9)]),
    ("continue_past", r"\\$", False, [(1, 2), (5, 7), (9, 10)]),
    ("halt_before", r"^noise", False, [(1, 3), (5, 7), (9, 11)]),
    ("halt_with", r";$", False, [(1, 8), (9, 11)]),
    ("continue_through", r"^(BEGIN|noise|body|END)", True, [(1, 3), (5, 7), (9, 9)]),
]


@pytest.mark.parametrize(("mode", "condition", "negate", "expected"), USER_CASES)
def test_user_rule_modes(
    mode: str, condition: str, negate: bool, expected: list[tuple[int, int]]
) -> None:
    """User rules group lines with Vector's modes (negate inverts the condition)."""
    rule = UserRule(
        name="jobs", start_pattern=r"^BEGIN", condition_pattern=condition, mode=mode, negate=negate
    )
    settings = MultilineSettings(rules=("generic",), custom=(rule,))
    events = run(USER_LOG, settings)
    assert [(e.line_start, e.line_end) for e in events] == expected
    assert {e.rule for e in events} == {"jobs"}


def test_user_rule_matches_message_after_record_prefix() -> None:
    """An anchored user start pattern matches the message after a record prefix."""
    text = "\n".join(
        [
            "2025-01-01 10:00:00,123 [INFO] JOBFAIL code=3",
            "  detail one",
            "2025-01-01 10:00:01,123 [INFO] ok",
        ]
    )
    rule = UserRule(name="jobfail", start_pattern=r"^JOBFAIL", condition_pattern=r"^\s")
    assert spans(run(text, MultilineSettings(custom=(rule,)))) == [(1, 2, "jobfail")]


def test_user_rules_are_tried_before_builtin_rules() -> None:
    """A line both a user rule and a built-in rule would start belongs to the user rule."""
    rule = UserRule(name="mine", start_pattern=r"\[ERROR\]", condition_pattern=r"^ ")
    assert spans(run(INDENTED, MultilineSettings(custom=(rule,)))) == [(2, 4, "mine")]


@pytest.mark.parametrize(
    "settings",
    [
        MultilineSettings(custom=(UserRule(name="x", start_pattern="(", condition_pattern="a"),)),
        MultilineSettings(custom=(UserRule(name="x", start_pattern="a", condition_pattern="[z"),)),
        MultilineSettings(
            custom=(UserRule(name="x", start_pattern="a", condition_pattern="b", mode="nope"),)
        ),
        MultilineSettings(rules=("cobol",)),
        MultilineSettings(level="LOUD"),
    ],
)
def test_bad_settings_raise_value_error(settings: MultilineSettings) -> None:
    """A bad user regex, mode, rule set or level is a ValueError at construction."""
    with pytest.raises(ValueError):
        Assembler(settings)
