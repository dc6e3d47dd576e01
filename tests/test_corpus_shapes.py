"""Event shapes that real ETL logs print and the assembler must group (lines written here)."""

from __future__ import annotations

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.records import Chunk, Event
from logsumd.understand import classify

SUBMIT = "{spark_submit.py:536}"


def _events(lines: list[str]) -> list[Event]:
    data = "\n".join(lines).encode()
    raw = data.split(b"\n")
    offsets, pos = [], 0
    for line in raw:
        offsets.append(pos)
        pos += len(line) + 1
    asm = Assembler(MultilineSettings())
    chunk = Chunk("/logs/t.log", "f1", raw, offsets, 1, len(data), 0.0)
    return [*asm.feed(chunk), *asm.flush_all()]


def _spans(events: list[Event]) -> list[tuple[int, int]]:
    return [(e.line_start, e.line_end) for e in events]


def af(sec: int, src: str, level: str, msg: str) -> str:
    """One Airflow task log record."""
    return f"[2025-06-02T03:10:{sec:02d}.118+0000] {src} {level} - {msg}"


def test_relayed_jvm_trace_without_indent_or_error_word_is_one_event() -> None:
    """Airflow relays spark-submit's trace: only "Exception" in its header, frames unindented."""
    lines = [
        af(1, SUBMIT, "INFO", "Using properties file: null"),
        af(
            2,
            SUBMIT,
            "INFO",
            'Exception in thread "main" org.apache.spark.SparkException: Master must either be'
            " yarn or start with spark, k8s, or local",
        ),
        af(2, SUBMIT, "INFO", "at org.apache.spark.deploy.SparkSubmit.error(SparkSubmit.scala:47)"),
        af(2, SUBMIT, "INFO", "at org.apache.spark.deploy.SparkSubmit.main(SparkSubmit.scala)"),
        af(3, "{spark_submit.py:540}", "INFO", "Spark-submit exit code: 1"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 4)]
    cls = classify(events[0])
    assert cls.exception_type == "org.apache.spark.SparkException"
    assert cls.message.startswith("Master must either be yarn")


def test_bare_jvm_exception_line_is_an_event() -> None:
    """A JVM exception line alone (a REPL or a pasted log) starts an event with its frames."""
    lines = [
        "scala> val df = spark.read.parquet(path)",
        "org.apache.hadoop.mapred.InvalidInputException: Input path does not exist: file:/in/x",
        "  at org.apache.hadoop.mapred.FileInputFormat.listStatus(FileInputFormat.java:287)",
        "  at org.apache.spark.rdd.HadoopRDD.getPartitions(HadoopRDD.scala:200)",
        "  ... 49 elided",
        "",
        "scala> :quit",
    ]
    assert _spans(_events(lines)) == [(2, 5)]


RELAY = "{subprocess.py:93}"
CHILD_FAILURE = [
    af(1, "{subprocess.py:86}", "INFO", "Output:"),
    af(2, RELAY, "INFO", "Traceback (most recent call last):"),
    af(2, RELAY, "INFO", '  File "/opt/airflow/dags/jobs/export.py", line 12, in <module>'),
    af(2, RELAY, "INFO", "    import pyarrow"),
    af(2, RELAY, "INFO", "ModuleNotFoundError: No module named 'pyarrow'"),
    af(2, "{subprocess.py:97}", "INFO", "Command exited with return code 1"),
    af(3, "{taskinstance.py:2905}", "ERROR", "Task failed with exception"),
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 243, in'
    " execute",
    "    raise AirflowException(",
    "airflow.exceptions.AirflowException: Bash command failed. The command returned a"
    " non-zero exit code 1.",
    af(3, "{taskinstance.py:1206}", "INFO", "Marking task as UP_FOR_RETRY. dag_id=export"),
]


def test_task_failure_report_joins_the_child_error_it_reports() -> None:
    """Airflow's "Task failed with exception" joins the child's traceback just before it."""
    events = _events(CHILD_FAILURE)
    assert _spans(events) == [(2, 11)]
    cls = classify(events[0])
    assert cls.exception_type == "ModuleNotFoundError"
    assert cls.outer_exception_type == "airflow.exceptions.AirflowException"


