"""Run the real ``logsumd`` daemon as a subprocess in tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml


def write_config(tmp: Path, **overrides: Any) -> Path:
    """A daemon config for ``tmp``: logs/*.log, rules summarizer, JSONL output."""
    cfg: dict[str, Any] = {
        "state_dir": str(tmp / "state"),
        "checkpoint_interval_ms": 200,
        "shutdown_timeout_secs": 10,
        "sources": [
            {
                "include": [str(tmp / "logs" / "*.log")],
                "start_at": "beginning",
                "multiline": {"flush_timeout_ms": 500},
            }
        ],
        "summarizer": {"backend": "rules"},
        "grouping": {"group_wait_secs": 0},
        "notifiers": [{"type": "file", "path": str(tmp / "out" / "events.jsonl")}],
    }
    cfg.update(overrides)
    (tmp / "logs").mkdir(exist_ok=True)
    path = tmp / "logsumd.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


class DaemonProcess:
    """``python -m logsumd run -c CONFIG`` with its stderr collected."""

    def __init__(self, config: Path, env: dict[str, str] | None = None, umask: int = -1) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "logsumd", "run", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
            text=True,
            umask=umask,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def logged(self, event: str) -> list[dict[str, Any]]:
        """Structured log records whose message is ``event``."""
        out = []
        for line in list(self.lines):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("event") == event:
                out.append(rec)
        return out

    def wait_logged(self, event: str, timeout: float = 20.0) -> dict[str, Any]:
        """Wait for a structured log record ``event``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.logged(event)
            if found:
                return found[0]
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{event} not logged; stderr:\n" + "\n".join(self.lines[-40:]))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send ``sig`` and wait for the exit status."""
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        """SIGKILL, as a crash."""
        self.proc.kill()
        self.proc.wait(30)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """All JSON lines of ``path`` (empty if it does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_records(path: Path, n: int, timeout: float) -> list[dict[str, Any]]:
    """Wait until ``path`` holds at least ``n`` records; return them."""
    deadline = time.monotonic() + timeout
    records = read_jsonl(path)
    while len(records) < n and time.monotonic() < deadline:
        time.sleep(0.05)
        records = read_jsonl(path)
    return records
