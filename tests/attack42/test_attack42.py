"""Red team of the catalogue entries for probe rounds p7, p8 (branch cat14b: 03fffaa, a214d6f).

Every message below is written here in the shape the tool prints; none is copied from the
corpus.  A test marked xfail shows a problem the on-call engineer would meet; an unmarked
test is an attack the change withstood.
"""

from __future__ import annotations

import json
import time

import pytest

from logsumd.cli import main
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event

_CATALOGUE = load_catalogue()


def _best(text: str) -> list:
    event = make_event(text, ())
    return distinct(examine(event, classify(event), _CATALOGUE).candidates)


def _said(text: str) -> str:
    best = _best(text)
    assert best, "no entry matched"
    return best[0].cause + " | " + best[0].next_step


# --------------------------------------------------------------------------------------
# finding 1: the SQL Server "host:port" entry takes over errors of a server that answered


def test_sql_server_login_failure_stays_an_auth_failure() -> None:
    # The user needs: the password of etl_loader is wrong.  The server answered the login,
    # so the address (colon or not) reached it and is not the cause.
    text = (
        'Error connecting to server "sqlprod01.corp.test:1433". Details: Login failed for user'
        " 'etl_loader'. (Microsoft SQL Server, Error: 18456)\n"
    )
    best = _best(text)
    assert best
    assert best[0].id == "db_auth_failed"


def test_sql_server_missing_database_stays_database_missing() -> None:
    # The user needs: database dw_prod does not exist (or the login may not open it).
    text = (
        'Error connecting to server "sqlprod01.corp.test:1433". Details: Cannot open database'
        ' "dw_prod" requested by the login. The login failed. (Microsoft SQL Server, Error: 4060)\n'
    )
    best = _best(text)
    assert best
    assert best[0].id != "config_value_invalid"
    assert "dw_prod" in best[0].cause + best[0].next_step


def test_sql_server_certificate_error_is_no_colon_mistake() -> None:
    # The TLS handshake happened, so the host:port was reached: the fix is the CA, not a comma.
    text = (
        'Error connecting to server "sqlprod01.corp.test:1433". Details: A connection was'
        " successfully established with the server, but then an error occurred during the login"
        " process. The certificate chain was issued by an authority that is not trusted."
        " (Microsoft SQL Server, Error: -2146893019)\n"
    )
    best = _best(text)
    assert not best or best[0].id != "config_value_invalid"


def test_sql_server_login_failure_end_to_end(tmp_path, capsys) -> None:
    log = tmp_path / "extract.log"
    log.write_text(
        "2031-02-03 04:05:06,123 ERROR [etl.extract] Error connecting to server"
        " \"sqlprod01.corp.test:1433\". Details: Login failed for user 'etl_loader'."
        " (Microsoft SQL Server, Error: 18456)\n"
    )
    main(["summarize", "--backend", "catalogue", "--json", str(log)])
    record = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert "comma" not in record["summary"]
    assert "password" in record["summary"]


def test_sql_server_instance_name_with_backslash_is_no_colon_mistake() -> None:
    text = (
        'Error connecting to server "sqlprod01\\ETL". Details: A network-related or'
        " instance-specific error occurred while establishing a connection to SQL Server.\n"
    )
    best = _best(text)
    assert not best or best[0].id != "config_value_invalid"


# --------------------------------------------------------------------------------------
# finding 2: schema_missing's unquoted Presto/Trino alternative reads any "Schema X does not exist"


def test_missing_schema_file_is_not_a_missing_schema() -> None:
    # The user needs: the JSON schema file at that path is missing.  Before the change the
    # catalogue said a file was missing; now it says "create file".
    text = "FileNotFoundError: Schema file does not exist: /etc/etl/schemas/orders.json\n"
    best = _best(text)
    assert best
    assert best[0].id != "schema_missing"


def test_trino_unquoted_schema_is_still_named() -> None:
    text = (
        "Query 20310203_040506_00012_abcde failed: line 1:22: Schema landing_zone does not exist\n"
    )
    assert "landing_zone" in _said(text)


# --------------------------------------------------------------------------------------
# finding 3: two new patterns are quadratic on a long line


def _seconds(text: str) -> float:
    times = []
    for _ in range(2):
        start = time.perf_counter()
        _best(text)
        times.append(time.perf_counter() - start)
    return min(times)


_LONG = 100_000


