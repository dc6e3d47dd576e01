# ruff: noqa: E501
"""Red-team round 2 on 0b7548e: the narrowed rule for failures stated below ERROR.

Every line was written for this attack in the shape the named software prints it;
none is copied from the corpus. Each test states what an on-call engineer needs and
fails on 0b7548e (none is marked xfail).
"""

from __future__ import annotations

import pytest

from tests.log_lines import af, around, py
from tests.test_multiline_rules import run, spans

# Routine lines of healthy systems that the new rule turns into events.
BENIGN = {
    # Kafka Java clients 2.x, INFO, FetchSessionHandler: every idle-connection close or broker roll.
    "kafka_fetch_session_disconnect": "[2026-03-01 04:10:03,120] INFO [Consumer clientId=consumer-loader-1, groupId=loader] Error sending fetch request (sessionId=1514355290, epoch=INITIAL) to node 2: org.apache.kafka.common.errors.DisconnectException. (org.apache.kafka.clients.FetchSessionHandler)",
    # kafka-python: every consumer-group rebalance (each deploy / scale event); the next commit succeeds.
    "kafka_python_commit_during_rebalance": "2026-03-01 04:10:03,120 - kafka.coordinator.consumer - WARNING - Auto offset commit failed for group loader: [Error 27] RebalanceInProgressError",
    # librdkafka level 4 (warning): printed while a broker restarts; the client reconnects by itself.
    "rdkafka_broker_restarting": "%4|1772338203.120|FAIL|rdkafka#consumer-1| [thrd:kafka-1:9092/1]: kafka-1:9092/1: Connect to ipv4#10.0.0.5:9092 failed: Connection refused (after 0ms in state CONNECT)",
    # Spark NettyRpcEnv.ask: a late failure of an already answered ask, logged as ignored (executor loss, shutdown).
    "spark_ignored_failure": "26/03/01 04:10:03 WARN NettyRpcEnv: Ignored failure: java.util.concurrent.TimeoutException: Cannot receive any reply from 10.0.0.9:41234 in 10 seconds",
    # Airflow CeleryExecutor, INFO: the publish is retried; TaskInstanceKey( is a NamedTuple repr, not an exception.
    "airflow_celery_publish_retried": af(
        3,
        "celery_executor.py:292",
        "INFO",
        "[Try 1 of 3] Task Timeout Error for Task: (TaskInstanceKey(dag_id='sales', task_id='load', run_id='scheduled__2026-03-01T00:00:00+00:00', try_number=1, map_index=-1)).",
    ),
    # client-go reflector (klog W): retried with backoff; every API-server restart or upgrade.
    "k8s_reflector_api_restart": 'W0301 04:10:03.120000       1 reflector.go:539] k8s.io/client-go/informers/factory.go:159: failed to list *v1.Pod: Get "https://10.96.0.1:443/api/v1/pods?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: connection refused',
    # Redis replica (# = warning): once a second while its master restarts; it resyncs by itself.
    "redis_replica_master_restarting": "1:S 01 Mar 2026 04:10:03.120 # Error condition on socket for SYNC: Connection refused",
    # kubectl in deploy scripts: "kubectl delete job etl-migrate || true" before re-creating an immutable Job.
    "kubectl_delete_not_found": 'Error from server (NotFound): jobs.batch "etl-migrate" not found',
    # kazoo (ZooKeeper client): a ZooKeeper node restarting; kazoo connects to the next one.
    "kazoo_connection_dropped": "2026-03-01 04:10:03,120 - kazoo.client - WARNING - Connection dropped: socket connection error: Connection refused",
    # INFO, handled and retried by the caller ("Attempt 1 of 3"), no retry word the rule knows.
    "info_attempt_1_of_3": "2026-03-01 04:10:03.120 | INFO     | etl.load:fetch:42 - Attempt 1 of 3 for page 7 failed: ReadTimeout('The read operation timed out')",
    # INFO print of a loader that skips bad rows by design (dozens per run on a dirty feed).
    "info_row_skipped": af(
        3,
        "logging_mixin.py:188",
        "INFO",
        "Skipping row 12, parse error: ValueError(\"could not convert string to float: 'n/a'\")",
    ),
}


