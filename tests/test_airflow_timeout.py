"""Airflow's timeout notice and its caller's report of the timeout are one alert.

``{timeout.py:36} ERROR - Process timed out, PID: N`` is logged just before Airflow
raises ``AirflowTaskTimeout``; the caller then logs it (a task's ``Timeout, PID: N``
and traceback, a DagBag's ``Failed to import: dag.py``).  Lines written here in
Airflow's shapes.
"""

from __future__ import annotations

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.log_lines import af
from tests.test_corpus_shapes import _events, _spans

SITE = "/home/airflow/.local/lib/python3.11/site-packages/airflow"


def _trace(exc: str, where: str) -> list[str]:
    return [
        "Traceback (most recent call last):",
        f'  File "{SITE}/models/taskinstance.py", line 1086, in _run_raw_task',
        "    self._execute_task(context, task_copy)",
        f'  File "{SITE}/{where}", line 37, in handle_timeout',
        "    raise AirflowTaskTimeout(self.error_message)",
        exc,
    ]


def test_a_task_timeout_is_one_event_and_its_diagnosis_is_the_timeout() -> None:
    lines = [
        af(2, "bash.py:158", "INFO", "Running command: python /opt/etl/load.py"),
        af(12, "timeout.py:36", "ERROR", "Process timed out, PID: 4211"),
        af(12, "bash.py:185", "INFO", "Sending SIGTERM signal to bash process group"),
        af(12, "taskinstance.py:1396", "ERROR", "Timeout, PID: 4211"),
        *_trace("airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 4211", "utils/timeout.py"),
        af(12, "taskinstance.py:1433", "INFO", "Marking task as UP_FOR_RETRY. dag_id=load"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 10)]
    best = distinct(examine(events[0], classify(events[0]), load_catalogue()).candidates)
    assert best[0].id == "task_timeout"


def test_a_dagbag_import_timeout_is_one_event() -> None:
    """Airflow 2's DAG processor logs through logging_mixin: two prefixes a line."""
    inner = "[2026-03-01 04:10:31,001] {timeout.py:68} ERROR - Process timed out, PID: 46"
    lines = [
        af(31, "logging_mixin.py:190", "INFO", inner),
        af(
            33,
            "logging_mixin.py:190",
            "INFO",
            "[2026-03-01 04:10:31,020] {dagbag.py:387} "
            "ERROR - Failed to import: /opt/airflow/dags/sales.py",
        ),
        *_trace(
            "airflow.exceptions.AirflowTaskTimeout: DagBag import timeout for "
            "/opt/airflow/dags/sales.py after 30.0s, PID: 46",
            "utils/timeout.py",
        ),
        af(40, "manager.py:1065", "INFO", "Finding 'running' jobs without a recent heartbeat"),
    ]
    assert _spans(_events(lines)) == [(1, 8)]


def test_an_error_long_after_the_notice_is_another_event() -> None:
    """The caller reports the timeout at once; an ERROR many lines later is another failure."""
    lines = [
        af(12, "timeout.py:36", "ERROR", "Process timed out, PID: 4211"),
        *[af(13 + n, "bash.py:190", "INFO", f"copied batch {n}") for n in range(8)],
        af(30, "etl.py:12", "ERROR", 'Load of orders failed: relation "orders" does not exist'),
    ]
    assert _spans(_events(lines)) == [(1, 1), (10, 10)]


def test_a_sigterm_notice_and_the_exception_it_raises_are_one_event() -> None:
    """Airflow's SIGTERM handler logs its notice, then raises ``AirflowException`` which the
    task runner logs with its traceback."""
    lines = [
        af(42, "taskinstance.py:1214", "ERROR", "Received SIGTERM. Terminating subprocesses."),
        af(42, "bash.py:185", "INFO", "Sending SIGTERM signal to bash process group"),
        af(42, "taskinstance.py:1396", "ERROR", "Task received SIGTERM signal"),
        *_trace(
            "airflow.exceptions.AirflowException: Task received SIGTERM signal",
            "models/taskinstance.py",
        ),
    ]
    assert _spans(_events(lines)) == [(1, 9)]


def test_a_traceback_logged_at_warning_after_the_notice_joins_it() -> None:
    """The DAG processor may log the import's traceback at WARNING."""
    lines = [
        af(31, "timeout.py:68", "ERROR", "Process timed out, PID: 492"),
        af(31, "logging_mixin.py:188", "WARNING", "Traceback (most recent call last):"),
        '  File "/opt/airflow/dags/sales.py", line 5, in <module>',
        "    import pandas as pd",
        "airflow.exceptions.AirflowTaskTimeout: DagBag import timeout for "
        "/opt/airflow/dags/sales.py after 30.0s, PID: 492",
    ]
    assert _spans(_events(lines)) == [(1, 5)]
