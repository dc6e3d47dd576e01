"""Cause lines: the lines around an error that name its cause (pure).

An event carries the ~20 lines read before it (``Event.context``) and its own
lines before the traceback.  Only the context lines of the same failure count:
those after the last line that reports another failure or starts another task
attempt (:func:`same_failure_context`); a child process's output never ends the
failure, since it is what a generic wrapper reports.  Each line is scored: an
exception named in it, its level, words that signal a failure (SIGKILL,
"refused", "exit code"), known causes (zombie task, lost executor, OOM kill), a
category rule matching it, and whether it is the output of a child process
(spark-submit, dbt, bash).  Lines scoring at least ``CAUSE_SCORE`` are the
cause lines, best first.

Most context lines are ordinary INFO lines: :func:`_scoring_lines` finds, with
substring tests on the whole block, the few lines that could score, and only
those are parsed and scored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from logsumd.parse import (
    EMBEDDED_EXC_RE,
    ERROR_LEVELS,
    FRAME_RE,
    K_CHAIN,
    K_TB,
    RELAY_SOURCES,
    Record,
    is_relay_source,
    java_header,
    parse_record,
    strip_ansi,
)
from logsumd.understand.categories import match
from logsumd.understand.literal_gate import Gated, required_literals

MAX_CAUSE_LINES = 5
MAX_LINE_CHARS = 300

_NOISE = re.compile(
    r"^(?:Task failed with exception|Marking task as"
    r"|Exporting env vars|Running command|Output:|Tmp dir root location|Started process"
    r"|Job \d+: Subtask|Dependencies all met|Starting attempt|Executing <Task|Using connection"
    r"|Post task execution logs|Pre task execution logs|Filling up the DagBag|Running <Task"
    r"|Failure caused by|Command exited with return code 0|-{4,}|\*{4,}|={4,}"
    r"|For more information|Check your database credentials|https?://\S+$)"
)
_TRACE_KINDS = frozenset((K_TB, K_CHAIN))
"""A traceback header and a chain marker name no cause."""
_SIGNAL = re.compile(
    r"SIGTERM|SIGKILL|SIGSEGV|SIGABRT|\bKilled\b|zombie|killed externally"
    r"|exit(?:ed)? (?:with )?code|return(?:ed)? (?:code|non-zero)|non-zero exit|heartbeat"
    r"|OOM|out of memory|Lost executor"
    r"|does not match the current pid|Exception|Error\b|FAILED|\bfailed\b|refused|denied"
    r"|command not found|No such file or directory|Aucun fichier ou dossier"
    r"|Datei oder Verzeichnis nicht gefunden|No existe el archivo",
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
_CHILD_PREFIX = re.compile(rf"\{{(?:{'|'.join(RELAY_SOURCES)})\.py:\d+\}}")
"""A child's output under a nested record prefix (whose own logger replaces the source)."""
_STOPPED = re.compile(
    r"SIGTERM|SIGKILL|SIGSEGV|SIGABRT|\bKilled\b|zombie|killed externally|OOM|out of memory"
    r"|Lost executor|does not match the current pid|heartbeat",
    re.IGNORECASE,
)
"""An error record that says the task was stopped explains the failure that follows it."""
_NEW_ATTEMPT = re.compile(r"^Starting attempt \d+ of \d+|^Executing <Task|^Running <TaskInstance")
_TRACEBACK = re.compile(r"^\s*(?:\+\s*)?(?:Exception Group )?Traceback \(most recent call last\)")

CAUSE_SCORE = 3
"""Lowest score of a context line kept as a cause line."""


def _score(line: Record) -> int:
    text = line.message.strip()
    if not text or line.kind in _TRACE_KINDS or _NOISE.match(text) or FRAME_RE.match(text):
        return 0
    score = 0
    if text.startswith("Caused by:") or java_header(text) or EMBEDDED_EXC_RE.search(text):
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
    child = is_relay_source(line.source)
    if not score and not child:
        return 0  # a category match alone (2) cannot reach CAUSE_SCORE: skip the costly rules
    if match(text, folded=folded) is not None:
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
    words |= {f"{name}.py:" for name in RELAY_SOURCES}
    words |= {"traceback (most recent", "starting attempt", "executing <task", "running <task"}
    # a word that contains another is found through the shorter one
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


