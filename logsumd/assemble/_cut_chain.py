"""The exception chain among the cut lines of a long event.

When an event is cut (:mod:`logsumd.assemble._event_buffer`), the lines between
its head and its tail are dropped as they leave the tail's ring.  A
:class:`CutChain` looks at each dropped line (by the kind the assembler already
gave it, so a dropped frame costs a few integer comparisons) and keeps the
lines that carry the exception chain, so the trace model still sees every link
and picks the right root cause:

- Java ``Caused by:`` and ``Suppressed:`` headers, a JVM exception header, a
  Py4J ``: java...`` line and ``Exception in thread ...``, each with the frame
  after it;
- Python's ``During handling of the above exception...`` and ``The above
  exception was the direct cause...`` lines, with the exception line printed
  before them (held until the chain line shows it is one) and the
  ``Traceback`` line after them;
- dbt's error titles, with the line after them (their message).

At most :data:`MAX_CHAIN_LINES` lines and ``max_bytes`` bytes (the gaps'
markers counted) are kept: the first group of lines (Python's root comes
first) and the latest ones (Java's root comes last), in order; each gap between
them is counted so that its marker says how many lines it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from logsumd.parse import (
    K_BLANK,
    K_CAUSED,
    K_CHAIN,
    K_DBT,
    K_EXC,
    K_INDENT,
    K_JFRAME,
    K_MSGCONT,
    K_OTHER,
    K_PY4J,
    K_PYFRAME,
    K_TB,
    K_THREAD,
    java_header,
    parse_line,
)

__all__ = ["MARKER_BYTES", "MAX_CHAIN_LINES", "CutChain", "Group"]

MAX_CHAIN_LINES = 20
"""Lines of the exception chain kept from the cut middle of one event."""
MARKER_BYTES = 56
"""What a gap's marker costs against ``max_bytes`` (its text with a 12-digit count)."""
PENDING_LINES = 3
"""Lines held from a Python exception line until a chain line shows it is one."""

_INDENTED = frozenset({K_PYFRAME, K_JFRAME, K_INDENT})
_HEADERS = frozenset({K_CAUSED, K_THREAD})
_DBT_NEXT = frozenset({K_INDENT, K_OTHER, K_MSGCONT, K_EXC})
_NOTHING: frozenset[int] = frozenset()
_FRAME = frozenset({K_JFRAME})


@dataclass(slots=True)
class Group:
    """Kept lines that were next to each other, after ``gap`` lines not shown."""

    gap: int
    lines: list[str]
    nbytes: int


