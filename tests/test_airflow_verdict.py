"""Airflow's verdict, ``Task failed with exception`` and its traceback, joins the task's
error records of its second when they stated its failure (the exception's message, or
their cause found in it), decided when the traceback ends; an error record of another
failure (another task's in a shared worker log, a notifier's) keeps its own alert (red
team: ``tests/attack32``).  HttpHook's response body joins the status it follows (lines
written here in Airflow's task-log shape)."""

from __future__ import annotations

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from tests.log_lines import af
from tests.test_assemble import chunk
from tests.test_corpus_shapes import _events, _spans

TRACE = [
    "Traceback (most recent call last):",
    '  File "/opt/airflow/dags/load.py", line 41, in transform',
    "    frame = pd.read_csv(path)",
    "pandas.errors.EmptyDataError: No columns to parse from file",
]


HOOK_VERDICT = [
    af(11, "taskinstance.py:1501", "ERROR", "Task failed with exception"),
    "Traceback (most recent call last):",
    '  File "/opt/airflow/plugins/sync.py", line 12, in execute',
    "    self.hook.run(endpoint)",
    '  File "/usr/lib/airflow/providers/http/hooks/http.py", line 156, in check_response',
    "    raise AirflowException(f'{response.status_code}:{response.reason}')",
    "airflow.exceptions.AirflowException: 409:Conflict",
]
"""The verdict on an HttpHook's failure: the hook's check_response is on the stack."""


def test_the_tasks_own_error_record_and_the_verdict_are_one_event() -> None:
    """``Transform failed: X`` logged by the task, then Airflow's verdict and the
    traceback of the exception the task re-raised, ``EmptyDataError: X``: one alert."""
    lines = [
        af(7, "load.py:30", "INFO", "reading /data/in/colleges.csv"),
        af(8, "load.py:44", "ERROR", "Transform failed: No columns to parse from file"),
        af(8, "taskinstance.py:3311", "ERROR", "Task failed with exception"),
        *TRACE,
        af(8, "taskinstance.py:1225", "INFO", "Marking task as FAILED."),
    ]
    assert _spans(_events(lines)) == [(2, 7)]


def test_a_hooks_status_record_joins_the_verdict() -> None:
    """The HTTP hook logs the response's status, then the task fails on it."""
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
        *HOOK_VERDICT,
    ]
    assert _spans(_events(lines)) == [(1, 8)]


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
    task fails on it: one alert."""
    body = '{"message":"A sync is already running for: 5d1c","exceptionClassName":"SyncConflict"}'
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
        af(11, "http.py:155", "ERROR", body),
        *HOOK_VERDICT,
    ]
    assert _spans(_events(lines)) == [(1, 9)]


def test_another_modules_record_after_an_http_error_stays_apart() -> None:
    """Only the hook's own next record is its body; another module's error is its own."""
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
        af(11, "loader.py:80", "ERROR", "Could not write the audit row: disk quota exceeded"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_record_of_another_failure_in_the_verdicts_second_keeps_its_alert() -> None:
    """The task's record says nothing of the traceback's failure: two events."""
    lines = [
        af(8, "notifier.py:51", "ERROR", "Could not post the run summary to the webhook: 403"),
        af(8, "taskinstance.py:3311", "ERROR", "Task failed with exception"),
        *TRACE,
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_a_held_record_goes_out_when_no_verdict_follows() -> None:
    """Held for a verdict, a record still goes out once a few other lines follow (or
    the file goes quiet: ``flush_expired``), with its own span."""
    lines = [
        af(8, "load.py:44", "ERROR", "Upload of the audit row failed: HTTP 503"),
        *[af(9, "load.py:50", "INFO", f"row batch {n} written") for n in range(8)],
    ]
    assert _spans(_events(lines)) == [(1, 1)]


def test_a_held_record_goes_out_when_the_file_goes_quiet() -> None:
    """Live tailing: a task's error record, then an INFO line, then nothing: the record
    waits for a verdict no longer than the flush timeout."""
    asm = Assembler(MultilineSettings(flush_timeout_ms=1500))
    lines = [
        af(8, "load.py:44", "ERROR", "Upload of the audit row failed: HTTP 503").encode(),
        af(8, "load.py:50", "INFO", "continuing without the audit row").encode(),
    ]
    assert asm.feed(chunk(lines, 1, 0, read_at=100.0)) == []
    assert asm.next_deadline() == 101.5
    [event] = asm.flush_expired(101.5)
    assert (event.line_start, event.line_end) == (1, 1)


def test_a_held_record_goes_out_after_five_plain_lines_without_waiting() -> None:
    """Lines without an error word are counted too: the record goes out after five of
    them, not at the next error or the flush timeout."""
    asm = Assembler(MultilineSettings(flush_timeout_ms=1500))
    lines = [af(8, "db.py:88", "ERROR", "Lost connection to db-3: reset").encode()]
    lines += [af(9, "load.py:50", "INFO", f"batch {n} written").encode() for n in range(7)]
    [event] = asm.feed(chunk(lines, 1, 0, read_at=100.0))
    assert (event.line_start, event.line_end) == (1, 1)
