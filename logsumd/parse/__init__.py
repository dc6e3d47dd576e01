"""Parsing log text: one model of records, exceptions, frames and links for every step.

:func:`parse` reads a block of log text (an event) into a :class:`Trace`: its
records (each line's prefix, level, source and message), its exceptions with
their message lines, frames (the application frames marked) and chain links.
Classification, fingerprints, condensation and the rule-based summary read that
trace; the assembler asks :func:`parse_line` what each line is, with the same
prefix parser and the same lexicon (one frame pattern, one ANSI pattern, one
exception-name rule, one application-frame rule).
"""

from __future__ import annotations

from logsumd.parse._frames import is_app_frame, module_of
from logsumd.parse._json_body import in_http_message
from logsumd.parse._lexicon import (
    CARET_RE,
    EMBEDDED_EXC_RE,
    FRAME_RE,
    K_BLANK,
    K_CAUSED,
    K_CHAIN,
    K_DBT,
    K_EXC,
    K_INDENT,
    K_JFRAME,
    K_MSGCONT,
    K_OTHER,
    K_PY4J,
    K_PYFRAME,
    K_TB,
    K_THREAD,
    embedded_exception,
    exception_line,
    is_exception_name,
    is_jvm_exception,
    java_header,
    strip_ansi,
    strip_type_prefixes,
)
from logsumd.parse._lineparse import LineInfo, decode, decode_lines, parse_line
from logsumd.parse._model import (
    LINK_CAUSE,
    LINK_CAUSED_BY,
    LINK_CONTEXT,
    LINK_SUPPRESSED,
    LINK_WRAPPED,
    ParsedException,
    Trace,
)
from logsumd.parse._paste import undecorate
from logsumd.parse._records import (
    ERROR_LEVELS,
    Record,
    level_rank,
    parse_record,
    split_record,
)
from logsumd.parse._relay import (
    RELAY_LOGGER,
    RELAY_SOURCES,
    is_relay_source,
    is_relay_status,
    relay_exit_code,
)
from logsumd.parse._trace import parse

__all__ = [
    "CARET_RE",
    "EMBEDDED_EXC_RE",
    "ERROR_LEVELS",
    "FRAME_RE",
    "K_BLANK",
    "K_CAUSED",
    "K_CHAIN",
    "K_DBT",
    "K_EXC",
    "K_INDENT",
    "K_JFRAME",
    "K_MSGCONT",
    "K_OTHER",
    "K_PY4J",
    "K_PYFRAME",
    "K_TB",
    "K_THREAD",
    "LINK_CAUSE",
    "LINK_CAUSED_BY",
    "LINK_CONTEXT",
    "LINK_SUPPRESSED",
    "LINK_WRAPPED",
    "RELAY_LOGGER",
    "RELAY_SOURCES",
    "LineInfo",
    "ParsedException",
    "Record",
    "Trace",
    "decode",
    "decode_lines",
    "embedded_exception",
    "exception_line",
    "in_http_message",
    "is_app_frame",
    "is_exception_name",
    "is_jvm_exception",
    "is_relay_source",
    "is_relay_status",
    "java_header",
    "level_rank",
    "module_of",
    "parse",
    "parse_line",
    "parse_record",
    "relay_exit_code",
    "split_record",
    "strip_ansi",
    "strip_type_prefixes",
    "undecorate",
]
