"""Red team attack51: the catalogue entries of probe round p12 (commit 6dfe8c2).

Files, disks and memory: each test gives a message in the shape the tool prints it and
says what the on-call engineer needs from the diagnosis. A wrong cause sends them to the
wrong fix, so it is worse than a generic one.
"""

from __future__ import annotations

import re

import pytest

from tests.catalogue_cases import advice, best_entries, fastest
from tests.test_catalogue import shipped_diagnoses


def _best(text: str):
    best = best_entries(text)
    assert best, "no entry matched"
    return best[0]


# ------------------------------------------------------------------ exit code 137


@pytest.mark.parametrize(
    "text",
    [
        # BuildKit (the widened `exit code: 137`): the step ran under coreutils' timeout -s KILL
        'ERROR: process "/bin/sh -c timeout -s KILL 600 ./load_orders.sh" did not complete'
        " successfully: exit code: 137\n",
        # docker compose: the container was stopped, its grace period ran out
        "Gracefully stopping... (press Ctrl+C again to force)\n"
        " Container etl-runner  Stopping\n"
        " Container etl-runner  Stopped\n"
        "etl-runner exited with code 137\n",
    ],
)
def test_exit_137_of_a_kill_the_event_names_is_no_memory_diagnosis(text: str) -> None:
    """The user needs to look at the timeout / the stop, not at memory graphs."""
    best = _best(text)
    assert "memory" not in advice(best), (best.id, advice(best))


def test_exit_137_alone_still_names_sigkill() -> None:
    """A bare 137 from BuildKit keeps the SIGKILL diagnosis (the widening works)."""
    best = _best(
        'ERROR: process "/bin/sh -c python -m etl.build_index" did not complete successfully:'
        " exit code: 137\n"
    )
    assert best.id == "process_killed_oom"


def test_airflow_task_timeout_is_still_the_timeout() -> None:
    """The widened 137 pattern takes no Airflow timeout that prints no 137."""
    best = _best(
        "[2031-02-03, 04:05:06 UTC] {timeout.py:68} ERROR - Process timed out, PID: 4242\n"
        "[2031-02-03, 04:05:06 UTC] {taskinstance.py:1937} ERROR - Task failed with exception\n"
        "airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 4242\n"
        "[2031-02-03, 04:05:07 UTC] {local_task_job_runner.py:234} INFO - Task exited with"
        " return code 1\n"
    )
    assert best.id == "task_timeout"


# ------------------------------------------------------------------ FTP 550


def test_ftp_550_permission_denied_on_cwd_is_no_missing_folder() -> None:
    """The folder exists; the FTP user may not enter it. 'List the server's folders and fix
    the path' sends the engineer after a path that is right."""
    best = _best("ftplib.error_perm: 550 Can't change directory to /exports: Permission denied\n")
    assert best.id != "input_file_missing", advice(best)


def test_ftp_550_with_path_and_permission_denied_is_a_permission_error() -> None:
    best = _best("ftplib.error_perm: 550 /inbox/orders.csv: Permission denied\n")
    assert best.id == "file_permission_denied"


def test_ftp_550_missing_folder_of_pure_ftpd_is_missing() -> None:
    best = _best(
        "ftplib.error_perm: 550 Can't change directory to incoming: No such file or directory\n"
    )
    assert best.id == "input_file_missing"


# ------------------------------------------------------------------ broken pipes


def test_rsync_broken_pipe_over_ssh_is_no_output_pipe_reader() -> None:
    """rsync writes to its ssh transport; the broken pipe means the connection died.
    'Let the reader consume all output, or handle SIGPIPE' is the wrong fix."""
    best = _best(
        "rsync: [sender] write error: Broken pipe (32)\n"
        "rsync error: error in socket IO (code 10) at io.c(823) [sender=3.2.7]\n"
    )
    assert best.id != "output_pipe_closed", advice(best)


@pytest.mark.parametrize(
    "text",
    [
        "requests.exceptions.ConnectionError: ('Connection aborted.', BrokenPipeError(32,"
        " 'Broken pipe'))\n",
        "ssh: client_loop: send disconnect: Broken pipe\n",
        "psql: error: could not write COPY data: Broken pipe\n",
    ],
)
def test_socket_broken_pipes_are_no_output_pipe(text: str) -> None:
    best = best_entries(text)
    assert not best or best[0].id != "output_pipe_closed"


def test_stdout_broken_pipe_at_exit_is_the_output_pipe() -> None:
    best = _best(
        "Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>\n"
        "BrokenPipeError: [Errno 32] Broken pipe\n"
    )
    assert best.id == "output_pipe_closed"


