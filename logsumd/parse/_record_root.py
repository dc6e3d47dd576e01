"""The root of an event without a trace: its ERROR record as a pseudo-exception, or the
exception that record's message names (``... failed: KafkaTimeoutError: x``)."""

from __future__ import annotations

import re

from logsumd.parse._lexicon import named_exception
from logsumd.parse._model import ParsedException, make_exception
from logsumd.parse._records import ERROR_LEVELS, Record

__all__ = ["MAX_MESSAGE_LINES", "is_cut", "log_record"]

MAX_MESSAGE_LINES = 12

_SOURCE_FILE = re.compile(r":\d+$")
"""A record source that is a place (``taskinstance.py:1138``, loguru's ``mod:func:31``)."""
_CUT_RE = re.compile(r"\[logsumd: event cut, \d+ lines not shown\]\s*$")


def is_cut(s: str) -> bool:
    """The assembler's marker where it cut lines of a long event (it ends a message)."""
    return s.startswith("[logsumd: event cut") and _CUT_RE.match(s) is not None


_VERDICT = re.compile(r"\s*(?:\d+ checks? failed:|Connection test:(?: \[ERROR\])?)\s*$")
"""dbt debug's verdict and status lines: the reasons after them say what failed."""


def _says(rec: Record) -> bool:
    msg = rec.message
    return bool(msg.strip()) and not (("check" in msg or "test:" in msg) and _VERDICT.match(msg))


def log_record(records: list[Record]) -> ParsedException | None:
    """The first ERROR-level record (or the first line) as a pseudo-exception; past dbt
    debug's verdict (``1 check failed:``) to its first reason."""
    pick = next(
        (k for k, rec in enumerate(records) if rec.level in ERROR_LEVELS and _says(rec)), None
    )
    if pick is None:
        pick = next((k for k, rec in enumerate(records) if _says(rec)), None)
    if pick is None:
        pick = next((k for k, rec in enumerate(records) if rec.level in ERROR_LEVELS), None)
    if pick is None:
        pick = next((k for k, rec in enumerate(records) if rec.message.strip()), None)
    if pick is None:
        return None
    rec = records[pick]
    parts = [rec.message.strip()]
    for nxt in records[pick + 1 : pick + MAX_MESSAGE_LINES]:
        if not nxt.message.strip() or (nxt.prefixed and not nxt.message[:1].isspace()):
            break  # unprefixed lines and records indented under it continue its message
        if is_cut(nxt.message.strip()):
            break
        parts.append(nxt.message.strip())
    message = " ".join(parts)
    named = named_exception(message)
    if named is not None:
        return make_exception(named[0], [named[1]], (), "log", line=pick)
    src = rec.source if rec.source and not _SOURCE_FILE.search(rec.source) else None
    etype = src or rec.level or "ERROR"
    return make_exception(etype, parts, (), "log", line=pick)
