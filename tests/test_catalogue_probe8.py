"""Failure modes the probe's round p12 showed the catalogue did not know.

A helper collected 69 messages about files, disks and memory as every layer prints them
(the OS, the JVM, Spark, Kubernetes, Docker, FTP and SFTP servers, the databases and
warehouses), labelled with the corpus's diagnosis ids; the catalogue named 44% of them.
These cases are written here in the tools' own wording, with other identifiers and values
than the probe's messages; the negative cases are similar messages of another cause.
"""

from __future__ import annotations

import pytest

from tests.catalogue_cases import advice, assert_names, best_entries

PROBE_8 = [
    # (expected id, message, a word the cause or next step must say)
    ("thread_limit_reached",  # CPython's threading
     "2031-02-03 04:05:06,789 ERROR fetcher - Download pool failed: can't start new thread\n",
     "ulimit -u"),
    ("thread_limit_reached",  # the JVM, older wording
     "Exception in thread \"shuffle-client-4-1\" java.lang.OutOfMemoryError: unable to create"
     " new native thread\n", "pids limit"),
    ("warehouse_credit_quota_exceeded",  # Snowflake's resource monitor
     "2031-02-03 04:05:06,789 ERROR load - Warehouse 'LOAD_WH' cannot be resumed because"
     " resource monitor 'MONTHLY_RM' has exceeded its quota.\n", "LOAD_WH"),
    ("input_file_missing",  # paramiko: the SFTP status text, without the path
     "2031-02-03 04:05:06,789 ERROR sftp_pull - Download of inbox/orders_0207.csv failed:"
     " [Errno 2] No such file\n", "SFTP"),
    ("input_file_missing",  # jinja2's TemplateNotFound on a log line
     "[2031-02-03, 04:05:06 UTC] {taskinstance.py:1937} ERROR - jinja2.exceptions"
     ".TemplateNotFound: queries/load_orders.sql\n", "queries/load_orders.sql"),
    ("input_file_missing",  # Docker: a bind mount's host path
     "Error response from daemon: invalid mount config for type \"bind\": bind source path does"
     " not exist: /srv/etl/config/settings.yaml\n", "/srv/etl/config/settings.yaml"),
    ("output_dir_create_failed",  # Docker Desktop: the host folder of a bind mount
     "ERROR: for scheduler  Cannot start service scheduler: error while creating mount source"
     " path '/host_mnt/d/projects/etl/plugins': mkdir /host_mnt/d: file exists\n",
     "/host_mnt/d/projects/etl/plugins"),
    ("input_file_missing",  # ProFTPD's 550 with the path
     "ftplib.error_perm: 550 /exports/2031/daily/: No such file or directory\n",
     "/exports/2031/daily/"),
    ("input_file_missing",  # vsftpd's 550 for a missing folder
     "2031-02-03 04:05:06,789 ERROR ftp_sync - cwd to reports failed: 550 Failed to change"
     " directory.\n", "FTP"),
    ("output_dir_create_failed",  # Spark's temp directory
     "Exception in thread \"main\" java.io.IOException: Failed to get a temp directory under"
     " [/scratch/spark-tmp].\n", "/scratch/spark-tmp"),
    ("stale_file_handle",  # Python, with the path
     "2031-02-03 04:05:06,789 ERROR cache - Refresh failed: [Errno 116] Stale file handle:"
     " '/mnt/shared/cache/model.bin'\n", "/mnt/shared/cache/model.bin"),
    ("stale_file_handle",  # the JVM, without one
     "java.io.IOException: Stale file handle\n", "NFS"),
    ("output_pipe_closed",  # Python 3 flushing stdout at exit
     "Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>\n"
     "BrokenPipeError: [Errno 32] Broken pipe\n", "BrokenPipeError"),
    ("output_pipe_closed",  # coreutils
     "cat: write error: Broken pipe\n", "BrokenPipeError"),
    ("disk_full",  # SQL Server 1105, with its text
     "Msg 1105, Level 17, State 2, Line 1\nCould not allocate space for object"
     " 'dbo.fact_orders'.'PK_fact_orders' in database 'SalesDW' because the 'PRIMARY' filegroup"
     " is full. Create disk space by deleting unneeded files.\n", "SalesDW"),
    ("disk_full",  # SQL Server's errorlog: the number on a record of its own
     "2031-02-03 04:05:06.78 spid54      Error: 1105, Severity: 17, State: 2.\n", "SQL Server"),
    ("disk_full",  # SQLite's SQLITE_FULL
     "2031-02-03 04:05:06,789 ERROR stage - sqlite3.OperationalError: database or disk is"
     " full\n", "SQLite"),
    ("disk_full",  # Amazon Redshift's 1016 through psycopg2
     "psycopg2.errors.DiskFull: Disk Full\nDETAIL:  \n  ---------------------------------\n"
     "  error:  Disk Full\n  code:      1016\n  context:   node: 3\n", "STV_PARTITIONS"),
    ("db_edition_size_limit",  # SQL Server Express
     "CREATE DATABASE or ALTER DATABASE failed because the resulting cumulative database size"
     " would exceed your licensed limit of 4096 MB per database.\n", "4096 MB"),
    ("db_edition_size_limit",  # Azure SQL Database 40544
     "pyodbc.ProgrammingError: ('42000', \"[42000] [Microsoft][ODBC Driver 18 for SQL Server]"
     "[SQL Server]The database 'sales_db' has reached its size quota. Partition or delete data,"
     " drop indexes, or consult the documentation for possible resolutions. (40544)\")\n",
     "sales_db"),
    ("container_shm_exhausted",  # PostgreSQL's dynamic shared memory
     "psycopg2.errors.DiskFull: could not resize shared memory segment \"/PostgreSQL.1234567\""
     " to 8388608 bytes: No space left on device\n", "/PostgreSQL.1234567"),
    ("container_shm_exhausted",  # PyTorch's DataLoader
     "ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient"
     " shared memory (shm).\n", "num_workers"),
    ("db_server_out_of_memory",  # PostgreSQL's predicate lock table
     "psycopg2.errors.OutOfMemory: out of shared memory\nHINT:  You might need to increase"
     " max_pred_locks_per_transaction.\n", "max_pred_locks_per_transaction"),
    ("db_server_out_of_memory",  # ClickHouse 241
     "Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.32 GiB (attempt"
     " to allocate chunk of 4194304 bytes), maximum: 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)\n",
     "9.32 GiB"),
    ("warehouse_table_quota_exceeded",  # BigQuery's daily partition modifications
     "google.api_core.exceptions.Forbidden: 403 Quota exceeded: Your table exceeded quota for"
     " Number of partition modifications to a column partitioned table. For more information,"
     " see https://cloud.google.com/bigquery/docs/troubleshoot-quotas\n",
     "partition modifications"),
    ("warehouse_table_quota_exceeded",  # BigQuery's partitions per job
     "google.api_core.exceptions.BadRequest: 400 Too many partitions produced by query, allowed"
     " 10000, query produces at least 12873 partitions\n", "10000"),
    ("pod_evicted_disk_pressure",  # the kubelet, the node's disk
     "Reason: Evicted. Message: The node was low on resource: ephemeral-storage. Container"
     " etl-runner was using 5242880Ki, which exceeds its request of 0.\n", "etl-runner"),
    ("pod_evicted_disk_pressure",  # the pod's own limit
     "Pod ephemeral local storage usage exceeds the total limit of containers 2Gi.\n",
     "ephemeral-storage"),
    ("executor_oom",  # Spark 3's UDF error class
     "org.apache.spark.SparkException: [FAILED_EXECUTE_UDF] Failed to execute user defined"
     " function (`parse_payload (udfs.py)`: (string) => string).\n"
     "Caused by: java.lang.OutOfMemoryError: Java heap space\n", "Java heap space"),
    ("driver_oom",  # Databricks
     "2031-02-03 04:05:06 ERROR notebook_runner - Cell 14 failed: The spark driver has stopped"
     " unexpectedly and is restarting.\n", "Databricks"),
    ("driver_oom",  # ENOMEM in an exception's repr
     "2031-02-03 04:05:06,789 CRITICAL pool - Worker start failed: OSError(12, 'Cannot allocate"
     " memory')\n", "memory"),
    ("process_killed_oom",  # BuildKit's newer wording
     "ERROR: process \"/bin/sh -c pip install -r requirements.txt\" did not complete"
     " successfully: exit code: 137\n", "SIGKILL"),
]  # fmt: skip


