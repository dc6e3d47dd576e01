"""Parse an event's text into its exceptions (with their frames) and its log lines.

Understands Python tracebacks (chained sections, 3.11 caret lines, exception
groups, messages over several lines), Java/Spark traces (``Caused by:``,
``Suppressed:``, Py4J's ``: java...`` continuation), dbt error blocks and, when
nothing else is found, a single ERROR record.  Lines may carry log prefixes
(Airflow's ``[ts] {file.py:N} INFO - ``, log4j, Python logging, dbt), possibly
nested; they are stripped before parsing (:mod:`logsumd.parse._log_prefixes`).  Pure
functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from logsumd.parse._log_prefixes import (
    ANSI_RE,
    ERROR_LEVELS,
    LogLine,
    split_lines,
    strip_ansi,
    strip_prefix,
)
from logsumd.records import Frame

__all__ = [
    "ANSI_RE",
    "EMBEDDED_EXC_RE",
    "ERROR_LEVELS",
    "JAVA_CHAIN_RE",
    "JAVA_EXC_RE",
    "JAVA_FRAME_RE",
    "MAX_MESSAGE_LINES",
    "PY_EXC_RE",
    "PY_FRAME_RE",
    "LogLine",
    "ParsedException",
    "Trace",
    "embedded_exception",
    "java_frame",
    "module_of",
    "parse",
    "split_lines",
    "strip_ansi",
    "strip_prefix",
]

PY_FRAME_RE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?')
JAVA_FRAME_RE = re.compile(
    r"^\s*at\s+(?:[\w.-]+(?:@[\w.-]+)?/)*(?P<cls>[\w$.<>/-]+)\.(?P<meth>[\w$<>-]+)"
    r"\((?P<src>[^)]*)\)"
)
_JAVA_TYPE = r"(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*"
JAVA_EXC_RE = re.compile(
    rf"^(?:Exception in thread \"[^\"]*\"\s+)?(?P<type>{_JAVA_TYPE})(?::\s?(?P<msg>.*))?$"
)
JAVA_CHAIN_RE = re.compile(
    rf"^(?P<ind>\s*)(?P<kind>Caused by|Suppressed):\s+(?P<type>{_JAVA_TYPE})(?::\s?(?P<msg>.*))?$"
)
PY_EXC_RE = re.compile(r"^(?P<type>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::\s?(?P<msg>.*))?$")
EMBEDDED_EXC_RE = re.compile(
    r"(?:^|[\s(:])(?P<type>(?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Timeout|Failure))"
    r"(?::\s*(?P<msg>.*))?"
)
_QUALIFIED_EXC_RE = re.compile(
    r"(?:^|[\s(:])((?:[a-z_]\w*\.)+[A-Z]\w*(?:Error|Exception|Exit|Timeout|Failure)):\s*"
)
_TB_START = re.compile(r"^\s*(?:\+\s*)?(?:Exception Group )?Traceback \(most recent call last\):")
_CHAIN_MARK = re.compile(
    r"^\s*(?:During handling of the above exception, another exception occurred"
    r"|The above exception was the direct cause of the following exception):?\s*$"
)
_GROUP_BAR = re.compile(r"^\s*(?:\+-[-+ \d.]*|\+-+)$")
_GROUP_PIPE = re.compile(r"^\s*\|\s?")
_CARET = re.compile(r"^\s*[~^]+[\s~^]*$")
_DBT_ERR = re.compile(
    r"^\s*>?\s*(?P<kind>Database|Runtime|Compilation|Parsing|Dependency|Internal|Validation)"
    r" Error(?: in (?P<rtype>\w+) (?P<name>\S+) \((?P<path>[^)]+)\))?\s*:?\s*$"
)
_DBT_TEST = re.compile(r"^\s*Failure in test (?P<name>\S+) \((?P<path>[^)]+)\)\s*$")
_JAVA_SKIP = re.compile(
    r"^\s*(?:\.\.\. \d+ (?:more|common frames omitted)|Driver stacktrace:"
    r"|\[logsumd: event cut, \d+ lines not shown\])\s*$"
)  # the last: where the assembler cut a long trace (it keeps head and tail)
MAX_MESSAGE_LINES = 12


@dataclass(frozen=True, slots=True)
class ParsedException:
    """One exception found in the text; ``frames`` innermost (where raised) first."""

    type: str
    message: str
    frames: tuple[Frame, ...]
    lang: str
    """``python``, ``java``, ``dbt`` or ``log`` (an ERROR record without a trace)."""
    depth: int = 0
    suppressed: bool = False
    line: int = 0
    """Index (in the event's lines) of the line that names the exception."""


@dataclass(frozen=True, slots=True)
class Trace:
    """Every exception of an event, in order of appearance, and the event's lines."""

    exceptions: tuple[ParsedException, ...]
    causal: tuple[int, ...]
    """Indices into ``exceptions``: root cause (innermost) first, outermost last."""
    lines: tuple[LogLine, ...]
    trace_start: int
    """Index of the first line that belongs to a trace (``len(lines)`` if none)."""

    @property
    def root(self) -> ParsedException | None:
        """The innermost exception of the chain."""
        return self.exceptions[self.causal[0]] if self.causal else None

    @property
    def outer(self) -> ParsedException | None:
        """The exception finally raised."""
        return self.exceptions[self.causal[-1]] if self.causal else None


def module_of(path: str) -> str:
    """``extract`` for ``/opt/etl/extract.py`` (also for Windows paths)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-3] if name.endswith(".py") else name.rsplit(".", 1)[0] or name


def java_frame(line: str) -> Frame | None:
    """The frame of a Java ``at pkg.Class.method(File.java:12)`` line."""
    m = JAVA_FRAME_RE.match(line)
    if m is None:
        return None
    src = m["src"]
    file, _, num = src.partition(":")
    return Frame(file or src, int(num) if num.isdigit() else None, m["meth"], m["cls"])


class _Parser:
    """One pass over the lines, collecting exceptions (a small state machine)."""

    def __init__(self, lines: list[LogLine]) -> None:
        self.lines = lines
        self.texts = [self._ungroup(ln.text) for ln in lines]
        self.found: list[ParsedException] = []
        self.trace_start = len(lines)

    @staticmethod
    def _ungroup(text: str) -> str:
        """Remove the ``|`` rails of exception-group output."""
        return _GROUP_PIPE.sub("", text, count=1) if _GROUP_PIPE.match(text) else text

    def _group_depth(self, i: int) -> int:
        """Nesting level of an exception-group sub-traceback (0 outside groups)."""
        raw = self.lines[i].text
        stripped = raw.lstrip(" ")
        if not stripped.startswith(("|", "+")):
            return 0
        return (len(raw) - len(stripped)) // 2

    def run(self) -> None:
        i = 0
        n = len(self.texts)
        while i < n:
            text = self.texts[i]
            if _TB_START.match(text):
                self.trace_start = min(self.trace_start, i)
                i = self._python(i)
                continue
            m = JAVA_EXC_RE.match(text.strip()) if not text[:1].isspace() else None
            if m and self._looks_java(i):
                self.trace_start = min(self.trace_start, i)
                i = self._java(i, m["type"], m["msg"] or "", depth=0)
                continue
            dbt = _DBT_ERR.match(text) or _DBT_TEST.match(text)
            if dbt:
                self.trace_start = min(self.trace_start, i)
                i = self._dbt(i, dbt)
                continue
            i += 1

    def _looks_java(self, i: int) -> bool:
        """A Java exception header is followed by ``at`` frames or ``Caused by:``."""
        for text in self.texts[i + 1 : i + 1 + MAX_MESSAGE_LINES]:
            s = text.strip()
            if s.startswith("at ") and JAVA_FRAME_RE.match(s):
                return True
            if s.startswith("Caused by:"):
                return True
        return False

    def _python(self, i: int) -> int:
        depth = self._group_depth(i)
        tb_line = i
        i += 1
        frames: list[Frame] = []
        n = len(self.texts)
        while i < n:
            text = self.texts[i]
            fm = PY_FRAME_RE.match(text)
            if fm:
                line = int(fm["line"])
                func = (fm["func"] or "").strip()
                frames.append(Frame(fm["file"], line, func, module_of(fm["file"])))
                i += 1
                continue
            if not text.strip() or text[:1].isspace() or _GROUP_BAR.match(text):
                i += 1
                continue
            break
        if i >= n or self._new_record(tb_line, i):
            return i
        header = self.texts[i].strip()
        m = PY_EXC_RE.match(header)
        etype, first = (m["type"], m["msg"] or "") if m else ("Error", header)
        msg_lines = [first.strip()] if first.strip() else []
        start = i
        i += 1
        java_line: int | None = None
        while i < n and len(msg_lines) < MAX_MESSAGE_LINES:
            text = self.texts[i]
            s = text.strip()
            if not s or _TB_START.match(text) or _CHAIN_MARK.match(text) or _GROUP_BAR.match(text):
                break
            if self._new_record(start, i):
                break
            if s.startswith(": ") and JAVA_EXC_RE.match(s[2:]):
                java_line = i
                break
            if not _CARET.match(text):
                msg_lines.append(s)
            i += 1
        message, inner_first = " ".join(msg_lines), tuple(reversed(frames))
        self.found.append(ParsedException(etype, message, inner_first, "python", depth, line=start))
        if java_line is not None:
            jm = JAVA_EXC_RE.match(self.texts[java_line].strip()[2:])
            assert jm is not None
            i = self._java(java_line, jm["type"], jm["msg"] or "", depth=depth + 1)
        return i

    def _new_record(self, start: int, i: int) -> bool:
        """Line ``i`` is a new log record, not a continuation of the one at ``start``."""
        here, there = self.lines[i], self.lines[start]
        if not here.prefixed:
            return False
        return not there.prefixed or here.source != there.source or here.level != there.level

    def _java(self, i: int, etype: str, first: str, depth: int) -> int:
        """Parse a Java trace starting at the header line ``i``; return the next line."""
        n = len(self.texts)
        cur_type, cur_msg, cur_line = etype, [first.strip()] if first.strip() else [], i
        cur_frames: list[Frame] = []
        cur_depth, cur_supp = depth, False
        main_depth = depth
        in_message = True
        i += 1

        def flush() -> None:
            exc = ParsedException(cur_type, " ".join(cur_msg), tuple(cur_frames), "java")
            self.found.append(replace(exc, depth=cur_depth, suppressed=cur_supp, line=cur_line))

        while i < n:
            text = self.texts[i]
            s = text.strip()
            chain = JAVA_CHAIN_RE.match(text.rstrip())
            if chain:
                flush()
                nested = bool(chain["ind"]) or chain["kind"] == "Suppressed"
                cur_type, cur_line = chain["type"], i
                cur_msg = [chain["msg"].strip()] if chain["msg"] else []
                cur_frames = []
                if nested:
                    cur_supp = True
                    cur_depth = main_depth + 1
                else:
                    main_depth += 1
                    cur_depth, cur_supp = main_depth, False
                in_message = True
                i += 1
                continue
            frame = java_frame(s) if s.startswith("at ") else None
            if frame is not None:
                cur_frames.append(frame)
                in_message = False
            elif not s or _JAVA_SKIP.match(s):
                if s:
                    in_message = False
            elif in_message and len(cur_msg) < MAX_MESSAGE_LINES:
                if self._new_record(cur_line, i):
                    break
                cur_msg.append(s)
            else:
                break
            i += 1
        flush()
        return i

    def _dbt(self, i: int, m: re.Match[str]) -> int:
        groups = m.groupdict()
        kind = groups.get("kind")
        etype = f"dbt {kind} Error" if kind else "dbt Test Failure"
        frames: tuple[Frame, ...] = ()
        if groups.get("path"):
            name = groups["name"]
            func = f"{groups.get('rtype') or 'test'} {name}"
            frames = (Frame(groups["path"], None, func, name.rsplit(".", 1)[-1]),)
        start = i
        msg: list[str] = []
        i += 1
        n = len(self.texts)
        while i < n and len(msg) < 4:
            text = self.texts[i]
            s = text.strip()
            if not s or (msg and not text[:1].isspace()):
                break
            if _DBT_ERR.match(text):
                break
            if not _CARET.match(text) and not s.startswith(("compiled Code at", "compiled SQL at")):
                msg.append(s)
            i += 1
        self.found.append(ParsedException(etype, " ".join(msg), frames, "dbt", line=start))
        return i


def _causal(found: list[ParsedException]) -> tuple[int, ...]:
    """Root cause first: deeper first, then (for equal depth) in printed order.

    Python prints the inner exception first; Java prints it last, and its
    ``Caused by:`` entries get increasing depth, so sorting by depth (stable)
    orders both correctly.  Suppressed exceptions are no cause.
    """
    idx = [k for k, exc in enumerate(found) if not exc.suppressed]
    return tuple(sorted(idx, key=lambda k: -found[k].depth))


def _log_record(lines: list[LogLine]) -> ParsedException | None:
    """The first ERROR-level record (or the first line) as a pseudo-exception."""
    errors = [k for k, ln in enumerate(lines) if ln.level in ERROR_LEVELS]
    pick = errors[0] if errors else next((k for k, ln in enumerate(lines) if ln.text.strip()), None)
    if pick is None:
        return None
    rec = lines[pick]
    parts = [rec.text.strip()]
    for ln in lines[pick + 1 : pick + MAX_MESSAGE_LINES]:
        if ln.prefixed or not ln.text.strip():
            break
        parts.append(ln.text.strip())
    message = " ".join(parts)
    emb = EMBEDDED_EXC_RE.search(message)
    if emb and emb["msg"] is not None:
        return ParsedException(emb["type"], emb["msg"].strip(), (), "log", line=pick)
    src = rec.source if rec.source and not re.search(r"\.py:\d+$", rec.source) else None
    etype = src or rec.level or "ERROR"
    return ParsedException(etype, message, (), "log", line=pick)


def parse(text: str) -> Trace:
    """Every exception of ``text`` with frames, the chain order and the stripped lines."""
    lines = split_lines(text)
    parser = _Parser(lines)
    parser.run()
    found = parser.found
    start = parser.trace_start
    if not found:
        rec = _log_record(lines)
        if rec is not None:
            found = [rec]
            start = rec.line
    return Trace(tuple(found), _causal(found), tuple(lines), start)


def embedded_exception(message: str) -> tuple[str, str] | None:
    """The last qualified ``pkg.SomeError: msg`` inside a wrapper's message (Spark, Py4J)."""
    for m in reversed(list(_QUALIFIED_EXC_RE.finditer(message))):
        rest = message[m.end() :].strip()
        if rest:
            return m.group(1), rest
    return None
