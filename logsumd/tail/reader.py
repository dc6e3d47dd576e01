"""The blocking side of tailing one file; both functions run in worker threads.

:func:`open_file` decides where reading starts (a checkpoint of the same
identity, ``start_at`` or the beginning); :func:`read_step` does one bounded
read, with truncation detection, checked against the file's identity.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from logsumd.config import SourceSettings
from logsumd.tail.identity import FileIdentity, identify, matches, refresh
from logsumd.tail.linesplit import Lines, LineSplitter, count_lines
from logsumd.tail.watch import file_kind, watch_root

if TYPE_CHECKING:
    from logsumd.tail.checkpoint import FileCheckpoint


@dataclass(frozen=True, slots=True)
class TailedFile:
    """An open file as the tailer sees it (for status and tests)."""

    file_id: str
    path: str
    dev: int
    ino: int
    offset: int
    line: int
    state: str
    """``active`` (at an included path), ``rotated`` (renamed away) or ``deleted``."""


@dataclass(eq=False, slots=True)
class OpenFile:
    """Mutable state of one file the tailer holds open (owned by the event loop)."""

    file_id: str
    path: str
    source: int
    """Index of the source the file belongs to."""
    fd: int
    identity: FileIdentity
    splitter: LineSplitter
    size: int = -1
    mtime_ns: int = -1
    state: str = "active"
    """``active``, ``rotated`` (renamed away) or ``deleted``."""
    grew_at: float = 0.0
    """Loop time of the last read that found data (partial flush, rotate wait)."""
    error: str | None = None
    inflight: int = 0
    """Items of this file on the queue, not yet taken."""
    delivered: tuple[int, int] = field(default=(0, 1))
    """(offset, line) after the last line put on the queue."""

    def __post_init__(self) -> None:
        self.delivered = (self.splitter.offset, self.splitter.line)

    def view(self) -> TailedFile:
        """A frozen view for status and tests."""
        dev, ino = self.identity.key
        return TailedFile(self.file_id, self.path, dev, ino, *self.delivered, self.state)


@dataclass(frozen=True, slots=True)
class Opened:
    """A file just opened and where to start reading it."""

    fd: int
    identity: FileIdentity
    offset: int
    line: int
    reason: str
    """``checkpoint``, ``truncated`` (below its checkpoint), ``start_at_end`` or ``beginning``."""
    checkpoint_id: str | None
    size: int


def open_file(
    path: str, source: SourceSettings, restored: Mapping[str, FileCheckpoint], start_at: str
) -> Opened:
    """Open ``path`` and decide where to start (raises OSError if it cannot be opened).

    ``path`` is opened without following a final symbolic link and without
    blocking (a FIFO swapped in after the scan), and must be a regular file:
    the scan's checks cannot be raced.  Where the opened file really is
    (``/proc/self/fd``) must be inside a source directory: a directory on the
    way that was swapped for a link to elsewhere after the scan gets nothing
    read.  A checkpoint applies only to the same
    device, inode *and* fingerprint: an inode reused by a new file starts at 0.
    Otherwise ``start_at`` decides (``end``: after the last complete line, with
    its line number counted).
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOFOLLOW)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"special file ({file_kind(mode)}), not read")
        if not _opened_inside(fd, source):
            raise OSError(errno.EACCES, "reached through a link to outside the source, not read")
        ident = identify(fd, source.fingerprint_bytes)
        size = os.fstat(fd).st_size
        for cp_id, cp in restored.items():
            if (cp.dev, cp.ino) != ident.key:
                continue
            if not matches(cp.dev, cp.ino, cp.fingerprint, cp.fingerprint_len, fd):
                break
            if size < cp.offset:
                return Opened(fd, ident, 0, 1, "truncated", cp_id, size)
            return Opened(fd, ident, cp.offset, cp.line, "checkpoint", cp_id, size)
        if start_at == "end":
            offset, newlines = count_lines(fd)
            return Opened(fd, ident, offset, newlines + 1, "start_at_end", None, size)
        return Opened(fd, ident, 0, 1, "beginning", None, size)
    except BaseException:
        os.close(fd)
        raise


def _opened_inside(fd: int, source: SourceSettings) -> bool:
    """Whether the file open as ``fd`` lies inside one of ``source``'s directories."""
    try:
        real = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return True  # no /proc: the scan's checks are all there is
    for pattern in source.include:
        root = os.path.realpath(watch_root(pattern)[0]).rstrip("/") + "/"
        if real.startswith(root):
            return True
    return False


@dataclass(frozen=True, slots=True)
class ReadStep:
    """What one read of a file found."""

    lines: Lines | None = None
    """The complete lines read (None when no byte was read)."""
    truncated: Lines | None = None
    """Set when the content was replaced: the held partial line of the old content."""
    identity: FileIdentity | None = None
    """With ``truncated``: the identity of the new content (the caller switches to it
    after delivering the old content's last line, so no checkpoint mixes the two)."""
    size: int = 0
    more: bool = False
    error: str | None = None


def read_step(f: OpenFile, source: SourceSettings) -> ReadStep:
    """Read up to ``read_chunk_bytes`` of ``f`` and split them into lines.

    A size below what was read, or fingerprinted bytes that changed, means the
    file was truncated (and maybe rewritten): the splitter restarts at 0 and
    the identity of the new content is returned.
    """
    sp = f.splitter
    try:
        st = os.fstat(f.fd)
        changed = (st.st_size, st.st_mtime_ns) != (f.size, f.mtime_ns)
        f.size, f.mtime_ns = st.st_size, st.st_mtime_ns
        replaced = st.st_size < sp.read_offset
        if not replaced and changed and sp.read_offset > 0:
            checked = refresh(f.identity, f.fd, source.fingerprint_bytes)
            replaced = checked is None
            f.identity = checked or f.identity
        if replaced:
            held = sp.flush()
            sp.reset(0, 1)
            new = identify(f.fd, source.fingerprint_bytes)
            return ReadStep(truncated=held, size=st.st_size, identity=new)
        want = min(source.read_chunk_bytes, st.st_size - sp.read_offset)
        if want <= 0:
            return ReadStep(size=st.st_size)
        data = os.pread(f.fd, want, sp.read_offset)
        if sp.read_offset == 0 and data:
            f.identity = identify(f.fd, source.fingerprint_bytes)
        lines = sp.feed(data)
        return ReadStep(lines=lines, size=st.st_size, more=sp.read_offset < st.st_size)
    except OSError as exc:
        return ReadStep(error=exc.strerror or str(exc))
