"""Multiline rule sets: which lines start an error event and which continue it.

Built-in rule sets (``settings.rules``; ``auto`` means all three):

* ``python``: a ``Traceback (most recent call last):`` (also exception groups)
  starts an event, together with the log record that introduced it; frames,
  code and caret lines, chained exceptions, the final exception line and its
  multi-line message (psycopg2 ``DETAIL:``/``HINT:``, SQLAlchemy ``[SQL: ...]``)
  continue it.  A bare exception line (``KeyError: 'x'``) starts one too, and so
  does IPython's traceback (Jupyter, papermill: ``KeyError    Traceback (most
  recent call last)``, ``Cell In[4], line 3``, ``----> 3 ...``).
* ``java``: an exception line of a JVM class, ``\\tat`` frames, ``Caused by:``,
  ``Suppressed:``, ``... N more``, Py4J's ``: java.lang...`` line.
* ``generic``: a record at or above ``settings.level``, dbt's error titles
  (``Database Error``), a record whose message reports a failure and
  announces details (``... failed for the following reason:``) followed by
  unprefixed lines, and a line below the level that states a killed process or
  a failure with evidence of its cause (:mod:`logsumd.assemble._stated`);
  continuation lines are those that do not start a record.

Rules match the message after any record prefix, so traces whose every line
carries a prefix (Airflow wrapping spark-submit) group too.  User rules
(:class:`UserRule`) follow Vector's ``line_agg`` modes and are tried first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logsumd.config import BUILTIN_RULESETS, MULTILINE_MODES, MultilineSettings, UserRule
from logsumd.parse import (
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
    LineInfo,
    in_http_message,
    is_jvm_exception,
    level_rank,
    parse_record,
)

PYTHON = "python"
JAVA = "java"
GENERIC = "generic"

# Modes of an open event: how its next lines are judged.
M_GENERIC = 0
M_PYTHON = 1
M_JAVA = 2
M_USER = 3
MODE_RULE = {M_GENERIC: GENERIC, M_PYTHON: PYTHON, M_JAVA: JAVA}

# Phases of a Python traceback.
P_TRACE = 0  # inside frames: the next column-0 line is the exception line
P_EXC = 1  # after the exception line: only its message continues
P_WTRACE = 2  # inside frames whose lines carry a record prefix (wrapped traceback)
# Phases of a title that announces a message (dbt's "Database Error in model x (path)")
# in plain text: its message lines follow, perhaps after a blank line, and after one
# more blank line only dbt's "compiled Code at ..." still belongs to it.
P_TITLE = 3  # the title, no message line yet
P_TITLE_BODY = 4  # inside the message
P_TITLE_GAP = 5  # after a blank line that followed the message
# A JVM trace's phases: P_TRACE until its first frame, then P_JFRAMES (a JSON body
# belongs between a header and its frames, not after them).
P_JFRAMES = 6
# dbt debug's failed checks: the reasons that follow are one event (see ``_CHECKS``).
P_CHECKS = 7
# A plain exception line whose message ends with a colon (``MlflowException:``, botocore's
# ``...GetWorkGroup operation: ``): its text is on the lines that follow, up to a blank
# line, a record, a traceback or :data:`EXC_BODY_LINES` lines.  P_EXC_BODY + n: n lines in.
P_EXC_OPEN = 8
P_EXC_BODY = 16
EXC_BODY_LINES = 10
_EXC_PHASES = frozenset((P_EXC, P_EXC_OPEN, *range(P_EXC_BODY, P_EXC_BODY + EXC_BODY_LINES)))
_BODY_KINDS = frozenset((K_OTHER, K_INDENT, K_MSGCONT))

_JAVA_KINDS = frozenset((K_JFRAME, K_CAUSED, K_THREAD, K_PY4J))
_TRACE_KINDS = frozenset((K_TB, K_PYFRAME, K_CHAIN, K_INDENT, K_MSGCONT, K_BLANK)) | _JAVA_KINDS

# Lower-case byte strings; a line holding none of them cannot start an event
# (with the built-in rules), so the assembler skips it without decoding.
_BASE_TOKENS = (
    b"error",
    b"exception",
    b"fatal",
    b"critical",
    b"severe",
    b"fail",
    b"traceback",
    b"\tat ",
    b"exited with",  # "Task exited with return code -9": killed by a signal
    b"killed",  # "OOMKilled", "Killed process 4211", "Container killed by YARN ..."
)
# Each token costs one pass of bytes.find over every chunk: "HTTP 503 at ..." and
# "404 Not found: ..." without "error" or "fail" are not worth two more passes (+10%
# of the assembler's time); they are caught when the line holds another token.
_JAVA_TOKENS = (b"  at ",)


@dataclass(frozen=True, slots=True)
class CompiledUserRule:
    """A :class:`UserRule` with its patterns compiled."""

    name: str
    start: re.Pattern[str]
    condition: re.Pattern[str]
    mode: str
    negate: bool

    def starts(self, li: LineInfo) -> bool:
        """The start pattern matches the line or, for a record, its message."""
        return _search(self.start, li)

    def holds(self, li: LineInfo) -> bool:
        """The condition pattern matches (inverted when ``negate``)."""
        return _search(self.condition, li) != self.negate


def _search(pattern: re.Pattern[str], li: LineInfo) -> bool:
    if pattern.search(li.clean) is not None:
        return True
    return li.record and pattern.search(li.msg) is not None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The enabled rule sets, the level threshold and the user rules."""

    python: bool
    java: bool
    generic: bool
    threshold: int
    users: tuple[CompiledUserRule, ...]
    tokens: tuple[bytes, ...]
    """Prefilter: lower-case byte strings of which an event-starting line holds one."""


