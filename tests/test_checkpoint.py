"""AckTracker (committed positions) and CheckpointStore (atomic versioned JSON)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logsumd import telemetry
from logsumd.records import Event
from logsumd.tail.checkpoint import AckTracker, CheckpointStore, FileCheckpoint
from logsumd.tail.identity import FileIdentity

IDENT = FileIdentity(dev=1, ino=2, fingerprint="ab", fingerprint_len=2)


def event(offset: int, line: int, file_id: str = "1:2", text: str = "boom") -> Event:
    return Event(
        path="/x.log",
        file_id=file_id,
        line_start=line,
        line_end=line,
        offset_start=offset,
        offset_end=offset + 10,
        text=text,
        first_read_at=0.0,
        last_read_at=0.0,
        rule="generic",
    )


def checkpoint(offset: int = 10, line: int = 3) -> FileCheckpoint:
    return FileCheckpoint("/x.log", 1, 2, "ab", 2, offset, line)


def test_committed_is_the_read_position_when_nothing_is_pending() -> None:
    """With no buffered lines and no unacked events the checkpoint is where reading got."""
    tr = AckTracker()
    tr.read("1:2", "/x.log", IDENT, 100, 11)
    assert tr.committed("1:2") == (100, 11)


def test_committed_stops_at_the_assembler_pending_position() -> None:
    """Lines the assembler still buffers are not committed."""
    tr = AckTracker()
    tr.read("1:2", "/x.log", IDENT, 100, 11)
    tr.set_pending("1:2", (60, 7))
    assert tr.committed("1:2") == (60, 7)
    tr.set_pending("1:2", None)
    assert tr.committed("1:2") == (100, 11)


def test_committed_never_passes_an_unacked_event() -> None:
    """An emitted event holds the checkpoint at its first line until acknowledged."""
    tr = AckTracker()
    tr.read("1:2", "/x.log", IDENT, 100, 11)
    first, second = event(20, 3), event(50, 6)
    tr.emitted(first)
    tr.emitted(second)
    assert tr.committed("1:2") == (20, 3)
    tr.acked(first)
    assert tr.committed("1:2") == (50, 6)
    tr.acked(second)
    assert tr.committed("1:2") == (100, 11)


def test_identical_events_are_counted() -> None:
    """Two equal events emitted need two acks."""
    tr = AckTracker()
    tr.read("1:2", "/x.log", IDENT, 100, 11)
    ev = event(20, 3)
    tr.emitted(ev)
    tr.emitted(ev)
    tr.acked(ev)
    assert tr.committed("1:2") == (20, 3)
    tr.acked(ev)
    tr.acked(ev)  # an extra ack is ignored
    assert tr.committed("1:2") == (100, 11)


def test_busy_forget_and_snapshot() -> None:
    """The snapshot has every known file at its committed position; forget drops one."""
    tr = AckTracker()
    tr.read("1:2", "/x.log", IDENT, 100, 11)
    tr.read("1:3", "/y.log", FileIdentity(1, 3, "cd", 2), 5, 2)
    assert not tr.busy("1:2")
    tr.set_pending("1:2", (40, 4))
    assert tr.busy("1:2")
    snap = tr.snapshot()
    assert snap["1:2"] == FileCheckpoint("/x.log", 1, 2, "ab", 2, 40, 4)
    assert snap["1:3"].offset == 5
    tr.forget("1:3")
    assert set(tr.snapshot()) == {"1:2"}
    tr.acked(event(1, 1, file_id="1:3"))  # late ack of a forgotten file: ignored


@given(
    ops=st.lists(
        st.one_of(
            st.tuples(st.just("read"), st.integers(0, 50)),
            st.tuples(st.just("emit"), st.integers(0, 50)),
            st.tuples(st.just("ack"), st.integers(0, 20)),
            st.tuples(st.just("pending"), st.one_of(st.none(), st.integers(0, 50))),
        ),
        max_size=40,
    )
)
def test_committed_is_at_most_every_unacked_event_start(ops: list[tuple[str, Any]]) -> None:
    """Whatever happens, the committed position is not past an unacked event or pending line."""
    tr = AckTracker()
    tr.read("f", "/f", IDENT, 0, 1)
    read = 0
    unacked: list[Event] = []
    pending = None
    for op, arg in ops:
        if op == "read":
            read += arg
            tr.read("f", "/f", IDENT, read * 10, read + 1)
        elif op == "emit" and arg <= read:
            ev = event(arg * 10, arg + 1, file_id="f", text=str(len(unacked)))
            unacked.append(ev)
            tr.emitted(ev)
        elif op == "ack" and unacked:
            tr.acked(unacked.pop(arg % len(unacked)))
        elif op == "pending":
            pending = None if arg is None else min(arg, read)
            tr.set_pending("f", None if pending is None else (pending * 10, pending + 1))
        offset, line = tr.committed("f")
        assert offset <= read * 10
        assert all(offset <= ev.offset_start for ev in unacked)
        assert pending is None or offset <= pending * 10
        floors = [read, *(e.line_start - 1 for e in unacked)]
        expected = min(floors if pending is None else [*floors, pending])
        assert (offset, line) == (expected * 10, expected + 1)


def test_store_round_trip_is_versioned_json(tmp_path: Path) -> None:
    """The file is ``{"version": 1, "files": {...}}`` with every field, and loads back."""
    store = CheckpointStore(tmp_path / "state" / "checkpoints.json")
    store.write({"1:2": checkpoint()})
    doc = json.loads((tmp_path / "state" / "checkpoints.json").read_text())
    assert doc["version"] == 1
    assert doc["files"]["1:2"] == {
        "path": "/x.log",
        "dev": 1,
        "ino": 2,
        "fingerprint": "ab",
        "fingerprint_len": 2,
        "offset": 10,
        "line": 3,
    }
    assert store.load() == {"1:2": checkpoint()}


def test_missing_file_means_first_start(tmp_path: Path) -> None:
    """No checkpoint file: ``load`` returns None (``start_at`` applies)."""
    assert CheckpointStore(tmp_path / "none.json").load() is None


def test_corrupt_file_is_reported_and_starts_empty(tmp_path: Path) -> None:
    """Garbage, a wrong version or a bad field: ``CheckpointCorrupt`` and an empty start."""
    path = tmp_path / "cp.json"
    bad = [
        b"{not json",
        b"\x00\x00\x00",
        b'{"version": 2, "files": {}}',
        b'{"version": 1, "files": {"a": {"path": "/x"}}}',
        b'{"version": 1, "files": {"a": {"path": "/x", "dev": 1, "ino": 2, '
        b'"fingerprint": "ab", "fingerprint_len": 2, "offset": "10", "line": 3}}}',
        b"[]",
    ]
    for raw in bad:
        path.write_bytes(raw)
        before = telemetry.count("CheckpointCorrupt")
        assert CheckpointStore(path).load() == {}
        assert telemetry.count("CheckpointCorrupt") == before + 1


def test_write_replaces_atomically_and_leaves_no_temp_files(tmp_path: Path) -> None:
    """A reader running during many writes only ever sees a whole checkpoint."""
    store = CheckpointStore(tmp_path / "cp.json")
    store.write({"1:2": checkpoint(0, 1)})
    errors: list[object] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                doc = json.loads((tmp_path / "cp.json").read_bytes())
                assert doc["version"] == 1
                assert len(doc["files"]) == 1 + doc["files"]["1:2"]["offset"] % 2
            except Exception as exc:
                errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(200):
            files = {"1:2": checkpoint(i, i + 1)}
            if i % 2:
                files["1:9"] = FileCheckpoint("/y" * 300, 1, 9, "ff", 2, i, 1)
            store.write(files)
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert os.listdir(tmp_path) == ["cp.json"]
    assert store.load() == {
        "1:2": checkpoint(199, 200),
        "1:9": FileCheckpoint("/y" * 300, 1, 9, "ff", 2, 199, 1),
    }


def test_failed_rename_leaves_no_temp_file(tmp_path: Path) -> None:
    """When the rename fails (the target is a directory) the temp file is removed."""
    (tmp_path / "cp.json").mkdir()
    store = CheckpointStore(tmp_path / "cp.json")
    with pytest.raises(OSError):
        store.write({"1:2": checkpoint()})
    assert os.listdir(tmp_path) == ["cp.json"]
