"""Classify an event: root cause, category, application frames and cause lines.

``classify`` is pure: it reads only the event (its text and the context lines
read before it).  The root cause is the innermost exception of the chain
(Python prints it first, Java last as ``Caused by:``).  When that is a generic
wrapper (Airflow's "Bash command failed", ``Py4JJavaError``, Spark's "Job
aborted", ``CalledProcessError``) and a more specific cause is visible — an
exception named inside the wrapper's message, or printed by the subprocess just
before the traceback — that specific cause becomes the exception type, message
and first signal of the category.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from logsumd.categories import categorize, match
from logsumd.literal_gate import Gated, required_literals
from logsumd.records import Classification, Event, ExceptionInfo, Frame
from logsumd.traces import (
    EMBEDDED_EXC_RE,
    ERROR_LEVELS,
    JAVA_EXC_RE,
    JAVA_FRAME_RE,
    PY_FRAME_RE,
    LogLine,
    ParsedException,
    Trace,
    embedded_exception,
    parse,
    strip_ansi,
    strip_prefix,
)

MAX_CAUSE_LINES = 5
MAX_APP_FRAMES = 5
MAX_LINE_CHARS = 300
MAX_MESSAGE_CHARS = 2000

WRAPPER_TYPES = frozenset(
    {
        "AirflowException",
        "AirflowFailException",
        "Py4JJavaError",
        "SparkException",
        "CalledProcessError",
        "SparkSubmitException",
        "DbtRuntimeError",
        "ExecutionException",
        "UndeclaredThrowableException",
        "InvocationTargetException",
        "CompletionException",
        "StreamingQueryException",
    }
)
GENERIC_WRAPPER_MSG = re.compile(
    r"Bash command failed|non-zero exit|returned non-zero|Cannot execute|Job aborted"
    r"|An error occurred while calling|Task received SIGTERM|exit(?:ed)? (?:with )?code"
    r"|Error code is|return code|Process returned|Job \d+ cancelled|Writing job aborted"
    r"|^$|^None$",
    re.IGNORECASE,
)
_PY_FRAMEWORK_SEGMENTS = frozenset(
    {"pyspark", "py4j", "celery", "concurrent", "asyncio", "multiprocessing", "importlib"}
)
_PY_FRAMEWORK_FILES = frozenset({"threading.py", "runpy.py", "subprocess.py"})
_AIRFLOW_PKGS = frozenset(
    [
        "models",
        "operators",
        "providers",
        "utils",
        "task",
        "executors",
        "sdk",
        "hooks",
        "jobs",
        "cli",
        "decorators",
        "sensors",
        "api",
        "serialization",
        "callbacks",
        "listeners",
        "timetables",
        "io",
        "datasets",
        "assets",
        "www",
        "triggers",
        "secrets",
        "lineage",
        "ti_deps",
        "dag_processing",
        "execution_time",
        "bases",
        "exceptions.py",
        "__main__.py",
        "configuration.py",
        "settings.py",
    ]
)
_DBT_PKGS = frozenset(
    [
        "adapters",
        "cli",
        "task",
        "parser",
        "clients",
        "contracts",
        "events",
        "graph",
        "context",
        "compilation",
        "config",
        "artifacts",
        "deps",
        "include",
        "materializations",
        "runners",
        "main.py",
        "tracking.py",
        "exceptions.py",
    ]
)
_STDLIB_RE = re.compile(
    r"/lib/python\d(?:\.\d+)?/|/Lib/|site-packages/|dist-packages/|\.zip/|\.egg/"
)
_JAVA_FRAMEWORK = (
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "scala.", "org.apache.spark.",
    "org.apache.hadoop.", "org.apache.parquet.", "org.apache.kafka.", "org.apache.commons.",
    "org.apache.iceberg.", "org.apache.hive.", "org.apache.log4j.", "org.apache.logging.",
    "org.apache.http.", "io.delta.", "io.netty.", "py4j.", "com.google.", "com.fasterxml.",
    "org.slf4j.", "com.amazonaws.", "software.amazon.", "org.postgresql.", "com.mysql.",
    "net.snowflake.", "akka.", "kotlin.", "groovy.", "org.codehaus.", "org.eclipse.jetty.",
    "org.glassfish.", "com.databricks.", "org.springframework.", "io.grpc.", "okhttp3.",
)  # fmt: skip

_NOISE = re.compile(
    r"^(?:Task failed with exception|Traceback \(most recent call last\)|Marking task as"
    r"|Exporting env vars|Running command|Output:|Tmp dir root location|Started process"
    r"|Job \d+: Subtask|Dependencies all met|Starting attempt|Executing <Task|Using connection"
    r"|Post task execution logs|Pre task execution logs|Filling up the DagBag|Running <Task"
    r"|Failure caused by|Command exited with return code 0|-{4,}|\*{4,}|={4,}"
    r"|\.\.\. \d+ more|at\s|File \"|During handling of the above|The above exception was"
    r"|For more information|Check your database credentials|https?://\S+$)"
)
_SIGNAL = re.compile(
    r"SIGTERM|SIGKILL|SIGSEGV|SIGABRT|\bKilled\b|zombie|killed externally"
    r"|exit(?:ed)? (?:with )?code|return(?:ed)? (?:code|non-zero)|non-zero exit|heartbeat"
    r"|OOM|out of memory|Lost executor"
    r"|does not match the current pid|Exception|Error\b|FAILED|\bfailed\b|refused|denied",
    re.IGNORECASE,
)
_KNOWN_CAUSE = re.compile(
    r"does not match the current pid|killed externally|zombie|OOMKilled|oom-kill"
    r"|Container killed|Lost executor|exceeding (?:physical )?memory limits|heartbeat.*timed out"
    r"|^Caused by:",
    re.IGNORECASE,
)
_SIGNAL_GATE = Gated.of(_SIGNAL)
_KNOWN_CAUSE_GATE = Gated.of(_KNOWN_CAUSE)
_CHILD_SOURCES = (
    "subprocess", "spark_submit", "logging_mixin", "bash", "docker", "pod_manager",
    "kubernetes_pod", "ssh", "process_utils", "python_virtualenv", "dbt",
)  # fmt: skip
_CHILD_OUTPUT = re.compile(rf"^(?:{'|'.join(_CHILD_SOURCES)})\.py:\d+$")
_REPEAT_TYPE = re.compile(r"^((?:[\w$]+\.)*[\w$]+): ")


def _short(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1].rsplit("$", 1)[-1]


def clean_message(exc_type: str, message: str) -> str:
    """Whitespace collapsed, a repeated ``Type: `` prefix removed, capped in length."""
    msg = " ".join(message.split())
    while True:
        m = _REPEAT_TYPE.match(msg)
        if m is None or _short(m.group(1)) != _short(exc_type):
            break
        msg = msg[m.end() :]
    return msg[:MAX_MESSAGE_CHARS]


def is_app_frame(frame: Frame) -> bool:
    """Not site-packages, the standard library, a framework or a JVM library."""
    file = frame.file.replace("\\", "/")
    if frame.module is not None and not file.endswith(".py") and "." in frame.module:
        return not frame.module.startswith(_JAVA_FRAMEWORK)
    if file.startswith("<") or _STDLIB_RE.search(file):
        return False
    parts = [p for p in file.split("/") if p]
    if parts and parts[-1] in _PY_FRAMEWORK_FILES:
        return False
    for k, part in enumerate(parts[:-1]):
        if part in _PY_FRAMEWORK_SEGMENTS:
            return False
        nxt = parts[k + 1]
        if (part == "airflow" and nxt in _AIRFLOW_PKGS) or (part == "dbt" and nxt in _DBT_PKGS):
            return False
    return True


def app_frames_of(trace: Trace) -> tuple[Frame, ...]:
    """Application frames of the exception nearest the root cause that has any."""
    order = list(trace.causal) + [k for k in range(len(trace.exceptions)) if k not in trace.causal]
    for k in order:
        frames = [f for f in trace.exceptions[k].frames if is_app_frame(f)]
        if frames:
            unique = list(dict.fromkeys(frames))
            return tuple(unique[:MAX_APP_FRAMES])
    return ()


CAUSE_SCORE = 3
"""Lowest score of a context line kept as a cause line."""


def _score(line: LogLine) -> int:
    text = line.text.strip()
    if not text or _NOISE.match(text) or PY_FRAME_RE.match(text) or JAVA_FRAME_RE.match(text):
        return 0
    score = 0
    if text.startswith("Caused by:") or JAVA_EXC_RE.match(text) or EMBEDDED_EXC_RE.search(text):
        score += 3
    if line.level in ERROR_LEVELS:
        score += 2
    elif line.level in ("WARNING", "WARN"):
        score += 1
    folded = text.casefold()
    if _SIGNAL_GATE.search(text, folded):
        score += 1
    if _KNOWN_CAUSE_GATE.search(text, folded):
        score += 2
    child = bool(line.source and _CHILD_OUTPUT.match(line.source))
    if not score and not child:
        return 0  # a category match alone (2) cannot reach CAUSE_SCORE: skip the costly rules
    if match(text) is not None:
        score += 2
    if child and score:
        score += 1
    return score


def _context_words() -> tuple[str, ...]:
    """Words (case-folded) of which a line needs one to reach ``CAUSE_SCORE``.

    A score of 3 needs an exception (``Caused by:``, a Java type, an embedded
    ``...Error``), or a level of WARN or more, a signal or a known cause, or a
    category match in the output of a child process: each shows in these words,
    except a Java type, which :data:`_JAVA_TYPE_HINT` looks for.
    """
    words = {"caused by:", "err", "warn", "severe", "crit", "fatal"}
    for gate in (_SIGNAL_GATE, _KNOWN_CAUSE_GATE):
        words |= set(gate.literals or ())
    words |= set(required_literals(EMBEDDED_EXC_RE) or ())
    words |= {f"{name}.py:" for name in _CHILD_SOURCES}
    # a word that contains another is found through the shorter one
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


_CONTEXT_WORDS = _context_words()
_JAVA_DOT = re.compile(r"\.[A-Z]")
_JAVA_TYPE_HINT = re.compile(r"[a-z_$][\w$]*\.[A-Z]")


def _scoring_lines(text: str) -> set[int]:
    """Indices of the lines of ``text`` that may reach ``CAUSE_SCORE`` (a superset)."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    hits: set[int] = set()
    folded = text.casefold()
    fstarts = starts if len(folded) == len(text) else _line_starts(folded)
    for word in _CONTEXT_WORDS:
        at = folded.find(word)
        while at >= 0:
            line = bisect_right(fstarts, at) - 1
            hits.add(line)
            # the rest of this line is decided: look from the next one
            at = folded.find(word, fstarts[line + 1]) if line + 1 < len(fstarts) else -1
    for m in _JAVA_DOT.finditer(text):
        line = bisect_right(starts, m.start()) - 1
        if line not in hits and _JAVA_TYPE_HINT.search(text, starts[line], m.end()):
            hits.add(line)
    return hits


