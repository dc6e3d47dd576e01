"""Alertmanager notifier: each notification becomes an alert on ``/api/v2/alerts``.

Alertmanager then does for the whole fleet what the local throttle does for one
host: it groups the alerts of many hosts (``group_by: [alertname,
fingerprint]`` turns 40 hosts x 1 error into one Slack message), inhibits,
silences and routes them to its own Slack, PagerDuty or webhook receivers.

An alert's labels are ``alertname``, ``fingerprint``, ``category``,
``exception_type``, ``host``, ``source`` (the log file) and the configured
extra ``labels``; its annotations are ``summary``, ``description``,
``location``, ``excerpt`` and ``count``.  ``startsAt`` is the first event of
the error, ``endsAt`` ``resolve_after_secs`` after its last one: while the error
repeats, the throttle's count updates post the alert again and push ``endsAt``
on; when it stops, Alertmanager resolves the alert.  A digest posts one alert
per error it folds.

Every alert goes to every configured URL, as Prometheus does for an HA pair
(the pair deduplicates its notifications by gossip).  A send counts as
accepted when at least one Alertmanager took it; a peer that failed is logged
(``AlertmanagerPeerFailed``).  When none took it, ``NotifierError`` keeps it in
the outbox for a later attempt.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from logsumd import httpjson, telemetry
from logsumd.config import AlertmanagerNotifierSettings
from logsumd.notify.notifier import NotifierError, Probe
from logsumd.records import Notification

ALERTS_PATH = "/api/v2/alerts"
STATUS_PATH = "/api/v2/status"
CONNECT_SECS = 5.0


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _labels(pairs: dict[str, str]) -> dict[str, str]:
    """Labels with empty values left out (Alertmanager treats them as absent)."""
    return {k: v for k, v in pairs.items() if v}


class AlertmanagerNotifier:
    """Posts alerts to one Alertmanager or an HA pair (every URL gets every alert)."""

    def __init__(
        self,
        settings: AlertmanagerNotifierSettings,
        *,
        name: str = "alertmanager",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._urls = tuple(u.rstrip("/") for u in settings.url)
        self._settings = settings
        self._clock = clock

    def __repr__(self) -> str:
        return f"AlertmanagerNotifier(name={self.name!r}, urls={self._urls!r})"

    # -- alerts (pure) ---------------------------------------------------------

    def alerts(self, n: Notification) -> list[dict[str, Any]]:
        """The alerts of one notification, as ``/api/v2/alerts`` takes them."""
        s = self._settings
        now = self._clock()
        if n.kind == "digest":
            return [
                self._alert(
                    {
                        "fingerprint": item.fingerprint,
                        "category": item.category,
                        "exception_type": item.exception_type,
                        "host": n.host,
                        "source": item.path,
                    },
                    {
                        "summary": f"{item.count} x {item.exception_type or item.category} "
                        f"in {item.path} (folded into a digest)",
                        "count": str(item.count),
                    },
                    starts=n.first_seen or now,
                    ends=max(n.last_seen, now) + s.resolve_after_secs,
                )
                for item in n.digest
            ]
        where = f"{n.path}:{n.line_start}" + (f" ({n.app_frame})" if n.app_frame else "")
        seen = f"{_rfc3339(n.first_seen)} to {_rfc3339(n.last_seen)}"
        description = f"{n.exception_type}: {n.message}" if n.exception_type else n.message
        annotations = {
            "summary": n.summary,
            "description": f"{description} ({n.count} event(s), {seen})",
            "location": where,
            "excerpt": n.excerpt[: s.max_excerpt_chars],
            "count": str(n.count),
        }
        labels = {
            "fingerprint": n.fingerprint,
            "category": n.category,
            "exception_type": n.exception_type,
            "host": n.host,
            "source": n.path,
        }
        ends = max(n.last_seen, now) + s.resolve_after_secs
        return [self._alert(labels, annotations, starts=n.first_seen or now, ends=ends)]

    def _alert(
        self, labels: dict[str, str], annotations: dict[str, str], *, starts: float, ends: float
    ) -> dict[str, Any]:
        s = self._settings
        return {
            "labels": _labels({**s.labels, "alertname": s.alertname, **labels}),
            "annotations": _labels(annotations),
            "startsAt": _rfc3339(starts),
            "endsAt": _rfc3339(ends),
        }

    # -- Notifier protocol -----------------------------------------------------

    async def send(self, notification: Notification) -> None:
        """Post the alerts to every URL; accepted once at least one Alertmanager took them."""
        alerts = self.alerts(notification)
        if not alerts:
            return
        results = await asyncio.gather(*(self._post(url, alerts) for url in self._urls))
        failed = [(url, error) for url, error in zip(self._urls, results, strict=True) if error]
        if len(failed) == len(self._urls):
            raise NotifierError("; ".join(error for _, error in failed))
        for url, error in failed:
            telemetry.emit("AlertmanagerPeerFailed", notifier=self.name, url=url, error=error)

    async def _post(self, url: str, alerts: list[dict[str, Any]]) -> str:
        """'' if ``url`` accepted ``alerts``, else what went wrong."""
        try:
            status, body = await asyncio.to_thread(
                httpjson.request,
                "POST",
                url + ALERTS_PATH,
                alerts,
                connect_secs=min(CONNECT_SECS, self._settings.timeout_secs),
                total_secs=self._settings.timeout_secs,
            )
        except (httpjson.Unreachable, httpjson.RequestTimeout) as exc:
            return f"alertmanager {url}: {exc}"
        if status != 200:
            return f"alertmanager {url} answered HTTP {status}: {httpjson.excerpt(body)}"
        return ""

    def reopen(self) -> None:
        """Nothing to reopen for a network notifier."""

    async def aclose(self) -> None:
        """Nothing to close: every request has its own connection."""

    async def health_check(self) -> Probe:
        """``/api/v2/status`` of every URL: reachable, its version and cluster state."""
        found = await asyncio.gather(*(self._status(url) for url in self._urls))
        return Probe(all(ok for ok, _ in found), "; ".join(detail for _, detail in found))

    async def _status(self, url: str) -> tuple[bool, str]:
        try:
            status, body = await asyncio.to_thread(
                httpjson.request,
                "GET",
                url + STATUS_PATH,
                connect_secs=min(CONNECT_SECS, self._settings.timeout_secs),
                total_secs=self._settings.timeout_secs,
            )
        except (httpjson.Unreachable, httpjson.RequestTimeout) as exc:
            return False, str(exc)
        data = httpjson.json_object(body) if status == 200 else None
        if data is None:
            return False, f"{url}{STATUS_PATH} answered HTTP {status}, not Alertmanager's status"
        version = (data.get("versionInfo") or {}).get("version", "?")
        cluster = data.get("cluster") or {}
        peers = len(cluster.get("peers") or [])
        state = cluster.get("status", "?")
        return True, f"{url}: Alertmanager {version}, cluster {state}, {peers} peer(s)"
