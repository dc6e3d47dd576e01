"""Error titles whose text is on the lines below the exception line (pure).

Snowflake's connectors end the exception line on the error's title (``002003 (42S02):
SQL compilation error:``), sometimes with the error's position (``... error: error line
64 at position 36``), and print the error's own text on the next line, one line per
syntax error.  :mod:`logsumd.assemble.multiline` keeps such a message open for that
text (Python's ``P_EXC_TITLE``, the JVM's ``P_JTITLE``).
"""

from __future__ import annotations

import re

from logsumd.parse import LineInfo

__all__ = ["ends_on_title", "is_position_line", "java_titled", "titled_with_position"]

_ERROR_TITLE = re.compile(
    r"\b(?:SQL )?(?:compilation|syntax|parse|parsing|runtime|access control"
    r"|execution(?: internal)?) error$",
    re.I,
)
"""A message that ends on an error's title (its colon removed)."""
_POSITION = re.compile(r"\s*(?:syntax )?error line \d+ at position \d+\b")
"""Snowflake's position of an error, on its own line before the error's text, or one of
its syntax errors (one line each): the message goes on."""
_TITLE_POSITION = re.compile(r"\berror: (?:syntax )?error line \d+ at position \d+\s*$", re.I)
"""The title with Snowflake's position on the exception line (``SQL compilation error:
error line 64 at position 36``): the error's text is on the next line."""


def ends_on_title(message: str) -> bool:
    """``message`` (its trailing colon removed) ends on an error's title."""
    return _ERROR_TITLE.search(message) is not None


def is_position_line(line: str) -> bool:
    """``line`` is Snowflake's position of an error, or one of its syntax errors."""
    return _POSITION.match(line) is not None


def titled_with_position(line: str) -> bool:
    """``line`` ends on an error's title and Snowflake's position of the error."""
    return _TITLE_POSITION.search(line) is not None


def java_titled(li: LineInfo) -> bool:
    """A JVM exception line (or its ``Caused by:``) that ends on an error's title and a
    colon, or on the title and Snowflake's position: its text is on the next lines."""
    msg = li.msg.rstrip()
    if msg.endswith(":"):
        return ends_on_title(msg[:-1].rstrip())
    return titled_with_position(msg)
