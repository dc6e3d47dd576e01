"""Categories of what ETL tools really print, by the labelling taxonomy of ``eval/real``.

Every line here is written for these tests (identifiers of an imaginary shop), in the
shapes that Python tracebacks, JVM traces, dbt blocks and lone ERROR records take.
"""

from __future__ import annotations

import pytest

from logsumd.understand._classify import classify
from tests.events import make_event
from tests.test_classify import py_tb


def dbt_block(kind: str, message: str) -> str:
    """A dbt error block for model ``fct_orders`` with its database or compiler message."""
    return (
        f"\x1b[0m04:12:09  \x1b[31m{kind} Error in model fct_orders "
        "(models/marts/fct_orders.sql)\x1b[0m\n"
        f"04:12:09    {message}\n"
    )


def record(message: str) -> str:
    """A lone ERROR record of a Python job."""
    return f"2031-05-06 07:08:09,101 - ERROR - {message}"


def java_trace(exc_line: str) -> str:
    """A Spark driver trace whose first exception line is ``exc_line``."""
    return (
        "31/05/06 07:08:09 ERROR SparkContext: Error initializing SparkContext.\n"
        f"{exc_line}\n"
        "\tat org.apache.hadoop.fs.FileSystem.getFileSystemClass(FileSystem.java:3443)\n"
        "\tat com.shop.etl.LoadOrders$.main(LoadOrders.scala:21)\n"
    )


