"""The tailer on real files with the real watchdog: discovery, start_at, globs, errors.

``Harness`` (also used by the regression and state-machine tests) runs a
``Tailer`` with a consumer task that takes everything off its queue, and waits
for deliveries with bounded polling loops rather than fixed sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from logsumd import telemetry
from logsumd.config import MultilineSettings, SourceSettings
from logsumd.records import Chunk, Event, FileClosed
from logsumd.tail import AckTracker, CheckpointStore, Tailer
from logsumd.tail.linesplit import cut_marker
from logsumd.tail.watch import SourceFiles, glob_to_regex, watch_root
from tests.descriptors import descriptor_room


def make_source(
    tmp_path: Path,
    *patterns: str,
    flush_timeout_ms: int = 60_000,
    poll_interval_ms: int = 100,
    start_at: str = "beginning",
    **kw: Any,
) -> SourceSettings:
    """A source over ``tmp_path`` with quick test timings."""
    return SourceSettings(
        include=tuple(str(tmp_path / p) for p in patterns or ("*.log",)),
        start_at=start_at,
        poll_interval_ms=poll_interval_ms,
        multiline=MultilineSettings(flush_timeout_ms=flush_timeout_ms),
        **kw,
    )


class Harness:
    """A tailer, its queue and a consumer collecting every item, restartable."""

    def __init__(
        self,
        sources: list[SourceSettings],
        state_file: Path,
        *,
        rotate_wait_ms: int = 300,
        inotify: bool = True,
        checkpoint_interval_ms: int = 200,
        clock: Callable[[], float] = time.time,
        consume: bool = True,
        assembler: bool = False,
    ) -> None:
        self.sources = sources
        self.state_file = state_file
        self.kw: dict[str, Any] = {
            "rotate_wait_ms": rotate_wait_ms,
            "inotify": inotify,
            "checkpoint_interval_ms": checkpoint_interval_ms,
            "clock": clock,
        }
        self.consume = consume
        self.assembler = assembler
        self.items: list[Chunk | FileClosed] = []
        self.unacked: list[Event] = []

    async def start(self) -> None:
        self.queue: asyncio.Queue[Chunk | FileClosed] = asyncio.Queue()
        self.tracker = AckTracker()
        self.store = CheckpointStore(self.state_file)
        self.tailer = Tailer(self.sources, self.queue, self.tracker, self.store, **self.kw)
        self.stop_event = asyncio.Event()
        self.task = asyncio.create_task(self.tailer.run(self.stop_event))
        self.consumer = asyncio.create_task(self._consume()) if self.consume else None

    async def _consume(self) -> None:
        while True:
            item = await self.queue.get()
            self.items.append(item)
            if self.assembler:
                self._assemble(item)

    def _assemble(self, item: Chunk | FileClosed) -> None:
        """Act as the daemon's assembler stage: hold each chunk's last line as pending,
        emit an event per chunk, acknowledge it one chunk later."""
        if isinstance(item, FileClosed):
            self.tracker.set_pending(item.file_id, None)
            return
        for ev in self.unacked:
            self.tracker.acked(ev)
        last = len(item.lines) - 1
        self.unacked = [
            Event(
                path=item.path,
                file_id=item.file_id,
                line_start=item.first_line,
                line_end=item.first_line,
                offset_start=item.offsets[0],
                offset_end=item.offsets[0] + len(item.lines[0]),
                text=item.lines[0].decode(errors="replace"),
                first_read_at=item.read_at,
                last_read_at=item.read_at,
                rule="test",
            )
        ]
        self.tracker.emitted(self.unacked[0])
        self.tracker.set_pending(item.file_id, (item.offsets[last], item.first_line + last))

    def drain_assembler(self) -> None:
        """Shutdown as the daemon does it: flush the buffers, acknowledge everything."""
        for file_id in self.tracker.known():
            self.tracker.set_pending(file_id, None)
        for ev in self.unacked:
            self.tracker.acked(ev)
        self.unacked = []

    async def stop(self) -> None:
        """Stop the tailer, take the rest of its queue and write the final checkpoint."""
        self.stop_event.set()
        await asyncio.wait_for(self.task, 10)
        if self.consumer is not None:
            while not self.queue.empty():
                await asyncio.sleep(0.001)
            self.consumer.cancel()
        self.drain_assembler()
        self.tailer.write_checkpoint()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def chunks(self, path: Path | str | None = None) -> list[Chunk]:
        return [
            c for c in self.items if isinstance(c, Chunk) and (path is None or c.path == str(path))
        ]

    def lines(self, path: Path | str | None = None) -> list[bytes]:
        return [line for c in self.chunks(path) for line in c.lines]

    def records(self, path: Path | str | None = None) -> list[tuple[int, int, bytes]]:
        """(line number, offset, text) of every line delivered for ``path``."""
        return [
            (c.first_line + i, c.offsets[i], line)
            for c in self.chunks(path)
            for i, line in enumerate(c.lines)
        ]

    def closed(self) -> list[FileClosed]:
        return [c for c in self.items if isinstance(c, FileClosed)]

    async def wait(self, cond: Callable[[], bool], timeout: float = 5.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if cond():
                return True
            await asyncio.sleep(0.01)
        return cond()

    async def wait_lines(
        self, n: int, path: Path | str | None = None, timeout: float = 5.0
    ) -> list[bytes]:
        await self.wait(lambda: len(self.lines(path)) >= n, timeout)
        return self.lines(path)


def run(coro: Awaitable[None]) -> None:
    asyncio.run(asyncio.wait_for(coro, 60))


def append(path: Path, data: bytes) -> None:
    with open(path, "ab") as fh:
        fh.write(data)


def test_new_file_is_picked_up_within_one_second(tmp_path: Path) -> None:
    """A file created while running is read from its beginning, well within 1 s."""

    async def body() -> None:
        h = Harness([make_source(tmp_path, poll_interval_ms=1000)], tmp_path / "cp.json")
        await h.start()
        await asyncio.sleep(0.2)
        latencies = []
        for i in range(3):
            path = tmp_path / f"new{i}.log"
            t0 = time.monotonic()
            path.write_bytes(b"hello\nworld\n")
            assert await h.wait_lines(2, path, timeout=2.0) == [b"hello", b"world"]
            latencies.append(time.monotonic() - t0)
        await h.stop()
        assert max(latencies) < 1.0, latencies

    run(body())


def test_polling_mode_picks_up_new_files_and_growth(tmp_path: Path) -> None:
    """Without inotify the periodic rescan finds new files and appended lines."""

    async def body() -> None:
        h = Harness([make_source(tmp_path, poll_interval_ms=300)], tmp_path / "cp.json")
        h.kw["inotify"] = False
        await h.start()
        path = tmp_path / "p.log"
        t0 = time.monotonic()
        path.write_bytes(b"a\n")
        assert await h.wait_lines(1, path, timeout=2.0) == [b"a"]
        assert time.monotonic() - t0 < 1.0
        append(path, b"b\n")
        assert await h.wait_lines(2, path, timeout=2.0) == [b"a", b"b"]
        await h.stop()

    run(body())


_NO_DESCRIPTOR_LEFT = """
import asyncio, errno, json, os, resource
from logsumd import telemetry
from logsumd.tail.watch import Watcher

