"""Prometheus metrics: ``/metrics`` of a running daemon shows every family with right values.

The daemon runs as a subprocess (``tests/daemon_helpers.py``) on a known log: 20
lines, 913 bytes, three errors of three categories.  It has a file notifier and
an Alertmanager notifier whose server is down, so sends, failures, retries and
the outbox's undelivered notifications all have values to check.
"""

from __future__ import annotations

import http.client
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("prometheus_client")
from prometheus_client.parser import text_string_to_metric_families

from logsumd import telemetry
from logsumd.config import MetricsSettings
from logsumd.daemon._metrics import FAMILIES, DaemonMetrics, Levels
from tests.daemon_helpers import DaemonProcess, wait_records, write_config
from tests.model_server import free_port

LOG = """\
2025-03-02 04:10:00,001 INFO load.py: starting batch 7
2025-03-02 04:10:01,002 INFO load.py: reading input
2025-03-02 04:10:02,003 ERROR load.py: task failed
Traceback (most recent call last):
  File "/srv/etl/load.py", line 14, in read_stock
    with open(path) as fh:
FileNotFoundError: [Errno 2] No such file or directory: '/data/shop/stock_2031.csv'
2025-03-02 04:10:03,004 INFO load.py: next step
2025-03-02 04:10:04,005 ERROR transform.py: transform failed
Traceback (most recent call last):
  File "/srv/etl/transform.py", line 40, in build_row
    price = record["unit_price"]
KeyError: 'unit_price'
2025-03-02 04:10:05,006 INFO load.py: next step
2025-03-02 04:10:06,007 ERROR publish.py: upload failed
Traceback (most recent call last):
  File "/srv/etl/publish.py", line 88, in upload
    conn.connect()
ConnectionRefusedError: [Errno 111] Connection refused
2025-03-02 04:10:07,008 INFO load.py: done
"""

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(port: int) -> tuple[set[str], Samples]:
    """``curl 127.0.0.1:PORT/metrics``: the family names and every sample."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/metrics")
        response = conn.getresponse()
        assert response.status == 200
        text = response.read().decode()
    finally:
        conn.close()
    names: set[str] = set()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        names.add(family.name + ("_total" if family.type == "counter" else ""))
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return names, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.mark.slow
def test_metrics_of_a_running_daemon(tmp_path: Path) -> None:
    """Every metric is served, with the values the known log and notifiers imply."""
    port = free_port()
    (tmp_path / "logs").mkdir()
    log = tmp_path / "logs" / "etl.log"
    log.write_text(LOG)
    out = tmp_path / "out" / "events.jsonl"
    dead = f"http://127.0.0.1:{free_port()}"
    config = write_config(
        tmp_path,
        metrics={"listen": f"127.0.0.1:{port}"},
        notifiers=[
            {"type": "file", "path": str(out)},
            {"type": "alertmanager", "url": [dead], "timeout_secs": 2},
        ],
    )
    daemon = DaemonProcess(config)
    try:
        listening = daemon.wait_logged("MetricsListening", timeout=60)
        assert (listening["host"], listening["port"]) == ("127.0.0.1", port)
        assert len(wait_records(out, 3, timeout=60)) == 3
        deadline = time.monotonic() + 60
        while True:
            names, samples = scrape(port)
            file_sends = value(samples, "logsumd_notifier_sends_total", notifier=f"file:{out}")
            failures = value(samples, "logsumd_notifier_failures_total", notifier="alertmanager")
            if (file_sends == 3 and failures >= 2) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        assert daemon.stop() == 0

    assert names == set(FAMILIES)
    source = "sources[0]"
    assert value(samples, "logsumd_read_lines_total", source=source) == 20
    assert value(samples, "logsumd_read_bytes_total", source=source) == len(LOG.encode())
    assert value(samples, "logsumd_tail_lag_bytes", path=str(log)) == 0
    for category, count in {"file_io": 1, "key_missing": 1, "connection": 1, "other": 0}.items():
        assert value(samples, "logsumd_events_assembled_total", category=category) == count
    assert value(samples, "logsumd_events_dropped_total", notifier="all") == 0
    assert value(samples, "logsumd_summaries_total", backend="rules", outcome="rules") == 3
    assert value(samples, "logsumd_summaries_total", backend="rules", outcome="timeout") == 0
    assert value(samples, "logsumd_summary_duration_seconds_count", backend="rules") == 3
    assert value(samples, "logsumd_notifier_sends_total", notifier=f"file:{out}") == 3
    assert value(samples, "logsumd_notifier_failures_total", notifier=f"file:{out}") == 0
    assert value(samples, "logsumd_notifier_retries_total", notifier=f"file:{out}") == 0
    assert value(samples, "logsumd_notifier_sends_total", notifier="alertmanager") == 0
    retries = value(samples, "logsumd_notifier_retries_total", notifier="alertmanager")
    assert failures >= 2
    assert failures - 1 <= retries <= failures  # each retry follows a failure
    # Everything was summarized into notifications; the file took them, Alertmanager did not.
    assert value(samples, "logsumd_outbox_items", kind="event") == 0
    assert value(samples, "logsumd_outbox_items", kind="notification") == 3
    assert value(samples, "logsumd_outbox_pending_notifications", notifier="alertmanager") == 3
    assert value(samples, "logsumd_outbox_pending_notifications", notifier=f"file:{out}") == 0
    assert value(samples, "logsumd_outbox_bytes") > 0
    assert value(samples, "logsumd_outbox_oldest_age_seconds", kind="notification") > 0
    assert value(samples, "logsumd_outbox_oldest_age_seconds", kind="event") == 0
    assert value(samples, "logsumd_summary_queue_jobs") == 0
    assert value(samples, "logsumd_model_server_retries_total") == 0
    assert value(samples, "logsumd_checkpoint_failures_total") == 0


def test_events_become_counters() -> None:
    """Each internal event moves its counter: timeouts, drops, checkpoints, server retries."""
    levels = Levels([("app", 5, 50)], {"/l": 7}, {"events": 1}, {"event": 90.0}, 2)
    metrics = DaemonMetrics(["app"], ["slack"], "llama", lambda: levels, clock=lambda: 100.0)
    port = metrics.start(MetricsSettings("127.0.0.1:0"))
    try:
        telemetry.emit(
            "SummaryWritten", backend="llama", summarizer="rules", timed_out=True, secs=3
        )
        telemetry.emit("SummaryWritten", backend="llama", summarizer="llama-retry", secs=0.7)
        telemetry.emit("EventsDropped", count=4, reason="outbox_full", notifier="*", max_bytes=1)
        telemetry.emit(
            "EventsDropped", count=2, reason="outbox_full", notifier="slack", max_bytes=1
        )
        telemetry.emit("CheckpointFailed", path="/s", error="ENOSPC", attempts=1)
        telemetry.emit("ModelServerRetry", url="http://m/v1", error="HTTP 503", retry_in_secs=0.5)
        _, samples = scrape(port)
    finally:
        metrics.stop()
    counts: dict[str, Any] = {
        "timeout": 1,
        "llama-retry": 1,
        "llama": 0,
        "rules": 0,
    }
    for outcome, count in counts.items():
        assert value(samples, "logsumd_summaries_total", backend="llama", outcome=outcome) == count
    assert value(samples, "logsumd_summary_duration_seconds_bucket", backend="llama", le="1.0") == 1
    assert value(samples, "logsumd_events_dropped_total", notifier="all") == 4
    assert value(samples, "logsumd_events_dropped_total", notifier="slack") == 2
    assert value(samples, "logsumd_checkpoint_failures_total") == 1
    assert value(samples, "logsumd_model_server_retries_total") == 1
    assert value(samples, "logsumd_read_bytes_total", source="app") == 50
    assert value(samples, "logsumd_tail_lag_bytes", path="/l") == 7
    assert value(samples, "logsumd_outbox_oldest_age_seconds", kind="event") == 10.0
    assert value(samples, "logsumd_summary_queue_jobs") == 2