CASES: list[tuple[str, str]] = [
    # cloud storage: the bucket's own errors and storage connectors, before auth and permission
    (
        "cloud_storage",
        py_tb(
            "botocore.exceptions.ClientError: An error occurred (RequestTimeTooSkewed) when "
            "calling the ListObjectsV2 operation: The difference between the request time and "
            "the current time is too large."
        ),
    ),
    (
        "cloud_storage",
        py_tb(
            "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
            "PutObject operation: Access Denied"
        ),
    ),
    (
        "cloud_storage",
        py_tb(
            "boto3.exceptions.S3UploadFailedError: Failed to upload /tmp/orders.csv to "
            "shop-raw/orders.csv: An error occurred (AccessDenied) when calling the "
            "CreateMultipartUpload operation: Access Denied"
        ),
    ),
    (
        "cloud_storage",
        java_trace(
            'org.apache.hadoop.fs.UnsupportedFileSystemException: No FileSystem for scheme "s3"'
        ),
    ),
    (
        "cloud_storage",
        java_trace(
            "java.lang.RuntimeException: java.lang.ClassNotFoundException: Class "
            "org.apache.hadoop.fs.s3a.S3AFileSystem not found"
        ),
    ),
    (
        "cloud_storage",
        java_trace(
            "org.apache.hadoop.fs.azurebfs.contracts.exceptions.AbfsRestOperationException: "
            'Operation failed: "This request is not authorized to perform this operation using '
            'this permission.", 403, PUT, https://shoplake.dfs.core.windows.net/raw/orders'
        ),
    ),
    (
        "cloud_storage",
        java_trace(
            "org.apache.hadoop.fs.azure.AzureException: Unable to access container raw in "
            "account shoplake.blob.core.windows.net using anonymous credentials"
        ),
    ),
    # schema: missing datasets and databases, SQL syntax, types, keys, topics, dbt models
    (
        "schema",
        py_tb(
            "google.api_core.exceptions.NotFound: 404 Not found: Dataset shop-dw:staging was "
            "not found in location EU"
        ),
    ),
    (
        "schema",
        py_tb(
            "google.api_core.exceptions.NotFound: 404 GET https://bigquery.googleapis.com/"
            "bigquery/v2/projects/shop-dw/datasets/staging?prettyPrint=false: Not found: "
            "Dataset shop-dw:staging"
        ),
    ),
    (
        "schema",
        py_tb(
            'psycopg2.OperationalError: connection to server at "pg" (10.0.0.5), port 5432 '
            'failed: FATAL:  database "shop_dw" does not exist'
        ),
    ),
    ("schema", py_tb('psycopg2.errors.SyntaxError: syntax error at or near "FORM"')),
    (
        "schema",
        record(
            'load failed: (1064, "You have an error in your SQL syntax; check the manual that '
            "corresponds to your MySQL server version for the right syntax to use near 'FORM'\")"
        ),
    ),
    (
        "schema",
        py_tb(
            "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "
            '"orders_pkey"'
        ),
    ),
    (
        "schema",
        py_tb(
            'psycopg2.errors.DatatypeMismatch: column "created_at" is of type timestamp '
            "without time zone but expression is of type text"
        ),
    ),
    (
        "schema",
        py_tb(
            "ValueError: You are trying to merge on int64 and object columns. If you wish to "
            "proceed you should use pd.concat"
        ),
    ),
    (
        "schema",
        java_trace(
            "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does "
            "not host this topic-partition."
        ),
    ),
    ("schema", dbt_block("Database", "Unrecognized name: order_ts at [12:7]")),
    ("schema", dbt_block("Compilation", "expected token ',', got 'AS'")),
    ("schema", dbt_block("Database", "")),  # the block's message was cut off
    # key_missing: pandas columns, config sections, dbt vars and warehouse, env settings
    ("key_missing", py_tb("KeyError: \"['order_total'] not in index\"")),
    (
        "key_missing",
        py_tb("KeyError: \"None of [Index(['sku'], dtype='object')] are in the [columns]\""),
    ),
    ("key_missing", py_tb("configparser.NoSectionError: No section: 'warehouse'")),
    ("key_missing", py_tb("RuntimeError: SHOP_STAGE_BUCKET must be set in the environment")),
    (
        "key_missing",
        dbt_block(
            "Compilation",
            "Could not render {{ var('run_date') }}: Required var 'run_date' not found in config",
        ),
    ),
    (
        "key_missing",
        dbt_block(
            "Database",
            "000606 (57P03): No active warehouse selected in the current session.",
        ),
    ),
    # dependency: dbt packages, JVM linkage, connectors, missing programs
    (
        "dependency",
        record(
            "dbt deps: Could not find a satisfactory version from options: ['>=1.1.0', '<1.0.0']"
        ),
    ),
    ("dependency", java_trace("java.lang.NoClassDefFoundError: scala/Product$class")),
    (
        "dependency",
        java_trace("java.lang.AbstractMethodError: com.shop.udf.Money.apply(Ljava/lang/Object;)"),
    ),
    (
        "dependency",
        java_trace(
            "org.apache.spark.SparkException: When running with master 'yarn' either "
            "HADOOP_CONF_DIR or YARN_CONF_DIR must be set in the environment."
        ),
    ),
    ("dependency", record("export failed: This method requires pyarrow to be installed")),
    (
        "dependency",
        py_tb(
            "AttributeError: partially initialized module 'shop_loader' has no attribute 'run' "
            "(most likely due to a circular import)"
        ),
    ),
    # auth: HTTP 401 from connectors, AWS profiles, SSH keys, database auth plugins
    (
        "auth",
        record(
            "Sync failed: io.airbyte.workers.exception.WorkerException: Request to "
            "https://api.shop.io/v1/orders failed with status code 401"
        ),
    ),
    (
        "auth",
        record(
            "tap-shop | Max retries exceeded. Request: <PreparedRequest [GET]>, "
            "Response: <Response [401]>"
        ),
    ),
    (
        "auth",
        py_tb("botocore.exceptions.ProfileNotFound: The config profile (etl) could not be found"),
    ),
    ("auth", record("git clone failed: git@github.com: Permission denied (publickey).")),
    (
        "auth",
        py_tb(
            "pymysql.err.OperationalError: (1524, \"Plugin 'mysql_native_password' is not loaded\")"
        ),
    ),
    # the rest of the taxonomy
    (
        "http_api",
        py_tb(
            "google.api_core.exceptions.Forbidden: 403 POST https://bigquery.googleapis.com/"
            "bigquery/v2/projects/shop/datasets/dw/tables/orders/insertAll: Access Denied: "
            "Streaming insert is not allowed in the free tier"
        ),
    ),
    ("http_api", record("Max retry limit reached. Response: <Response [502]>")),
    ("timeout", py_tb("sqlite3.OperationalError: database is locked")),
    (
        "connection",
        py_tb("pymysql.err.OperationalError: (2005, \"Unknown MySQL server host 'db1'\")"),
    ),
    ("connection", py_tb("py4j.protocol.Py4JError: Cannot obtain a new communication channel")),
    ("file_io", py_tb("jinja2.exceptions.TemplateNotFound: sql/load_orders.sql")),
    ("file_io", py_tb("ValueError: Orders data not found at /data/landing/2031-05-05")),
    (
        "file_io",
        dbt_block("Runtime", "No dbt_project.yml found at expected path /srv/dbt/dbt_project.yml"),
    ),
    (
        "data_format",
        py_tb("EOFError: Compressed file ended before the end-of-stream marker was reached"),
    ),
    ("data_format", java_trace("java.lang.IllegalArgumentException: Too many pattern letters: a")),
    ("data_format", dbt_block("Database", "Bad int64 value: N/A")),
    ("data_format", py_tb("ZeroDivisionError: division by zero")),
    (
        "resource",
        java_trace(
            "org.apache.spark.SparkException: Cannot broadcast the table over 357913941 rows: "
            "412000000 rows"
        ),
    ),
    ("resource", record("shop-etl-worker-1 exited with code 137")),
    (
        "resource",
        java_trace("java.lang.NegativeArraySizeException: -2147483648"),
    ),
    (
        "resource",
        py_tb("RecursionError: maximum recursion depth exceeded while calling a Python object"),
    ),
    (
        "other",
        java_trace(
            "software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException: The "
            "specified queue does not exist. (Service: Sqs, Status Code: 400, Request ID: 1f0c)"
        ),
    ),
    (
        "other",
        py_tb(
            "botocore.exceptions.ParamValidationError: Parameter validation failed: Invalid "
            'bucket name "raw/orders.csv": Bucket name must match the regex'
        ),
    ),
]


