"""Failures stated below ERROR: a killed process, or a failure and its evidenced cause.

Airflow's task runner reports a task the kernel killed at INFO, scripts log what
failed at WARNING, and a pasted or plain-stderr line has no level at all.  Such a
line opens an event when it says, on the line itself:

* (at INFO, WARNING or no level) that a process was **killed**: Airflow's ``Task
  exited with return code -9`` / ``Negsignal.SIGKILL``, ``exited with code 137``
  (any code but 0 and 143, the SIGTERM of a requested stop), ``terminated by
  signal 9``, ``OOMKilled``, the kernel's OOM kill (``out of memory: Killed
  process``, ``Killed process N``), systemd's ``code=killed`` and ``Failed with
  result '...'``, YARN's memory kill (``Container killed by YARN``, a container
  ``running beyond physical memory limits``), a shell's ``Killed``, make's ``*** Error 2``;
* (at WARNING or no level) that something **failed, with its cause after a colon**,
  and the cause holds evidence of an error: an exception's name or repr
  (``failed: ConnectionError(...)``, ``Error: java.net.NoRouteToHostException``)
  or an operating-system, network or HTTP error phrase (``Permission denied``,
  ``404 Client Error: Not Found``, ``port is already allocated``).

A healthy system's routine lines stay out: any other INFO line (a failure logged at
INFO is handled by design), counts and empty values (``Rows failed: 0 (0.00%)``,
``'error': ''``), lines that say the failure will be retried, is ignored or is a
consumer-group rebalance, DEBUG (also when the level is only visible as JSON's
``"log.level": "debug"`` or pino's ``20``, logfmt's ``level=debug``, Celery's
``DEBUG/MainProcess`` or java.util.logging's ``FINE``), and a line a few lines
after an event, in the same minute, whose exceptions that event already named
(its aftermath).  The red team's cases are in ``tests/attack11``.
"""

from __future__ import annotations

import re

from logsumd.assemble._event_buffer import EventBuffer
from logsumd.assemble.multiline import RuleSet
from logsumd.parse import LineInfo, level_rank

__all__ = ["is_aftermath", "states_failure"]

_ERROR_RANK = level_rank("ERROR")
_INFO_RANK = level_rank("INFO")
_WARNING_RANK = level_rank("WARNING")

_CAUSE = (
    r"[^:]{0,100}?:\s+"
    r"(?!-?\d[\d.,]*\s*(?:%|/|of\b|\(|[,;)]|$)"  # a count or a ratio: "failed: 0 (0.00%)"
    r"|(?:none|false|null|ok|n/a)\b|(['\"])\1|[\[{]\s*[\]}])"  # an empty value
    r"(?P<cause>[\w(\"'{\[<-].*)"
)
"""A colon and a cause after it that is neither a count nor an empty value."""
_FAILED = re.compile(r"\b(?:failed|failure|aborted|error|exception)\b" + _CAUSE, re.I)
_EXCEPTION = re.compile(
    r"\b(?:[\w$]+\.)*[A-Z]\w*(?:Error|Exception|Failure)\b|\b[A-Z]\w*(?:Timeout|Refused|Denied)\("
    r"|\b(?:Database|Runtime|Compilation|Parsing|Dependency) Error\s*$"
)
"""An exception's name (``java.io.IOException``) or repr (``ReadTimeout(``), or dbt's
error title ending the line (``Encountered an error while generating catalog: Database
Error``, its message on the indented lines below)."""
_ERROR_PHRASE = re.compile(
    r"\[Errno \d+\]|\b(?:permission|access) denied\b|\bno such file\b|\bdoes not exist\b"
    r"|\bnot found\b|\btimed out\b|\bconnection (?:refused|reset)\b|\bunauthori[sz]ed\b"
    r"|\bforbidden\b|\bquota exceeded\b|\bout of memory\b|\b[45]\d\d (?:Client|Server) Error\b"
    r"|\b(?:bad gateway|service unavailable|internal server error|gateway timeout)\b"
    r"|\bunhealthy\b|\balready allocated\b|\baddress already in use\b"
    # the text of a built-in exception printed without its type (``except Exception
    # as e: print(f"... failed: {e}")``): TypeError, ValueError, NameError, IndexError
    r"|\bis not JSON serializable\b|\bobject is not (?:subscriptable|iterable|callable)\b"
    r"|\bobject has no attribute '|\bunsupported operand type|\bcan ?not accept object\b"
    r"|\binvalid literal for int\(\) with base|\bcould not convert string to float\b"
    r"|\bindex out of range\b|\bdivision by zero\b|\bname '\w+' is not defined\b"
    r"|\bmissing \d+ required positional argument|\btakes \d+ positional arguments? but \d+"
    r"|\bis not iterable\b|\b(?:string|list|tuple) indices must be integers"
    r"|\bExpecting value: line \d+ column|\bmodulo by zero\b|\bunhashable type\b"
    r"|\bdoes not match format '",
    re.I,
)
"""An operating-system, network or HTTP error in the cause, or the text of a built-in
exception."""
_RETRIED = re.compile(
    r"\bretrying\b|\bretry (?:in|attempt)\b|\bwill (?:be )?retr|\b[1-9]\d* attempts? left\b"
    r"|\breconnecting\b|\b(?:attempting|will) reconnect|\bbacking off\b|\bignor(?:ed|ing)\b"
    r"|\bskip(?:ping|ped)\b|\bfalling back\b|\btry(?:ing)? again\b"
    r"|\brebalanc",
    re.I,
)
"""The line says the failure will be retried, or is ignored, skipped or worked around,
or is a consumer-group rebalance ("Max retries exceeded" and "0 attempts left" are the last try)."""
_KILLED = re.compile(
    r"\bexited with return code (?:-\d+|Negsignal\.SIG\w+)"
    r"|\bexited with (?:code|status) (?!0\b|143\b)-?\d+"
    r"|\b(?:terminated|killed) by signal \d+"
    r"|\bOOMKilled\b|\b(?i:out of memory: killed process)\b|\bKilled process \d+"
    r"|\bcode=killed\b|\bFailed with result '[\w-]+'"
    r"|\bContainer killed by YARN for exceeding\b"
    r"|\bis running (?:\d+B )?beyond (?:the )?'?(?i:physical|virtual)'? memory limits?\b"
    r"|(?:^|\d\s+)Killed(?:\s{2,}\S|\s*$)"
    r"|^make(?:\[\d+\])?: \*\*\* .*\bError \d+"
)
_KILL_WORDS = ("kill", "exited with", "by signal", "failed with result", "make", "beyond")
"""One of these is in every line :data:`_KILLED` matches (a cheap test first)."""
_DECORATION = "*`> \t"
"""Markdown around a pasted line (``**...**``, backticks, a quote marker)."""
_SHOWN_LEVEL = re.compile(
    r"\"(?:log\.level|level|levelname|severity)\"\s*:\s*\"?(\w+)"
    r"|\blevel=\"?(\w+)"
    r"|[\[\s:](DEBUG|TRACE|INFO)/\w"
    r"|\s(FINEST|FINER|FINE|CONFIG)\s",
    re.I,
)
"""A level the record parser does not read: JSON (ECS ``log.level``, pino's numbers),
logfmt ``level=debug``, Celery's ``INFO/MainProcess``, java.util.logging's ``FINE``."""
_DEBUG_RANK = level_rank("DEBUG")
_SCAN = 1000
"""Characters of a message searched (a cause may follow a long presigned URL)."""


