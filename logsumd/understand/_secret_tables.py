"""Secrets in a column of tabular output: a ``password`` column under its header.

A pandas ``DataFrame`` print, psql's aligned output, a rich or tabulate table
(``airflow connections list``) put the key in a header row and each value on a
line below it, so no ``key=value`` rule sees them together.  A header row is a
line of column names, one of which is a credential key on its own
(``password``, ``api_key``): with ``|``/``│``/``┃`` between the cells and a rule
line (``---+---``) under it, with two or more spaces between the cells, or
split by tabs or commas (``mysql -B``, ``psql --csv``).  The rows below it, up
to the first line of another shape, have that column's cell masked: found
through the separators, or, in a space-aligned table, as the cell that overlaps
the header's name (pandas aligns right, most tools left).  A header is the first
row of its table: a line that lines up as a row under the line above it (an
``auth_method`` cell that reads ``password``), or that an earlier header read as
its row, is none; so each line is read as a row at most once (linear time).  A
column named for something about a secret (``password_changed_at``,
``prompt_tokens``, a ``pass`` count beside ``fail``) holds none.  One record per
block (psql ``\\x``: ``-[ RECORD 1 ]``, Spark ``show(vertical=True)``) puts
``password | value`` on one line under the record's rule.  Run when a key word is
in the text (see ``_redact``); only the lines that hold one are read as a header.
Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from logsumd.understand._secret_values import (
    KEY_WORDS,
    Span,
    credential_key,
    is_secret_value,
    key_bounds,
    key_words,
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
_NOT_SECRET_COLUMN = frozenset(
    {
        *("at", "on", "date", "time", "timestamp", "ts", "changed", "updated", "created"),
        *("modified", "reset", "age", "days", "tokens", "used", "usage", "set", "rate"),
    }
)
"""Last words of a column named for something about a secret: when it changed, how many
tokens a call used (``password_changed_at``, ``total_tokens``)."""
_OUTCOMES = frozenset({"fail", "failed", "fails", "failures", "skip", "skipped", "error", "errors"})
"""Columns beside which a bare ``pass`` is a count of passed tests."""
_RECORD = re.compile(r"^[ \t]*-(?:\[ RECORD \d+ \]|RECORD \d+)[-+]*[ \t]*\r?$", re.M)
"""The rule that opens a record of psql's expanded display or Spark's vertical show."""
_RECORD_FIELD = re.compile(r"[ \t]*([^\W\d][\w.-]*)[ \t]*[|│][ \t]?(.*?)[ \t]*\r?")
"""``password | value``: a field of such a record."""


def table_columns(text: str, folded: str, words: Sequence[str] = KEY_WORDS) -> list[Span]:
    """The cells under each credential column of the tables in ``text``."""
    spans: list[Span] = []
    if "\n" not in text:
        return spans  # a header needs a row below it
    done = 0  # the end of the last table read: its rows are no headers
    for start, end in _header_lines(text, folded, words):
        if start < done or _row_of_line_above(text, start, end):
            continue
        cells, last = _columns_below(text, start, end)
        spans += cells
        done = max(done, last)
    if "RECORD" in text:
        spans += _record_fields(text)
    return spans


def _header_lines(text: str, folded: str, words: Sequence[str]) -> list[Span]:
    """(start, end) of the lines, in order, that hold a key word as a cell of its own."""
    lines: set[Span] = set()
    for word in words:
        if word not in _KEY_WORDS:
            continue
        line_end = -1  # the end of the last line taken for this word
        at = folded.find(word)
        while at >= 0:
            ks, ke = key_bounds(text, at)
            if (
                ks > line_end
                and _CELL_TAIL.match(text, ke)
                and _cell_start(text, ks)
                and credential_key(text[ks:ke])
            ):
                start = text.rfind("\n", 0, ks) + 1
                line_end = text.find("\n", ke)
                line_end = len(text) if line_end < 0 else line_end
                lines.add((start, line_end))
            at = folded.find(word, max(ke, at + 1))
    return sorted(lines)


_CELL_TAIL = re.compile(r"[ \t]*[|│┃]|  |\t|,|;|[ \t]*(?:\r?\n|\Z)")
"""What ends a cell after a column name: a separator, two spaces, a tab or a comma, the end
of the line (``password=``, ``password authentication`` are no cells)."""


def _cell_start(text: str, ks: int) -> bool:
    """Whether a cell starts at ``ks``: after a separator, two spaces, a tab or a comma, or
    first on its line."""
    at = ks
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    return at == 0 or text[at - 1] in "\n|│┃,;" or ks - at >= 2 or text[ks - 1 : ks] == "\t"


def _lines(text: str, pos: int) -> Iterator[Span]:
    """(start, end) of the lines from ``pos`` on, at most ``_MAX_ROWS`` + 1."""
    for _ in range(_MAX_ROWS + 1):
        if pos >= len(text):
            return
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        yield pos, end
        pos = end + 1


def _line_above(text: str, start: int) -> Span | None:
    """The line above the one at ``start``, past one rule line; None at the text's start."""
    for _ in range(2):
        if start == 0:
            return None
        above = text.rfind("\n", 0, start - 1) + 1
        if not (_RULE.fullmatch(text, above, start - 1) and start - 1 > above):
            return above, start - 1
        start = above
    return None


