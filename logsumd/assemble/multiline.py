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

from logsumd.assemble._checks import in_checks, opens_checks
from logsumd.assemble._exc_bodies import body_phase, follow_body, in_body
from logsumd.assemble._titles import (
    ends_on_title,
    is_position_line,
    java_titled,
    titled_with_position,
)
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
    exception_line,
    in_http_message,
    is_jvm_exception,
    level_rank,
    strip_ansi,
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
# A plain exception line whose message is empty but for its colon (``MlflowException:``):
# its text is on the lines that follow, up to a blank line, a record, a traceback, a code
# fence or :data:`EXC_BODY_LINES` lines (see :func:`exc_phase`).  P_EXC_BODY + n: n lines in.
P_EXC_OPEN = 8
# An exception line whose message ends on an error's title and a colon (``SQL compilation
# error:``): the one next line is the error's text (see :func:`exc_phase`).
P_EXC_TITLE = 9
# The same for a JVM exception (``SnowflakeSQLException: SQL compilation error:``): its
# text lines come before the frames.
P_JTITLE = 10
# 12, 32-41 and 64 up: bodies of a known shape (pydantic's errors, an HTTP error's XML):
# see :mod:`logsumd.assemble._exc_bodies`.
P_EXC_BODY = 16
EXC_BODY_LINES = 10
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
    """A user pattern sees the line as written (ANSI codes removed, as in Vector), then
    the line behind a paste's decoration and a record's message (red team attack35)."""
    written = strip_ansi(li.text) if "\x1b" in li.text else li.text
    if pattern.search(written) is not None:
        return True
    if li.clean != written and pattern.search(li.clean) is not None:
        return True  # the line behind a paste's decoration
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
    if k == K_DBT or opens_checks(li):
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
        return M_JAVA, P_JTITLE if li is not None and java_titled(li) else P_TRACE
    if li is not None and li.kind == K_DBT:
        return M_GENERIC, P_TITLE
    return M_GENERIC, P_CHECKS if li is not None and opens_checks(li) else P_TRACE


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
    whose message is empty but for its colon (``MlflowException:``), else ``P_EXC``.

    Python prints an exception with an empty message as its bare type, so a type and a
    colon with nothing after them means the message begins with a line break: it is on
    the lines that follow.  A message that ends with a colon after some text (``...
    operation: ``) may just as well be a formatted empty value, with the next step's
    output after it (red team ``tests/attack35``): it takes nothing more, unless that text
    ends on an error's title (:func:`ends_on_title`): then the one next line is the error's
    text (:data:`P_EXC_TITLE`), and what follows it is read as after any exception line (a
    message continuation such as ``[SQL: ...]``, not the next job's output: attack38).
    A body of a known shape (pydantic's errors, an HTTP error's XML) is read by
    :mod:`logsumd.assemble._exc_bodies`."""
    if li.record:
        return P_EXC
    phase = _plain_exc_phase(li)
    if phase == P_EXC and (body := body_phase(li.msg)) is not None:
        return body
    return phase


def _plain_exc_phase(li: LineInfo) -> int:
    if not li.msg.rstrip().endswith(":"):
        titled = titled_with_position(li.msg) and exception_line(li.msg) is not None
        return P_EXC_TITLE if titled else P_EXC
    exc = exception_line(li.msg)
    if exc is None:
        return P_EXC
    message = exc[1].strip(" :")
    if not message:
        return P_EXC_OPEN
    return P_EXC_TITLE if ends_on_title(message) else P_EXC


def in_exc_body(phase: int) -> bool:
    """The event is inside an open exception message (see :data:`P_EXC_OPEN`)."""
    return (
        phase in (P_EXC_OPEN, P_EXC_TITLE)
        or P_EXC_BODY <= phase < P_EXC_BODY + EXC_BODY_LINES
        or in_body(phase)
    )


def past_first_body_line(phase: int) -> bool:
    """The line just taken is an open message's second line or later: the first one is
    always the message (Python printed it after the type), a later one may be the next
    process's failure (red teams attack35 and attack36)."""
    return P_EXC_BODY < phase < P_EXC_BODY + EXC_BODY_LINES


def _exc_body(phase: int, li: LineInfo) -> tuple[bool, int, int] | None:
    """An open exception message's next line; None for a line the message does not take
    (it is then read as after any exception line: a chain, a frame, a new traceback)."""
    if li.kind == K_BLANK:
        return True, M_PYTHON, P_EXC  # the blank line ends the message
    if _FENCE.match(li.msg):
        return False, M_PYTHON, P_EXC  # the end of a pasted code block
    if phase == P_EXC_TITLE:  # the title's one line of text, then as after any message
        if li.kind not in _BODY_KINDS:
            return None
        return True, M_PYTHON, P_EXC_TITLE if is_position_line(li.msg) else P_EXC
    n = 0 if phase == P_EXC_OPEN else phase - P_EXC_BODY + 1
    if li.kind in _BODY_KINDS and n < EXC_BODY_LINES:
        return True, M_PYTHON, P_EXC_BODY + n
    return None


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
            return in_checks(li, first_line), mode, phase
        if k in _TRACE_KINDS:
            if k == K_TB and mode == M_PYTHON and (phase == P_EXC or in_exc_body(phase)):
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
    if mode == M_PYTHON and in_body(phase):
        taken, after = follow_body(phase, li)
        if taken:
            return True, mode, P_EXC if after is None else after
        phase = P_EXC
    if mode == M_PYTHON and in_exc_body(phase):
        body = _exc_body(phase, li)
        if body is not None:
            return body
        phase = P_EXC
    if k == K_BLANK:
        return True, mode, phase
    if mode == M_PYTHON:
        if k in (K_PYFRAME, K_INDENT, K_CHAIN):
            return (True, *_advance(rs, mode, phase, k, False))
        if k == K_TB:
            return phase != P_EXC, mode, phase
        if phase != P_EXC:
            return True, mode, exc_phase(li)
        ok = k in (K_MSGCONT, K_PY4J, K_JFRAME, K_CAUSED)
        return ok, mode, phase
    if mode == M_JAVA:
        if k == K_JFRAME:
            return True, mode, P_JFRAMES
        if k == K_CAUSED:  # another header: its message may hold a body
            return True, mode, P_JTITLE if java_titled(li) else P_TRACE
        if phase == P_JTITLE and k == K_OTHER:  # the title's text, before the frames
            return True, mode, P_JTITLE if is_position_line(li.msg) else P_TRACE
        if k == K_OTHER and phase != P_JFRAMES and in_http_message(li.msg):
            return True, mode, phase  # an HTTP error's request and JSON body (Google APIs)
        return k in (K_INDENT, K_MSGCONT, K_PY4J), mode, phase
    if k in (K_INDENT, K_MSGCONT):
        return True, mode, phase
    if (k == K_TB and rs.python) or (k in (K_JFRAME, K_CAUSED) and rs.java):
        return (True, *_advance(rs, mode, phase, k, False))
    return False, mode, phase
