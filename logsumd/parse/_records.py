"""Log records: a line's record prefix (timestamp, level, logger) split from its message.

A *record* is a line that begins with a known log record prefix: Airflow's
``[ts] {file.py:N} LEVEL - ``, log4j and Spark's ``ts [thread] LEVEL logger - ``,
Python logging's ``ts - name - LEVEL - `` and ``LEVEL:name:``, glog's ``E1104 ...]``,
dbt's ``ts [info ] [Thread]: ``, logfmt, or any timestamp followed by a level.
Prefixes can nest: Airflow wraps each line of a child process in its own prefix,
so ``[ts] {spark_submit.py:634} INFO - 24/11/04 13:03:41 ERROR Foo: x`` is an
ERROR record (the innermost level counts) of ``Foo`` whose message is ``x``.

:func:`parse_record` is the one prefix parser: the assembler's line classifier,
the trace parser, the cause-line scorer and the summaries all read its
:class:`Record`.  Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from logsumd.parse._json_records import json_fields
from logsumd.parse._lexicon import ANSI_RE, exception_line, message_kind, strip_ansi
from logsumd.parse._paste import undecorate

__all__ = [
    "ERROR_LEVELS",
    "LEVEL_RANKS",
    "Record",
    "level_rank",
    "parse_record",
    "records_of",
    "split_prefixes",
    "split_record",
]

# Severity ranks; 0 means "no level found".
LEVEL_RANKS: dict[str, int] = {
    "TRACE": 5,
    "DEBUG": 10,
    "INFO": 20,
    "NOTICE": 25,
    "WARN": 30,
    "WARNING": 30,
    "ERR": 40,
    "ERROR": 40,
    "SEVERE": 50,
    "CRIT": 50,
    "CRITICAL": 50,
    "FATAL": 50,
    "ALERT": 50,
    "EMERG": 50,
}
ERROR_LEVELS = frozenset(name for name, rank in LEVEL_RANKS.items() if rank >= 40)
_GLOG_LEVELS = {"I": "INFO", "W": "WARNING", "E": "ERROR", "F": "FATAL"}


_NESTING = 3
"""Most prefixes removed from one line (Airflow around spark-submit around log4j)."""

_LEVEL_WORDS = "|".join(
    sorted((w for w in LEVEL_RANKS if w not in ("ERR", "CRIT")), key=len, reverse=True)
)
"""Level words searched for in free text (``ERR`` and ``CRIT`` only where a format puts them)."""

_TS = (
    r"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:\s?(?:Z|UTC|[+-]\d\d:?\d\d))?"
    r"|\d{4}-\d\d-\d\d, \d\d:\d\d:\d\d(?: [A-Z]{2,5})?"
    r"|\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?"
    r"|\d\d/\d\d/\d\d(?:\d\d)? \d\d:\d\d:\d\d(?:[.,]\d+)?"
    r"|\d{6} \d{6}"
    r"|\d\d:\d\d:\d\d(?:[.,]\d+)?Z?"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)"
)
# What every record prefix below starts with: "[", a digit (a timestamp), a level in
# capitals, a month (syslog), glog's "E1104 ", a source token holding a digit, dot or
# dash before a space (OpenStack's file name, a compose service), logfmt's "key=",
# librdkafka's "%3|".  A cheap gate.
_MAY_START = re.compile(
    r"[A-Z]{3,8}[:\s\]]|[A-Z][a-z]{2} [ \d]\d |[IWEF]\d{4} |(?=[\w.:\-]*[\d.\-])[\w.:\-]*+\s"
    r"|[\w.]+=|%\d\|"
)
# Airflow task logs: [2024-11-04T13:03:41.213+0000] {file.py:634} INFO - message
_AIRFLOW = re.compile(r"\[[^\]]{8,40}\]\s+\{(?P<src>[^{}]*)\}\s+([A-Za-z]+)\s+-(?: ?(.*))?$", re.S)
# logging.basicConfig: ERROR:root:message
_BASIC = re.compile(r"(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL):([^\s:]*):(.*)$", re.S)
# glog: E1104 13:03:41.123456  1234 file.cc:12] message
_GLOG = re.compile(r"([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ ([^\]\s]*)\] ?(.*)$", re.S)
# Level first: "[ERROR] message", "ERROR message", "WARNING: message"
_LEVEL_FIRST = re.compile(r"\[?(" + _LEVEL_WORDS + r")\]?(?::\s|\s)\s*(?:-\s+)?(.*)$", re.S)
# The same inside another prefix, where "ERROR IN CONTACTING RM" is a message, not a level.
_LEVEL_FIRST_INNER = re.compile(
    r"(?:\[(" + _LEVEL_WORDS + r")\]\s|(" + _LEVEL_WORDS + r")(?::\s|\s+-\s))\s*(.*)$", re.S
)
# librdkafka: %3|1711949329.148|FAIL|rdkafka#consumer-1| message (a syslog severity)
_RDKAFKA = re.compile(r"%([0-7])\|\d+\.\d+\|(\w+)\|([^|\s]+)\|\s?(.*)$", re.S)
_SYSLOG_LEVELS = ("EMERG", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG")
# docker compose: "scheduler_1  | message" (a service name with its replica number)
_COMPOSE = re.compile(r"([\w.-]*[-_]\d+)\s+\|\s(.*)$", re.S)
# logfmt: time=... level=error msg="..."
_LOGFMT = re.compile(r'[\w.]+=\S*(?: [\w.]+=(?:"[^"]*"|\S*))*? level=(\w+)\b')
# Timestamp first (optionally after one source token, e.g. OpenStack's file name).
_TS_FIRST = re.compile(r"(?:(?=[\w.:\-]*[\d.\-])[\w.:\-]*+\s)?\[?" + _TS + r"\]?(?=[\s,|\]:\-]|$)")
_LEVEL_IN_REST = re.compile(
    r"(?<![\w\-.=/])(\[\s*)?("
    + _LEVEL_WORDS
    + r"|"
    + _LEVEL_WORDS.lower()
    + r"|Warning|Error|Critical|Fatal|Info|Debug|Warn)(\s*\])?(?![\w\-.=]|/(?![\w-]+\]))"
)
_QUIET_WORDS = frozenset(("info", "debug", "warning", "warn"))
"""Lower-case words of a message that imply no level (an error word does: ``Database Error``)."""


def _in_words(rest: str, at: int, word: str) -> bool:
    """A lower-case ``info``/``debug``/``warning`` at ``rest[at:]`` that follows a word of
    the message (``snapshot info:``), not a field (``stdout F info:``, ``app[web.1]:
    debug:``, ``- app.cache - debug -``): a word, not the record's level."""
    if word not in _QUIET_WORDS:
        return False
    before = rest[:at].split()
    return bool(before) and len(before[-1]) >= 2 and before[-1].isalpha()


