"""Airflow's verdict, ``Task failed with exception`` and its traceback, starts its own
event: an error record of its second may be another failure (another task's in a shared
worker log, a notifier's), which must keep its alert (red team: ``tests/attack32``).
HttpHook's response body joins the status it follows (lines written here in Airflow's
task-log shape)."""

from __future__ import annotations

from tests.log_lines import af
from tests.test_corpus_shapes import _events, _spans

TRACE = [
    "Traceback (most recent call last):",
    '  File "/opt/airflow/dags/load.py", line 41, in transform',
    "    frame = pd.read_csv(path)",
    "pandas.errors.EmptyDataError: No columns to parse from file",
]


def test_an_error_record_before_the_verdict_keeps_its_own_event() -> None:
    """``Transform failed: X`` then Airflow's verdict and its traceback: two events (the
    same failure alerted twice is noise; a different failure swallowed would be lost)."""
    lines = [
        af(7, "load.py:30", "INFO", "reading /data/in/colleges.csv"),
        af(8, "load.py:44", "ERROR", "Transform failed: No columns to parse from file"),
        af(8, "taskinstance.py:3311", "ERROR", "Task failed with exception"),
        *TRACE,
        af(8, "taskinstance.py:1225", "INFO", "Marking task as FAILED."),
    ]
    assert _spans(_events(lines)) == [(2, 2), (3, 7)]


def test_a_hooks_status_record_stays_before_the_verdict() -> None:
    """The HTTP hook logs the response's status, then the task fails on it."""
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
        af(11, "taskinstance.py:1501", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/plugins/sync.py", line 12, in execute',
        "    response.raise_for_status()",
        "airflow.exceptions.AirflowException: 409:Conflict",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_an_error_record_of_an_earlier_second_stays_apart() -> None:
    """A record of another second is another failure (a retry's, an earlier step's)."""
    lines = [
        af(5, "load.py:44", "ERROR", "Upload of the audit row failed: HTTP 503"),
        af(8, "taskinstance.py:3311", "ERROR", "Task failed with exception"),
        *TRACE,
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_the_verdict_alone_starts_the_event() -> None:
    """Without an error record before it, the verdict and its trace are the event."""
    lines = [
        af(7, "load.py:30", "INFO", "reading"),
        af(8, "taskinstance.py:3311", "ERROR", "Task failed with exception"),
        *TRACE,
    ]
    assert _spans(_events(lines)) == [(2, 6)]


def test_the_http_hooks_response_body_joins_its_status() -> None:
    """HttpHook logs the reason, then the body (from the next line of http.py), then the
    task fails: the status and its body are one event, the verdict another."""
    body = '{"message":"A sync is already running for: 5d1c","exceptionClassName":"SyncConflict"}'
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
        af(11, "http.py:155", "ERROR", body),
        af(11, "taskinstance.py:1501", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/plugins/sync.py", line 12, in execute',
        "    response.raise_for_status()",
        "airflow.exceptions.AirflowException: 409:Conflict",
    ]
    assert _spans(_events(lines)) == [(1, 2), (3, 7)]


def test_another_modules_record_after_an_http_error_stays_apart() -> None:
    """Only the hook's own next record is its body; another module's error is its own."""
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
        af(11, "loader.py:80", "ERROR", "Could not write the audit row: disk quota exceeded"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]
