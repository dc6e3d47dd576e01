"""Categories decided by the libraries' own error codes and documented wordings.

Every line is written for these tests (an imaginary shop's tables, hosts and
buckets) in the shapes that psycopg2, PyMySQL, mysql-connector, the Snowflake
connector, JDBC drivers, Oracle, SQL Server, botocore, Azure Storage, Spark and
the CSV module print.
"""

from __future__ import annotations

import pytest

from logsumd.understand._classify import classify
from logsumd.understand.categories import categorize
from tests.events import make_event
from tests.test_category_taxonomy import java_trace, record
from tests.test_classify import py_tb

CODE_CASES: list[tuple[str, str]] = [
    # MySQL error numbers, as PyMySQL and mysql-connector print them
    (
        "permission",
        py_tb(
            'pymysql.err.OperationalError: (1142, "SELECT command denied to user '
            "'etl'@'10.0.0.5' for table 'orders'\")"
        ),
    ),
    (
        "permission",
        record(
            "load failed: 3948 (42000): Loading local data is disabled; this must "
            "be enabled on both the client and server sides"
        ),
    ),
    ("schema", record("insert failed: (1048, \"Column 'order_id' cannot be null\")")),
    (
        "schema",
        py_tb("pymysql.err.ProgrammingError: (1146, \"Table 'shop.orders_v2' doesn't exist\")"),
    ),
    (
        "data_format",
        py_tb(
            "pymysql.err.DataError: (1366, \"Incorrect integer value: 'n/a' for "
            "column 'qty' at row 1\")"
        ),
    ),
    (
        "timeout",
        py_tb(
            "pymysql.err.OperationalError: (1205, 'Lock wait timeout exceeded; try "
            "restarting transaction')"
        ),
    ),
    (
        "connection",
        py_tb(
            "mysql.connector.errors.OperationalError: 2013 (HY000): Lost "
            "connection to MySQL server during query"
        ),
    ),
    # Snowflake numbers decide before their coarse SQLSTATE
    (
        "key_missing",
        record("dbt failed: 000606 (57P03): No active warehouse selected in the current session."),
    ),
    (
        "schema",
        py_tb(
            "snowflake.connector.errors.ProgrammingError: 100080 (22000): Number "
            "of columns in file (12) does not match that of the corresponding "
            "table (11)"
        ),
    ),
    (
        "auth",
        py_tb(
            "snowflake.connector.errors.DatabaseError: 390100 (08004): Incorrect "
            "username or password was specified."
        ),
    ),
    # psycopg2.errors classes, whatever the (possibly translated) message says
    (
        "schema",
        py_tb("psycopg2.errors.UndefinedTable: la relation « staging.orders » n'existe pas"),
    ),
    (
        "permission",
        py_tb("psycopg2.errors.InsufficientPrivilege: droit refusé pour la table orders"),
    ),
    ("data_format", py_tb("psycopg2.errors.NumericValueOutOfRange: integer out of range")),
    ("timeout", py_tb("psycopg2.errors.QueryCanceled: canceling statement due to user request")),
    ("resource", py_tb("psycopg2.errors.DiskFull: could not resize shared memory segment")),
    # JDBC exception families
    (
        "auth",
        java_trace("java.sql.SQLInvalidAuthorizationSpecException: Access for 'etl' rejected"),
    ),
    (
        "schema",
        java_trace("java.sql.SQLSyntaxErrorException: ORA-00942: table or view does not exist"),
    ),
    (
        "permission",
        java_trace(
            "org.apache.hadoop.security.AccessControlException: Permission check "
            "failed for /warehouse/orders"
        ),
    ),
    # SDK error codes
    ("key_missing", py_tb("botocore.exceptions.NoRegionError: You must specify a region.")),
    (
        "http_api",
        py_tb(
            "botocore.errorfactory.ProvisionedThroughputExceededException: An "
            "error occurred (ProvisionedThroughputExceededException) when calling "
            "the PutItem operation: Rate of requests exceeds the allowed "
            "throughput."
        ),
    ),
    (
        "auth",
        py_tb(
            "azure.core.exceptions.ClientAuthenticationError: Server failed to "
            "authenticate the request."
        ),
    ),
    (
        "other",
        java_trace(
            "org.apache.kafka.clients.consumer.CommitFailedException: Offset "
            "commit cannot be completed since the consumer is not part of an "
            "active group"
        ),
    ),
    # a printed SQLSTATE, when no message rule knows the wording
    ("schema", record("query failed: ERROR: la colonne « qty2 » n'existe pas (SQLSTATE 42703)")),
    (
        "connection",
        java_trace(
            "org.postgresql.util.PSQLException: FATAL: le système de bases de "
            "données s'arrête SQL state: 57P01"
        ),
    ),
    (
        "other",
        java_trace(
            "org.apache.spark.sql.catalyst.parser.ParseException: "
            '[UNSUPPORTED_DATATYPE] Unsupported data type "MONEY". SQLSTATE: 0A000'
        ),
    ),
]

