"""Classification: root cause, category, application frames and cause lines."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logsumd.config import CATEGORIES
from logsumd.parse import is_app_frame
from logsumd.records import Event, Frame
from logsumd.understand._classify import classify, with_cause_lines
from tests.events import make_event

AF = "[2024-06-03T02:14:07.311+0000]"


def py_tb(exc_line: str, frame: str = "/opt/etl/jobs/daily.py", func: str = "run") -> str:
    """An Airflow-style task failure with one application frame and a library frame."""
    return (
        f"{AF} {{taskinstance.py:2905}} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/'
        'taskinstance.py", line 465, in _execute_task\n'
        "    result = _execute_callable(context=context)\n"
        f'  File "{frame}", line 42, in {func}\n'
        "    do_work()\n"
        '  File "/home/airflow/.local/lib/python3.11/site-packages/somelib/core.py", line 7, '
        "in do_work\n"
        "    raise err\n"
        f"{exc_line}\n"
    )


CATEGORY_SAMPLES: dict[str, list[str]] = {
    "file_io": [
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/in/sales_2024-06-02.csv'",
        "IsADirectoryError: [Errno 21] Is a directory: '/data/out'",
    ],
    "permission": [
        "PermissionError: [Errno 13] Permission denied: '/mnt/share/report.xlsx'",
        "psycopg2.errors.InsufficientPrivilege: permission denied for table orders",
    ],
    "connection": [
        'psycopg2.OperationalError: connection to server at "pg.prod" (10.0.3.4), port 5432 '
        "failed: Connection refused",
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.vendor.io', port=443):"
        " Max retries exceeded with url: /v2/items (Caused by NewConnectionError)",
    ],
    "timeout": [
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.vendor.io', port=443): "
        "Read timed out. (read timeout=60)",
        "airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 4242",
    ],
    "data_format": [
        "ValueError: invalid literal for int() with base 10: 'N/A'",
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start "
        "byte",
        "pandas.errors.ParserError: Error tokenizing data. C error: Expected 7 fields in line "
        "1204, saw 9",
    ],
    "schema": [
        'psycopg2.errors.UndefinedColumn: column "discount_pct" of relation "orders" does not '
        "exist",
        "pyspark.errors.exceptions.captured.AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION]"
        " A column or function parameter with name `cust_id` cannot be resolved.",
    ],
    "resource": [
        "MemoryError: Unable to allocate 12.3 GiB for an array with shape (1650000000,)",
        "OSError: [Errno 28] No space left on device: '/tmp/spill_0001.parquet'",
    ],
    "auth": [
        'psycopg2.OperationalError: connection to server at "pg.prod" (10.0.3.4), port 5432 '
        'failed: FATAL:  password authentication failed for user "etl_loader"',
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: "
        "https://api.vendor.io/v2/orders",
    ],
    "dependency": [
        "ModuleNotFoundError: No module named 'pyarrow'",
        "ImportError: cannot import name 'soft_unicode' from 'markupsafe'",
    ],
    "http_api": [
        "requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: "
        "https://api.vendor.io/v2/orders?page=3",
        "httpx.HTTPStatusError: Client error '429 Too Many Requests' for url "
        "'https://api.vendor.io/v1/events'",
    ],
    "cloud_storage": [
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
        "PutObject operation: Access Denied",
        "botocore.errorfactory.NoSuchKey: An error occurred (NoSuchKey) when calling the "
        "GetObject operation: The specified key does not exist.",
        "google.api_core.exceptions.NotFound: 404 GET https://storage.googleapis.com/storage/v1/b/"
        "acme-raw/o/events.json: No such object: acme-raw/events.json",
    ],
    "key_missing": [
        "KeyError: 'SNOWFLAKE_ACCOUNT'",
        "airflow.exceptions.AirflowNotFoundException: The conn_id `warehouse_pg` isn't defined",
        "KeyError: 'Variable s3_export_bucket does not exist'",
        "KeyError: \"['order_total'] not in index\"",
    ],
    "other": [
        "AssertionError: expected 24 hourly partitions, found 23",
        "RuntimeError: scheduler loop stopped",
    ],
}


def test_samples_cover_every_category() -> None:
    """The samples below exercise all thirteen categories."""
    assert set(CATEGORY_SAMPLES) == set(CATEGORIES)


@pytest.mark.parametrize(
    ("category", "exc_line"),
    [(cat, line) for cat, lines in CATEGORY_SAMPLES.items() for line in lines],
)
def test_category_of_python_failure(category: str, exc_line: str) -> None:
    """Each realistic failure gets its category, type and message from the exception line."""
    cls = classify(make_event(py_tb(exc_line)))
    assert cls.category == category
    exc_type, _, message = exc_line.partition(": ")
    assert cls.exception_type == exc_type
    assert cls.message == " ".join(message.split())


def test_root_cause_of_python_chain_and_outer_type() -> None:
    """A chained Python failure reports the first printed exception as root, the last as outer."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/ingest/pull.py", line 30, in pull\n'
        "    sock.connect(addr)\n"
        "ConnectionRefusedError: [Errno 111] Connection refused\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/ingest/main.py", line 12, in main\n'
        "    pull()\n"
        '  File "/srv/ingest/pull.py", line 33, in pull\n'
        '    raise IngestError("source unavailable")\n'
        "ingest.errors.IngestError: source unavailable\n"
    )
    cls = classify(make_event(text))
    assert cls.exception_type == "ConnectionRefusedError"
    assert cls.outer_exception_type == "ingest.errors.IngestError"
    assert cls.message == "[Errno 111] Connection refused"
    assert cls.category == "connection"
    assert [c.type for c in cls.chain] == ["ConnectionRefusedError", "ingest.errors.IngestError"]
    assert cls.app_frame == Frame("/srv/ingest/pull.py", 30, "pull", "pull")