async def main():
    watcher = Watcher(asyncio.get_running_loop(), lambda _: True, lambda *_: None)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
    fillers = []
    try:
        while True:  # every descriptor below the limit taken: none is left for inotify
            try:
                fillers.append(os.open(os.devnull, os.O_RDONLY))
            except OSError as exc:
                assert exc.errno == errno.EMFILE, exc
                break
        watcher.start()  # inotify needs its descriptor here or at the first watch
        watcher.ensure([(os.getcwd(), False)])
    finally:
        for fd in fillers:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    polling = watcher.polling
    watcher.ensure([(os.getcwd(), False)])  # a no-op once polling
    watcher.stop()
    print(json.dumps({"polling": polling, "fallbacks": telemetry.count("PollingFallback"),
                      "fillers": len(fillers)}))

asyncio.run(main())
"""


def test_inotify_failure_falls_back_to_polling(tmp_path: Path) -> None:
    """When inotify cannot be created (no descriptor left), PollingFallback is emitted.

    It runs in a fresh process that takes every free descriptor below a low
    limit itself, so it does not depend on what this process has open.
    """
    result = subprocess.run(
        [sys.executable, "-c", _NO_DESCRIPTOR_LEFT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["polling"] is True
    assert report["fallbacks"] == 1
    assert report["fillers"] > 0
    assert "PollingFallback" in result.stderr + result.stdout


def test_start_at_end_on_first_start(tmp_path: Path) -> None:
    """``end``: existing content is skipped, line numbers continue after it."""
    path = tmp_path / "old.log"
    path.write_bytes(b"l1\nl2\nl3\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path, start_at="end")], tmp_path / "cp.json")
        await h.start()
        await asyncio.sleep(0.3)
        append(path, b"l4\n")
        await h.wait_lines(1, path)
        assert h.records(path) == [(4, 9, b"l4")]
        await h.stop()

    run(body())


def test_start_at_end_begins_after_the_last_complete_line(tmp_path: Path) -> None:
    """A line being written when the daemon starts is delivered whole."""
    path = tmp_path / "old.log"
    path.write_bytes(b"l1\nhalf")

    async def body() -> None:
        h = Harness([make_source(tmp_path, start_at="end")], tmp_path / "cp.json")
        await h.start()
        await asyncio.sleep(0.3)
        append(path, b" done\n")
        await h.wait_lines(1, path)
        assert h.records(path) == [(2, 3, b"half done")]
        await h.stop()

    run(body())


def test_start_at_beginning_reads_existing_content(tmp_path: Path) -> None:
    """``beginning``: everything already in the file is read."""
    path = tmp_path / "old.log"
    path.write_bytes(b"l1\nl2\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path, start_at="beginning")], tmp_path / "cp.json")
        await h.start()
        assert await h.wait_lines(2, path) == [b"l1", b"l2"]
        await h.stop()

    run(body())


def test_start_at_end_applies_only_to_the_first_start(tmp_path: Path) -> None:
    """Files that appear later, or while the daemon was stopped, are read from 0."""
    (tmp_path / "old.log").write_bytes(b"skip me\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path, start_at="end")], tmp_path / "cp.json")
        await h.start()
        await asyncio.sleep(0.3)
        (tmp_path / "later.log").write_bytes(b"keep 1\n")
        assert await h.wait_lines(1, tmp_path / "later.log") == [b"keep 1"]
        await h.stop()
        (tmp_path / "while_stopped.log").write_bytes(b"keep 2\n")
        await h.start()
        assert await h.wait_lines(1, tmp_path / "while_stopped.log") == [b"keep 2"]
        await asyncio.sleep(0.3)
        await h.stop()
        assert h.lines(tmp_path / "old.log") == []
        assert h.lines(tmp_path / "later.log") == [b"keep 1"]

    run(body())


def test_globstar_and_exclude(tmp_path: Path) -> None:
    """``**`` matches any depth (zero included); exclude by name or by path."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "top.log").write_bytes(b"top\n")
    (tmp_path / "a" / "b" / "deep.log").write_bytes(b"deep\n")
    (tmp_path / "a" / "skip.log").write_bytes(b"no\n")
    (tmp_path / "a" / "b" / "notes.txt").write_bytes(b"no\n")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "p.log").write_bytes(b"no\n")
    exclude = ("skip.log", str(tmp_path / "private" / "**"))
    source = make_source(tmp_path, "**/*.log", exclude=exclude)

    async def body() -> None:
        h = Harness([source], tmp_path / "cp.json")
        await h.start()
        await h.wait_lines(2)
        (tmp_path / "a" / "new" / "deeper").mkdir(parents=True)
        (tmp_path / "a" / "new" / "deeper" / "late.log").write_bytes(b"late\n")
        (tmp_path / "a" / "new" / "deeper" / "skip.log").write_bytes(b"no\n")
        await h.wait_lines(3, timeout=2.0)
        await asyncio.sleep(0.3)
        await h.stop()
        assert sorted(h.lines()) == [b"deep", b"late", b"top"]

    run(body())