# "ts  name - msg" without a level: a runner relaying a child's lines (pipelinewise's taps).
_NAME_ONLY = re.compile(r"\s{1,8}(?P<src>[a-z][\w.-]{0,30}) - ")
# Python logging's "ts - name - LEVEL - msg": the logger comes before the level.
_NAME_BEFORE_LEVEL = re.compile(r"\s*-\s+(?P<src>[\w.$-]+)\s+-\s+$")
# What separates the level from the message; "src" names the logger where there is one.
_AFTER_LEVEL = (
    re.compile(r" - "),
    re.compile(r"\s*\|\s*(?P<src>\S+) - "),
    re.compile(r"\s+\[[^\]]*\]: "),
    re.compile(r"\s+(?:\[[^\]]*\]\s+)?(?P<src>[\w.$]+)(?:\[[^\]]*\])?\s+\[[^\]]*\] - "),
    re.compile(r"\s+\[.*?\] - "),
    re.compile(r"\s+(?:\[[^\]]*\]\s+)?(?P<src>[\w.$]+(?:\[[^\]]*\])?): "),
    re.compile(r"\s+(?P<src>[\w.$]+) - "),
    # log4j's "%p %X{workspace} %C{1.}(%M):%L - ": "ERROR (/tmp/ws/6) LineGobbler(voidCall):69 - "
    re.compile(r"\s+(?:\([^)]*\)\s+)?(?P<src>[\w.$]+\([\w$<>]*\)(?::\d+)?) - "),
    re.compile(r"/(?P<src>[\w-]+)\]\s"),  # Celery: "[ts: ERROR/ForkPoolWorker-2] msg"
    re.compile(r"\s*[:|]\s"),
    re.compile(r"\s"),
)
# Between a timestamp and a level: bracketed fields, and at most two words (pid, logger).
_BRACKETED = re.compile(r"\[[^\]]*\]|\{[^}]*\}|\([^)]*\)")
_PREFIX_WORD = re.compile(r"[^\s\-|:,]+")
_PREFIX_WORDS = 2
# What separates a timestamp from the message ("ts - msg", "ts | msg", dbt's "ts  msg");
# more spaces are the message's own indentation.
_TS_SEP = re.compile(r"(?:\s*[,|\-](?=\s|$))?\s{0,2}")
# After a bracketed level, dbt's thread field: "[info ] [MainThread]: message".
_THREAD_FIELD = re.compile(r"\s*\[[^\]]*\]:\s?")
# Messages of level-less records (dbt console "23:18:11  Database Error in model x").
_ERRORISH_TITLE = re.compile(
    r"\s*(?:(?:[A-Z][a-z]+ )+Error\b|Failure in \w|Encountered an error\b|\d+ of \d+ ERROR\b)"
)