def test_root_cause_of_java_chain() -> None:
    """A Spark failure takes the last ``Caused by:`` as root and its category."""
    text = (
        "24/06/03 02:14:07 ERROR FileFormatWriter: Aborting job 5d0c1b2e.\n"
        "org.apache.spark.SparkException: Job aborted due to stage failure: Task 1 in stage 3.0 "
        "failed 4 times\n"
        "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2790)\n"
        "\tat com.acme.etl.WriteDaily.save(WriteDaily.scala:88)\n"
        "Caused by: org.apache.hadoop.security.AccessControlException: Permission denied: "
        'user=etl, access=WRITE, inode="/warehouse/daily":hdfs:supergroup:drwxr-xr-x\n'
        "\tat org.apache.hadoop.hdfs.DFSClient.create(DFSClient.java:1210)\n"
        "\t... 20 more\n"
    )
    cls = classify(make_event(text))
    assert cls.exception_type == "org.apache.hadoop.security.AccessControlException"
    assert cls.outer_exception_type == "org.apache.spark.SparkException"
    assert cls.category == "permission"
    assert cls.app_frame == Frame("WriteDaily.scala", 88, "save", "com.acme.etl.WriteDaily")


def test_subprocess_cause_before_airflow_bash_failure() -> None:
    """A wrapper's category and message come from the subprocess error printed just before."""
    context = (
        "[2024-06-03, 02:14:05 UTC] {subprocess.py:93} INFO - Loading batch 2024-06-02",
        "[2024-06-03, 02:14:06 UTC] {subprocess.py:93} INFO - snowflake.connector.errors."
        "DatabaseError: 250001 (08001): Failed to connect to DB: acme.snowflakecomputing.com:443. "
        "Incorrect username or password was specified.",
        "[2024-06-03, 02:14:07 UTC] {subprocess.py:97} INFO - Command exited with return code 1",
    )
    text = (
        "[2024-06-03, 02:14:07 UTC] {taskinstance.py:1937} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 210, '
        "in execute\n"
        "    raise AirflowException(\n"
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a "
        "non-zero exit code 1.\n"
    )
    cls = classify(make_event(text, context))
    assert cls.category == "auth"
    assert cls.exception_type == "snowflake.connector.errors.DatabaseError"
    assert cls.outer_exception_type == "airflow.exceptions.AirflowException"
    assert "Incorrect username or password" in cls.message
    assert any("Incorrect username or password" in line for line in cls.cause_lines)
    assert all("{subprocess.py" not in line for line in cls.cause_lines)


