"""Red team attack32: Airflow's verdict (``Task failed with exception``) joining the error
records of its second, and HttpHook's response body joining ``HTTP error: <reason>``
(``logsumd/assemble/_burst.py``, ``_VERDICT`` and ``_response_body``).

Lines are written here in the shapes Airflow 2 (``{file.py:N}``), Airflow 3 (structured
JSON), python logging, Celery and dbt print them."""

from __future__ import annotations

import pytest

from logsumd.records import Event
from logsumd.summarize.rule_summary import rule_summary
from logsumd.understand import classify, fingerprint
from tests.log_lines import af, py
from tests.test_corpus_shapes import _events, _spans

VERDICT = af(8, "taskinstance.py:3311", "ERROR", "Task failed with exception")
PANDAS_TRACE = [
    "Traceback (most recent call last):",
    '  File "/opt/airflow/dags/load.py", line 41, in transform',
    "    frame = pd.read_csv(path)",
    "pandas.errors.EmptyDataError: No columns to parse from file",
]
KEY_TRACE = [
    "Traceback (most recent call last):",
    '  File "/opt/airflow/dags/enrich.py", line 77, in enrich',
    "    region = REGIONS[row['country']]",
    "KeyError: 'XK'",
]
BASH_TRACE = [
    "Traceback (most recent call last):",
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py",'
    " line 465, in _execute_task",
    "    result = _execute_callable(context=context, **execute_callable_kwargs)",
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/bash.py",'
    " line 243, in execute",
    "    raise AirflowException(",
    "airflow.exceptions.AirflowException: Bash command failed."
    " The command returned a non-zero exit code 1.",
]


def _traced(events: list[Event]) -> Event:
    return next(e for e in events if "Traceback" in e.text)


# --- finding 1: the verdict swallows any earlier error record of its second -------------

OTHER_RECORDS = {
    "another task's S3 upload (shared worker log)": af(
        8, "s3.py:120", "ERROR", "Failed to upload s3://raw/orders.csv: AccessDenied: Access Denied"
    ),
    "the scheduler's executor report": af(
        8,
        "scheduler_job_runner.py:819",
        "ERROR",
        "Executor reports task instance <TaskInstance: sales.load manual__2026-03-01T04:00:00+00:00"
        " [queued]> finished (failed) although the task says it's queued. (Info: None)"
        " Was the task killed externally?",
    ),
    "a failure callback's notifier": af(
        8, "slack.py:60", "ERROR", "Failed to send Slack notification: channel_not_found"
    ),
    "another consumer's CRITICAL record": af(
        8,
        "kafka.py:44",
        "CRITICAL",
        "Consumer group rebalance failed: broker kafka-2:9092 unreachable",
    ),
    "a handled cache error of another module": af(
        8,
        "cache.py:30",
        "ERROR",
        "Could not refresh the lookup cache: Timeout connecting to redis.internal:6379",
    ),
}


@pytest.mark.parametrize("other", OTHER_RECORDS.values(), ids=list(OTHER_RECORDS))
def test_an_unrelated_error_record_of_the_verdicts_second_keeps_its_alert(other: str) -> None:
    """A user needs the other failure's alert: another task's record in a shared worker log,
    the scheduler's, a notifier's, a different module's error that the exception is not
    about.  Merged with the verdict, the event is classified and summarised by the
    traceback alone (EmptyDataError), so that failure is never reported."""
    lines = [other, VERDICT, *PANDAS_TRACE]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_the_verdict_takes_the_record_between_the_tasks_own_record_and_itself() -> None:
    """The task's own ``Transform failed: X``, then another task's S3 error (a shared log),
    then the verdict: the verdict joins the S3 record, not the task's.  The S3 failure
    then has no alert anywhere (its event is summarised as EmptyDataError) and the task's
    failure is alerted twice."""
    lines = [
        af(8, "load.py:44", "ERROR", "Transform failed: No columns to parse from file"),
        OTHER_RECORDS["another task's S3 upload (shared worker log)"],
        VERDICT,
        *PANDAS_TRACE,
    ]
    events = _events(lines)
    assert (2, 2) in _spans(events)


