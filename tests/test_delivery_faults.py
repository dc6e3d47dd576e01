"""At-least-once delivery under faults: Slack outages and SIGKILL of the daemon."""

from __future__ import annotations

import random
import re
import threading
import time
from pathlib import Path

import pytest

from tests.daemon_helpers import DaemonProcess, read_jsonl, write_config
from tests.slack_server import SlackServer

pytestmark = pytest.mark.slow

MARKER = re.compile(r"EVT-(\d{4})")


def _name(i: int) -> str:
    """Letters only: fingerprints mask digits, so distinct events need distinct words."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i // 26 % 26] + letters[i % 26]


def error_event(i: int) -> str:
    """A plain-logging traceback whose fingerprint differs for every ``i``."""
    return (
        f"2025-03-02 04:15:{i % 60:02d},001 - etl.load - ERROR - batch failed\n"
        "Traceback (most recent call last):\n"
        f'  File "/opt/etl/jobs/load.py", line {10 + i}, in load_{_name(i)}\n'
        "    run_batch()\n"
        f"ValueError: bad row in batch EVT-{i:04d}\n"
        f"2025-03-02 04:15:{i % 60:02d},500 - etl.load - INFO - continuing\n"
    )


class Writer(threading.Thread):
    """Appends ``count`` error events, one every ``interval`` seconds."""

    def __init__(self, log: Path, count: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.log, self.count, self.interval = log, count, interval
        self.written = 0

    def run(self) -> None:
        for i in range(self.count):
            with self.log.open("a") as f:
                f.write(error_event(i))
            self.written = i + 1
            time.sleep(self.interval)


def _markers(texts: list[str]) -> list[int]:
    return [int(m) for t in texts for m in set(MARKER.findall(t))]


def test_slack_500_and_429_for_60s_then_recovers_every_event_delivered(tmp_path: Path) -> None:
    """Slack fails for 60 s (500, then 429); afterwards every event reaches it and the file."""
    n_events = 20
    with SlackServer() as server:
        server.set_mode("error500")
        config = write_config(
            tmp_path,
            grouping={"group_wait_secs": 0, "max_notifications_per_minute": 1000},
            notifiers=[
                {"type": "file", "path": str(tmp_path / "out" / "events.jsonl")},
                {
                    "type": "slack",
                    "bot_token": "${SLACK_BOT_TOKEN}",
                    "channel": "#etl-alerts",
                    "base_url": server.url,
                    "max_retries": 2,
                    "timeout_secs": 5,
                },
            ],
        )
        log = tmp_path / "logs" / "etl.log"
        log.write_text("")
        daemon = DaemonProcess(config, env={"SLACK_BOT_TOKEN": server.token})
        daemon.wait_logged("DaemonStarted")
        writer = Writer(log, n_events, interval=2.0)
        writer.start()
        time.sleep(30)
        server.set_mode("ratelimit", retry_after=1)
        time.sleep(30)
        server.recover()
        writer.join()
        deadline = time.monotonic() + 120
        seen: list[int] = []
        while time.monotonic() < deadline:
            seen = _markers([r.body.decode() for r in server.requests if r.answered == "ok"])
            if set(seen) >= set(range(n_events)):
                break
            time.sleep(0.5)
        assert daemon.stop() == 0
        failures = [r for r in server.requests if r.answered != "ok"]
        in_file = _markers([r["message"] for r in read_jsonl(tmp_path / "out" / "events.jsonl")])

    assert set(seen) == set(range(n_events)), sorted(set(range(n_events)) - set(seen))
    assert set(in_file) == set(range(n_events))
    duplicates = len(seen) - len(set(seen))
    print(
        f"\nslack outage: {len(failures)} failed requests, {len(seen)} deliveries "
        f"of {n_events} events, {duplicates} duplicates; file: "
        f"{len(in_file) - len(set(in_file))} duplicates"
    )
    # At-least-once: a duplicate only when Slack accepted a message whose answer was lost.
    assert duplicates <= len(failures)
    assert len(in_file) == n_events  # the file notifier never failed: no duplicate there
    assert server.token not in "\n".join(daemon.lines)


def test_sigkill_at_ten_random_moments_loses_no_event(tmp_path: Path) -> None:
    """SIGKILL at 10 random moments while a writer appends; every event is delivered."""
    rng = random.Random(20251126)
    n_events = 120
    out = tmp_path / "out" / "events.jsonl"
    config = write_config(
        tmp_path,
        grouping={"group_wait_secs": 0, "max_notifications_per_minute": 100000},
    )
    log = tmp_path / "logs" / "etl.log"
    log.write_text("")
    writer = Writer(log, n_events, interval=0.08)
    writer.start()
    for _ in range(10):
        daemon = DaemonProcess(config)
        daemon.wait_logged("DaemonStarted", timeout=30)
        time.sleep(rng.uniform(0.05, 1.2))
        daemon.kill()
    writer.join()
    daemon = DaemonProcess(config)
    daemon.wait_logged("DaemonStarted", timeout=30)
    deadline = time.monotonic() + 60
    seen: list[int] = []
    while time.monotonic() < deadline:
        seen = _markers([r["message"] for r in read_jsonl(out)])
        if set(seen) >= set(range(n_events)):
            break
        time.sleep(0.2)
    assert daemon.stop() == 0
    seen = _markers([r["message"] for r in read_jsonl(out)])
    missing = sorted(set(range(n_events)) - set(seen))
    duplicates = len(seen) - len(set(seen))
    print(f"\nSIGKILL x10: {n_events} events, {len(seen)} records, {duplicates} duplicates")
    assert not missing, missing
