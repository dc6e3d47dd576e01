"""Split a byte stream into complete lines with their offsets (pure, no I/O).

A :class:`LineSplitter` is fed the bytes of one file in order.  It returns the
complete lines (without their ``\\n``), the file offset where each starts and
the line numbers, and holds a partial last line until its newline arrives or
the caller flushes it.  Bytes are passed through untouched: invalid UTF-8, NUL
bytes and ``\\r`` before the newline are kept (the assembler decodes with
replacement and strips the ``\\r``).

A run of NUL bytes where a line starts is skipped: it is the hole that
copytruncate leaves when the writer does not append (its next write lands at
its old offset, and the bytes before it read as NULs).  The bytes are counted
(:attr:`LineSplitter.nul_bytes`), the first run of a file is reported once
(``NulBytesSkipped``), and the line after the hole is read as it was written.
A NUL inside a line is kept.

A line longer than ``max_line_bytes`` is cut: its first ``max_line_bytes`` bytes
are kept and a marker ``" [logsumd: line cut, N bytes dropped]"`` is appended.
Only those bytes are held in memory, however long the line.  The cut line still
counts as one line, and the next line starts after the real newline.

Two small blocking helpers live here too because they are only splitting:
:func:`read_file_chunks` (the one-shot mode of ``logsumd summarize``) and
:func:`count_lines` (where ``start_at: end`` begins and its line number).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from logsumd.config import SourceSettings
from logsumd.records import Chunk
from logsumd.telemetry import emit

CUT_MARKER = b" [logsumd: line cut, %d bytes dropped]"
_NULS = re.compile(rb"\x00+")


def cut_marker(dropped: int) -> bytes:
    """The marker appended to a line of which ``dropped`` bytes were cut."""
    return CUT_MARKER % dropped


@dataclass(frozen=True, slots=True)
class CutLine:
    """A line that was cut: its number, start offset and how many bytes were dropped."""

    line: int
    offset: int
    dropped: int


@dataclass(frozen=True, slots=True)
class Lines:
    """Complete lines split from a stream.

    ``offsets[i]`` is the file offset where ``lines[i]`` starts; line ``i`` is
    line number ``first_line + i``.  ``end_offset`` is the offset just after the
    last line (after its newline, or the end of a flushed partial line).
    """

    lines: list[bytes]
    offsets: list[int]
    first_line: int
    end_offset: int
    cut: list[CutLine] = field(default_factory=list)
    nul_hole: CutLine | None = None
    """The file's first run of NULs, skipped, when this feed found it (``dropped``: its bytes)."""