def test_a_storm_of_another_failure_is_not_the_verdicts_first_lines() -> None:
    """An upload retried three times (a storm: one alert) and, in the same second, a task's
    KeyError: the 503s are not the KeyError's detail; the upload's alert must stay."""
    storm = [af(8, "sync.py:50", "ERROR", "Upload of batch 3 failed: 503 Service Unavailable")] * 3
    lines = [*storm, VERDICT, *KEY_TRACE]
    assert _spans(_events(lines)) == [(1, 3), (4, 8)]


def test_a_celery_workers_other_process_keeps_its_alert() -> None:
    """Celery's worker log interleaves its pool processes: ForkPoolWorker-2's error is not
    the failure ForkPoolWorker-1's verdict reports."""
    lines = [
        "[2026-03-01 04:10:08,120: ERROR/ForkPoolWorker-2] Could not refresh the lookup cache:"
        " Timeout connecting to redis.internal:6379",
        "[2026-03-01 04:10:08,300: ERROR/ForkPoolWorker-1] Task failed with exception",
        *KEY_TRACE,
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_airflow3_json_records_of_another_logger_stay_apart() -> None:
    """Airflow 3's structured task log: the S3 hook's error and the task's verdict (its
    exception in ``error_detail``) are two failures; the merged event reports only the
    EmptyDataError."""
    s3 = (
        '{"timestamp":"2026-03-01T04:10:08.100Z","level":"error","event":"Failed to upload'
        ' s3://raw/orders.csv: AccessDenied: Access Denied","logger":"airflow.providers.amazon.s3"}'
    )
    verdict = (
        '{"timestamp":"2026-03-01T04:10:08.300Z","level":"error","event":"Task failed with'
        ' exception","logger":"task","error_detail":[{"exc_type":"EmptyDataError","exc_value":'
        '"No columns to parse from file","syntax_error":null,"is_cause":false,"frames":'
        '[{"filename":"/opt/airflow/dags/load.py","lineno":41,"name":"transform"}]}]}'
    )
    assert _spans(_events([s3, verdict])) == [(1, 1), (2, 2)]


# --- finding 2: with a wrapper exception, the swallowed record decides the alert -------


def _bash_alone() -> tuple[str, str]:
    event = _traced(_events([VERDICT, *BASH_TRACE]))
    cls = classify(event)
    return cls.category, fingerprint(cls)


@pytest.mark.parametrize(
    "other",
    [
        af(
            8,
            "base.py:80",
            "ERROR",
            'Connection failed: FATAL:  password authentication failed for user "etl"',
        ),
        af(8, "slack.py:60", "ERROR", "Failed to send Slack notification: channel_not_found"),
    ],
    ids=["another task's password failure", "a notifier's failure"],
)
def test_a_wrapper_exception_is_not_explained_by_an_unrelated_record(other: str) -> None:
    """BashOperator's ``AirflowException: Bash command failed`` is a wrapper: the merged
    event's category, fingerprint and summary then come from the record before the verdict
    (another task's password error: category auth, advice to check credentials; a Slack
    notifier's failure quoted as the headline).  The on-call is sent to the wrong fix, and
    the same bash failure gets another fingerprint each time a different record precedes it."""
    event = _traced(_events([other, VERDICT, *BASH_TRACE]))
    cls = classify(event)
    message = other.split(" - ", 1)[1]
    assert (cls.category, fingerprint(cls)) == _bash_alone()
    assert message.split(":")[0] not in rule_summary(event, cls)


# --- finding 3: `HTTP error:` from any logger glues that logger's next records ----------


@pytest.mark.parametrize(
    "lines",
    [
        [
            py(
                8,
                "ERROR",
                "HTTP error: 503 Service Unavailable for url https://api.example.com/v1/a",
            ),
            py(8, "ERROR", "Could not write the audit row: disk quota exceeded"),
        ],
        [
            '{"time":"2026-03-01T04:10:08.100Z","level":"ERROR","logger":"app",'
            '"message":"HTTP error: 502 Bad Gateway"}',
            '{"time":"2026-03-01T04:10:08.200Z","level":"ERROR","logger":"app",'
            '"message":"Payment settlement failed for order 42: card declined"}',
        ],
    ],
    ids=["python logging", "json"],
)
def test_http_error_of_an_application_logger_does_not_take_its_next_failure(
    lines: list[str],
) -> None:
    """``HTTP error: ...`` is a common message of any requests-based job.  With the logger's
    name as the record's source (no ``{file.py:N}``), every later error record of that
    logger in the second (a disk quota, a declined card) becomes the "response body" and
    loses its alert."""
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# --- finding 4: every http.py record after `HTTP error:` joins, another request's too ---


def test_two_http_hook_failures_of_one_second_are_two_alerts() -> None:
    """Two tasks (a shared worker log) or a loop over endpoints: 409 Conflict with its
    body, then 401 Unauthorized with its body, all from http.py.  The rule takes any record
    of the file, not only the one body on the next line: one alert, headlined
    ``HTTP error: Conflict`` but classified ``auth`` from the second response (advice:
    check the credentials) — the 401 has no alert of its own."""
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
        af(11, "http.py:155", "ERROR", '{"message": "A sync is already running"}'),
        af(11, "http.py:154", "ERROR", "HTTP error: Unauthorized"),
        af(11, "http.py:155", "ERROR", '{"message": "token expired"}'),
    ]
    events = _events(lines)
    assert not any(e.line_start <= 1 and e.line_end >= 3 for e in events), _spans(events)