def test_spark_submit_java_cause_in_context() -> None:
    """A Java trace printed by spark-submit before Airflow's wrapper names the cause."""
    pre = "[2024-06-03, 02:14:06 UTC] {spark_submit.py:634} INFO - "
    context = (
        f'{pre}Exception in thread "main" org.apache.spark.sql.AnalysisException: '
        "[PATH_NOT_FOUND] Path does not exist: file:/data/landing/2024-06-02.",
        f"{pre}\tat org.apache.spark.sql.errors.QueryCompilationErrors$.dataPathNotExistError"
        "(QueryCompilationErrors.scala:1500)",
    )
    text = py_tb(
        "airflow.exceptions.AirflowException: Cannot execute: spark-submit --master yarn "
        "--name daily job.py. Error code is: 1."
    )
    cls = classify(make_event(text, context))
    assert cls.category == "file_io"
    assert cls.exception_type == "org.apache.spark.sql.AnalysisException"


def test_sigterm_pid_mismatch_is_other_with_cause_lines() -> None:
    """A task killed after a pid mismatch is ``other`` and keeps the pid line as cause."""
    text = (
        "[2024-06-03, 02:14:05 UTC] {local_task_job.py:210} WARNING - Recorded pid 71 does not "
        "match the current pid 72\n"
        "[2024-06-03, 02:14:05 UTC] {taskinstance.py:1500} ERROR - Received SIGTERM. "
        "Terminating subprocesses.\n"
        "[2024-06-03, 02:14:05 UTC] {taskinstance.py:1800} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 190, '
        "in execute\n"
        "    for line in proc.stdout:\n"
        "airflow.exceptions.AirflowException: Task received SIGTERM signal\n"
    )
    cls = classify(make_event(text))
    assert cls.category == "other"
    assert cls.cause_lines[0] == "Recorded pid 71 does not match the current pid 72"
    assert "Received SIGTERM. Terminating subprocesses." in cls.cause_lines
    assert cls.header.startswith("[2024-06-03, 02:14:05 UTC] {local_task_job.py:210} WARNING")


def test_dbt_database_error_is_classified() -> None:
    """A dbt block gets a ``dbt ... Error`` type and the model file as frame."""
    text = (
        "\x1b[0m04:12:09  Database Error in model fct_orders (models/marts/fct_orders.sql)\n"
        '04:12:09    column "order_total" does not exist\n'
    )
    cls = classify(make_event(text))
    assert cls.exception_type == "dbt Database Error"
    assert cls.category == "schema"
    assert cls.app_frame is not None
    assert cls.app_frame.file == "models/marts/fct_orders.sql"
    assert "\x1b" not in cls.header


def test_single_line_error_record() -> None:
    """An ERROR record without a trace is classified from its message."""
    text = "2024-06-03 02:14:07,001 ERROR etl.extract: could not connect to sftp.partner.net:22"
    cls = classify(make_event(text))
    assert cls.category == "connection"
    assert cls.exception_type == "etl.extract"
    assert cls.chain
    assert cls.app_frame is None


def test_ansi_is_stripped_from_message_and_header() -> None:
    """ANSI colour codes never reach the message or the header."""
    text = "\x1b[31mERROR\x1b[0m:root:\x1b[1mboom\x1b[0m happened\n"
    cls = classify(make_event(text))
    assert "\x1b" not in cls.message
    assert cls.header == "ERROR:root:boom happened"


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (Frame("/opt/etl/extract.py", 3, "load", "extract"), True),
        (Frame("/opt/airflow/dags/sales_dag.py", 3, "task", "sales_dag"), True),
        (Frame("/usr/lib/python3.11/socket.py", 3, "connect", "socket"), False),
        (Frame("/venv/lib/python3.11/site-packages/pandas/io/parsers.py", 1, "read", "p"), False),
        (Frame("<frozen importlib._bootstrap>", 1, "_call", None), False),
        (Frame("/opt/airflow/airflow/models/taskinstance.py", 1, "run", "taskinstance"), False),
        (Frame("/opt/airflow/utils/constants.py", 7, "<module>", "constants"), True),
        (Frame("/home/etl/airflow/plugins/hooks/shop.py", 9, "get", "shop"), True),
        (Frame("/home/ci/src/airflow/airflow/hooks/base.py", 1, "get", "base"), False),
        (Frame("pandas/_libs/parsers.pyx", 1925, "raise_parser_error", None), False),
        (Frame("pyarrow/error.pxi", 92, "pyarrow.lib.check_status", None), False),
        (Frame("/opt/spark/python/pyspark/sql/readwriter.py", 1, "save", "readwriter"), False),
        (Frame("C:\\Python311\\Lib\\threading.py", 1, "run", "threading"), False),
        (Frame("Thread.java", 840, "run", "java.lang.Thread"), False),
        (Frame("DAGScheduler.scala", 1, "run", "org.apache.spark.scheduler.DAGScheduler"), False),
        (Frame("Loader.java", 12, "load", "com.acme.etl.Loader"), True),
    ],
)
def test_app_frame_detection(frame: Frame, expected: bool) -> None:
    """Library, stdlib, framework, Cython and JVM frames are not application frames; code
    kept in AIRFLOW_HOME (dags, plugins, utils) is."""
    assert is_app_frame(frame) is expected


