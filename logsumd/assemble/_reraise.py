"""A JVM failure and the Python traceback that re-raises it: one failure, one event.

A PySpark driver (``spark-submit app.py``, a notebook, Airflow's spark-submit hook)
prints a failure twice: the JVM logs it as an ``ERROR`` record and its Java trace,
then py4j hands it to Python, which prints a traceback ending in ``Py4JJavaError``
or a ``pyspark`` exception (``StreamingQueryException``, ``AnalysisException``)
that restates the Java one.  Between the two, Spark may log a few lines (the
failed job, a stage, the web UI stopping).  The assembler
(:mod:`logsumd.assemble._assembler`) holds a Java trace for up to
:data:`~logsumd.assemble._airflow.REPORT_GAP` lines; a Python traceback that begins
in that window is assembled on its own while the Java trace waits, and when it ends
it joins the Java trace, with the lines between, if it re-raised that failure (py4j
or pyspark in it, and the Java exception named again): the Java trace names the
cause, the Python traceback the user's line that ran the action; an error record
just before the traceback (``log.exception``) is part of the re-raise.  Any other
traceback (the driver's own ``KeyError`` after an executor's retried error, a failure
after Hadoop's harmless ``WARN DFSClient`` trace, a caught Spark error and a later
``AnalysisException``) is a failure of its own: both go out as they are.  Red
teams: ``tests/attack4``, ``tests/attack5``.

An Airflow task's error records without a trace (``{load.py:44} ERROR - Transform
failed: X``, an HTTP hook's status) are held the same way for the runner's verdict
that may follow in the same second (``{taskinstance.py:N} ERROR - Task failed with
exception`` and its traceback); when the traceback ends, they join it only if they
stated its failure (its exception's message, or their cause found in it): an error
record of another failure in that second keeps its own alert (red team:
``tests/attack32``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from logsumd.assemble._checks import clock
from logsumd.assemble._event_buffer import EventBuffer, FileState
from logsumd.assemble.multiline import M_GENERIC, M_JAVA, P_TRACE
from logsumd.parse import K_TB, LineInfo, decode, level_rank, parse, parse_record, strip_ansi
from logsumd.records import Event

__all__ = [
    "awaits_next",
    "awaits_reraise",
    "awaits_verdict",
    "reraises",
    "resolve",
    "shows_reraise",
]

_MARKERS = ("py4j", "pyspark", "Py4JJavaError", "StreamingQueryException", "AnalysisException")
"""What a Python traceback that re-raises a JVM failure shows: py4j's or pyspark's
frames, or the exception py4j or pyspark raises."""
_ERROR_RANK = level_rank("ERROR")
_TRACEBACK = "Traceback (most recent call last)"
_MESSAGE_HEAD = 24
"""Characters of a Java exception's message that the re-raise must repeat when it does
not name the exception's class."""


_TASK_RECORD = re.compile(r"\[[^\]]{10,40}\] \{(?P<file>[\w.-]+\.py):\d+\} (?:ERROR|CRITICAL) - ")
"""An error record of an Airflow 2 task log (``[ts] {load.py:44} ERROR - ``)."""
_VERDICT = re.compile(r"\{(?:taskinstance|models)\.py:\d+\} ERROR - Task failed with exception\s*$")
"""Airflow's task runner giving its verdict; its traceback follows."""
VERDICT_SECS = 1.0
"""Most seconds between the task's last held record and the runner's verdict."""
_STATED_CHARS = 12
"""Fewest characters of an exception's message that the held records must hold."""
_CAUSE_CHARS = 8
"""Fewest characters of a held record's cause that the verdict's exception must repeat."""


def awaits_reraise(buf: EventBuffer) -> bool:
    """The event is a Java trace, which a PySpark driver may re-raise in Python next."""
    return buf.mode == M_JAVA