@dataclass(slots=True)
class CutChain:
    """The chain lines of one event's cut middle, recorded as the lines pass."""

    max_bytes: int
    """Bytes the kept lines and their markers may take (the tail gives them up)."""
    groups: list[Group] = field(default_factory=list)
    gap: int = 0
    """Lines not shown since the last kept group."""
    nlines: int = 0
    nbytes: int = 0
    pending: list[tuple[str, int]] = field(default_factory=list)
    """A Python exception line (and the lines after it) that a chain line may claim."""
    pending_gap: int = 0
    """``gap`` when the pending exception line passed (the lines before it)."""
    pending_extra: int = 0
    """Lines after the pending ones (counted in ``gap``), before the chain line."""
    armed: bool = True
    """The last non-blank line was indented: the next unindented one may be an exception."""
    after_chain: bool = False
    want: frozenset[int] = _NOTHING
    """Kinds of the next line kept with the header just kept (its first frame)."""
    prev: tuple[str, int] | None = None
    """The line just cut, when it was an unindented one (a JVM header if a frame follows)."""

    def cut(self, text: str, nbytes: int, kind: int) -> bool:
        """``text`` leaves the event: keep it when it carries the chain, else count it.

        True when the kept lines changed (the tail's share changes with them).
        """
        if kind in _INDENTED and self.prev is None and not self.want:
            self.armed = True  # a frame or a code line: the most common, and never kept
            self.after_chain = False
            if self.pending:
                self.pending = []
            self.gap += 1
            return False
        before = self.nlines, self.nbytes
        self._cut(text, nbytes, kind)
        return (self.nlines, self.nbytes) != before

    def _cut(self, text: str, nbytes: int, kind: int) -> None:
        if kind < 0:
            kind = parse_line(text.encode()).kind  # a look-back line: rare, not on the hot path
        want, self.want = self.want, _NOTHING
        after_chain, self.after_chain = self.after_chain, False
        prev, self.prev = self.prev, None
        if kind in _INDENTED:
            self.armed = True
            self.pending = []
            if kind in want:
                self._keep(text, nbytes)
            elif kind == K_JFRAME and prev is not None and java_header(prev[0].strip()):
                self.gap -= 1  # the line before was a JVM exception header: keep both
                if self._keep(*prev):
                    self._keep(text, nbytes)
                else:
                    self.gap += 1
            else:
                self.gap += 1
            return
        if kind == K_BLANK:
            if after_chain:
                self.after_chain = self._keep(text, nbytes)
            else:
                self._after_pending(text, nbytes)
            return
        if kind in (K_CHAIN, K_PY4J):
            self.claim_pending()
            if self._keep(text, nbytes):
                self.after_chain = kind == K_CHAIN
                self.want = _FRAME if kind == K_PY4J else _NOTHING
        elif kind == K_TB and after_chain:
            self._keep(text, nbytes)
        elif kind in _HEADERS or kind == K_DBT:
            self.pending = []
            if self._keep(text, nbytes):
                self.want = _DBT_NEXT if kind == K_DBT else _FRAME
        elif kind in want:
            self._keep(text, nbytes)
        else:
            self.prev = (text, nbytes)
            if self.armed and not self.pending:
                self.pending_gap = self.gap
                self.pending = [(text, nbytes)]
                self.pending_extra = 0
                self.gap += 1
            else:
                self._after_pending(text, nbytes)
        self.armed = False

    def claim_pending(self) -> None:
        """A chain line follows: the held exception line (if any) is part of the chain."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        after = self.gap - self.pending_gap - len(pending)
        self.gap = self.pending_gap
        for text, nbytes in pending:
            self._keep(text, nbytes)
        self.gap += after

    def _after_pending(self, text: str, nbytes: int) -> None:
        """A line not kept: it continues the pending exception (its message), or is cut."""
        self.gap += 1
        if not self.pending:
            return
        if len(self.pending) < PENDING_LINES and not self.pending_extra:
            self.pending.append((text, nbytes))
        else:
            self.pending_extra += 1

    def _keep(self, text: str, nbytes: int) -> bool:
        """Keep a line after the ``gap`` lines not shown; False when the limits evicted it.

        Beyond the limits, older groups are evicted (the first one stays).
        """
        if self.gap == 0 and self.groups:
            group = self.groups[-1]
            group.lines.append(text)
            group.nbytes += nbytes
            self.nbytes += nbytes
        else:
            self.groups.append(Group(self.gap, [text], nbytes + MARKER_BYTES))
            self.nbytes += nbytes + MARKER_BYTES
        self.nlines += 1
        self.gap = 0
        while self.groups and (self.nlines > MAX_CHAIN_LINES or self.nbytes > self.max_bytes):
            self._evict()
        return self.gap == 0

    def _evict(self) -> None:
        """Drop the second group (the first holds Python's root), or the first's last line."""
        groups = self.groups
        if len(groups) == 1:
            group = groups[0]
            group.lines.pop()
            self.nlines -= 1
            self.gap += 1
            if not group.lines:
                groups.clear()
                self.gap += group.gap
                self.nbytes = 0
                return
            # a line's size is not kept per line: recount the group from its text
            size = sum(len(s.encode()) + 1 for s in group.lines) + MARKER_BYTES
            self.nbytes -= group.nbytes - size
            group.nbytes = size
            return
        gone = groups.pop(1)
        self.nlines -= len(gone.lines)
        self.nbytes -= gone.nbytes
        hidden = gone.gap + len(gone.lines)
        if len(groups) > 1:
            groups[1].gap += hidden
        else:
            self.gap += hidden