def _line_starts(text: str) -> list[int]:
    return [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]


def cause_lines_of(context: Iterable[str], before: Sequence[LogLine]) -> tuple[str, ...]:
    """Up to five lines naming the cause: most relevant first, the later of equals first.

    Context lines without a word that could score are not parsed at all: an
    event carries ~20 of them, mostly ordinary INFO lines.
    """
    text = "\n".join(context)
    if "\x1b" in text or "\r" in text:
        text = strip_ansi(text)
    raw_lines = text.split("\n") if text else []
    keep = _scoring_lines(text) if text else set()
    candidates: list[tuple[int, LogLine]] = [
        (pos, strip_prefix(raw_lines[pos])) for pos in sorted(keep)
    ]
    candidates += [(len(raw_lines) + k, line) for k, line in enumerate(before)]
    scored: dict[str, tuple[int, int]] = {}
    for pos, line in candidates:
        score = _score(line)
        if score >= CAUSE_SCORE:
            text = line.text.strip()[:MAX_LINE_CHARS]
            scored[text] = (score, pos)
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))
    return tuple(text for text, _ in ranked[:MAX_CAUSE_LINES])


def _is_wrapper(exc: ParsedException) -> bool:
    return _short(exc.type) in WRAPPER_TYPES


def _specific_cause(
    trace: Trace, context_trace: Trace | None, cause_lines: Sequence[str]
) -> tuple[str, str, tuple[Frame, ...]] | None:
    """A more specific (type, message, frames) than a wrapper root, if the text has one."""
    for k in trace.causal:
        emb = embedded_exception(trace.exceptions[k].message)
        if emb is not None and _short(emb[0]) not in WRAPPER_TYPES:
            return emb[0], emb[1], ()
    if context_trace is not None and context_trace.root is not None:
        root = context_trace.root
        if root.lang in ("python", "java", "dbt") and not _is_wrapper(root):
            return root.type, root.message, app_frames_of(context_trace)
    for line in cause_lines:
        text = line.removeprefix("Caused by:").strip()
        jm = JAVA_EXC_RE.match(text)
        if jm and jm["msg"]:
            return jm["type"], jm["msg"], ()
        emb = embedded_exception(text)
        if emb is not None and _short(emb[0]) not in WRAPPER_TYPES:
            return emb[0], emb[1], ()
    return None


