"""Red team attack31: the storm rule (``_repeats`` in logsumd/assemble/_burst.py).

Lines are written here in the shapes python-logging, Airflow, loguru, structlog/JSON,
syslog and python's ``logging.basicConfig`` print them."""

from __future__ import annotations

import time

from logsumd.assemble._burst import STORM_SECS
from logsumd.understand import classify
from tests.log_lines import af, py
from tests.test_corpus_shapes import _events, _spans


def rec(sec: int, logger: str, msg: str, level: str = "ERROR") -> str:
    return f"2026-03-01 04:10:{sec:02d},120 - {logger} - {level} - {msg}"


# -- A. two failures merged: identity hidden in a quoted value --------------------------


def test_two_tables_named_in_quotes_failing_in_the_same_second_stay_two_events() -> None:
    """The user needs one alert per missing table.  ``test_restated_records`` keeps
    ``Error loading orders: ...`` / ``Error loading users: ...`` apart; the same two
    failures with the table named in quotes become one alert (only 'shop.orders' shown)."""
    lines = [
        rec(7, "loader", "Error loading table 'shop.orders': 1146 (42S02): Table doesn't exist"),
        rec(7, "loader", "Error loading table 'shop.users': 1146 (42S02): Table doesn't exist"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_two_different_files_missing_a_second_apart_stay_two_events() -> None:
    """Two extracts of one job fail on two different inputs: two alerts."""
    lines = [
        rec(2, "extract", 'Failed to read input "/data/in/orders.csv": permission denied'),
        rec(3, "extract", 'Failed to read input "/data/in/customers.parquet": permission denied'),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# -- B. two failures merged: numbers that matter ------------------------------------------


def test_an_auth_failure_and_an_outage_stay_two_alerts() -> None:
    """``HTTP 401`` (expired credentials) then ``HTTP 503`` (service down) a second later
    are two causes with two fixes; merged, the alert is categorised ``auth`` only and the
    outage is never reported."""
    lines = [
        rec(2, "api", "Upload of batch failed: HTTP 401"),
        rec(3, "api", "Upload of batch failed: HTTP 503"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 1), (2, 2)]
    assert classify(events[1]).category != "auth"


def test_an_ordinary_exit_and_an_oom_kill_stay_two_alerts() -> None:
    """Exit code 1 (the step's own error) and 137 (killed: out of memory) are different
    failures of two steps, not one record logged again."""
    lines = [
        rec(2, "runner", "Job step failed with exit code 1"),
        rec(3, "runner", "Job step failed with exit code 137"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_loguru_same_call_site_different_status_stays_apart() -> None:
    lines = [
        "2026-03-01 04:10:02.120 | ERROR    | etl.load:extract:42 - "
        "Request failed with status 401 from upstream",
        "2026-03-01 04:10:03.120 | ERROR    | etl.load:extract:42 - "
        "Request failed with status 503 from upstream",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_numbered_producers_failing_alike_stay_apart() -> None:
    """``test_restated_records`` keeps ``[Producer-A]`` .. ``[Producer-D]`` apart as
    parallel failures; numbered producers (``Producer-1`` ..) are merged into one."""
    lines = [
        py(6, "ERROR", f"[Producer-{n}] Kafka connection failed: NoBrokersAvailable")
        for n in range(1, 5)
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_two_database_hosts_down_stay_two_alerts() -> None:
    lines = [
        rec(2, "db", "could not connect to server db1 port 5432: Connection refused"),
        rec(3, "db", "could not connect to server db2 port 5432: Connection refused"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# -- C. two failures merged: URLs naming different services ------------------------------


def test_two_services_refusing_connections_stay_two_alerts() -> None:
    """Billing and auth both down are two services to page about; the whole URL, host
    included, is masked."""
    lines = [
        rec(2, "http", "Connection refused for url: https://billing.internal/api/v1/invoices"),
        rec(3, "http", "Connection refused for url: https://auth.internal/oauth/token"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_retry_loop_against_one_service_is_still_one_event() -> None:
    """The storm the rule is for (one URL, its query changing) stays one alert."""
    lines = [
        rec(s, "http", f"Connection refused for url: https://billing.internal/api?page={s}")
        for s in (2, 3, 4)
    ]
    assert _spans(_events(lines)) == [(1, 3)]


# -- D. records whose logger is not in the message part ----------------------------------


def test_syslog_records_of_two_hosts_stay_apart() -> None:
    """A central syslog file: host1 and host2 failing alike are two hosts to fix.  With no
    logger parsed (source None on both) the 'same logger' check is vacuous."""
    lines = [
        "Mar  1 04:10:02 etl-host1 loader[123]: ERROR Failed to load table orders now",
        "Mar  1 04:10:03 etl-host2 loader[456]: ERROR Failed to load table orders now",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_structlog_records_of_two_tables_stay_apart() -> None:
    """structlog keeps the message constant and puts the table in a field: every table's
    failure within 2 s becomes one alert naming only the first."""
    rows = [("orders", 2), ("customers", 3)]
    lines = [
        f'{{"table": "{t}", "event": "table load failed", "logger": "etl.load", '
        f'"level": "error", "timestamp": "2026-03-01T04:10:{s:02d}.120Z"}}'
        for t, s in rows
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_json_records_of_two_services_stay_apart() -> None:
    fmt = '{{"ts": "2026-03-01T04:10:{:02d}.120Z", "level": "error", "service": "{}", "msg": "{}"}}'
    msg = "upstream request failed with status 503"
    lines = [fmt.format(2, "billing", msg), fmt.format(3, "auth", msg)]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_airflow_sources_with_other_line_numbers_stay_apart() -> None:
    """``{load.py:41}`` and ``{load.py:88}``: two call sites, two failures."""
    lines = [
        af(2, "load.py:41", "ERROR", "Upload to bucket failed: 503"),
        af(3, "load.py:88", "ERROR", "Upload to bucket failed: 503"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_loguru_other_functions_stay_apart() -> None:
    lines = [
        "2026-03-01 04:10:02.120 | ERROR    | etl.load:extract:42 - "
        "Request failed with status 503 from upstream",
        "2026-03-01 04:10:03.120 | ERROR    | etl.load:publish:42 - "
        "Request failed with status 503 from upstream",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


# -- E. clocks ----------------------------------------------------------------------------


def test_unstamped_records_mentioning_a_time_are_not_an_endless_storm() -> None:
    """``logging.basicConfig``'s default ``ERROR:name:message`` has no time; a backfill
    logs each partition's logical date (``... 00:00:00``).  ``clock`` reads the message's
    time as the record's, every record is "0 s" after the first, and 28 partitions
    (hours of failures) become one alert: the 'no clock, no storm' guard and the
    ``STORM_SECS`` bound are both bypassed."""
    lines = [
        f"ERROR:etl.backfill:Backfill of partition 2026-03-{d:02d} 00:00:00 failed: HTTP 503"
        for d in range(1, 29)
    ]
    assert len(_events(lines)) > 1


def test_the_same_failure_on_two_days_is_two_alerts() -> None:
    """A nightly job's log read from a backlog (daemon restart, file scan): Monday's and
    Tuesday's failure, one second apart on the clock, a day apart in time."""
    lines = [
        "2026-03-01 04:10:02,120 - cron - ERROR - Nightly export failed: disk full",
        "2026-03-02 04:10:03,120 - cron - ERROR - Nightly export failed: disk full",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_am_and_pm_records_are_not_one_storm() -> None:
    lines = [
        "03/01/2026 04:10:02 AM - cron - ERROR - Nightly export failed: disk full",
        "03/01/2026 04:10:03 PM - cron - ERROR - Nightly export failed: disk full",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_storm_across_midnight_is_two_events() -> None:
    # lead: the date is part of a storm's shape (finding 7), so a storm that crosses
    # midnight is split in two: one extra alert, nothing lost
    lines = [
        "2026-03-01 23:59:59,500 - cron - ERROR - Upload failed for url: https://h/x?p=1",
        "2026-03-02 00:00:00,400 - cron - ERROR - Upload failed for url: https://h/x?p=2",
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_clock_going_backwards_does_not_join() -> None:
    lines = [
        rec(5, "cron", "Upload failed for url: https://h/x?p=1"),
        rec(4, "cron", "Upload failed for url: https://h/x?p=2"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2)]


def test_a_storm_without_milliseconds_is_bounded() -> None:
    lines = [
        f"2026-03-01 04:10:{s:02d} ERROR loader: Upload failed for url: https://h/x?p={s}"
        for s in range(0, 40)
    ]
    spans = _spans(_events(lines))
    assert all(b - a <= int(STORM_SECS) for a, b in spans)


def test_an_iso_airflow_storm_is_bounded() -> None:
    lines = [
        af(s, "load.py:41", "ERROR", f"Upload failed for url: https://h/x?p={s}") for s in range(40)
    ]
    spans = _spans(_events(lines))
    assert all(b - a <= int(STORM_SECS) for a, b in spans)


# -- F. events wrongly extended -----------------------------------------------------------


def test_a_trace_is_not_extended_by_a_similar_record() -> None:
    lines = [
        rec(2, "loader", "Load of 'orders' failed"),
        "Traceback (most recent call last):",
        '  File "/srv/etl/load.py", line 3, in <module>',
        "    load()",
        "ValueError: bad row",
        rec(3, "loader", "Load of 'users' failed"),
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 6)]


def test_an_info_record_between_breaks_the_storm() -> None:
    lines = [
        rec(2, "api", "Upload of batch failed: HTTP 503"),
        rec(2, "api", "retrying in 1s", level="INFO"),
        rec(3, "api", "Upload of batch failed: HTTP 503"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (3, 3)]


# -- G. cost on long lines ----------------------------------------------------------------


def test_a_storm_of_long_hyphenated_records_is_fast() -> None:
    """A record that dumps a rejected payload (``k0-k1-k2-...``, 64 KiB, under
    ``max_line_bytes``) logged a few times: ``\\b[a-z][\\w+.-]*://`` restarts at every
    ``-k`` and scans to the line's end.  Six such records take ~25 s (0.01 s before the
    storm rule): the daemon stalls every file it tails."""
    payload = ("Rejected keys: " + "-".join(f"k{i}" for i in range(20000)))[:30000]
    lines = [rec(s, "loader", payload) for s in range(2, 6)]
    t = time.perf_counter()
    _events(lines)
    assert time.perf_counter() - t < 1.0