def test_pubsub_pattern_is_linear_on_a_100kb_line() -> None:
    # A publisher that logs a batch of results on one line must not stall the daemon.
    unit = "Publishing to projects/acme/topics/clicks ok; "
    long_line = "ERROR publisher: " + unit * (_LONG // len(unit)) + "\n"
    plain = "ERROR publisher: " + "x" * len(long_line) + "\n"
    assert _seconds(long_line) < 2.5 * _seconds(plain) + 0.2


def test_sql_server_pattern_is_linear_on_a_100kb_line() -> None:
    unit = 'server "a:12" '
    long_line = "ERROR inventory: " + unit * (_LONG // len(unit)) + "\n"
    plain = "ERROR inventory: " + "x" * len(long_line) + "\n"
    assert _seconds(long_line) < 2.5 * _seconds(plain) + 0.2


@pytest.mark.parametrize(
    "unit",
    [
        "Task execute_workload[0f1e] ok; ",
        "ICEBERG_MISSING_METADATA: ",
        "Lost task 1.0 in stage 2.0 (TID 3",
        "PoolNotFound ",
        "table x ",
        "a-",
        "dial tcp 10.0.0.1:1 ",
    ],
)
def test_other_new_patterns_stay_linear_on_a_100kb_line(unit: str) -> None:
    long_line = "ERROR x: " + unit * (_LONG // len(unit)) + "\n"
    plain = "ERROR x: " + "x" * len(long_line) + "\n"
    assert _seconds(long_line) < 2.5 * _seconds(plain) + 0.2


# --------------------------------------------------------------------------------------
# finding 4: KafkaJS / sarama TLS failures are called unreachable brokers


def test_sarama_tls_failure_is_not_an_unreachable_broker() -> None:
    # The broker is up and answered the TLS handshake: the client lacks its CA.
    text = (
        "2031/02/03 04:05:06 consumer: kafka: client has run out of available brokers to talk"
        " to: tls: failed to verify certificate: x509: certificate signed by unknown authority\n"
    )
    best = _best(text)
    assert best
    assert best[0].id != "kafka_broker_unavailable"


def test_kafkajs_tls_failure_is_not_an_unreachable_broker() -> None:
    text = (
        "KafkaJSNonRetriableError\n  Caused by: KafkaJSConnectionError: Connection error: self"
        " signed certificate in certificate chain\n"
    )
    best = _best(text)
    assert best
    assert best[0].id != "kafka_broker_unavailable"


def test_sarama_sasl_failure_stays_an_auth_failure() -> None:
    text = (
        "kafka: client has run out of available brokers to talk to: kafka server: SASL"
        " Authentication failed: Authentication failed during authentication due to invalid"
        " credentials with SASL mechanism SCRAM-SHA-512\n"
    )
    best = _best(text)
    assert best
    assert best[0].id == "kafka_sasl_auth_failed"


def test_kafkajs_dns_failure_names_the_host() -> None:
    text = "KafkaJSConnectionError: Connection error: getaddrinfo ENOTFOUND kafka-0.acme.test\n"
    assert "kafka-0.acme.test" in _said(text)


# --------------------------------------------------------------------------------------
# finding 5: a wrapped module name turns the project's own import error into a version mismatch


def test_wrapped_own_module_import_is_not_a_version_mismatch() -> None:
    # Unwrapped, the same error says "the project's module etl.common.utils defines no
    # 'load_rows'"; wrapped by the log's width it says "install the package version".
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/etl/load_orders.py", line 3, in <module>\n'
        "    from etl.common.utils import load_rows\n"
        "ImportError: cannot import name 'load_rows' from 'etl.common.ut\n"
        "ils' (/opt/airflow/dags/etl/common/utils.py)\n"
    )
    said = _said(text)
    assert "version" not in said


def test_unwrapped_own_module_import_names_the_project_module() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/etl/load_orders.py", line 3, in <module>\n'
        "    from etl.common.utils import load_rows\n"
        "ImportError: cannot import name 'load_rows' from 'etl.common.utils'"
        " (/opt/airflow/dags/etl/common/utils.py)\n"
    )
    assert "project" in _said(text)


# --------------------------------------------------------------------------------------
# finding 6: dbt's "Package owner/name was not found" loses the owner


def test_dbt_namespaced_package_keeps_its_namespace() -> None:
    # The user wrote dbt-lab/dbt_utils (owner misspelled); the summary tells them to add
    # an owner ("owner/dbt_utils") instead of naming the wrong one.
    text = "Runtime Error\n  Package dbt-lab/dbt_utils was not found in the package index\n"
    said = _said(text)
    assert "dbt-lab/dbt_utils" in said


def test_dbt_package_pattern_is_linear_on_a_long_word() -> None:
    long_line = "ERROR " + "a-" * 50_000 + " was not found\n"
    plain = "ERROR " + "x" * len(long_line) + "\n"
    assert _seconds(long_line) < 2.5 * _seconds(plain) + 0.2


# --------------------------------------------------------------------------------------
# finding 7: executor_oom claims heap for every OutOfMemoryError


def test_native_thread_limit_is_not_a_heap_shortage() -> None:
    # A thread limit (ulimit -u, pids cgroup) is no heap shortage; more heap makes it worse.
    text = (
        "31/02/03 04:05:06 WARN TaskSetManager: Lost task 0.0 in stage 1.0 (TID 1) (10.0.0.5"
        " executor 3): java.lang.OutOfMemoryError: unable to create new native thread\n"
    )
    assert "spark.executor.memory" not in _said(text)


def test_metaspace_oom_is_not_a_heap_shortage() -> None:
    text = (
        "31/02/03 04:05:06 WARN TaskSetManager: Lost task 0.0 in stage 1.0 (TID 1) (10.0.0.5"
        " executor 3): java.lang.OutOfMemoryError: Metaspace\n"
    )
    assert "spark.executor.memory" not in _said(text)


def test_local_mode_oom_in_spark3_shape_is_no_executor_oom() -> None:
    text = (
        "31/02/03 04:05:06 WARN TaskSetManager: Lost task 0.0 in stage 1.0 (TID 1) (192.168.1.4"
        " executor driver): java.lang.OutOfMemoryError: Java heap space\n"
    )
    best = _best(text)
    assert best
    assert best[0].id != "executor_oom"


# --------------------------------------------------------------------------------------
# finding 8: the widened "connect: connection refused" takes Go dials that are no database


def test_go_proxyconnect_refused_names_the_proxy() -> None:
    # The API host is api.acme.test; 10.0.0.5:3128 is the proxy from HTTPS_PROXY.
    text = (
        'Get "https://api.acme.test/v1/orders": proxyconnect tcp: dial tcp 10.0.0.5:3128:'
        " connect: connection refused\n"
    )
    assert "proxy" in _said(text).lower()


def test_docker_socket_refused_is_docker() -> None:
    text = "error during connect: dial unix /var/run/docker.sock: connect: connection refused\n"
    best = _best(text)
    assert best
    assert best[0].id == "docker_daemon_unreachable"


def test_go_dial_timeout_is_not_refused() -> None:
    best = _best("dial tcp 10.20.30.40:6432: connect: connection timed out\n")
    assert not best or best[0].id != "db_unreachable_refused"


# --------------------------------------------------------------------------------------
# finding 9: Azure's bare AuthorizationFailure sent to IAM although the firewall is its usual cause


def test_azure_authorization_failure_mentions_network_rules() -> None:
    # "This request is not authorized to perform this operation." (AuthorizationFailure) is
    # what a storage account's firewall returns; a missing role reads "...using this
    # permission." (AuthorizationPermissionMismatch).  "bucket", "prefix", "policy" are S3's.
    text = (
        "azure.storage.filedatalake._generated.models._models_py3.StorageErrorException:"
        " Operation returned an invalid status 'This request is not authorized to perform this"
        " operation.'\n"
    )
    said = _said(text).lower()
    assert "firewall" in said or "network" in said


def test_azure_permission_mismatch_keeps_its_own_entry() -> None:
    text = (
        "azure.core.exceptions.HttpResponseError: This request is not authorized to perform this"
        " operation using this permission.\nRequestId:1\n"
        "ErrorCode:AuthorizationPermissionMismatch\n"
    )
    assert "Storage Data role" in _said(text)


# --------------------------------------------------------------------------------------
# finding 10: polars' cast to a datetime with a time unit is not matched


def test_polars_cast_to_datetime_with_unit() -> None:
    text = (
        "polars.exceptions.InvalidOperationError: conversion from `str` to `datetime[μs]` failed"
        ' in column \'shipped_at\' for 2 out of 80 values: ["2031-13-01 00:00", "n/a"]\n'
    )
    best = _best(text)
    assert best
    assert best[0].id == "value_parse_error"
    assert "'shipped_at'" in best[0].cause


# --------------------------------------------------------------------------------------
# finding 11: the Delta table slot keeps only the last part of a qualified name


def test_delta_slot_keeps_the_qualified_table_name() -> None:
    text = (
        "pyspark.errors.exceptions.captured.AnalysisException: [DELTA_MISSING_DELTA_TABLE]"
        " `spark_catalog`.`finance`.`ledger` is not a Delta table.\n"
    )
    assert "`finance`.`ledger`" in _said(text)


# --------------------------------------------------------------------------------------
# attacks the change withstood


@pytest.mark.parametrize(
    "text",
    [
        "ERROR: (gcloud.storage.cp) gs://acme-raw/exports/2031-02-03.csv not found: 404.\n",
        "google.api_core.exceptions.NotFound: 404 GET https://storage.googleapis.com/storage/v1/b/"
        "acme-raw/o/orders%2Fa.csv?fields=name: Not Found\n",
        "google.api_core.exceptions.NotFound: 404 GET https://storage.googleapis.com/storage/v1/b/"
        "acme-raw/o?projection=noAcl&prefix=orders%2F: Not Found\n",
    ],
)
def test_gcs_object_404_is_no_missing_bucket(text: str) -> None:
    best = _best(text)
    assert not best or best[0].id != "s3_no_such_bucket"


def test_trino_catalog_access_denied_is_no_missing_catalog() -> None:
    text = (
        "trino.exceptions.TrinoUserError: TrinoUserError(type=USER_ERROR, name=PERMISSION_DENIED,"
        ' message="Access Denied: Cannot access catalog lakehouse", query_id=x)\n'
    )
    best = _best(text)
    assert not best or best[0].id != "database_missing"


def test_duckdb_catalog_error_is_no_missing_catalog() -> None:
    text = (
        "duckdb.duckdb.CatalogException: Catalog Error: Schema with name staging does not exist!\n"
    )
    best = _best(text)
    assert not best or best[0].id not in ("database_missing",)


def test_errno_28_is_not_a_read_only_file_system() -> None:
    best = _best("OSError: [Errno 28] No space left on device: '/app/cache/model.pkl'\n")
    assert best
    assert best[0].id == "disk_full"


def test_kafka_python_api_version_and_probe_stay_apart() -> None:
    listed = _best(
        "kafka.errors.UnrecognizedBrokerVersion: UnrecognizedBrokerVersion: api_version (3, 7, 0)"
        " not found in kafka.protocol.broker_api_versions\n"
    )
    assert listed
    assert listed[0].id == "package_version_conflict"


def test_celery_connect_error_is_no_execution_api_error() -> None:
    text = (
        "2031-02-03T04:05:06.123456Z [error    ] Task execute_workload[0f1e2d3c] raised"
        " unexpected: ConnectError('[Errno 111] Connection refused') [celery.app.trace]\n"
    )
    best = _best(text)
    assert not best or best[0].id != "airflow_execution_api_error"


def test_secret_in_delta_path_is_masked_end_to_end(tmp_path, capsys) -> None:
    log = tmp_path / "load.log"
    log.write_text(
        "2031-02-03 04:05:06,123 ERROR [etl.load] failed\n"
        "Traceback (most recent call last):\n"
        '  File "/app/load.py", line 12, in <module>\n'
        "    dt = DeltaTable.forPath(spark, path)\n"
        "pyspark.errors.exceptions.captured.AnalysisException: [DELTA_MISSING_DELTA_TABLE]"
        " 's3a://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY@lake-bucket/silver/x'"
        " is not a Delta table.\n"
    )
    main(["summarize", "--backend", "catalogue", "--json", str(log)])
    out = capsys.readouterr().out
    assert "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY" not in out
    assert "AKIAIOSFODNN7EXAMPLE" not in out
    assert "_delta_log" in out


def test_secret_in_pool_name_is_masked_end_to_end(tmp_path, capsys) -> None:
    log = tmp_path / "task.log"
    log.write_text(
        "[2031-02-03, 04:05:06 UTC] {taskinstance.py:1234} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/x.py", line 3, in run\n'
        "    raise PoolNotFound(msg)\n"
        "airflow.exceptions.PoolNotFound: Pool 'password=Hunter2secret' doesn't exist\n"
    )
    main(["summarize", "--backend", "catalogue", "--json", str(log)])
    out = capsys.readouterr().out
    assert "Hunter2secret" not in out
    assert "airflow pools set" in out
