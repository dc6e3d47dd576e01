"""The assembler's prefilter: which lines of a chunk hold a token worth parsing.

While no event is open in a file, the assembler (:mod:`logsumd.assemble._assembler`) does
not parse its lines: the lines of a chunk are joined and lower-cased once, and
:class:`Scan` finds the next line holding one of the rule set's tokens
(``error``, ``traceback``, ``\\tat`` ...) with ``bytes.find``.
"""

from __future__ import annotations

from itertools import accumulate

__all__ = ["Scan", "skippable"]

_SEVERE_MARKS = (b"%0|", b"%1|", b"%2|", b"%3|")


class Scan:
    """Finds the next line of a chunk that holds a prefilter token."""

    __slots__ = ("base", "buf", "nxt", "sizes", "tokens")

    def __init__(self, lines: list[bytes], base: int, tokens: tuple[bytes, ...]) -> None:
        self.base = base
        self.buf = b"\n".join(lines[base:]).lower()
        self.sizes = list(accumulate(map(len, lines[base:]), initial=0))
        """``sizes[k]``: bytes of the first ``k`` lines from ``base`` (newlines not counted)."""
        self.tokens = tokens
        self.nxt = [-2] * len(tokens)

    def next_hit(self, lines: list[bytes], i: int) -> int:
        """Index of the first line at or after ``i`` holding a token (len(lines) if none)."""
        k = i - self.base
        pos = self.sizes[k] + k  # where line i starts in buf
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
            return len(lines)
        return i + buf.count(b"\n", pos, best)


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
