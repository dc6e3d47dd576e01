"""Failures stated below ERROR: a killed process, or a failure and its evidenced cause.

Scripts and retry loops log what failed at INFO or WARNING, Airflow's task runner
reports a task the kernel killed at INFO, and a pasted or plain-stderr line has no
level at all.  Such a line opens an event when it says, on the line itself:

* that a process was **killed or crashed**: Airflow's ``Task exited with return
  code -9`` / ``Negsignal.SIGKILL``, Docker Compose's ``exited with code 137`` (any
  code but 0 and 143, the SIGTERM of a requested stop), ``OOMKilled``, the kernel's
  ``Out of memory: Killed process``, systemd's ``code=killed`` and ``Failed with
  result '...'``, YARN's ``Container killed by YARN for exceeding memory limits``,
  a shell's ``Killed``, make's ``*** [...] Error 2``;
* or that something **failed, with its cause after a colon**, and the cause holds
  evidence of an error: an exception's name or repr (``failed:
  ConnectionError(...)``, ``Error: java.net.NoRouteToHostException``), or (not at
  INFO) an operating-system, network or HTTP error phrase (``Permission denied``,
  ``404 Client Error: Not Found``, ``timed out``).

A healthy system's routine lines stay out: counts and empty values (``Rows failed:
0 (0.00%)``, ``'error': ''``), lines that say on the same line that they will be
retried or reconnect (``retrying (4 attempts left)``, ``retry in 10 seconds``),
DEBUG (also when the level is only visible as Celery's ``DEBUG/MainProcess`` or a
JSON ``"level": "debug"``), Airflow's ``Task exited with return code 1`` after a
failure it already reported, and a line within a few lines after an event in the
same minute that names the same exception (its aftermath: Spark's ``ResultStage 3
failed ... due to ...: java.lang.Exception``).  The red team's cases are in
``tests/attack11``.
"""

from __future__ import annotations

import re

from logsumd.assemble.multiline import RuleSet
from logsumd.parse import LineInfo, level_rank

__all__ = ["is_aftermath", "states_failure"]

_ERROR_RANK = level_rank("ERROR")
_INFO_RANK = level_rank("INFO")

_CAUSE = (
    r"[^:]{0,100}?:\s+"
    r"(?!-?\d[\d.,]*\s*(?:%|/|of\b|\(|[,;)]|$)"  # a count or a ratio: "failed: 0 (0.00%)"
    r"|(?:none|false|null|ok|n/a)\b|(['\"])\1|[\[{]\s*[\]}])"  # an empty value
    r"(?P<cause>[\w(\"'{\[<-].*)"
)
"""A colon and a cause after it that is neither a count nor an empty value."""
_FAILED = re.compile(r"\b(?:failed|failure|aborted|error|exception)\b" + _CAUSE, re.I)
_EXCEPTION = re.compile(r"\b(?:[\w$]+\.)*[A-Z]\w*(?:Error|Exception|Failure)\b|\b[A-Z]\w+\(")
"""An exception's name (``java.io.IOException``) or repr (``ConnectionError(``)."""
_ERROR_PHRASE = re.compile(
    r"\[Errno \d+\]|\b(?:permission|access) denied\b|\bno such file\b|\bdoes not exist\b"
    r"|\bnot found\b|\btimed out\b|\bconnection (?:refused|reset)\b|\bunauthori[sz]ed\b"
    r"|\bforbidden\b|\bquota exceeded\b|\bout of memory\b|\b[45]\d\d (?:Client|Server) Error\b"
    r"|\b(?:bad gateway|service unavailable|internal server error|gateway timeout)\b",
    re.I,
)
"""An operating-system, network or HTTP error in the cause (not enough at INFO)."""
_RETRIED = re.compile(
    r"\bretrying\b|\bretry (?:in|attempt)\b|\bwill (?:be )?retr|\battempts? left\b"
    r"|\breconnect|\bbacking off\b",
    re.I,
)
"""The line says the failure will be retried ("Max retries exceeded" is the last one)."""
_KILLED = re.compile(
    r"\bexited with return code (?:-\d+|Negsignal\.SIG\w+)"
    r"|\bexited with (?:code|status) (?!0\b|143\b)\d+"
    r"|\bOOMKilled\b|\bOut of memory: Killed process\b|\bcode=killed\b"
    r"|\bFailed with result '[\w-]+'"
    r"|\bContainer killed by YARN for exceeding\b"
    r"|(?:^|\d\s+)Killed(?:\s{2,}\S|\s*$)"
    r"|^make(?:\[\d+\])?: \*\*\* .*\bError \d+"
)
_DECORATION = "*`> \t"
"""Markdown around a pasted line (``**...**``, backticks, a quote marker)."""
_SHOWN_LEVEL = re.compile(
    r"\"(?:level|levelname|severity)\"\s*:\s*\"(\w+)\"|[\[\s:](DEBUG|TRACE|INFO)/\w", re.I
)
"""A level the record parser does not read: JSON logs, Celery's ``INFO/MainProcess``."""
_SCAN = 1000
"""Characters of a message searched (a cause may follow a long presigned URL)."""


def _level(li: LineInfo) -> int:
    if li.level:
        return li.level
    shown = _SHOWN_LEVEL.search(li.clean, 0, 300)
    if shown is None:
        return 0
    try:
        return level_rank(shown.group(1) or shown.group(2))
    except ValueError:
        return 0  # "level": "verbose" and the like


def states_failure(rs: RuleSet, li: LineInfo) -> bool:
    """A line below the threshold (or without a level) states a failure (see the module)."""
    if not rs.generic or rs.threshold > _ERROR_RANK or li.clean[:1] in (" ", "\t"):
        return False  # an indented line is a frame's code or a message's continuation
    level = _level(li)
    if 0 < level < _INFO_RANK:
        return False  # DEBUG and TRACE
    msg = li.msg.strip(_DECORATION)[:_SCAN]
    if _KILLED.search(msg):
        return True
    if _RETRIED.search(msg):
        return False
    stated = _FAILED.search(msg)
    if stated is None:
        return False
    cause = stated.group("cause")
    if _EXCEPTION.search(cause):
        return True
    return level != _INFO_RANK and _ERROR_PHRASE.search(cause) is not None


AFTERMATH = 5
"""Lines after an event's end in which a failure it names again is its aftermath."""
_MINUTE = re.compile(r".{0,30}?\d\d:\d\d(?=:\d\d)")
_NAMES = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Failure)\b")


def is_aftermath(floor: int, last: str, lineno: int, li: LineInfo) -> bool:
    """Line ``lineno`` restates the file's last event (``last``, which ended on line
    ``floor - 1``): a few lines on, in the same minute, naming no exception that
    event did not (Spark's ``ResultStage 3 failed ... due to ...: java.lang.Exception``
    after the task's trace)."""
    if floor <= 0 or lineno >= floor + AFTERMATH:
        return False
    here, there = _MINUTE.match(li.clean), _MINUTE.match(last)
    if here is not None and there is not None and here.group() != there.group():
        return False
    return all(name in last for name in _NAMES.findall(li.msg[:_SCAN]))