PHRASE_CASES: list[tuple[str, str]] = [
    ("schema", record("ETL FAILED: syntax error at end of input LINE 9: WHERE order_date >=")),
    # PostgreSQL's statement-line pointer marks an error in the query, in any language
    (
        "schema",
        record(
            "chargement échoué: ERREUR: la relation « orders » n'existe pas LINE "
            "1: INSERT INTO orders"
        ),
    ),
    (
        "dependency",
        record(
            "spark job failed: 'spark-submit' is not recognized as an internal or external command,"
        ),
    ),
    ("dependency", py_tb("FileNotFoundError: [Errno 2] No such file or directory: 'spark-submit'")),
    ("file_io", py_tb("FileNotFoundError: [Errno 2] No such file or directory: 'data/orders.csv'")),
    (
        "dependency",
        java_trace("java.lang.IllegalArgumentException: Unsupported class file major version 61"),
    ),
    (
        "dependency",
        py_tb(
            "pyspark.errors.exceptions.base.PySparkRuntimeError: Python in worker "
            "has different version 3.8 than that in driver 3.11"
        ),
    ),
    (
        "auth",
        py_tb(
            'psycopg2.OperationalError: connection to server at "db.shop" '
            '(10.0.0.7), port 5432 failed: FATAL:  role "etl_loader" does not exist'
        ),
    ),
    (
        "auth",
        record("export failed: the endpoint returned 401 for https://api.shop.example/v2/orders"),
    ),
    (
        "cloud_storage",
        java_trace(
            "com.amazonaws.services.s3.model.AmazonS3Exception: Forbidden "
            "(Service: Amazon S3; Status Code: 403; Error Code: 403 Forbidden)"
        ),
    ),
    (
        "cloud_storage",
        py_tb(
            "azure.core.exceptions.HttpResponseError: This request is not "
            "authorized to perform this operation using this permission. "
            "ErrorCode:AuthorizationPermissionMismatch"
        ),
    ),
    (
        "schema",
        py_tb(
            "pyodbc.ProgrammingError: ('42S02', \"[42S02] [Microsoft][ODBC Driver "
            "18 for SQL Server][SQL Server]Invalid object name 'dbo.orders'. "
            '(208)")'
        ),
    ),
    ("data_format", py_tb("_csv.Error: line contains NUL")),
    ("data_format", record('dbt failed: Failed to parse input string "2031/05/06"')),
    (
        "resource",
        py_tb(
            "numpy.core._exceptions._ArrayMemoryError: Unable to allocate 7.45 GiB "
            "for an array with shape (1000000000,) and data type float64"
        ),
    ),
    ("resource", record("Container killed on request. Exit code is 137")),
    (
        "connection",
        java_trace(
            "org.apache.spark.SparkException: Could not parse Master URL: 'spark-master:7077'"
        ),
    ),
    (
        "file_io",
        java_trace(
            "org.apache.spark.sql.AnalysisException: [PATH_ALREADY_EXISTS] Path "
            'file:/data/out/orders already exists. Set mode as "overwrite" to '
            "overwrite the existing path."
        ),
    ),
    ("other", py_tb("sqlalchemy.exc.ArgumentError: Expected string or URL object, got None")),
    # Kafka clients: a timeout waiting for a broker means no broker answers
    (
        "connection",
        java_trace(
            "org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node "
            "assignment. Call: describeTopics"
        ),
    ),
    (
        "connection",
        java_trace(
            "org.apache.kafka.common.errors.TimeoutException: Timeout of 60000ms expired "
            "before the position for partition orders-3 could be determined"
        ),
    ),
    (
        "connection",
        py_tb(
            "kafka.errors.KafkaTimeoutError: KafkaTimeoutError: Failed to update metadata "
            "after 60.0 secs."
        ),
    ),
    # a runner's plugin executable that is not installed
    (
        "dependency",
        record(
            "Cannot start plugin tap-orders: Executable 'tap-orders' could not be found. "
            "Extractor 'tap-orders' may not have been installed yet"
        ),
    ),
    # Snowflake: the role lacks privileges on an object that exists
    (
        "permission",
        java_trace(
            "net.snowflake.client.jdbc.SnowflakeSQLException: SQL compilation error: Schema "
            "'RAW' already exists, but current role has no privileges on it."
        ),
    ),
]