def test_relayed_event_waits_for_the_report_then_the_timeout() -> None:
    """A relayed error is held a few lines (the checkpoint stays before it), then emitted."""
    lines = CHILD_FAILURE[:6]
    data = "\n".join(lines).encode() + b"\n"
    raw = data.split(b"\n")[:-1]
    offsets, pos = [], 0
    for line in raw:
        offsets.append(pos)
        pos += len(line) + 1
    asm = Assembler(MultilineSettings())
    assert asm.feed(Chunk("/logs/t.log", "f1", raw, offsets, 1, len(data), 5.0)) == []
    assert asm.pending_position("f1") == (offsets[1], 2)
    deadline = asm.next_deadline()
    assert deadline is not None
    assert asm.flush_expired(deadline - 0.01) == []
    assert _spans(asm.flush_expired(deadline)) == [(2, 5)]


def test_relayed_event_is_emitted_when_no_report_follows() -> None:
    """Without a failure report within a few lines, the held event goes out alone."""
    quiet = [af(4, RELAY, "INFO", f"rows written: {n}") for n in range(8)]
    events = _events([*CHILD_FAILURE[:6], *quiet, af(9, "{taskinstance.py:2905}", "ERROR", "x")])
    assert _spans(events)[0] == (2, 5)


def test_child_output_after_its_error_waits_with_it_for_the_report() -> None:
    """The child's further output (a native stack) and the runner's report join its error."""
    lines = [
        *CHILD_FAILURE[:5],
        af(2, RELAY, "INFO", "Code: 60. DB::Exception: Table default.events doesn't exist."),
        *(af(2, RELAY, "INFO", f"{n}. DB::TCPHandler::runImpl() @ 0x{n:04x}") for n in range(12)),
        *CHILD_FAILURE[5:],
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 24)]
    assert classify(events[0]).exception_type == "ModuleNotFoundError"


def test_second_error_of_the_same_child_joins_the_first() -> None:
    """Two tracebacks the same child printed before the runner's report are one event."""
    second = [
        af(2, RELAY, "INFO", "Traceback (most recent call last):"),
        af(2, RELAY, "INFO", '  File "/opt/airflow/dags/jobs/export.py", line 40, in main'),
        af(2, RELAY, "INFO", "KeyError: 'bucket'"),
    ]
    lines = [*CHILD_FAILURE[:5], af(2, RELAY, "INFO", "retrying without pyarrow"), *second]
    events = _events([*lines, *CHILD_FAILURE[5:]])
    assert _spans(events) == [(2, 15)]


def test_dag_processor_import_errors_stay_apart() -> None:
    """Each import error the DAG processor logs through logging_mixin is its own event."""
    mixin = "{logging_mixin.py:151}"
    one = [
        af(1, "{processor.py:829}", "INFO", "Processing file /opt/airflow/dags/a.py"),
        af(
            1,
            mixin,
            "INFO",
            "[2025-06-02T03:10:01.2+0000] {dagbag.py:347} ERROR - Failed to"
            " import: /opt/airflow/dags/a.py",
        ),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/a.py", line 1, in <module>',
        "ModuleNotFoundError: No module named 'kafka'",
        af(1, "{processor.py:841}", "WARNING", "No viable dags retrieved from a.py"),
    ]
    assert _spans(_events(one * 3)) == [(2, 5), (8, 11), (14, 17)]


def test_errors_of_the_same_second_are_one_event() -> None:
    """Error records logged in the same second are one event; the next second starts another."""
    lines = [
        "2025-08-14 09:31:02,118 - INFO - Loaded data/raw/orders.json",
        '2025-08-14 09:31:02,140 - ERROR - Error inserting into orders: (1146, "Table'
        " 'shop.orders' doesn't exist\")",
        "2025-08-14 09:31:02,141 - CRITICAL - Load step failed: (1146, \"Table 'shop.orders'"
        " doesn't exist\")",
        '2025-08-14 09:31:03,002 - ERROR - Error inserting into returns: (1048, "Column'
        " 'order_id' cannot be null\")",
        "2025-08-14 09:31:03,010 - INFO - Loaded data/raw/returns.json",
    ]
    assert _spans(_events(lines)) == [(2, 3), (4, 4)]