# --- finding 5: any message starting 'Task failed with exception' is a verdict ----------


def test_a_non_airflow_task_failed_with_exception_record_is_not_a_verdict() -> None:
    """A worker (not Airflow's taskinstance) logs ``Task failed with exception: KeyError``
    in the second another logger timed out on Redis: two failures.  Merged, the alert
    quotes the Redis timeout with the KeyError's category and advice ("Define the missing
    key"), and the KeyError has no alert."""
    lines = [
        py(
            8,
            "ERROR",
            "Could not refresh the lookup cache: Timeout connecting to redis.internal:6379",
        ),
        "2026-03-01 04:10:08,300 - worker - ERROR - Task failed with exception: KeyError 'XK'",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# --- what held ----------------------------------------------------------------------------


def test_a_verdict_after_an_event_with_a_trace_starts_its_own() -> None:
    """log.exception in the task (a record and its trace), then the verdict and its trace:
    the verdict does not glue a second trace onto the first event."""
    lines = [
        af(8, "load.py:44", "ERROR", "Transform failed"),
        *PANDAS_TRACE,
        VERDICT,
        *PANDAS_TRACE,
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 10)]


def test_the_merged_event_still_names_the_tracebacks_exception() -> None:
    """The task's own record joins, but the alert is the exception's: EmptyDataError, the
    same category and fingerprint as the verdict alone."""
    merged = _traced(
        _events(
            [
                af(8, "load.py:44", "ERROR", "Transform failed: No columns to parse from file"),
                VERDICT,
                *PANDAS_TRACE,
            ]
        )
    )
    alone = _traced(_events([VERDICT, *PANDAS_TRACE]))
    a, b = classify(merged), classify(alone)
    assert a.exception_type == "pandas.errors.EmptyDataError"
    assert (a.category, fingerprint(a)) == (b.category, fingerprint(b))