@dataclass(frozen=True, slots=True)
class Record:
    """One line: its record prefix (if any) split from its message, and the message's kind."""

    line: str
    """The line without ANSI codes and ``\\r``."""
    message: str
    """The text after every record prefix (the line itself when it is not a record)."""
    level: str | None = None
    """Upper-case level name that the innermost prefix states (glog's ``E`` is ERROR)."""
    source: str | None = None
    """Logger or ``file.py:N`` of the innermost prefix that names one."""
    prefixed: bool = False
    severity: int = 0
    """Rank of the innermost level, stated by a prefix or implied by a record's message
    (``23:18:11  Database Error in model x``): what the assembler's threshold compares."""

    @property
    def kind(self) -> int:
        """The ``K_*`` kind of :data:`message` (:func:`~logsumd.parse._lexicon.message_kind`)."""
        return message_kind(self.message)

    @property
    def prefix(self) -> str:
        """The record prefixes removed from the line ("" when none)."""
        if not self.prefixed or not self.line.endswith(self.message):
            return ""
        return self.line[: len(self.line) - len(self.message)]


def _level(word: str) -> str | None:
    upper = word.upper()
    if len(upper) == 1:
        return _GLOG_LEVELS[upper]
    return upper if upper in LEVEL_RANKS else None


def _after_level(rest: str, bracketed: bool) -> tuple[str | None, str]:
    """(logger, message) of what follows a level."""
    if bracketed:
        rest = rest[1:] if rest.startswith(" ") else rest
        m = _THREAD_FIELD.match(rest)
        return None, rest[m.end() :] if m else rest
    for sep in _AFTER_LEVEL:
        m = sep.match(rest)
        if m:
            src = m.groupdict().get("src")
            return src, rest[m.end() :]
    return None, rest


def _prefix_like(between: str, loud: bool) -> bool:
    """What lies between a timestamp and a level is prefix (a pid, a logger, a thread).

    A level word in capitals or brackets may follow two such words; ``Error``
    must follow the timestamp directly (``Database Error`` is a message).
    """
    words = _PREFIX_WORD.findall(_BRACKETED.sub(" ", between))
    return len(words) <= (_PREFIX_WORDS if loud else 0)


_Split = tuple[str | None, str | None, str, bool]
"""(level, source, message, whether the prefix states the level or the message implies it)."""


def _after_ts(rest: str) -> str:
    m = _TS_SEP.match(rest)
    return rest[m.end() :] if m else rest


def _json_record(line: str) -> _Split | None:
    """A JSON-lines record (:mod:`logsumd.parse._json_records`): its level, or the level
    its message states (Docker's json-file, a CloudWatch export), logger and message."""
    fields = json_fields(line)
    if fields is None:
        return None
    word, source, message, container = fields
    if "\x1b" in message:  # colours JSON-escaped as \u001b: text like a line's own
        message = ANSI_RE.sub("", message)
    level = _level(word) if word and len(word) > 1 else None
    if level is not None:
        return level, source, message, True
    # a console-rendered record inside the JSON (structlog's ConsoleRenderer, with its
    # colours JSON-escaped as \u001b): its own prefix states the level
    inner = split_record(strip_ansi(message.split("\n", 1)[0])) if message else None
    if inner is None and not container:
        return None
    return (inner[0] if inner else None), source, message, False


