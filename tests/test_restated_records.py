"""A failure passed up the call stack and logged again is one event; other records of
the same second stay apart (lines written here in python-logging's shape)."""

from __future__ import annotations

from tests.log_lines import py
from tests.test_corpus_shapes import _events, _spans


def test_a_caller_logging_the_same_cause_again_joins_the_event() -> None:
    """``Error processing stream: X`` then ``Main execution error: X``: one failure."""
    cause = "Failed to find data source: kafka. Please deploy the application as per the guide."
    lines = [
        py(1, "INFO", "consumer started"),
        py(2, "ERROR", f"Error processing stream: {cause}"),
        py(2, "ERROR", f"Main execution error: {cause}"),
        py(3, "INFO", "Closing down clientserver connection"),
    ]
    assert _spans(_events(lines)) == [(2, 3)]


def test_a_cause_restated_after_a_full_width_colon_joins_the_event() -> None:
    """CJK messages separate the cause with a full-width colon: the same rule holds."""
    lines = [
        py(4, "ERROR", "数据库操作失败：no such table: news"),
        py(4, "ERROR", "运行过程中发生错误: no such table: news"),
        py(5, "INFO", "<END>"),
    ]
    assert _spans(_events(lines)) == [(1, 2)]


def test_the_same_cause_from_several_producers_stays_apart() -> None:
    """Four producers failing alike are parallel failures (heads differing in one name),
    not one failure logged four times (red team: tests/attack5)."""
    lines = [
        py(6, "ERROR", f"[Producer-{n}] Kafka connection failed: NoBrokersAvailable")
        for n in "ABCD"
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_two_tables_failing_in_the_same_second_stay_two_events() -> None:
    """Different causes in the same second are two failures, even when the tails agree."""
    lines = [
        py(7, "ERROR", "Error loading orders: 1146 (42S02): Table 'shop.orders' doesn't exist"),
        py(7, "ERROR", "Error loading users: 1146 (42S02): Table 'shop.users' doesn't exist"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_short_shared_cause_is_not_a_restatement() -> None:
    """A cause of a few characters (``timeout``) is too little to call two records one."""
    lines = [
        py(8, "ERROR", "Fetch of prices failed: timeout"),
        py(8, "ERROR", "Fetch of rates failed: timeout"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_restatement_in_another_second_is_another_event() -> None:
    """The rule holds within one second: the same cause a second later may be a retry."""
    cause = "could not connect to server: Connection refused"
    lines = [py(8, "ERROR", f"Load failed: {cause}"), py(9, "ERROR", f"Run failed: {cause}")]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_callers_bare_failure_report_joins_the_event() -> None:
    """``File not found: x`` then the caller's ``Extraction failed`` (twice) in the same
    second: one failure, one event."""
    lines = [
        py(4, "ERROR", "File not found: data/prices.csv"),
        py(4, "ERROR", "Extraction failed"),
        py(4, "ERROR", "Extraction failed"),
        py(5, "INFO", "pipeline started"),
    ]
    assert _spans(_events(lines)) == [(1, 3)]


def test_a_parallel_bare_failure_is_another_event() -> None:
    """``Task b failed`` after ``Task a failed: X`` reports another task, not the first."""
    lines = [py(4, "ERROR", "Task a failed: Connection refused"), py(4, "ERROR", "Task b failed")]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_bare_record_after_a_traceback_heads_the_next_failure() -> None:
    """After a traceback, ``load failed`` and its own traceback are the next failure."""
    tb = [
        "Traceback (most recent call last):",
        '  File "/opt/etl/load.py", line 12, in load',
        "    step()",
    ]
    lines = [
        py(4, "ERROR", "load failed"),
        *tb,
        "KeyError: 'orders_id'",
        py(4, "ERROR", "transform failed"),
        *tb,
        "ValueError: invalid literal for int() with base 10: 'orders'",
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 10)]


def _prefect(ms: int, run: str, message: str) -> str:
    return f"22:10:24.{ms:03d} | ERROR   | {run} - {message}"


_TRACE = [
    "Traceback (most recent call last):",
    '  File "/srv/flows/pods.py", line 88, in create_pod',
    "    raise requests.HTTPError(msg)",
    "requests.exceptions.HTTPError: HTTP 503 for POST https://api.pods.example/v2/pods:"
    " no capacity in region",
]


def test_a_task_runs_final_state_quoting_its_exception_joins_the_trace() -> None:
    """Prefect's ``Finished in state Failed("... HTTPError: HTTP 503 ...")`` after the
    traceback is the same task run reporting the same failure: one event."""
    run = "Task run 'create-pod-3f1'"
    lines = [
        _prefect(414, run, 'Task run failed with exception: HTTPError("HTTP 503 for POST")'),
        *_TRACE,
        _prefect(
            430,
            run,
            'Finished in state Failed("Task run encountered an exception HTTPError: HTTP 503'
            ' for POST https://api.pods.example/v2/pods: no capacity in region")',
        ),
        "22:10:25.001 | INFO    | Flow run 'calm-fox' - Running hook on_failure",
    ]
    assert _spans(_events(lines)) == [(1, 6)]


def test_another_runs_report_of_the_same_exception_stays_apart() -> None:
    """Another task run's record, or a flow run's, quoting the same exception in the same
    second reports another thing: its own event."""
    for run in ("Task run 'create-pod-9c2'", "Flow run 'calm-fox'"):
        lines = [
            _prefect(414, "Task run 'create-pod-3f1'", "Task run failed with exception: HTTPError"),
            *_TRACE,
            _prefect(
                431,
                run,
                "Run failed with exception: HTTP 503 for POST https://api.pods.example/v2/pods",
            ),
            "22:10:25.001 | INFO    | Flow run 'calm-fox' - Running hook on_failure",
        ]
        assert _spans(_events(lines)) == [(1, 5), (6, 6)], run


def test_details_logged_after_a_failure_join_it() -> None:
    """A job logs where it failed right after the failure (``Database: ...``,
    ``Timestamp: ...``, ``Sample bad rows: [...]``): one alert, not one per detail."""
    lines = [
        py(9, "ERROR", "Transformation failed: Conversion Error: could not convert 'N/A' to INT32"),
        py(9, "ERROR", "Database: /srv/etl/warehouse.duckdb"),
        py(9, "ERROR", "Source: /srv/etl/in/customers.csv"),
        py(9, "ERROR", "Sample bad rows: [('7', 'Ana', 'N/A')]"),
        py(12, "INFO", "cleanup done"),
    ]
    assert _spans(_events(lines)) == [(1, 4)]


def test_a_record_naming_a_failure_of_its_own_is_not_a_detail() -> None:
    """``Label: value`` that states a failure, or comes from another logger, or follows a
    record that states none, stays its own event."""
    lines = [
        py(9, "ERROR", "Transformation failed: Conversion Error: could not convert 'N/A'"),
        py(9, "ERROR", "Upload: connection refused by warehouse-db:5432"),
        "2026-03-01 04:10:09,120 - notifier - ERROR - Channel: #etl-alerts",
        py(9, "ERROR", "Row 1211: 1264 (22003): Out of range value for column 'qty' at row 1"),
        py(9, "ERROR", "etl.load.writer: Falha ao gravar a linha 7: Duplicate entry '16'"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]


def test_a_record_carrying_a_traceback_starts_its_own_event() -> None:
    """``Failed to build report: X`` then the same logger's ``Traceback: Traceback (most
    recent call last):``: two events. The record may be another failure's traceback (two
    ``except`` branches, another worker): joining it could lose that alert (red team:
    ``tests/attack33``)."""
    lines = [
        py(3, "ERROR", "Failed to build report: \"There is no item named 'xl/workbook.xml'\""),
        py(3, "ERROR", "Traceback: Traceback (most recent call last):"),
        '  File "/srv/reports/build.py", line 88, in build',
        "    frame = pd.read_excel(path)",
        "KeyError: \"There is no item named 'xl/workbook.xml' in the archive\"",
        py(4, "INFO", "next report"),
    ]
    assert _spans(_events(lines))[0] == (1, 1)


def test_another_loggers_traceback_record_stays_apart() -> None:
    """A traceback logged by another component in the same second is its own failure."""
    lines = [
        "2026-03-01 04:10:03,120 - reports - ERROR - Failed to build report: disk quota",
        "2026-03-01 04:10:03,125 - mailer - ERROR - Traceback: Traceback (most recent call last):",
        '  File "/srv/mail/send.py", line 12, in send',
        "ConnectionRefusedError: [Errno 111] Connection refused",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 4)]


def test_a_restatement_after_a_records_message_lines_joins_the_event() -> None:
    """SQLAlchemy's error spans several lines (``LINE 1:``, the caret, ``[SQL: ...]``); the
    caller's restatement of the same cause that follows compares with the record, not with
    the last of those lines."""
    cause = "(psycopg2.errors.UndefinedColumn) column users.nickname does not exist"
    lines = [
        py(6, "ERROR", f"Error fetching user by email: {cause}"),
        "LINE 1: SELECT users.nickname FROM users",
        "               ^",
        "[SQL: SELECT users.nickname FROM users]",
        py(6, "ERROR", f"Authentication error: {cause}"),
        py(7, "INFO", "request done"),
    ]
    assert _spans(_events(lines)) == [(1, 5)]


def test_a_cause_quoted_in_an_api_error_body_and_restated_joins_the_event() -> None:
    """``API request failed: {'message': "X"}`` then the caller's ``Error creating entry:
    API error: X``: the same failure passed up the stack."""
    text = "The debit and credit totals of the journal do not match."
    lines = [
        py(9, "ERROR", f"API request failed: {{'code': 21004, 'message': \"{text}\"}}"),
        py(9, "ERROR", f"Error creating journal entry: API error: {text}"),
        py(10, "INFO", "next entry"),
    ]
    assert _spans(_events(lines)) == [(1, 2)]


def test_a_url_in_two_parallel_failures_is_not_a_quoted_cause() -> None:
    """Two items failing with different errors that end with the same help URL stay two
    events: the text after ``https:`` is not a cause."""
    see = "See https://curl.se/libcurl/c/libcurl-errors.html first for more details."
    lines = [
        py(9, "ERROR", f"Fetch META: Failed to perform, curl: (28) Operation timed out. {see}"),
        py(9, "ERROR", f"Fetch AAPL: Failed to perform, curl: (7) Connection refused. {see}"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_records_from_two_lines_of_one_module_are_two_loggers() -> None:
    """``{connection_workflow.py:375}`` then ``{connection_workflow.py:291}``: the line
    numbers keep them apart; one module may log two failures (two hosts, two databases)
    with the same cause (red team: ``tests/attack33``)."""
    cause = "ConnectionRefusedError(111, 'Connection refused')"
    at = "[2026-03-01T04:10:09.120+0000] {connection_workflow.py:"
    lines = [
        f"{at}375}} ERROR - TCP attempt failed: {cause}",
        f"{at}291}} ERROR - reporting failure: {cause}",
        "[2026-03-01T04:10:10.000+0000] {consumer.py:20} INFO - retrying",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]