def test_app_frames_are_innermost_first() -> None:
    """``app_frame`` is the innermost application frame; others follow outward."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/main.py", line 5, in main\n'
        "    load()\n"
        '  File "/opt/etl/load.py", line 9, in load\n'
        "    parse()\n"
        '  File "/usr/lib/python3.11/json/decoder.py", line 355, in raw_decode\n'
        "    raise JSONDecodeError\n"
        "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n"
    )
    cls = classify(make_event(text))
    assert [f.function for f in cls.app_frames] == ["load", "main"]
    assert cls.category == "data_format"


def test_empty_event_is_other() -> None:
    """An empty event classifies as ``other`` without raising."""
    cls = classify(make_event(""))
    assert cls.category == "other"


PRECEDENCE_CASES = [
    (
        "schema",
        "snowflake.connector.errors.ProgrammingError: 002003 (42S02): SQL compilation error: "
        "Object 'SHOP.CORE.ORDERS' does not exist or not authorized.",
    ),
    (
        "cloud_storage",
        "snowflake.connector.errors.ProgrammingError: 002003 (02000): SQL compilation error: "
        "Stage 'SHOP.CORE.LANDING' does not exist or not authorized.",
    ),
    (
        "permission",
        "snowflake.connector.errors.ProgrammingError: 003001 (42501): SQL access control error: "
        "Insufficient privileges to operate on table 'ORDERS'",
    ),
    (
        "auth",
        'psycopg2.OperationalError: connection to server at "db" (10.1.1.1), port 5432 failed: '
        "fe_sendauth: no password supplied",
    ),
    (
        "timeout",
        'psycopg2.OperationalError: connection to server at "db" (10.1.1.1), port 5432 failed: '
        "timeout expired",
    ),
    (
        "file_io",
        "pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does not "
        "exist: hdfs://nn:8020/warehouse/table_orders/dt=2024-06-02.",
    ),
    (
        "cloud_storage",
        "FileNotFoundError: [Errno 2] No such file or directory: 's3://acme-raw/orders/part-1.json'",
    ),
    (
        "dependency",
        "java.io.FileNotFoundException: HADOOP_HOME and hadoop.home.dir are unset.",
    ),
    (
        "resource",
        "OSError: [Errno 28] No space left on device: '/scratch/spill.bin'",
    ),
    (
        "http_api",
        "botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject "
        "operation (reached max retries: 4): Please reduce your request rate.",
    ),
    (
        "key_missing",
        "KeyError: \"None of [Index(['sku'], dtype='object')] are in the [columns]\"",
    ),
]


@pytest.mark.parametrize(("category", "exc_line"), PRECEDENCE_CASES)
def test_most_specific_signal_wins(category: str, exc_line: str) -> None:
    """Where several rules could apply, the more specific kind of failure is chosen."""
    assert classify(make_event(py_tb(exc_line))).category == category


def test_precise_message_in_chain_beats_vague_root_type() -> None:
    """A bare ``ValueError`` root loses to a precise signal elsewhere in the chain."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/cfg.py", line 4, in port\n'
        "    return int(raw)\n"
        "ValueError: bad port\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/cfg.py", line 8, in connect\n'
        '    raise ConnectionError("could not connect to broker")\n'
        "ConnectionError: could not connect to broker\n"
    )
    cls = classify(make_event(text))
    assert cls.exception_type == "ValueError"
    assert cls.category == "connection"