def test_glob_translation() -> None:
    """The glob dialect: ``*`` stays in one directory, ``**/`` spans any number."""
    assert glob_to_regex("/l/*.log").match("/l/a.log")
    assert not glob_to_regex("/l/*.log").match("/l/x/a.log")
    assert glob_to_regex("/l/**/*.log").match("/l/a.log")
    assert glob_to_regex("/l/**/*.log").match("/l/x/y/a.log")
    assert glob_to_regex("/l/app-[0-9].log").match("/l/app-3.log")
    assert not glob_to_regex("/l/app-[!0-9].log").match("/l/app-3.log")
    assert glob_to_regex("/l/?.log").match("/l/a.log")
    assert watch_root("/var/log/app/*.log") == ("/var/log/app", False)
    assert watch_root("/var/log/**/*.log") == ("/var/log", True)
    assert watch_root("/var/*/app.log") == ("/var", True)
    files = SourceFiles(SourceSettings(include=("/l/**",), exclude=("*.gz", "/l/old/*")))
    assert files.matches("/l/x/a.log")
    assert not files.matches("/l/x/a.log.gz")
    assert not files.matches("/l/old/a.log")


def test_unreadable_path_is_reported_once_and_others_go_on(tmp_path: Path) -> None:
    """A path that cannot be opened (a symlink loop: real even for root) is reported once,
    retried, and reported readable when fixed; other files are read meanwhile."""
    bad = tmp_path / "bad.log"
    os.symlink(bad.name, bad)  # bad.log -> bad.log: ELOOP on open, even as root
    good = tmp_path / "good.log"
    good.write_bytes(b"g1\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json")
        with capture_logs() as logs:
            await h.start()
            await h.wait_lines(1, good)
            await asyncio.sleep(0.5)  # several rescans
            append(good, b"g2\n")
            assert await h.wait_lines(2, good) == [b"g1", b"g2"]
            bad.unlink()
            bad.write_bytes(b"b1\n")
            assert await h.wait_lines(1, bad, timeout=2.0) == [b"b1"]
            await h.stop()
        unreadable = [e for e in logs if e["event"] == "FileUnreadable"]
        assert len(unreadable) == 1
        assert unreadable[0]["path"] == str(bad)
        assert [e["path"] for e in logs if e["event"] == "FileReadable"] == [str(bad)]

    run(body())


