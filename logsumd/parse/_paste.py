"""Logs pasted into an issue, a chat or a test report: the decoration before each line.

A markdown quote (``> ``), pytest's ``E`` column, an inline-code backtick, or the
indentation of a whole block: the parser reads the line behind it, so an event is found
and understood as in the log itself; the event's text keeps the lines as written.
"""

from __future__ import annotations

import re

__all__ = ["undecorate", "unindent"]

_DECORATION = re.compile(
    r"(?:> ?)+(?=\S| )"  # a markdown quote of a pasted log: "> Traceback ..."
    r"|E {7}(?=\S| )"  # pytest's report of the exception: "E       KeyError: 'x'"
    r"|`(?=[^`\s])"  # inline code around a pasted line: "`ERROR TaskSchedulerImpl: ..."
)
_DECORATION_STARTS = frozenset(">E`")
_INDENTED_STAMP = re.compile(
    r"[ \t]+(?=\[?(?:\d{4}-\d\d-\d\d[ T,]|\d\d/\d\d/\d\d \d\d:|\d\d:\d\d:\d\d[.,\s]))"
)


def undecorate(line: str) -> str:
    """``line`` without what pasting it into an issue or a chat added before it: a
    markdown quote, pytest's ``E`` column or an inline-code backtick.  Indentation is
    the line's own (a frame, code, a message's continuation): see :func:`unindent`."""
    if not line or line[0] not in _DECORATION_STARTS:
        return line
    m = _DECORATION.match(line)
    return line if m is None else line[m.end() :]


def unindent(line: str) -> str | None:
    """``line`` without the indentation before a record's time stamp (a pasted block
    indented as a whole: ``    03:32:07  Database Error in model x``), or None.  Only a
    line that no open event continues may be read so (the assembler asks): under a
    record, an indented line that starts with a time is the record's own text (red team
    ``tests/attack35``)."""
    m = _INDENTED_STAMP.match(line) if line[:1] in (" ", "\t") else None
    return None if m is None else line[m.end() :]