FUZZ_PIECES = [
    *"aZ09 :.-_/'\"=\t\n()[]{}|^~+@",
    "Traceback (most recent call last):\n",
    '  File "/x.py", line 3, in f\n',
    "Caused by: a.b.CError: m\n",
    "\tat a.B.c(B.java:1)\n",
    "ERROR ",
    "\x1b[31m",
    "During handling of the above exception, another exception occurred:\n",
    "  + Exception Group Traceback (most recent call last):\n",
    "  | ",
    "  +-+--- 1 ---\n",
    "Database Error in model m (models/m.sql)\n",
    ": java.lang.E: x\n",
    "KeyError: 'k'\n",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(FUZZ_PIECES), max_size=120).map("".join),
    st.lists(st.text(max_size=80), max_size=5),
)
def test_classify_and_summary_never_fail(text: str, context: list[str]) -> None:
    """Any text classifies into a known category with a short summary and a fingerprint."""
    from logsumd.summarize.rule_summary import MAX_CHARS, rule_summary
    from logsumd.understand import fingerprint

    event = make_event(text, tuple(context))
    cls = classify(event)
    assert cls.category in CATEGORIES
    assert len(rule_summary(event, cls)) <= MAX_CHARS
    assert len(fingerprint(cls)) == 16
    assert len(cls.cause_lines) <= 5


def test_exception_named_inside_spark_wrapper_message_is_root() -> None:
    """Without ``Caused by:``, the exception named in Spark's "Job aborted" message is used."""
    text = (
        "org.apache.spark.SparkException: Job aborted due to stage failure: Task 2 in stage 1.0 "
        "failed 4 times, most recent failure: Lost task 2.3 (TID 9) (10.0.0.7 executor 2): "
        "java.io.FileNotFoundException: File file:/data/in/orders.csv does not exist\n"
        "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2790)\n"
    )
    cls = classify(make_event(text))
    assert cls.exception_type == "java.io.FileNotFoundException"
    assert cls.message == "File file:/data/in/orders.csv does not exist"
    assert cls.outer_exception_type == "org.apache.spark.SparkException"
    assert cls.category == "file_io"


def test_dbt_block_printed_by_subprocess_explains_called_process_error() -> None:
    """A dbt error in the context explains a ``CalledProcessError`` raised by the DAG."""
    pre = "[2024-06-03, 02:14:06 UTC] {logging_mixin.py:188} INFO - "
    context = (
        f"{pre}02:14:05  Runtime Error",
        f"{pre}02:14:05    Could not find profile named 'shop'",
    )
    text = (
        "[2024-06-03, 02:14:07 UTC] {taskinstance.py:1937} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/dbt_daily.py", line 10, in run\n'
        "    subprocess.run(cmd, check=True)\n"
        "subprocess.CalledProcessError: Command '['dbt', 'run']' returned non-zero exit status 1.\n"
    )
    cls = classify(make_event(text, context))
    assert cls.exception_type == "dbt Runtime Error"
    assert cls.message == "Could not find profile named 'shop'"
    assert cls.category == "key_missing"
    assert cls.app_frame == Frame("/opt/airflow/dags/dbt_daily.py", 10, "run", "dbt_daily")
    assert cls.cause_lines == ("Could not find profile named 'shop'",)


def _example_events() -> list[Event]:
    """Every event of the example logs, with their context lines."""
    from pathlib import Path

    from logsumd.assemble import Assembler
    from logsumd.config import MultilineSettings, SourceSettings
    from logsumd.tail import read_file_chunks

    source = SourceSettings(include=("examples/logs/*.log",))
    out: list[Event] = []
    for path in sorted((Path(__file__).parent.parent / "examples" / "logs").glob("*.log")):
        asm = Assembler(MultilineSettings())
        for chunk in read_file_chunks(str(path), source):
            out.extend(asm.feed(chunk))
        out.extend(asm.flush_all())
    return out


def test_hot_path_classification_equals_the_full_one_but_cause_lines() -> None:
    """``full=False`` skips cause lines only where they cannot matter; completed, it is full."""
    events = _example_events()
    events += [
        make_event(py_tb(line), context=("[x] {subprocess.py:93} INFO - Connection refused",))
        for lines in CATEGORY_SAMPLES.values()
        for line in lines
    ]
    assert len(events) > 40
    skipped = 0
    for event in events:
        full, fast = classify(event), classify(event, full=False)
        if not fast.cause_lines and full.cause_lines:
            skipped += 1
        assert fast == dataclasses.replace(
            full, cause_lines=fast.cause_lines, cause_lines_scored=fast.cause_lines_scored
        )
        assert fast.cause_lines_scored or not fast.cause_lines
        assert with_cause_lines(event, fast) == full
    assert skipped > 0
