"""What the daemon writes is private: files 0600 and directories 0700 unless ``umask`` is set."""

from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

from tests.daemon_helpers import DaemonProcess, wait_records, write_config

EVENT = (
    "2026-03-02 04:15:00,001 ERROR etl.load - load failed\n"
    "Traceback (most recent call last):\n"
    '  File "/opt/etl/load.py", line 8, in load\n'
    "    connect()\n"
    "ConnectionRefusedError: [Errno 111] Connection refused\n"
    "2026-03-02 04:15:01,000 INFO etl.load - next\n"
)


def _modes(*roots: Path) -> dict[str, int]:
    """Permission bits of every file and directory under ``roots`` (roots included)."""
    out: dict[str, int] = {}
    for root in roots:
        out[str(root)] = stat.S_IMODE(root.stat().st_mode)
        for dirpath, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(dirpath, name)
                out[path] = stat.S_IMODE(os.lstat(path).st_mode)
    return out


def _run_daemon(tmp_path: Path, **config: object) -> tuple[Path, Path]:
    """Run the daemon (started with umask 022) over one error event; (state dir, out dir)."""
    cfg = write_config(tmp_path, **config)
    state, out = tmp_path / "state", tmp_path / "out"
    (tmp_path / "logs" / "etl.log").write_text(EVENT)
    daemon = DaemonProcess(cfg, umask=0o022)
    assert len(wait_records(out / "events.jsonl", 1, timeout=30.0)) == 1
    deadline = time.monotonic() + 20
    while not (state / "summaries.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert daemon.stop(signal.SIGTERM) == 0
    return state, out


def test_state_and_output_are_private_by_default(tmp_path: Path) -> None:
    """Checkpoints, outbox journal, summary cache, the JSONL (older ones too): 0600; dirs 0700."""
    # An older run left the state directory and a journal readable by all.
    (tmp_path / "state" / "outbox").mkdir(parents=True, mode=0o755)
    (tmp_path / "state").chmod(0o755)
    journal = tmp_path / "state" / "outbox" / "outbox.journal"
    journal.write_bytes(b"")
    journal.chmod(0o644)
    # ... and a JSONL output readable by all, outside the state directory.
    (tmp_path / "out").mkdir(mode=0o700)
    (tmp_path / "out" / "events.jsonl").write_bytes(b"")
    (tmp_path / "out" / "events.jsonl").chmod(0o644)
    state, out = _run_daemon(tmp_path)
    modes = _modes(state, out)
    names = {os.path.basename(p) for p in modes}
    assert {"checkpoints.json", "summaries.json", "outbox.journal", "events.jsonl"} <= names
    for path, mode in modes.items():
        want = 0o700 if os.path.isdir(path) else 0o600
        assert mode == want, f"{path}: {mode:o}, want {want:o}"


def test_umask_setting_widens_modes(tmp_path: Path) -> None:
    """``umask: "027"``: the JSONL output is 0640; nothing is readable by others."""
    state, out = _run_daemon(tmp_path, umask="027")
    modes = _modes(state, out)
    assert modes[str(out / "events.jsonl")] == 0o640
    assert modes[str(state)] == 0o750
    for path, mode in modes.items():
        assert mode & 0o027 == 0, f"{path}: {mode:o}"
