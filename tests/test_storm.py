"""A storm, one record logged again and again within seconds by the same logger (a retry
loop, one request per URL), is one alert; a record later than the storm's bound, another
logger or another wording starts the next event (lines written here in the shapes
python-logging and loguru print them)."""

from __future__ import annotations

from logsumd.assemble._burst import STORM_GAP_SECS, STORM_SECS
from tests.log_lines import py
from tests.test_corpus_shapes import _events, _spans

_URL = "https://api.example.org/v1/forecast?latitude={n}&longitude=88"


def _fetch_failed(n: int) -> str:
    return (
        f"Failed to fetch data: 503 Server Error: Service Unavailable for url: {_URL.format(n=n)}"
    )


def test_a_retry_loop_logging_the_same_failure_each_second_is_one_event() -> None:
    """The same record at seconds 2, 3 and 4, only its URL's numbers differing: one alert
    for the failure, not three."""
    lines = [
        py(1, "INFO", "fetching forecasts"),
        py(2, "ERROR", _fetch_failed(27)),
        py(3, "ERROR", _fetch_failed(26)),
        py(4, "ERROR", _fetch_failed(25)),
        py(9, "INFO", "fetched 0 of 3 forecasts"),
    ]
    assert _spans(_events(lines)) == [(2, 4)]


def test_a_record_logged_again_after_the_gap_is_another_event() -> None:
    """More than ``STORM_GAP_SECS`` between two records: a later retry's failure is an
    alert of its own (its fingerprint groups it with the first)."""
    gap = int(STORM_GAP_SECS) + 2
    lines = [py(2, "ERROR", _fetch_failed(27)), py(2 + gap, "ERROR", _fetch_failed(27))]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_storm_that_goes_on_starts_a_new_event_after_its_bound() -> None:
    """A failure logged every second for a minute does not hold its alert back: the
    record later than ``STORM_SECS`` after the storm's first starts the next event."""
    seconds = range(0, 30)
    spans = _spans(_events([py(s, "ERROR", _fetch_failed(s)) for s in seconds]))
    assert len(spans) >= 30 // (int(STORM_SECS) + 1)
    assert spans[0] == (1, int(STORM_SECS) + 1)
    assert spans[-1][1] == 30


def test_the_same_words_from_another_logger_stay_apart() -> None:
    """Two components failing alike in successive seconds are two failures."""
    lines = [
        "2026-03-01 04:10:02,120 - etl.orders - ERROR - Batch upload failed: HTTP 503",
        "2026-03-01 04:10:03,120 - etl.users - ERROR - Batch upload failed: HTTP 503",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_another_wording_of_the_same_cause_stays_apart() -> None:
    """``Fetch AAPL: X`` then ``Fetch MSFT: X``: two items failing; the storm rule joins
    only the same record logged again."""
    cause = "curl: (28) Recv failure: Connection reset by peer"
    lines = [
        py(2, "ERROR", f"Fetch AAPL failed: {cause}"),
        py(3, "ERROR", f"Fetch MSFT failed: {cause}"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_records_without_a_clock_are_not_a_storm() -> None:
    """Without a time, two equal records may be hours apart: they stay two events."""
    lines = [
        "ERROR loader: Failed to fetch data: 503 Server Error for url: https://h/a?x=1",
        "ERROR loader: Failed to fetch data: 503 Server Error for url: https://h/a?x=2",
    ]
    assert len(_events(lines)) == 2


def test_a_short_repeated_record_is_not_a_storm() -> None:
    """A record of a few characters (``timeout``) says too little to call two one."""
    lines = [py(2, "ERROR", "timeout"), py(3, "ERROR", "timeout")]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_records_differing_in_a_number_or_a_quoted_name_stay_apart() -> None:
    """Exit code 1 then 137, table 'orders' then 'users': two failures, not one logged
    twice (only a URL's query string may differ)."""
    exits = [py(2, "ERROR", f"Task load_orders: command exited with code {c}") for c in (1, 137)]
    tables = [
        py(s, "ERROR", f"Load failed: Table 'shop.{t}' doesn't exist")
        for s, t in ((5, "orders"), (6, "users"))
    ]
    assert _spans(_events(exits)) == [(1, 1), (2, 2)]
    assert _spans(_events(tables)) == [(1, 1), (2, 2)]
