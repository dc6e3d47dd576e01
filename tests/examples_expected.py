"""Labelled error events of the example logs in ``examples/logs/``.

Each event: ``line_start``/``line_end`` (1-based, inclusive) span the whole
event: the record that introduces it (for Airflow the ``ERROR - Task failed
with exception`` line), the traceback or Java trace, and continuation lines; an
event ends just before the next record.  ``category`` is one of
``logsumd.config._loader.settings.CATEGORIES``.  ``exception_type`` is the root cause: the
innermost exception of a chain, qualified as printed (for Java the last
``Caused by:``).

Conventions these labels encode (the assembler and classifier must agree):

* Only records at ``multiline.level`` (ERROR) or above, and tracebacks that are
  not inside a lower-level record, start events.  A trace printed by a
  subprocess and re-logged line by line as INFO records (spark-submit under
  Airflow) is context for the next event, not an event of its own.
* WARNING records never start events, even when their message names an
  exception.
* An ERROR record without a traceback has the record's logger as its type
  (``etl.load``, a log4j class), or its level ``ERROR`` where the format names
  no logger (Airflow's ``{file.py:line}``).
* When the root cause is a generic wrapper (Airflow's "Cannot execute:
  spark-submit ..."), the specific exception printed in the ``context_lines``
  (20) just before the event is the type, and names the category.  Nothing
  further back is used.
"""

from __future__ import annotations

EXPECTED: dict[str, list[dict[str, int | str]]] = {
    "airflow_task.log": [
        # attempt 1: input CSV not landed yet; app frames in /opt/airflow/dags; the
        # runner's "Failed to execute job" record (line 71) joins it: one failure, one alert
        {
            "line_start": 20,
            "line_end": 71,
            "category": "file_io",
            "exception_type": "FileNotFoundError",
            "reported": True,
        },
        # attempt 2: psycopg2 error chained ('direct cause') into
        # sqlalchemy.exc.OperationalError; the psycopg2 message ends with a newline, so
        # two blank lines precede the chain marker
        # with the runner's report (line 246), whose message (str of the exception)
        # continues on 3 unprefixed lines, one blank
        {
            "line_start": 99,
            "line_end": 249,
            "category": "connection",
            "exception_type": "psycopg2.OperationalError",
            "reported": True,
        },
    ],
    "spark_driver.log": [
        # unresolved column after an upstream rename; the message carries the logical plan
        # on unprefixed lines and a blank line before the frames
        {
            "line_start": 44,
            "line_end": 90,
            "category": "schema",
            "exception_type": "org.apache.spark.sql.AnalysisException",
        },
        # single-line ERROR record: YARN killed the executor container for memory
        {
            "line_start": 100,
            "line_end": 100,
            "category": "resource",
            "exception_type": "org.apache.spark.scheduler.cluster.YarnScheduler",
        },
        # app exception wrapping SparkException (message embeds the executor stack and
        # 'Driver stacktrace:'), '... 14 more', last 'Caused by:' is the executor OOM
        {
            "line_start": 110,
            "line_end": 200,
            "category": "resource",
            "exception_type": "java.lang.OutOfMemoryError",
        },
    ],
    "etl_script.log": [
        # missing environment variable read with os.environ[...] (3.11 ~~~^^^ carets,
        # <frozen os> frame)
        {
            "line_start": 4,
            "line_end": 13,
            "category": "key_missing",
            "exception_type": "KeyError",
        },
        # 503 from a partner API via raise_for_status()
        {
            "line_start": 24,
            "line_end": 36,
            "category": "http_api",
            "exception_type": "requests.exceptions.HTTPError",
        },
        # implicit chain ('During handling of the above exception'): the root cause is the
        # first exception printed, the ValueError from strptime
        {
            "line_start": 44,
            "line_end": 70,
            "category": "data_format",
            "exception_type": "ValueError",
        },
        # ERROR record without traceback, continued by 3 indented lines
        {
            "line_start": 73,
            "line_end": 76,
            "category": "schema",
            "exception_type": "etl.quality",
        },
        # single-line ERROR record with a DSN holding a fake password (must be redacted)
        {
            "line_start": 80,
            "line_end": 80,
            "category": "timeout",
            "exception_type": "etl.load",
        },
        # boto3 put_object to a bucket that does not exist
        {
            "line_start": 83,
            "line_end": 95,
            "category": "cloud_storage",
            "exception_type": "botocore.exceptions.ClientError",
        },
    ],
    "airflow_spark_submit.log": [
        # the Java trace spark-submit printed, every line wrapped in Airflow's
        # "{spark_submit.py:634} INFO - " prefix, and the AirflowException "Cannot
        # execute: spark-submit ..." that Airflow reports right after it: one failure,
        # one event, whose root cause is the unresolved --packages dependency
        # (and the runner's "Failed to execute job" report, line 93)
        {
            "line_start": 57,
            "line_end": 93,
            "category": "dependency",
            "exception_type": "java.lang.RuntimeException",
            "wrapped": True,
        },
    ],
}