def _row_of_line_above(text: str, start: int, end: int) -> bool:
    """Whether the line lines up as a row under the line above it (then it is no header)."""
    above = _line_above(text, start)
    if above is None:
        return False
    a, b = above
    line, above_text = text[start:end], text[a:b]
    if any(c in line for c in _SEPARATORS):
        bars = len(_SEPARATOR.findall(line))
        return len(_SEPARATOR.findall(text, a, b)) == bars
    for sep in "\t,;":
        if sep in line and text.count(sep, a, b) == line.count(sep) and sep + " " not in above_text:
            return True  # a CSV row under a CSV row (a command's 'a, b' list is none)
    top = [(x - a, y - a) for x, y in _cells(text, a, b)]
    row = [(x - start, y - start) for x, y in _cells(text, start, end)]
    return len(top) >= 2 and _under(top, row) is not None


def _cells(text: str, a: int, b: int) -> list[Span]:
    return [(a + m.start(), a + m.end()) for m in _CELL.finditer(text[a:b].expandtabs(1))]


def _columns_below(text: str, start: int, end: int) -> tuple[list[Span], int]:
    """The masked cells below a header line, and the end of the last row read."""
    line = text[start:end]
    if any(c in line for c in _SEPARATORS):
        return _separated(text, start, end)
    for sep in "\t,;":
        if sep in line and (sep == "\t" or " " not in line.strip()):
            found = _delimited(text, start, end, sep)
            if found[1] > end:
                return found
    if "  " in line or "\t" in line:
        return _aligned(text, start, end)
    return [], end


def _secret_columns(names: list[str]) -> list[int]:
    """The indexes of the names that are credential columns."""
    lows = {n.lower() for n in names}
    return [i for i, n in enumerate(names) if n and _credential_column(n, lows)]


def _credential_column(name: str, names: set[str]) -> bool:
    words = key_words(name)
    if not credential_key(name) or words[-1] in _NOT_SECRET_COLUMN:
        return False
    return not (words == ["pass"] and names & _OUTCOMES)  # a pass count beside 'fail'


def _masked_cell(name: str, text: str, a: int, b: int) -> Span | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b - a >= 2 and text[a] == text[b - 1] == '"':
        a, b = a + 1, b - 1  # a quoted field of a CSV
    value = text[a:b]
    return (a, b) if value and is_secret_value(name, value.strip("()"), quoted=False) else None


def _separated(text: str, start: int, end: int) -> tuple[list[Span], int]:
    """``| conn_id | password |`` over a rule line: each row's cell between the same
    separators as the header's name."""
    line = text[start:end]
    cells = _SEPARATOR.split(line)
    names = [c.strip() for c in cells]
    if sum(1 for n in names if n) < 2 or not all(not n or _NAME.fullmatch(n) for n in names):
        return [], end
    columns = _secret_columns(names)
    lines = _lines(text, end + 1)
    rule = next(lines, None)
    if not columns or rule is None or not _RULE.fullmatch(text, *rule):
        return [], end
    count, last = len(cells) - 1, rule[1]
    spans: list[Span] = []
    for a, b in lines:
        if _RULE.fullmatch(text, a, b) and b > a:
            last = b
            continue  # a grid's line between rows
        bars = [m.start() for m in _SEPARATOR.finditer(text, a, b)]
        if len(bars) != count:
            break
        last = b
        edges = [a - 1, *bars, b]
        for i in columns:
            cell = _masked_cell(names[i], text, edges[i] + 1, edges[i + 1])
            if cell is not None:
                spans.append(cell)
    return spans, last