def test_directory_where_a_file_is_expected_is_reported_once(tmp_path: Path) -> None:
    """A directory matching the glob is reported unreadable once, not read, not fatal."""
    (tmp_path / "dir.log").mkdir()
    (tmp_path / "ok.log").write_bytes(b"fine\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json")
        with capture_logs() as logs:
            await h.start()
            await h.wait_lines(1)
            await asyncio.sleep(0.4)
            await h.stop()
        assert [e["path"] for e in logs if e["event"] == "FileUnreadable"] == [
            str(tmp_path / "dir.log")
        ]
        assert h.lines() == [b"fine"]

    run(body())


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads mode-000 files; see the symlink test")
def test_permission_denied_is_reported_and_recovers(tmp_path: Path) -> None:
    """chmod 000: reported once; chmod 644: FileReadable and the lines are read."""
    path = tmp_path / "locked.log"
    path.write_bytes(b"secret\n")
    path.chmod(0)

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json")
        before = telemetry.count("FileUnreadable"), telemetry.count("FileReadable")
        await h.start()
        await asyncio.sleep(0.4)
        path.chmod(0o644)
        assert await h.wait_lines(1, path) == [b"secret"]
        await h.stop()
        assert telemetry.count("FileUnreadable") == before[0] + 1
        assert telemetry.count("FileReadable") == before[1] + 1

    run(body())


