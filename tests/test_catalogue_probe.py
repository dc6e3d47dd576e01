"""Failure modes a probe of real error messages showed the catalogue did not know.

Two helpers collected 112 error messages that ETL tools print, from public issue threads
(none from the corpus's sources or the reserved list), labelled with the corpus's
diagnosis ids; the catalogue named 81% of them.  These cases are written here in the
tools' own wording, not copied from the probe.
"""

from __future__ import annotations

import pytest

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event

CASES = [
    (  # Airflow 3's task SDK names a missing connection in a dict
        "airflow_connection_missing",
        '[2031-02-03, 04:05:06] ERROR - Task failed with exception: source="task"\n'
        "AirflowRuntimeError: CONNECTION_NOT_FOUND: {'conn_id': 'warehouse_pg'}\n",
        "warehouse_pg",
    ),
    (
        "airflow_variable_missing",
        "AirflowRuntimeError: VARIABLE_NOT_FOUND: {'key': 'export_bucket'}\n",
        "export_bucket",
    ),
    (  # Spark 3.4+ without quotes
        "column_missing",
        "org.apache.spark.sql.AnalysisException: Column order_ts does not exist.\n",
        "order_ts",
    ),
    (  # psycopg2 names a qualified column without quotes
        "column_missing",
        "psycopg2.errors.UndefinedColumn: column orders.region_id does not exist\n",
        "orders.region_id",
    ),
    (  # dbt 1.x: a ref to a model that is not in the project
        "dbt_compilation_error",
        "Compilation Error\n  Model 'model.shop.fct_orders' (models/fct_orders.sql) depends on"
        " a node named 'stg_order' which was not found\n",
        "'stg_order'",
    ),
    (  # BigQuery's MERGE with a duplicated source key
        "duplicate_key",
        "google.api_core.exceptions.BadRequest: 400 UPDATE/MERGE must match at most one source"
        " row for each target row\n",
        "deduplicate",
    ),
    (  # Redshift's COPY: the reasons are in a system table
        "warehouse_load_rows_rejected",
        "psycopg2.errors.InternalError_: Load into table 'stage_orders' failed.  Check"
        " 'stl_load_errors' system table for details.\n",
        "stage_orders",
    ),
    (  # Redshift spells Postgres' message its own way
        "value_too_long_for_column",
        "psycopg2.errors.InternalError_: Value too long for character type\n"
        "DETAIL:\n  error:  Value too long for character type\n",
        "",
    ),
    (  # pyodbc through unixODBC: the driver named in the DSN is not installed
        "odbc_driver_missing",
        "pyodbc.InterfaceError: ('IM002', '[IM002] [unixODBC][Driver Manager]Data source name"
        " not found and no default driver specified (0) (SQLDriverConnect)')\n",
        "odbcinst",
    ),
    (  # librdkafka's SASL failure
        "kafka_sasl_auth_failed",
        "%3|1700000000.123|FAIL|rdkafka#producer-1| [thrd:sasl_ssl://b1:9093/bootstrap]: "
        "sasl_ssl://b1:9093/bootstrap: SASL authentication error: Authentication failed\n",
        "SASL",
    ),
    (  # librdkafka's summary when no broker answers
        "kafka_broker_unavailable",
        "%3|1700000000.456|ERROR|rdkafka#consumer-1| [thrd:app]: rdkafka#consumer-1: 3/3"
        " brokers are down\n",
        "cannot be reached",
    ),
    (  # Kafka Connect's converter cannot read the record
        "kafka_deserializer_mismatch",
        "org.apache.kafka.connect.errors.DataException: Error converting message value in topic"
        " 'orders' partition 0 at offset 12 and timestamp 1700000000000\n",
        "deserializer",
    ),
    (  # polars inferred an integer column from the first rows
        "type_mismatch",
        "polars.exceptions.ComputeError: could not append value: 2.5 of type: f64 to the builder;"
        " make sure that all rows have the same schema or consider increasing"
        " `infer_schema_length`\n",
        "infer_schema_length",
    ),
    (
        "gx_expectation_suite_missing",
        "Could not find checkpoint `orders.nightly`. Try running:\n"
        "  - `great_expectations checkpoint list` to verify your checkpoint exists\n",
        "orders.nightly",
    ),
    (
        "package_version_conflict",
        "Failure in source: You must upgrade your platform version to use this connector"
        " version. Either downgrade your connector or upgrade platform to 0.63.0\n",
        "newer Airbyte platform",
    ),
]


