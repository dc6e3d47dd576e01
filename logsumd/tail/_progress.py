"""How far the tailer's output was taken: queue bookkeeping and checkpoint writes.

The checkpoint of a file is its :class:`~logsumd.tail.checkpoint.AckTracker`
committed position.  :class:`TailProgress` records every item the tailer puts
on its queue and, from the queue's size, tells the tracker how far the consumer
has *taken* it, so a checkpoint never passes a chunk still waiting in the
queue.  This works because the tailer is the only producer on its queue.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from logsumd.records import Chunk, FileClosed
from logsumd.tail.checkpoint import AckTracker, CheckpointStore, FileCheckpoint
from logsumd.tail.identity import FileIdentity
from logsumd.tail.reader import OpenFile
from logsumd.telemetry import emit

__all__ = ["TailProgress"]

FAILED_REPORT_EVERY = 60
"""While checkpoint writes keep failing, ``CheckpointFailed`` is logged on the first
failure and then once every this many attempts."""


@dataclass(frozen=True, slots=True)
class _Taken:
    """What the tracker learns once a queued item is taken."""

    file: OpenFile
    offset: int
    line: int
    identity: FileIdentity
    closed: bool


class TailProgress:
    """The items a tailer put on ``out``, and the checkpoints written from them.

    ``files`` (the files open now) and ``restored`` (saved checkpoints of files
    not open yet) are passed in by the tailer, which owns them.
    """

    def __init__(
        self,
        out: asyncio.Queue[Chunk | FileClosed],
        tracker: AckTracker,
        store: CheckpointStore,
    ) -> None:
        self._out = out
        self._tracker = tracker
        self._store = store
        self._taken: deque[_Taken] = deque()
        self._put_count = 0
        self._popped = 0
        self._closing: set[str] = set()
        self._last_written: dict[str, FileCheckpoint] | None = None
        self._checkpointed = (-1, -1)
        self.failures = 0
        """Periodic checkpoint writes that failed in a row."""

    async def put(
        self, item: Chunk | FileClosed, f: OpenFile, pos: tuple[int, int], *, closed: bool = False
    ) -> None:
        """Queue ``item``; once it is taken, ``f`` is done up to ``pos``."""
        await self._out.put(item)
        self._put_count += 1
        f.inflight += 1
        f.delivered = pos
        self._taken.append(_Taken(f, *pos, f.identity, closed))

    def write(self, files: Collection[OpenFile], restored: Mapping[str, FileCheckpoint]) -> None:
        """Write the committed position of every file (blocking: fsync)."""
        snapshot = self._snapshot(files, restored)
        self._store.write(snapshot)
        self._last_written = snapshot

    async def checkpoint(
        self, files: Collection[OpenFile], restored: Mapping[str, FileCheckpoint]
    ) -> None:
        """Write a checkpoint (in a thread) if a committed position has moved."""
        self._sync_taken(files)
        version = (self._tracker.version, len(restored))
        if version == self._checkpointed:
            return
        self._checkpointed = version
        snapshot = self._snapshot(files, restored)
        if snapshot == self._last_written:
            return
        try:
            await asyncio.to_thread(self._store.write, snapshot)
        except OSError as exc:
            # A full or read-only disk: keep tailing (the outbox still holds every
            # event); a restart before the next good write re-reads from the last
            # checkpoint, so it can only cause duplicates.
            self._checkpointed = (-1, -1)
            self.failures += 1
            if self.failures == 1 or self.failures % FAILED_REPORT_EVERY == 0:
                emit(
                    "CheckpointFailed",
                    path=self._store.path,
                    error=str(exc),
                    attempts=self.failures,
                )
            return
        if self.failures:
            emit("CheckpointRecovered", path=self._store.path, failed_attempts=self.failures)
            self.failures = 0
        self._last_written = snapshot

    def _sync_taken(self, files: Collection[OpenFile]) -> None:
        """Tell the tracker how far the consumer has taken the queue."""
        taken_total = max(0, self._put_count - self._out.qsize())
        while self._popped < taken_total and self._taken:
            t = self._taken.popleft()
            self._popped += 1
            t.file.inflight -= 1
            if t.closed:
                self._closing.add(t.file.file_id)
            self._tracker.read(t.file.file_id, t.file.path, t.identity, t.offset, t.line)
        for f in files:
            if f.inflight == 0:
                self._tracker.read(f.file_id, f.path, f.identity, *f.delivered)
        for file_id in list(self._closing):
            if not self._tracker.busy(file_id):
                self._tracker.forget(file_id)
                self._closing.discard(file_id)

    def _snapshot(
        self, files: Collection[OpenFile], restored: Mapping[str, FileCheckpoint]
    ) -> dict[str, FileCheckpoint]:
        self._sync_taken(files)
        snapshot = dict(restored)
        snapshot.update(self._tracker.snapshot())
        return snapshot