def test_partial_line_is_held_then_flushed_after_the_timeout(tmp_path: Path) -> None:
    """A line without newline waits ``flush_timeout_ms``, then comes with end = file size."""
    path = tmp_path / "p.log"
    path.write_bytes(b"done\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path, flush_timeout_ms=400)], tmp_path / "cp.json")
        await h.start()
        await h.wait_lines(1, path)
        t0 = time.monotonic()
        append(path, b"half")
        await asyncio.sleep(0.2)
        assert h.lines(path) == [b"done"]
        await h.wait_lines(2, path, timeout=2.0)
        assert time.monotonic() - t0 >= 0.35
        last = h.chunks(path)[-1]
        assert (last.lines, last.offsets, last.end_offset) == ([b"half"], [5], 9)
        append(path, b" more\n")
        await h.wait_lines(3, path)
        assert h.records(path) == [(1, 0, b"done"), (2, 5, b"half"), (3, 9, b" more")]
        await h.stop()

    run(body())


def test_partial_line_completed_in_time_is_one_line(tmp_path: Path) -> None:
    """A newline arriving before the timeout completes the held line."""
    path = tmp_path / "p.log"

    async def body() -> None:
        h = Harness([make_source(tmp_path, flush_timeout_ms=2000)], tmp_path / "cp.json")
        await h.start()
        path.write_bytes(b"abc")
        await asyncio.sleep(0.3)
        append(path, b"def\n")
        assert await h.wait_lines(1, path) == [b"abcdef"]
        await h.stop()

    run(body())


def test_long_line_is_cut_and_reported_once(tmp_path: Path) -> None:
    """A line over ``max_line_bytes`` arrives cut with a marker; LineTruncated once."""
    path = tmp_path / "wide.log"

    async def body() -> None:
        source = make_source(tmp_path, max_line_bytes=100, read_chunk_bytes=4096)
        h = Harness([source], tmp_path / "cp.json")
        before = telemetry.count("LineTruncated")
        await h.start()
        path.write_bytes(b"x" * 50_000 + b"\r\nnext \xff\x00\n")
        await h.wait_lines(2, path)
        await h.stop()
        assert h.records(path) == [
            (1, 0, b"x" * 100 + cut_marker(49_901)),
            (2, 50_002, b"next \xff\x00"),
        ]
        assert telemetry.count("LineTruncated") == before + 1

    run(body())


def test_fair_share_between_files(tmp_path: Path) -> None:
    """A big backlog in one file does not starve another file."""
    big = tmp_path / "big.log"
    small = tmp_path / "small.log"
    big.write_bytes(b"".join(b"big line %06d\n" % i for i in range(200_000)))
    small.write_bytes(b"small\n")

    async def body() -> None:
        source = make_source(tmp_path, read_chunk_bytes=16_384)
        h = Harness([source], tmp_path / "cp.json")
        await h.start()
        await h.wait_lines(200_001, timeout=30.0)
        await h.stop()
        order = [c.path for c in h.chunks()]
        assert order.index(str(small)) < 5
        assert len(h.lines(big)) == 200_000

    run(body())


def test_chunks_carry_file_id_and_read_time(tmp_path: Path) -> None:
    """``file_id`` is ``dev:ino`` of the file and ``read_at`` comes from the clock."""
    path = tmp_path / "c.log"
    path.write_bytes(b"x\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json", clock=lambda: 42.0)
        await h.start()
        await h.wait_lines(1)
        await h.stop()
        chunk = h.chunks()[0]
        st = path.stat()
        assert chunk.file_id == f"{st.st_dev}:{st.st_ino}"
        assert chunk.read_at == 42.0

    run(body())


def test_checkpoint_does_not_pass_chunks_still_in_the_queue(tmp_path: Path) -> None:
    """Until the consumer takes a chunk, the checkpoint stays before it."""
    path = tmp_path / "q.log"
    path.write_bytes(b"one\ntwo\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json", consume=False)
        await h.start()
        await h.wait(lambda: h.queue.qsize() == 1)
        h.tailer.write_checkpoint()
        (entry,) = h.store.load().values()  # type: ignore[union-attr]
        assert (entry.offset, entry.line) == (0, 1)
        h.items.append(h.queue.get_nowait())
        h.tailer.write_checkpoint()
        (entry,) = h.store.load().values()  # type: ignore[union-attr]
        assert (entry.offset, entry.line) == (8, 3)
        h.stop_event.set()
        await h.task

    run(body())


def test_periodic_checkpoints_while_running(tmp_path: Path) -> None:
    """The checkpoint file follows reading every ``checkpoint_interval_ms``."""
    path = tmp_path / "c.log"
    path.write_bytes(b"1\n2\n")

    async def body() -> None:
        h = Harness([make_source(tmp_path)], tmp_path / "cp.json", checkpoint_interval_ms=100)
        await h.start()
        await h.wait_lines(2)

        def at_end() -> bool:
            state = h.store.load()
            return bool(state) and [c.offset for c in state.values()] == [4]  # type: ignore[union-attr]

        assert await h.wait(at_end, timeout=2.0)
        await h.stop()

    run(body())


@pytest.mark.slow
def _thread_cpu(tids: set[int] | None = None) -> dict[int, float]:
    """CPU seconds of this process's threads (all, or those in ``tids``), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for name in os.listdir("/proc/self/task"):
        tid = int(name)
        if tids is not None and tid not in tids:
            continue
        try:
            with open(f"/proc/self/task/{name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended
            continue
        out[tid] = (int(fields[11]) + int(fields[12])) / tick
    return out


IDLE_SHARE = 0.25
"""A busy loop costs a whole core and a rescan per change of 500 files a large share;
the tailer's real idle cost is a few percent at most (``bench/idle.py``: 0.47% on a
quiet machine), so a machine several times slower or loaded stays far below this."""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads /proc")
def test_idle_files_cost_little_cpu(tmp_path: Path) -> None:
    """500 idle files cost a small share of one CPU: no busy loop, no rescan per change.

    Only the threads of this test count (the event loop's and those started since it
    began): a thread another test left behind is not the tailer's cost.  The CI run of
    the whole suite once measured 11.8% with the process's CPU time, which counts every
    thread; ``bench/idle.py`` measures the real figure on a quiet machine.
    """
    for i in range(500):
        (tmp_path / f"f{i:03d}.log").write_bytes(b"line\n")
    before = set(_thread_cpu())
    loop_thread = threading.get_native_id()

    async def body() -> None:
        source = make_source(tmp_path, poll_interval_ms=1000)
        h = Harness([source], tmp_path / "cp.json", checkpoint_interval_ms=1000)
        await h.start()
        assert len(await h.wait_lines(500, timeout=20.0)) == 500, "not every file was read"
        await asyncio.sleep(1.5)
        mine = {t for t in _thread_cpu() if t not in before} | {loop_thread}
        cpu0, wall0 = sum(_thread_cpu(mine).values()), time.monotonic()
        await asyncio.sleep(5.0)
        mine |= {t for t in _thread_cpu() if t not in before}
        share = (sum(_thread_cpu(mine).values()) - cpu0) / (time.monotonic() - wall0)
        await h.stop()
        assert share < IDLE_SHARE, f"idle CPU share {share:.3%}"

    with descriptor_room(500 + 64):  # the tailer holds each of the 500 files open
        run(body())


def _replace_dir_by_file(state: Path, tmp_path: Path) -> None:
    """Put a file where the directory ``state`` was.  The checkpoint writer recreates a
    missing directory every 50 ms, so the file is renamed into place (atomic) and the
    swap is retried when the writer was quicker."""
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"not a directory")
    for attempt in range(100):
        state.rename(tmp_path / f"state.old{attempt}")
        try:
            blocker.rename(state)
        except OSError:  # the writer made the directory again in between
            continue
        return
    raise AssertionError("the checkpoint directory kept coming back")


def test_failed_checkpoint_write_is_reported_and_tailing_goes_on(tmp_path: Path) -> None:
    """A checkpoint that cannot be written (here: its directory became a file) is
    logged as ``CheckpointFailed``; lines keep coming, and the next good write recovers."""
    state = tmp_path / "state"
    state.mkdir()
    logs_dir = tmp_path / "logs"
    logs_dir.mkdir()
    path = logs_dir / "c.log"
    path.write_bytes(b"1\n")

    async def body() -> None:
        h = Harness([make_source(logs_dir)], state / "cp.json", checkpoint_interval_ms=50)
        with capture_logs() as logs:
            await h.start()
            await h.wait_lines(1)
            _replace_dir_by_file(state, tmp_path)
            append(path, b"2\n")
            assert await h.wait_lines(2) == [b"1", b"2"]
            assert await h.wait(
                lambda: any(e["event"] == "CheckpointFailed" for e in logs), timeout=3.0
            )
            append(path, b"3\n")
            assert await h.wait_lines(3) == [b"1", b"2", b"3"]
            assert not h.task.done()
            state.unlink()
            state.mkdir()
            assert await h.wait((state / "cp.json").exists, timeout=3.0)
            await h.stop()
        failed = [e for e in logs if e["event"] == "CheckpointFailed"]
        assert failed[0]["path"] == str(state / "cp.json")
        assert len(failed) < 5  # not once per attempt
        assert any(e["event"] == "CheckpointRecovered" for e in logs)

    run(body())
