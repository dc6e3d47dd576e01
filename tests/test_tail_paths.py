"""Which paths a source reads: symbolic links only by choice and inside the source's
directory, never special files (FIFOs), each refusal a clear ``FileUnreadable``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from structlog.testing import capture_logs

from tests.test_tail import Harness, make_source, run


def _unreadable(logs: list[dict[str, Any]]) -> dict[str, str]:
    return {e["path"]: e["error"] for e in logs if e["event"] == "FileUnreadable"}


def _layout(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """logs/ with a plain file, a link outside logs/ and a link to a file inside it."""
    logs = tmp_path / "logs"
    outside = tmp_path / "private"
    (logs / "archive").mkdir(parents=True)
    outside.mkdir()
    plain = logs / "plain.log"
    plain.write_bytes(b"plain line\n")
    secret = outside / "secret.txt"
    secret.write_bytes(b"outside secret\n")
    secret.chmod(0o600)
    out_link = logs / "escape.log"
    out_link.symlink_to(secret)
    inner = logs / "archive" / "inner.txt"
    inner.write_bytes(b"inner line\n")
    in_link = logs / "inner.log"
    in_link.symlink_to(inner)
    return logs, plain, out_link, in_link


def test_symlinks_are_not_followed_by_default(tmp_path: Path) -> None:
    """With follow_symlinks off a link is never opened, even one to a file inside the source."""
    logs, plain, out_link, in_link = _layout(tmp_path)

    async def body() -> None:
        h = Harness([make_source(logs)], tmp_path / "cp.json")
        with capture_logs() as logs_seen:
            await h.start()
            await h.wait_lines(1, plain)
            await asyncio.sleep(0.5)  # several rescans
            await h.stop()
        refused = _unreadable(logs_seen)
        assert set(refused) == {str(out_link), str(in_link)}
        assert all("symbolic link" in why for why in refused.values())
        assert h.lines() == [b"plain line"]

    run(body())


def test_follow_symlinks_reads_only_links_inside_the_source_directory(tmp_path: Path) -> None:
    """follow_symlinks: a link to a file under the source's directory is read, one out is not."""
    logs, plain, out_link, in_link = _layout(tmp_path)
    etc_link = logs / "shadow.log"
    etc_link.symlink_to("/etc/shadow")

    async def body() -> None:
        h = Harness([make_source(logs, follow_symlinks=True)], tmp_path / "cp.json")
        with capture_logs() as logs_seen:
            await h.start()
            await h.wait_lines(1, plain)
            await h.wait_lines(1, in_link)
            await asyncio.sleep(0.5)
            await h.stop()
        refused = _unreadable(logs_seen)
        assert set(refused) == {str(out_link), str(etc_link)}
        assert all("outside" in why for why in refused.values())
        assert sorted(h.lines()) == [b"inner line", b"plain line"]

    run(body())


def test_fifo_is_refused_and_other_files_are_read(tmp_path: Path) -> None:
    """A FIFO matching the glob is reported unreadable (named as a FIFO) and never opened."""
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)
    good = tmp_path / "good.log"
    good.write_bytes(b"g1\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json")
        with capture_logs() as logs_seen:
            await h.start()
            await h.wait_lines(1, good)
            await asyncio.sleep(0.4)
            await h.stop()
        refused = _unreadable(logs_seen)
        assert list(refused) == [str(fifo)]
        assert "FIFO" in refused[str(fifo)]
        assert h.lines() == [b"g1"]

    run(body())
