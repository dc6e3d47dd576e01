"""Run the real daemon over a log dir with file + Slack notifiers; dump everything.

python tests/attack/run_daemon12.py LOGDIR WORKDIR EXPECTED_RECORDS [DAEMON_PYTHON] [backend]
Writes WORKDIR/slack_bodies.jsonl (raw request bodies), WORKDIR/daemon.stderr.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.slack_server import SlackServer

logdir, work, expected = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
py = sys.argv[4] if len(sys.argv) > 4 else sys.executable
backend = sys.argv[5] if len(sys.argv) > 5 else "rules"
work.mkdir(parents=True, exist_ok=True)
with SlackServer() as server:
    cfg = {
        "state_dir": str(work / "state"),
        "checkpoint_interval_ms": 200,
        "sources": [
            {
                "include": [str(logdir / "**" / "*.log")],
                "start_at": "beginning",
                "multiline": {"flush_timeout_ms": 500},
            }
        ],
        "summarizer": {"backend": backend},
        "grouping": {"group_wait_secs": 0, "max_notifications_per_minute": 1000},
        "notifiers": [
            {"type": "file", "path": str(work / "out" / "events.jsonl")},
            {
                "type": "slack",
                "bot_token": "${SLACK_BOT_TOKEN}",
                "channel": "#etl-alerts",
                "base_url": server.url,
            },
        ],
        "logging": {"level": "debug", "format": "json"},
    }
    (work / "logsumd.yaml").write_text(yaml.safe_dump(cfg))
    env = {**os.environ, "SLACK_BOT_TOKEN": server.token}
    err = open(work / "daemon.stderr", "w")  # noqa: SIM115 (closed after the run)
    proc = subprocess.Popen(
        [py, "-m", "logsumd", "run", "-c", str(work / "logsumd.yaml")],
        stdout=subprocess.DEVNULL,
        stderr=err,
        env=env,
    )
    out = work / "out" / "events.jsonl"
    deadline = time.monotonic() + float(os.environ.get("A12_TIMEOUT", "240"))
    n = 0
    last, stable_since = (-1, -1), time.monotonic()
    while time.monotonic() < deadline:
        n = len(out.read_text().splitlines()) if out.exists() else 0
        now = (n, len(server.requests))
        if now != last:
            last, stable_since = now, time.monotonic()
        elif n >= expected and time.monotonic() - stable_since > 4:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(60)
    err.close()
    with open(work / "slack_bodies.jsonl", "w") as f:
        for r in server.requests:
            f.write(json.dumps({"path": r.path, "body": r.body.decode("utf-8", "replace")}) + "\n")
    print(
        f"rc={rc} jsonl={n} slack_requests={len(server.requests)} messages={len(server.messages())}"
    )
