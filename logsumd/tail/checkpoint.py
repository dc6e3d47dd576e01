"""Checkpoints: how far each file is done, and the acknowledgement API.

Two parts:

* :class:`AckTracker` (pure, no I/O) decides the *committed* position of each
  file: the point before which every line has been fully dealt with.  The
  tailer reports how far its output was taken (:meth:`AckTracker.read`), the
  daemon reports where the assembler's buffered, not yet emitted lines start
  (:meth:`AckTracker.set_pending`), and the durable outbox reports the events
  it was handed (:meth:`AckTracker.emitted`) and those it made durable or
  delivered (:meth:`AckTracker.acked`).
* :class:`CheckpointStore` writes the committed positions atomically as
  versioned JSON and loads them at start.

The guarantee: the committed offset written for a file never passes the start
of an event that has not been acknowledged, nor a line the assembler still
holds.  A crash therefore replays at most what was not acknowledged
(at-least-once), and a clean stop with everything acknowledged resumes exactly
after the last line read.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from logsumd.durable import atomic_write
from logsumd.records import Event
from logsumd.tail.identity import FileIdentity
from logsumd.telemetry import emit

VERSION = 1

T = TypeVar("T")

Position = tuple[int, int]
"""(byte offset, line number) of the start of a line."""


@dataclass(frozen=True, slots=True)
class FileCheckpoint:
    """The committed position of one file and the identity it belongs to."""

    path: str
    dev: int
    ino: int
    fingerprint: str
    fingerprint_len: int
    offset: int
    line: int

    @property
    def key(self) -> tuple[int, int]:
        """The (device, inode) pair."""
        return (self.dev, self.ino)


@dataclass(slots=True)
class _FileAcks:
    path: str
    identity: FileIdentity
    read: Position
    pending: Position | None = None
    unacked: Counter[Event] = field(default_factory=Counter)


class AckTracker:
    """Committed positions from read positions, assembler buffers and unacked events.

    The acknowledgement API for the durable outbox:

    * ``emitted(event)`` when the daemon hands an assembled event downstream;
    * ``acked(event)`` once that event is durable (appended and fsynced to the
      outbox) or delivered;
    * ``set_pending(file_id, pos)`` after each batch fed to the assembler, with
      the position of the first line it still buffers (None when it holds none
      of that file).

    ``committed(file_id)`` is the minimum of the read position, the pending
    position and the start (``offset_start``, ``line_start``) of every emitted
    but unacknowledged event of that file, so a checkpoint never passes an
    event that could still be lost.  Call ``emitted`` before anything that may
    await, right after the event is produced, so no checkpoint is written in
    between.
    """

    def __init__(self) -> None:
        self._files: dict[str, _FileAcks] = {}
        self._version = 0

    @property
    def version(self) -> int:
        """A counter that changes whenever a committed position may have changed."""
        return self._version

    def read(self, file_id: str, path: str, identity: FileIdentity, offset: int, line: int) -> None:
        """The tailer's output for ``file_id`` was taken up to ``offset``/``line``."""
        entry = self._files.get(file_id)
        if entry is None:
            self._files[file_id] = _FileAcks(path, identity, (offset, line))
        elif (entry.path, entry.identity, entry.read) != (path, identity, (offset, line)):
            entry.path = path
            entry.identity = identity
            entry.read = (offset, line)
        else:
            return
        self._version += 1

    def set_pending(self, file_id: str, pos: Position | None) -> None:
        """The assembler holds lines of ``file_id`` from ``pos`` on (None: nothing)."""
        entry = self._files.get(file_id)
        if entry is not None and entry.pending != pos:
            entry.pending = pos
            self._version += 1

    def emitted(self, event: Event) -> None:
        """``event`` was handed downstream and is not acknowledged yet."""
        entry = self._files.get(event.file_id)
        if entry is not None:
            entry.unacked[event] += 1
            self._version += 1

    def acked(self, event: Event) -> None:
        """``event`` is durable or delivered; it no longer holds the checkpoint back."""
        entry = self._files.get(event.file_id)
        if entry is None or entry.unacked[event] <= 0:
            return
        entry.unacked[event] -= 1
        if entry.unacked[event] == 0:
            del entry.unacked[event]
        self._version += 1

    def committed(self, file_id: str) -> Position:
        """The position before which every line of ``file_id`` is done (KeyError if unknown)."""
        entry = self._files[file_id]
        best = entry.read
        if entry.pending is not None and entry.pending < best:
            best = entry.pending
        for event in entry.unacked:
            start = (event.offset_start, event.line_start)
            best = min(best, start)
        return best

    def busy(self, file_id: str) -> bool:
        """Whether lines of ``file_id`` are still buffered or unacknowledged."""
        entry = self._files.get(file_id)
        return entry is not None and (entry.pending is not None or bool(entry.unacked))

    def forget(self, file_id: str) -> None:
        """Drop ``file_id`` (the file is gone and nothing of it is pending)."""
        if self._files.pop(file_id, None) is not None:
            self._version += 1

    def known(self) -> list[str]:
        """The file ids tracked."""
        return list(self._files)

    def snapshot(self) -> dict[str, FileCheckpoint]:
        """The committed position of every tracked file, for the store."""
        out: dict[str, FileCheckpoint] = {}
        for file_id, entry in self._files.items():
            offset, line = self.committed(file_id)
            ident = entry.identity
            out[file_id] = FileCheckpoint(
                entry.path,
                ident.dev,
                ident.ino,
                ident.fingerprint,
                ident.fingerprint_len,
                offset,
                line,
            )
        return out