@pytest.mark.parametrize(("expected", "text", "named"), PROBE_8)
def test_probe_round_p12_failure_modes(expected: str, text: str, named: str) -> None:
    assert_names(expected, text, named)


NOT_THESE = [
    # (an entry that must not win, a similar message of another cause)
    ("input_file_missing",  # DockerOperator retries without its temporary folder's mount
     "docker.errors.APIError: 400 Client Error for http+docker://localhost/v1.45/containers/"
     "create?name=transform: Bad Request (\"invalid mount config for type \"bind\": bind source"
     " path does not exist: /tmp/airflowtmpq8x2lz1m\")\n"),
    ("input_file_missing",  # an FTP refusal, not a missing file
     "ftplib.error_perm: 550 Permission denied.\n"),
    ("output_pipe_closed",  # a socket dropped by the server
     "requests.exceptions.ConnectionError: ('Connection aborted.', BrokenPipeError(32, 'Broken"
     " pipe'))\n"),
    ("container_shm_exhausted",  # a full disk under the database's temporary files
     "psycopg2.errors.DiskFull: could not write to file \"base/pgsql_tmp/pgsql_tmp4711.3\": No"
     " space left on device\n"),
    ("warehouse_table_quota_exceeded",  # BigQuery's appends per table: a rate, labelled so
     "Quota exceeded: Your table exceeded quota for imports or query appends per table. For more"
     " information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas\n"),
    ("pod_evicted_disk_pressure",  # evicted for memory
     "Reason: Evicted. Message: The node was low on resource: memory. Container spark-executor"
     " was using 7340032Ki, which exceeds its request of 4Gi.\n"),
    ("executor_oom",  # a UDF that fails on its data
     "org.apache.spark.SparkException: Failed to execute user defined function (`to_cents"
     " (udfs.py)`: (string) => int)\nCaused by: java.lang.NullPointerException\n"),
    ("thread_limit_reached",  # the heap, not the thread limit
     "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"),
]  # fmt: skip


@pytest.mark.parametrize(("wrong", "text"), NOT_THESE)
def test_similar_messages_of_another_cause(wrong: str, text: str) -> None:
    best = best_entries(text)
    assert not best or best[0].id != wrong, advice(best[0])


def test_a_local_file_missing_is_no_sftp_server() -> None:
    """The SFTP entry takes paramiko's bare status text, not the OS's own message."""
    best = best_entries("FileNotFoundError: [Errno 2] No such file or directory: 'in/a.csv'\n")
    assert best[0].id == "input_file_missing"
    assert "SFTP" not in advice(best[0])
