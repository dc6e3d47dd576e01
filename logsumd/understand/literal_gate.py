"""Literal gates: skip a costly regex when a text cannot match it (pure).

Python's ``re`` has no fast path for a case-insensitive alternation of many
phrases: such a search costs ~20 us on a 100-character line even when nothing
matches, and the classifier asks dozens of them per event.  A *gate* is the set
of case-folded literals of which every match of the pattern must contain one;
it is derived from the parsed pattern.  When none of them is a substring of the
case-folded text, the pattern cannot match and the search is skipped.

The gate is conservative: a pattern it cannot analyse (a match possible without
any literal of 3 or more characters) gets no gate and is always searched.
Case-folding both sides keeps the gate correct for ``re.IGNORECASE`` patterns,
whose matches can differ from the text in case only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

MIN_LITERAL = 3
"""Shortest literal worth gating on; shorter ones are found almost everywhere."""

_Set = frozenset[str]


def _better(a: _Set | None, b: _Set | None) -> _Set | None:
    """The more selective of two literal sets (longest shortest literal, then fewer)."""
    if a is None:
        return b
    if b is None:
        return a
    ka = (min(map(len, a)), -len(a))
    kb = (min(map(len, b)), -len(b))
    return a if ka >= kb else b


def _sequence(items: Any) -> _Set | None:
    """A set of literals one of which every match of the sequence ``items`` contains."""
    best: _Set | None = None
    run: list[str] = []

    def flush() -> None:
        nonlocal best
        if len(run) >= MIN_LITERAL:
            best = _better(best, frozenset({"".join(run).casefold()}))
        run.clear()

    for op, av in items:
        if op is sre_c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is sre_c.SUBPATTERN:
            best = _better(best, _sequence(av[-1]))
        elif op is sre_c.BRANCH:
            best = _better(best, _branches(av[1]))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                best = _better(best, _sequence(sub))
        elif op is sre_c.ATOMIC_GROUP:
            best = _better(best, _sequence(av))
    flush()
    return best


def _branches(branches: Any) -> _Set | None:
    """Each branch must be gated; the gate is the union of theirs."""
    out: set[str] = set()
    for branch in branches:
        found = _sequence(branch)
        if found is None:
            return None
        out |= found
    return frozenset(out)


def required_literals(pattern: str | re.Pattern[str]) -> frozenset[str] | None:
    """Case-folded literals one of which is in every match of ``pattern``; None if unknown."""
    if isinstance(pattern, re.Pattern):
        return required_literals_of(pattern.pattern, pattern.flags)
    return required_literals_of(pattern, 0)


def required_literals_of(source: str, flags: int) -> frozenset[str] | None:
    """:func:`required_literals` of the pattern ``source`` compiled with ``flags``."""
    if flags & re.VERBOSE:
        return None
    try:
        tree = sre_parse.parse(source, flags & ~re.UNICODE)
    except (re.error, TypeError, ValueError):
        return None
    found = _sequence(list(tree))
    if found is None:
        return None
    # a literal that contains another is redundant: the shorter one is found first
    keep = {s for s in found if not any(o != s and o in s for o in found)}
    return frozenset(keep)


@dataclass(frozen=True, slots=True)
class Gated:
    """A compiled pattern and its gate; ``search`` takes the text and its casefold."""

    pattern: re.Pattern[str]
    literals: tuple[str, ...] | None

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gated:
        lits = required_literals(pattern)
        return cls(pattern, None if lits is None else tuple(sorted(lits)))

    def may_match(self, folded: str) -> bool:
        """False only when the pattern cannot match a text whose casefold is ``folded``."""
        lits = self.literals
        if lits is None:
            return True
        return any(map(folded.__contains__, lits))

    def search(self, text: str, folded: str | None = None) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped when the gate rules a match out."""
        if not self.may_match(text.casefold() if folded is None else folded):
            return None
        return self.pattern.search(text)


