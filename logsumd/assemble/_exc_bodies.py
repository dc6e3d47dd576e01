"""Exception messages whose body follows the exception line in a known shape (pure).

In a file without record prefixes (a script's stderr) the lines after a Python
exception line are taken only when they are known to be its message.  Two shapes here:

* pydantic's ``ValidationError``: ``N validation errors for Model``, then for each error
  a location line (``db_url``, ``Unit Price``, ``items -> 0 -> price``) and its indented
  reason, which ends on ``[type=...]`` (v2) or ``(type=...)`` (v1); a reason that breaks
  over lines goes on until that mark.  The count bounds the location lines, so the
  program's next output (``Killed``, the next table's name) is not taken.
* an HTTP error's XML body (boto's ``S3ResponseError``, the legacy Azure SDK's
  ``AzureHttpError``): under an exception line that names an HTTP error, lines from an
  ``<?xml``/``<Error>`` line up to ``</Error>``.

The state is the phase integer the rule set carries (:mod:`logsumd.assemble.multiline`).
Red team: ``tests/attack48``.
"""

from __future__ import annotations

import re

from logsumd.parse import K_BLANK, K_INDENT, LineInfo

__all__ = [
    "P_EXC_FIELDS",
    "P_EXC_XML",
    "body_phase",
    "follow_body",
    "in_body",
]

P_EXC_XML = 12
"""After an exception line that names an HTTP error: an XML body may follow."""
P_EXC_XML_BODY = 32
"""Inside the XML body: P_EXC_XML_BODY + n, n lines in."""
XML_LINES = 10
P_EXC_FIELDS = 64
"""Inside pydantic's errors: P_EXC_FIELDS + 8 * (locations still to come) + (lines of a
reason not yet ended on its type mark, 0 when it has ended)."""
FIELDS_MAX = 1_000_000
_OPEN_MAX = 7

_VALIDATION_TITLE = re.compile(r"\b(\d{1,6}) validation errors? for \S[^\n]{0,300}$")
_REASON_END = re.compile(r"[\[(]type=[\w.]+")
_MORE_INFO = re.compile(r"\s*For further information visit ")
_HTTP_ERROR = re.compile(
    r"\b[45]\d\d\b|Http(?:Response)?Error\b|HTTPError\b|ResponseError\b|ErrorCode: \w"
)
_XML_START = re.compile(r"\s*(?:<\?xml |<Error>|<ErrorResponse\b)")
_XML_END = re.compile(r"</Error>|</ErrorResponse>")
_LOCATION_CHARS = 300


def body_phase(message: str) -> int | None:
    """The phase after a plain exception line whose body has a known shape, else None."""
    if (m := _VALIDATION_TITLE.search(message)) is not None:
        return P_EXC_FIELDS + 8 * min(int(m[1]), FIELDS_MAX)
    if _HTTP_ERROR.search(message):
        return P_EXC_XML
    return None


def in_body(phase: int) -> bool:
    """``phase`` is inside (or may open) such a body."""
    return (
        phase == P_EXC_XML
        or P_EXC_XML_BODY <= phase < P_EXC_XML_BODY + XML_LINES
        or P_EXC_FIELDS <= phase <= P_EXC_FIELDS + 8 * FIELDS_MAX + _OPEN_MAX
    )


def _fields(phase: int, li: LineInfo) -> int | None:
    """The next phase when pydantic's error list takes ``li``, else None."""
    left, open_lines = divmod(phase - P_EXC_FIELDS, 8)
    text = li.msg
    more_info = _MORE_INFO.match(text) is not None
    if li.kind == K_INDENT or more_info:
        ended = more_info or _REASON_END.search(text) is not None
        return P_EXC_FIELDS + 8 * left + (0 if ended else 1)
    if open_lines:  # a reason broken over lines, before its type mark
        if _REASON_END.search(text):
            return P_EXC_FIELDS + 8 * left
        return phase + 1 if open_lines < _OPEN_MAX else None
    if left and len(text) <= _LOCATION_CHARS:
        return P_EXC_FIELDS + 8 * (left - 1)  # the next error's location
    return None


def follow_body(phase: int, li: LineInfo) -> tuple[bool, int | None]:
    """(whether the body takes ``li``, the phase after it: None when the body has ended,
    the caller's plain after-the-exception phase).  A line not taken is read as after any
    exception line."""
    if li.kind == K_BLANK or not li.msg.strip():
        return False, None
    if phase >= P_EXC_FIELDS:
        nxt = _fields(phase, li)
        return nxt is not None, nxt
    if phase == P_EXC_XML:
        if not _XML_START.match(li.msg):
            return False, None
        n = 0
    else:
        n = phase - P_EXC_XML_BODY + 1
        if n >= XML_LINES:
            return False, None
    return True, (P_EXC_XML_BODY + n if _XML_END.search(li.msg) is None else None)
