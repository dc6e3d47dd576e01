"""Dagster's serialized errors: the exception first, then its frames.

Dagster prints a failed step's error as ``SerializableErrorInfo`` renders it: the
exception line (``dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred
while executing op "load"::``), message lines, a ``Stack Trace:`` label and the frames in
Python's layout (outermost first), then, for each cause, ``The above exception was caused
by the following exception:`` and the same again.  Its web UI, whose text users paste,
prints the frames right after the message, without the label.  The wrapper comes first
and its causes after it, as in a Java trace: each cause is one level deeper.  Pure
functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from logsumd.parse._frames import frame_of
from logsumd.parse._lexicon import FRAME_RE, exception_line
from logsumd.parse._model import LINK_CAUSED_BY, ParsedException, make_exception
from logsumd.parse._record_root import MAX_MESSAGE_LINES
from logsumd.parse._records import Record
from logsumd.records import Frame

STACK_TRACE = "Stack Trace:"
_CHAIN = re.compile(
    r"The above exception (?:was caused by|occurred during handling of) the following"
    r" exception:\s*$"
)
_HEAD_LINES = 40
"""Most message lines between an exception line and its frames."""


def has_stack_trace_label(records: Sequence[Record]) -> bool:
    """A line that is only Dagster's ``Stack Trace:`` label, or Dagster's chain marker."""
    return any(r.message.strip() == STACK_TRACE or _CHAIN.match(r.message) for r in records)


def _frames(records: Sequence[Record], at: int) -> tuple[list[Frame], int]:
    """The frames after the label at ``at`` (outermost first) and the index after them."""
    frames: list[Frame] = []
    k = at + 1
    while k < len(records) and not records[k].prefixed:
        text = records[k].message
        m = FRAME_RE.match(text)
        if m is not None and m["file"] is not None:
            frame = frame_of(m)
            if frame is not None:
                frames.append(frame)
        elif not (frames and text.startswith((" ", "\t")) and text.strip()):
            break  # a frame's source line is indented under it; anything else ends them
        k += 1
    return frames, k


def _section(records: Sequence[Record], at: int) -> tuple[list[str], int] | None:
    """The message lines of the exception line at ``at`` and the index just before its
    frames: a ``Stack Trace:`` label (the log's rendering) or the first frame itself (the
    web UI's), within :data:`_HEAD_LINES` lines."""
    lines: list[str] = []
    for k in range(at + 1, min(len(records), at + 1 + _HEAD_LINES)):
        rec = records[k]
        text = rec.message.strip()
        if text == STACK_TRACE:
            return lines, k
        frame = FRAME_RE.match(rec.message)
        if frame is not None and frame["file"] is not None:
            return lines, k - 1
        if rec.prefixed or _CHAIN.match(text) or text.startswith("Traceback (most recent"):
            return None
        if text:
            lines.append(text)
    return None


def _bare_cause(records: Sequence[Record], at: int) -> tuple[list[str], int]:
    """The message lines of a cause printed without a stack (Dagster prints the label
    only when there are frames), to the next blank line, record or chain marker."""
    lines: list[str] = []
    k = at + 1
    while k < len(records) and len(lines) < _HEAD_LINES:
        rec = records[k]
        text = rec.message.strip()
        if not text or rec.prefixed or _CHAIN.match(text):
            break
        lines.append(text)
        k += 1
    return lines, k - 1


def dagster_exceptions(records: Sequence[Record]) -> list[ParsedException]:
    """The exceptions of Dagster's serialized errors in ``records``, wrapper first; an
    exception line that follows no chain marker starts another error (depth 0 again)."""
    found: list[ParsedException] = []
    depth, link, k = 0, "", 0
    while k < len(records):
        text = records[k].message
        if _CHAIN.match(text.strip()):
            depth, link = depth + 1, LINK_CAUSED_BY
            k += 1
            continue
        head = None if text[:1].isspace() else exception_line(text.strip())
        section = _section(records, k) if head is not None else None
        if head is not None and section is None and link:
            section = _bare_cause(records, k)  # a cause without frames
        if head is None or section is None:
            k += 1
            continue
        if not link:
            depth = 0  # not a cause: another error
        more, label = section
        start = k
        frames, k = _frames(records, label)
        lines = ([head[1]] if head[1] else []) + more
        found.append(
            make_exception(
                head[0],
                lines[:MAX_MESSAGE_LINES],
                tuple(reversed(frames)),
                "python",
                line=start,
                depth=depth,
                link=link,
            )
        )
        link = ""
    return found