_CONTEXT_WORDS = _context_words()
_JAVA_DOT = re.compile(r"\.[A-Z]")
_JAVA_TYPE_HINT = re.compile(r"[a-z_$][\w$]*\.[A-Z]")


def _scoring_lines(text: str) -> set[int]:
    """Indices of the lines of ``text`` that may reach ``CAUSE_SCORE`` (a superset)."""
    starts = _line_starts(text)
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
    """Offsets in ``text`` where its lines start."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _ends_another_failure(raw: str, line: Record) -> bool:
    """Whether a context line closes what came before it: another failure or task attempt."""
    text = line.message.strip()
    if _NEW_ATTEMPT.match(text):
        return True
    if is_relay_source(line.source) or _CHILD_PREFIX.search(raw, 0, 120):
        return False  # a child's output is what a wrapper failure reports
    if line.level in ERROR_LEVELS and not _STOPPED.search(text):
        return True
    return bool(
        text.startswith("Caused by:") or _TRACEBACK.match(text) or EMBEDDED_EXC_RE.search(text)
    )


def _is_frame(line: str) -> bool:
    m = FRAME_RE.match(parse_record(strip_ansi(line)).message)
    return m is not None and m["more"] is None


HEAD_LINES = 3
"""Most context lines between a trace's exception line and its first frame."""


def same_failure_context(context: Sequence[str], first_line: str = "") -> tuple[str, ...]:
    """The context lines after the last one that reports another failure or attempt.

    A line reports another failure when it is a record at ERROR level or above
    (unless it says the task was stopped: SIGTERM, OOM, a lost executor), a
    traceback or an exception line, unless a child process printed it (a
    subprocess's output is the cause a generic wrapper hides).  A line that
    starts a task attempt ("Starting attempt 2 of 3") ends the previous one.
    When the event's ``first_line`` is a stack frame, the exception line just
    before it (within ``HEAD_LINES``) is the event's own head, not another
    failure.  Only lines holding a word that could decide are parsed.
    """
    text = "\n".join(context)
    if not text:
        return ()
    if "\x1b" in text or "\r" in text:
        text = strip_ansi(text)
    raw_lines = text.split("\n")
    own_head = bool(first_line) and _is_frame(first_line)
    for pos in sorted(_scoring_lines(text), reverse=True):
        raw = raw_lines[pos]
        if _ends_another_failure(raw, parse_record(raw)):
            if own_head and pos >= len(raw_lines) - HEAD_LINES:
                own_head = False
                continue
            return tuple(context[pos + 1 :])
    return tuple(context)


def cause_lines_of(context: Iterable[str], before: Sequence[Record]) -> tuple[str, ...]:
    """Up to five lines naming the cause: most relevant first, the later of equals first.

    ``context`` must hold only lines of the event's own failure (see
    :func:`same_failure_context`).  Context lines without a word that could
    score are not parsed at all: an event carries ~20 of them, mostly ordinary
    INFO lines.
    """
    text = "\n".join(context)
    if "\x1b" in text or "\r" in text:
        text = strip_ansi(text)
    raw_lines = text.split("\n") if text else []
    keep = _scoring_lines(text) if text else set()
    candidates: list[tuple[int, Record]] = [
        (pos, parse_record(raw_lines[pos])) for pos in sorted(keep)
    ]
    candidates += [(len(raw_lines) + k, line) for k, line in enumerate(before)]
    scored: dict[str, tuple[int, int]] = {}
    for pos, line in candidates:
        score = _score(line)
        if score >= CAUSE_SCORE:
            text = line.message.strip()[:MAX_LINE_CHARS]
            scored[text] = (score, pos)
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))
    return tuple(text for text, _ in ranked[:MAX_CAUSE_LINES])
