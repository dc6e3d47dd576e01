"""Understanding one log line: record prefix, level, message and kind.

Pure functions on one decoded line.  The assembler calls :func:`parse_line` only
on the slow path (lines a cheap byte prefilter flagged, and lines of an open
event), so clarity wins over speed here.

A *record start* is a line that begins with a known log record prefix (a
timestamp, ``LEVEL:logger:`` of ``logging.basicConfig``, glog's ``E1104``...).
Prefixes can nest: Airflow wraps each line of a child process in its own
prefix, so ``[ts] {spark_submit.py:634} INFO - 24/11/04 13:03:41 ERROR Foo: x``
is an ERROR record (the innermost level counts) whose message is ``x``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Severity ranks; 0 means "no level found".
LEVEL_RANKS: dict[str, int] = {
    "TRACE": 5,
    "DEBUG": 10,
    "INFO": 20,
    "NOTICE": 25,
    "WARN": 30,
    "WARNING": 30,
    "ERROR": 40,
    "SEVERE": 50,
    "CRITICAL": 50,
    "FATAL": 50,
    "ALERT": 50,
    "EMERG": 50,
}

# Kinds of message (what the text after any record prefix looks like).
K_OTHER = 0
K_BLANK = 1
K_TB = 2  # Traceback (most recent call last):  (also exception groups)
K_PYFRAME = 3  # File "x.py", line 3, in f
K_CHAIN = 4  # During handling of the above exception... / The above exception was...
K_JFRAME = 5  # \tat a.b.C.m(C.java:1)  /  ... 12 more  /  ... 3 common frames omitted
K_CAUSED = 6  # Caused by: ...  /  Suppressed: ...
K_PY4J = 7  # ": java.lang.RuntimeException: ..." after a Py4JJavaError line
K_EXC = 8  # an exception line: a.b.SomeError: message  /  KeyboardInterrupt
K_THREAD = 9  # Exception in thread "main" ...
K_DBT = 10  # "Database Error" / "Runtime Error in model x" (dbt's error titles)
K_MSGCONT = 11  # DETAIL:/HINT:/LINE 1:/[SQL: ...]/(Background on this error at: ...)
K_INDENT = 12  # any other line starting with whitespace

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

_LEVEL_WORDS = "|".join(sorted(LEVEL_RANKS, key=len, reverse=True))

_TS = (
    r"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:\s?(?:Z|UTC|[+-]\d\d:?\d\d))?"
    r"|\d{4}-\d\d-\d\d, \d\d:\d\d:\d\d(?: [A-Z]{2,5})?"
    r"|\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?"
    r"|\d\d/\d\d/\d\d(?:\d\d)? \d\d:\d\d:\d\d(?:[.,]\d+)?"
    r"|\d{6} \d{6}"
    r"|\d\d:\d\d:\d\d(?:[.,]\d+)?"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)"
)
# Airflow task logs: [2024-11-04T13:03:41.213+0000] {file.py:634} INFO - message
_AIRFLOW = re.compile(r"\[[^\]]{8,40}\] \{[^{}]*\} ([A-Za-z]+) -(?: (.*))?$", re.S)
# logging.basicConfig: ERROR:root:message
_BASIC = re.compile(r"(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL):([^\s:]*):(.*)$", re.S)
# glog: E1104 13:03:41.123456  1234 file.cc:12] message
_GLOG = re.compile(r"([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]\s]*\] ?(.*)$", re.S)
# Level first: "[ERROR] message", "ERROR message", "WARNING: message"
_LEVEL_FIRST = re.compile(r"\[?(" + _LEVEL_WORDS + r")\]?(?::\s|\s)\s*(.*)$", re.S)
# logfmt: time=... level=error msg="..."
_LOGFMT = re.compile(r'[\w.]+=\S*(?: [\w.]+=(?:"[^"]*"|\S*))*? level=(\w+)\b')
# Timestamp first (optionally after one source token, e.g. OpenStack's file name).
_TS_FIRST = re.compile(r"(?:[\w.:\-]*[\d.\-][\w.:\-]*\s)?\[?" + _TS + r"\]?(?=[\s,|\]:\-]|$)")
_LEVEL_IN_REST = re.compile(
    r"(?<![\w\-.=/])(\[\s*)?("
    + _LEVEL_WORDS
    + r"|"
    + _LEVEL_WORDS.lower()
    + r"|Warning|Error|Critical|Fatal|Info|Debug|Warn)(\s*\])?(?![\w\-.=/])"
)
_AFTER_LEVEL = (
    re.compile(r" - "),
    re.compile(r"\s*\|\s*\S+ - "),
    re.compile(r"\s+\[[^\]]*\]: "),
    re.compile(r"\s+[\w.$]+ \[[^\]]*\] - "),
    re.compile(r"\s+\[.*?\] - "),
    re.compile(r"\s+(?:\[[^\]]*\]\s+)?[\w.$]+: "),
    re.compile(r"\s*[:|]\s"),
    re.compile(r"\s"),
)
# Messages of level-less records (dbt console "23:18:11  Database Error in model x").
_ERRORISH_TITLE = re.compile(
    r"\s*(?:(?:[A-Z][a-z]+ )+Error\b|Failure in \w|Encountered an error\b|\d+ of \d+ ERROR\b)"
)

_TB = re.compile(r"[\s|+]*(?:Exception Group )?Traceback \(most recent call last\):?\s*$")
_PYFRAME = re.compile(r'[\s|]*File "[^"]*", line \d+')
_CHAIN = re.compile(
    r"[\s|]*(?:During handling of the above exception, another exception occurred:"
    r"|The above exception was the direct cause of the following exception:)\s*$"
)
_JFRAME = re.compile(r"\s+at [\w$.<>/\-]+ ?\(|\s*\.\.\. \d+ (?:more|common frames omitted)\s*$")
_CAUSED = re.compile(r"\s*(?:Caused by|Suppressed): \S")
_PY4J = re.compile(r": (?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*")
_EXC = re.compile(
    r"((?:[a-zA-Z_$][\w$]*\.)*(?:[A-Z][\w$]*)?"
    r"(?:Exception|Error|Throwable|Exit|Interrupt|Failure|Fault))(?::\s.*|:)?$",
    re.S,
)
_THREAD = re.compile(r'Exception in thread "[^"]*" ')
_DBT = re.compile(r"\s*>?\s*(?:[A-Z][a-z]+ )+Error(?: in \w.*)?\s*$")
_MSGCONT = re.compile(
    r"\s*(?:DETAIL|HINT|CONTEXT|QUERY|WHERE|STATEMENT|LINE \d+):"
    r"|\[(?:SQL|parameters|generated in)\b"
    r"|\(Background on this error at:"
    r"|Driver stacktrace:"
)
_WEAK = re.compile(r"\b(?:errors?|fail(?:ed|ure|ures|s)?|fatal|exception)\b", re.I)
_JVM_PREFIX = re.compile(
    r"(?:Exception in thread \"[^\"]*\" )?"
    r"(?:java|javax|jdk|sun|org|com|scala|io|net|akka|kotlin|software|py4j)\.[\w$.]+"
)


@dataclass(frozen=True, slots=True)
class LineInfo:
    """What one line is: its text, whether it starts a record, its level and kind."""

    text: str
    """Decoded line, trailing ``\\r`` removed, ANSI codes kept."""
    clean: str
    """``text`` without ANSI escape codes."""
    record: bool
    level: int
    """Rank in :data:`LEVEL_RANKS` of the innermost record level; 0 when none."""
    msg: str
    """The message after every record prefix (the clean line when not a record)."""
    kind: int
    weak: bool
    """The message mentions an error or failure in words."""


def decode(raw: bytes) -> str:
    """Decode a raw line (UTF-8, invalid bytes replaced) without trailing ``\\r``."""
    return raw.decode("utf-8", "replace").rstrip("\r")


def _level_rank(word: str) -> int:
    upper = word.upper()
    if len(upper) == 1:  # glog
        return {"I": 20, "W": 30, "E": 40, "F": 50}[upper]
    return LEVEL_RANKS.get(upper, 0)


def _after_level(rest: str, bracketed: bool) -> str:
    if bracketed:
        return rest[1:] if rest.startswith(" ") else rest
    for sep in _AFTER_LEVEL:
        m = sep.match(rest)
        if m:
            return rest[m.end() :]
    return rest


def _split_record(line: str) -> tuple[int, str] | None:
    """``(level rank, message)`` when ``line`` starts with a record prefix, else None."""
    if not line or line[0] in " \t":
        return None
    m = _AIRFLOW.match(line)
    if m:
        return _level_rank(m.group(1)), m.group(2) or ""
    m = _BASIC.match(line)
    if m:
        return _level_rank(m.group(1)), m.group(3)
    m = _GLOG.match(line)
    if m:
        return _level_rank(m.group(1)), m.group(2)
    m = _TS_FIRST.match(line)
    if m:
        rest = line[m.end() :]
        lm = _LEVEL_IN_REST.search(rest, 0, 100)
        if lm is None:
            msg = rest.lstrip(" ,|-")
            return (40 if _ERRORISH_TITLE.match(msg) else 0), msg
        bracketed = lm.group(3) is not None
        return _level_rank(lm.group(2)), _after_level(rest[lm.end() :], bracketed)
    m = _LEVEL_FIRST.match(line)
    if m:
        return _level_rank(m.group(1)), m.group(2)
    m = _LOGFMT.match(line)
    if m:
        return _level_rank(m.group(1)), line
    return None


def message_kind(msg: str) -> int:
    """Classify a message (or an unprefixed line) into one of the ``K_*`` kinds."""
    if not msg or msg.isspace():
        return K_BLANK
    first = msg[0]
    if first in " \t|+":
        if _PYFRAME.match(msg):
            return K_PYFRAME
        if _JFRAME.match(msg):
            return K_JFRAME
        if _TB.match(msg):
            return K_TB
        if _CAUSED.match(msg):
            return K_CAUSED
        if _CHAIN.match(msg):
            return K_CHAIN
        if _DBT.match(msg):
            return K_DBT
        if _MSGCONT.match(msg):
            return K_MSGCONT
        return K_INDENT if first in " \t" else K_OTHER
    if first == ":":
        return K_PY4J if _PY4J.match(msg) else K_OTHER
    if first == "." and _JFRAME.match(msg):
        return K_JFRAME
    if _TB.match(msg):
        return K_TB
    if _CAUSED.match(msg):
        return K_CAUSED
    if _CHAIN.match(msg):
        return K_CHAIN
    if _THREAD.match(msg):
        return K_THREAD
    if _EXC.match(msg):
        return K_EXC
    if _DBT.match(msg):
        return K_DBT
    if _MSGCONT.match(msg):
        return K_MSGCONT
    return K_OTHER


def is_jvm_exception(msg: str) -> bool:
    """An exception line whose class lives in a JVM package (``java.``, ``org.``...)."""
    return _JVM_PREFIX.match(msg) is not None


def parse_line(raw: bytes) -> LineInfo:
    """Decode and classify one raw line."""
    text = decode(raw)
    clean = ANSI_RE.sub("", text) if "\x1b" in text else text
    record = False
    level = 0
    msg = clean
    # An exception line ("ValueError: 2024-01-01 10:00:00 is bad") is never a record.
    if _EXC.match(clean) is None:
        for _ in range(3):  # nested prefixes: Airflow wrapping spark-submit...
            split = _split_record(msg)
            if split is None:
                break
            record = True
            inner_level, msg = split
            if inner_level:
                level = inner_level
    kind = message_kind(msg)
    weak = kind != K_BLANK and _WEAK.search(msg) is not None
    return LineInfo(text, clean, record, level, msg, kind, weak)


def level_rank(name: str) -> int:
    """Rank of a configured level name (``WARNING``, ``ERROR``...)."""
    rank = LEVEL_RANKS.get(name.upper())
    if rank is None:
        raise ValueError(f"unknown level {name!r}")
    return rank
