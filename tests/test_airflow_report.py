"""One Airflow task failure is one event: its traceback, ``Marking task as ...`` and the
runner's ``Failed to execute job N for task x (...)`` (lines written here in Airflow 2's
shape)."""

from __future__ import annotations

import json

from tests.log_lines import af
from tests.test_multiline_rules import run, spans


def failure(sec: int, task: str, exc: str) -> list[str]:
    """What Airflow 2 prints for one failed task attempt."""
    return [
        af(sec, "taskinstance.py:2890", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        f'  File "/opt/airflow/dags/etl/{task}.py", line 12, in run',
        "    load()",
        exc,
        af(
            sec,
            "taskinstance.py:1205",
            "INFO",
            f"Marking task as FAILED. dag_id=etl, task_id={task}",
        ),
        af(
            sec,
            "standard_task_runner.py:110",
            "ERROR",
            f"Failed to execute job 7 for task {task} ({exc.split(': ', 1)[-1]}; 4211)",
        ),
        af(sec + 1, "local_task_job_runner.py:228", "INFO", "Task exited with return code 1"),
    ]


def test_a_task_failure_and_the_runners_report_are_one_event() -> None:
    """The traceback and the runner's ``Failed to execute job`` give one event, not two alerts."""
    text = "\n".join(
        [
            af(1, "taskinstance.py:1100", "INFO", "Executing <Task(PythonOperator): load>"),
            *failure(2, "load", "FileNotFoundError: [Errno 2] No such file or directory: '/d'"),
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(2, 8)]


def test_two_task_failures_in_one_log_are_two_events() -> None:
    """A second ``Task failed with exception`` starts another failure, not an epilogue."""
    text = "\n".join(
        failure(2, "load", "KeyError: 'region'") + failure(9, "export", "ValueError: bad row")
    )
    assert [s[:2] for s in spans(run(text))] == [(1, 7), (9, 15)]


def test_a_failure_without_the_runners_report_is_still_emitted() -> None:
    """Airflow 1.10 prints no ``Failed to execute job``: the event comes out at the end."""
    text = "\n".join(
        [
            *failure(2, "load", "KeyError: 'region'")[:6],
            af(5, "taskinstance.py:1100", "INFO", "heartbeat"),
        ]
    )
    assert [s[:2] for s in spans(run(text))] == [(1, 5)]


def test_the_report_of_another_task_is_not_joined() -> None:
    """``Failed to execute job`` for another task than the held failure's is another event."""
    lines = failure(2, "load", "KeyError: 'region'")
    lines[6] = lines[6].replace("for task load", "for task export")
    assert [s[:2] for s in spans(run("\n".join(lines)))] == [(1, 5), (7, 7)]


def _af3(sec: int, level: str, event: str, chan: str = "stderr") -> str:
    """An Airflow 3 task log record: the supervisor relays the task's output as JSON."""
    record = {"timestamp": f"2031-07-20T21:18:{sec:02d}.1Z", "level": level, "event": event}
    if chan:
        record["chan"] = chan
    record["logger"] = "task"
    return json.dumps(record)


def test_airflow_3_relayed_traceback_and_the_task_failure_record_are_one_event() -> None:
    """Airflow 3 relays the task process's traceback line by line (``"chan": "stderr"``),
    then reports ``Task failed with exception`` as its own record: one failure, one event."""
    lines = [
        _af3(1, "info", "Dropped and recreated staging.kiwi.", "stdout"),
        _af3(2, "error", "Traceback (most recent call last):"),
        _af3(2, "error", '  File "/opt/airflow/scripts/load_kiwi.py", line 12, in <module>'),
        _af3(2, "error", "    load('kiwi.csv.gz')"),
        _af3(2, "error", "FileNotFoundError: [Errno 2] No such file or directory: 'kiwi.csv.gz'"),
        _af3(3, "info", "Error running load_kiwi.py: returned non-zero exit status 1.", "stdout"),
        _af3(3, "error", "Task failed with exception", ""),
        _af3(4, "info", "Task instance in failure state", "stdout"),
    ]
    assert [s[:2] for s in spans(run("\n".join(lines)))] == [(2, 7)]


_BASH_HOOK = "airflow.task.hooks.airflow.providers.standard.hooks.subprocess.SubprocessHook"


def _hook(sec: int, event: str, logger: str = _BASH_HOOK) -> str:
    """A line a BashOperator's child printed, as Airflow 3 relays it: an ``info`` record of
    the hook's logger, the child's colours JSON-escaped in ``event``."""
    record = {"timestamp": f"2031-08-08T17:18:{sec:02d}.5Z", "level": "info", "event": event}
    record |= {"logger": logger, "filename": "subprocess.py", "lineno": 110}
    return json.dumps(record)


def _verdict(sec: int) -> str:
    detail = [
        {
            "exc_type": "AirflowException",
            "exc_value": "Bash command failed. The command returned a non-zero exit code 1.",
            "frames": [
                {
                    "filename": "/opt/airflow/providers/standard/operators/bash.py",
                    "lineno": 233,
                    "name": "execute",
                }
            ],
        }
    ]
    return json.dumps({"timestamp": f"2031-08-08T17:18:{sec:02d}.9Z", "level": "error",
                       "event": "Task failed with exception", "logger": "task",
                       "error_detail": detail})  # fmt: skip


def test_airflow_3_hook_relays_a_childs_failure_and_the_verdict_joins_it() -> None:
    """dbt run by a BashOperator under Airflow 3: its output comes as ``info`` records of
    the SubprocessHook's logger (Airflow 2's ``{subprocess.py:93}``), its red ``ERROR``
    JSON-escaped; dbt's failure, its summary and the task's verdict are one event."""
    red, reset = "\x1b[31m", "\x1b[0m"
    lines = [
        _hook(1, f"{reset}17:18:01  Running with dbt=1.12.0"),
        _hook(2, f"{reset}17:18:02  1 of 2 START sql table model shop.orders ...... [RUN]"),
        _hook(
            3,
            f"{reset}17:18:03  1 of 2 ERROR creating sql table model shop.orders "
            f"[{red}ERROR{reset} in 0.31s]",
        ),
        _hook(4, f"{reset}17:18:04  Completed with 1 error, 0 partial successes, and 0 warnings:"),
        _hook(4, f"{reset}17:18:04  "),
        _hook(4, f"{reset}17:18:04  Database Error in model orders (models/orders.sql)"),
        _hook(4, '  column "order_ts" does not exist'),
        _hook(5, f"{reset}17:18:05  Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2"),
        _hook(6, "Command exited with return code 1"),
        _verdict(6),
        _af3(7, "info", "Task instance in failure state", "stdout"),
    ]
    assert [s[:2] for s in spans(run("\n".join(lines)))] == [(3, 10)]


def test_another_hooks_records_are_no_relay() -> None:
    """A hook that is no relay (PostgresHook) logs its own records: its INFO line that
    quotes an error word is no child's failure, and the verdict stays an event of its own."""
    pg = "airflow.task.hooks.airflow.providers.postgres.hooks.postgres.PostgresHook"
    lines = [
        _hook(1, "Running statement: SELECT count(*) FROM errors_1 ERROR", pg),
        _hook(2, "Rows affected: 0", pg),
        _verdict(3),
    ]
    assert [s[:2] for s in spans(run("\n".join(lines)))] == [(3, 3)]
