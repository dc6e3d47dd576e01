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
