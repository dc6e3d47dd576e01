"""Secrets in a column of tabular output: a ``password`` column under its header.

A pandas ``DataFrame`` print, psql's aligned output, a rich or tabulate table
(``airflow connections list``) put the key in a header row and each value on a
line below it, so no ``key=value`` rule sees them together.  A header row is a
line of column names, one of which is a credential key on its own
(``password``, ``api_key``): with ``|``/``│``/``┃`` between the cells and a rule
line (``---+---``) under it, or with two or more spaces between the cells.  The
rows below it, up to the first line of another shape, have that column's cell
masked: found through the separators, or, in a space-aligned table, as the cell
that overlaps the header's name (pandas aligns right, most tools left).  Run
when a key word is in the text (see ``_redact``); only the lines that hold one
are read as a header.  Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from logsumd.understand._secret_values import (
    KEY_WORDS,
    Span,
    credential_key,
    is_secret_value,
    key_bounds,
)

_SEPARATORS = "|│┃"
_SEPARATOR = re.compile("[|│┃]")
_RULE = re.compile(r"[ \t]*[-=:+|│┃─━┼╇╪┿╋┡┩├┤╞╡┌┐└┘┬┴┏┓┗┛┳┻]*[-=─━][-=:+|│┃─━┼╇╪┿╋┡┩├┤╞╡ \t]*")
"""A line that draws the table (``---+---``, ``|:---|``, ``┡━━╇━━┩``, ``=====  ===``)."""
_CELL = re.compile(r"\S+(?: \S+)*")
"""A cell of a space-aligned table: words with single spaces (two or more part cells)."""
_NAME = re.compile(r"[^\W\d][\w.-]*")
"""A column name: ``conn_id``, ``password``, ``client.secret``."""
_MAX_ROWS = 500
_KEY_WORDS = frozenset(KEY_WORDS)


def table_columns(text: str, folded: str, words: Sequence[str] = KEY_WORDS) -> list[Span]:
    """The cells under each credential column of the tables in ``text``."""
    spans: list[Span] = []
    if "\n" not in text:
        return spans  # a header needs a row below it
    seen: set[int] = set()
    for word in words:
        if word not in _KEY_WORDS:
            continue
        at = folded.find(word)
        while at >= 0:
            tail = _CELL_TAIL.match(text, at)  # most keys go on with '=', ':', a quote, a word
            ks = key_bounds(text, at)[0] if tail else at
            if tail and _cell_start(text, ks):
                start = text.rfind("\n", 0, ks) + 1
                if start not in seen and credential_key(text[ks : tail.end()]):
                    seen.add(start)
                    end = text.find("\n", tail.end())
                    spans += _columns_below(text, start, len(text) if end < 0 else end)
            at = folded.find(word, tail.end() if tail else at + 1)
    return spans


_CELL_TAIL = re.compile(r"[\w.-]*(?=[ \t]*[|│┃]|  |\t|[ \t]*(?:\r?\n|\Z))")
"""The rest of a column name, up to what ends a cell: a separator, two spaces or a tab,
the end of the line (``password=``, ``password authentication`` are no cells)."""


def _cell_start(text: str, ks: int) -> bool:
    """Whether a cell starts at ``ks``: after a separator, two spaces or a tab, or first
    on its line."""
    at = ks
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    return at == 0 or text[at - 1] in "\n|│┃" or ks - at >= 2 or text[ks - 1 : ks] == "\t"


def _lines(text: str, pos: int) -> list[Span]:
    """(start, end) of the lines from ``pos`` on, at most ``_MAX_ROWS`` + 1."""
    out: list[Span] = []
    while pos < len(text) and len(out) <= _MAX_ROWS:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        out.append((pos, end))
        pos = end + 1
    return out


def _columns_below(text: str, start: int, end: int) -> list[Span]:
    line = text[start:end]
    if any(c in line for c in _SEPARATORS):
        return _separated(text, start, end)
    if "  " in line or "\t" in line:
        return _aligned(text, start, end)
    return []


def _masked_cell(name: str, text: str, a: int, b: int) -> Span | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    value = text[a:b]
    return (a, b) if value and is_secret_value(name, value.strip("()"), quoted=True) else None


def _separated(text: str, start: int, end: int) -> list[Span]:
    """``| conn_id | password |`` over a rule line: each row's cell between the same
    separators as the header's name."""
    line = text[start:end]
    cells = _SEPARATOR.split(line)
    names = [c.strip() for c in cells]
    if sum(1 for n in names if n) < 2 or not all(not n or _NAME.fullmatch(n) for n in names):
        return []
    columns = [i for i, n in enumerate(names) if n and credential_key(n)]
    lines = _lines(text, end + 1)
    if not columns or not lines or not _RULE.fullmatch(text, *lines[0]):
        return []
    count = len(cells) - 1
    spans: list[Span] = []
    for a, b in lines[1:]:
        if _RULE.fullmatch(text, a, b) and b > a:
            continue  # a grid's line between rows
        bars = [m.start() for m in _SEPARATOR.finditer(text, a, b)]
        if len(bars) != count:
            break
        edges = [a - 1, *bars, b]
        for i in columns:
            cell = _masked_cell(names[i], text, edges[i] + 1, edges[i + 1])
            if cell is not None:
                spans.append(cell)
    return spans


def _aligned(text: str, start: int, end: int) -> list[Span]:
    """``  conn_id  login  password`` (cells two spaces apart): each row's cell that
    overlaps the header's name, while every row's cells line up with the header's."""
    header = [(start + m.start(), start + m.end()) for m in _CELL.finditer(text[start:end])]
    if len(header) < 2 or not all(_NAME.fullmatch(text, a, b) for a, b in header):
        return []
    columns = [k for k, (a, b) in enumerate(header) if credential_key(text[a:b])]
    if not columns:
        return []
    lines = _lines(text, end + 1)
    if lines and _RULE.fullmatch(text, *lines[0]) and lines[0][1] > lines[0][0]:
        lines = lines[1:]
    spans: list[Span] = []
    for a, b in lines:
        row = [(a + m.start(), a + m.end()) for m in _CELL.finditer(text[a:b].expandtabs(1))]
        under = _under(header, [(x - a + start, y - a + start) for x, y in row])
        if under is None:
            break
        for k in columns:
            x, y = row[under[k]]
            cell = _masked_cell(text[slice(*header[k])], text, x, y)
            if cell is not None:
                spans.append(cell)
    return spans


def _under(header: list[Span], row: list[Span]) -> list[int] | None:
    """For each header cell, the one row cell that overlaps it (both as columns of the
    line); None when the row does not line up (a cell under none but an index first,
    two under one, one under two)."""
    under: list[int] = []
    for ha, hb in header:
        hits = [i for i, (a, b) in enumerate(row) if a < hb and ha < b]
        if len(hits) != 1:
            return None
        under.append(hits[0])
    if len(set(under)) != len(under):
        return None
    spare = set(range(len(row))) - set(under)
    return under if spare <= {0} else None