def _signal(exc_type: str, message: str) -> str:
    return f"{exc_type}: {message}" if message else exc_type


def classify(event: Event) -> Classification:
    """What the rules understand of ``event``; see ``records.Classification``."""
    trace = parse(event.text)
    lines = trace.lines
    header = next((h for h in strip_ansi(event.text).split("\n") if h.strip()), "").strip()
    chain = tuple(ExceptionInfo(e.type, clean_message(e.type, e.message)) for e in trace.exceptions)
    before = lines[: trace.trace_start] if trace.exceptions else lines[:1]
    cause_lines = cause_lines_of(event.context, before)
    root, outer = trace.root, trace.outer
    if root is None or outer is None:
        return Classification(
            category=categorize([*cause_lines, header])[0],
            exception_type="ERROR",
            outer_exception_type="ERROR",
            message=header,
            chain=(),
            app_frame=None,
            app_frames=(),
            cause_lines=cause_lines,
            header=header,
        )
    frames = app_frames_of(trace)
    exc_type, message = root.type, clean_message(root.type, root.message)
    chain_signals = [_signal(chain[k].type, chain[k].message) for k in trace.causal]
    signals: list[str]
    if _is_wrapper(root):
        context_trace = parse("\n".join(event.context)) if event.context else None
        specific = _specific_cause(trace, context_trace, cause_lines)
        own = [] if GENERIC_WRAPPER_MSG.search(message) else chain_signals[:1]
        signals = [*own]
        if specific is not None:
            exc_type, message = specific[0], clean_message(specific[0], specific[1])
            signals.insert(0, _signal(exc_type, message))
            frames = frames or specific[2]
        signals += [*cause_lines, *chain_signals, header]
    else:
        signals = [*chain_signals, *cause_lines, header]
    category, _ = categorize(signals)
    return Classification(
        category=category,
        exception_type=exc_type,
        outer_exception_type=outer.type,
        message=message,
        chain=chain,
        app_frame=frames[0] if frames else None,
        app_frames=frames,
        cause_lines=cause_lines,
        header=header,
    )
