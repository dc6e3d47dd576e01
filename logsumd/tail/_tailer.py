"""The tailer: follow the files of the sources and put their complete lines on a queue.

The asyncio side decides what to read; blocking work (glob and stat, open,
read, split) runs in worker threads with ``asyncio.to_thread``.  Watchdog
(inotify) events wake the loop; a rescan every ``poll_interval_ms`` is the
safety net, and the whole mechanism when inotify is unavailable.

Files are tracked by identity (device, inode, fingerprint; see
:mod:`logsumd.tail.identity`), not by path:

* rename rotation: the old file is read to its end before the new file at the
  path is opened, and kept open while the writer may still append to it; it is
  closed (``FileClosed`` reason ``rotated``) once it has been idle for
  ``rotate_wait_ms``;
* copytruncate: a size below the read offset, or first bytes that changed,
  means the content was replaced: ``FileTruncated``, ``FileClosed`` reason
  ``truncated``, then the file is read again from 0.  Lines written between
  logrotate's copy and its truncate are in the copy only: that window is
  inherent to copytruncate and they are lost;
* delete: the file is read to its end and closed at the next rescan (or at
  once on an inotify event): ``FileClosed`` reason ``deleted``.

The lines of one file are delivered once, in order.  A last line without its
newline is held until the newline comes, or ``flush_timeout_ms`` passes, or the
file is closed.  The checkpoint of a file is its :class:`AckTracker` committed
position, never past a chunk still waiting in the queue (see
:mod:`logsumd.tail._progress`).  The tailer must be the only producer on its
queue.

Where a file starts: at its checkpoint when device, inode and fingerprint
match; at the first start (no checkpoint file) ``start_at`` applies to the
files present; every other file (new while running, or unknown after a
restart, or an inode reused by another file) is read from its beginning.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Sequence

from logsumd.config import SourceSettings
from logsumd.records import Chunk, FileClosed
from logsumd.tail._progress import TailProgress
from logsumd.tail.checkpoint import AckTracker, CheckpointStore, FileCheckpoint
from logsumd.tail.identity import FileIdentity
from logsumd.tail.linesplit import Lines, LineSplitter, read_file_chunks, report_cuts, to_chunk
from logsumd.tail.reader import OpenFile, TailedFile, open_file, read_step
from logsumd.tail.watch import Found, SourceFiles, Watcher, scan_sources
from logsumd.telemetry import emit

__all__ = ["TailedFile", "Tailer", "read_file_chunks"]


class Tailer:
    """Follow the files of ``sources``; put ``Chunk`` and ``FileClosed`` items on ``out``."""

    def __init__(
        self,
        sources: Sequence[SourceSettings],
        out: asyncio.Queue[Chunk | FileClosed],
        tracker: AckTracker,
        store: CheckpointStore,
        *,
        checkpoint_interval_ms: int = 1000,
        clock: Callable[[], float] = time.time,
        rotate_wait_ms: int = 5000,
        inotify: bool = True,
    ) -> None:
        self._sources = [SourceFiles(s) for s in sources]
        self._tracker = tracker
        self._store = store
        self._checkpoint_secs = checkpoint_interval_ms / 1000
        self._clock = clock
        self._rotate_wait = rotate_wait_ms / 1000
        self._inotify = inotify
        self._poll_secs = min((s.poll_interval_ms for s in sources), default=1000) / 1000
        self._files: dict[str, OpenFile] = {}
        self._by_key: dict[tuple[int, int], OpenFile] = {}
        self._by_path: dict[str, OpenFile] = {}
        self._dirty: dict[str, None] = {}
        self._unreadable: dict[str, str] = {}
        self._restored: dict[str, FileCheckpoint] = {}
        self._first_start = False
        self._loaded = False
        self._scanned = False
        self._scan_now = True
        self._wake: asyncio.Event | None = None
        self._progress = TailProgress(out, tracker, store)
        self._read_totals = [[0, 0] for _ in sources]

    # ----------------------------------------------------------------- public

    def files(self) -> list[TailedFile]:
        """The files open now."""
        return [f.view() for f in self._files.values()]

    def read_totals(self) -> list[tuple[int, int]]:
        """(lines, bytes) read so far from the files of each source, in source order."""
        return [(lines, size) for lines, size in self._read_totals]

    def lag_bytes(self) -> dict[str, int]:
        """Per open file (by path): bytes it holds beyond what was read (call on the loop)."""
        out: dict[str, int] = {}
        for f in self._files.values():
            try:
                size = os.fstat(f.fd).st_size
            except OSError:
                continue
            out[f.path] = max(0, size - f.splitter.read_offset)
        return out

    def write_checkpoint(self) -> None:
        """Write the committed position of every file (blocking: fsync).

        Does nothing before ``run`` has loaded the saved state, so a crash at
        start-up never replaces a good checkpoint with an empty one.
        """
        if self._loaded:
            self._progress.write(self._files.values(), self._restored)

    async def run(self, stop: asyncio.Event) -> None:
        """Tail until ``stop`` is set, read what the files hold then, and return.

        At stop, files renamed away or deleted are read to their end and closed;
        a partial last line of a file still in place is *not* flushed: the
        checkpoint stays before it, and the next run reads it whole.  The
        consumer must keep taking from the queue until this returns; then
        drain the assembler, acknowledge, and call :meth:`write_checkpoint`.
        """
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        wake = self._wake
        stop_waiter = asyncio.ensure_future(stop.wait())
        stop_waiter.add_done_callback(lambda _: wake.set())
        state = await asyncio.to_thread(self._store.load)
        self._first_start = state is None
        self._restored = dict(state or {})
        self._loaded = True
        watcher = Watcher(loop, self._wanted, self._on_change, enabled=self._inotify)
        watcher.start()
        next_scan = next_checkpoint = loop.time()
        try:
            while not stop.is_set():
                now = loop.time()
                if self._scan_now or now >= next_scan:
                    self._scan_now = False
                    if now >= next_scan:
                        next_scan = _next_tick(next_scan, self._poll_secs, now)
                    await self._rescan(watcher)
                await self._read_round()
                await self._timers(loop.time())
                if now >= next_checkpoint:
                    next_checkpoint = _next_tick(next_checkpoint, self._checkpoint_secs, now)
                    await self._progress.checkpoint(self._files.values(), self._restored)
                if self._dirty or self._scan_now or stop.is_set():
                    await asyncio.sleep(0)
                    continue
                deadline = min(next_scan, next_checkpoint, *self._deadlines())
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), max(0.0, deadline - loop.time()))
            await self._final_read(watcher)
        finally:
            stop_waiter.cancel()
            watcher.stop()
            for f in list(self._files.values()):
                self._release(f)

    # -------------------------------------------------------------- scanning

    def _wanted(self, path: str) -> bool:
        return any(s.matches(path) for s in self._sources)

    def _on_change(self, paths: tuple[str, ...], structural: bool) -> None:
        """On the loop, from the watcher: a file changed, or files may have come or gone."""
        for path in paths:
            f = self._by_path.get(path)
            if f is None:
                structural = True
            else:
                self._dirty[f.file_id] = None
        if structural:
            self._scan_now = True
        if self._wake is not None:
            self._wake.set()

    def _scan_blocking(self, watcher: Watcher) -> list[tuple[int, Found]]:
        watcher.ensure(root for s in self._sources for root in s.roots())
        return scan_sources(self._sources)

    async def _rescan(self, watcher: Watcher) -> None:
        found = await asyncio.to_thread(self._scan_blocking, watcher)
        seen: set[str] = set()
        new: list[tuple[int, Found]] = []
        paths = {fd.path for _, fd in found}
        for path in [p for p in self._unreadable if p not in paths]:
            del self._unreadable[path]
        for index, item in found:
            st = item.stat
            if item.error is not None or st is None:
                self._report_unreadable(item.path, item.error or "cannot stat")
                continue
            f = self._by_key.get((st.st_dev, st.st_ino))
            if f is None:
                new.append((index, item))
                continue
            seen.add(f.file_id)
            f.path = item.path
            if f.state == "rotated":
                f.state = "active"
            if (st.st_size, st.st_mtime_ns) != (f.size, f.mtime_ns):
                self._dirty[f.file_id] = None
        for f in list(self._files.values()):
            if f.file_id not in seen:
                await self._orphaned(f)
        for index, item in new:
            await self._open(index, item)
        self._by_path = {f.path: f for f in self._files.values() if f.state == "active"}
        if not self._scanned:
            self._scanned = True
            keep = set(self._unreadable)
            self._restored = {k: v for k, v in self._restored.items() if v.path in keep}

    async def _orphaned(self, f: OpenFile) -> None:
        """``f`` is at no included path any more: renamed away or deleted."""
        try:
            nlink = (await asyncio.to_thread(os.fstat, f.fd)).st_nlink
        except OSError:
            nlink = 0
        if nlink == 0:
            emit("FileDeleted", path=f.path, file_id=f.file_id)
            await self._drain(f)
            await self._close(f, "deleted")
            return
        if f.state == "active":
            f.state = "rotated"
            f.grew_at = asyncio.get_running_loop().time()
            emit("FileRotated", path=f.path, file_id=f.file_id)
        await self._drain(f)

    def _report_unreadable(self, path: str, error: str) -> None:
        if path not in self._unreadable:
            self._unreadable[path] = error
            emit("FileUnreadable", path=path, error=error)

    async def _open(self, index: int, item: Found) -> None:
        source = self._sources[index].source
        start_at = source.start_at if self._first_start and not self._scanned else "beginning"
        try:
            path = item.target or item.path
            op = await asyncio.to_thread(open_file, path, source, self._restored, start_at)
        except OSError as exc:
            self._report_unreadable(item.path, exc.strerror or str(exc))
            return
        if op.identity.key in self._by_key:  # the same file at two paths (a hard link)
            os.close(op.fd)
            return
        if self._unreadable.pop(item.path, None) is not None:
            emit("FileReadable", path=item.path)
        file_id = op.checkpoint_id or self._new_id(op.identity)
        if op.reason == "truncated":
            emit("FileTruncated", path=item.path, file_id=file_id, size=op.size)
        self._restored.pop(file_id, None)
        sp = LineSplitter(source.max_line_bytes, op.offset, op.line)
        f = OpenFile(file_id, item.path, index, op.fd, op.identity, sp)
        self._files[file_id] = f
        self._by_key[op.identity.key] = f
        self._dirty[file_id] = None
        self._tracker.read(file_id, f.path, op.identity, op.offset, op.line)
        emit(
            "FileOpened",
            path=f.path,
            file_id=file_id,
            offset=op.offset,
            line=op.line,
            reason=op.reason,
        )

    def _new_id(self, ident: FileIdentity) -> str:
        base = ident.base_id()
        used = set(self._files) | set(self._tracker.known()) | set(self._restored)
        file_id, n = base, 1
        while file_id in used:
            n += 1
            file_id = f"{base}:{n}"
        return file_id

    # --------------------------------------------------------------- reading

    async def _read_round(self) -> None:
        """Read at most ``read_chunk_bytes`` from each file that may have data."""
        for file_id in list(self._dirty):
            f = self._files.get(file_id)
            if f is None:
                self._dirty.pop(file_id, None)
                continue
            if not await self._step(f):
                self._dirty.pop(file_id, None)

    async def _drain(self, f: OpenFile) -> None:
        """Read ``f`` up to the end it has now (not chasing a writer that keeps writing)."""
        try:
            limit = (await asyncio.to_thread(os.fstat, f.fd)).st_size
        except OSError:
            return
        while await self._step(f, limit):
            pass

    async def _step(self, f: OpenFile, limit: int | None = None) -> bool:
        """One read of ``f``; whether more data (before offset ``limit``) is waiting."""
        source = self._sources[f.source].source
        step = await asyncio.to_thread(read_step, f, source)
        if step.error is not None:
            if f.error is None:
                f.error = step.error
                emit("FileUnreadable", path=f.path, file_id=f.file_id, error=step.error)
            return False
        if f.error is not None:
            f.error = None
            emit("FileReadable", path=f.path, file_id=f.file_id)
        if step.truncated is not None:
            emit("FileTruncated", path=f.path, file_id=f.file_id, size=step.size)
            await self._put_lines(f, step.truncated)
            f.identity = step.identity or f.identity
            await self._progress.put(FileClosed(f.path, f.file_id, "truncated"), f, (0, 1))
            return True
        if step.lines is not None:
            f.grew_at = asyncio.get_running_loop().time()
            await self._put_lines(f, step.lines)
        return step.more and (limit is None or f.splitter.read_offset < limit)

    async def _put_lines(self, f: OpenFile, lines: Lines) -> None:
        report_cuts(f.path, f.file_id, lines)
        if lines.lines:
            totals = self._read_totals[f.source]
            totals[0] += len(lines.lines)
            totals[1] += lines.end_offset - lines.offsets[0]
            chunk = to_chunk(f.path, f.file_id, lines, self._clock())
            pos = (lines.end_offset, lines.first_line + len(lines.lines))
            await self._progress.put(chunk, f, pos)

    async def _close(self, f: OpenFile, reason: str) -> None:
        """Deliver a held partial line, put ``FileClosed`` and release ``f``."""
        await self._put_lines(f, f.splitter.flush())
        closed = FileClosed(f.path, f.file_id, reason)
        await self._progress.put(closed, f, f.delivered, closed=True)
        self._release(f)

    def _release(self, f: OpenFile) -> None:
        with contextlib.suppress(OSError):
            os.close(f.fd)
        self._files.pop(f.file_id, None)
        self._by_key.pop(f.identity.key, None)
        self._dirty.pop(f.file_id, None)

    # ---------------------------------------------------------------- timers

    def _deadlines(self) -> list[float]:
        out: list[float] = []
        for f in self._files.values():
            if f.splitter.has_partial:
                out.append(f.grew_at + self._flush_secs(f))
            if f.state == "rotated":
                out.append(f.grew_at + self._rotate_wait)
        return out

    def _flush_secs(self, f: OpenFile) -> float:
        return float(self._sources[f.source].source.multiline.flush_timeout_ms) / 1000

    async def _timers(self, now: float) -> None:
        for f in list(self._files.values()):
            if f.splitter.has_partial and now >= f.grew_at + self._flush_secs(f):
                await self._drain(f)
                if f.splitter.has_partial and now >= f.grew_at + self._flush_secs(f):
                    await self._put_lines(f, f.splitter.flush())
            if f.state == "rotated" and now >= f.grew_at + self._rotate_wait:
                await self._drain(f)
                if now >= f.grew_at + self._rotate_wait:
                    await self._close(f, "rotated")

    async def _final_read(self, watcher: Watcher) -> None:
        """After stop: take in what the files hold now; close the rotated and deleted ones."""
        await self._rescan(watcher)
        for f in list(self._files.values()):
            await self._drain(f)
            if f.state != "active":
                await self._close(f, f.state)


def _next_tick(previous: float, interval: float, now: float) -> float:
    """The next tick after ``now`` of a fixed-rate timer that was due at ``previous``.

    Fixed-rate (not ``now + interval``) so that timers of equal interval wake
    the loop together rather than drifting apart.
    """
    return previous + (int((now - previous) // interval) + 1) * interval