# DEBUG lines whose level the parser does not read: the line is taken as level 0.
DEBUG_MISREAD = {
    # ecs-logging (Python, Java EcsLayout): the key is "log.level", not "level".
    "ecs_json_debug": '{"@timestamp":"2026-03-01T04:10:03.120Z","log.level":"debug","message":"pool pre-ping failed: OperationalError(\'server closed the connection unexpectedly\')","ecs.version":"1.6.0","log":{"logger":"etl.pool"}}',
    # go-kit logfmt with level first (Loki, Promtail, Grafana Agent).
    "gokit_logfmt_level_first": 'level=debug ts=2026-03-01T04:10:03.120Z caller=dial.go:42 msg="dial failed: dial tcp 10.0.0.5:5432: connect: connection refused"',
    # pino / bunyan: numeric level (20 = debug).
    "pino_numeric_debug": '{"level":20,"time":1772338203120,"pid":42,"hostname":"etl-1","msg":"cache probe failed: TypeError: Cannot read properties of undefined (reading \'id\')"}',
    # Tomcat OneLineFormatter / java.util.logging: FINE is debug.
    "tomcat_jul_fine": "01-Mar-2026 04:10:03.120 FINE [main] com.acme.etl.Pool.validate validation failed: java.net.SocketException: Connection reset",
}


_TRANSIENT = (
    "left alone: a WARNING (or unlevelled line) that states a failure with an error phrase "
    "and no word of a retry; the client does reconnect, but the line does not say so"
)
LEFT = {
    "rdkafka_broker_restarting": _TRANSIENT,
    "k8s_reflector_api_restart": _TRANSIENT,
    "redis_replica_master_restarting": _TRANSIENT + " (Redis is not an ETL log)",
    "kubectl_delete_not_found": "left alone: an unlevelled 'Error from server (NotFound)' "
    "in a script is a failure unless the script meant it (use a user rule or ignore)",
    "kazoo_connection_dropped": _TRANSIENT,
}


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(
            line,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=LEFT[name])] if name in LEFT else [],
        )
        for name, line in BENIGN.items()
    ],
)
def test_routine_lines_of_healthy_systems_open_no_event(line: str) -> None:
    """A line that software prints during normal operation (retried, ignored, expected) opens no event."""
    assert run(around(line)) == []


@pytest.mark.parametrize("line", list(DEBUG_MISREAD.values()), ids=list(DEBUG_MISREAD))
def test_debug_lines_in_other_formats_open_no_event(line: str) -> None:
    """A DEBUG (or FINE) line stating a failure opens no event, whatever the log format shows its level as."""
    assert run(around(line)) == []


# Real failures below ERROR (or with no level) that hold a prefilter token and are missed.
MISSED = {
    # PostgreSQL: a backend OOM-killed; the postmaster then resets every connection.
    "postgres_backend_killed": "2026-03-01 04:10:03.120 UTC [1] LOG:  server process (PID 4211) was terminated by signal 9: Killed",
    # The kernel's cgroup OOM kill: what every container OOM prints (the rule only knows "Out of memory: Killed").
    "kernel_cgroup_oom": "Mar 01 04:10:03 etl-1 kernel: Memory cgroup out of memory: Killed process 4211 (python3) total-vm:8123456kB, anon-rss:4012345kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:8120kB oom_score_adj:0",
    # Kernels before 5.0 (Amazon Linux 2 4.14, RHEL 7): "Out of memory: Kill process ..." then this line.
    "kernel_old_oom_killed_process": "Mar 01 04:10:03 etl-1 kernel: Killed process 4211 (java) total-vm:8123456kB, anon-rss:4012345kB, file-rss:0kB, shmem-rss:0kB",
    # uWSGI: a worker killed by the OOM killer.
    "uwsgi_worker_killed": "DAMN ! worker 1 (pid: 4211) died, killed by signal 9 :( trying respawn ...",
    # A Python supervisor reporting subprocess returncode -9 (SIGKILL).
    "returncode_minus_9": py(3, "INFO", "subprocess exited with code -9"),
    # docker compose up: the stack never started.
    "compose_dependency_unhealthy": "dependency failed to start: container etl-db-1 is unhealthy",
    "compose_port_allocated": "Error response from daemon: driver failed programming external connectivity on endpoint etl-web-1 (4f1c): Bind for 0.0.0.0:8080 failed: port is already allocated",
    # Final failures that mention retries or reconnecting: the retry guard takes them for retried ones.
    "no_attempts_left": py(
        3,
        "WARNING",
        "Fetch of page 7 failed (0 attempts left): ReadTimeout('read timed out')",
    ),
    "reconnect_failed_bad_password": py(
        3,
        "WARNING",
        "Reconnect to warehouse failed: OperationalError('FATAL:  password authentication failed for user \"etl\"')",
    ),
}


