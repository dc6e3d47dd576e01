"""Other readings of a text for the secret detectors: look-alike letters, percent-encoding,
JSON's ``\\u00XX`` escapes.

A key spelt with look-alike characters (``pаssword`` with a Cyrillic ``а``,
fullwidth ``ｐａｓｓｗｏｒｄ``, a zero-width space inside) or a DSN that is
percent-encoded inside a URL (``postgresql%3A%2F%2Fuser%3Apw%40host``) hides
its secret from detectors that read ASCII syntax.  A *view* is the text read
another way (NFKC, then look-alikes mapped to ASCII and invisible characters
dropped; or ``%XX`` decoded) with, for each of its characters, the span of the
text it came from, so that what the detectors find in the view is masked in
the text itself.  The text is never changed otherwise.  A plain ASCII text
without ``%`` escapes has no view and costs two checks.  Pure.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

Span = tuple[int, int]

_CONFUSABLE = str.maketrans(
    "аеорсухіјѕԁԛԝһӏɡАВЕКМНОРСТХУЅІЈԜαεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdqwhlgABEKMHOPCTXYSIJWaeiknoptuxABEZHIKMNOPTYX",
)
"""Cyrillic and Greek letters that look like Latin ones (the common part of Unicode's
confusables list): each maps to its ASCII twin."""
_INVISIBLE = re.compile(
    "[\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e01ef]"
)
"""Characters that show as nothing: dropped from the view (so ``pass\u200bword`` reads
``password``)."""
_PERCENT = re.compile(r"%(?:25)?([0-9A-Fa-f]{2})")
_JSON_ESCAPE = re.compile(r"\\u00([2-7][0-9A-Fa-f])")
"""JSON's ``\\u003c`` for ``<`` (Go's encoders escape ``< > &`` so)."""
PERCENT_TRIGGERS = ("%40", "%3a", "%3d", "%2f", "%26", "%25")
"""Encoded ``@ : = / & %``: a text without them reads the same decoded, for our rules."""


@dataclass(frozen=True, slots=True)
class View:
    """A reading of a text, and where its characters came from in the text.

    ``marks`` are ``(view index, source start, source end)`` of each view
    character that does not come from the source character at the same
    distance from the previous mark (sorted by view index).
    """

    text: str
    marks: tuple[tuple[int, int, int], ...]

    def _source(self, index: int) -> Span:
        at = bisect.bisect_right(self.marks, (index, _BIG, _BIG)) - 1
        if at < 0:
            return index, index + 1
        view, start, end = self.marks[at]
        if view == index:
            return start, end
        pos = end + index - view - 1
        return pos, pos + 1

    def span_in_source(self, start: int, end: int) -> Span | None:
        """The text's span for the view's ``[start, end)`` (None when empty)."""
        if end <= start:
            return None
        return self._source(start)[0], self._source(end - 1)[1]


_BIG = 1 << 62


def skeleton(text: str) -> View | None:
    """``text`` with each character NFKC-normalised and look-alikes made ASCII."""
    out: list[str] = []
    marks: list[tuple[int, int, int]] = []
    for i, c in enumerate(text):
        if c.isascii():
            mapped = c
        elif _INVISIBLE.match(c):
            continue
        else:
            mapped = unicodedata.normalize("NFKC", c).translate(_CONFUSABLE)
        for m in mapped:
            marks.append((len(out), i, i + 1))
            out.append(m)
    view = "".join(out)
    return View(view, tuple(marks)) if view != text else None


def _decoded(text: str, escape: re.Pattern[str] = _PERCENT) -> View | None:
    """``text`` with ``%XX`` escapes of printable ASCII decoded (also ``%25XX``: ``%2540``),
    or the escapes of ``escape`` (JSON's ``\\u003c``)."""
    out: list[str] = []
    marks: list[tuple[int, int, int]] = []
    pos = 0
    size = 0
    for m in escape.finditer(text):
        code = int(m.group(1), 16)
        if not 0x20 <= code < 0x7F:
            continue
        out.append(text[pos : m.start()])
        size += m.start() - pos
        marks.append((size, m.start(), m.end()))
        out.append(chr(code))
        size += 1
        pos = m.end()
    if not marks:
        return None
    out.append(text[pos:])
    return View("".join(out), tuple(marks))


def views(text: str, folded: str) -> list[View]:
    """The other readings of ``text`` worth scanning (usually none)."""
    found: list[View] = []
    if not text.isascii() and (seen := skeleton(text)) is not None:
        found.append(seen)
    if "%" in text and any(t in folded for t in PERCENT_TRIGGERS):
        decoded = _decoded(text)
        if decoded is not None:
            found.append(decoded)
    if "\\u00" in text and (unescaped := _decoded(text, _JSON_ESCAPE)) is not None:
        found.append(unescaped)
    return found
