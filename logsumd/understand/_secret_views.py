"""Other readings of a text for the secret detectors: look-alike letters, percent-encoding.

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
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
PERCENT_TRIGGERS = ("%40", "%3a", "%3d", "%2f", "%26", "%25")
"""Encoded ``@ : = / & %``: a text without them reads the same decoded, for our rules."""


@dataclass(frozen=True, slots=True)
class View:
    """A reading of a text, and where each of its characters came from in the text."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span_in_source(self, start: int, end: int) -> Span | None:
        """The text's span for the view's ``[start, end)`` (None when empty)."""
        if end <= start:
            return None
        return self.starts[start], self.ends[end - 1]


def _skeleton(text: str) -> View | None:
    """``text`` with each character NFKC-normalised and look-alikes made ASCII."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    changed = False
    for i, c in enumerate(text):
        if c.isascii():
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
            continue
        if _INVISIBLE.match(c):
            changed = True
            continue
        mapped = unicodedata.normalize("NFKC", c).translate(_CONFUSABLE)
        changed = changed or mapped != c
        for m in mapped:
            out.append(m)
            starts.append(i)
            ends.append(i + 1)
    return View("".join(out), tuple(starts), tuple(ends)) if changed else None


def _decoded(text: str) -> View | None:
    """``text`` with ``%XX`` escapes of printable ASCII decoded (twice: ``%2540`` is ``@``)."""
    starts = list(range(len(text)))
    ends = [i + 1 for i in starts]
    current = text
    for _ in range(2):
        out: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        pos = 0
        for m in _PERCENT.finditer(current):
            code = int(m.group(1), 16)
            if not 0x20 <= code < 0x7F:
                continue
            for j in range(pos, m.start()):
                out.append(current[j])
                new_starts.append(starts[j])
                new_ends.append(ends[j])
            out.append(chr(code))
            new_starts.append(starts[m.start()])
            new_ends.append(ends[m.end() - 1])
            pos = m.end()
        if pos == 0:
            break
        for j in range(pos, len(current)):
            out.append(current[j])
            new_starts.append(starts[j])
            new_ends.append(ends[j])
        current, starts, ends = "".join(out), new_starts, new_ends
    return View(current, tuple(starts), tuple(ends)) if current != text else None


def views(text: str, folded: str) -> list[View]:
    """The other readings of ``text`` worth scanning (usually none)."""
    found: list[View] = []
    if not text.isascii() and (skeleton := _skeleton(text)) is not None:
        found.append(skeleton)
    if "%" in text and any(t in folded for t in PERCENT_TRIGGERS):
        decoded = _decoded(text)
        if decoded is not None:
            found.append(decoded)
    return found