def split_record(line: str, inner: bool = False) -> _Split | None:
    """``(level, source, message, stated)`` when ``line`` starts with a record prefix.

    ``stated`` is False when no level field was found and ``level`` is what the
    message implies (``23:18:11  Database Error in model x``).  ``inner``:
    ``line`` is the message of another record, where a level word followed by a
    plain space is text, not a prefix.  None when ``line`` is no record.
    """
    if line[:1] == "{":
        return _json_record(line)
    if not line or not (line[0] == "[" or line[0].isdigit() or _MAY_START.match(line)):
        return None
    m = _AIRFLOW.match(line)
    if m:
        return _level(m.group(2)), m.group(1) or None, m.group(3) or "", True
    m = _BASIC.match(line)
    if m:
        return _level(m.group(1)), m.group(2) or None, m.group(3), True
    m = _GLOG.match(line)
    if m:
        return _level(m.group(1)), m.group(2) or None, m.group(3), True
    m = _RDKAFKA.match(line)
    if m:
        return _SYSLOG_LEVELS[int(m.group(1))], m.group(3), m.group(4), True
    m = _COMPOSE.match(line)
    if m:
        return None, m.group(1), m.group(2), False
    m = _TS_FIRST.match(line)
    if m:
        rest = line[m.end() :]
        lm = _LEVEL_IN_REST.search(rest, 0, 100)
        bracketed = lm is not None and lm.group(3) is not None
        stated = lm is not None and _prefix_like(
            rest[: lm.start()], lm.group(2).isupper() or bracketed
        )
        nm = None if stated else _NAME_ONLY.match(rest)
        if nm is not None:  # "ts  tap - <the tap's line>", a level word in it implied
            return (_level(lm.group(2)) if lm else None), nm["src"], rest[nm.end() :], False
        if lm is not None and not stated and _in_words(rest, lm.start(), lm.group(2)):
            lm = None  # "Failed to write snapshot info: ...": a word, not a level
        if lm is None:
            msg = _after_ts(rest)
            return ("ERROR" if _ERRORISH_TITLE.match(msg) else None), None, msg, False
        if not stated:
            # a level word inside the message ("Database Error in model x", "... 400
            # Client Error: ..."): implied, and the message follows the timestamp
            return _level(lm.group(2)), None, _after_ts(rest), False
        src, msg = _after_level(rest[lm.end() :], bracketed)
        if src is None:
            nm = _NAME_BEFORE_LEVEL.match(rest, 0, lm.start())
            src = nm["src"] if nm else None
        return _level(lm.group(2)), src, msg, True
    if inner:
        m = _LEVEL_FIRST_INNER.match(line)
        if m:
            return _level(m.group(1) or m.group(2)), None, m.group(3), True
    else:
        m = _LEVEL_FIRST.match(line)
        if m:
            return _level(m.group(1)), None, m.group(2), True
    m = _LOGFMT.match(line)
    if m:
        return _level(m.group(1)), None, line, True
    return None


def split_prefixes(line: str) -> tuple[bool, str | None, str | None, str, int]:
    """``(prefixed, level, source, message, severity)``: nested prefixes split off ``line``.

    Up to three prefixes; the innermost level and source that a prefix states
    count, and ``severity`` is the rank of the innermost level, stated or implied.
    An exception line (``ValueError: 2024-01-01 10:00:00 is bad``) is never a record.
    """
    if (
        not line
        or not (line[0] in "[{" or line[0].isdigit() or _MAY_START.match(line))
        or exception_line(line) is not None
    ):
        return False, None, None, line, 0
    level: str | None = None
    source: str | None = None
    severity = 0
    prefixed = False
    msg = line
    for layer in range(_NESTING):
        split = split_record(msg, inner=layer > 0)
        if split is None:
            break
        prefixed = True
        inner_level, inner_source, msg, stated = split
        if inner_level:
            severity = LEVEL_RANKS[inner_level]
            level = inner_level if stated else level
        source = inner_source or source
    return prefixed, level, source, msg, severity


def parse_record(line: str) -> Record:
    """The :class:`Record` of one line (ANSI codes already removed)."""
    bare = undecorate(line)
    if not bare or bare[0] in " \t":
        return Record(line, bare)  # frames, code, message lines: the common case
    prefixed, level, source, msg, severity = split_prefixes(bare)
    return Record(line, msg, level, source, prefixed, severity)


def records_of(text: str) -> list[Record]:
    """The records of ``text``'s lines (ANSI codes already removed); a JSON record's
    message and the traceback it carries become one record and its unprefixed lines."""
    records: list[Record] = []
    for line in text.split("\n"):
        record = parse_record(line)
        if "\n" in record.message:
            head, *rest = record.message.split("\n")
            records += [replace(record, message=head), *(Record(r, r) for r in rest)]
        else:
            records.append(record)
    return records


def level_rank(name: str) -> int:
    """Rank of a configured level name (``WARNING``, ``ERROR``...)."""
    rank = LEVEL_RANKS.get(name.upper())
    if rank is None:
        raise ValueError(f"unknown level {name!r}")
    return rank