def _level(li: LineInfo) -> int:
    if li.level:
        return li.level
    shown = _SHOWN_LEVEL.search(li.clean, 0, 300)
    if shown is None:
        return 0
    name = next(g for g in shown.groups() if g)
    if name.isdigit():  # pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error
        n = int(name)
        return _DEBUG_RANK if n < 30 else _INFO_RANK if n < 40 else _WARNING_RANK
    if name.upper() in ("FINEST", "FINER", "FINE", "CONFIG"):
        return _DEBUG_RANK
    try:
        return level_rank(name)
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
    low = msg.lower()
    if any(word in low for word in _KILL_WORDS) and _KILLED.search(msg):
        return True
    if level == _INFO_RANK or _RETRIED.search(msg):
        return False  # at INFO, a failure that is not a kill is handled by design
    stated = _FAILED.search(msg)
    if stated is None:
        return False
    cause = stated.group("cause")
    return _EXCEPTION.search(cause) is not None or _ERROR_PHRASE.search(cause) is not None


AFTERMATH = 5
"""Lines after an event's end in which a failure it names again is its aftermath."""
_MINUTE = re.compile(r".{0,30}?\d\d:\d\d(?=:\d\d)")
_NAMES = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Failure)\b")


def is_aftermath(floor: int, event: EventBuffer | None, lineno: int, li: LineInfo) -> bool:
    """Line ``lineno`` restates the file's last ``event`` (which ended on line
    ``floor - 1``): a few lines on, in the same minute, naming exceptions, all of
    which that event named (Spark's ``ResultStage 3 failed ... due to ...:
    java.lang.Exception`` after the task's trace), or a kill after a kill (Spark's
    ``Lost task ...: ExecutorLostFailure ... Container killed by YARN`` after the
    executor's).  A kill or an OS error after another failure is its own event."""
    if event is None or floor <= 0 or lineno >= floor + AFTERMATH:
        return False
    last = "\n".join(event.lines)
    here, there = _MINUTE.match(li.clean), _MINUTE.match(last)
    if here is not None and there is not None and here.group() != there.group():
        return False
    msg = li.msg[:_SCAN]
    if _KILLED.search(msg) is not None:  # a kill right after the kill it follows from
        return _KILLED.search(last) is not None
    names = set(_NAMES.findall(msg))
    return bool(names) and names <= set(_NAMES.findall(last))
