"""The trace parser: a block of log text parsed once into the trace model (`_model.py`).

:func:`parse` reads an event's text (ANSI codes removed, each line split into its
record prefix and message by :func:`~logsumd.parse._records.parse_record`) and
finds every exception in it: Python tracebacks (chained sections, 3.11 caret
lines, exception groups, messages over several lines), Java/Spark traces
(``Caused by:``, ``Suppressed:``, Py4J's ``: java...`` continuation), dbt error
blocks and, when nothing else is found, a single ERROR record.  Each
:class:`ParsedException` carries its type, message lines, frames (innermost
first) with the application frames marked by the one rule of
:mod:`logsumd.parse._frames`, and its link to the exception printed before it.
Classification, condensation and the rule-based summary all read this
:class:`Trace`.  Pure functions, no I/O.
"""

from __future__ import annotations

import re

from logsumd.parse._dagster import dagster_exceptions, has_stack_trace_label
from logsumd.parse._frames import frame_of
from logsumd.parse._java_scan import looks_java, skip_java
from logsumd.parse._json_body import REQUEST_LINE_RE, opens_body, read_body
from logsumd.parse._lexicon import (
    CARET_RE,
    CAUSED_RE,
    CHAIN_RE,
    DBT_RE,
    ELISION_RE,
    EXC_LINE_RE,
    FRAME_RE,
    GROUP_BAR_RE,
    IPY_FRAME_RE,
    TB_RE,
    database_error,
    exception_line,
    java_header,
    strip_ansi,
)
from logsumd.parse._model import (
    LINK_CAUSE,
    LINK_CAUSED_BY,
    LINK_CONTEXT,
    LINK_SUPPRESSED,
    LINK_WRAPPED,
    ParsedException,
    Trace,
    causal_order,
    make_exception,
)
from logsumd.parse._record_root import MAX_MESSAGE_LINES, is_cut, log_record
from logsumd.parse._records import Record, records_of
from logsumd.parse._relay import is_relay_status
from logsumd.records import Frame

__all__ = ["MAX_MESSAGE_LINES", "parse"]

_GROUP_PIPE = re.compile(r"\s*\|\s?")
_DBT_COMPILED = ("compiled Code at", "compiled SQL at")
_FENCE = re.compile(r"\s*(?:```+|~~~+)[\w+-]*\s*$")
"""A markdown code fence (a line of its own: Python 3.11's ``~~~^^^`` markers are none)."""
_RULE = re.compile(r"[-=*_#~]{8,}$|.{0,80}?\d{1,3}%\|[^|\n]{0,99}\|\s*[\d.]+\w?/[\d.]+\w?")
_DOTTED_EXC = re.compile(r"\s*(?:[a-z_]\w*\.)+[A-Z]\w*: \S")
"""A qualified type with a message (``botocore.errorfactory.NoSuchKey: ...``)."""


