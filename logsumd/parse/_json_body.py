"""A JSON response body printed inside a JVM exception's message (pure).

Google's API clients print the HTTP error as ``GoogleJsonResponseException: 404 Not
Found``, sometimes the request (``GET https://...``), then the response body over many
lines (``{``, indented fields, ``}``), then the frames.  The assembler keeps those lines
in the trace (:func:`in_http_message`); the parser reads the
body's ``"message"`` field as the message (:func:`read_body`) instead of its syntax.
"""

from __future__ import annotations

import json
import re

__all__ = ["REQUEST_LINE_RE", "in_http_message", "opens_body", "read_body"]

_JSON_BRACKETS = re.compile(r"[{}\[\],\s]+$")
"""A line of a JSON body's brackets alone (``{``, ``} ],``): its inner lines are indented."""
REQUEST_LINE_RE = re.compile(r"(?:GET|POST|PUT|PATCH|DELETE|HEAD) https?://\S+\s*$")
"""The request an HTTP client prints before the error response's body."""


def in_http_message(line: str) -> bool:
    """A line of a JVM exception's message, before its frames, that is no frame and no
    indented line: an HTTP client's request line or a JSON body's brackets."""
    return _JSON_BRACKETS.match(line) is not None or REQUEST_LINE_RE.match(line) is not None


_MESSAGE_FIELD = re.compile(r'^\s*"message"\s*:\s*(?P<value>"(?:[^"\\]|\\.)*")\s*,?\s*$')
_BODY_LINES = 200
"""The longest body read; a longer one ends the message there."""


def opens_body(line: str) -> bool:
    """Whether a stripped message line opens a JSON body (``{`` or ``[`` alone)."""
    return line in ("{", "[")


def read_body(texts: list[str], i: int) -> tuple[int, str]:
    """Read the body that opens at ``texts[i]``: the index after its closing line (or
    after the last line it could hold) and its top-level ``"message"`` ("" if none)."""
    depth, message, n = 0, "", min(len(texts), i + _BODY_LINES)
    while i < n:
        s = texts[i].strip()
        if s.startswith("at ") and depth:
            break  # the frames: a body cut short
        opened = s.count("{") + s.count("[") - s.count("}") - s.count("]")
        m = _MESSAGE_FIELD.match(s)
        if m is not None and depth == 1:
            try:
                message = str(json.loads(m["value"]))
            except ValueError:
                message = m["value"].strip('"')
        depth += opened
        i += 1
        if depth <= 0:
            break
    return i, message
