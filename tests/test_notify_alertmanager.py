"""The Alertmanager notifier: alerts built from notifications, and a real Alertmanager.

The fleet test runs ``prometheus-alertmanager`` (installed by ``.ci/run``) with
a webhook receiver in the test: 20 sidecars posting one error give one grouped
notification, a second error a second one, and both resolve once the errors
stop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from structlog.testing import capture_logs

from logsumd.config import AlertmanagerNotifierSettings
from logsumd.notify import NotifierError, Probe, make_notifiers
from logsumd.notify._alertmanager import AlertmanagerNotifier
from logsumd.records import DigestItem, Notification
from tests.alertmanager_server import Alertmanager, Recorder, alertmanager_binary
from tests.model_server import free_port

NOW = 1_760_000_000.0
RESOLVE_SECS = 15
"""The fleet test's resolve_after_secs: well past Alertmanager's group_wait (5 s), so
a loaded machine cannot resolve an alert before its group's first notification."""


def notification(fingerprint: str = "fp-a", host: str = "etl-1", **over: Any) -> Notification:
    fields: dict[str, Any] = {
        "id": f"{fingerprint}-{host}",
        "kind": "event",
        "fingerprint": fingerprint,
        "path": "/var/log/etl/load.log",
        "line_start": 99,
        "line_end": 120,
        "host": host,
        "category": "connection",
        "exception_type": "psycopg2.OperationalError",
        "outer_exception_type": "sqlalchemy.exc.OperationalError",
        "message": 'connection to server at "pg-warehouse" port 5432 failed',
        "summary": "load.py line 64 failed: connection refused. Check the service is up.",
        "summarizer": "rules",
        "excerpt": "Traceback (most recent call last):\n  ...\npsycopg2.OperationalError: refused",
        "count": 3,
        "first_seen": NOW - 60,
        "last_seen": NOW - 5,
        "app_frame": "load.py:64 in write_staging",
    }
    fields.update(over)
    return Notification(**fields)


def settings(urls: tuple[str, ...], **over: Any) -> AlertmanagerNotifierSettings:
    return AlertmanagerNotifierSettings(url=urls, **over)


def test_alert_has_labels_annotations_and_times() -> None:
    """A notification becomes one alert: our labels, extra labels, annotations, start and end."""
    n = AlertmanagerNotifier(
        settings(("http://am:9093",), labels={"team": "data"}, resolve_after_secs=900),
        clock=lambda: NOW,
    )
    [alert] = n.alerts(notification())
    assert alert["labels"] == {
        "team": "data",
        "alertname": "LogsumdError",
        "fingerprint": "fp-a",
        "category": "connection",
        "exception_type": "psycopg2.OperationalError",
        "host": "etl-1",
        "source": "/var/log/etl/load.log",
    }
    notes = alert["annotations"]
    assert notes["summary"].startswith("load.py line 64 failed")
    assert notes["location"] == "/var/log/etl/load.log:99 (load.py:64 in write_staging)"
    assert notes["description"].startswith("psycopg2.OperationalError: connection to server")
    assert notes["excerpt"].startswith("Traceback")
    assert notes["count"] == "3"
    assert alert["startsAt"] == "2025-10-09T08:52:20.000Z"
    assert alert["endsAt"] == "2025-10-09T09:08:20.000Z"  # now + 900 s


def test_empty_labels_are_left_out_and_excerpt_is_cut() -> None:
    """An event without an exception type has no such label; the excerpt respects its cap."""
    n = AlertmanagerNotifier(settings(("http://am",), max_excerpt_chars=10), clock=lambda: NOW)
    [alert] = n.alerts(notification(exception_type="", excerpt="x" * 50))
    assert "exception_type" not in alert["labels"]
    assert alert["annotations"]["excerpt"] == "x" * 10


def test_digest_posts_one_alert_per_error() -> None:
    """A digest message becomes one alert per fingerprint it folds."""
    items = (
        DigestItem("fp-1", "timeout", "TimeoutError", 4, "/var/log/a.log"),
        DigestItem("fp-2", "schema", "KeyError", 2, "/var/log/b.log"),
    )
    n = AlertmanagerNotifier(settings(("http://am",)), clock=lambda: NOW)
    alerts = n.alerts(notification(kind="digest", fingerprint="", digest=items))
    assert [a["labels"]["fingerprint"] for a in alerts] == ["fp-1", "fp-2"]
    assert alerts[1]["labels"]["source"] == "/var/log/b.log"
    assert alerts[0]["annotations"]["count"] == "4"