@pytest.mark.parametrize(("category", "text"), CODE_CASES)
def test_category_of_library_error_codes(category: str, text: str) -> None:
    """A database's, SDK's or runtime's own error code or class decides the category."""
    assert classify(make_event(text)).category == category


@pytest.mark.parametrize(("category", "text"), PHRASE_CASES)
def test_category_of_documented_wordings(category: str, text: str) -> None:
    """The documented wording of a failure decides its category in the corpus taxonomy."""
    assert classify(make_event(text)).category == category


def test_sqlstate_is_weaker_than_a_message_rule_in_the_chain() -> None:
    """A coarse SQLSTATE at the root loses to a precise message anywhere in the chain."""
    signals = [
        "snowflake.connector.errors.ProgrammingError: 003167 (42601): Error assuming ROLE",
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
        "AssumeRole operation: User is not authorized to perform: sts:AssumeRole",
    ]
    assert categorize(signals) == ("permission", 1)


def test_hdfs_block_missing_and_an_env_var_to_add() -> None:
    """HDFS's missing block is a file failure; "please add an environment variable" a
    missing setting."""
    hdfs = java_trace(
        "org.apache.hadoop.hdfs.BlockMissingException: Could not obtain block: "
        "BP-1:blk_107 file=/checkpoints/state/0/1.snapshot"
    )
    assert classify(make_event(hdfs)).category == "file_io"
    env = py_tb(
        "pydantic.error_wrappers.ValidationError: 1 validation error for Settings\n"
        "__root__\n  Did not find api_key, please add an environment variable `SHOP_API_KEY`"
        " which contains it (type=value_error)"
    )
    assert classify(make_event(env)).category == "key_missing"


FIELD_CASES: list[tuple[str, str]] = [
    # DuckDB's error types, also inside a dbt Runtime Error block
    ("schema", record('Runtime Error in model stg: Binder Error: Referenced column "t" not found')),
    ("schema", record("Catalog Error: Table with name raw_orders does not exist!")),
    ("schema", record("Parser Error: syntax error at end of input")),
    ("data_format", record('Invalid Input Error: Error when sniffing file "seeds/shops.csv".')),
    ("file_io", record('IO Error: No files found that match the pattern "data/*.parquet"')),
    (
        "schema",
        py_tb(
            'duckdb.duckdb.ConstraintException: Constraint Error: Duplicate key "id: 44" '
            "violates primary key constraint."
        ),
    ),
    # Kafka producers
    (
        "resource",
        java_trace(
            "org.apache.kafka.common.errors.RecordTooLargeException: The message is 1168724 "
            "bytes when serialized which is larger than 1048576"
        ),
    ),
    (
        "connection",
        record(
            "send failed: KafkaTimeoutError: Batch for TopicPartition(topic='prices', "
            "partition=0) containing 3 record(s) expired: 30 seconds have passed"
        ),
    ),
    # S3 without credentials, a JDK too new for Hadoop, Databricks' retry budget
    (
        "auth",
        py_tb(
            "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling "
            "the PutObject operation: No AWSAccessKey was presented."
        ),
    ),
    (
        "dependency",
        java_trace(
            "java.lang.UnsupportedOperationException: getSubject is supported only if a "
            "security manager is allowed"
        ),
    ),
    (
        "timeout",
        record(
            "Error during request to server. Retry request would exceed Retry policy max "
            "retry duration of 900.0 seconds"
        ),
    ),
    # a port taken, a missing Kafka setting
    ("resource", record("Connection in use: ('::', 8793)")),
    ("resource", record("Web server failed to start. Port 8081 was already in use.")),
    (
        "other",
        py_tb("TypeError: ingest() missing 1 required positional argument: 'csv_url'"),
    ),
    (
        "key_missing",
        java_trace(
            'org.apache.kafka.common.config.ConfigException: Missing required configuration "'
            'group.id" which has no default value.'
        ),
    ),
    (
        "connection",
        java_trace(
            "org.apache.kafka.common.errors.TimeoutException: Timeout expired after "
            "5000milliseconds while awaiting InitProducerId"
        ),
    ),
    ("schema", java_trace("org.apache.nifi.schema.access.SchemaNotFoundException: no schema")),
    # a KeyError logged as str(e): a failure whose cause is a quoted key alone
    ("key_missing", "2031-04-21 15:53:30,011 - ERROR - Transformation failed: 'shift_hours'"),
    ("key_missing", "2031-04-21 15:53:30,011 - etl - ERROR - Error enriching row 7: 'AST_PCT'"),
    # a Spark client and cluster of different versions
    (
        "dependency",
        java_trace(
            "java.io.InvalidClassException: org.apache.spark.rdd.RDD; local class incompatible:"
            " stream classdesc serialVersionUID = 1, local class serialVersionUID = 2"
        ),
    ),
]

