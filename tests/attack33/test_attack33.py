"""Red team attack33: the same-second joins of ``logsumd/assemble/_burst.py`` added in
4b2e1e8, d874fa5 and 0b9a261: a record carrying a traceback (``_carries_trace``), the
restatement compared with the first record after a message's lines, the innermost cause
quoted in the earlier record (``_restates``), and loggers compared without line numbers.

Lines are written here in the shapes python logging (plain and python-json-logger),
Airflow 2 (``{file.py:N}``), log4j and multiprocessing workers print them."""

from __future__ import annotations

import json
import time

import pytest

from logsumd.understand import classify, fingerprint
from tests.log_lines import af, py
from tests.test_corpus_shapes import _events, _spans

KEY_TRACE = [
    '  File "/srv/etl/enrich.py", line 77, in enrich',
    "    region = REGIONS[row['country']]",
    "KeyError: 'XK'",
]


def _alone(lines: list[str]) -> tuple[str, str, str]:
    (event,) = _events(lines)
    cls = classify(event)
    return cls.category, cls.exception_type, fingerprint(cls)


# --- finding 1: a traceback record of another failure joins the open event -------------


def test_a_traceback_record_of_another_failure_stays_apart() -> None:
    """A job with two except branches (``log.error(f"Failed to load {t}: {e}")`` for the
    expected error, ``log.error("Unexpected error: %s", format_exc())`` for the rest):
    orders hits the first, users the second in the same second.  The user needs two
    alerts: the disk quota and the KeyError.  The traceback ends with KeyError, which the
    first record does not mention: it is not that record's trace."""
    lines = [
        py(9, "ERROR", "Failed to load orders: disk quota exceeded on /data/warehouse"),
        py(9, "ERROR", "Unexpected error: Traceback (most recent call last):"),
        *KEY_TRACE,
        py(12, "INFO", "next batch"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 1), (2, 5)]
    assert classify(events[1]).exception_type == "KeyError"


def test_a_traceback_record_of_another_logger_stays_apart() -> None:
    """Holds: the same shape from another logger is its own event."""
    lines = [
        py(9, "ERROR", "Failed to load orders: disk quota exceeded on /data/warehouse"),
        "2026-03-01 04:10:09,300 - enrich - ERROR - Traceback: Traceback (most recent call last):",
        *KEY_TRACE,
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 5)]


def test_per_item_message_and_traceback_pairs_stay_per_item() -> None:
    """Holds: a loop logging ``Failed to load X: e`` then ``Traceback: ...`` per item gives
    one alert per item, each with its own trace."""
    tr = ['  File "/srv/etl/run.py", line 40, in run', "    load(t)"]
    lines = [
        py(9, "ERROR", "Failed to load orders: KeyError 'XK'"),
        py(9, "ERROR", "Traceback: Traceback (most recent call last):"),
        *tr,
        "KeyError: 'XK'",
        py(9, "ERROR", "Failed to load users: ValueError invalid literal for int() with base 10"),
        py(9, "ERROR", "Traceback: Traceback (most recent call last):"),
        *tr,
        "ValueError: invalid literal for int() with base 10: 'N/A'",
        py(12, "INFO", "next batch"),
    ]
    # lead: a traceback record no longer joins the record before it (findings 1-3, 5):
    # each item's record and its traceback are two events, no item in another's
    assert _spans(_events(lines)) == [(1, 1), (2, 5), (6, 6), (7, 10)]


# --- finding 2: a JSON record logged with its exception joins the open event -----------


def _json(sec: int, msg: str, **extra: str) -> str:
    record = {
        "asctime": f"2026-03-01 04:10:{sec:02d},120",
        "name": "etl.load",
        "levelname": "ERROR" if sec < 12 else "INFO",
        "message": msg,
    }
    return json.dumps({**record, **extra})


def test_a_json_record_with_its_own_exception_stays_apart() -> None:
    """python-json-logger puts ``log.exception``'s traceback in ``exc_info``; the parsed
    message then contains ``Traceback (most recent call last)``.  A second failure of the
    same logger (users' KeyError, logged with its exception) joins the first (orders' disk
    quota, logged without one), and the merged alert is the KeyError's: the disk quota
    alert is lost."""
    trace = "Traceback (most recent call last):\n" + "\n".join(KEY_TRACE)
    lines = [
        _json(9, "Failed to load orders: disk quota exceeded on /data/warehouse"),
        _json(9, "Failed to enrich users", exc_info=trace),
        _json(12, "next batch"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 1), (2, 2)]
    assert classify(events[0]).category == "resource"


