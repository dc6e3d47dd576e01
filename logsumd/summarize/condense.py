"""Condense an event into the few facts a summary needs (pure, no model).

A 300-line trace is mostly framework frames.  What an on-call engineer needs is
the log record that introduced the event, the exception lines with their
chained causes, the innermost application frame and the lines a subprocess
printed about the cause.  :func:`extract_facts` pulls these out (after masking
secrets with the Redactor, so nothing below ever sees them), :func:`condense`
renders them as a short text block and :func:`what_failed` as one sentence.
The record prefixes, exceptions (with their message lines and chain order) and
application frames come from the trace model (:func:`logsumd.parse.parse`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from logsumd.parse import (
    CARET_RE,
    ParsedException,
    Trace,
    is_app_frame,
    parse,
    parse_record,
    strip_ansi,
    strip_type_prefixes,
)
from logsumd.records import Classification, Event, Frame
from logsumd.summarize.output_check import cut_label_imitation

__all__ = [
    "CONDENSED_CHARS",
    "Facts",
    "RedactorLike",
    "clean_lines",
    "condense",
    "extract_facts",
    "facts_block",
    "header_message",
    "message_text",
    "trim",
    "what_failed",
]

_LOGGER_RE = re.compile(r"[A-Za-z_][\w$]*(?:\.[\w$]+)*")
_DOTTED_LEAD_RE = re.compile(r"(?P<name>[A-Za-z_][\w$]*(?:\.[\w$]+)+)\s*(?:\[[^\]]*\])?\s*[-:]\s+")
_SALIENT_RE = re.compile(
    r"error|fail|fatal|exception|invalid|not found|does not exist|denied|refused|unable|"
    r"cannot|can't|could not|timed out|timeout|killed|no such|not allowed|unauthori[sz]ed|"
    r"forbidden|missing|sigterm|sigkill|out of memory|oom|not authori[sz]ed|not permitted|"
    r"permission|unset|not set|incorrect|wrong|locked|expired|exceeded|too many|no module|"
    r"not defined|isn't defined|mismatch|not recognized|does not match|unknown|unexpected",
    re.I,
)
_ADVICE_RE = re.compile(
    r"^(if you|for more|see |see:|please|try |to (fix|resolve|ignore)|and deleting|"
    r"on the settings page|check your|visit|learn more|hint:)",
    re.I,
)
_ADVICE_CLAUSE_RE = re.compile(r"[,;]\s+(use|try|set|please|consider|see)\b.*$", re.I)
_CODEISH_RE = re.compile(
    r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|'[^']+\.\w{2,5}'|\b\w+\.(csv|json|parquet|py)\b"
)
_ID_FIELD_RE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\s+")
_VERSION_RE = re.compile(r"\s*\(version [^()]*(?:\([^()]*\)[^()]*)?\)")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
GENERIC_HEADERS = (
    "task failed with exception",
    "traceback (most recent call last)",
    "exception in thread",
)
ELLIPSIS = "…"

HEADER_CHARS = 110
MESSAGE_CHARS = 230
SEGMENT_CHARS = 180
LINE_CHARS = 150
TOKEN_CHARS = 64
CONDENSED_CHARS = 1200


class RedactorLike(Protocol):
    """What condense needs of ``logsumd.understand._redact.Redactor``."""

    def redact(self, text: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts of one event, redacted and trimmed, ready for a prompt or a sentence."""

    category: str
    header: str
    error: str
    """``type: message`` of the exception finally raised (or the main error lines)."""
    root: str
    """``type: message`` of the root cause when it adds something, else empty."""
    via: tuple[str, ...]
    """Exception types between root and outer (deduplicated)."""
    where: str
    """Innermost application frame: ``function (file:line)``."""
    causes: tuple[str, ...]
    """Lines printed before the trace that name the cause."""


def clean_lines(text: str) -> list[str]:
    """Event text as lines without ANSI codes, ``\\r`` and ``^^^^`` caret lines."""
    return [
        line
        for line in (raw.rstrip() for raw in strip_ansi(text).split("\n"))
        if not (line.strip() and CARET_RE.match(line))
    ]


def _shorten_token(token: str, limit: int) -> str:
    """Cut a long path-like token at a ``/`` boundary, marking the cut."""
    if len(token) <= limit:
        return token
    cut = max(token.rfind("/", 0, limit), token.rfind("\\", 0, limit))
    if cut <= 8:
        return token[:limit] + ELLIPSIS
    return token[: cut + 1] + ELLIPSIS


