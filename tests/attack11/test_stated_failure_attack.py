# ruff: noqa: E501
"""Red-team attack on 36a2284: failures stated below ERROR (or with no level) open events.

Every line here was written for this attack in the shape the named software prints it;
none is copied from the corpus. Each test states the behaviour an on-call engineer
needs and fails on 36a2284.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from logsumd.assemble._prefilter import Scan
from logsumd.assemble.multiline import compile_rules
from logsumd.config import MultilineSettings
from tests.attack13._cli import summarize_all
from tests.log_lines import around, py
from tests.test_multiline_rules import run, spans


def af(src: str, level: str, msg: str) -> str:
    """An Airflow task or scheduler log record."""
    return f"[2026-03-01T04:10:03.500+0000] {{{src}}} {level} - {msg}"


def spark(level: str, cls: str, msg: str) -> str:
    """A Spark log4j record (yy/MM/dd)."""
    return f"26/03/01 04:10:03 {level} {cls}: {msg}"


def kafka(level: str, msg: str) -> str:
    """A Kafka client/broker log4j record."""
    return f"[2026-03-01 04:10:03,120] {level} {msg}"


def flink(level: str, cls: str, msg: str) -> str:
    """A Flink log4j record."""
    return f"2026-03-01 04:10:03,120 {level}  {cls} [] - {msg}"


# Lines that real software prints during normal, successful runs.
BENIGN = {
    "airflow_dep_already_running": af(
        "taskinstance.py:1157",
        "INFO",
        "Dependencies not met for <TaskInstance: sales.load scheduled__2026-03-01T00:00:00+00:00 [running]>, dependency 'Task Instance Not Running' FAILED: Task is in the running state",
    ),
    "airflow_dep_retry_period": af(
        "taskinstance.py:1157",
        "INFO",
        "Dependencies not met for <TaskInstance: sales.load scheduled__2026-03-01T00:00:00+00:00 [up_for_retry]>, dependency 'Not In Retry Period' FAILED: Task is not ready for retry yet but will be retried automatically. Current date is 2026-03-01T04:10:03.500+00:00 and task will be retried at 2026-03-01T04:15:00+00:00.",
    ),
    "spark_windows_winutils": spark(
        "WARN",
        "Shell",
        "Did not find winutils.exe: java.io.FileNotFoundException: HADOOP_HOME and hadoop.home.dir are unset.",
    ),
    "spark_no_metadata_dir": spark(
        "WARN",
        "FileStreamSink",
        "Assume no metadata directory. Error while looking for metadata directory in the path: s3a://lake/raw/orders/day=2026-03-01.",
    ),
    "spark_dynamic_allocation_release": spark(
        "WARN",
        "YarnSchedulerBackend$YarnSchedulerEndpoint",
        "Requesting driver to remove executor 7 for reason Container marked as failed: container_e12_1700000000000_0042_01_000008 on host: worker-3. Exit status: 143. Diagnostics: Container killed on request. Exit code is 143",
    ),
    "kafka_topic_autocreate": kafka(
        "WARN",
        "[Producer clientId=producer-1] Error while fetching metadata with correlation id 4 : {orders=LEADER_NOT_AVAILABLE} (org.apache.kafka.clients.NetworkClient)",
    ),
    "kafka_commit_during_rebalance": kafka(
        "WARN",
        "[Consumer clientId=consumer-loader-1, groupId=loader] Offset commit failed on partition orders-0 at offset 1200: The coordinator is not aware of this member. (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)",
    ),
    "kafka_autocommit_kicked": kafka(
        "WARN",
        "[Consumer clientId=consumer-loader-1, groupId=loader] Synchronous auto-commit of offsets {orders-0=OffsetAndMetadata{offset=1200, leaderEpoch=0, metadata=''}} failed: Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group. (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)",
    ),
    "kafka_leader_moved_retrying": kafka(
        "WARN",
        "[Producer clientId=producer-1] Got error produce response with correlation id 88 on topic-partition orders-0, retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER (org.apache.kafka.clients.producer.internals.Sender)",
    ),
    "zookeeper_client_reconnect": "2026-03-01 04:10:03,120 [myid:] - WARN  [main-SendThread(localhost:2181):ClientCnxn$SendThread@1164] - Session 0x0 for server localhost/127.0.0.1:2181, unexpected error, closing socket connection and attempting reconnect java.net.ConnectException: Connection refused",
    "zookeeper_server_starting": "2026-03-01 04:10:03,120 - WARN  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@362] - Exception causing close of session 0x0 due to java.io.IOException: ZooKeeperServer not running",
    "flink_bounded_source_checkpoint": flink(
        "INFO",
        "org.apache.flink.runtime.checkpoint.CheckpointFailureManager",
        "Failed to trigger checkpoint for job 3f1a2b9c since Checkpoint triggering task Source: orders (1/1) of job 3f1a2b9c is not in state RUNNING but FINISHED instead. Aborting checkpoint.",
    ),
    "flink_checkpoint_not_all_running": flink(
        "INFO",
        "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
        "Failed to trigger checkpoint for job 3f1a2b9c because Some tasks of the job have already finished and checkpointing with finished tasks is not enabled. Failure reason: Not all required tasks are currently running.",
    ),
    "pip_retrying": "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f3a>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/pandas/",
    "urllib3_retrying": "WARNING:urllib3.connectionpool:Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ProtocolError('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))': /v2/orders?page=3",
    "fluentbit_flush_retry": "[2026/03/01 04:10:03] [ warn] [engine] failed to flush chunk '1-1772338203.120.flb', retry in 10 seconds: task_id=0, input=tail.0 > output=es.0 (out_id=0)",
    "docker_mesg_tty": "mesg: ttyname failed: Inappropriate ioctl for device",
    "k8s_readiness_while_starting": 'Warning Unhealthy pod/etl-api-7d9f Readiness probe failed: Get "http://10.1.2.5:8080/health": dial tcp 10.1.2.5:8080: connect: connection refused',
    "nginx_info_tls_scanner": "2026/03/01 04:10:03 [info] 7#7: *1288 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 198.51.100.4, server: 0.0.0.0:443",
    "httpx_optional_file_404": '2026-03-01 04:10:03,120 - httpx - INFO - HTTP Request: HEAD https://huggingface.co/acme/loader/resolve/main/adapter_config.json "HTTP/1.1 404 Not Found"',
    "httpx_rate_limited_retried": '2026-03-01 04:10:03,120 - httpx - INFO - HTTP Request: POST https://api.openai.test/v1/chat/completions "HTTP/1.1 429 Too Many Requests"',
    "token_refresh_401": py(3, "INFO", "Access token expired (HTTP 401), refreshing and retrying"),
    "readiness_503_starting": py(
        3,
        "WARNING",
        "Readiness check of http://warehouse:8080/ready returned HTTP 503 (starting up); retrying in 2 s",
    ),
    "count_zero_percent": py(3, "INFO", "Rows failed: 0 (0.00%)"),
    "count_zero_fraction": py(3, "INFO", "Checks failed: 0/12"),
    "count_zero_float": py(3, "INFO", "Failure ratio: 0.00 (threshold 0.05)"),
    "count_zero_of": py(3, "INFO", "Tasks failed: 0 of 12"),
    "quarantine_path": py(
        3,
        "INFO",
        "Failed records written to quarantine: s3://lake/quarantine/day=2026-03-01/ (0 rows)",
    ),
    "sqlalchemy_echo_params": "2026-03-01 04:10:03,120 INFO sqlalchemy.engine.Engine [cached since 12.3s ago] {'state_1': 'failed', 'dag_id_1': 'sales'}",
    "tensorflow_no_cuda": "2026-03-01 04:10:03.120000: W tensorflow/compiler/xla/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory",
    "config_dump_error_log": "error log: /var/log/etl/error.log",
    "config_dump_error_threshold": "Error threshold: 0.05",
    "json_info_empty_error": '{"time": "2026-03-01T04:10:03Z", "level": "INFO", "message": "batch committed", "rows": 1200, "error": ""}',
    "warning_empty_error_string": py(
        3, "WARNING", "Run result: {'status': 'partial', 'error': ''}"
    ),
    "celery_debug_retry": "[2026-03-01 04:10:03,120: DEBUG/MainProcess] Task etl.fetch[9a1b] retry failed: ConnectionError('pool timeout') (will retry)",
}


LEFT_BENIGN = {
    "k8s_readiness_while_starting": "left alone: a failed probe with 'connection refused' "
    "is stated with an error phrase; Kubernetes event tables are not what logsumd tails",
}


def _params(cases: dict[str, str], left: dict[str, str]) -> list[Any]:
    """The cases, those the lead left alone as strict xfails with the reason (README limits)."""
    return [
        pytest.param(
            line,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=left[name])] if name in left else [],
        )
        for name, line in cases.items()
    ]


@pytest.mark.parametrize("line", _params(BENIGN, LEFT_BENIGN))
def test_benign_lines_of_successful_runs_open_no_event(line: str) -> None:
    """A line that software prints during a normal, successful run opens no event."""
    assert run(around(line)) == []


@pytest.mark.xfail(
    strict=True,
    reason="left alone: a container killed with 137 is alerted (an OOM kill prints the same line); only 143, SIGTERM, is taken for a requested stop",
)
def test_compose_shutdown_exit_codes_are_no_events() -> None:
    """Containers stopped by ``docker compose`` (SIGTERM 143, SIGKILL after the grace period 137) are no failure."""
    text = "\n".join(
        [
            "Gracefully stopping... (press Ctrl+C again to force)",
            " Container etl-web-1  Stopping",
            " Container etl-scheduler-1  Stopping",
            "etl-web-1 exited with code 143",
            " Container etl-web-1  Stopped",
            "etl-scheduler-1 exited with code 137",
            " Container etl-scheduler-1  Stopped",
        ]
    )
    assert run(text) == []


@pytest.mark.xfail(
    strict=True,
    reason="left alone: a stated failure and the ERROR record after it join only in the same second (same_burst); a second apart they are two events",
)
def test_a_stated_failure_and_its_error_record_are_one_event() -> None:
    """A WARNING that states a failure, directly followed by the ERROR record of the same failure, is one event."""
    text = "\n".join(
        [
            py(1, "INFO", "loader started"),
            py(2, "WARNING", "Fetch of page 7 failed: ReadTimeout('read timed out')"),
            py(3, "ERROR", "Run aborted: 1 page could not be fetched"),
            py(4, "INFO", "loader stopped"),
        ]
    )
    assert len(run(text)) == 1


def test_a_distinct_failure_right_after_an_event_is_not_dropped() -> None:
    """A different failure stated within 5 lines after an unrelated event is its own event, not silently dropped."""
    text = "\n".join(
        [
            py(1, "INFO", "loader started"),
            py(2, "ERROR", "Load of orders failed"),
            "Traceback (most recent call last):",
            '  File "/srv/etl/load.py", line 40, in load_orders',
            "    cur.execute(sql)",
            'psycopg2.errors.UndefinedTable: relation "sales.orders" does not exist',
            py(
                7,
                "WARNING",
                "Upload of report to s3://lake/reports/day.csv failed: ClientError('AccessDenied')",
            ),
            py(9, "INFO", "loader stopped"),
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 6), (7, 7)]


MISSED = {
    "past_300_chars": py(
        3,
        "INFO",
        'Fetch of https://lake-raw.s3.amazonaws.com/orders/day=2026-03-01/part-0.parquet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260301%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260301T041003Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=4f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0 failed: ConnectionError("Connection reset by peer")',
    ),
    "http_403_no_token": "403 Forbidden: Access Denied to bucket lake-raw",
    "http_400_no_token": py(3, "WARNING", "400 Bad Request: field 'amount' must be a number"),
    "could_not_no_token": py(3, "WARNING", "Could not connect to warehouse: timeout expired"),
    "unable_to_no_token": py(
        3, "WARNING", "Unable to load partition 2026-02-28: permission denied"
    ),
    "cannot_no_token": py(3, "WARNING", "Cannot open /data/in/orders.csv: Permission denied"),
    "shell_killed": "Killed",
    "bash_job_killed": "./run_etl.sh: line 12:  4211 Killed                  python load.py --day 2026-03-01",
    "segfault": "Segmentation fault (core dumped)",
    "nonzero_exit_status": py(
        3,
        "WARNING",
        "Command '['dbt', 'run', '--select', 'orders']' returned non-zero exit status 2.",
    ),
    "exited_with_status_137": py(3, "INFO", "loader process exited with status 137"),
    "yarn_memory_kill": spark(
        "WARN",
        "YarnAllocator",
        "Container killed by YARN for exceeding memory limits. 5.6 GB of 5.5 GB physical memory used. Consider boosting spark.yarn.executor.memoryOverhead.",
    ),
    "k8s_backoff": "Warning  BackOff  pod/etl-load-7d9f  Back-off restarting failed container load in pod etl-load-7d9f_etl(4f1c)",
    "k8s_oomkilled": "etl-load-7d9f   0/1     OOMKilled          3 (40s ago)   5m",
    "systemd_killed": "Mar 01 04:10:03 etl-1 systemd[1]: etl-load.service: Main process exited, code=killed, status=9/KILL",
    "systemd_oom_result": "Mar 01 04:10:03 etl-1 systemd[1]: etl-load.service: Failed with result 'oom-kill'.",
    "kernel_oom": "Mar 01 04:10:03 etl-1 kernel: Out of memory: Killed process 4211 (python3) total-vm:8123456kB, anon-rss:4012345kB, file-rss:0kB",
    "celery_worker_sigkill": "[2026-03-01 04:10:03,120: WARNING/MainProcess] Worker exited prematurely: signal 9 (SIGKILL) Job: 12.",
    "make_error": "make: *** [Makefile:12: load] Error 2",
    "compose_exit_1": "etl-loader-1 exited with code 1",
}


_NO_TOKEN = (
    "left alone: the line holds no prefilter token, and each token is one more pass of "
    "bytes.find over every chunk the daemon reads (README limits)"
)
LEFT_MISSED = {
    "http_403_no_token": _NO_TOKEN,
    "http_400_no_token": _NO_TOKEN,
    "could_not_no_token": _NO_TOKEN,
    "unable_to_no_token": _NO_TOKEN,
    "cannot_no_token": _NO_TOKEN,
    "segfault": _NO_TOKEN,
    "nonzero_exit_status": _NO_TOKEN + "; CalledProcessError comes with its traceback",
    "k8s_backoff": _NO_TOKEN + "; and it states no cause",
    "celery_worker_sigkill": _NO_TOKEN,
    "past_300_chars": "left alone after round 2: a failure logged at INFO is handled by design "
    "(the 1000 characters searched hold for WARNING, test_stated_failure.py)",
}


@pytest.mark.parametrize("line", _params(MISSED, LEFT_MISSED))
def test_real_failures_below_error_open_an_event(line: str) -> None:
    """A job killed, crashed or failed with a stated cause below ERROR (or with no level) opens one event."""
    assert len(run(around(line))) == 1


@pytest.mark.xfail(
    strict=True, reason="left alone: 'Could not' holds no prefilter token (see LEFT_MISSED)"
)
def test_a_stated_failure_with_a_cause_is_alerted_end_to_end(tmp_path: Path) -> None:
    """``logsumd summarize`` reports a WARNING ``Could not ...: <cause>`` (the verbs the rule lists) as an event."""
    log = tmp_path / "a.log"
    log.write_text(
        around(py(3, "WARNING", "Could not connect to warehouse: timeout expired")) + "\n"
    )
    assert len(summarize_all(log)) == 1


def test_httpx_success_lines_stay_out_of_the_prefilter() -> None:
    """httpx's INFO ``HTTP Request: ... "HTTP/1.1 200 OK"`` (one per request) is not a prefilter hit to parse."""
    line = b'2026-03-01 04:10:03,120 - httpx - INFO - HTTP Request: GET https://api.shop.test/v2/orders?page=3 "HTTP/1.1 200 OK"'
    tokens = compile_rules(MultilineSettings()).tokens
    assert Scan([line], 0, tokens).next_hit([line], 0) == 1
