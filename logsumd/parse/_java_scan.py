"""What the trace parser asks of the lines after a JVM exception's header (pure)."""

from __future__ import annotations

from logsumd.parse._json_body import opens_body, read_body
from logsumd.parse._lexicon import FRAME_RE
from logsumd.parse._record_root import MAX_MESSAGE_LINES, is_cut

__all__ = ["looks_java", "skip_java"]


def skip_java(s: str) -> bool:
    """``... 12 more``, ``... 3 common frames omitted``, ``Driver stacktrace:`` and the
    marker where the assembler cut a long trace (it keeps the head and the tail)."""
    if s == "Driver stacktrace:" or is_cut(s):
        return True
    m = FRAME_RE.match(s)
    return m is not None and m["more"] is not None


def looks_java(texts: list[str], i: int) -> bool:
    """A Java exception header at ``texts[i]`` is followed by ``at`` frames, ``... N
    more``, ``Caused by:`` or the marker of cut lines (the frames the assembler cut),
    within a message's lines; a JSON response body in the message does not count."""
    j, end = i + 1, min(len(texts), i + 1 + MAX_MESSAGE_LINES)
    while j < end:
        s = texts[j].strip()
        if opens_body(s):
            j, _ = read_body(texts, j)
            end = min(len(texts), j + MAX_MESSAGE_LINES)
            continue
        if s.startswith(("at ", "... ")):
            m = FRAME_RE.match(s)
            if m is not None and (m["cls"] is not None or m["more"] is not None):
                return True
        if s.startswith("Caused by:") or is_cut(s):
            return True
        j += 1
    return False
