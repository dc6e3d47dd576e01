"""Which paths a source reads: symbolic links only by choice and inside the source's
directory, never special files (FIFOs), each refusal a clear ``FileUnreadable``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from structlog.testing import capture_logs

from logsumd.tail.watch import SourceFiles
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


def _scan(root: Path, pattern: str, follow: bool = False) -> dict[str, str | None]:
    """What one scan of ``root/pattern`` finds: path (relative) -> refusal or None."""
    found = SourceFiles(make_source(root, pattern, follow_symlinks=follow)).scan()
    return {os.path.relpath(f.path, root): f.error for f in found}


def _tree(tmp_path: Path) -> Path:
    """logs/ with nested files, a hidden file and directory, and two links to ``.``."""
    logs = tmp_path / "logs"
    (logs / "a" / "b").mkdir(parents=True)
    (logs / ".hidden").mkdir()
    for name in ("top.log", "a/mid.log", "a/b/deep.log", ".dot.log", ".hidden/h.log", "x.txt"):
        (logs / name).write_text("line\n")
    os.symlink(".", logs / "loop1")
    os.symlink(".", logs / "a" / "loop2")
    return logs


def test_double_star_scan_never_walks_link_loops(tmp_path: Path) -> None:
    """`**` with links to `.` finds every real file once, at its real path, and returns."""
    logs = _tree(tmp_path)
    assert _scan(logs, "**/*.log") == {"top.log": None, "a/mid.log": None, "a/b/deep.log": None}


def test_followed_links_are_walked_once_and_only_inside(tmp_path: Path) -> None:
    """follow_symlinks: a link to a directory inside is walked (once); loops and outside not."""
    logs = _tree(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.log").write_text("no\n")
    os.symlink(outside, logs / "out")
    os.symlink("a/b", logs / "alias")
    found = _scan(logs, "**/*.log", follow=True)
    assert set(found) == {"top.log", "a/mid.log", "a/b/deep.log"} or set(found) == {
        "top.log",
        "a/mid.log",
        "alias/deep.log",
    }
    assert not [p for p in found if p.startswith(("out/", "loop"))]


def test_glob_rules_match_pythons_glob(tmp_path: Path) -> None:
    """`*` skips dot names, `.*` matches them, `**` matches zero or more directories."""
    logs = _tree(tmp_path)
    assert set(_scan(logs, "*.log")) == {"top.log", "loop1"} - {"loop1"}
    assert set(_scan(logs, ".*.log")) == {".dot.log"}
    assert set(_scan(logs, "a/**/*.log")) == {"a/mid.log", "a/b/deep.log"}
    assert set(_scan(logs, "*/b/*.log")) == {"a/b/deep.log"}
    assert set(_scan(logs, "a/b/deep.log")) == {"a/b/deep.log"}
