"""Frozen records that flow through the pipeline: lines, events, classifications, notifications."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
    header_lines: int = 1
    """How many lines of the event come before its trace (all of them were scored for
    ``cause_lines``); 1 for an event without one."""
    cause_lines_scored: bool = True
    """False when ``cause_lines`` were left for later: the daemon's hot path does not
    score them when the chain alone decides the category, and scores them (without
    classifying again) only for an event whose summary is written."""


REPEAT_MESSAGE_CHARS = 300
"""A compact repeat record keeps this much of the root message."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An understood event: what the outbox keeps and the stages pass on.

    ``event`` is redacted; ``classification`` is the one made when the event
    came in (each event is classified once); ``id`` is stable, so the same event
    read again after a crash is recognised.  A ``repeat`` stands for an error
    whose full record is already held downstream: see :meth:`as_repeat`.
    """

    id: str
    event: Event
    classification: Classification
    fingerprint: str
    repeat: bool = False

    def as_repeat(self) -> StoredEvent:
        """The compact record of a repeat: what an update message needs, no more.

        Repeats wait in the outbox until the next update about their fingerprint;
        in a storm there are many.  Without the text, the context lines, the
        chain, the frames and the cause lines a record is a fraction of the size;
        where the event is, its category, exception types and (cut) message stay.
        """
        cls = self.classification
        compact = Classification(
            category=cls.category,
            exception_type=cls.exception_type,
            outer_exception_type=cls.outer_exception_type,
            message=cls.message[:REPEAT_MESSAGE_CHARS],
            chain=(),
            app_frame=None,
            app_frames=(),
            cause_lines=(),
            header="",
            header_lines=0,
        )
        e = self.event
        event = Event(
            e.path,
            e.file_id,
            e.line_start,
            e.line_end,
            e.offset_start,
            e.offset_end,
            "",
            e.first_read_at,
            e.last_read_at,
            e.rule,
            e.cut_lines,
        )
        return StoredEvent(self.id, event, compact, self.fingerprint, repeat=True)


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary of an event and which backend wrote it."""

    text: str
    summarizer: str
    """Who wrote the cause and next step: ``catalogue``, ``catalogue+model`` (the model
    chose among several entries), ``llama``, ``llama-retry`` or ``rules``."""
    diagnosis: str = ""
    """The catalogue id of the cause, if a catalogue entry gave it."""
    runbook: str = ""
    """The runbook link of that entry, if it has one."""
    category: str = ""
    """The category of that entry when its evidence is specific (a message shape, or the
    user's own entry): the alert reports it, so the title and the cause agree; "" leaves
    the classifier's category."""


@dataclass(frozen=True, slots=True)
class FileClosed:
    """The tailer stopped reading a file (or its content was replaced).

    ``reason`` is one of ``deleted``, ``rotated``, ``truncated``, ``eof``.  The
    assembler flushes the file's buffer when it sees this.
    """

    path: str
    file_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One fingerprint folded into a digest message."""

    fingerprint: str
    category: str
    exception_type: str
    count: int
    path: str


@dataclass(frozen=True, slots=True)
class Notification:
    """One message to deliver: a new error, a count update, or a digest.

    Every text field is already redacted.  ``id`` is unique and stable, so a
    notifier that sees the same id twice after a crash can tell.
    """

    id: str
    kind: str
    """``event`` (a new error), ``update`` (count of repeats) or ``digest``."""
    fingerprint: str
    path: str
    line_start: int
    line_end: int
    host: str
    category: str
    exception_type: str
    outer_exception_type: str
    message: str
    summary: str
    summarizer: str
    excerpt: str
    """The condensed trace shown in a code block."""
    count: int
    """Events of this fingerprint in the current repeat window."""
    first_seen: float
    last_seen: float
    app_frame: str = ""
    """``file:line in function`` of the innermost application frame, if any."""
    rule: str = ""
    new_count: int = 0
    """For updates: events since the previous message of this fingerprint."""
    since: float = 0.0
    """For updates: when the previous message was sent."""
    digest: tuple[DigestItem, ...] = field(default=())
    diagnosis: str = ""
    """The catalogue id of the summary's cause, if any."""
    runbook: str = ""
    """A runbook link for that diagnosis, if any (shown in Slack)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notification:
        """Inverse of ``to_dict``."""
        items = tuple(DigestItem(**d) for d in data.get("digest", ()))
        return cls(**{**data, "digest": items})