def test_pasted_dbt_error_block_keeps_its_database_message() -> None:
    """A dbt title in plain text keeps the message lines under it, to the compiled-code line."""
    lines = [
        "Running the nightly build gives:",
        "```",
        "Database Error in model stg_orders (models/staging/stg_orders.sql)",
        "",
        'column "userid" does not exist',
        "LINE 16:     userid,",
        "             ^",
        "",
        "compiled Code at target/run/shop/models/staging/stg_orders.sql",
        "```",
        "Any idea what changed?",
    ]
    events = _events(lines)
    assert _spans(events) == [(3, 9)]
    cls = classify(events[0])
    assert cls.exception_type == "dbt Database Error"
    assert cls.message.startswith('column "userid" does not exist')


def test_plain_dbt_block_ends_at_the_blank_line_after_it() -> None:
    """After a blank line only dbt's compiled-code line joins the block, not the summary."""
    lines = [
        "Runtime Error in model daily (models/daily.sql)",
        "  division by zero",
        "",
        "Done. PASS=3 WARN=0 ERROR=1 SKIP=0 TOTAL=4",
    ]
    assert _spans(_events(lines)) == [(1, 2)]


def test_root_cause_named_inside_messages_and_nested_blocks() -> None:
    """A cause printed as a JVM message, a SQLAlchemy "(type)", a nested dbt title is the root."""
    java = [
        "java.lang.RuntimeException: java.lang.ClassNotFoundException: Class"
        " org.apache.hadoop.fs.s3a.S3AFileSystem not found",
        "  at org.apache.hadoop.conf.Configuration.getClass(Configuration.java:2597)",
    ]
    assert classify(_events(java)[0]).exception_type == "java.lang.ClassNotFoundException"
    record = [
        "2025-05-22 17:19:45,173 - ERROR - Error loading dim_date:"
        " (mysql.connector.errors.DatabaseError) 2005 (HY000): Unknown MySQL server host 'db'",
    ]
    cls = classify(_events(record)[0])
    assert cls.exception_type == "mysql.connector.errors.DatabaseError"
    dbt = [
        "\x1b[0m07:25:27.983884 [error] [MainThread]: Encountered an error:",
        "Runtime Error",
        '  Database error while listing schemas in database "ANALYTICS"',
        "  Database Error",
        "    250001: Could not connect to Snowflake backend after 1 attempt(s).",
    ]
    assert classify(_events(dbt)[0]).exception_type == "dbt Database Error"


def test_indented_pasted_traceback_keeps_its_exception() -> None:
    """A traceback pasted with an indent (CI output) still ends at its exception line."""
    lines = [
        "  root: ERROR: 503:Service Unavailable",
        "  Traceback (most recent call last):",
        '  File "/opt/etl/hooks/http.py", line 95, in run_and_check',
        "    raise AirflowException(str(response.status_code))",
        "  AirflowException: 503:Service Unavailable",
    ]
    assert classify(_events(lines)[0]).exception_type == "AirflowException"


def test_prefixes_of_librdkafka_and_docker_compose_are_records() -> None:
    """librdkafka's "%3|...|FAIL|" is an error record; a compose service prefix is stripped."""
    kafka = [
        af(1, RELAY, "INFO", "Consumer started"),
        af(
            2,
            RELAY,
            "INFO",
            "%3|1711949329.148|FAIL|rdkafka#consumer-1| [thrd:main]:"
            " broker:9092: Connect to ipv4#10.0.0.7:9092 failed: Connection refused",
        ),
        af(9, RELAY, "INFO", "Consumer stopped"),
    ]
    assert _spans(_events(kafka)) == [(2, 2)]
    compose = [
        "scheduler_1  | [2025-06-02 03:10:01,000] {scheduler_job.py:700} INFO - Starting",
        "scheduler_1  | ValueError: Unable to configure handler 'processor'",
        "webserver_1  | 172.18.0.1 - - GET /health 200",
    ]
    assert _spans(_events(compose)) == [(2, 2)]


def test_a_cut_in_a_pasted_traceback_does_not_end_it() -> None:
    """A reporter's "..." inside a traceback stands for frames; the exception line follows."""
    lines = [
        "Pushing deployment bundle to S3...",
        "Traceback (most recent call last):",
        "...",
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the"
        " PutObject operation: Access Denied",
        "Cleaning up deployment bundle...",
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 4)]
    assert classify(events[0]).exception_type == "botocore.exceptions.ClientError"


