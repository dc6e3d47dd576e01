"""Condense an event into the few facts a summary needs (pure, no model).

A 300-line trace is mostly framework frames.  What an on-call engineer needs is
the log record that introduced the event, the exception lines with their
chained causes, the innermost application frame and the lines a subprocess
printed about the cause.  :func:`extract_facts` pulls these out (after masking
secrets with the Redactor, so nothing below ever sees them), :func:`condense`
renders them as a short text block and :func:`what_failed` as one sentence.
The exception lines and frames come from :mod:`logsumd.parse._exception_lines`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from logsumd.parse import (
    ExcRecord,
    format_frame,
    parse_app_frames,
    parse_exceptions,
    strip_type_prefixes,
)
from logsumd.records import Classification, Event
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
    "parse_exceptions",
    "strip_ansi",
    "trim",
    "what_failed",
]

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_CARET_RE = re.compile(r"^\s*[\^~]+\s*$")
_PREFIX_RES = (
    re.compile(r"^\[[^\]]*\]:?\s*"),
    re.compile(r"^\{[^}]*\}\s*"),
    re.compile(r"^\d{2,4}[-/]\d{2}[-/]\d{2}(?:[T ,]\s*)?"),
    re.compile(r"^\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2}| UTC)?\s*"),
    re.compile(r"^(?:DEBUG|INFO|WARN(?:ING)?|ERROR|CRITICAL|FATAL|SEVERE)\b:?\s*", re.I),
    re.compile(r"^-\s+"),
)
_LOGGER_RE = re.compile(r"^(?P<logger>[A-Za-z_][\w$]*(?:\.[\w$]+)+)\s*(?:\[[^\]]*\])?\s*[-:]\s+")
_SHORT_LOGGER_RE = re.compile(r"^(?P<logger>root|[A-Z]\w+):(?=\S|\s)\s*")
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


def strip_ansi(text: str) -> str:
    """Remove ANSI colour and terminal control sequences."""
    return ANSI_RE.sub("", text)


def clean_lines(text: str) -> list[str]:
    """Event text as lines without ANSI codes, ``\\r`` and ``^^^^`` caret lines."""
    out: list[str] = []
    for raw in strip_ansi(text).split("\n"):
        line = raw.replace("\r", "").rstrip()
        if _CARET_RE.match(line) and line.strip():
            continue
        out.append(line)
    return out


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
    """The message of a log record line, without timestamp, level and logger noise."""
    text = strip_ansi(line).replace("\r", "").strip()
    changed = True
    while changed and text:
        changed = False
        for pattern in _PREFIX_RES:
            new = pattern.sub("", text, count=1)
            if new != text:
                text, changed = new, True
    match = _LOGGER_RE.match(text)
    if match:
        short = match.group("logger").rsplit(".", 1)[-1]
        text = f"{short}: {text[match.end() :]}"
    else:
        short_match = _SHORT_LOGGER_RE.match(text)
        if short_match and short_match.group("logger") == "root":
            text = text[short_match.end() :]
    return text.strip()


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


def _chain_facts(records: list[ExcRecord]) -> tuple[str, str, tuple[str, ...]]:
    """(error, root, via) from the exception records of one event."""
    caused = [r for r in records if r.caused_by]
    if caused:
        outer = next((r for r in records if not r.caused_by), records[0])
        root = caused[-1]
    else:
        root, outer = records[0], records[-1]
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
    for rec in records:
        if rec.type not in seen:
            seen.add(rec.type)
            via.append(rec.type)
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


def extract_facts(event: Event, cls: Classification, redactor: RedactorLike) -> Facts:
    """The facts of ``event``: secrets are masked before anything is parsed."""
    lines = clean_lines(redactor.redact(event.text))
    first = next((ln for ln in lines if ln.strip()), "")
    header = trim(header_message(first), HEADER_CHARS).rstrip(" .:")
    records = parse_exceptions(lines)
    if header.lower().rstrip(":") in GENERIC_HEADERS or (
        records and _norm(header).startswith(_norm(records[0].type))
    ):
        header = ""
    if records:
        error, root, via = _chain_facts(records)
    elif cls.chain:
        error, root, via = _chain_facts(
            [ExcRecord(c.type, redactor.redact(c.message), False) for c in cls.chain]
        )
    else:
        salient = [s for s in _salient_lines(lines[1:]) if _norm(s) != _norm(header)]
        error, root, via = "; ".join(salient[:3]), "", ()
    frame = cls.app_frame
    if frame is None:
        app_frames = parse_app_frames(lines)
        frame = app_frames[-1] if app_frames else None
    where = redactor.redact(format_frame(frame)) if frame is not None else ""
    causes: list[str] = []
    for line in cls.cause_lines:
        text = trim(header_message(redactor.redact(line)), LINE_CHARS).rstrip(" .")
        if text and _norm(text) not in _norm(f"{header} {error} {root}"):
            causes.append(text)
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