def test_output_pipe_pattern_is_linear_on_a_padded_line() -> None:
    """A line that pads the stdout repr with a long run of blanks (a fixed-width report
    written after it) must cost time linear in its length."""
    entry = next(e for e in shipped_diagnoses() if e.id == "output_pipe_closed")
    rx = re.compile(entry.match.message)
    pre = "Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>"
    small, big = pre + " " * 4000 + "|\n", pre + " " * 32000 + "|\n"
    fast_big, fast_small = fastest(rx, big, 5), fastest(rx, small, 5)
    assert fast_big < 24 * fast_small + 0.1, (fast_big, fast_small)


def test_other_p12_patterns_are_linear_after_their_prefixes() -> None:
    """Each new pattern after its own literal prefix, then a long run: linear."""
    prefixes = [
        "Warehouse '", "resource monitor '", "550 /", "Could not allocate space for object '",
        "out of shared memory", "FAILED_EXECUTE_UDF", "Stale file handle: '",
        "TemplateNotFound: ", "bind source path does not exist: ",
        "Failed to get a temp directory under [", "Failed to create local dir in ",
        "error while creating mount source path '", "Your table [",
        "The node was low on resource: ephemeral-storage. Container ",
        "Memory limit (total) exceeded: would use ", "The database '",
    ]  # fmt: skip
    ids = {
        "thread_limit_reached", "warehouse_credit_quota_exceeded", "container_shm_exhausted",
        "pod_evicted_disk_pressure", "stale_file_handle", "warehouse_table_quota_exceeded",
        "db_edition_size_limit", "db_server_out_of_memory", "executor_oom", "disk_full",
    }  # fmt: skip
    for entry in shipped_diagnoses():
        if entry.id not in ids or not entry.match.message:
            continue
        rx = re.compile(entry.match.message)
        for pre in prefixes:
            for unit in (" ", "a", "'", "\n"):
                small, big = pre + unit * 2000, pre + unit * 16000
                fast_big, fast_small = fastest(rx, big, 3), fastest(rx, small, 3)
                assert fast_big < 24 * fast_small + 0.05, (entry.id, pre, unit)


# ------------------------------------------------------------------ PostgreSQL shared memory


def test_shmem_alloc_failure_is_no_lock_table() -> None:
    """ShmemAlloc's failure names the bytes requested and no lock HINT; the lock table and
    max_locks_per_transaction are not in the event."""
    best = _best("psycopg2.errors.OutOfMemory: out of shared memory (2097152 bytes requested)\n")
    assert "max_locks_per_transaction" not in advice(best), advice(best)
    assert "lock table" not in advice(best), advice(best)


def test_lock_table_with_its_hint_names_the_setting() -> None:
    best = _best(
        "ERROR:  out of shared memory\n"
        "HINT:  You might need to increase max_locks_per_transaction.\n"
    )
    assert best.id == "db_server_out_of_memory"
    assert "max_locks_per_transaction" in advice(best)


# ------------------------------------------------------------------ Kubernetes ephemeral storage


@pytest.mark.parametrize(
    "text",
    [
        "Pod ephemeral local storage usage exceeds the total limit of containers 2Gi.\n",
        'Container etl-runner exceeded its local ephemeral storage limit "1Gi".\n',
    ],
)
def test_pod_over_its_own_storage_limit_is_no_node_disk_pressure(text: str) -> None:
    """The node had room; the pod wrote more than its limit. The fix is the limit (or
    less scratch data), not the node's disk."""
    best = _best(text)
    assert "node's local disk" not in advice(best), advice(best)


def test_node_disk_pressure_eviction_names_the_container() -> None:
    best = _best(
        "Reason: Evicted. Message: The node was low on resource: ephemeral-storage. Container"
        " loader was using 7Gi, which exceeds its request of 0.\n"
    )
    assert best.id == "pod_evicted_disk_pressure"
    assert "loader" in advice(best)


def test_memory_eviction_is_no_disk_pressure() -> None:
    best = best_entries(
        "Reason: Evicted. Message: The node was low on resource: memory. Container loader was"
        " using 7Gi, which exceeds its request of 4Gi.\n"
    )
    assert not best or best[0].id != "pod_evicted_disk_pressure"


# ------------------------------------------------------------------ threads


def test_go_thread_creation_enomem_is_no_pids_limit() -> None:
    """errno=12 is ENOMEM: the Go runtime prints its ulimit -u hint only for EAGAIN (11).
    'Check ulimit -u and the pids limit' sends the engineer to the wrong limit."""
    best = _best(
        "runtime: failed to create new OS thread (have 14 already; errno=12)\n"
        "fatal error: newosproc\n"
    )
    assert "ulimit -u" not in advice(best), advice(best)


