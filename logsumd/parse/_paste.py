"""Logs pasted into an issue, a chat or a test report: the decoration before each line.

A markdown quote (``> ``), pytest's ``E`` column or an inline-code backtick: the parser
reads the line behind it, so an event is found and understood as in the log itself; the
event's text keeps the lines as written.
"""

from __future__ import annotations

import re

__all__ = ["undecorate"]

_DECORATION = re.compile(
    r"(?:> ?)+(?=\S| )"  # a markdown quote of a pasted log: "> Traceback ..."
    r"|E {7}(?=\S| )"  # pytest's report of the exception: "E       KeyError: 'x'"
    r"|`(?=[^`\s])"  # inline code around a pasted line: "`ERROR TaskSchedulerImpl: ..."
)
_DECORATION_STARTS = frozenset(">E`")


def undecorate(line: str) -> str:
    """``line`` without what pasting it into an issue or a chat added before it: a
    markdown quote, pytest's ``E`` column or an inline-code backtick.  Indentation is
    the line's own (a frame, code, a message's continuation, a record's quoted rows): a
    block pasted with every line indented is not read as records (red teams attack35
    and attack36 showed no line-by-line rule tells it from a record's own text)."""
    if not line or line[0] not in _DECORATION_STARTS:
        return line
    m = _DECORATION.match(line)
    return line if m is None else line[m.end() :]
