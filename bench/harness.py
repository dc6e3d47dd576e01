"""Shared parts of the benchmarks: the machine, a real ``logsumd run`` subprocess, /proc.

The daemon is the installed ``logsumd`` (the one next to this Python), started
with a generated YAML config and ``$NOTIFY_SOCKET`` pointing at a datagram socket
of ours, so "started" means the daemon sent ``READY=1`` as it does to systemd.
CPU time and memory are read from ``/proc/PID`` (Linux only).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

TICKS = os.sysconf("SC_CLK_TCK")


def machine() -> str:
    """One line naming the machine: CPU model, cores, memory, Python."""
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return (
        f"{model}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def logsumd_bin() -> str:
    """The ``logsumd`` console script of this environment."""
    local = Path(sys.executable).with_name("logsumd")
    if local.exists():
        return str(local)
    found = shutil.which("logsumd")
    if found is None:
        raise SystemExit("logsumd is not installed in this environment (pip install -e .)")
    return found


def base_config(root: Path, **overrides: Any) -> dict[str, Any]:
    """A daemon config under ``root``: logs/*.log from the beginning, rules, JSONL output."""
    cfg: dict[str, Any] = {
        "state_dir": str(root / "state"),
        "checkpoint_interval_ms": 1000,
        "shutdown_timeout_secs": 30,
        "sources": [{"include": [str(root / "logs" / "*.log")], "start_at": "beginning"}],
        "summarizer": {"backend": "rules"},
        "notifiers": [{"type": "file", "path": str(root / "out" / "events.jsonl")}],
        "logging": {"level": "info", "format": "json"},
    }
    cfg.update(overrides)
    return cfg


class Daemon:
    """A real ``logsumd run`` subprocess, started and stopped as systemd would."""

    def __init__(self, root: Path, config: dict[str, Any], env: dict[str, str] | None = None):
        self.root = root
        (root / "logs").mkdir(parents=True, exist_ok=True)
        self.config_path = root / "logsumd.yaml"
        self.config_path.write_text(yaml.safe_dump(config))
        self.state_dir = Path(config["state_dir"])
        self.stderr_path = root / "daemon.stderr"
        self._env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 120.0) -> float:
        """Start it; return the seconds until it sent ``READY=1``."""
        sock_dir = tempfile.mkdtemp(prefix="logsumd-bench-")
        address = os.path.join(sock_dir, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(address)
        sock.settimeout(0.2)
        t0 = time.monotonic()
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [logsumd_bin(), "run", "-c", str(self.config_path)],
                stdout=subprocess.DEVNULL,
                stderr=err,
                env={**self._env, "NOTIFY_SOCKET": address},
            )
        try:
            while time.monotonic() - t0 < timeout:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"logsumd exited {self.proc.returncode}: {self.stderr()}")
                try:
                    msg = sock.recv(4096)
                except TimeoutError:
                    continue
                if b"READY=1" in msg.split(b"\n"):
                    return time.monotonic() - t0
            raise RuntimeError(f"logsumd not ready after {timeout} s: {self.stderr()}")
        finally:
            sock.close()
            shutil.rmtree(sock_dir, ignore_errors=True)

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM and wait; the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def log_events(self, name: str) -> list[dict[str, Any]]:
        """The daemon's own structlog events called ``name``."""
        out = []
        for line in self.stderr_path.read_text(errors="replace").splitlines():
            if f'"{name}"' in line:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("event") == name:
                    out.append(rec)
        return out

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the daemon so far (all its threads)."""
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def memory_mb(self) -> tuple[float, float]:
        """(RSS now, peak RSS) in MiB."""
        rss = hwm = 0
        with open(f"/proc/{self.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return rss / 1024, hwm / 1024

    def status_kb(self) -> dict[str, int]:
        """The ``kB`` and count fields of ``/proc/PID/status`` (VmRSS, RssAnon, Threads ...)."""
        out: dict[str, int] = {}
        with open(f"/proc/{self.pid}/status", encoding="ascii") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                parts = value.split()
                if parts and parts[0].isdigit() and (len(parts) == 1 or parts[1] == "kB"):
                    out[key] = int(parts[0])
        return out

    def context_switches(self) -> int:
        """Voluntary + involuntary context switches of all the daemon's threads (wakeups)."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                text = (task / "status").read_text()
            except OSError:
                continue  # the thread ended
            for line in text.splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        return total

    def checkpoint_offsets(self) -> dict[str, int]:
        """path -> committed offset, from the daemon's checkpoint file."""
        try:
            doc = json.loads((self.state_dir / "checkpoints.json").read_text())
        except (OSError, ValueError):
            return {}
        return {cp["path"]: cp["offset"] for cp in doc.get("files", {}).values()}

    def wait_checkpoint(self, path: Path, offset: int, timeout: float) -> float:
        """Poll until the checkpoint of ``path`` reaches ``offset``; the monotonic time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.checkpoint_offsets().get(str(path), -1) >= offset:
                return time.monotonic()
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"logsumd exited: {self.stderr()}")
            time.sleep(0.005)
        raise RuntimeError(f"checkpoint of {path} did not reach {offset} in {timeout} s")


def prepare_model(state_dir: Path) -> float:
    """Assemble the embedded default model into ``state_dir`` as a first start would; seconds.

    A daemon started on this state directory then reuses the verified file, as
    every start after the first does.
    """
    from logsumd.summarize import ensure_embedded_model

    t0 = time.monotonic()
    ensure_embedded_model(str(state_dir))
    return time.monotonic() - t0


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


T = TypeVar("T")


class Sampler(Generic[T]):
    """Calls ``probe`` every ``interval`` seconds on a thread; keeps ``(monotonic, value)``.

    A probe that raises (the process is gone) ends the sampling.
    """

    def __init__(self, probe: Callable[[], T], interval: float) -> None:
        self.samples: list[tuple[float, T]] = []
        self._probe = probe
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def start(self) -> Sampler[T]:
        self._thread.start()
        return self

    def stop(self) -> list[tuple[float, T]]:
        self._stop.set()
        self._thread.join()
        return self.samples

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            try:
                value = self._probe()
            except (OSError, ValueError, AssertionError):
                return
            self.samples.append((time.monotonic(), value))
            next_at += self._interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))
