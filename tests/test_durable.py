"""Atomic writes: the checkpoints, the state files and the outbox replace files one way."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from logsumd.durable import atomic_write, atomic_writer
from logsumd.records import Notification, Summary
from logsumd.store import Outbox, SummaryCache
from logsumd.store._outbox import JOURNAL
from logsumd.tail import CheckpointStore


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_replaces_the_file_private_by_default(tmp_path: Path) -> None:
    """The new content is in place with mode 0600 (or the one asked for), no temp file left."""
    target = tmp_path / "sub" / "state.json"
    atomic_write(str(target), b"old")
    atomic_write(str(target), b"new")
    assert target.read_bytes() == b"new"
    assert _mode(target) == 0o600
    atomic_write(str(target), b"shared", mode=0o640)
    assert _mode(target) == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    """An error inside the block keeps the old content; the temporary file is removed."""
    target = tmp_path / "checkpoints.json"
    atomic_write(str(target), b"old")

    def write_half() -> None:
        with atomic_writer(str(target)) as fh:
            fh.write(b"half of the new")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoints.json"]


def test_every_state_file_is_written_private(tmp_path: Path) -> None:
    """Checkpoints, the summary cache and a compacted outbox journal are 0600."""
    old = os.umask(0o022)
    try:
        CheckpointStore(tmp_path / "checkpoints.json").write({})
        cache = SummaryCache(str(tmp_path / "summaries.json"))
        cache.put("fp", Summary("text", "rules"))
        box = Outbox(str(tmp_path / "outbox"), ["file"], 1 << 20)
        box.compact()
        box.close()
    finally:
        os.umask(old)
    for name in ("checkpoints.json", "summaries.json", f"outbox/{JOURNAL}"):
        assert _mode(tmp_path / name) == 0o600, name


def _note(nid: str) -> Notification:
    return Notification(
        nid, "event", "fp", "/x.log", 1, 2, "h", "other", "E", "E", "m", "s", "rules", "", 1, 0, 0
    )


def test_compaction_is_reported_with_what_it_saved(tmp_path: Path) -> None:
    """``OutboxCompacted`` names the journal's size before and after, and what stayed live."""
    box = Outbox(str(tmp_path), ["file"], 1 << 20)
    box.queue_notification(_note("n1"), [])
    box.queue_notification(_note("n2"), [])
    box.accepted("file", "n1")
    with capture_logs() as logs:
        box.compact()
    (event,) = [e for e in logs if e["event"] == "OutboxCompacted"]
    assert event["journal_bytes"] < event["journal_bytes_before"]
    assert (event["events"], event["notifications"]) == (0, 1)
    assert event["journal_bytes"] == (tmp_path / JOURNAL).stat().st_size
    box.close()