class LineSplitter:
    """Incremental line splitter for one file, starting at ``offset``/``line``.

    ``offset`` and ``line`` always name the start of the first line not yet
    returned (the position a restart resumes from); ``read_offset`` is the offset
    of the next byte to feed (it includes a held partial line).
    """

    def __init__(self, max_line_bytes: int, offset: int = 0, line: int = 1) -> None:
        if max_line_bytes < 1:
            raise ValueError("max_line_bytes must be at least 1")
        self.max_line_bytes = max_line_bytes
        self._offset = offset
        self._line = line
        self._held = bytearray()
        self._dropped = 0
        self.nul_bytes = 0
        """NUL bytes skipped where lines start (holes), over the life of the splitter."""

    @property
    def offset(self) -> int:
        """Offset of the first byte of the first line not yet returned."""
        return self._offset

    @property
    def line(self) -> int:
        """Number (1-based) of the first line not yet returned."""
        return self._line

    @property
    def read_offset(self) -> int:
        """Offset of the next byte to feed: ``offset`` plus the held partial line."""
        return self._offset + len(self._held) + self._dropped

    @property
    def has_partial(self) -> bool:
        """Whether a line without its newline is held."""
        return bool(self._held) or self._dropped > 0

    def reset(self, offset: int = 0, line: int = 1) -> None:
        """Forget any held partial line and continue at ``offset``/``line``."""
        self._offset = offset
        self._line = line
        self._held.clear()
        self._dropped = 0

    def feed(self, data: bytes) -> Lines:
        """Split ``data`` (the bytes at ``read_offset``) into complete lines."""
        if self._dropped or b"\x00" in data:
            return self._feed(data)
        head: Lines | None = None
        if self._held:  # the line the last read began ends first: read it line by line
            nl = data.find(b"\n")
            if nl < 0:
                return self._feed(data)
            head, data = self._feed(data[: nl + 1]), data[nl + 1 :]
        parts = data.split(b"\n")
        rest = parts.pop()  # after the last newline: a partial line, or empty
        if parts and max(map(len, parts)) > self.max_line_bytes:
            body = self._feed(data)
        else:
            body = self._split(parts, rest)
        if head is None:
            return body
        return Lines(
            head.lines + body.lines,
            head.offsets + body.offsets,
            head.first_line,
            body.end_offset,
            head.cut + body.cut,
            head.nul_hole,
        )

    def _split(self, lines: list[bytes], rest: bytes) -> Lines:
        """:meth:`feed` of data split in C: nothing held, no NULs, no line to cut.

        The same lines and offsets as the byte-by-line loop of :meth:`_feed`.
        """
        first_line = self._line
        starts = list(accumulate(map((1).__add__, map(len, lines)), initial=self._offset))
        self._offset = starts.pop()
        self._line += len(lines)
        if rest:
            self._hold(rest, 0, len(rest))
        return Lines(lines, starts, first_line, self._offset, [], None)

    def _feed(self, data: bytes) -> Lines:
        """:meth:`feed`, line by line: NUL holes, held partial lines and long lines."""
        first_line = self._line
        lines: list[bytes] = []
        offsets: list[int] = []
        cut: list[CutLine] = []
        limit = self.max_line_bytes
        pos = 0
        size = len(data)
        holes = b"\x00" in data
        hole: CutLine | None = None
        while pos < size:
            if holes and data[pos] == 0 and not self._held and not self._dropped:
                run = _NULS.match(data, pos)
                assert run is not None
                if not self.nul_bytes:
                    hole = CutLine(self._line, self._offset, run.end() - pos)
                self.nul_bytes += run.end() - pos
                self._offset += run.end() - pos
                pos = run.end()
                continue
            nl = data.find(b"\n", pos)
            if nl < 0:
                self._hold(data, pos, size)
                break
            start = self._offset
            if not self._held and not self._dropped and nl - pos <= limit:
                lines.append(data[pos:nl])
                length = nl - pos
            else:
                self._hold(data, pos, nl)
                length = len(self._held) + self._dropped
                lines.append(self._take_held(cut))
            offsets.append(start)
            self._offset = start + length + 1
            self._line += 1
            pos = nl + 1
        return Lines(lines, offsets, first_line, self._offset, cut, hole)

    def flush(self) -> Lines:
        """Return the held partial line as a line (at end of input or after a timeout)."""
        first_line = self._line
        if not self.has_partial:
            return Lines([], [], first_line, self._offset)
        cut: list[CutLine] = []
        start = self._offset
        length = len(self._held) + self._dropped
        line = self._take_held(cut)
        self._offset = start + length
        self._line += 1
        return Lines([line], [start], first_line, self._offset, cut)

    def _hold(self, data: bytes, start: int, end: int) -> None:
        """Hold ``data[start:end]`` as (part of) the partial line, up to the limit."""
        take = min(self.max_line_bytes - len(self._held), end - start)
        if take > 0:
            self._held += data[start : start + take]
        else:
            take = 0
        self._dropped += end - start - take

    def _take_held(self, cut: list[CutLine]) -> bytes:
        """The held bytes as one line (with the cut marker), and clear them."""
        text = bytes(self._held)
        if self._dropped:
            cut.append(CutLine(self._line, self._offset, self._dropped))
            text += cut_marker(self._dropped)
        self._held.clear()
        self._dropped = 0
        return text


def report_cuts(path: str, file_id: str, lines: Lines) -> None:
    """Emit ``LineTruncated`` once for each line that was cut, ``NulBytesSkipped`` for a hole."""
    if lines.nul_hole is not None:
        emit(
            "NulBytesSkipped",
            path=path,
            file_id=file_id,
            line=lines.nul_hole.line,
            offset=lines.nul_hole.offset,
            skipped_bytes=lines.nul_hole.dropped,
        )
    for cut in lines.cut:
        emit(
            "LineTruncated",
            path=path,
            file_id=file_id,
            line=cut.line,
            offset=cut.offset,
            dropped_bytes=cut.dropped,
        )


def to_chunk(path: str, file_id: str, lines: Lines, read_at: float) -> Chunk:
    """A :class:`Chunk` of ``lines``."""
    return Chunk(
        path, file_id, lines.lines, lines.offsets, lines.first_line, lines.end_offset, read_at
    )


def read_file_chunks(path: str, settings: SourceSettings) -> Iterator[Chunk]:
    """The whole file from offset 0 in chunks of complete lines (one-shot mode).

    A last line without its newline is delivered at the end of the file.
    ``file_id`` is ``"dev:ino"``.
    """
    with open(path, "rb", buffering=0) as fh:
        st = os.fstat(fh.fileno())
        file_id = f"{st.st_dev}:{st.st_ino}"
        splitter = LineSplitter(settings.max_line_bytes)
        while True:
            data = fh.read(settings.read_chunk_bytes)
            lines = splitter.feed(data) if data else splitter.flush()
            report_cuts(path, file_id, lines)
            if lines.lines:
                yield to_chunk(path, file_id, lines, time.time())
            if not data:
                return


def count_lines(fd: int, block_bytes: int = 1 << 20) -> tuple[int, int]:
    """(offset just after the last newline, number of newlines) of the open file ``fd``."""
    offset = 0
    count = 0
    last_end = 0
    while True:
        data = os.pread(fd, block_bytes, offset)
        if not data:
            return (last_end, count)
        n = data.count(b"\n")
        if n:
            count += n
            last_end = offset + data.rindex(b"\n") + 1
        offset += len(data)