@pytest.mark.parametrize(("category", "text"), CASES)
def test_category_of_field_messages(category: str, text: str) -> None:
    """Each message gets the category of its root cause in the corpus taxonomy."""
    assert classify(make_event(text)).category == category


def test_killed_task_is_other_despite_connection_errors_in_its_chain() -> None:
    """A task terminated by SIGTERM is ``other`` though the Py4J gateway then failed too."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/shop_spark.py", line 40, in extract_orders\n'
        "    rows = df.collect()\n"
        "airflow.exceptions.AirflowTaskTerminated: Task received SIGTERM signal\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/shop_spark.py", line 44, in extract_orders\n'
        "    spark.stop()\n"
        "py4j.protocol.Py4JNetworkError: Error while sending or receiving\n"
    )
    assert classify(make_event(text)).category == "other"


def test_code_that_used_none_is_other_whatever_the_context_says() -> None:
    """An ERROR record about None is ``other``; an earlier run's schema error does not decide."""
    context = (record("ETL failed: 1054 (42S22): Unknown column 'flag' in 'where clause'"),)
    cls = classify(
        make_event(record("ETL failed: 'NoneType' object is not subscriptable"), context)
    )
    assert cls.category == "other"


def test_error_record_is_classified_by_its_own_lines_before_its_context() -> None:
    """An ERROR record event whose first record says little is read on: its next record
    decides, before an unrelated error read just before it."""
    text = (
        "2031-05-06 07:08:09 ERROR sync: upload of part 3 failed\n"
        "2031-05-06 07:08:09 ERROR sync: oss: service returned error: StatusCode=403, "
        "ErrorCode=RequestTimeTooSkewed, ErrorMessage=The difference between the request time "
        "and the current time is too large.\n"
    )
    context = ("2031-05-06 07:08:01 ERROR sync: could not connect to the metrics gateway",)
    assert classify(make_event(text, context)).category == "cloud_storage"


LIBRARY_WORDINGS = [
    # the tenth session: libraries' own wordings that reached no rule (the dev misses
    # showed them; the lines here are written for the test)
    ("dependency", "Runtime Error\n  No adapters available. Learn how to install an adapter"),
    ("dependency", record("Unable to load spark context; install optional spark dependency")),
    (
        "dependency",
        py_tb("airflow.exceptions.AirflowException: Foo requires bar, please install it."),
    ),
    ("dependency", record("bcrypt: no backends available -- recommend you install one")),
    (
        "connection",
        java_trace(
            "kafka.common.StateChangeFailedException: Failed to elect leader for partition"
            " sales-0 under strategy OfflinePartitionLeaderElectionStrategy(false)"
        ),
    ),
    ("connection", record("RMContainerAllocator ERROR IN CONTACTING RM.")),
    (
        "connection",
        py_tb(
            "luigi.rpc.RPCError: Errors (3 attempts) when connecting to remote scheduler 'sched'"
        ),
    ),
    (
        "connection",
        java_trace(
            "org.apache.kafka.common.config.ConfigException: No supported Kafka endpoints are"
            " configured."
        ),
    ),
    ("schema", java_trace("java.lang.RuntimeException: Table Not Found: daily_orders")),
    (
        "data_format",
        record("Export failed: 'charmap' codec can't encode character '\\u2713' in position 4"),
    ),
    (
        "data_format",
        py_tb("PIL.UnidentifiedImageError: cannot identify image file '/data/in/img_7.png'"),
    ),
    ("timeout", "[2031-05-06 07:08:09 +0000] [12] [CRITICAL] WORKER TIMEOUT (pid:31)"),
    (
        "auth",
        java_trace(
            "java.lang.IllegalArgumentException: AWS Access Key ID and Secret Access Key must be"
            " specified as the username or password"
        ),
    ),
    (
        "auth",
        "Runtime Error\n  Unable to generate access token, if you're using"
        " impersonate_service_account",
    ),
    (
        "cloud_storage",
        java_trace(
            "com.amazonaws.SdkClientException: Data read has a different length than the"
            " expected: dataLength=9; expectedLength=12"
        ),
    ),
]


@pytest.mark.parametrize(("category", "text"), LIBRARY_WORDINGS)
def test_category_of_libraries_wordings(category: str, text: str) -> None:
    """Each library's own wording of its failure gets its category."""
    assert classify(make_event(text)).category == category