# --- finding 3: workers named with a number: another process's traceback joins ---------


def test_another_worker_process_traceback_record_stays_apart() -> None:
    """``%(processName)s:%(process)d`` names no logger the parser reads, so
    ``_carries_trace`` compares prefixes with their digits masked: ``ForkPoolWorker-1:4312``
    and ``ForkPoolWorker-2:4313`` are one.  Two worker processes failing on two files in the
    same second are two failures; the KeyError is lost in the CSV alert."""
    lines = [
        "2026-03-01 04:10:09,120 - ForkPoolWorker-1:4312 - ERROR - Failed to parse orders.csv:"
        " line 12: expected 9 fields, saw 11",
        "2026-03-01 04:10:09,410 - ForkPoolWorker-2:4313 - ERROR - Traceback: Traceback (most"
        " recent call last):",
        *KEY_TRACE,
        "2026-03-01 04:10:12,120 - MainProcess:4300 - INFO - pool idle",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 5)]


# --- finding 4: a generic innermost cause shared by two failures merges them ------------

SHARED_CAUSE = {
    "two APIs timing out": (
        py(
            9,
            "ERROR",
            "Failed to fetch prices: HTTPSConnectionPool(host='prices.example.com',"
            " port=443): Read timed out. (read timeout=30)",
        ),
        py(
            9,
            "ERROR",
            "Could not post alert to webhook: HTTPSConnectionPool("
            "host='hooks.slack.com', port=443): Read timed out. (read timeout=30)",
        ),
    ),
    "two S3 keys missing": (
        py(
            9,
            "ERROR",
            "Failed to read s3://raw/orders/2026-03-01.csv: An error occurred"
            " (NoSuchKey) when calling the GetObject operation: The specified key does not exist.",
        ),
        py(
            9,
            "ERROR",
            "Could not load manifest s3://raw/manifest.json: An error occurred"
            " (NoSuchKey) when calling the GetObject operation: The specified key does not exist.",
        ),
    ),
    "two hosts resetting": (
        py(9, "ERROR", "Upload to sftp.partner-a.com failed: [Errno 104] Connection reset by peer"),
        py(
            9,
            "ERROR",
            "Error while polling kafka-2.internal:9092 for new offsets:"
            " [Errno 104] Connection reset by peer",
        ),
    ),
    "two lines of one DAG file, two databases": (
        af(
            9,
            "sync.py:40",
            "ERROR",
            "Replica db-a unreachable: could not connect: [Errno 111] Connection refused",
        ),
        af(
            9,
            "sync.py:95",
            "ERROR",
            "Primary health probe for db-primary.prod failed: [Errno 111] Connection refused",
        ),
    ),
    "one rule of a batch's list and another record's failure": (
        py(
            9,
            "ERROR",
            "Batch 7 rejected with 2 errors: ['orders.amount: must be greater than"
            " or equal to zero', 'orders.customer_id: must not be null']",
        ),
        py(9, "ERROR", "Refund 88 rejected: field amount: must be greater than or equal to zero"),
    ),
}


@pytest.mark.parametrize("case", list(SHARED_CAUSE))
def test_a_generic_innermost_cause_does_not_merge_two_failures(case: str) -> None:
    """Two things (two hosts, two S3 keys, two databases, a batch and a refund) failing in
    the same second from the same logger with the same library's wording of the cause
    (``Read timed out. (read timeout=30)``, ``The specified key does not exist.``, ``[Errno
    104] Connection reset by peer``): the innermost cause is not the error body an API
    restated, and each host or key needs its alert.  Merged, the alert's headline and
    fingerprint are the first record's: hooks.slack.com / manifest.json / db-primary are
    named nowhere in the alert."""
    first, second = SHARED_CAUSE[case]
    events = _events([first, second, py(12, "INFO", "next batch")])
    assert _spans(events) == [(1, 1), (2, 2)]