class LiteralIndex:
    """Which of many gated patterns may match a text, found in one pass.

    Literals are filed under their first three characters; the text's
    three-character substrings select the few literals worth a substring test.
    """

    def __init__(self, gates: Sequence[Collection[str] | None]) -> None:
        """``gates``: the literals of each pattern (None: always a candidate)."""
        self._always = frozenset(k for k, g in enumerate(gates) if g is None)
        by_prefix: dict[str, list[tuple[str, int]]] = {}
        for k, gate in enumerate(gates):
            for lit in gate or ():
                by_prefix.setdefault(lit[:MIN_LITERAL], []).append((lit, k))
        self._by_prefix = by_prefix
        self._prefixes = frozenset(by_prefix)
        """Intersected with a text's grams: a set ``&`` iterates the smaller side, where
        ``intersection(dict)`` would walk every prefix."""

    def candidates(self, folded: str) -> set[int]:
        """Indices of the gates that may match a text whose casefold is ``folded``."""
        hits = set(self._always)
        by_prefix = self._by_prefix
        grams = {folded[i : i + MIN_LITERAL] for i in range(len(folded) - MIN_LITERAL + 1)}
        for gram in grams & self._prefixes:
            for lit, k in by_prefix[gram]:
                if k not in hits and lit in folded:
                    hits.add(k)
        return hits


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth)`` of each ``(``, ``)`` and ``|`` of ``pattern`` outside
    escapes and character classes; ``depth`` is the group depth after the character."""
    depth = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        if c in "()|":
            depth += (c == "(") - (c == ")")
            yield i, c, depth
        i += 1


def _close_of(pattern: str) -> int:
    """Index of the ``)`` that closes the group opened at ``pattern[0]``."""
    for i, c, depth in _structure(pattern):
        if c == ")" and depth == 0:
            return i
    raise ValueError(f"unbalanced group in {pattern!r}")


def _class_end(pattern: str, start: int) -> int:
    """Index just after the character class opened at ``pattern[start]``."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):  # a leading ``]`` is a literal
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def alternatives(pattern: str) -> list[str]:
    """``pattern`` cut into alternatives: at each ``|`` outside groups and classes, and
    inside a piece that is one whole non-capturing group ``(?:...)``.

    A text matches ``pattern`` (``search``) exactly when it matches one of them
    (patterns without back-references or conditionals, compiled with the same flags).
    """
    pieces: list[str] = []
    last = 0
    for i, c, depth in _structure(pattern):
        if c == "|" and depth == 0:
            pieces.append(pattern[last:i])
            last = i + 1
    pieces.append(pattern[last:])
    out: list[str] = []
    for piece in pieces:
        if piece.startswith("(?:") and _close_of(piece) == len(piece) - 1:
            out += alternatives(piece[3:-1])
        else:
            out.append(piece)
    return out


class FirstMatch:
    """Which of several ordered patterns is the first to match a text.

    Each pattern is searched alternative by alternative (:func:`alternatives`),
    and only the alternatives whose gate the text passes: a long alternation
    costs ~1 us per alternative and character, while the one or two alternatives
    that share a literal with the text cost little.  The answer is the first
    pattern that ``search`` would find in the text, as if each were searched whole.
    An alternative is compiled when it is first searched.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        sources: list[tuple[str, int]] = []
        owners: list[int] = []
        for k, pattern in enumerate(patterns):
            if pattern.groups or "(?(" in pattern.pattern:
                raise ValueError(f"cannot search by alternatives: {pattern.pattern!r}")
            for alt in alternatives(pattern.pattern):
                sources.append((alt, pattern.flags))
                owners.append(k)
        self._sources = tuple(sources)
        self._owners = tuple(owners)
        self._compiled: list[re.Pattern[str] | None] = [None] * len(sources)
        self._index = LiteralIndex([required_literals_of(alt, f) for alt, f in sources])

    def first(self, text: str, folded: str) -> int | None:
        """Index of the first pattern that matches ``text`` (casefold ``folded``), or None."""
        compiled = self._compiled
        for p in sorted(self._index.candidates(folded)):
            rx = compiled[p]
            if rx is None:
                rx = compiled[p] = re.compile(*self._sources[p])
            if rx.search(text):
                return self._owners[p]
        return None
