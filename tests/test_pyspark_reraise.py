"""A JVM failure and the Python traceback that re-raises it are one event (PySpark),
and Airflow 1's runner record joins the spark-submit output it reports (lines written
here in the shapes log4j, PySpark and Airflow 1.10 print)."""

from __future__ import annotations

from logsumd.understand import classify
from tests.test_corpus_shapes import SUBMIT, _events, _spans, af


def log4j(sec: int, level: str, msg: str) -> str:
    """A Spark driver's log4j record."""
    return f"26/03/01 04:10:{sec:02d} {level} {msg}"


JAVA = [
    log4j(5, "ERROR", "MicroBatchExecution: Query [id = 7d1e] terminated with error"),
    "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors."
    "UnknownTopicOrPartitionException: This server does not host this topic-partition.",
    "\tat org.apache.kafka.common.internals.KafkaFutureImpl.wrapAndThrow(KafkaFutureImpl.java:45)",
    "\tat org.apache.spark.sql.kafka010.ConsumerStrategy.retrieveAllPartitions(Consumer.scala:66)",
    "Caused by: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server "
    "does not host this topic-partition.",
]
PYTHON = [
    "Traceback (most recent call last):",
    '  File "/jobs/ingest_orders.py", line 54, in <module>',
    "    query.awaitTermination()",
    '  File "/opt/spark/python/lib/pyspark.zip/pyspark/errors/exceptions/captured.py", line 185,'
    " in deco",
    "pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] Query "
    "[id = 7d1e] terminated with exception: This server does not host this topic-partition.",
]


def test_python_traceback_after_a_java_trace_joins_it() -> None:
    """The driver's Java trace, Spark's records after it and the Python re-raise: one event."""
    lines = [
        log4j(4, "INFO", "Metrics: Metrics reporters closed"),
        *JAVA,
        log4j(5, "INFO", "MicroBatchExecution: Async log purge executor stopped"),
        log4j(5, "INFO", "SparkUI: Stopped Spark web UI at http://driver:4040"),
        *PYTHON,
        log4j(6, "INFO", "SparkContext: Invoking stop() from shutdown hook"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 13)]
    cls = classify(events[0])
    assert cls.exception_type == "org.apache.kafka.common.errors.UnknownTopicOrPartitionException"


def test_a_python_traceback_long_after_a_java_trace_is_another_event() -> None:
    """Past the re-raise window (20 lines) a Python traceback is a failure of its own."""
    filler = [log4j(6, "INFO", f"BlockManager: removed broadcast_{k}") for k in range(25)]
    events = _events([*JAVA, *filler, *PYTHON])
    assert _spans(events) == [(1, 5), (30, 35)]


def test_a_java_trace_alone_is_still_emitted_at_the_end() -> None:
    """A Java trace that no Python re-raise follows comes out on its own."""
    events = _events([*JAVA, log4j(6, "INFO", "SparkContext: Successfully stopped SparkContext")])
    assert _spans(events) == [(1, 5)]


def test_an_error_record_and_its_own_traceback_stay_apart() -> None:
    """An ERROR record after the Java trace whose traceback is another failure (no py4j,
    the Java exception not named again) is an event of its own."""
    lines = [
        *JAVA,
        log4j(6, "ERROR", "report: writing the summary failed"),
        "Traceback (most recent call last):",
        '  File "/jobs/report.py", line 12, in <module>',
        "KeyError: 'amount'",
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 9)]


def test_a_logged_reraise_joins_the_java_trace() -> None:
    """``log.exception("stream failed")``: the ERROR record and the re-raise it introduces
    join the Java trace they restate."""
    lines = [*JAVA, log4j(6, "ERROR", "ingest: stream failed"), *PYTHON]
    assert _spans(_events(lines)) == [(1, 11)]


def test_airflow_1_runner_record_joins_the_relayed_spark_submit_failure() -> None:
    """Airflow 1.10's ``{taskinstance.py:N} ERROR - Cannot execute: spark-submit ...`` and its
    traceback join the spark-submit output it reports."""
    lines = [
        af(1, SUBMIT, "INFO", "26/03/01 04:10:01 INFO SparkUI: Bound SparkUI to 0.0.0.0"),
        af(2, SUBMIT, "INFO", "26/03/01 04:10:02 ERROR SparkContext: Error initializing"),
        af(2, SUBMIT, "INFO", "org.apache.spark.SparkException: Could not parse Master URL: 'x'"),
        af(2, SUBMIT, "INFO", "at org.apache.spark.SparkContext.<init>(SparkContext.scala:505)"),
        af(3, SUBMIT, "INFO", "26/03/01 04:10:03 INFO ShutdownHookManager: Shutdown hook called"),
        af(4, "{taskinstance.py:1145}", "ERROR", "Cannot execute: spark-submit --master x job.py"),
        "Traceback (most recent call last):",
        '  File "/usr/lib/python3.8/site-packages/airflow/models/taskinstance.py", line 983, in'
        " _run_raw_task",
        "    result = task_copy.execute(context=context)",
        "airflow.exceptions.AirflowException: Cannot execute: spark-submit --master x job.py",
        af(4, "{taskinstance.py:1189}", "INFO", "Marking task as FAILED.dag_id=etl, task_id=sub"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 10)]
    assert classify(events[0]).exception_type == "org.apache.spark.SparkException"


def test_airflow_1_runner_record_of_another_task_stays_apart() -> None:
    """Without a relayed child's failure held, a runner ERROR record is an event of its own."""
    lines = [
        af(1, "{taskinstance.py:900}", "INFO", "Executing <Task(PythonOperator): load>"),
        af(4, "{taskinstance.py:1145}", "ERROR", "division by zero"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/load.py", line 9, in run',
        "    1 / 0",
        "ZeroDivisionError: division by zero",
    ]
    assert _spans(_events(lines)) == [(2, 6)]


def test_airflow_1_runner_record_long_after_a_handled_child_error_stays_apart() -> None:
    """A child that printed a traceback and went on working handled it: the runner's
    ``Bash command failed`` ten lines later is another failure."""
    bash = "{bash_operator.py:126}"
    lines = [
        af(1, bash, "INFO", "Traceback (most recent call last):"),
        af(1, bash, "INFO", '  File "/jobs/upload.py", line 8, in <module>'),
        af(1, bash, "INFO", "    client.make_bucket(bucket)"),
        af(1, bash, "INFO", "urllib3.exceptions.MaxRetryError: HTTPConnectionPool(host='minio')"),
        *[af(2, bash, "INFO", f"uploaded part {k}") for k in range(8)],
        af(3, bash, "INFO", "python3: can't open file '/tmp/job/s.py': [Errno 2] No such file"),
        af(4, "{taskinstance.py:1145}", "ERROR", "Bash command failed"),
        "Traceback (most recent call last):",
        '  File "/usr/lib/python3.8/site-packages/airflow/operators/bash_operator.py", line 134,'
        " in execute",
        '    raise AirflowException("Bash command failed")',
        "airflow.exceptions.AirflowException: Bash command failed",
    ]
    assert _spans(_events(lines))[0] == (1, 4)