class _Parser:
    """One pass over the records, collecting exceptions (a small state machine)."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.texts = [self._ungroup(rec.message) for rec in records]
        self.found: list[ParsedException] = []
        self.trace_start = len(records)
        self.link = ""
        self.nested = 0
        """Depth of a notebook's traceback printed inside the message before it."""
        self.loose: list[Frame] = []

    @staticmethod
    def _ungroup(text: str) -> str:
        """Remove the ``|`` rails of exception-group output."""
        if "|" not in text:
            return text
        m = _GROUP_PIPE.match(text)
        return text[m.end() :] if m is not None else text

    def _group_depth(self, i: int) -> int:
        """Nesting level of an exception-group sub-traceback (0 outside groups)."""
        raw = self.records[i].message
        stripped = raw.lstrip(" ")
        if not stripped.startswith(("|", "+")):
            return 0
        return (len(raw) - len(stripped)) // 2

    def run(self) -> None:
        i = 0
        n = len(self.texts)
        while i < n:
            text = self.texts[i]
            if TB_RE.match(text):
                self.trace_start = min(self.trace_start, i)
                i = self._python(i)
                continue
            chain = CHAIN_RE.match(text)
            if chain is not None:
                self.link = LINK_CAUSE if chain["kind"].startswith("The") else LINK_CONTEXT
                i += 1
                continue
            head = java_header(text.strip()) if not text[:1].isspace() else None
            caused = (
                CAUSED_RE.match(text.rstrip())
                if text.startswith("Caused by:") and not self.found
                else None
            )
            cause = java_header(caused["rest"]) if caused is not None else None
            if cause is not None and not cause[1].startswith("Traceback"):
                # no head before it: the first cause is the outermost exception known
                # (a PythonException's traceback is parsed as Python, where its root is)
                self.trace_start = min(self.trace_start, i)
                self.link = LINK_CAUSED_BY
                i = self._java(i, cause[0], cause[1], depth=0)
                continue
            if head and looks_java(self.texts, i):
                self.trace_start = min(self.trace_start, i)
                i = self._java(i, head[0], head[1], depth=0)
                continue
            dbt = DBT_RE.match(text)
            if dbt is not None and (dbt["kind"] or dbt["test"]):
                self.trace_start = min(self.trace_start, i)
                i = self._dbt(i, dbt)
                continue
            i += 1

    def _take_link(self) -> str:
        link, self.link = self.link, ""
        return link

    def _python(self, i: int) -> int:
        depth, self.nested = max(self._group_depth(i), self.nested), 0
        link = self._take_link()
        tb_line = i
        base = len(self.texts[i]) - len(self.texts[i].lstrip())  # a pasted trace may be indented
        i += 1
        frames: list[Frame] = []
        n = len(self.texts)
        while i < n:
            text = self.texts[i]
            fm = FRAME_RE.match(text)
            if fm is not None and fm["file"] is not None:
                frame = frame_of(fm)
                assert frame is not None
                frames.append(frame)
                i += 1
                continue
            indent = len(text) - len(text.lstrip())
            if (
                not text.strip()
                or indent > base
                or self._flush_code(i)
                or GROUP_BAR_RE.match(text)
                or ELISION_RE.match(text)
                or IPY_FRAME_RE.match(text)
            ):
                i += 1
                continue
            break
        if i >= n or self._new_record(tb_line, i):
            self.loose[:0] = reversed(frames)
            return i
        header = self.texts[i].strip()
        m = EXC_LINE_RE.match(header)
        etype, first = (m["type"], m["msg"] or "") if m else ("Error", header)
        msg_lines = [first.strip()] if first.strip() else []
        start = i
        i += 1
        java_line: int | None = None
        while i < n and len(msg_lines) < MAX_MESSAGE_LINES:
            text = self.texts[i]
            s = text.strip()
            if TB_RE.match(text) and not s.startswith("Traceback"):
                # papermill: the notebook's own (IPython) traceback inside the message
                self.nested, self.link = depth + 1, LINK_WRAPPED
                break
            if not s or TB_RE.match(text) or CHAIN_RE.match(text) or GROUP_BAR_RE.match(text):
                break
            if _RULE.match(s):  # a ``-----`` rule or a progress bar is no message text
                i += 1
                continue
            if is_cut(s):
                break
            if self._new_record(start, i):
                break
            if s.startswith(": ") and java_header(s[2:]) is not None:
                java_line = i
                break
            if not CARET_RE.match(text):
                msg_lines.append(s)
            i += 1
        inner_first = tuple(reversed(frames))
        self.found.append(
            make_exception(
                etype, msg_lines, inner_first, "python", line=start, depth=depth, link=link
            )
        )
        if java_line is not None:
            jh = java_header(self.texts[java_line].strip()[2:])
            assert jh is not None
            self.link = LINK_WRAPPED
            i = self._java(java_line, jh[0], jh[1], depth=depth + 1)
        return i

    def _flush_code(self, i: int) -> bool:
        """Line ``i`` is a frame's source line that a relay printed flush with the frames
        (Airflow's ``spark_submit.py`` re-logs each line without its indentation): it
        follows a frame and a frame or the exception line follows it."""
        if i + 1 >= len(self.texts) or exception_line(self.texts[i].strip()) is not None:
            return False
        before = FRAME_RE.match(self.texts[i - 1])
        if before is None or before["file"] is None:
            return False
        after = self.texts[i + 1]
        nxt = FRAME_RE.match(after)
        if nxt is not None and nxt["file"] is not None:
            return True
        return exception_line(after.strip()) is not None or bool(_DOTTED_EXC.match(after))

    def _new_record(self, start: int, i: int) -> bool:
        """Line ``i`` is a new log record, not a continuation of the one at ``start``."""
        here, there = self.records[i], self.records[start]
        if not here.prefixed:
            return False
        if is_relay_status(here.message):
            return True  # the relay's own word, under the child's logger (Airflow 3)
        return not there.prefixed or here.source != there.source or here.level != there.level

    def _java(self, i: int, etype: str, first: str, depth: int) -> int:
        """Parse a Java trace starting at the header line ``i``; return the next line."""
        n = len(self.texts)
        cur_type, cur_msg, cur_line = etype, [first.strip()] if first.strip() else [], i
        cur_frames: list[Frame] = []
        cur_depth, cur_supp, cur_link = depth, False, self._take_link()
        main_depth = depth
        in_message = True
        i += 1

        def flush() -> None:
            exc = make_exception(
                cur_type,
                cur_msg,
                tuple(cur_frames),
                "java",
                line=cur_line,
                depth=cur_depth,
                suppressed=cur_supp,
                link=cur_link,
            )
            self.found.append(exc)
            # new RuntimeException(cause) prints "RuntimeException: a.b.Cause: text"
            inner = java_header(exc.message)
            if inner is not None and inner[1] and _short(inner[0]) != _short(cur_type):
                implied = make_exception(
                    inner[0],
                    [inner[1]],
                    (),
                    "java",
                    line=cur_line,
                    depth=cur_depth + 1,
                    suppressed=cur_supp,
                    link=LINK_WRAPPED,
                )
                self.found.append(implied)

        while i < n:
            text = self.texts[i]
            s = text.strip()
            chain = CAUSED_RE.match(text.rstrip())
            head = java_header(chain["rest"]) if chain is not None else None
            if chain is not None and head is not None:
                flush()
                nested = bool(chain["ind"]) or chain["kind"] == "Suppressed"
                cur_type, cur_line = head[0], i
                cur_msg = [head[1].strip()] if head[1] else []
                cur_frames = []
                cur_link = LINK_SUPPRESSED if chain["kind"] == "Suppressed" else LINK_CAUSED_BY
                if nested:
                    cur_supp = True
                    cur_depth = main_depth + 1
                else:
                    main_depth += 1
                    cur_depth, cur_supp = main_depth, False
                in_message = True
                i += 1
                continue
            fm = FRAME_RE.match(s) if s.startswith("at ") else None
            frame = frame_of(fm) if fm is not None else None
            if frame is not None:
                cur_frames.append(frame)
                in_message = False
            elif not s or skip_java(s):
                if s:
                    in_message = False
            elif in_message and opens_body(s):  # a JSON response body: its message
                i, said = read_body(self.texts, i)
                if said and cur_msg:
                    cur_msg[-1] = f"{cur_msg[-1].rstrip(':')}: {said}"
                elif said:
                    cur_msg.append(said)
                continue
            elif in_message and len(cur_msg) < MAX_MESSAGE_LINES:
                if self._new_record(cur_line, i):
                    break
                if not REQUEST_LINE_RE.match(s):  # the request before a response's body
                    cur_msg.append(s)
            else:
                break
            i += 1
        flush()
        return i

    def _dbt(self, i: int, m: re.Match[str], depth: int = 0) -> int:
        """A dbt error block; a title indented under it is its cause (one level deeper)."""
        kind = m["kind"]
        etype = f"dbt {kind} Error" if kind else "dbt Test Failure"
        frames: tuple[Frame, ...] = ()
        path = m["path"] or m["tpath"]
        if path:
            name = m["name"] or m["test"]
            func = f"{m['rtype'] or 'test'} {name}"
            frames = (Frame(path, None, func, name.rsplit(".", 1)[-1]),)
        start = i
        title_indent = len(self.texts[i]) - len(self.texts[i].lstrip())
        msg: list[str] = []
        nested: re.Match[str] | None = None
        indent = -1  # of the message's first line: a line indented less ends it
        i += 1
        n = len(self.texts)
        while i < n and len(msg) < 4:
            text = self.texts[i]
            s = text.strip()
            if not s and indent < 0:
                i += 1  # blank lines between a pasted title and its message
                continue
            if not s or _FENCE.match(text) or len(text) - len(text.lstrip()) < indent or is_cut(s):
                break
            if TB_RE.match(text):  # a Python model's traceback: the cause of dbt's error
                self.nested, self.link = depth + 1, LINK_WRAPPED
                break
            if indent < 0:
                indent = len(text) - len(text.lstrip())
            dbt = DBT_RE.match(text)
            if dbt is not None and dbt["kind"]:
                nested = dbt if len(text) - len(text.lstrip()) > title_indent else None
                break
            if not CARET_RE.match(text) and not s.startswith(_DBT_COMPILED):
                msg.append(s)
            i += 1
        exc = make_exception(etype, msg, frames, "dbt", line=start, depth=depth)
        self.found.append(exc)
        inner = database_error(msg[0]) if msg and nested is None else None
        if inner is not None:  # the database's own error in dbt's block is its cause
            self.found.append(
                make_exception(inner[0], [inner[1], *msg[1:]], (), "dbt", line=start + 1,
                               depth=depth + 1)
            )  # fmt: skip
        return i if nested is None else self._dbt(i, nested, depth + 1)


def _short(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


def parse(text: str) -> Trace:
    """Every exception of ``text`` with frames, the chain order and the event's records."""
    records = records_of(strip_ansi(text))
    parser = _Parser(records)
    parser.run()
    found = parser.found
    start = parser.trace_start
    if not any(exc.frames for exc in found) and has_stack_trace_label(records):
        serialized = dagster_exceptions(records)
        if any(exc.frames for exc in serialized):
            found, start = serialized, serialized[0].line
    if not found:
        rec = log_record(records)
        if rec is not None:
            found = [rec]
            start = rec.line
    return Trace(tuple(found), causal_order(found), tuple(records), start, tuple(parser.loose))
