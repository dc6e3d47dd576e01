"""Red team, issue 12: files and paths (the real daemon as a subprocess, real files)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from tests.daemon_helpers import DaemonProcess, read_jsonl, wait_records, write_config

LINE = "2025-03-02 04:10:12,000 ERROR etl.job{n}: {text}\n"


def test_two_symlink_loops_do_not_stall_the_tailer(tmp_path: Path) -> None:
    """Two links to `.` under a `**` glob (follow_symlinks off) do not stop a real file's read."""
    config = write_config(
        tmp_path,
        sources=[
            {
                "include": [str(tmp_path / "logs" / "**" / "*.log")],
                "start_at": "beginning",
                "multiline": {"flush_timeout_ms": 300},
            }
        ],
    )
    logs = tmp_path / "logs"
    (logs / "app.log").write_text(LINE.format(n=0, text="real error in a real file"))
    os.symlink(".", logs / "loop1")
    os.symlink(".", logs / "loop2")
    daemon = DaemonProcess(config)
    code: int | None
    try:
        records = wait_records(tmp_path / "out" / "events.jsonl", 1, timeout=60)
    finally:
        daemon.proc.terminate()
        try:
            code = daemon.proc.wait(60)
        except subprocess.TimeoutExpired:
            daemon.kill()
            code = None
    assert records, "app.log was never read: the scan walks the link loops without end"
    assert code == 0, "the daemon did not exit within 60 s of SIGTERM"


@pytest.mark.slow
def test_directory_swapped_for_a_link_is_never_read(tmp_path: Path) -> None:
    """A log subdirectory swapped for a link to another directory never gets that directory read."""
    config = write_config(
        tmp_path,
        sources=[
            {
                "include": [str(tmp_path / "logs" / "**" / "*.log")],
                "start_at": "beginning",
                "poll_interval_ms": 50,
                "multiline": {"flush_timeout_ms": 300},
            }
        ],
    )
    logs, outside = tmp_path / "logs", tmp_path / "outside"
    (logs / "sub").mkdir()
    outside.mkdir()
    for n in range(20):
        (logs / "sub" / f"app{n}.log").write_text(LINE.format(n=n, text=f"inside {n}"))
        (outside / f"app{n}.log").write_text(LINE.format(n=n, text=f"OUTSIDE-SECRET-{n}"))
        os.chmod(outside / f"app{n}.log", 0o600)
    daemon = DaemonProcess(config)
    out = tmp_path / "out" / "events.jsonl"
    stop = threading.Event()

    def swap() -> None:
        while not stop.is_set():
            os.rename(logs / "sub", logs / "sub.real")
            os.symlink("../outside", logs / "sub")
            time.sleep(0.0005)
            os.unlink(logs / "sub")
            os.rename(logs / "sub.real", logs / "sub")
            time.sleep(0.0005)

    swapper = threading.Thread(target=swap, daemon=True)
    try:
        wait_records(out, 1, timeout=30)
        swapper.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "OUTSIDE" not in str(read_jsonl(out)):
            time.sleep(0.5)
    finally:
        stop.set()
        swapper.join(10)
        daemon.stop()
    leaked = [r["message"] for r in read_jsonl(out) if "OUTSIDE" in r.get("message", "")]
    assert not leaked, f"files outside the source directory were read: {leaked}"


def test_existing_output_file_is_narrowed(tmp_path: Path) -> None:
    """A JSONL output left world-readable (0644, e.g. by an older version) is 0600 once written."""
    config = write_config(tmp_path)
    out = tmp_path / "out" / "events.jsonl"
    out.parent.mkdir()
    out.write_text("")
    os.chmod(out, 0o644)
    (tmp_path / "logs" / "a.log").write_text(LINE.format(n=0, text="password rejected"))
    daemon = DaemonProcess(config)
    try:
        assert wait_records(out, 1, timeout=30)
    finally:
        daemon.stop()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600, oct(out.stat().st_mode)


def test_umask_that_locks_out_the_owner_is_refused_or_ignored(tmp_path: Path) -> None:
    """`umask: "0777"` is refused by `check`, or checkpoints and outbox stay 0600 ("always")."""
    config = write_config(tmp_path)
    data = yaml.safe_load(config.read_text())
    data["umask"] = "0777"
    config.write_text(yaml.safe_dump(data))
    check = subprocess.run(
        [sys.executable, "-m", "logsumd", "check", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check.returncode != 0:
        assert "umask" in check.stdout + check.stderr
        return
    (tmp_path / "logs" / "a.log").write_text(LINE.format(n=0, text="boom"))
    daemon = DaemonProcess(config)
    try:
        assert wait_records(tmp_path / "out" / "events.jsonl", 1, timeout=30)
    finally:
        daemon.stop()
    state = tmp_path / "state"
    modes = {
        p.name: oct(stat.S_IMODE(p.stat().st_mode))
        for p in (state / "checkpoints.json", state / "outbox" / "outbox.journal")
    }
    assert set(modes.values()) == {"0o600"}, modes