class CheckpointStore:
    """Versioned JSON checkpoints at ``path``, replaced atomically.

    The file is ``{"version": 1, "files": {file_id: {path, dev, ino,
    fingerprint, fingerprint_len, offset, line}}}``, written with
    :func:`logsumd.durable.atomic_write` (a temporary file in the same directory,
    fsynced, renamed over the old file, the directory fsynced): a crash leaves
    the old or the new checkpoint, never a mix.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)

    def load(self) -> dict[str, FileCheckpoint] | None:
        """The saved checkpoints; None when there is no file (first start).

        A corrupt or unknown-version file is reported (``CheckpointCorrupt``)
        and treated as empty: the daemon starts rather than crashing.
        """
        try:
            with open(self.path, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            return None
        try:
            return _parse(json.loads(raw))
        except (ValueError, TypeError, KeyError) as exc:
            emit("CheckpointCorrupt", path=self.path, error=str(exc) or type(exc).__name__)
            return {}

    def write(self, files: Mapping[str, FileCheckpoint]) -> None:
        """Replace the checkpoint file with ``files`` (atomic and durable)."""
        doc = {
            "version": VERSION,
            "files": {
                file_id: {
                    "path": cp.path,
                    "dev": cp.dev,
                    "ino": cp.ino,
                    "fingerprint": cp.fingerprint,
                    "fingerprint_len": cp.fingerprint_len,
                    "offset": cp.offset,
                    "line": cp.line,
                }
                for file_id, cp in sorted(files.items())
            },
        }
        atomic_write(self.path, json.dumps(doc, indent=1, sort_keys=True).encode())
        emit("CheckpointWritten", path=self.path, files=len(files))


def _parse(doc: Any) -> dict[str, FileCheckpoint]:
    if not isinstance(doc, dict):
        raise TypeError("checkpoint is not a JSON object")
    if doc.get("version") != VERSION:
        raise ValueError(f"unsupported checkpoint version {doc.get('version')!r}")
    files = doc["files"]
    if not isinstance(files, dict):
        raise TypeError("'files' is not an object")
    out: dict[str, FileCheckpoint] = {}
    for file_id, entry in files.items():
        if not isinstance(entry, dict):
            raise TypeError(f"entry {file_id!r} is not an object")
        cp = FileCheckpoint(
            path=_typed(entry, "path", str),
            dev=_typed(entry, "dev", int),
            ino=_typed(entry, "ino", int),
            fingerprint=_typed(entry, "fingerprint", str),
            fingerprint_len=_typed(entry, "fingerprint_len", int),
            offset=_typed(entry, "offset", int),
            line=_typed(entry, "line", int),
        )
        if cp.offset < 0 or cp.line < 1 or cp.fingerprint_len < 0:
            raise ValueError(f"entry {file_id!r} has a negative offset or length")
        out[file_id] = cp
    return out


def _typed(entry: dict[str, Any], key: str, kind: type[T]) -> T:
    value = entry[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"{key!r} is not {kind.__name__}")
    return value