PROBE_2 = [
    # the second probe round (p3, p4): failure modes the catalogue had no entry for
    ("concurrent_write_conflict",
     "io.delta.exceptions.ConcurrentAppendException: Files were added to partition [dt=2031-02-03]"
     " by a concurrent update. Please try the operation again.\n", "at once"),
    ("concurrent_write_conflict",
     "Caused by: org.apache.iceberg.exceptions.CommitFailedException: Cannot commit lake.orders:"
     " metadata location has changed\n", "serialize the writers"),
    ("task_timeout",
     "airflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 3600.1 seconds"
     " exceeds the specified timeout of 3600.0.\n", "never appeared"),
    ("driver_max_result_size_exceeded",
     "org.apache.spark.SparkException: Job aborted due to stage failure: Total size of serialized"
     " results of 812 tasks (4.1 GiB) is bigger than spark.driver.maxResultSize (4.0 GiB)\n",
     "4.1 GiB"),
    ("airflow_metadata_db_access_blocked",
     "RuntimeError: Direct database access via the ORM is not allowed in Airflow 3.0\n",
     "Task SDK"),
    ("column_count_mismatch",
     "org.apache.spark.sql.AnalysisException: The column number of the existing table"
     " shop.orders(struct<id:bigint>) doesn't match the data schema(struct<id:bigint,qty:int>)\n",
     "shop.orders"),
    ("table_schema_changed_since_read",
     "org.apache.spark.sql.AnalysisException: The schema of your Delta table has changed in an"
     " incompatible way since your DataFrame or DeltaTable object was created.\n", "re-read"),
    ("cdc_log_position_lost",
     "io.debezium.DebeziumException: The connector is trying to read binlog starting at"
     " SourceInfo [currentBinlogFilename=mysql-bin.000042], but this is no longer available on"
     " the server. Reconfigure the connector to use a snapshot when needed.\n", "purged"),
    ("cdc_ddl_parse_failed",
     "io.debezium.text.ParsingException: DDL statement couldn't be parsed. Please open a Jira"
     " issue with the statement 'grant replication client on *.* to cdc'\n", "DDL parser"),
    ("record_schema_not_found",
     "io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException: Subject"
     " 'orders-value' not found.; error code: 40401\n", "subject"),
    ("shared_library_missing",
     "/opt/tools/bin/loader: error while loading shared libraries: libssl.so.3: cannot open"
     " shared object file: No such file or directory\n", "libssl.so.3"),
    ("package_version_conflict",
     "AttributeError: `np.float_` was removed in the NumPy 2.0 release. Use `np.float64`"
     " instead.\n", "`np.float_`"),
    ("task_killed_sigterm",
     "04:05:06.789 | ERROR   | Flow run 'brave-otter' - Crash detected! Execution was aborted by"
     " an interrupt signal.\n", "signal stopped"),
    ("python_system_exit_called",
     "04:05:06.789 | ERROR   | Flow run 'calm-heron' - Crash detected! Execution was aborted by"
     " Python system exit call.\n", "sys.exit()"),
    ("db_service_name_unknown",
     "cx_Oracle.DatabaseError: ORA-12514: TNS:listener does not currently know of service"
     " requested in connect descriptor\n", "service name"),
    ("lock_timeout_deadlock",
     "pyodbc.Error: ('40001', '[40001] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]"
     "Transaction (Process ID 61) was deadlocked on lock resources with another process and has"
     " been chosen as the deadlock victim. Rerun the transaction. (1205)')\n", "deadlock victim"),
    ("db_server_out_of_memory",
     "duckdb.duckdb.OutOfMemoryException: Out of Memory Error: could not allocate block of size"
     " 256.0 KiB (12.4 GiB/12.4 GiB used)\n", "memory limit"),
    ("cloud_storage_stage_missing",
     "botocore.errorfactory.InvalidRequestException: An error occurred (InvalidRequestException)"
     " when calling the StartQueryExecution operation: No output location provided.\n",
     "output location"),
    ("kafka_offset_out_of_range",
     "[Consumer clientId=c-1, groupId=etl] Fetch offset 1200 is out of range for partition"
     " orders-3, resetting offset\n", "orders-3"),
    ("template_render_error",
     "jinja2.exceptions.TemplateNotFound: select * from {{ params.table }}.sql\n",
     "template file"),
    ("binary_not_found",
     "Encountered an error:\nCould not find command, ensure it is in the user's PATH: \"git\"\n",
     "install git"),
    ("dbt_deps_error",
     "Encountered an error:\nGot a non-zero returncode running: ['git', 'clone', '--depth', '1',"
     " 'git@github.com:acme/dbt-utils-fork.git', '9f2c']\n", "git@github.com:acme"),
    ("celery_worker_fork_not_allowed",
     "[2031-02-03 04:05:06,740: ERROR/ForkPoolWorker-2] Failed to execute task daemonic processes"
     " are not allowed to have children\n", "daemonic worker"),
    ("http_rate_limited",
     "google.api_core.exceptions.BadRequest: 400 Resources exceeded during query execution: Too"
     " many DML statements outstanding against table proj:ds.events, limit is 20.\n",
     "proj:ds.events"),
    ("warehouse_query_compute_limit",
     "google.api_core.exceptions.BadRequest: 400 Query exceeded resource limits. This query used"
     " 90210 CPU seconds but would charge only 40M Analysis bytes.\n", "billing tier"),
    ("kafka_broker_unavailable",
     "org.apache.kafka.common.errors.TimeoutException: Call(callName=listTopics, deadlineMs="
     "1700000000000, tries=1, nextAllowedTryMs=1700000000100) timed out at 1700000000100 after 1"
     " attempt(s)\n", "listTopics"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("expected", "text", "said"), CASES + PROBE_2, ids=[c[0] for c in CASES + PROBE_2]
)
def test_the_entry_names_the_cause(expected: str, text: str, said: str) -> None:
    event = make_event(text, ())
    best = distinct(examine(event, classify(event), load_catalogue()).candidates)
    assert best, "no entry matched"
    assert best[0].id == expected
    assert said in best[0].cause + " | " + best[0].next_step


@pytest.mark.parametrize(
    "text",
    [
        # prose that only mentions the words: no entry of these shapes
        "INFO - the column order_ts does not exist yet, it is added by the next migration\n",
        "WARNING - checkpoint orders.nightly took 40s\n",
    ],
)
def test_the_new_shapes_keep_to_their_wording(text: str) -> None:
    event = make_event(text, ())
    best = distinct(examine(event, classify(event), load_catalogue()).candidates)
    assert not best or best[0].id not in ("column_missing", "gx_expectation_suite_missing")