def _compile(pattern: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{what}: invalid regex {pattern!r}: {exc}") from exc


def compile_user_rule(rule: UserRule) -> CompiledUserRule:
    """Compile one user rule; ValueError names the rule and the bad part."""
    if rule.mode not in MULTILINE_MODES:
        raise ValueError(f"user rule {rule.name!r}: unknown mode {rule.mode!r}")
    return CompiledUserRule(
        name=rule.name,
        start=_compile(rule.start_pattern, f"user rule {rule.name!r} start_pattern"),
        condition=_compile(rule.condition_pattern, f"user rule {rule.name!r} condition_pattern"),
        mode=rule.mode,
        negate=rule.negate,
    )


def compile_rules(settings: MultilineSettings) -> RuleSet:
    """Resolve ``settings.rules`` and compile the user rules."""
    names: set[str] = set()
    for name in settings.rules:
        if name == "auto":
            names.update(BUILTIN_RULESETS)
        elif name in BUILTIN_RULESETS:
            names.add(name)
        else:
            raise ValueError(f"unknown rule set {name!r}")
    threshold = level_rank(settings.level)
    tokens = _BASE_TOKENS + (_JAVA_TOKENS if JAVA in names else ())
    if threshold <= 30:
        tokens += (b"warn",)
    return RuleSet(
        python=PYTHON in names,
        java=JAVA in names,
        generic=GENERIC in names,
        threshold=threshold,
        users=tuple(compile_user_rule(r) for r in settings.custom),
        tokens=tokens,
    )


def strong_rule(rs: RuleSet, li: LineInfo) -> str | None:
    """The rule set a line's message starts an event for, whatever its level."""
    k = li.kind
    if k == K_TB:
        return PYTHON if rs.python else None
    if k in _JAVA_KINDS:
        return JAVA if rs.java else None
    if k == K_EXC:
        if rs.java and (is_jvm_exception(li.msg) or not rs.python):
            return JAVA
        return PYTHON if rs.python else None
    if k == K_DBT or _opens_checks(li):
        return GENERIC if rs.generic else None
    return None


def announces_failure(rs: RuleSet, li: LineInfo) -> bool:
    """A line that reports a failure and announces details (``... failed:``)."""
    return rs.generic and li.msg.rstrip().endswith(":") and li.weak


def rule_mode(rule: str, li: LineInfo | None = None) -> tuple[int, int]:
    """Initial (mode, phase) of an event started by ``rule`` on the line ``li``."""
    if rule == PYTHON:
        if li is not None and li.kind == K_EXC:
            return M_PYTHON, exc_phase(li)  # a bare exception line: its message may follow
        return M_PYTHON, P_WTRACE if li is not None and li.record else P_TRACE
    if rule == JAVA:
        return M_JAVA, P_TRACE
    if li is not None and li.kind == K_DBT:
        return M_GENERIC, P_TITLE
    return M_GENERIC, P_CHECKS if li is not None and _opens_checks(li) else P_TRACE


_INFO_RANK = level_rank("INFO")
_CHECKS = re.compile(r"\s*(?:\d+ checks? failed:|Connection test: \[ERROR\])\s*$")
"""dbt debug's verdict (``2 checks failed:``, ``Connection test: [ERROR]``), an INFO
record: the reasons it gives next, in INFO records and unprefixed lines (``Profile loading
failed for the following reason:``, ``Runtime Error``, the database's message, the docs
link), are one failure."""
_CHECKS_END = re.compile(
    r"\s*(?:Command `dbt|Resource report|Command exited with return code|Finished running)"
)
"""What dbt (or Airflow's subprocess hook around it) prints once the reasons are done."""


_CHECK_FAILED = "Connection test: [ERROR]"
"""dbt's console shape (``09:14:02    Connection test: [ERROR]``) reads as an ERROR
record with no message: the line's end says what it is."""
_STATUS = re.compile(r"\[(?:ERROR|OK)\b[^\]\n]{0,40}\]\s*$")
"""A check's status (``profiles.yml file [ERROR invalid]``), read as a level in the
console shape: one of the reasons, not a failure of its own."""
_CLOCK = re.compile(r"(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?")
CHECKS_SECS = 1.5
"""dbt prints the verdict and its reasons at once: a record later than this is not one."""


def _opens_checks(li: LineInfo) -> bool:
    msg = li.msg
    if li.record and ("check" in msg or "test: [" in msg) and _CHECKS.match(msg) is not None:
        return True
    return li.record and not msg.strip() and li.clean.rstrip().endswith(_CHECK_FAILED)


_STAMP = re.compile(r".{0,30}?\d\d:\d\d:\d\d")


def same_second(first_line: str, li: LineInfo) -> bool:
    """``li`` is stamped with the same second as ``first_line`` (up to its seconds)."""
    stamp = _STAMP.match(li.text)
    return stamp is not None and first_line.startswith(stamp.group())


JSON_TIME_KEYS = "(?:ts|timestamp|time|@timestamp|asctime)"
"""The keys of a JSON record's time field."""
_JSON_CLOCK = re.compile(
    rf'"{JSON_TIME_KEYS}"\s*:\s*"[^"]{{0,20}}?' r"(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?"
)
"""The time of a JSON record (``dbt --log-format json``'s ``ts``, its last field)."""


def clock(text: str) -> float | None:
    """Seconds of the day of the first ``HH:MM:SS[.ffffff]`` in the line's prefix, or of
    a JSON record's time field."""
    m = _CLOCK.search(text, 0, 80)
    if m is None or text.lstrip().startswith("{"):
        m = _JSON_CLOCK.search(text) or m
    if m is None:
        return None
    frac = float(f"0.{m.group(4)}") if m.group(4) else 0.0
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + frac


def _in_checks(li: LineInfo, first_line: str) -> bool:
    """A record goes on with dbt debug's reasons: at INFO or without a level (or a check's
    status the console shape reads as a level), from the verdict's logger, printed within
    :data:`CHECKS_SECS` of it (or with no time of its own).  DEBUG, a warning or worse, a
    traceback or exception, another logger, a later time and the command's end close
    them: a job that goes on logging after ``dbt debug`` does not feed the event, and a
    second failure is its own (red team: ``tests/attack26``)."""
    if _CHECKS_END.match(li.msg) is not None or li.kind in (K_TB, K_EXC, K_THREAD):
        return False
    if li.level not in (0, _INFO_RANK) and _STATUS.search(li.clean) is None:
        return False
    verdict = parse_record(first_line)
    source = parse_record(li.clean).source
    named = not li.text.lstrip().startswith("{")  # a JSON record's name is per message
    if named and source and verdict.source and source != verdict.source:
        return False
    at, start = clock(li.text), clock(first_line)
    if at is None:
        return bool(source) and source == verdict.source
    # modulo 12 hours: a 12-hour clock goes from 12:59:59 to 01:00:00
    return start is not None and (at - start) % 43200 <= CHECKS_SECS


_FENCE = re.compile(r"\s*(?:```+|~~~+)[\w+-]*\s*$")
"""A markdown code fence (a line of its own: Python 3.11's ``~~~^^^`` markers are none)."""
_COMPILED = re.compile(r"\s*compiled (?:Code|SQL) at ")


def _title_block(phase: int, li: LineInfo) -> tuple[bool, int, int]:
    """Does an unprefixed line continue a title's message (see ``P_TITLE``)?"""
    if _FENCE.match(li.msg):
        return False, M_GENERIC, phase  # the end of a pasted code block
    if li.kind == K_BLANK:
        if phase == P_TITLE_GAP:
            return False, M_GENERIC, phase
        return True, M_GENERIC, P_TITLE_GAP if phase == P_TITLE_BODY else phase
    if phase == P_TITLE_GAP and not _COMPILED.match(li.msg):
        return False, M_GENERIC, phase
    return True, M_GENERIC, P_TITLE_BODY


def exc_phase(li: LineInfo) -> int:
    """The phase after the exception line ``li``: :data:`P_EXC_OPEN` when it is plain text
    whose message ends with a colon (the message is on the next lines), else ``P_EXC``."""
    return P_EXC_OPEN if not li.record and li.msg.rstrip().endswith(":") else P_EXC


def _exc_body(phase: int, li: LineInfo) -> tuple[bool, int, int]:
    """An open exception message's next line (see :data:`P_EXC_OPEN`)."""
    if li.kind == K_BLANK:
        return True, M_PYTHON, P_EXC  # the blank line ends the message
    if _FENCE.match(li.msg):
        return False, M_PYTHON, P_EXC  # the end of a pasted code block
    n = 0 if phase == P_EXC_OPEN else phase - P_EXC_BODY + 1
    if li.kind in _BODY_KINDS and n < EXC_BODY_LINES:
        return True, M_PYTHON, P_EXC_BODY + n
    return follow_exc(li, P_EXC)


def _advance(rs: RuleSet, mode: int, phase: int, k: int, wrapped: bool) -> tuple[int, int]:
    """(mode, phase) after a line of kind ``k`` joined the event."""
    if k in (K_TB, K_CHAIN):
        new_mode = M_PYTHON if mode == M_GENERIC and rs.python else mode
        return new_mode, P_WTRACE if wrapped else P_TRACE
    if k in _JAVA_KINDS:
        return (M_JAVA if mode == M_GENERIC and rs.java else mode), phase
    if k in (K_PYFRAME, K_INDENT, K_MSGCONT, K_BLANK):
        return mode, phase
    return mode, P_EXC if mode == M_PYTHON else phase


def follow_exc(li: LineInfo, phase: int) -> tuple[bool, int, int]:
    """A plain line after a Python exception line and its message: only the message's
    continuations (``DETAIL:``, py4j's ``: java...``, a JVM frame, ``Caused by``)."""
    return li.kind in (K_MSGCONT, K_PY4J, K_JFRAME, K_CAUSED), M_PYTHON, phase


def follow(
    rs: RuleSet, mode: int, phase: int, lenient: bool, li: LineInfo, first_line: str = ""
) -> tuple[bool, int, int]:
    """Does ``li`` continue an open built-in event?  Returns (continues, mode, phase).

    ``lenient``: the file has record prefixes, so every unprefixed line belongs to
    the record before it.  ``first_line``: the event's first line (its second bounds
    dbt debug's reasons).  Otherwise (plain stderr) only lines that look like
    part of a trace or of an exception message continue.
    """
    k = li.kind
    if li.record:
        if mode == M_GENERIC and phase == P_CHECKS:
            return _in_checks(li, first_line), mode, phase
        if k in _TRACE_KINDS:
            if k == K_TB and mode == M_PYTHON and phase in _EXC_PHASES:
                return False, mode, phase  # a second traceback: a new event
            return (True, *_advance(rs, mode, phase, k, True))
        if mode == M_PYTHON and phase == P_WTRACE:
            return True, mode, P_EXC  # the exception line of a wrapped traceback
        if k in (K_EXC, K_DBT) and mode != M_PYTHON:
            return True, mode, phase
        return False, mode, phase
    if lenient:
        return (True, *_advance(rs, mode, phase, k, False))
    if mode == M_GENERIC and P_TITLE <= phase <= P_TITLE_GAP:
        return _title_block(phase, li)
    if mode == M_PYTHON and phase in _EXC_PHASES and phase != P_EXC:
        return _exc_body(phase, li)
    if k == K_BLANK:
        return True, mode, phase
    if mode == M_PYTHON:
        if k in (K_PYFRAME, K_INDENT, K_CHAIN):
            return (True, *_advance(rs, mode, phase, k, False))
        if k == K_TB:
            return phase != P_EXC, mode, phase
        if phase != P_EXC:
            return True, mode, exc_phase(li)
        return follow_exc(li, phase)
    if mode == M_JAVA:
        if k == K_JFRAME:
            return True, mode, P_JFRAMES
        if k == K_CAUSED:
            return True, mode, P_TRACE  # another header: its message may hold a body
        if k == K_OTHER and phase != P_JFRAMES and in_http_message(li.msg):
            return True, mode, phase  # an HTTP error's request and JSON body (Google APIs)
        return k in (K_INDENT, K_MSGCONT, K_PY4J), mode, phase
    if k in (K_INDENT, K_MSGCONT):
        return True, mode, phase
    if (k == K_TB and rs.python) or (k in (K_JFRAME, K_CAUSED) and rs.java):
        return (True, *_advance(rs, mode, phase, k, False))
    return False, mode, phase
