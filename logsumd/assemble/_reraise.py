"""A JVM failure and the Python traceback that re-raises it: one failure, one event.

A PySpark driver (``spark-submit app.py``, a notebook, Airflow's spark-submit hook)
prints a failure twice: the JVM logs it as an ``ERROR`` record and its Java trace,
then py4j hands it to Python, which prints a traceback ending in ``Py4JJavaError``
or a ``pyspark`` exception (``StreamingQueryException``, ``AnalysisException``)
that restates the Java one.  Between the two, Spark may log a few lines (the
failed job, a stage, the web UI stopping).  The assembler
(:mod:`logsumd.assemble._assembler`) holds a Java trace for up to
:data:`~logsumd.assemble._airflow.REPORT_GAP` lines, and a Python traceback that
begins in that window joins it, with the lines between: the Java trace names the
cause, the Python traceback the user's line that ran the action.
"""

from __future__ import annotations

from logsumd.assemble._event_buffer import EventBuffer
from logsumd.assemble.multiline import M_JAVA
from logsumd.parse import K_TB, LineInfo

__all__ = ["awaits_reraise", "reraises"]


def awaits_reraise(buf: EventBuffer) -> bool:
    """The event is a Java trace, which a PySpark driver may re-raise in Python next."""
    return buf.mode == M_JAVA


def reraises(li: LineInfo, held: EventBuffer) -> bool:
    """``li`` begins a Python traceback right after the ``held`` Java trace."""
    return li.kind == K_TB and awaits_reraise(held)