def test_the_api_body_restatement_still_joins() -> None:
    """Holds (the case the rule was written for): an API's body then the caller's
    ``API error: X``."""
    text = "The debit and credit totals of the journal do not match."
    lines = [
        py(9, "ERROR", f"API request failed: {{'code': 21004, 'message': \"{text}\"}}"),
        py(9, "ERROR", f"Error creating journal entry: API error: {text}"),
    ]
    assert _spans(_events(lines)) == [(1, 2)]


# --- finding 5: a joined traceback is not read -----------------------------------------


def test_a_joined_traceback_names_its_exception_in_the_alert() -> None:
    """The join's own case: ``Failed to build report: X`` then ``Traceback: Traceback
    (most recent call last):`` and the frames.  Alone, the traceback record's alert names
    KeyError; joined, the trace sits in the event but the alert says ```loader` reported``
    (exception type: the logger's name) and the fingerprint is neither the record's nor the
    trace's: the join lost the exception the user would search for."""
    text = "\"There is no item named 'xl/workbook.xml' in the archive\""
    trace = [
        py(3, "ERROR", "Traceback: Traceback (most recent call last):"),
        '  File "/srv/reports/build.py", line 88, in build',
        "    frame = pd.read_excel(path)",
        f"KeyError: {text}",
    ]
    alone = _alone(trace)
    # lead: the join is gone (findings 1-3): the traceback record is its own event, and
    # its alert names KeyError
    events = _events([py(3, "ERROR", f"Failed to build report: {text}"), *trace])
    assert alone[1] == "KeyError"
    assert len(events) == 2
    assert classify(events[1]).exception_type == "KeyError"


# --- finding 6: two items whose names differ in word count --------------------------------


def test_two_tables_with_names_of_different_length_stay_apart() -> None:
    """``Load of orders failed: X`` and ``Load of order items failed: X`` are two tables;
    ``_parallel`` asks for heads of the same number of words, so the second restates the
    first (the cause rule predates these commits; the quoted-cause rule inherits it)."""
    cause = (
        "could not connect to server: Connection refused. Is the server running on host"
        ' "db-a" and accepting TCP/IP connections on port 5432?'
    )
    lines = [
        py(9, "ERROR", f"Load of orders failed: {cause}"),
        py(9, "ERROR", f"Load of order items failed: {cause}"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# --- finding 7: records whose logger the parser does not read -------------------------


def test_two_log4j_classes_sharing_a_cause_stay_apart() -> None:
    """log4j's ``[%t] %c{1}:%L - %m``: the parser reads no logger, so ``_restates`` takes
    None == None for the same logger; S3Uploader's upload and KafkaSink's flush, two
    components, merge through the quoted ``Connection reset by peer (Write failed)``."""
    cause = "java.net.SocketException: Connection reset by peer (Write failed)"
    lines = [
        "2026-03-01 04:10:09,120 ERROR [pool-1-thread-3] S3Uploader:88 - Upload of part 3 of"
        f" s3://lake/raw/orders.parquet failed: {cause}",
        "2026-03-01 04:10:09,410 ERROR [kafka-producer-network-thread] KafkaSink:120 - Flush"
        f" to topic events failed: {cause}",
        "2026-03-01 04:10:12,120 INFO [main] Runner:10 - next",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# --- what held ------------------------------------------------------------------------


def test_parallel_heads_with_the_same_quoted_cause_stay_apart() -> None:
    """Holds: ``Failed to load table 'orders': X`` and ``... 'customers': X``."""
    cause = 'relation "public.orders_staging" does not exist'
    lines = [
        py(9, "ERROR", f"Failed to load table 'orders': {cause}"),
        py(9, "ERROR", f"Failed to load table 'customers': {cause}"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_long_lines_with_many_colons_stay_linear() -> None:
    """Holds: records of 400 kB with thousands of ``: `` and a near-miss trace head are
    assembled in seconds (the ``in`` checks and splits are linear)."""
    n = 400_000
    lines = [py(9, "ERROR", f"Failed A: {'y' * n}: {'z ' * (n // 2)}")]
    lines += [
        py(9, "ERROR", f"Failed B{i}: " + "q: " * (n // 3) + "z " * (n // 2)) for i in range(10)
    ]
    lines += [py(9, "ERROR", "Traceback: " + "Traceback (most recent call lasT) " * (n // 34))] * 10
    start = time.monotonic()
    _events(lines)
    assert time.monotonic() - start < 20
