"""Parsing log text: one line's record prefix and level, and a trace's exceptions and frames.

The assembler asks :func:`parse_line` what each line is; classification,
fingerprints and summaries read the exceptions, frames and log records that
:func:`parse` finds in an event's text.
"""

from __future__ import annotations

from logsumd.parse._exception_lines import (
    ExcRecord,
    format_frame,
    parse_app_frames,
    parse_exceptions,
    strip_type_prefixes,
)
from logsumd.parse._lineparse import (
    K_BLANK,
    K_CAUSED,
    K_CHAIN,
    K_DBT,
    K_EXC,
    K_INDENT,
    K_JFRAME,
    K_MSGCONT,
    K_PY4J,
    K_PYFRAME,
    K_TB,
    K_THREAD,
    LineInfo,
    decode,
    is_jvm_exception,
    level_rank,
    parse_line,
)
from logsumd.parse._traces import (
    EMBEDDED_EXC_RE,
    ERROR_LEVELS,
    JAVA_EXC_RE,
    JAVA_FRAME_RE,
    PY_FRAME_RE,
    LogLine,
    ParsedException,
    Trace,
    embedded_exception,
    parse,
    strip_ansi,
    strip_prefix,
)

__all__ = [
    "EMBEDDED_EXC_RE",
    "ERROR_LEVELS",
    "JAVA_EXC_RE",
    "JAVA_FRAME_RE",
    "K_BLANK",
    "K_CAUSED",
    "K_CHAIN",
    "K_DBT",
    "K_EXC",
    "K_INDENT",
    "K_JFRAME",
    "K_MSGCONT",
    "K_PY4J",
    "K_PYFRAME",
    "K_TB",
    "K_THREAD",
    "PY_FRAME_RE",
    "ExcRecord",
    "LineInfo",
    "LogLine",
    "ParsedException",
    "Trace",
    "decode",
    "embedded_exception",
    "format_frame",
    "is_jvm_exception",
    "level_rank",
    "parse",
    "parse_app_frames",
    "parse_exceptions",
    "parse_line",
    "strip_ansi",
    "strip_prefix",
    "strip_type_prefixes",
]
