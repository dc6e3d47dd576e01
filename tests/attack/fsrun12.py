"""Run the daemon over a prepared directory and report what it read and refused.

python tests/attack/fsrun12.py ROOT SECONDS [follow] [extra yaml key=value...]
ROOT/logs is watched with include ROOT/logs/**/*.log; output ROOT/out/events.jsonl.
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

root = Path(sys.argv[1])
secs = float(sys.argv[2])
follow = len(sys.argv) > 3 and sys.argv[3] == "follow"
include = os.environ.get("A12_INCLUDE", str(root / "logs" / "**" / "*.log"))
cfg = {
    "state_dir": str(root / "state"),
    "checkpoint_interval_ms": 200,
    "sources": [
        {
            "include": [include],
            "start_at": "beginning",
            "follow_symlinks": follow,
            "poll_interval_ms": int(os.environ.get("A12_POLL", "200")),
            "multiline": {"flush_timeout_ms": 300},
        }
    ],
    "summarizer": {"backend": "rules"},
    "grouping": {"group_wait_secs": 0, "max_notifications_per_minute": 1000},
    "notifiers": [{"type": "file", "path": str(root / "out" / "events.jsonl")}],
    "logging": {"level": "debug", "format": "json"},
}
if os.environ.get("A12_UMASK"):
    cfg["umask"] = os.environ["A12_UMASK"]
(root / "logsumd.yaml").write_text(yaml.safe_dump(cfg))
err = open(root / "daemon.stderr", "w")  # noqa: SIM115 (closed after the run)
proc = subprocess.Popen(
    [sys.executable, "-m", "logsumd", "run", "-c", str(root / "logsumd.yaml")],
    stdout=subprocess.DEVNULL,
    stderr=err,
)
time.sleep(secs)
alive = proc.poll() is None
proc.send_signal(signal.SIGTERM)
rc: int | str
try:
    rc = proc.wait(30)
except subprocess.TimeoutExpired:
    proc.kill()
    rc = "killed"
err.close()
print(f"alive_at_end={alive} rc={rc}")
for line in (root / "daemon.stderr").read_text().splitlines():
    try:
        r = json.loads(line)
    except ValueError:
        print("RAW", line[:200])
        continue
    if r.get("event") in ("FileUnreadable", "FileOpened", "ComponentCrashed", "FileReadable"):
        print(r.get("event"), r.get("path"), r.get("error") or r.get("reason") or "")
out = root / "out" / "events.jsonl"
if out.exists():
    for line in out.read_text().splitlines():
        r = json.loads(line)
        print("EVENT", r.get("path"), r.get("message", "")[:100])
