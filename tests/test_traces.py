"""Parsing event text into exceptions, frames and prefix-free lines."""

from __future__ import annotations

from logsumd.parse import module_of, parse, parse_record, strip_ansi
from logsumd.records import Frame

PY_CHAINED = """\
Traceback (most recent call last):
  File "/opt/etl/jobs/orders.py", line 88, in fetch_page
    payload = json.loads(body)
              ^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads
    return _default_decoder.decode(s)
           ~~~~~~~~~~~~~~~~~~~~~~~^^^
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/opt/etl/jobs/orders.py", line 120, in run
    rows = fetch_page(cursor)
  File "/opt/etl/jobs/orders.py", line 91, in fetch_page
    raise OrdersFeedError("feed returned garbage") from exc
orders.OrdersFeedError: feed returned garbage
"""

JAVA_TRACE = """\
org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 7.0 failed
\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2672)
\tat com.acme.pipeline.DailyLoad.run(DailyLoad.java:57)
\tSuppressed: java.lang.IllegalStateException: writer already closed
\t\tat org.apache.parquet.hadoop.ParquetWriter.close(ParquetWriter.java:120)
Caused by: java.io.FileNotFoundException: File /landing/2024/05/01/part-0001.csv does not exist
\tat org.apache.hadoop.fs.RawLocalFileSystem.deprecatedGetFileStatus(RawLocalFileSystem.java:779)
\t... 12 more
"""


def test_python_chain_root_is_first_printed_exception() -> None:
    """With "direct cause", the first printed exception is the root and the last is raised."""
    trace = parse(PY_CHAINED)
    assert trace.root is not None
    assert trace.outer is not None
    assert trace.root.type == "json.decoder.JSONDecodeError"
    assert trace.root.message == "Expecting value: line 1 column 1 (char 0)"
    assert trace.outer.type == "orders.OrdersFeedError"


def test_python_frames_are_innermost_first_and_carets_ignored() -> None:
    """Frames are listed innermost first and 3.11 caret lines are not frames or messages."""
    root = parse(PY_CHAINED).root
    assert root is not None
    assert root.frames[0].function == "loads"
    assert root.frames[1] == Frame("/opt/etl/jobs/orders.py", 88, "fetch_page", "orders")


def test_during_handling_chain_keeps_print_order_as_cause_order() -> None:
    """With "During handling", the earlier exception is the root cause as well."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/app/load.py", line 5, in main\n'
        "    cfg = env['WAREHOUSE_DSN']\n"
        "KeyError: 'WAREHOUSE_DSN'\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/app/load.py", line 7, in main\n'
        '    raise SystemExit("no DSN")\n'
        "SystemExit: no DSN\n"
    )
    trace = parse(text)
    assert [trace.exceptions[k].type for k in trace.causal] == ["KeyError", "SystemExit"]


def test_multiline_psycopg2_message_is_joined() -> None:
    """DETAIL/HINT lines after the exception line belong to its message."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/upsert.py", line 31, in upsert\n'
        "    cur.execute(sql)\n"
        'psycopg2.errors.UndefinedColumn: column "customer_ref" does not exist\n'
        "LINE 1: SELECT customer_ref FROM staging.customers\n"
        "               ^\n"
        'HINT:  Perhaps you meant to reference the column "customers.customer_id".\n'
    )
    root = parse(text).root
    assert root is not None
    assert root.type == "psycopg2.errors.UndefinedColumn"
    assert root.message.startswith('column "customer_ref" does not exist LINE 1:')
    assert "HINT:  Perhaps" in root.message


