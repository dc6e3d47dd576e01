"""An event being assembled: its lines, the limits that cut it, and the event it becomes.

The assembler (:mod:`logsumd.assemble._assembler`) decides which lines of a file belong to
an event; an :class:`EventBuffer` keeps them within ``max_lines`` and
``max_bytes`` (counting the lines it cuts, which end the event's text as
:data:`CUT_MARKER`), holds blank lines until a line follows them, and builds
the :class:`~logsumd.records.Event`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from logsumd import telemetry
from logsumd.assemble.multiline import M_USER, MODE_RULE, CompiledUserRule
from logsumd.records import Event

__all__ = ["CUT_MARKER", "EventBuffer"]

CUT_MARKER = "[logsumd: event cut, {n} more lines not shown]"


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
    blanks: list[tuple[str, int]] = field(default_factory=list)
    nbytes: int = 0
    consumed: int = 0
    cut: int = 0
    cut_reason: str = ""

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

    def keep_line(self, text: str, nbytes: int) -> None:
        """Count a line; keep it unless a limit was reached (then it is cut)."""
        self.consumed += 1
        if self.cut_reason:
            self.cut += 1
            return
        max_bytes = self.max_bytes
        if not self.lines:
            if nbytes > max_bytes:
                text = text.encode()[: max(max_bytes - 1, 0)].decode("utf-8", "ignore")
        elif len(self.lines) >= self.max_lines or self.nbytes + nbytes > max_bytes:
            self.cut_reason = "max_lines" if len(self.lines) >= self.max_lines else "max_bytes"
            self.cut = 1
            return
        self.lines.append(text)
        self.nbytes += nbytes

    def to_event(self) -> Event:
        """The event, with the cut marker when lines were cut (emits ``EventCut``)."""
        lines = self.lines
        if self.cut:
            lines = [*lines, CUT_MARKER.format(n=self.cut)]
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