def trim(text: str, limit: int) -> str:
    """Collapse whitespace, shorten long tokens, cut to ``limit`` keeping head and tail."""
    text = " ".join(_shorten_token(tok, TOKEN_CHARS) for tok in text.split())
    if len(text) <= limit:
        return text
    tail_len = min(48, limit // 3)
    head = text[: limit - tail_len - 3]
    head = head[: head.rfind(" ")] if " " in head[limit // 2 :] else head
    tail = text[-tail_len:]
    tail = tail[tail.find(" ") + 1 :] if " " in tail else tail
    return f"{head.rstrip(' ,;:')} {ELLIPSIS} {tail}"


def header_message(line: str) -> str:
    """The message of a log record line, without its prefix; a logger it names, shortened.

    ``2031-02-03 04:05:06 ERROR [main] org.acme.QueryRunner [] - Query failed``
    gives ``QueryRunner: Query failed``; Airflow's ``{file.py:12}`` and ``root``
    are left out.  A message that starts with a dotted name (``a.b.SomeError: x``)
    keeps only its last part.
    """
    rec = parse_record(strip_ansi(line).strip())
    text = rec.message.strip()
    src = rec.source
    if rec.prefixed and src and src != "root" and _LOGGER_RE.fullmatch(src):
        return f"{src.rsplit('.', 1)[-1]}: {text}"
    lead = _DOTTED_LEAD_RE.match(text)
    if lead is not None:
        return f"{lead['name'].rsplit('.', 1)[-1]}: {text[lead.end() :]}".strip()
    return text


def _keep_segment(segment: str) -> bool:
    """Whether one sentence of an error message is worth a phone screen."""
    if _ADVICE_RE.match(segment):
        return False
    return bool(_SALIENT_RE.search(segment) or _CODEISH_RE.search(segment))


def message_text(message: str, limit: int = MESSAGE_CHARS) -> str:
    """The informative sentences of a (multi-line) message, in order, within ``limit``.

    Query ids and advice boilerplate (``If you ...``, ``For more information ...``)
    are dropped; the first sentence is always kept (cut when too long).
    """
    message = _VERSION_RE.sub("", _ID_FIELD_RE.sub("", message))
    segments: list[str] = []
    for line in message.split("\n"):
        segments += [s.strip() for s in _SENTENCE_RE.split(line.strip()) if s.strip()]
    if not segments:
        return ""
    out = [trim(_ADVICE_CLAUSE_RE.sub("", segments[0]), limit)]
    used = len(out[0])
    for raw_segment in segments[1:]:
        segment = _ADVICE_CLAUSE_RE.sub("", raw_segment)
        if not _keep_segment(segment):
            continue
        short = trim(segment, SEGMENT_CHARS)
        if used + len(short) + 2 > limit:
            continue
        out.append(short)
        used += len(short) + 2
    text = out[0]
    for segment in out[1:]:
        text += (" " if text[-1:] in ".;:,!?" else "; ") + segment
    return text


def _fmt_exc(exc_type: str, message: str) -> str:
    message = message_text(message).rstrip(" .:")
    return f"{exc_type}: {message}" if message else exc_type


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class _Exc:
    """One exception of the chain as condensation sees it: type and message lines."""

    type: str
    message: str
    """The message lines joined by newlines."""


def _trace_chain(trace: Trace) -> tuple[list[_Exc], _Exc, _Exc]:
    """(chain in printed order, root, outer) of a trace; suppressed exceptions left out."""
    excs = {
        k: _Exc(e.type, "\n".join(e.message_lines))
        for k, e in enumerate(trace.exceptions)
        if not e.suppressed
    }
    return list(excs.values()), excs[trace.causal[0]], excs[trace.causal[-1]]


def _chain_facts(chain: list[_Exc], root: _Exc, outer: _Exc) -> tuple[str, str, tuple[str, ...]]:
    """(error, root, via) from the exceptions of one event."""
    root_msg = strip_type_prefixes(root.message)
    outer_msg = strip_type_prefixes(outer.message)
    if root is not outer and root_msg:
        flat_outer = " ".join(outer_msg.split())
        flat_root = " ".join(root_msg.split())[:40]
        cut = flat_outer.find(f"{root.type}: {flat_root}")
        if cut < 0:
            cut = flat_outer.find(flat_root)
        if cut == 0:
            outer_msg = ""
        elif cut > 0:
            outer_msg = flat_outer[:cut].rstrip(" :,;")
    error = _fmt_exc(outer.type, outer_msg)
    root_text = ""
    if root is not outer and root.type != outer.type:
        if root_msg and _norm(root_msg) not in _norm(outer_msg):
            root_text = _fmt_exc(root.type, root_msg)
        else:
            root_text = root.type
    seen = {outer.type, root.type}
    via: list[str] = []
    for exc in chain:
        if exc.type not in seen:
            seen.add(exc.type)
            via.append(exc.type)
    return error, root_text, tuple(via[:3])


def _salient_lines(lines: list[str]) -> list[str]:
    """Error-looking lines of an event without exception lines (dbt, tool output)."""
    out: list[str] = []
    for line in lines:
        text = header_message(line).lstrip(">* ").strip()
        if not text or text.endswith(":") or not _SALIENT_RE.search(text):
            continue
        out.append(trim(text, LINE_CHARS).rstrip(" ."))
    return out


def _real_exceptions(trace: Trace) -> list[ParsedException]:
    """The exceptions of a trace that are printed as such (not an ERROR record's text)."""
    return [e for e in trace.exceptions if e.lang != "log"]


def _format_frame(frame: Frame) -> str:
    """``function (file:line)``; a long path is shortened to its file name."""
    path = frame.file if len(frame.file) <= 60 else re.split(r"[\\/]", frame.file)[-1]
    where = f"{path}:{frame.line}" if frame.line is not None else path
    return f"{frame.function.strip()} ({where})"


def extract_facts(event: Event, cls: Classification, redactor: RedactorLike) -> Facts:
    """The facts of ``event``: secrets are masked before anything is parsed."""
    text = redactor.redact(event.text)
    lines = clean_lines(text)
    trace = parse(text)
    first = next((ln for ln in lines if ln.strip()), "")
    header = trim(header_message(first), HEADER_CHARS).rstrip(" .:")
    real = _real_exceptions(trace)
    named = real or trace.exceptions
    if header.lower().rstrip(":") in GENERIC_HEADERS or (
        named and _norm(header).startswith(_norm(named[0].type))
    ):
        header = ""
    if real:
        error, root, via = _chain_facts(*_trace_chain(trace))
    elif cls.chain:
        chain = [_Exc(c.type, redactor.redact(c.message)) for c in cls.chain]
        error, root, via = _chain_facts(chain, chain[0], chain[-1])
    else:
        salient = [s for s in _salient_lines(lines[1:]) if _norm(s) != _norm(header)]
        error, root, via = "; ".join(salient[:3]), "", ()
    frame = cls.app_frame
    if frame is None:
        app_frames = trace.app_frames(1) or tuple(f for f in trace.loose_frames if is_app_frame(f))
        frame = app_frames[0] if app_frames else None
    where = redactor.redact(_format_frame(frame)) if frame is not None else ""
    causes: list[str] = []
    for line in cls.cause_lines:
        cause = trim(header_message(redactor.redact(line)), LINE_CHARS).rstrip(" .")
        if cause and _norm(cause) not in _norm(f"{header} {error} {root}"):
            causes.append(cause)
    # a log line imitating our labels ("Likely cause: ...") neither steers the model
    # nor is quoted by the deterministic sentence
    header, error, root = map(cut_label_imitation, (header, error, root))
    causes = [c for c in map(cut_label_imitation, causes) if c]
    return Facts(cls.category, header, error, root, via, where, tuple(causes[:2]))


def facts_block(facts: Facts) -> str:
    """The facts as ``Label: value`` lines: the event part of a prompt."""
    rows = [
        ("Log", facts.header),
        ("Error", facts.error),
        ("Root cause", facts.root),
        ("Where", facts.where),
    ]
    rows += [("Before", cause) for cause in facts.causes]
    return "".join(f"{label}: {value}\n" for label, value in rows if value)


def condense(event: Event, cls: Classification, redactor: RedactorLike) -> str:
    """The event condensed to at most ~1,200 redacted characters."""
    facts = extract_facts(event, cls, redactor)
    text = f"Category: {facts.category}\n" + facts_block(facts)
    if facts.via:
        text += f"Via: {', '.join(facts.via)}\n"
    return text if len(text) <= CONDENSED_CHARS else text[: CONDENSED_CHARS - 1] + ELLIPSIS


def _no_sentence_break(text: str) -> str:
    """Join the sentences of a log message with ``;`` so a summary stays one sentence."""
    return re.sub(r"(?<=[A-Za-z0-9)'\"])\.\s+(?=[A-Z])", "; ", text)


def what_failed(facts: Facts) -> str:
    """One deterministic sentence: what failed, with identifiers copied exactly."""
    main = facts.error or facts.header
    head = facts.header if facts.error and facts.header else ""
    text = f"{head}: {main}" if head else main
    if facts.root:
        joiner = ", caused by " if ":" in facts.root else ", from "
        text += joiner + facts.root
    if facts.where:
        text += f", in {facts.where}"
    if facts.causes:
        text += f" (after: {facts.causes[0]})"
    text = _no_sentence_break(text.strip())
    return text.rstrip(" .;:,") + "." if text else ""
