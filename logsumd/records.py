"""Frozen records that flow through the pipeline: lines, events, classifications."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Chunk:
    """Complete lines read from one file in one go.

    ``lines`` are raw bytes without their ``\\n`` terminator (a trailing ``\\r``
    is kept; the assembler strips it).  Line ``i`` starts at byte offset
    ``offsets[i]`` and is line number ``first_line + i`` (1-based, counted by
    ``\\n``).  ``end_offset`` is the offset just after the last line's newline.
    """

    path: str
    file_id: str
    lines: list[bytes]
    offsets: list[int]
    first_line: int
    end_offset: int
    read_at: float


@dataclass(frozen=True, slots=True)
class Event:
    """One assembled error event: a span of consecutive lines of one file."""

    path: str
    file_id: str
    line_start: int
    line_end: int
    offset_start: int
    offset_end: int
    text: str
    first_read_at: float
    last_read_at: float
    rule: str
    cut_lines: int = 0
    context: tuple[str, ...] = field(default=())
    """Up to N lines read just before the event (for causes a subprocess printed)."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One stack frame of a Python or Java trace."""

    file: str
    line: int | None
    function: str
    module: str | None = None


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """One exception of a chain: its (qualified) type name and message."""

    type: str
    message: str


@dataclass(frozen=True, slots=True)
class Classification:
    """What the rules understood of an event."""

    category: str
    exception_type: str
    """Root cause: the innermost exception of a chain."""
    outer_exception_type: str
    """The exception that was finally raised (outermost)."""
    message: str
    """Message of the root-cause exception."""
    chain: tuple[ExceptionInfo, ...]
    """Every exception of the event in the order they appear."""
    app_frame: Frame | None
    """Innermost application frame (not site-packages, stdlib or frameworks)."""
    app_frames: tuple[Frame, ...]
    cause_lines: tuple[str, ...]
    """Lines before the traceback (or inside it, from a subprocess) naming the cause."""
    header: str
    """The log record that introduced the event (first line), without prefix noise."""


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary of an event and which backend wrote it."""

    text: str
    summarizer: str


@dataclass(frozen=True, slots=True)
class FileClosed:
    """The tailer stopped reading a file (or its content was replaced).

    ``reason`` is one of ``deleted``, ``rotated``, ``truncated``, ``eof``.  The
    assembler flushes the file's buffer when it sees this.
    """

    path: str
    file_id: str
    reason: str
