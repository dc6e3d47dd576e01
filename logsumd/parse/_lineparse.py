"""Understanding one raw line for the assembler: record prefix, level, message and kind.

The assembler calls :func:`parse_line` only on the slow path (lines a cheap
byte prefilter flagged, and lines of an open event).  It reads a line the way
the trace parser reads the lines of an event: the record prefixes come off with
:func:`~logsumd.parse._records.split_prefixes` and the message is sorted into a
``K_*`` kind by :func:`~logsumd.parse._lexicon.message_kind`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logsumd.parse._advice import is_advice
from logsumd.parse._lexicon import ANSI_RE, K_BLANK, K_MSGCONT, K_OTHER, message_kind
from logsumd.parse._paste import undecorate
from logsumd.parse._plan import is_plan_line
from logsumd.parse._records import split_prefixes
from logsumd.parse._relay import is_relay_source

__all__ = ["LineInfo", "decode", "decode_lines", "parse_line"]

_WEAK = re.compile(r"\b(?:errors?|fail(?:ed|ure|ures|s)?|fatal|exception)\b", re.I)


@dataclass(frozen=True, slots=True)
class LineInfo:
    """What one line is: its text, whether it starts a record, its level and kind."""

    text: str
    """Decoded line, trailing ``\\r`` removed, ANSI codes kept."""
    clean: str
    """``text`` without ANSI escape codes and a paste's decoration (``undecorate``)."""
    record: bool
    level: int
    """Severity rank of the innermost record level (:attr:`Record.severity`)."""
    msg: str
    """The message after every record prefix (the clean line when not a record)."""
    kind: int

    @property
    def weak(self) -> bool:
        """The message mentions an error or failure in words."""
        return self.kind != K_BLANK and _WEAK.search(self.msg) is not None


def decode(raw: bytes) -> str:
    """Decode a raw line (UTF-8, invalid bytes replaced) without trailing ``\\r``."""
    return raw.decode("utf-8", "replace").rstrip("\r")


def decode_lines(raws: list[bytes]) -> tuple[str, ...]:
    """:func:`decode` of each line, in one call (a line never holds ``\\n``)."""
    if not raws:
        return ()
    text = b"\n".join(raws).decode("utf-8", "replace")
    if "\r" not in text:
        return tuple(text.split("\n"))
    return tuple(line.rstrip("\r") for line in text.split("\n"))


def parse_line(raw: bytes) -> LineInfo:
    """Decode and classify one raw line."""
    text = decode(raw)
    clean = undecorate(ANSI_RE.sub("", text) if "\x1b" in text else text)
    if clean[:1] in (" ", "\t"):  # frames, code, message lines: never a record
        return LineInfo(text, clean, False, 0, clean, message_kind(clean))
    record, _, source, msg, severity = split_prefixes(clean)
    head = msg.partition("\n")[0] if "\n" in msg else msg  # a JSON record's lines: its first
    kind = message_kind(head)
    own = kind == K_MSGCONT and record and not is_relay_source(source)
    if own and (is_plan_line(head) or is_advice(head)):
        # Spark prints its plan bare, a library its advice (attack37, attack40): a record
        # of its own saying "Please check ..." is the job's next message
        kind = K_OTHER
    return LineInfo(text, clean, record, severity, msg, kind)
