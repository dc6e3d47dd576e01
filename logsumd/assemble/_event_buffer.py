"""An event being assembled: its lines, the limits that cut it, and the event it becomes.

The assembler (:mod:`logsumd.assemble._assembler`) decides which lines of a file belong to
an event; an :class:`EventBuffer` keeps them within ``max_lines`` and
``max_bytes``, holds blank lines until a line follows them, and builds the
:class:`~logsumd.records.Event`.

An event over a limit keeps its head **and** its tail: the first lines (the
record that introduced it, the outer frames) and the last ``1/TAIL_SHARE`` of
the limits (for a Python trace the exception line and the innermost frames,
for a Java trace the last ``Caused by:``), with :data:`CUT_MARKER` where the
lines in between were cut.  The marker is indented, so trace parsers read it
as a continuation line, and the tail is a ring: memory stays bounded however
long the event runs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from logsumd import telemetry
from logsumd.assemble.multiline import M_USER, MODE_RULE, CompiledUserRule
from logsumd.records import Event

__all__ = ["CUT_MARKER", "EventBuffer"]

CUT_MARKER = "    [logsumd: event cut, {n} lines not shown]"
TAIL_SHARE = 4
"""The tail of a cut event holds up to 1/4 of ``max_lines`` and of ``max_bytes``."""


@dataclass(slots=True)
class EventBuffer:
    """An open event (or a candidate that may become one) of one file."""

    path: str
    file_id: str
    rule: str
    mode: int
    phase: int
    lenient: bool
    candidate: bool
    user: CompiledUserRule | None
    line_start: int
    offset_start: int
    first_read_at: float
    context: tuple[str, ...]
    max_lines: int
    max_bytes: int
    line_end: int = 0
    offset_end: int = 0
    last_read_at: float = 0.0
    touched_at: float = 0.0
    lines: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    """Bytes of each kept line, with its newline."""
    blanks: list[tuple[str, int]] = field(default_factory=list)
    nbytes: int = 0
    consumed: int = 0
    cut: int = 0
    cut_reason: str = ""
    reported: bool = False
    """The task runner's report of this failure (an epilogue record) is in the event."""
    tail: deque[tuple[str, int]] = field(default_factory=deque)
    """The last lines once a limit was reached, with their sizes (a ring)."""
    tail_nbytes: int = 0
    tail_max_lines: int = 1
    tail_max_bytes: int = 1

    def add(self, text: str, nbytes: int, *, lineno: int, end: int, read_at: float) -> None:
        """Keep the held blank lines, then ``text``; the event now ends with it."""
        for blank, size in self.blanks:
            self.keep_line(blank, size)
        self.blanks.clear()
        self.keep_line(text, nbytes)
        self.line_end = lineno
        self.offset_end = end
        self.last_read_at = read_at
        self.touched_at = read_at

    def absorb(self, lines: list[tuple[bytes, int, int, float]], end: int) -> None:
        """Add raw ``(bytes, offset, line number, read_at)`` lines read since it ended.

        ``end`` is the offset just after the last of them.  Its held trailing blank
        lines are among them.
        """
        self.blanks.clear()
        for k, (raw, _, lineno, read_at) in enumerate(lines):
            nxt = lines[k + 1][1] if k + 1 < len(lines) else end
            text = raw.decode("utf-8", "replace").rstrip("\r")
            self.add(text, len(raw) + 1, lineno=lineno, end=nxt, read_at=read_at)

    def keep_line(self, text: str, nbytes: int) -> None:
        """Count a line; keep it in the head, or in the tail once a limit was reached."""
        self.consumed += 1
        if self.cut_reason:
            self._keep_tail(text, nbytes)
            return
        max_bytes = self.max_bytes
        if not self.lines:
            if nbytes > max_bytes:
                text = _cut_text(text, max_bytes)
                nbytes = len(text.encode()) + 1
        elif len(self.lines) >= self.max_lines or self.nbytes + nbytes > max_bytes:
            self.cut_reason = "max_lines" if len(self.lines) >= self.max_lines else "max_bytes"
            self._start_tail()
            self._keep_tail(text, nbytes)
            return
        self.lines.append(text)
        self.sizes.append(nbytes)
        self.nbytes += nbytes

    def _start_tail(self) -> None:
        """The head is full: give the tail its share of the limits, from the head's end."""
        tail_lines = max(self.max_lines // TAIL_SHARE, 1)
        tail_bytes = max(self.max_bytes // TAIL_SHARE, 1)
        # the head keeps at least its first line (the record that introduced the event)
        while len(self.lines) > 1 and (
            len(self.lines) > self.max_lines - tail_lines
            or self.nbytes > self.max_bytes - tail_bytes
        ):
            text, size = self.lines.pop(), self.sizes.pop()
            self.nbytes -= size
            self.tail.appendleft((text, size))
            self.tail_nbytes += size
        self.tail_max_lines = max(self.max_lines - len(self.lines), 1)
        self.tail_max_bytes = max(self.max_bytes - self.nbytes, 1)
        self._trim_tail()

    def _keep_tail(self, text: str, nbytes: int) -> None:
        if nbytes > self.tail_max_bytes:
            text = _cut_text(text, self.tail_max_bytes)
            nbytes = len(text.encode()) + 1
        self.tail.append((text, nbytes))
        self.tail_nbytes += nbytes
        self._trim_tail()

    def _trim_tail(self) -> None:
        """Drop the tail's oldest lines beyond its limits: they are the cut ones."""
        while self.tail and (
            len(self.tail) > self.tail_max_lines or self.tail_nbytes > self.tail_max_bytes
        ):
            _, size = self.tail.popleft()
            self.tail_nbytes -= size
            self.cut += 1

    def to_event(self) -> Event:
        """The event, with the cut marker when lines were cut (emits ``EventCut``)."""
        lines = self.lines
        if self.cut:
            lines = [*lines, CUT_MARKER.format(n=self.cut), *(text for text, _ in self.tail)]
            telemetry.emit(
                "EventCut",
                path=self.path,
                line_start=self.line_start,
                cut_lines=self.cut,
                reason=self.cut_reason,
            )
        rule = self.rule
        if self.mode != M_USER and rule in MODE_RULE.values():
            rule = MODE_RULE[self.mode]
        return Event(
            path=self.path,
            file_id=self.file_id,
            line_start=self.line_start,
            line_end=self.line_end,
            offset_start=self.offset_start,
            offset_end=self.offset_end,
            text="\n".join(lines),
            first_read_at=self.first_read_at,
            last_read_at=self.last_read_at,
            rule=rule,
            cut_lines=self.cut,
            context=self.context,
        )


def _cut_text(text: str, max_bytes: int) -> str:
    """``text`` cut to fit ``max_bytes`` with its newline (at a character boundary)."""
    return text.encode()[: max(max_bytes - 1, 0)].decode("utf-8", "ignore")
