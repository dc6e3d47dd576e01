"""The assembler's prefilter: which lines of a chunk hold a token worth parsing.

While no event is open in a file, the assembler (:mod:`logsumd.assemble._assembler`) does
not parse its lines: the lines of a chunk are joined and lower-cased once, and
:class:`Scan` finds the next line holding one of the rule set's tokens
(``error``, ``traceback``, ``\\tat`` ...) with ``bytes.find``.
"""

from __future__ import annotations

__all__ = ["Scan", "skippable"]


class Scan:
    """Finds the next line of a chunk that holds a prefilter token."""

    __slots__ = ("base", "buf", "idx", "nxt", "pos", "tokens")

    def __init__(self, lines: list[bytes], base: int, tokens: tuple[bytes, ...]) -> None:
        self.base = base
        self.buf = b"\n".join(lines[base:]).lower()
        self.tokens = tokens
        self.nxt = [-2] * len(tokens)
        self.idx = base
        self.pos = 0

    def next_hit(self, lines: list[bytes], i: int) -> int:
        """Index of the first line at or after ``i`` holding a token (len(lines) if none)."""
        pos = self.pos
        for k in range(self.idx, i):
            pos += len(lines[k]) + 1
        buf = self.buf
        nxt = self.nxt
        best = -1
        for t, tok in enumerate(self.tokens):
            p = nxt[t]
            if p != -1 and p < pos:
                p = nxt[t] = buf.find(tok, pos)
            if p != -1 and (best == -1 or p < best):
                best = p
        if best == -1:
            self.idx, self.pos = i, pos
            return len(lines)
        j = i + buf.count(b"\n", pos, best)
        nl = buf.rfind(b"\n", pos, best)
        self.idx, self.pos = j, (pos if nl < 0 else nl + 1)
        return j


def skippable(raw: bytes, tokens: tuple[bytes, ...]) -> bool:
    """A prefilter hit that can only be a "failed" without details to announce."""
    low = raw.lower()
    for tok in tokens:
        if tok != b"fail" and tok in low:
            return False
    return not (raw.rstrip(b"\r \t").endswith(b":") or b"\x1b" in raw)
