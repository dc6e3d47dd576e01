"""Hand-written training examples: log shapes that the templates do not cover.

Written for logsumd (no line is copied from a real log).  Each gives the raw
event, its category, key facts that occur in it verbatim and the reference
``cause`` and ``check``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Handwritten:
    """One hand-written example."""

    format: str
    category: str
    raw: str
    key_facts: tuple[str, ...]
    cause: str
    check: str


HANDWRITTEN: tuple[Handwritten, ...] = (
    Handwritten(
        "python_logging_crlf",
        "file_io",
        "2024-02-11 04:00:12,551 ERROR nightly - copy step failed\r\r\n"
        "Traceback (most recent call last):\r\r\n"
        '  File "C:\\etl\\jobs\\copy_stock.py", line 48, in copy_stock\r\r\n'
        '    shutil.copy(r"D:\\feeds\\stock\\stock_levels.xlsx", target)\r\r\n'
        "FileNotFoundError: [Errno 2] No such file or directory: "
        "'D:\\\\feeds\\\\stock\\\\stock_levels.xlsx'\r\r\n",
        ("FileNotFoundError", "stock_levels.xlsx"),
        "the spreadsheet stock_levels.xlsx was not in the feeds folder when copy_stock ran",
        "that the supplier upload of stock_levels.xlsx finished before the copy",
    ),
    Handwritten(
        "kafka_consumer",
        "connection",
        "2023-06-02 11:15:40,002 ERROR kafka_loader - consumer stopped\n"
        "Traceback (most recent call last):\n"
        '  File "/app/kafka_loader.py", line 77, in consume\n'
        "    for message in consumer:\n"
        "kafka.errors.NoBrokersAvailable: NoBrokersAvailable\n",
        ("NoBrokersAvailable", "kafka_loader"),
        "the consumer got NoBrokersAvailable because no Kafka broker answered",
        "the bootstrap servers configured for kafka_loader and that the brokers are up",
    ),
    Handwritten(
        "airflow",
        "permission",
        "[2024-08-19, 01:02:03 UTC] {taskinstance.py:2905} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/pos_upload.py", line 61, in push_pos\n'
        "    sftp.put(local_file, remote_file)\n"
        "PermissionError: [Errno 13] Permission denied: '/upload/pos/pos_batch.csv'\n",
        ("PermissionError", "/upload/pos/pos_batch.csv"),
        "the SFTP account may not write into the /upload/pos folder",
        "the rights of the SFTP user on /upload/pos on the partner side",
    ),
    Handwritten(
        "python_logging",
        "timeout",
        "2025-01-07 23:59:58,114 ERROR warehouse_sync - sync aborted\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/sync/warehouse_sync.py", line 203, in wait_for_lock\n'
        "    raise TimeoutError(f'lock {name} still held after {waited}s')\n"
        "TimeoutError: lock nightly_merge still held after 900s\n",
        ("TimeoutError", "nightly_merge", "900s"),
        "another run kept the lock nightly_merge for the whole 900s wait",
        "which process holds nightly_merge and whether an older run hangs",
    ),
    Handwritten(
        "soda",
        "other",
        "[10:14:03] Scan summary:\n"
        "[10:14:03] 1/3 checks FAILED: \n"
        "[10:14:03]     orders_clean in warehouse\n"
        "[10:14:03]       duplicate_count(order_id) = 0 [FAILED]\n"
        "[10:14:03]         check_value: 14\n"
        "[10:14:03] Oops! 1 failures. 0 warnings. 0 errors. 2 pass.\n"
        "[10:14:03] ERROR: Soda scan failed with 1 check failures\n",
        ("orders_clean", "duplicate_count(order_id)"),
        "the duplicate_count(order_id) check on orders_clean failed with 14 duplicates",
        "where the duplicate order_id rows in orders_clean come from",
    ),
    Handwritten(
        "airflow",
        "key_missing",
        "[2023-10-30, 06:30:00 UTC] {taskinstance.py:1937} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/fx_rates.py", line 39, in convert\n'
        "    rate = rates[pair]\n"
        "KeyError: 'HRK_EUR'\n",
        ("KeyError", "HRK_EUR"),
        "the rates table has no pair HRK_EUR any more",
        "whether the rates feed still publishes HRK_EUR",
    ),
    Handwritten(
        "great_expectations",
        "data_format",
        "2024-05-05 07:45:10,900 ERROR validate - validation failed\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/quality/validate.py", line 88, in run_checkpoint\n'
        "    raise ValueError(f'{failed} expectations failed on {asset}')\n"
        "ValueError: 2 expectations failed on customers_daily: "
        "expect_column_values_to_match_regex(email)\n",
        ("ValueError", "customers_daily", "email"),
        "some email values in customers_daily do not look like addresses",
        "the rows of customers_daily whose email fails the regex",
    ),
    Handwritten(
        "spark_log4j1",
        "resource",
        "24/11/02 03:12:44 ERROR YarnScheduler: Lost executor 7 on node-17.grid.lan: "
        "Exit status: 143\n"
        "org.apache.spark.SparkException: Job aborted due to stage failure: "
        "ExecutorLostFailure (executor 7 exited caused by one of the running tasks) "
        "Reason: Container killed on request. Exit code is 143\n"
        "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages"
        "(DAGScheduler.scala:2785)\n",
        ("ExecutorLostFailure", "node-17.grid.lan", "143"),
        "the container of executor 7 was killed by YARN, often for memory or preemption",
        "the node logs of node-17.grid.lan for the reason of the kill",
    ),
    Handwritten(
        "airflow",
        "auth",
        "[2025-03-03, 05:00:09 UTC] {taskinstance.py:3311} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/crm_pull.py", line 25, in pull\n'
        "    token = oauth.fetch_token(token_url, client_secret=secret)\n"
        "oauthlib.oauth2.rfc6749.errors.InvalidClientError: (invalid_client) "
        "Client authentication failed\n",
        ("InvalidClientError", "invalid_client"),
        "the OAuth client secret of crm_pull is wrong or was rotated",
        "the client id and secret that crm_pull reads for the token request",
    ),
    Handwritten(
        "python_logging",
        "http_api",
        "2024-12-12 13:00:01,010 ERROR shopify_export - export failed\n"
        "Traceback (most recent call last):\n"
        '  File "/app/shopify_export.py", line 140, in post_batch\n'
        "    resp.raise_for_status()\n"
        "requests.exceptions.HTTPError: 422 Client Error: Unprocessable Entity for url: "
        "https://shop.example-store.com/admin/api/products.json\n",
        ("422", "Unprocessable Entity", "shop.example-store.com"),
        "the store API refused the product batch as invalid",
        "the body of the 422 response for the fields post_batch sent",
    ),
    Handwritten(
        "airflow",
        "dependency",
        "[2024-07-01, 00:10:00 UTC] {taskinstance.py:2699} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/geo_enrich.py", line 3, in <module>\n'
        "    import geopandas\n"
        "ImportError: libgdal.so.32: cannot open shared object file: No such file or directory\n",
        ("ImportError", "libgdal.so.32"),
        "the GDAL system library libgdal.so.32 is missing from the worker image",
        "that the image for geo_enrich installs the GDAL package of the right version",
    ),
    Handwritten(
        "spark_log4j2",
        "cloud_storage",
        "2024-09-09 09:09:09,999 ERROR [main] org.apache.spark.SparkContext: Error writing output\n"
        "java.io.IOException: abfss://curated@lakeprod.dfs.core.windows.net/sales: "
        'Operation failed: "This request is not authorized to perform this operation.", 403, '
        "HEAD\n"
        "\tat org.apache.hadoop.fs.azurebfs.AzureBlobFileSystem.getFileStatus"
        "(AzureBlobFileSystem.java:612)\n",
        ("403", "abfss://curated@lakeprod.dfs.core.windows.net/sales"),
        "the identity of the cluster has no data access on the container curated",
        "the role assignments of the cluster identity on lakeprod",
    ),
    Handwritten(
        "python_logging",
        "schema",
        "2023-03-14 15:09:26,535 ERROR bq_load - load job failed\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/loads/bq_load.py", line 57, in load\n'
        "    job.result()\n"
        "google.api_core.exceptions.BadRequest: 400 Provided Schema does not match Table "
        "analytics.web_events. Field page_id has changed type from STRING to INTEGER\n",
        ("BadRequest", "analytics.web_events", "page_id"),
        "a column type in the load file differs from the schema of analytics.web_events",
        "the field types of analytics.web_events against the export",
    ),
)