def test_the_http_hooks_merged_event_keeps_the_exception() -> None:
    """Status, body, verdict: the alert names AirflowException 409:Conflict, fingerprinted
    like the verdict alone."""
    trace = [
        "Traceback (most recent call last):",
        '  File "/opt/airflow/plugins/sync.py", line 12, in execute',
        "    response.raise_for_status()",
        "airflow.exceptions.AirflowException: 409:Conflict",
    ]
    verdict = af(11, "taskinstance.py:1501", "ERROR", "Task failed with exception")
    merged = _traced(
        _events(
            [
                af(11, "http.py:154", "ERROR", "HTTP error: Conflict"),
                af(11, "http.py:155", "ERROR", '{"message":"A sync is already running"}'),
                verdict,
                *trace,
            ]
        )
    )
    alone = _traced(_events([verdict, *trace]))
    assert classify(merged).message == "409:Conflict"
    assert fingerprint(classify(merged)) == fingerprint(classify(alone))


@pytest.mark.parametrize("rows", [10, 480, 600])
def test_a_long_first_record_does_not_cut_the_verdicts_traceback(rows: int) -> None:
    """A record with hundreds of continuation lines, then the verdict and a 60-frame trace:
    the event is cut in its middle, but the exception and the app frame survive."""
    frames = [
        line
        for i in range(30)
        for line in (
            f'  File "/opt/airflow/dags/enrich.py", line {i}, in step{i}',
            f"    step{i + 1}()",
        )
    ]
    lines = [
        af(8, "load.py:44", "ERROR", "Rows rejected by validation:"),
        *[f"  row {i}: bad value" for i in range(rows)],
        VERDICT,
        KEY_TRACE[0],
        *frames,
        *KEY_TRACE[1:],
    ]
    events = _events(lines)
    # lead: the verdict no longer joins the records before it (findings 1, 2, 5): the
    # verdict's own event must still hold its exception and the app frame
    assert len(events) == 2
    cls = classify(events[-1])
    assert cls.exception_type == "KeyError"
    assert cls.app_frame is not None
    assert cls.app_frame.function == "enrich"


def test_dbt_output_relayed_by_airflow_stays_the_dbt_failure() -> None:
    """dbt's error relayed through subprocess.py, then BashOperator's verdict: one alert
    that names dbt's Database Error, not the wrapper."""
    lines = [
        af(
            8,
            "subprocess.py:93",
            "INFO",
            "04:10:08  Database Error in model orders (models/orders.sql)",
        ),
        af(8, "subprocess.py:93", "INFO", '04:10:08    relation "raw.orders" does not exist'),
        af(8, "subprocess.py:97", "INFO", "Command exited with return code 1"),
        VERDICT,
        *BASH_TRACE,
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 10)]
    cls = classify(events[0])
    assert cls.category == "schema"
    assert "does not exist" in cls.message


def test_an_info_record_between_closes_the_event() -> None:
    """An INFO record between the other error and the verdict: apart, as before."""
    lines = [
        OTHER_RECORDS["another task's S3 upload (shared worker log)"],
        af(8, "subprocess.py:97", "INFO", "Command exited with return code 1"),
        VERDICT,
        *BASH_TRACE,
    ]
    assert _spans(_events(lines)) == [(1, 1), (3, 9)]


def test_airflow3_json_verdict_alone_names_its_exception() -> None:
    verdict = (
        '{"timestamp":"2026-03-01T04:10:08.300Z","level":"error","event":"Task failed with'
        ' exception","logger":"task","error_detail":[{"exc_type":"EmptyDataError","exc_value":'
        '"No columns to parse from file","syntax_error":null,"is_cause":false,"frames":'
        '[{"filename":"/opt/airflow/dags/load.py","lineno":41,"name":"transform"}]}]}'
    )
    events = _events([verdict])
    assert _spans(events) == [(1, 1)]
    assert classify(events[0]).exception_type == "EmptyDataError"


def test_a_record_of_another_file_after_http_error_stays_apart() -> None:
    """The hook's error, then another module's (taskinstance excepted): two alerts."""
    lines = [
        af(11, "http.py:154", "ERROR", "HTTP error: Bad Request"),
        af(
            11,
            "s3.py:120",
            "ERROR",
            "Failed to upload s3://raw/orders.csv: AccessDenied: Access Denied",
        ),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]
