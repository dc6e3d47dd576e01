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


@pytest.mark.parametrize(("expected", "text", "said"), CASES, ids=[c[0] for c in CASES])
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