FIELD_CASES += [
    # the fifth session's fresh rounds, written in the libraries' wording
    ("permission", record(
        "Load failed: 403 POST https://bigquery.googleapis.com/upload/bigquery/v2/projects/kiwi/"
        "jobs: Access Denied: Project kiwi: User does not have bigquery.jobs.create permission"
        " in project kiwi.")),
    ("resource", py_tb('psycopg2.errors.IoError: could not fdatasync file "000000010000000000'
                       '000002": Input/output error')),
    ("dependency", record("Bash command failed. The command returned a non-zero exit code 127.")),
    ("http_api", record(
        "Enrich failed: 403 Vertex AI API has not been used in project kiwi-test before or it"
        ' is disabled. [reason: "SERVICE_DISABLED"')),
    ("data_format", record("Weather fetch failed: Response is not valid JSON")),
    ("schema", py_tb(
        "psycopg2.errors.DependentObjectsStillExist: cannot drop table kiwi_customers because"
        " other objects depend on it")),
]  # fmt: skip

FIELD_CASES += [
    # categories that agree with the catalogue's entries for the same wordings
    ("schema", java_trace("java.sql.SQLException: Field 'kiwi_id' doesn't have a default value")),
    ("schema", record("DDL failed: 1215 (HY000): Cannot add foreign key constraint")),
    ("file_io", java_trace(
        "org.apache.kafka.common.KafkaException: Failed to acquire lock on file .lock in"
        " /var/lib/kafka/data. A Kafka instance in another process or thread is using this"
        " directory.")),
    ("key_missing", py_tb("TypeError: Consumer key must be string or bytes, not NoneType")),
    ("key_missing", py_tb(
        "great_expectations.exceptions.exceptions.DataContextError: expectation_suite"
        " kiwi_orders not found")),
    # an unset setting read as the text None, as the catalogue's env_var_missing says
    ("key_missing", py_tb("ValueError: invalid literal for int() with base 10: 'None'")),
    # pandas' missing columns, the labels' key_missing like its KeyError; credentials None
    ("key_missing", record("Transform failed: \"None of [Index(['agentName'], dtype='object')]"
                           " are in the [columns]\"")),
    ("auth", py_tb("AttributeError: 'NoneType' object has no attribute 'access_key'")),
    ("connection", py_tb("OSError: [Errno 99] Cannot assign requested address")),
    # polars' read errors, Kafka Connect's missing plugin
    ("data_format", py_tb("polars.exceptions.ComputeError: invalid utf-8 sequence")),
    ("data_format", py_tb("polars.exceptions.ComputeError: could not parse `1.2` as dtype `i64`"
                          " at column 'Price' (column number 5)")),
    ("dependency", java_trace(
        "org.apache.kafka.connect.errors.ConnectException: Failed to find any class that"
        " implements Connector and which name matches FileStreamSource")),
    # the shell cannot find the program (bash's words, also localised)
    ("dependency", record("/usr/bin/bash: ligne 1: /usr/bin/logstash: Aucun fichier ou dossier")),
    ("dependency", record("/bin/bash: line 1: /opt/spark-submit: No such file or directory")),
]  # fmt: skip

NOT_KEY_MISSING = [
    "2031-04-21 15:53:30,011 - ERROR - Load failed: 'orders' table is locked by another job",
    "2031-04-21 15:53:30,011 - ERROR - Load failed: connection refused at 'db-1:5432'",
]


@pytest.mark.parametrize("text", NOT_KEY_MISSING)
def test_a_quoted_name_inside_a_cause_is_no_missing_key(text: str) -> None:
    """Only a cause that is nothing but a quoted key reads as a KeyError's text."""
    assert classify(make_event(text)).category != "key_missing"


@pytest.mark.parametrize(("category", "text"), FIELD_CASES)
def test_category_of_failures_the_field_prints(category: str, text: str) -> None:
    """Failures seen in the fresh field sample, written here, get their category by the
    tool's own documented wording."""
    assert classify(make_event(text)).category == category
