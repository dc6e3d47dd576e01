"""Red team attack21: commit cd4f141 (a record quoting the trace's exception joins the event,
31 catalogue entries from libraries' messages).  Log lines are made up here in the shapes the
tools print.  Each test failed on cd4f141 (seen failing with --runxfail) and passes
since the lead's fixes; FINDINGS.md lists them with the resolution."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.attack18.test_attack18 import _diagnose, _py_task
from tests.log_lines import py
from tests.test_corpus_shapes import _events, _spans

_FRAMES = (
    "Traceback (most recent call last):",
    '  File "/srv/etl/sync.py", line 57, in sync_table',
    "    conn = open_warehouse(dsn)",
)
_REFUSED = (
    'psycopg2.OperationalError: connection to server at "wh.internal" (10.4.0.9), port 5432'
    " failed: Connection refused"
)
_CAUSE = _REFUSED.split(": ", 1)[1]


def _rec(sec: int, logger: str, level: str, msg: str) -> str:
    """A python-logging record of ``logger`` in the ``asctime - name - level - msg`` shape."""
    return f"2026-03-01 04:10:{sec:02d},120 - {logger} - {level} - {msg}"


# -- A. the quoted failure merges two failures ------------------------------------------


def test_another_loggers_failure_quoting_the_same_exception_stays_apart() -> None:
    """Two jobs (two loggers) hitting the same refused database in one second are two events."""
    lines = [
        _rec(4, "etl.orders", "ERROR", "Sync of orders failed"),
        *_FRAMES,
        _REFUSED,
        _rec(4, "etl.customers", "ERROR", f"Sync of customers gave up: {_CAUSE}"),
        *_FRAMES,
        _REFUSED,
        _rec(6, "etl", "INFO", "scheduler idle"),
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 10)]


def test_a_parallel_tasks_failure_quoting_the_same_exception_stays_apart() -> None:
    """``Load of orders failed`` then ``Load of customers failed: <same cause>`` with its own
    trace: two tables failing together, two events (the rule _restates keeps)."""
    lines = [
        py(4, "ERROR", "Load of orders failed"),
        *_FRAMES,
        "ConnectionRefusedError: [Errno 111] Connection refused",
        py(4, "ERROR", "Load of customers failed: [Errno 111] Connection refused"),
        *_FRAMES,
        "ConnectionRefusedError: [Errno 111] Connection refused",
        py(6, "INFO", "loader stopped"),
    ]
    assert _spans(_events(lines)) == [(1, 5), (6, 10)]


# -- B. catalogue entries that give a wrong cause or next step ---------------------------

_CALLER = ('  File "/srv/etl/sync.py", line 12, in <module>', "    main()")


def test_a_missing_option_is_not_called_a_missing_section() -> None:
    """``cfg['warehouse']['port']`` raises KeyError('port') from SectionProxy.__getitem__:
    the option is missing, not a section named 'port'."""
    entry, summary = _diagnose(
        _py_task(
            '  File "/srv/etl/sync.py", line 12, in <module>',
            "    port = cfg['warehouse']['port']",
            '  File "/usr/lib/python3.11/configparser.py", line 1274, in __getitem__',
            "    raise KeyError(key)",
            "KeyError: 'port'",
        )
    )
    assert entry == "config_key_missing"
    assert "no section 'port'" not in summary


def test_an_exhausted_hikari_pool_is_not_advised_as_an_unreachable_host() -> None:
    """``total=8, active=8, idle=0, waiting=30``: every connection is in use (a leak or slow
    queries); checking the host's reachability and firewall is the wrong next step."""
    _, summary = _diagnose(
        _py_task(
            *_CALLER,
            "py4j.protocol.Py4JJavaError: java.sql.SQLTransientConnectionException: HikariPool-2"
            " - Connection is not available, request timed out after 30000ms (total=8,"
            " active=8, idle=0, waiting=30)",
        )
    )
    assert "reachable" not in summary
    assert "firewall" not in summary


def test_a_non_s3_bucket_is_not_blamed_on_s3a() -> None:
    """An InfluxDB client's missing bucket is not an S3A path: no S3A cause or next step."""
    _, summary = _diagnose(
        _py_task(
            *_CALLER,
            "influxdb_client.rest.ApiException: (404) Reason: Not Found: Bucket sensor_minutely"
            " does not exist",
        )
    )
    assert "S3A" not in summary


def test_the_default_history_server_address_is_not_called_the_resource_manager() -> None:
    """0.0.0.0:10020 is the MapReduce JobHistory server's default, not the ResourceManager's."""
    _, summary = _diagnose(
        _py_task(
            *_CALLER,
            "java.net.ConnectException: Retrying connect to server: 0.0.0.0/0.0.0.0:10020."
            " Already tried 9 time(s)",
        )
    )
    assert "ResourceManager" not in summary


# -- C. a long line through the summarizer ------------------------------------------------

_LONG_LINE = textwrap.dedent(
    """
    from tests.attack18.test_attack18 import _diagnose, _py_task
    _diagnose(_py_task('  File "/srv/etl/sync.py", line 12, in <module>', "    main()",
                       "ValueError: bad key " + "k" * 100_000))
    """
)


def test_a_100_kb_token_is_summarized_in_seconds() -> None:
    """A 100 KB unbroken token (a blob, a base64 payload) must not stall the summarizer: the
    deadline is generous (a linear scan takes well under a second)."""
    try:
        subprocess.run([sys.executable, "-c", _LONG_LINE], check=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("summarizing one 100 KB token took over 20 s")
