"""Prometheus metrics of the daemon on ``metrics.listen`` (the ``metrics`` extra).

Off by default; ``prometheus_client`` is imported only when it is on (the config
loader already reported a missing extra as an error naming ``metrics.listen``).
Counters follow the internal events: a telemetry listener turns each named event
into its counter, so no stage calls Prometheus.  What is a level rather than an
event (lines and bytes read so far, tail lag, the outbox, the summary queue) is
read when Prometheus scrapes: the tailer's part on the event loop, the outbox's
under its own lock.

Every family is listed in :data:`FAMILIES`, with its labels, and every known
label value starts at 0, so a series exists before its first event.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from logsumd import telemetry
from logsumd.config import CATEGORIES, MetricsSettings

SUMMARY_OUTCOMES = ("llama", "llama-retry", "rules", "timeout")
"""``outcome`` of ``logsumd_summaries_total``: who wrote the text, or that the model ran
out of time (the rules then wrote it)."""
LATENCY_BUCKETS = (0.005, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)
SNAPSHOT_TIMEOUT_SECS = 2.0

FAMILIES: dict[str, tuple[str, tuple[str, ...], str]] = {
    # name: (type, labels, help)
    "logsumd_read_lines_total": ("counter", ("source",), "Lines read from the source's files."),
    "logsumd_read_bytes_total": ("counter", ("source",), "Bytes read from the source's files."),
    "logsumd_tail_lag_bytes": ("gauge", ("path",), "Bytes of an open file not read yet."),
    "logsumd_events_assembled_total": (
        "counter",
        ("category",),
        "Error events assembled and stored in the outbox.",
    ),
    "logsumd_events_dropped_total": (
        "counter",
        ("notifier",),
        "Events a notifier will never get: dropped by the outbox size cap (all: before any "
        "notification covered them).",
    ),
    "logsumd_outbox_items": ("gauge", ("kind",), "Events and notifications in the outbox."),
    "logsumd_outbox_bytes": ("gauge", (), "Live bytes of the outbox journal."),
    "logsumd_outbox_oldest_age_seconds": (
        "gauge",
        ("kind",),
        "Age of the oldest pending event / undelivered notification (0: none).",
    ),
    "logsumd_outbox_pending_notifications": (
        "gauge",
        ("notifier",),
        "Notifications the notifier has not accepted yet.",
    ),
    "logsumd_notifier_sends_total": ("counter", ("notifier",), "Notifications accepted."),
    "logsumd_notifier_failures_total": ("counter", ("notifier",), "Failed sends."),
    "logsumd_notifier_retries_total": ("counter", ("notifier",), "Sends after a failed one."),
    "logsumd_summaries_total": (
        "counter",
        ("backend", "outcome"),
        "Summaries by who wrote them: llama (the model), llama-retry, rules, or timeout.",
    ),
    "logsumd_summary_duration_seconds": (
        "histogram",
        ("backend",),
        "Time to write one summary (model calls, checks and fallback).",
    ),
    "logsumd_summary_queue_jobs": ("gauge", (), "Summaries queued or being written."),
    "logsumd_model_server_retries_total": (
        "counter",
        (),
        "Requests to the model server retried (refused, dropped, 429 or 5xx).",
    ),
    "logsumd_checkpoint_failures_total": ("counter", (), "Failed checkpoint writes."),
}


@dataclass(frozen=True, slots=True)
class Levels:
    """What the daemon reports when scraped (everything but the event counters)."""

    read: Sequence[tuple[str, int, int]]
    """(source, lines, bytes) read so far."""
    lag: dict[str, int]
    outbox: dict[str, int]
    oldest: dict[str, float | None]
    queue_jobs: int


class DaemonMetrics:
    """The daemon's metrics in their own registry, served over HTTP once started."""

    def __init__(
        self,
        sources: Sequence[str],
        notifiers: Sequence[str],
        backend: str,
        levels: Callable[[], Levels | None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        from prometheus_client import (
            CollectorRegistry,
            Counter,
            Histogram,
            disable_created_metrics,
        )

        disable_created_metrics()  # type: ignore[no-untyped-call]  # no ``_created`` series
        self._levels = levels
        self._clock = clock
        self._backend = backend
        self._notifiers = tuple(notifiers)
        self.registry = CollectorRegistry()
        self.port = 0
        self._server: Any = None

        def counter(name: str) -> Any:
            _, labels, doc = FAMILIES[name]
            return Counter(name.removesuffix("_total"), doc, labels, registry=self.registry)

        self.assembled = counter("logsumd_events_assembled_total")
        self.dropped = counter("logsumd_events_dropped_total")
        self.sends = counter("logsumd_notifier_sends_total")
        self.failures = counter("logsumd_notifier_failures_total")
        self.retries = counter("logsumd_notifier_retries_total")
        self.summaries = counter("logsumd_summaries_total")
        self.server_retries = counter("logsumd_model_server_retries_total")
        self.checkpoint_failures = counter("logsumd_checkpoint_failures_total")
        _, labels, doc = FAMILIES["logsumd_summary_duration_seconds"]
        self.duration = Histogram(
            "logsumd_summary_duration_seconds",
            doc,
            labels,
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        for category in CATEGORIES:
            self.assembled.labels(category)
        for name in (*self._notifiers, "all"):
            self.dropped.labels(name)
        for name in self._notifiers:
            self.sends.labels(name)
            self.failures.labels(name)
            self.retries.labels(name)
        for outcome in SUMMARY_OUTCOMES:
            self.summaries.labels(backend, outcome)
        self.duration.labels(backend)
        self.registry.register(_LevelsCollector(self, tuple(sources)))

    def on_event(self, name: str, fields: dict[str, Any]) -> None:
        """The telemetry listener: count the events that have a counter."""
        if name == "EventAssembled":
            self.assembled.labels(str(fields.get("category", "other"))).inc()
        elif name == "EventsDropped":
            notifier = str(fields.get("notifier", "all"))
            self.dropped.labels("all" if notifier == "*" else notifier).inc(
                int(fields.get("count", 1))
            )
        elif name == "EventNotified":
            self.sends.labels(str(fields["notifier"])).inc()
        elif name == "NotifierFailed":
            self.failures.labels(str(fields["notifier"])).inc()
        elif name == "NotifierRetry":
            self.retries.labels(str(fields["notifier"])).inc()
        elif name == "SummaryWritten":
            backend = str(fields.get("backend", self._backend))
            outcome = "timeout" if fields.get("timed_out") else str(fields.get("summarizer"))
            self.summaries.labels(backend, outcome).inc()
            self.duration.labels(backend).observe(float(fields.get("secs", 0.0)))
        elif name == "ModelServerRetry":
            self.server_retries.inc()
        elif name == "CheckpointFailed":
            self.checkpoint_failures.inc()

    def start(self, settings: MetricsSettings) -> int:
        """Listen on ``metrics.listen`` and follow the telemetry events; the bound port."""
        from prometheus_client import start_http_server

        host, port = settings.address()
        self._server, _ = start_http_server(port, addr=host, registry=self.registry)
        self.port = int(self._server.server_address[1])
        telemetry.subscribe(self.on_event)
        telemetry.emit("MetricsListening", host=host, port=self.port)
        return self.port

    def stop(self) -> None:
        """Stop serving and stop following events."""
        telemetry.unsubscribe(self.on_event)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _LevelsCollector:
    """Families read at scrape time from :class:`Levels`."""

    def __init__(self, metrics: DaemonMetrics, sources: tuple[str, ...]) -> None:
        self._metrics = metrics
        self._sources = sources

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        m = self._metrics
        levels = m._levels()

        def family(name: str) -> Any:
            kind, labels, doc = FAMILIES[name]
            if kind == "counter":
                return CounterMetricFamily(name.removesuffix("_total"), doc, labels=labels)
            return GaugeMetricFamily(name, doc, labels=labels)

        lines, size = family("logsumd_read_lines_total"), family("logsumd_read_bytes_total")
        read = dict.fromkeys(self._sources, (0, 0))
        for source, n_lines, n_bytes in levels.read if levels else ():
            read[source] = (n_lines, n_bytes)
        for source, (n_lines, n_bytes) in read.items():
            lines.add_metric([source], n_lines)
            size.add_metric([source], n_bytes)
        lag = family("logsumd_tail_lag_bytes")
        for path, behind in sorted((levels.lag if levels else {}).items()):
            lag.add_metric([path], behind)
        items, live = family("logsumd_outbox_items"), family("logsumd_outbox_bytes")
        age, pending = (
            family("logsumd_outbox_oldest_age_seconds"),
            family("logsumd_outbox_pending_notifications"),
        )
        queue = family("logsumd_summary_queue_jobs")
        if levels is not None:
            items.add_metric(["event"], levels.outbox.get("events", 0))
            items.add_metric(["notification"], levels.outbox.get("notifications", 0))
            live.add_metric([], levels.outbox.get("live_bytes", 0))
            now = m._clock()
            for kind in ("event", "notification"):
                stored = levels.oldest.get(kind)
                age.add_metric([kind], max(0.0, now - stored) if stored is not None else 0.0)
            for name in m._notifiers:
                pending.add_metric([name], levels.outbox.get(f"pending_{name}", 0))
            queue.add_metric([], levels.queue_jobs)
        yield from (lines, size, lag, items, live, age, pending, queue)


def on_loop(loop: asyncio.AbstractEventLoop, fn: Callable[[], Any]) -> Any:
    """``fn()`` run on ``loop`` from another thread; None if the loop did not run it in time."""
    done: concurrent.futures.Future[Any] = concurrent.futures.Future()

    def call() -> None:
        try:
            done.set_result(fn())
        except Exception as exc:  # reported to the scraping thread
            done.set_exception(exc)

    try:
        loop.call_soon_threadsafe(call)
        return done.result(SNAPSHOT_TIMEOUT_SECS)
    except (RuntimeError, concurrent.futures.TimeoutError):
        return None