def test_go_thread_creation_eagain_is_the_thread_limit() -> None:
    best = _best(
        "runtime: failed to create new OS thread (have 2049 already; errno=11)\n"
        "runtime: may need to increase max user processes (ulimit -u)\n"
        "fatal error: newosproc\n"
    )
    assert best.id == "thread_limit_reached"


def test_thread_start_at_interpreter_shutdown_is_no_thread_limit() -> None:
    best = best_entries("RuntimeError: can't create new thread at interpreter shutdown\n")
    assert not best or best[0].id != "thread_limit_reached"


def test_udf_out_of_native_threads_is_the_thread_limit() -> None:
    best = _best(
        "org.apache.spark.SparkException: [FAILED_EXECUTE_UDF] Failed to execute user defined"
        " function (`fetch_rates (udfs.py)`: (string) => string).\n"
        "Caused by: java.lang.OutOfMemoryError: unable to create new native thread\n"
    )
    assert best.id == "thread_limit_reached"


def test_udf_heap_in_local_mode_is_no_executor_oom() -> None:
    best = _best(
        "org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 7.0"
        " failed 1 times, most recent failure: Lost task 3.0 in stage 7.0 (TID 88) (10.1.2.3"
        " executor driver): org.apache.spark.SparkException: [FAILED_EXECUTE_UDF] Failed to"
        " execute user defined function (`f (udfs.py)`: (string) => string).\n"
        "Caused by: java.lang.OutOfMemoryError: Java heap space\n"
    )
    assert best.id != "executor_oom"


# ------------------------------------------------------------------ templates, SFTP, Docker


def test_template_not_found_outside_airflow_names_no_airflow() -> None:
    """A report script renders HTML with jinja2; nothing in the event is Airflow."""
    best = _best(
        "2031-02-03 04:05:06,789 ERROR report.render - Rendering failed:"
        " jinja2.exceptions.TemplateNotFound: monthly_report.html\n"
    )
    assert "Airflow" not in advice(best), advice(best)
    assert "DAG" not in advice(best), advice(best)


def test_template_not_found_of_a_bash_command_keeps_its_own_entry() -> None:
    best = _best(
        "[2031-02-03, 04:05:06 UTC] {taskinstance.py:1937} ERROR - jinja2.exceptions"
        ".TemplateNotFound: bash /opt/etl/scripts/load.sh\n"
    )
    assert best.id == "template_render_error"


def test_local_file_missing_with_its_path_is_no_sftp() -> None:
    best = _best(
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/pull.py", line 12, in <module>\n'
        "    with open(path) as f:\n"
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/in/orders.csv'\n"
    )
    assert "SFTP" not in advice(best)


def test_mount_source_on_a_full_disk_is_no_missing_folder() -> None:
    """The daemon tried to create the folder and the disk was full: 'create the folder on
    the host' fails the same way; the engineer needs to free disk."""
    best = _best(
        "docker: Error response from daemon: error while creating mount source path"
        " '/srv/etl/data': mkdir /srv/etl/data: no space left on device.\n"
    )
    assert best.id == "disk_full" or "space" in advice(best), (best.id, advice(best))


def test_airflow_tmp_bind_mount_retry_is_not_the_missing_mount() -> None:
    best = best_entries(
        'docker: Error response from daemon: invalid mount config for type "bind": bind source'
        " path does not exist: /tmp/airflowtmpk2j3h4.\n"
    )
    assert not best or "Docker host" not in advice(best[0])


def test_spark_local_dir_without_a_bracketed_list_names_the_dir() -> None:
    best = _best(
        "31/02/03 04:05:06 ERROR DiskBlockManager: Failed to create local dir in"
        " /mnt/disk1/spark. Ignoring this directory.\n"
    )
    assert best.id == "output_dir_create_failed"
    assert "/mnt/disk1/spark" in advice(best)


def test_sql_server_1101_by_its_text_is_disk_full() -> None:
    best = _best(
        "Msg 1101, Level 17, State 12, Line 3\n"
        "Could not allocate a new page for database 'tempdb' because of insufficient disk space"
        " in filegroup 'DEFAULT'.\n"
    )
    assert best.id == "disk_full"


def test_databricks_restart_with_a_heap_error_names_the_heap() -> None:
    best = _best(
        "2031-02-03 04:05:06 ERROR runner - Run failed: The spark driver has stopped"
        " unexpectedly and is restarting. Your notebook will be automatically reattached.\n"
        "java.lang.OutOfMemoryError: Java heap space\n"
    )
    assert "Java heap space" in advice(best)