def test_registry_builds_alertmanager_notifier() -> None:
    """``type: alertmanager`` in the config makes an AlertmanagerNotifier."""
    [n] = make_notifiers([settings(("http://am:9093",))], "/tmp")
    assert isinstance(n, AlertmanagerNotifier)
    assert n.name == "alertmanager"


def test_unreachable_alertmanagers_raise_notifier_error() -> None:
    """When no URL takes the alert, the send fails and the outbox keeps it."""
    dead = (f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}")
    n = AlertmanagerNotifier(settings(dead, timeout_secs=2))
    with pytest.raises(NotifierError, match="cannot reach"):
        asyncio.run(n.send(notification()))
    probe = asyncio.run(n.health_check())
    assert isinstance(probe, Probe)
    assert not probe.ok
    assert dead[0] in probe.detail


# -- a real Alertmanager ---------------------------------------------------------------


@pytest.fixture(scope="session")
def fleet() -> Iterator[tuple[Alertmanager, Recorder]]:
    binary = alertmanager_binary()
    if binary is None:
        pytest.skip("prometheus-alertmanager is not installed (.ci/run installs it)")
    recorder = Recorder()
    am = Alertmanager(binary, recorder, group_wait="5s")
    try:
        am.wait_ready()
        yield am, recorder
    finally:
        am.stop()
        recorder.close()


def _groups(recorder: Recorder, status: str, fingerprint: str) -> list[dict[str, Any]]:
    return [
        body
        for body in recorder.notifications()
        if body.get("status") == status
        and body.get("groupLabels", {}).get("fingerprint") == fingerprint
    ]


def _wait(condition: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


async def _sidecars(url: str, dead: str, fingerprint: str, hosts: int) -> None:
    """``hosts`` sidecars post the same error at once, each to an HA pair with one peer down."""
    now = time.time()
    notifiers = [
        AlertmanagerNotifier(
            settings((url, dead), resolve_after_secs=RESOLVE_SECS, timeout_secs=5),
            clock=lambda: now,
        )
        for _ in range(hosts)
    ]
    await asyncio.gather(
        *(
            n.send(notification(fingerprint, f"etl-{i}", first_seen=now, last_seen=now))
            for i, n in enumerate(notifiers)
        )
    )


@pytest.mark.slow
def test_twenty_sidecars_one_error_one_notification(fleet: tuple[Alertmanager, Recorder]) -> None:
    """20 hosts x 1 error -> 1 grouped notification; a second error -> a second; both resolve."""
    am, recorder = fleet
    dead = f"http://127.0.0.1:{free_port()}"
    assert asyncio.run(AlertmanagerNotifier(settings((am.url,))).health_check()).ok

    with capture_logs() as logs:
        asyncio.run(_sidecars(am.url, dead, "fp-a", 20))
    assert sum(e["event"] == "AlertmanagerPeerFailed" for e in logs) == 20
    _wait(lambda: _groups(recorder, "firing", "fp-a"))
    asyncio.run(_sidecars(am.url, dead, "fp-b", 20))
    _wait(lambda: _groups(recorder, "firing", "fp-b"))

    # The errors stopped: each group resolves (endsAt passed) in one more notification.
    _wait(lambda: _groups(recorder, "resolved", "fp-a") and _groups(recorder, "resolved", "fp-b"))
    for fingerprint in ("fp-a", "fp-b"):
        [firing] = _groups(recorder, "firing", fingerprint)
        assert len(firing["alerts"]) == 20
        assert {a["status"] for a in firing["alerts"]} == {"firing"}
        hosts = {a["labels"]["host"] for a in firing["alerts"]}
        assert hosts == {f"etl-{i}" for i in range(20)}
        assert all(a["annotations"]["summary"].startswith("load.py") for a in firing["alerts"])
        resolved = _groups(recorder, "resolved", fingerprint)[-1]
        assert {a["status"] for a in resolved["alerts"]} == {"resolved"}
