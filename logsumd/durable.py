"""Durable file writes: a file replaced atomically, and a directory entry made to last.

:func:`atomic_writer` writes to a temporary file in the target's directory,
fsyncs it, renames it over the target and fsyncs the directory: after a crash
the target holds the old content or the new, never a mix, and the rename itself
survives a power loss.  The checkpoints, the state files and the outbox's
compaction all write this way.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

DEFAULT_MODE = 0o600
"""State files hold log text and file names: readable by the daemon's user only."""


def fsync_dir(path: str) -> None:
    """Make the entries of directory ``path`` (a rename, a new file) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: str, mode: int = DEFAULT_MODE) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` atomically and durably when the block ends.

    The file gets permissions ``mode``.  If the block raises, ``path`` is left
    as it was and the temporary file is removed.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(directory)


def atomic_write(path: str, data: bytes, mode: int = DEFAULT_MODE) -> None:
    """Replace ``path`` with ``data`` atomically and durably (see :func:`atomic_writer`)."""
    with atomic_writer(path, mode) as fh:
        fh.write(data)