def _fields(text: str, a: int, b: int, sep: str) -> list[Span] | None:
    """The fields of a delimited line (a CSV field may be quoted, with ``""`` inside);
    None when a quote does not close before the next delimiter."""
    out: list[Span] = []
    field = _QUOTED_FIELD[sep] if sep != "\t" else None
    while True:
        m = field.match(text, a, b) if field is not None else None
        stop = m.end() if m else text.find(sep, a, b)
        stop = b if stop < 0 else stop
        if m and stop < b and text[stop] != sep:
            return None
        out.append((a, stop))
        if stop >= b:
            return out
        a = stop + 1


_LOG_TIME = re.compile(r".{0,40}?\d\d:\d\d:\d\d,\d{3}\b(?!,)")
_QUOTED_FIELD = {sep: re.compile(rf'"(?:[^"\n]|"")*"(?=[ \t]*(?:{sep}|\r?$))') for sep in ",;"}


def _delimited(text: str, start: int, end: int, sep: str) -> tuple[list[Span], int]:
    """``conn_id<TAB>login<TAB>password`` (``mysql -B``) or ``conn_id,login,password``
    (``psql --csv``): each row's field at the header's index, while every row has as many
    fields as the header."""
    header = _fields(text, start, end, sep) or []
    names = [text[a:b].strip() for a, b in header]
    if len(names) < 2 or not all(_NAME.fullmatch(n) for n in names):
        return [], end
    columns = _secret_columns(names)
    if not columns:
        return [], end
    spans: list[Span] = []
    last = end
    for a, b in _lines(text, end + 1):
        row = _fields(text, a, b, sep)
        if row is None or len(row) != len(header) or _LOG_TIME.match(text, a, b):
            break  # another shape, or a log record ('10:00:00,123 ERROR' has a comma)
        last = b
        for i in columns:
            x, y = row[i]
            cell = _masked_cell(names[i], text, x, y)
            if cell is not None:
                spans.append(cell)
    return spans, last


def _aligned(text: str, start: int, end: int) -> tuple[list[Span], int]:
    """``  conn_id  login  password`` (cells two spaces apart): each row's cell that
    overlaps the header's name, while every row's cells line up with the header's."""
    header = [(start + m.start(), start + m.end()) for m in _CELL.finditer(text[start:end])]
    if len(header) < 2 or not all(_NAME.fullmatch(text, a, b) for a, b in header):
        return [], end
    names = [text[a:b] for a, b in header]
    columns = _secret_columns(names)
    if not columns:
        return [], end
    spans: list[Span] = []
    last = end
    for n, (a, b) in enumerate(_lines(text, end + 1)):
        if n == 0 and _RULE.fullmatch(text, a, b) and b > a:
            last = b
            continue
        row = _cells(text, a, b)
        under = _under(header, [(x - a + start, y - a + start) for x, y in row])
        if under is None:
            break
        last = b
        for k in columns:
            x, y = row[under[k]]
            cell = _masked_cell(names[k], text, x, y)
            if cell is not None:
                spans.append(cell)
    return spans, last


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


def _record_fields(text: str) -> list[Span]:
    """``password | value`` lines under a ``-[ RECORD n ]`` (or ``-RECORD n``) rule."""
    spans: list[Span] = []
    done = 0
    for rule in _RECORD.finditer(text):
        if rule.start() < done:
            continue
        done = rule.end()
        for a, b in _lines(text, rule.end() + 1):
            m = _RECORD_FIELD.fullmatch(text, a, b)
            if m is None:
                break
            done = b
            name = m.group(1)
            if _credential_column(name, set()):
                cell = _masked_cell(name, text, m.start(2), m.end(2))
                if cell is not None:
                    spans.append(cell)
    return spans
