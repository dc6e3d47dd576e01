"""An event being assembled: its lines, the limits that cut it, and the event it becomes.

The assembler (:mod:`logsumd.assemble._assembler`) decides which lines of a file belong to
an event; an :class:`EventBuffer` keeps them within ``max_lines`` and
``max_bytes``, holds blank lines until a line follows them, and builds the
:class:`~logsumd.records.Event`.

An event over a limit keeps its head **and** its tail: the first lines (the
record that introduced it, the outer frames) and the last ``1/TAIL_SHARE`` of
the limits (for a Python trace the exception line and the innermost frames,
for a Java trace the last ``Caused by:``), with :data:`CUT_MARKER` where the
lines in between were cut.  From the cut middle it also keeps the lines that
carry the exception chain (``Caused by:`` headers, Python's chained exception
lines: :mod:`logsumd.assemble._cut_chain`), at most 20, in order, with a marker
for each gap; they take their bytes from the tail's share, so the event stays
within ``max_bytes``.  The marker is indented, so trace parsers read it as a
continuation line, and the tail is a ring: memory stays bounded however long
the event runs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import repeat

from logsumd import telemetry
from logsumd.assemble._cut_chain import CutChain
from logsumd.assemble.multiline import M_USER, MODE_RULE, CompiledUserRule, RuleSet, strong_rule
from logsumd.parse import K_BLANK, K_CHAIN, K_PY4J, parse_line
from logsumd.records import Chunk, Event

__all__ = ["CUT_MARKER", "EventBuffer", "FileState", "Tail", "tails"]

CUT_MARKER = "    [logsumd: event cut, {n} lines not shown]"
HEADER_WALK = 10
"""Most lines walked back from a trace line to the record that introduced it."""
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
    kinds: list[int] = field(default_factory=list)
    """The ``K_*`` kind of each kept line (-1: not known, read again if it is cut)."""
    blanks: list[tuple[str, int]] = field(default_factory=list)
    nbytes: int = 0
    consumed: int = 0
    cut: int = 0
    cut_reason: str = ""
    headed: bool = False
    """The task runner's ``Task failed with exception`` is in the event."""
    reported: bool = False
    """The task runner's last report of this failure (``Failed to execute job``) is in
    the event."""
    tail: deque[tuple[str, int, int]] = field(default_factory=deque)
    """The last lines once a limit was reached, with their sizes and kinds (a ring)."""
    tail_nbytes: int = 0
    tail_max_lines: int = 1
    tail_max_bytes: int = 1
    tail_share_lines: int = 1
    tail_share_bytes: int = 1
    """The tail's share of the limits when the cut began (the chain lines take from it)."""
    chain: CutChain | None = None
    """The exception chain's lines kept from the cut middle."""

    def add(
        self, text: str, nbytes: int, *, lineno: int, end: int, read_at: float, kind: int = -1
    ) -> None:
        """Keep the held blank lines, then ``text`` (of ``kind``); the event now ends with it."""
        for blank, size in self.blanks:
            self.keep_line(blank, size, K_BLANK)
        self.blanks.clear()
        self.keep_line(text, nbytes, kind)
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

    def keep_line(self, text: str, nbytes: int, kind: int = -1) -> None:
        """Count a line; keep it in the head, or in the tail once a limit was reached."""
        self.consumed += 1
        if self.cut_reason:
            self._keep_tail(text, nbytes, kind)
            return
        max_bytes = self.max_bytes
        if not self.lines:
            if nbytes > max_bytes:
                text = _cut_text(text, max_bytes)
                nbytes = len(text.encode()) + 1
        elif len(self.lines) >= self.max_lines or self.nbytes + nbytes > max_bytes:
            self.cut_reason = "max_lines" if len(self.lines) >= self.max_lines else "max_bytes"
            self._start_tail()
            self._keep_tail(text, nbytes, kind)
            return
        self.lines.append(text)
        self.sizes.append(nbytes)
        self.kinds.append(kind)
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
            text, size, kind = self.lines.pop(), self.sizes.pop(), self.kinds.pop()
            self.nbytes -= size
            self.tail.appendleft((text, size, kind))
            self.tail_nbytes += size
        self.tail_share_lines = max(self.max_lines - len(self.lines), 1)
        self.tail_share_bytes = max(self.max_bytes - self.nbytes, 1)
        self.tail_max_lines = self.tail_share_lines
        self.tail_max_bytes = self.tail_share_bytes
        self.chain = CutChain(max_bytes=self.tail_share_bytes // 2)
        self._trim_tail()

    def _keep_tail(self, text: str, nbytes: int, kind: int) -> None:
        if nbytes > self.tail_max_bytes:
            text = _cut_text(text, self.tail_max_bytes)
            nbytes = len(text.encode()) + 1
        self.tail.append((text, nbytes, kind))
        self.tail_nbytes += nbytes
        self._trim_tail()

    def _trim_tail(self) -> None:
        """Drop the tail's oldest lines beyond its limits: they are the cut ones.

        Each goes past the chain, which may keep it; what the chain keeps is taken
        from the tail's share (its lines down to half the share).
        """
        chain = self.chain
        assert chain is not None
        while self.tail and (
            len(self.tail) > self.tail_max_lines or self.tail_nbytes > self.tail_max_bytes
        ):
            text, size, kind = self.tail.popleft()
            self.tail_nbytes -= size
            self.cut += 1
            if chain.cut(text, size, kind):
                self._share_with(chain)

    def _share_with(self, chain: CutChain) -> None:
        """The tail's limits: its share less what the chain keeps (lines: down to half)."""
        share = self.tail_share_lines
        self.tail_max_bytes = max(self.tail_share_bytes - chain.nbytes, 1)
        self.tail_max_lines = max(share - chain.nlines, share // 2, 1)

    def _close_chain(self, chain: CutChain) -> None:
        """A held Python exception line is in the chain when the tail starts with a chain line."""
        if not chain.pending:
            return
        first = next((kind for _, _, kind in self.tail if kind != K_BLANK), None)
        if first in (K_CHAIN, K_PY4J):
            chain.claim_pending()
            self._share_with(chain)
            self._trim_tail()

    def to_event(self) -> Event:
        """The event, with a cut marker for each gap when lines were cut (emits ``EventCut``)."""
        lines = self.lines
        cut = chain_lines = 0
        chain = self.chain
        if chain is not None:
            self._close_chain(chain)
            lines = list(lines)
            for group in chain.groups:
                if group.gap:
                    lines.append(CUT_MARKER.format(n=group.gap))
                lines += group.lines
            if chain.gap:
                lines.append(CUT_MARKER.format(n=chain.gap))
            lines += (text for text, _, _ in self.tail)
            chain_lines = chain.nlines
            cut = self.cut - chain_lines
        if cut:
            telemetry.emit(
                "EventCut",
                path=self.path,
                line_start=self.line_start,
                cut_lines=cut,
                chain_lines=chain_lines,
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
            cut_lines=cut,
            context=self.context,
        )


def _cut_text(text: str, max_bytes: int) -> str:
    """``text`` cut to fit ``max_bytes`` with its newline (at a character boundary)."""
    return text.encode()[: max(max_bytes - 1, 0)].decode("utf-8", "ignore")


# A remembered line: raw bytes, start offset, line number, read_at.
Tail = tuple[bytes, int, int, float]


def tails(chunk: Chunk, a: int, b: int) -> list[Tail]:
    """Lines ``a`` to ``b`` (excluded) of ``chunk`` as remembered lines."""
    return list(
        zip(
            chunk.lines[a:b],
            chunk.offsets[a:b],
            range(chunk.first_line + a, chunk.first_line + b),
            repeat(chunk.read_at),
            strict=False,
        )
    )


@dataclass(slots=True)
class FileState:
    """What the assembler keeps of one file between chunks."""

    tail: deque[Tail]
    floor: int = 0
    """Lowest line number a new event may include (lines of emitted events are spent)."""
    last: EventBuffer | None = None
    """The event that set :attr:`floor` (what a line right after it may restate)."""
    buf: EventBuffer | None = None
    held: EventBuffer | None = None
    """An ended event kept while its task may still report the failure (``MERGE_SPAN``)."""
    held_seen: int = 0
    """Line number of the last line the held event's relay printed."""
    held_gap: list[Tail] = field(default_factory=list)
    """The lines read since the held event ended."""
    awaiting: EventBuffer | None = None
    """The last Airflow failure emitted without its report (which is then no new event)."""
    reraise: bool = False
    """The open buffer is a Python traceback begun right after the held Java trace: both
    wait for its end, which decides whether it re-raised that trace."""
    held_skims: bool = False
    """While the held event waits, lines without a prefilter token are skipped (it is
    no relayed child's error, whose output is looked for in every line)."""

    def reopen(self, end: int) -> EventBuffer:
        """The held event, extended by the lines read since it ended, up to offset ``end``
        (where the task runner's failure report, or more of the child's output, starts)."""
        buf = self.held
        assert buf is not None
        self.held = None
        buf.absorb(self.held_gap, end)
        return buf

    def walk_back(self, rules: RuleSet, record: bool = False) -> int:
        """How many remembered lines belong to the record just before the current line.

        ``record``: the current line is a record itself; then a record before it
        is its header only when it is part of the trace or at the threshold level
        (Airflow's ``ERROR - Task failed with exception`` before a prefixed
        traceback), not dbt's ``[info ] [MainThread]:`` spacer or a DEBUG line.
        """
        tail = self.tail
        for h in range(1, min(len(tail), HEADER_WALK) + 1):
            raw, _, lineno, _ = tail[-h]
            if lineno < self.floor:
                return 0
            li = parse_line(raw)
            if li.record:
                if record and (
                    li.kind == K_BLANK
                    or (li.level < rules.threshold and strong_rule(rules, li) is None)
                ):
                    return 0
                return h
        return 0

    def pending_position(self, rules: RuleSet) -> tuple[int, int] | None:
        """(offset, line number) of the first line that may still become part of an event:
        the held or open event's first line, else the record a trace may still follow."""
        first = self.held or self.buf
        if first is not None:
            return first.offset_start, first.line_start
        h = self.walk_back(rules)
        if not h:
            return None
        _, offset, lineno, _ = self.tail[-h]
        return offset, lineno
