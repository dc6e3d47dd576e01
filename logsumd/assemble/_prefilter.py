"""The assembler's prefilter: which lines of a chunk hold a token worth parsing.

While no event is open in a file, the assembler (:mod:`logsumd.assemble._assembler`) does
not parse its lines: the lines of a chunk are joined and lower-cased once, and
:class:`Scan` finds the next line holding one of the rule set's tokens
(``error``, ``traceback``, ``\\tat`` ...) with ``bytes.find``.
"""

from __future__ import annotations

from itertools import islice

__all__ = ["Scan", "skippable"]

_SEVERE_MARKS = (b"%0|", b"%1|", b"%2|", b"%3|")
_TAB_BUDGET = 4096
"""Tabs a Scan steps through to find a token that starts with one (``\tat ``), before it
searches the token whole: tabs are rare in most logs and ``memchr`` finds them several
times faster than a search of the token; a log full of tabs (TSV) costs no more than that."""


class Scan:
    """Finds the next line of a chunk that holds a prefilter token."""

    __slots__ = ("base", "buf", "idx", "nxt", "pos", "tabs", "tokens")

    def __init__(self, lines: list[bytes], base: int, tokens: tuple[bytes, ...]) -> None:
        self.base = base
        self.buf = b"\n".join(lines[base:]).lower()
        self.tokens = tokens
        self.nxt = [-2] * len(tokens)
        self.idx = base
        self.pos = 0
        self.tabs = _TAB_BUDGET
        """Line ``idx`` starts at ``pos`` in ``buf`` (the last hit's line, or ``base``): the
        start of a later line adds the sizes of the lines between, which are few (those of
        an event), instead of a table of every line's start."""

    def next_hit(self, lines: list[bytes], i: int) -> int:
        """Index of the first line at or after ``i`` holding a token (len(lines) if none).

        Successive calls come with ``i`` at or after the last hit (the assembler reads on).
        """
        pos = self.pos + sum(map(len, islice(lines, self.idx, i))) + i - self.idx
        buf = self.buf
        nxt = self.nxt
        best = -1
        for t, tok in enumerate(self.tokens):
            p = nxt[t]
            if p != -1 and p < pos:
                p = nxt[t] = self._find_tab(tok, pos) if tok[:1] == b"\t" else buf.find(tok, pos)
            if p != -1 and (best == -1 or p < best):
                best = p
        if best == -1:
            self.idx, self.pos = i, pos
            return len(lines)
        nl = buf.rfind(b"\n", pos, best)
        self.idx, self.pos = i + buf.count(b"\n", pos, best), (pos if nl < 0 else nl + 1)
        return self.idx

    def _find_tab(self, tok: bytes, pos: int) -> int:
        """``buf.find(tok, pos)`` for a token that starts with a tab, found from the tabs."""
        buf = self.buf
        q = buf.find(b"\t", pos)
        while q != -1 and not buf.startswith(tok, q):
            self.tabs -= 1
            if self.tabs <= 0:
                return buf.find(tok, q)
            q = buf.find(b"\t", q + 1)
        return q


def skippable(raw: bytes, tokens: tuple[bytes, ...]) -> bool:
    """A prefilter hit that can only be a "failed" that neither announces details
    nor states a cause after a colon."""
    low = raw.lower()
    for tok in tokens:
        if tok != b"fail" and tok in low:
            return False
    if any(mark in raw for mark in _SEVERE_MARKS):
        return False  # librdkafka's "%3|...|FAIL|": an error whose level is a digit
    if raw.rstrip(b"\r \t").endswith(b":") or b"\x1b" in raw:
        return False
    if b"failed with result" in low:
        return False  # systemd: "etl.service: Failed with result 'oom-kill'."
    return low.find(b": ", low.find(b"fail")) == -1  # "... failed: <cause>" states one