def awaits_verdict(buf: EventBuffer) -> bool:
    """The event is an Airflow task's error records without a trace, which the runner's
    verdict may follow."""
    first = strip_ansi(buf.lines[0]) if buf.lines else ""
    return buf.mode == M_GENERIC and buf.phase == P_TRACE and bool(_TASK_RECORD.match(first))


def awaits_next(buf: EventBuffer) -> bool:
    """A Java trace or an Airflow task's error records: what follows may join it."""
    return awaits_reraise(buf) or awaits_verdict(buf)


def reraises(li: LineInfo, held: EventBuffer) -> bool:
    """``li`` begins a Python traceback right after the ``held`` Java trace, or an error
    record that may introduce one (``log.exception("job failed")``); or it is Airflow's
    verdict in the second of the ``held`` task records."""
    if awaits_verdict(held):
        at, last = clock(li.text), clock(held.lines[-1])
        near = at is not None and last is not None and (at - last) % 86400 <= VERDICT_SECS
        return near and bool(_VERDICT.search(li.clean))
    return (li.kind == K_TB or (li.record and li.level >= _ERROR_RANK)) and awaits_reraise(held)


def states_verdict(records: Event, verdict: Event) -> bool:
    """The held task ``records`` stated the failure of the ``verdict``'s traceback: the
    code that logged one of them is on the traceback's stack (its ``{file.py:N}`` file
    among the frames), and one of the exceptions' messages (its first 40 characters) is
    in them, or a record's cause (after its first colon, at least :data:`_CAUSE_CHARS`)
    is in one of those messages (``HTTP error: Conflict`` and ``409 Client Error:
    Conflict for url``).  A cause alone may be another failure's (``Bad Request``,
    ``timed out``: red team ``tests/attack34``)."""
    lines = strip_ansi(records.text).split("\n")
    files = {m["file"] for m in map(_TASK_RECORD.match, lines) if m is not None}
    trace = parse(verdict.text)
    stack = [f for e in trace.exceptions for f in e.frames] + list(trace.loose_frames)
    if not files & {f.file.replace("\\", "/").rsplit("/", 1)[-1] for f in stack}:
        return False
    messages = [e.message.strip() for e in trace.exceptions]
    if any(len(m) >= _STATED_CHARS and m[:40] in records.text for m in messages):
        return True
    for line in lines:
        _, sep, cause = parse_record(line).message.partition(": ")
        cause = cause.strip()
        if sep and len(cause) >= _CAUSE_CHARS and any(cause in m for m in messages):
            return True
    return False


def shows_reraise(java: Event, python: Event) -> bool:
    """The Python traceback passes on the Java trace's failure: py4j or pyspark in it,
    and one of the Java exceptions named again (its class, or the start of its message:
    ``StreamingQueryException: ... terminated with exception: <the Java message>``)."""
    if _TRACEBACK not in python.text or not any(m in python.text for m in _MARKERS):
        return False
    for exc in parse(java.text).exceptions:
        short = exc.type.rsplit(".", 1)[-1]
        head = exc.message.strip()[:_MESSAGE_HEAD]
        if short in python.text or (len(head) >= _MESSAGE_HEAD and head in python.text):
            return True
    return False


def resolve(st: FileState, python: Event | None, out: list[Event]) -> None:
    """The Python traceback begun after the held Java trace ended: emit them as one event
    when it re-raised the Java failure, else each as it is."""
    held, st.held, st.reraise = st.held, None, False
    java = held.to_event() if held is not None else None
    shows = shows_reraise if held is None or awaits_reraise(held) else states_verdict
    if java is None or python is None or not shows(java, python):
        out += [ev for ev in (java, python) if ev is not None]
        return
    gap = [decode(t[0]) for t in st.held_gap if java.line_end < t[2] < python.line_start]
    out.append(
        replace(
            java,
            line_end=python.line_end,
            offset_end=python.offset_end,
            text="\n".join([java.text, *gap, python.text]),
            last_read_at=python.last_read_at,
            cut_lines=java.cut_lines + python.cut_lines,
        )
    )