def test_sqlalchemy_sql_block_joins_message() -> None:
    """SQLAlchemy's [SQL: ...] and background lines continue the message."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/load.py", line 12, in load\n'
        "    conn.execute(stmt)\n"
        "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable) relation "
        '"mart.daily_sales" does not exist\n'
        "[SQL: INSERT INTO mart.daily_sales (day, total) VALUES (%(day)s, %(total)s)]\n"
        "(Background on this error at: https://sqlalche.me/e/20/f405)\n"
    )
    root = parse(text).root
    assert root is not None
    assert "[SQL: INSERT INTO mart.daily_sales" in root.message


def test_java_caused_by_is_root_and_suppressed_is_no_cause() -> None:
    """The last ``Caused by:`` is the root cause; ``Suppressed:`` stays out of the chain order."""
    trace = parse(JAVA_TRACE)
    assert trace.root is not None
    assert trace.outer is not None
    assert trace.root.type == "java.io.FileNotFoundException"
    assert trace.outer.type == "org.apache.spark.SparkException"
    suppressed = [e for e in trace.exceptions if e.suppressed]
    assert [e.type for e in suppressed] == ["java.lang.IllegalStateException"]
    assert trace.outer.frames[1] == Frame(
        "DailyLoad.java", 57, "run", "com.acme.pipeline.DailyLoad"
    )


def test_py4j_java_error_attaches_the_java_trace() -> None:
    """Py4J's ``: java...`` continuation is parsed as a Java trace inside the Python error."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/jobs/sessionize.py", line 40, in <module>\n'
        '    df.write.parquet("s3a://lake/sessions/")\n'
        '  File "/opt/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/protocol.py", line 326, in '
        "get_return_value\n"
        "py4j.protocol.Py4JJavaError: An error occurred while calling o91.parquet.\n"
        ": java.lang.OutOfMemoryError: Java heap space\n"
        "\tat java.util.Arrays.copyOf(Arrays.java:3236)\n"
    )
    trace = parse(text)
    assert trace.root is not None
    assert trace.outer is not None
    assert trace.root.type == "java.lang.OutOfMemoryError"
    assert trace.root.message == "Java heap space"
    assert trace.outer.type == "py4j.protocol.Py4JJavaError"


def test_exception_group_sub_exceptions_are_causes() -> None:
    """The first sub-exception of an exception group is the root cause."""
    text = (
        "  + Exception Group Traceback (most recent call last):\n"
        '  |   File "/app/sync.py", line 20, in main\n'
        "  |     async with asyncio.TaskGroup() as tg:\n"
        "  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)\n"
        "  +-+---------------- 1 ----------------\n"
        "    | Traceback (most recent call last):\n"
        '    |   File "/app/sync.py", line 9, in pull\n'
        '    |     raise ConnectionRefusedError("broker down")\n'
        "    | ConnectionRefusedError: broker down\n"
        "    +---------------- 2 ----------------\n"
        "    | Traceback (most recent call last):\n"
        '    |   File "/app/sync.py", line 14, in push\n'
        '    |     raise ValueError("bad row")\n'
        "    | ValueError: bad row\n"
        "    +------------------------------------\n"
    )
    trace = parse(text)
    assert trace.root is not None
    assert trace.outer is not None
    assert trace.root.type == "ConnectionRefusedError"
    assert trace.outer.type == "ExceptionGroup"
    assert {e.type for e in trace.exceptions} == {
        "ExceptionGroup",
        "ConnectionRefusedError",
        "ValueError",
    }


def test_airflow_prefixed_subprocess_traceback_is_parsed() -> None:
    """A traceback whose lines all carry an Airflow prefix is parsed after stripping it."""
    pre = "[2024-05-02, 03:10:11 UTC] {subprocess.py:93} INFO - "
    text = (
        f"{pre}Traceback (most recent call last):\n"
        f'{pre}  File "/opt/jobs/export.py", line 17, in <module>\n'
        f"{pre}    open(path)\n"
        f"{pre}PermissionError: [Errno 13] Permission denied: '/exports/out.csv'\n"
        "[2024-05-02, 03:10:11 UTC] {subprocess.py:97} INFO - Command exited with return code 1\n"
    )
    root = parse(text).root
    assert root is not None
    assert root.type == "PermissionError"
    assert root.message == "[Errno 13] Permission denied: '/exports/out.csv'"
    assert root.frames[0].file == "/opt/jobs/export.py"


def test_a_databases_typed_error_in_a_dbt_block_is_its_cause() -> None:
    """DuckDB's ``Binder Error: ...`` or Trino's ``TrinoUserError(... message="...")`` as a
    dbt block's message is the root cause; dbt's own titles (``Database Error:``) are not."""
    duck = (
        "19:40:39  Runtime Error in model kiwi_gold (models/gold/kiwi_gold.sql)\n"
        '19:40:39    Binder Error: Referenced column "kiwi_id" not found in FROM clause!\n'
    )
    root = parse(duck).root
    assert root is not None
    assert (root.type, root.message) == (
        "Binder Error",
        'Referenced column "kiwi_id" not found in FROM clause!',
    )
    trino = (
        "19:40:39  Database Error in model dim_kiwi (models/dim_kiwi.sql)\n"
        '19:40:39    TrinoUserError(type=USER_ERROR, name=SCHEMA_NOT_FOUND, message="line 3:6:'
        " Schema 'raw' does not exist\", query_id=20310101_000000_00001_abcde)\n"
    )
    root = parse(trino).root
    assert root is not None
    assert (root.type, root.message) == ("TrinoUserError", "line 3:6: Schema 'raw' does not exist")
    plain = (
        "19:40:39  Database Error in model dim_kiwi (models/dim_kiwi.sql)\n"
        '19:40:39    relation "raw.kiwi" does not exist\n'
    )
    assert parse(plain).root is not None
    assert parse(plain).root.type == "dbt Database Error"  # type: ignore[union-attr]


