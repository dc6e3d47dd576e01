"""The trace model: what :func:`~logsumd.parse._trace.parse` finds in a block of log text.

A :class:`Trace` holds the block's records (each line's prefix, level, source and
message), its exceptions in printed order with the chain order (root cause
first), and the frames of tracebacks cut before their exception line.  Each
:class:`ParsedException` has its type, message lines, frames (innermost first),
the frames that are application code, and its link to the exception printed
before it.  Frozen dataclasses; pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from logsumd.parse._frames import is_app_frame
from logsumd.parse._records import Record
from logsumd.records import Frame

__all__ = [
    "LINK_CAUSE",
    "LINK_CAUSED_BY",
    "LINK_CONTEXT",
    "LINK_SUPPRESSED",
    "LINK_WRAPPED",
    "MAX_APP_FRAMES",
    "ParsedException",
    "Trace",
    "make_exception",
]

MAX_APP_FRAMES = 5

LINK_CAUSE = "cause"
"""Python: "The above exception was the direct cause of the following exception"."""
LINK_CONTEXT = "context"
"""Python: "During handling of the above exception, another exception occurred"."""
LINK_CAUSED_BY = "caused_by"
"""JVM: ``Caused by:``."""
LINK_SUPPRESSED = "suppressed"
"""JVM: ``Suppressed:``."""
LINK_WRAPPED = "wrapped"
"""Py4J: the Java exception printed as ``: java...`` under a ``Py4JJavaError``; papermill:
the notebook's traceback printed in a ``PapermillExecutionError``'s message."""


@dataclass(frozen=True, slots=True)
class ParsedException:
    """One exception found in the text; ``frames`` innermost (where raised) first."""

    type: str
    message: str
    """The message lines joined by spaces."""
    frames: tuple[Frame, ...]
    lang: str
    """``python``, ``java``, ``dbt`` or ``log`` (an ERROR record without a trace)."""
    depth: int = 0
    suppressed: bool = False
    line: int = 0
    """Index (in the event's lines) of the line that names the exception."""
    message_lines: tuple[str, ...] = ()
    link: str = ""
    """How it follows the exception printed before it (``LINK_*``; "" for the first)."""

    @property
    def app_frames(self) -> tuple[Frame, ...]:
        """The frames that are application code (:func:`~logsumd.parse.is_app_frame`)."""
        return tuple(f for f in self.frames if is_app_frame(f))


def make_exception(
    etype: str,
    lines: list[str],
    frames: tuple[Frame, ...],
    lang: str,
    *,
    line: int,
    depth: int = 0,
    suppressed: bool = False,
    link: str = "",
) -> ParsedException:
    return ParsedException(
        etype, " ".join(lines), frames, lang, depth, suppressed, line, tuple(lines), link
    )


@dataclass(frozen=True, slots=True)
class Trace:
    """Every exception of an event, in order of appearance, and the event's records."""

    exceptions: tuple[ParsedException, ...]
    causal: tuple[int, ...]
    """Indices into ``exceptions``: root cause (innermost) first, outermost last."""
    records: tuple[Record, ...]
    """Every line of the event, its record prefix split from its message."""
    trace_start: int
    """Index of the first line that belongs to a trace (``len(records)`` if none)."""
    loose_frames: tuple[Frame, ...] = ()
    """Frames of tracebacks that end without an exception line (a cut event), innermost first."""

    @property
    def root(self) -> ParsedException | None:
        """The innermost exception of the chain."""
        return self.exceptions[self.causal[0]] if self.causal else None

    @property
    def outer(self) -> ParsedException | None:
        """The exception finally raised."""
        return self.exceptions[self.causal[-1]] if self.causal else None

    @property
    def before(self) -> tuple[Record, ...]:
        """The records before the trace (the first one when there is no exception)."""
        return self.records[: self.trace_start] if self.exceptions else self.records[:1]

    def app_frames(self, limit: int = MAX_APP_FRAMES) -> tuple[Frame, ...]:
        """Application frames of the exception nearest the root cause that has any."""
        order = [*self.causal, *(k for k in range(len(self.exceptions)) if k not in self.causal)]
        for k in order:
            frames = self.exceptions[k].app_frames
            if frames:
                return tuple(dict.fromkeys(frames))[:limit]
        return ()


def causal_order(found: list[ParsedException]) -> tuple[int, ...]:
    """Root cause first: deeper first, then (for equal depth) in printed order.

    Python prints the inner exception first; Java prints it last, and its
    ``Caused by:`` entries get increasing depth, so sorting by depth (stable)
    orders both correctly.  Suppressed exceptions are no cause.
    """
    idx = [k for k, exc in enumerate(found) if not exc.suppressed]
    return tuple(sorted(idx, key=lambda k: -found[k].depth))
