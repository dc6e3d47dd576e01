"""Strip ANSI codes and log prefixes from the lines of an event.

A line may carry log prefixes (Airflow's ``[ts] {file.py:N} INFO - ``, log4j,
Python logging, dbt), possibly nested; :func:`strip_prefix` removes up to two
and keeps the level and source they named.  Used by the trace parser
(:mod:`logsumd.parse._traces`) and the cause-line picker.  Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ANSI_RE", "ERROR_LEVELS", "LogLine", "split_lines", "strip_ansi", "strip_prefix"]

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][AB012]")
_LEVEL = r"TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL"
_TS = (
    r"(?:\d{2,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[T ,]+|\s*)\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?"
    r"(?:\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?|\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)"
)
_PREFIXES = (
    # Airflow: [2024-03-13, 15:19:53 UTC] {taskinstance.py:1776} ERROR - msg
    re.compile(
        rf"^\[[^\]]{{8,40}}\]\s+\{{(?P<src>[^}}]*)\}}\s+(?P<lvl>{_LEVEL})\s+-\s?(?P<msg>.*)$"
    ),
    # Airflow 3 / plain: [2025-05-06 12:00:00] ERROR - msg
    re.compile(rf"^\[[^\]]{{8,40}}\]\s+(?P<lvl>{_LEVEL})\s+-\s?(?P<msg>.*)$"),
    # dbt: 22:59:30.354339 [info ] [MainThread]: msg
    re.compile(rf"^{_TS}\s+\[\s*(?P<lvl>[a-z]+)\s*\]\s+\[[^\]]*\]:\s?(?P<msg>.*)$"),
    # Python logging: 2024-01-01 10:00:00,123 - name - ERROR - msg
    re.compile(rf"^\[?{_TS}\]?\s+-\s+(?P<src>[\w.$-]+)\s+-\s+(?P<lvl>{_LEVEL})\s+-\s?(?P<msg>.*)$"),
    # log4j / Spark / Python: ts [thread] LEVEL logger [] - msg | ts LEVEL Logger: msg
    re.compile(
        rf"^\[?{_TS}\]?\s+(?:\[[^\]]*\]\s+)?\[?(?P<lvl>{_LEVEL})\]?\s*"
        r"(?:(?P<src>[\w.$]+(?:\[[^\]]*\])?)(?:\s+\[[^\]]*\])?\s*(?:-|:)\s|-\s|:\s)?(?P<msg>.*)$"
    ),
    # Python basicConfig: ERROR:root:msg
    re.compile(rf"^(?P<lvl>{_LEVEL}):(?P<src>[\w.]+):(?P<msg>.*)$"),
    # dbt (1.5+): 22:59:30  msg
    re.compile(r"^\d{2}:\d{2}:\d{2}\s\s(?P<msg>.*)$"),
)
ERROR_LEVELS = frozenset({"ERROR", "ERR", "SEVERE", "CRITICAL", "CRIT", "FATAL"})
_PREFIX_FIRST = frozenset("[0123456789" + "".join({w[0] for w in _LEVEL.split("|")}))
"""Every prefix starts with one of these (a bracket, a digit, a level's initial)."""


def strip_ansi(text: str) -> str:
    """``text`` without ANSI colour codes and carriage returns."""
    return ANSI_RE.sub("", text).replace("\r", "")


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of an event with its log prefixes removed."""

    text: str
    level: str | None = None
    source: str | None = None
    prefixed: bool = False


def strip_prefix(line: str) -> LogLine:
    """Remove up to two nested log prefixes from ``line`` (ANSI already removed)."""
    if not line or line[0] not in _PREFIX_FIRST:  # frames, messages: the common case
        return LogLine(line)
    level: str | None = None
    source: str | None = None
    prefixed = False
    for _ in range(2):
        for rx in _PREFIXES:
            m = rx.match(line)
            if m is None:
                continue
            groups = m.groupdict()
            lvl = groups.get("lvl")
            if lvl:
                level = lvl.upper()
            source = groups.get("src") or source
            line = groups["msg"]
            prefixed = True
            break
        else:
            break
    return LogLine(line, level, source, prefixed)


def split_lines(text: str) -> list[LogLine]:
    """The event's lines, ANSI removed and log prefixes stripped."""
    return [strip_prefix(raw) for raw in strip_ansi(text).split("\n")]