def test_dbt_database_error_block() -> None:
    """A dbt ``Database Error in model`` block gives a type, a message and the model file."""
    text = (
        "\x1b[0m04:12:09  \x1b[31mDatabase Error in model stg_payments "
        "(models/staging/stg_payments.sql)\x1b[0m\n"
        '04:12:09    relation "raw.payments" does not exist\n'
        "04:12:09    LINE 12: from raw.payments\n"
        "04:12:09    compiled Code at target/run/shop/models/staging/stg_payments.sql\n"
    )
    root = parse(text).root
    assert root is not None
    assert root.type == "dbt Database Error"
    assert root.message == 'relation "raw.payments" does not exist LINE 12: from raw.payments'
    assert root.frames[0].file == "models/staging/stg_payments.sql"


def test_single_error_record_without_trace() -> None:
    """An ERROR record with no trace is one pseudo-exception named after its logger."""
    text = "2024-05-02 03:10:11,532 ERROR [loader.batch] Batch 918 rejected: 12 rows over quota"
    root = parse(text).root
    assert root is not None
    assert root.lang == "log"
    assert "Batch 918 rejected" in root.message


def test_single_record_with_embedded_exception_name() -> None:
    """An exception named inside a one-line record becomes its type."""
    text = "ERROR:etl.sync:sync failed: botocore.exceptions.NoCredentialsError: Unable to locate"
    root = parse(text).root
    assert root is not None
    assert root.type == "botocore.exceptions.NoCredentialsError"


def test_record_prefix_variants() -> None:
    """Airflow, log4j, Spark, Python logging and dbt prefixes are removed."""
    cases = {
        "[2024-03-01T10:00:00.123+0000] {taskinstance.py:2905} ERROR - Task failed": "Task failed",
        "2024-09-11T01:41:30,805 [main] ERROR org.acme.Job [] - Aborting job": "Aborting job",
        "24/05/12 15:25:05 ERROR SparkContext: Error initializing SparkContext.": (
            "Error initializing SparkContext."
        ),
        "2024-01-01 10:00:00,123 - etl.load - ERROR - load failed": "load failed",
        "2024-01-01 10:00:00,123 [INFO] Published 100 events.": "Published 100 events.",
        "WARNING:root:disk nearly full": "disk nearly full",
        "22:59:30.354339 [info ] [MainThread]: dbt was unable to connect": (
            "dbt was unable to connect"
        ),
    }
    for line, msg in cases.items():
        assert parse_record(line).message == msg, line


def test_nested_prefix_and_ansi_are_removed() -> None:
    """An Airflow prefix around a Spark prefix is removed twice; ANSI codes vanish."""
    line = (
        "[2024-03-01, 10:00:00 UTC] {spark_submit.py:634} INFO - 24/03/01 10:00:00 ERROR Exec: boom"
    )
    stripped = parse_record(line)
    assert stripped.message == "boom"
    assert stripped.level == "ERROR"
    assert strip_ansi("\x1b[31mred\x1b[0m\r") == "red"


def test_module_of_handles_windows_and_posix_paths() -> None:
    """The module is the file's stem for both path styles."""
    assert module_of("/opt/etl/extract.py") == "extract"
    assert module_of("C:\\jobs\\etl\\load.py") == "load"


def test_java_trace_whose_head_is_missing_takes_its_caused_by_chain() -> None:
    """Frames first (the head was cut or printed elsewhere), then ``Caused by:``: the
    chain is a Java trace and its last cause the root, not a log record."""
    text = "\n".join(
        [
            "\tat org.apache.spark.SparkContext.runJob(SparkContext.scala:2093)",
            "\t... 37 more",
            "Caused by: org.apache.hadoop.hdfs.BlockMissingException: Could not obtain block: "
            "blk_107 file=/checkpoints/state/0/1.snapshot",
            "\tat org.apache.hadoop.hdfs.DFSInputStream.refetchLocations(DFSInputStream.java:879)",
            "Caused by: java.io.IOException: connection reset by datanode",
            "\tat org.apache.hadoop.hdfs.DFSInputStream.read(DFSInputStream.java:829)",
            "\t... 3 more",
        ]
    )
    trace = parse(text)
    assert trace.root is not None
    assert trace.outer is not None
    assert (trace.root.type, trace.root.lang) == ("java.io.IOException", "java")
    assert trace.outer.type == "org.apache.hadoop.hdfs.BlockMissingException"