@pytest.mark.parametrize("line", list(MISSED.values()), ids=list(MISSED))
def test_real_failures_with_a_token_open_an_event(line: str) -> None:
    """A process killed, a stack that cannot start, or a final failure stated below ERROR opens one event."""
    assert len(run(around(line))) == 1


def test_an_oom_kill_right_after_a_handled_error_is_not_dropped() -> None:
    """Airflow's ``Task exited with return code -9`` a few lines after an unrelated handled ERROR in the same minute is its own event."""
    text = "\n".join(
        [
            af(1, "taskinstance.py:2648", "INFO", "Exporting env vars: AIRFLOW_CTX_DAG_ID='sales'"),
            af(
                2,
                "load.py:40",
                "ERROR",
                "Could not refresh materialized view sales.daily: canceling statement due to statement timeout",
            ),
            af(3, "load.py:52", "INFO", "Continuing without refresh; loading partition 2026-03-01"),
            af(
                41,
                "local_task_job_runner.py:234",
                "INFO",
                "Task exited with return code -9For more information, see https://airflow.apache.org/docs/apache-airflow/stable/troubleshooting.html#LocalTaskJob-killed",
            ),
            af(
                42,
                "taskinstance.py:1206",
                "INFO",
                "0 downstream tasks scheduled from follow-on schedule check",
            ),
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 2), (4, 4)]


def test_a_shell_kill_after_an_unrelated_traceback_is_not_dropped() -> None:
    """A bash ``Killed`` job report after an unrelated, handled traceback (plain stderr, no timestamps) is its own event."""
    text = "\n".join(
        [
            "Starting load for 2026-03-01",
            "Traceback (most recent call last):",
            '  File "/srv/etl/notify.py", line 12, in send',
            "    r.raise_for_status()",
            "requests.exceptions.HTTPError: 500 Server Error: Internal Server Error for url: https://hooks.example/etl",
            "notification skipped, continuing",
            "./run.sh: line 12:  4211 Killed                  python load.py --day 2026-03-01",
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 5), (7, 7)]


def _db_failure_then(line: str) -> str:
    """An unrelated psycopg2 traceback event, then ``line`` on the next line, same minute."""
    return "\n".join(
        [
            py(1, "INFO", "loader started"),
            py(2, "ERROR", "Load of orders failed"),
            "Traceback (most recent call last):",
            '  File "/srv/etl/load.py", line 40, in load_orders',
            "    cur.execute(sql)",
            'psycopg2.errors.UndefinedTable: relation "sales.orders" does not exist',
            line,
            py(9, "INFO", "loader stopped"),
        ]
    )


def test_an_os_error_after_an_unrelated_event_is_not_dropped() -> None:
    """A WARNING ``failed: [Errno 28] No space left on device`` after an unrelated DB traceback is its own event."""
    text = _db_failure_then(
        py(
            7,
            "WARNING",
            "Writing report /mnt/reports/day.csv failed: [Errno 28] No space left on device",
        )
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 6), (7, 7)]


def test_an_exception_whose_name_is_inside_the_last_ones_is_not_dropped() -> None:
    """A new ``TimeoutError`` after a ``ReadTimeoutError`` event is a new failure (names are compared as words, not substrings)."""
    text = "\n".join(
        [
            py(1, "INFO", "loader started"),
            py(2, "ERROR", "Fetch of page 3 failed"),
            "Traceback (most recent call last):",
            '  File "/srv/etl/fetch.py", line 40, in fetch',
            "urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='api.shop.test', port=443): Read timed out. (read timeout=30)",
            py(
                6,
                "WARNING",
                "Upload of manifest to s3://lake/manifests/day.json failed: TimeoutError('The write operation timed out')",
            ),
            py(9, "INFO", "loader stopped"),
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 5), (6, 6)]