def test_failure_announced_by_a_record_with_indented_details() -> None:
    """A record announcing failures, with the details in indented records under it, is one."""
    lines = [
        "[17:00:40] Scan summary:",
        "[17:00:42] 2/9 checks FAILED:",
        "[17:00:42]     stg_orders in warehouse_staging",
        "[17:00:42]       missing_count(customer_id) = 0 [FAILED]",
        "[17:00:42]         value: 12",
        "[17:00:43] Oops! 2 failures. 0 warnings. 7 pass.",
    ]
    assert _spans(_events(lines))[0] == (2, 5)


def test_held_error_is_never_lost_to_an_announcement_that_follows() -> None:
    """A relayed error whose next relayed line announces more details is still emitted."""
    lines = [
        *CHILD_FAILURE[:5],
        af(2, RELAY, "INFO", "DB::Exception: Table default.events doesn't exist. Stack trace:"),
        af(2, RELAY, "INFO", "0. DB::Exception::Exception() @ 0xa82d07a in /usr/bin/clickhouse"),
        af(5, "{standard_task_runner.py:104}", "INFO", "Job 12: Subtask export"),
    ]
    assert [(s, e) for s, e in _spans(_events(lines)) if s <= 2 <= e] == [(2, 5)]


DBT_PYTHON_MODEL = [
    "\x1b[31mFailure in model raw_orders (models/raw/raw_orders.py)\x1b[0m",
    "  Runtime Error in model raw_orders (models/raw/raw_orders.py)",
    "  Python model failed:",
    "  Traceback (most recent call last):",
    '    File "/opt/dbt/.venv/lib/python3.13/site-packages/dbt/adapters/duckdb/environments'
    '/__init__.py", line 281, in run_python_job',
    "      df = module.model(dbt, con)",
    '    File "/tmp/tmplieprbuv.py", line 10, in model',
    "      df = pl.read_csv(url)",
    '    File "/opt/dbt/.venv/lib/python3.13/site-packages/polars/io/_utils.py", line 304, in'
    " process_file_url",
    "      with urlopen(path) as f:",
    "           ~~~~~~~^^^^^^",
    '    File "/usr/lib/python3.13/urllib/request.py", line 613, in http_error_default',
    "      raise HTTPError(req.full_url, code, msg, hdrs, fp)",
    "  urllib.error.HTTPError: HTTP Error 404: Not Found",
    "",
    "Done. PASS=3 WARN=0 ERROR=1 SKIP=0 TOTAL=4",
]


def test_dbt_python_model_traceback_is_one_event_whose_root_is_python() -> None:
    """dbt prints a Python model's traceback inside its error block: Python 3.11+'s
    ``~~~^^^`` markers are no markdown fence, and the traceback's exception is the root
    cause of dbt's Runtime Error."""
    events = _events(DBT_PYTHON_MODEL)
    [event] = [e for e in events if "Runtime Error" in e.text]
    assert (event.line_start, event.line_end) == (2, 14)
    cls = classify(event)
    assert cls.exception_type == "urllib.error.HTTPError"
    assert cls.message == "HTTP Error 404: Not Found"


def test_azure_storage_error_keeps_its_request_lines() -> None:
    """azure-core's ``HttpResponseError`` prints its request id, time, error code and
    XML body on lines of their own under the exception line, in plain stderr too."""
    lines = [
        "Uploading export.parquet",
        "Traceback (most recent call last):",
        '  File "/srv/etl/upload.py", line 41, in <module>',
        "    client.upload_blob(data)",
        "azure.core.exceptions.HttpResponseError: This request is not authorized to perform"
        " this operation using this permission.",
        "RequestId:0b9e0c51-c01e-0071-7a3b-1f2e3d000000",
        "Time:2026-12-07T09:14:07.1234567Z",
        "ErrorCode:AuthorizationPermissionMismatch",
        'Content: <?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermission'
        "Mismatch</Code><Message>This request is not authorized.",
        "RequestId:0b9e0c51-c01e-0071-7a3b-1f2e3d000000",
        "Time:2026-12-07T09:14:07.1234567Z</Message></Error>",
        "Upload finished",
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 11)]
    assert classify(events[0]).exception_type == "azure.core.exceptions.HttpResponseError"
