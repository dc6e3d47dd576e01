"""Regressions: bugs other log shippers shipped, each checked on real files.

* duplicates after a restart (offset not saved with the line, or saved early);
* lines lost on rename rotation while the writer keeps writing to the old file;
* deleted files held open (disk space never freed);
* an inode reused by a new file inheriting the old file's offset;
* copytruncate not detected, or detected but not read again from 0;
* SIGTERM lost in a storm of file events (one loop wake-up per event filled
  the loop's self-pipe, where the signal's byte then found no room).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import threading
import time
from pathlib import Path

from watchdog.events import FileCreatedEvent, FileModifiedEvent

from logsumd import telemetry
from logsumd.tail._inotify import LoopHandler
from logsumd.tail.checkpoint import CheckpointStore, FileCheckpoint
from logsumd.tail.identity import checksum
from tests.test_tail import Harness, append, make_source, run


def test_no_duplicates_and_no_gaps_after_restart(tmp_path: Path) -> None:
    """Stop and start again (everything acked): each line once, numbers continue."""
    path = tmp_path / "r.log"

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json")
        await h.start()
        path.write_bytes(b"1\n2\n")
        await h.wait_lines(2, path)
        await h.restart()
        append(path, b"3\n4")  # "4" is incomplete at the next stop
        await h.wait_lines(3, path)
        await h.restart()
        append(path, b"4\n5\n")
        await h.wait_lines(5, path)
        await h.stop()
        assert h.records(path) == [
            (1, 0, b"1"),
            (2, 2, b"2"),
            (3, 4, b"3"),
            (4, 6, b"44"),
            (5, 9, b"5"),
        ]

    run(body())


def test_unacknowledged_event_is_read_again_after_a_crash(tmp_path: Path) -> None:
    """At-least-once: a crash before the outbox acknowledged an event replays from it."""
    path = tmp_path / "r.log"
    path.write_bytes(b"1\n2\n3\n4\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json", assembler=True)
        await h.start()
        await h.wait_lines(4, path)
        h.stop_event.set()
        await h.task
        assert h.consumer is not None
        h.consumer.cancel()
        h.tailer.write_checkpoint()  # "crash": the event of line 1 is not acknowledged
        ((_, cp),) = (h.store.load() or {}).items()
        assert (cp.offset, cp.line) == (0, 1)
        h.unacked = []
        await h.start()
        await h.wait_lines(8, path)
        await h.stop()
        assert h.lines(path) == [b"1", b"2", b"3", b"4"] * 2
        ((_, cp),) = (h.store.load() or {}).items()
        assert (cp.offset, cp.line) == (8, 5)

    run(body())


def test_lines_written_while_stopped_are_read_after_restart(tmp_path: Path) -> None:
    """What was appended while the daemon was down is read, and nothing before it."""
    path = tmp_path / "r.log"
    path.write_bytes(b"a\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path, start_at="end")], tmp_path / "cp.json")
        await h.start()
        await asyncio.sleep(0.2)
        append(path, b"b\n")
        await h.wait_lines(1, path)
        await h.stop()
        append(path, b"c\n")
        await h.start()
        await h.wait_lines(2, path)
        await asyncio.sleep(0.2)
        await h.stop()
        assert h.records(path) == [(2, 2, b"b"), (3, 4, b"c")]

    run(body())


def test_rename_rotation_while_the_writer_keeps_writing(tmp_path: Path) -> None:
    """The writer goes on writing to the renamed file for a while (as a process that
    reopens its log only later does); every line of both files arrives once, in order."""
    path = tmp_path / "app.log"
    total = 3000

    def writer() -> None:
        fh = open(path, "ab", buffering=0)  # noqa: SIM115 (reopened below)
        for i in range(total):
            if i == 1000:
                os.rename(path, tmp_path / "app.log.1")
            if i == 1200:  # the writer notices the rotation 200 lines later
                fh.close()
                fh = open(path, "ab", buffering=0)  # noqa: SIM115
            fh.write(b"seq %05d\n" % i)
            if i % 50 == 0:
                time.sleep(0.005)
        fh.close()

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json", rotate_wait_ms=500)
        await h.start()
        path.write_bytes(b"")
        await h.wait(lambda: any(f.path == str(path) for f in h.tailer.files()))
        thread = threading.Thread(target=writer)
        thread.start()
        await asyncio.to_thread(thread.join)
        await h.wait_lines(total, timeout=10.0)
        await h.wait(lambda: len(h.closed()) == 1, timeout=5.0)
        await h.stop()
        by_file: dict[str, list[int]] = {}
        for c in h.chunks():
            by_file.setdefault(c.file_id, []).extend(int(x.split()[1]) for x in c.lines)
        old, new = by_file.values()
        assert old == list(range(1200))
        assert new == list(range(1200, total))
        assert [c.reason for c in h.closed()] == ["rotated"]

    run(body())


def fds_pointing_at(path: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)):
            found.append(target)
    return found


def test_deleted_file_is_released_within_five_seconds(tmp_path: Path) -> None:
    """After unlink, the descriptor is closed (in polling mode too), its rest is read."""
    for inotify in (True, False):
        path = tmp_path / f"gone-{inotify}.log"
        path.write_bytes(b"first\n")

        async def body(inotify: bool = inotify, path: Path = path) -> None:
            h = Harness([make_source(tmp_path, poll_interval_ms=1000)], tmp_path / "cp.json")
            h.kw["inotify"] = inotify
            await h.start()
            await h.wait_lines(1, path)
            assert fds_pointing_at(path)
            append(path, b"last words\n")
            path.unlink()
            t0 = time.monotonic()
            assert await h.wait(lambda: not fds_pointing_at(path), timeout=5.0)
            assert time.monotonic() - t0 < 5.0
            await h.wait(lambda: len(h.closed()) == 1)
            assert h.lines(path) == [b"first", b"last words"]
            assert [(c.path, c.reason) for c in h.closed()] == [(str(path), "deleted")]
            await h.stop()

        run(body())


def test_reused_inode_with_other_content_starts_at_zero(tmp_path: Path) -> None:
    """A checkpoint for this dev:ino with another fingerprint does not apply."""
    path = tmp_path / "reuse.log"
    path.write_bytes(b"brand new file\nsecond\n")
    st = path.stat()
    state = tmp_path / "cp.json"
    old = FileCheckpoint(str(path), st.st_dev, st.st_ino, checksum(b"old content"), 11, 15, 2)
    CheckpointStore(state).write({f"{st.st_dev}:{st.st_ino}": old})

    async def body() -> None:
        h = Harness([make_source(tmp_path, start_at="end")], state)
        await h.start()
        await h.wait_lines(2, path)
        await h.stop()
        assert h.records(path) == [(1, 0, b"brand new file"), (2, 15, b"second")]

    run(body())


def test_inode_reused_by_the_file_system_starts_at_zero(tmp_path: Path) -> None:
    """Delete a file while stopped, create new ones until one gets its inode: read from 0."""
    path = tmp_path / "a.log"
    path.write_bytes(b"old 1\nold 2\nold 3\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json")
        await h.start()
        await h.wait_lines(3, path)
        await h.stop()
        ino = path.stat().st_ino
        path.unlink()
        reused = None
        for i in range(200):
            candidate = tmp_path / "b.log" if i == 0 else tmp_path / f"spare{i}.tmp"
            candidate.write_bytes(b"new 1\n")
            if candidate.stat().st_ino == ino:
                reused = candidate
                break
        if reused is None:  # this file system did not hand the inode out again
            reused = tmp_path / "b.log"
            state = h.store.load() or {}
            ((fid, cp),) = state.items()
            st = reused.stat()
            moved = FileCheckpoint(str(reused), st.st_dev, st.st_ino, cp.fingerprint, 6, 18, 4)
            h.store.write({fid: moved})
        elif reused.name != "b.log":
            os.rename(reused, tmp_path / "b.log")
            reused = tmp_path / "b.log"
        await h.start()
        assert await h.wait_lines(1, reused) == [b"new 1"]
        await h.stop()
        assert h.records(reused) == [(1, 0, b"new 1")]

    run(body())


def test_copytruncate_reads_again_from_zero(tmp_path: Path) -> None:
    """Copy, truncate, write: FileTruncated, FileClosed(truncated), new lines from 0."""
    path = tmp_path / "ct.log"
    path.write_bytes(b"before 1\nbefore 2\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json")
        before = telemetry.count("FileTruncated")
        await h.start()
        await h.wait_lines(2, path)
        shutil.copyfile(path, tmp_path / "ct.log.1")
        os.truncate(path, 0)
        append(path, b"after 1\n")
        await h.wait_lines(3, path)
        await h.stop()
        assert telemetry.count("FileTruncated") == before + 1
        kinds = [type(i).__name__ for i in h.items]
        assert kinds == ["Chunk", "FileClosed", "Chunk"]
        assert h.closed()[0].reason == "truncated"
        assert h.records(path)[-1] == (1, 0, b"after 1")

    run(body())


def test_copytruncate_hole_is_skipped_and_the_next_line_read(tmp_path: Path) -> None:
    """A writer that does not append leaves a NUL hole: skipped, the next line arrives whole."""
    path = tmp_path / "hole.log"
    writer = open(path, "wb")  # noqa: SIM115 - the writer outlives the rotation
    try:
        writer.write(b"".join(b"INFO line %05d\n" % i for i in range(5000)))
        writer.flush()

        async def body() -> None:
            h = Harness([make_source(tmp_path, max_line_bytes=4096)], tmp_path / "cp.json")
            before = telemetry.count("NulBytesSkipped")
            await h.start()
            await h.wait_lines(5000, path, timeout=30)
            shutil.copyfile(path, tmp_path / "hole.log.1")
            os.truncate(path, 0)
            writer.write(b"ERROR after rotation\n")  # lands at the old offset
            writer.flush()
            await h.wait_lines(5001, path, timeout=30)
            await h.stop()
            assert h.records(path)[-1] == (1, 80_000, b"ERROR after rotation")
            assert telemetry.count("NulBytesSkipped") == before + 1

        run(body())
    finally:
        writer.close()


def test_truncated_and_rewritten_past_the_offset_is_detected(tmp_path: Path) -> None:
    """Truncated then refilled beyond the old offset before the next look: the changed
    first bytes (fingerprint) reveal it, so the new content is read from 0, not mid-way."""
    path = tmp_path / "ct.log"
    path.write_bytes(b"aaaa\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path, poll_interval_ms=500)], tmp_path / "cp.json")
        h.kw["inotify"] = False
        await h.start()
        await h.wait_lines(1, path)
        with open(path, "r+b") as fh:
            fh.truncate(0)
            fh.write(b"bbbbbbbb\ncc\n")
        await h.wait_lines(3, path, timeout=3.0)
        await h.stop()
        assert h.records(path) == [(1, 0, b"aaaa"), (1, 0, b"bbbbbbbb"), (2, 9, b"cc")]
        assert [c.reason for c in h.closed()] == ["truncated"]

    run(body())


def test_truncated_while_stopped_is_read_from_zero(tmp_path: Path) -> None:
    """Same first bytes but shorter than its checkpoint at start: truncated, read from 0."""
    path = tmp_path / "ct.log"
    path.write_bytes(b"0123456789\nabc\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path, fingerprint_bytes=4)], tmp_path / "cp.json")
        await h.start()
        await h.wait_lines(2, path)
        await h.stop()
        before = telemetry.count("FileTruncated")
        os.truncate(path, 0)
        append(path, b"0123\n")  # same first bytes, shorter than the checkpoint
        await h.start()
        await h.wait_lines(3, path)
        await h.stop()
        assert h.records(path)[-1] == (1, 0, b"0123")
        assert telemetry.count("FileTruncated") == before + 1

    run(body())


def test_an_event_storm_costs_one_loop_wakeup_and_leaves_room_for_signals() -> None:
    """10,000 file events while the loop is busy reach it as one call with every path,
    and a signal that arrives meanwhile still wakes the loop."""
    calls: list[tuple[tuple[str, ...], bool]] = []
    loop = asyncio.new_event_loop()
    got: list[int] = []
    try:
        loop.add_signal_handler(signal.SIGUSR1, got.append, signal.SIGUSR1)
        handler = LoopHandler(loop, lambda _: True, lambda p, s: calls.append((p, s)))

        def storm() -> None:  # watchdog's thread, while the loop runs nothing
            for i in range(10_000):
                handler.on_any_event(FileModifiedEvent(f"/logs/f{i % 50}.log"))
            handler.on_any_event(FileCreatedEvent("/logs/new.log"))

        worker = threading.Thread(target=storm)
        worker.start()
        worker.join(60)
        os.kill(os.getpid(), signal.SIGUSR1)
        loop.run_until_complete(asyncio.sleep(0.05))
    finally:
        loop.remove_signal_handler(signal.SIGUSR1)
        loop.close()
    assert got == [signal.SIGUSR1], "the signal was lost: the self-pipe was full"
    assert len(calls) == 1, len(calls)
    paths, structural = calls[0]
    assert set(paths) == {f"/logs/f{i}.log" for i in range(50)} | {"/logs/new.log"}
    assert structural
