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
"""

from __future__ import annotations

from dataclasses import replace

from logsumd.assemble._event_buffer import EventBuffer, FileState
from logsumd.assemble.multiline import M_JAVA
from logsumd.parse import K_TB, LineInfo, decode, level_rank, parse
from logsumd.records import Event

__all__ = ["awaits_reraise", "reraises", "resolve", "shows_reraise"]

_MARKERS = ("py4j", "pyspark", "Py4JJavaError", "StreamingQueryException", "AnalysisException")
"""What a Python traceback that re-raises a JVM failure shows: py4j's or pyspark's
frames, or the exception py4j or pyspark raises."""
_ERROR_RANK = level_rank("ERROR")
_TRACEBACK = "Traceback (most recent call last)"
_MESSAGE_HEAD = 24
"""Characters of a Java exception's message that the re-raise must repeat when it does
not name the exception's class."""


def awaits_reraise(buf: EventBuffer) -> bool:
    """The event is a Java trace, which a PySpark driver may re-raise in Python next."""
    return buf.mode == M_JAVA


def reraises(li: LineInfo, held: EventBuffer) -> bool:
    """``li`` begins a Python traceback right after the ``held`` Java trace, or an error
    record that may introduce one (``log.exception("job failed")``)."""
    return (li.kind == K_TB or (li.record and li.level >= _ERROR_RANK)) and awaits_reraise(held)


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
    if java is None or python is None or not shows_reraise(java, python):
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
