"""Which of many short literals a text holds, found through its runs of letters (pure).

The redaction gates ask whether each of some fifty literals (``pass``, ``token``,
``-p``, ``openssl`` ...) is a substring of a ~3 KB text: one substring search
each costs ~80 us an event.  A literal made of *run characters* (ASCII letters
and ``-``) lies within one maximal run of them in the text.  The text's
distinct runs are looked up in a cache of the literals each holds; words,
names and paths recur from event to event, so after a short warm-up a text
costs one translation, one split and a set difference.  The answer is exactly
the literals that ``literal in text`` finds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["RunWords", "run_parts"]

_RUN = re.compile(r"[A-Za-z-]+")
_TABLE = bytes(
    c if chr(c).isascii() and (chr(c).isalpha() or chr(c) == "-") else 0x20 for c in range(256)
)
_CACHE_SIZE = 1 << 15
"""Most runs remembered (then forgotten all at once)."""
_LONGEST = 64
"""Longer runs (base64, minified data) are searched, never remembered."""


def run_parts(literal: str) -> tuple[str, ...]:
    """The maximal runs of run characters in ``literal`` (``hooks.slack``: ``hooks``,
    ``slack``): a text that holds ``literal`` holds each within one of its runs."""
    return tuple(_RUN.findall(literal))


class RunWords:
    """The literals of a fixed set that are substrings of a text."""

    def __init__(self, words: Sequence[str]) -> None:
        """``words``: literals of run characters only."""
        for word in words:
            if run_parts(word) != (word,):
                raise ValueError(f"not a run of letters and '-': {word!r}")
        self._words = tuple(dict.fromkeys(words))
        self._hits: dict[bytes, tuple[str, ...]] = {}
        self._none: set[bytes] = set()

    def found(self, text: str) -> set[str]:
        """The words that are substrings of ``text``."""
        runs = set(text.encode("utf-8", "replace").translate(_TABLE).split())
        runs -= self._none
        found: set[str] = set()
        for run in runs:
            hits = self._hits.get(run)
            if hits is None:
                hits = self._search(run)
            found.update(hits)
        return found

    def _search(self, run: bytes) -> tuple[str, ...]:
        word = run.decode("ascii")
        hits = tuple(w for w in self._words if w in word)
        if len(run) <= _LONGEST:
            if len(self._hits) + len(self._none) >= _CACHE_SIZE:
                self._hits.clear()
                self._none.clear()
            if hits:
                self._hits[run] = hits
            else:
                self._none.add(run)
        return hits
