"""The line splitter: complete lines, offsets, held partial lines, cut long lines."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from logsumd import telemetry
from logsumd.config import SourceSettings
from logsumd.tail.linesplit import LineSplitter, count_lines, cut_marker, read_file_chunks


def split_all(
    data: bytes, max_line_bytes: int = 100, cuts: list[int] | None = None
) -> list[tuple[int, int, bytes]]:
    """Feed ``data`` in pieces cut at ``cuts``, flush, and return (offset, line, text)."""
    sp = LineSplitter(max_line_bytes)
    out: list[tuple[int, int, bytes]] = []
    bounds = sorted({0, len(data), *(cuts or [])})
    pieces = [data[a:b] for a, b in itertools.pairwise(bounds)]
    for piece in [*pieces, None]:
        got = sp.flush() if piece is None else sp.feed(piece)
        numbers = range(got.first_line, got.first_line + len(got.lines))
        out.extend(zip(got.offsets, numbers, got.lines, strict=True))
    return out


def test_complete_lines_with_offsets_and_numbers() -> None:
    """Each line comes without its newline, with its start offset and 1-based number."""
    got = LineSplitter(100).feed(b"ab\ncde\n\nf\n")
    assert got.lines == [b"ab", b"cde", b"", b"f"]
    assert got.offsets == [0, 3, 7, 8]
    assert got.first_line == 1
    assert got.end_offset == 10


def test_partial_line_is_held_until_its_newline() -> None:
    """A last line without newline is not returned until the newline arrives."""
    sp = LineSplitter(100)
    first = sp.feed(b"one\ntw")
    assert first.lines == [b"one"]
    assert first.end_offset == 4
    assert sp.has_partial
    assert (sp.offset, sp.line, sp.read_offset) == (4, 2, 6)
    second = sp.feed(b"o\nthr")
    assert second.lines == [b"two"]
    assert second.offsets == [4]
    assert second.first_line == 2
    assert second.end_offset == 8


def test_flush_delivers_the_partial_line_ending_at_the_file_size() -> None:
    """Flushing returns the held bytes as one line; its end is the end of the data."""
    sp = LineSplitter(100)
    sp.feed(b"a\nbcd")
    got = sp.flush()
    assert got.lines == [b"bcd"]
    assert got.offsets == [2]
    assert got.end_offset == 5
    assert (sp.offset, sp.line, sp.has_partial) == (5, 3, False)
    assert sp.flush().lines == []


def test_crlf_cr_nul_and_invalid_utf8_pass_through_as_bytes() -> None:
    """Bytes are untouched: the ``\\r`` before the newline stays for the assembler."""
    data = b"a\r\nb\r\r\nc\x00d\n\xff\xfe bad\n"
    got = LineSplitter(100).feed(data)
    assert got.lines == [b"a\r", b"b\r\r", b"c\x00d", b"\xff\xfe bad"]
    assert got.offsets == [0, 3, 7, 11]


def test_long_line_is_cut_with_a_marker_and_counts_as_one_line() -> None:
    """Over ``max_line_bytes`` the line keeps its head and a marker; the next line follows."""
    data = b"x" * 25 + b"\nnext\n"
    got = LineSplitter(10).feed(data)
    assert got.lines == [b"x" * 10 + cut_marker(15), b"next"]
    assert got.offsets == [0, 26]
    assert [(c.line, c.offset, c.dropped) for c in got.cut] == [(1, 0, 15)]
    assert got.end_offset == 31


def test_long_line_cut_across_many_feeds_holds_only_the_head() -> None:
    """A huge line fed in pieces is cut once; memory holds at most the limit."""
    sp = LineSplitter(8)
    for _ in range(100):
        assert sp.feed(b"y" * 1000).lines == []
        assert len(sp._held) <= 8
    got = sp.feed(b"zz\nok\n")
    assert got.lines == [b"y" * 8 + cut_marker(100_002 - 8), b"ok"]
    assert got.offsets == [0, 100_003]
    assert len(got.cut) == 1


def test_line_of_exactly_the_limit_is_not_cut() -> None:
    """A line as long as the limit is kept whole."""
    got = LineSplitter(4).feed(b"abcd\nabcde\n")
    assert got.lines == [b"abcd", b"abcd" + cut_marker(1)]


def test_flushed_long_partial_is_cut() -> None:
    """A flushed partial line over the limit gets the marker too."""
    sp = LineSplitter(3)
    sp.feed(b"abcdef")
    got = sp.flush()
    assert got.lines == [b"abc" + cut_marker(3)]
    assert got.end_offset == 6
    assert got.cut[0].dropped == 3


def test_start_offset_and_line_number_continue() -> None:
    """A splitter resumed at a checkpoint numbers lines and offsets from there."""
    got = LineSplitter(100, offset=40, line=7).feed(b"g\nh\n")
    assert got.offsets == [40, 42]
    assert got.first_line == 7


@given(
    data=st.binary(max_size=300).map(lambda b: b.replace(b"\x01", b"\n")),
    cuts=st.lists(st.integers(0, 300), max_size=8),
    limit=st.integers(1, 40),
)
def test_feeding_in_pieces_equals_feeding_at_once(data: bytes, cuts: list[int], limit: int) -> None:
    """However the bytes are split into reads, the lines and offsets are the same."""
    assert split_all(data, limit, cuts) == split_all(data, limit)


@given(data=st.binary(max_size=300).map(lambda b: b.replace(b"\x01", b"\n")))
def test_offsets_point_at_the_lines_in_the_data(data: bytes) -> None:
    """Without cuts, every line is the data at its offset up to the next newline."""
    for offset, _, line in split_all(data, 1000, [len(data) // 2]):
        assert data[offset : offset + len(line)] == line
        end = offset + len(line)
        assert end == len(data) or data[end : end + 1] == b"\n"


def test_read_file_chunks_whole_file_with_last_line_at_eof(tmp_path: Path) -> None:
    """One-shot mode reads from 0 in chunks and delivers the unterminated last line."""
    path = tmp_path / "job.log"
    path.write_bytes(b"".join(b"line %d\n" % i for i in range(1000)) + b"tail")
    source = SourceSettings(include=(str(path),), read_chunk_bytes=1024)
    chunks = list(read_file_chunks(str(path), source))
    assert len(chunks) > 5
    lines = [line for c in chunks for line in c.lines]
    assert lines == [b"line %d" % i for i in range(1000)] + [b"tail"]
    assert chunks[-1].end_offset == path.stat().st_size
    assert chunks[0].file_id == f"{path.stat().st_dev}:{path.stat().st_ino}"
    numbers = [c.first_line + i for c in chunks for i in range(len(c.lines))]
    assert numbers == list(range(1, 1002))


def test_read_file_chunks_reports_each_cut_line_once(tmp_path: Path) -> None:
    """``LineTruncated`` is emitted once per cut line, not per read."""
    path = tmp_path / "wide.log"
    path.write_bytes(b"a" * 5000 + b"\nb\n" + b"c" * 3000 + b"\n")
    source = SourceSettings(include=(str(path),), max_line_bytes=100, read_chunk_bytes=512)
    before = telemetry.count("LineTruncated")
    chunks = list(read_file_chunks(str(path), source))
    assert telemetry.count("LineTruncated") - before == 2
    lines = [line for c in chunks for line in c.lines]
    assert lines == [b"a" * 100 + cut_marker(4900), b"b", b"c" * 100 + cut_marker(2900)]


def test_count_lines_gives_the_position_after_the_last_newline(tmp_path: Path) -> None:
    """``start_at: end`` starts after the last complete line, numbered correctly."""
    path = tmp_path / "n.log"
    path.write_bytes(b"a\nb\nc\npartial")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert count_lines(fd, block_bytes=3) == (6, 3)
    finally:
        os.close(fd)


def test_nul_hole_is_skipped_and_the_next_line_read() -> None:
    """A run of NULs where a line starts (a copytruncate hole) is skipped, not a line."""
    hole = b"\x00" * 70_000
    sp = LineSplitter(65_536)
    got = sp.feed(hole + b"ERROR boom\nnext\n")
    assert got.lines == [b"ERROR boom", b"next"]
    assert got.offsets == [70_000, 70_011]
    assert (got.first_line, got.end_offset) == (1, 70_016)
    assert sp.nul_bytes == 70_000
    assert got.nul_hole is not None
    assert (got.nul_hole.offset, got.nul_hole.dropped) == (0, 70_000)


def test_nul_hole_across_reads_is_reported_once() -> None:
    """A hole read in several pieces is skipped whole; only its first piece is reported."""
    data = b"a\n" + b"\x00" * 5000 + b"b\x00c\n"
    assert split_all(data, cuts=[1000, 2500, 4000]) == [(0, 1, b"a"), (5002, 2, b"b\x00c")]
    sp = LineSplitter(100)
    found = [sp.feed(data[k : k + 1000]).nul_hole for k in range(0, len(data), 1000)]
    assert [h is not None for h in found] == [True, False, False, False, False, False]
    assert sp.nul_bytes == 5000


def test_read_file_chunks_skips_a_hole_and_reports_it_once(tmp_path: Path) -> None:
    """One-shot mode reads the line after a hole; ``NulBytesSkipped`` once per file."""
    path = tmp_path / "holed.log"
    with open(path, "wb") as fh:
        fh.write(b"first\n")
        fh.seek(300_000)
        fh.write(b"ERROR after the hole\n")
    source = SourceSettings(include=(str(path),), read_chunk_bytes=65_536)
    before = telemetry.count("NulBytesSkipped")
    lines = [line for c in read_file_chunks(str(path), source) for line in c.lines]
    assert lines == [b"first", b"ERROR after the hole"]
    assert telemetry.count("NulBytesSkipped") == before + 1


def _state(s: LineSplitter) -> tuple[int, int, int, bool, int]:
    return s.offset, s.line, s.read_offset, s.has_partial, s.nul_bytes


@given(
    data=st.binary(max_size=300).map(lambda b: b.replace(b"\x01", b"\n").replace(b"\x02", b"")),
    cuts=st.lists(st.integers(0, 300), max_size=8),
    limit=st.integers(1, 60),
    nuls=st.booleans(),
)
def test_split_in_c_equals_the_line_loop(
    data: bytes, cuts: list[int], limit: int, nuls: bool
) -> None:
    """Reads split at once (nothing held, no NULs, no long line) give what the loop gives."""
    if nuls:
        data = data.replace(b"\x03", b"\x00")
    fast, loop = LineSplitter(limit, 5, 2), LineSplitter(limit, 5, 2)
    pos = 0
    for end in [*sorted(c for c in cuts if c <= len(data)), len(data)]:
        assert fast.feed(data[pos:end]) == loop._feed(data[pos:end])
        assert _state(fast) == _state(loop)
        pos = end
    assert fast.flush() == loop.flush()
