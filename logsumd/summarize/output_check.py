"""Check a summary against its event: short, and every named thing copied, not invented.

A summary may only name paths, file names, hosts, tables, columns, numbers and
dates that occur in the event text (compared after normalising case, quotes and
whitespace).  :func:`check_summary` lists every problem; an empty list means the
summary may be sent.  :func:`extract_entities` is shared with the evaluation
metrics (entity precision).

Log text must not speak for itself: :func:`cut_label_imitation` drops what a
log line says after a label of our own (``Likely cause:``, ``Check:``), and
:func:`label_problems` refuses a model answer that writes such a label or
repeats what a log line said after one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logsumd.parse import strip_ansi
from logsumd.summarize.prompt_examples import CANARY_STEMS
from logsumd.understand import skeleton

MAX_SENTENCES = 2
MAX_WORDS = 90

_QUOTE_TRANS = str.maketrans(dict.fromkeys('"`´‘’“”«»', "'"))
_TRAILING = ".,;:)]}>!?…"
_LEADING = "([{<"

_URL = r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>()\[\]]+"
_PATH = r"(?<![\w:/\\])(?:[A-Za-z]:|file:|s3a?:|gs:|hdfs:|abfss?:)?(?:[\\/][\w.$~@+*=-]+)+[\\/]?"
_FILE = (
    r"\b[\w.-]*\w\.(?:py|java|scala|jar|csv|tsv|json|jsonl|parquet|avro|orc|sql|txt|log|xml"
    r"|ya?ml|conf|cfg|ini|toml|gz|zip|sh|properties|gguf|ipynb|xlsx?|html?)\b(?!\.\w)"
)
_HOST = (
    r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|dev|cloud|internal|local|invalid|svc|cluster|"
    r"amazonaws|lan|corp)\b"
)
_DATE = (
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
)
_TIME = r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b"
_NUMBER = r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])"
# An apostrophe inside a word ("the job's user") opens no quote.
_QUOTED = r"(?<![\w'])'([^'\n…]{1,80})'(?![\w'])|\"([^\"\n…]{1,80})\"|`([^`\n…]{1,80})`"
_SNAKE = r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*[A-Za-z0-9]\b"
_DOTTED = r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\b"
_CAMEL = r"\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\b"

ENTITY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", re.compile(_URL)),
    ("date", re.compile(_DATE)),
    ("path", re.compile(_PATH)),
    ("file", re.compile(_FILE)),
    ("host", re.compile(_HOST, re.I)),
    ("time", re.compile(_TIME)),
    ("number", re.compile(_NUMBER)),
    ("quoted", re.compile(_QUOTED)),
    ("identifier", re.compile(f"{_SNAKE}|{_DOTTED}|{_CAMEL}")),
)
METRIC_KINDS = frozenset({"url", "date", "path", "file", "host", "time", "number", "quoted"})
"""The kinds that entity precision counts: paths, file names, numbers, dates, quoted names."""
_NOT_IDENTIFIERS = frozenset({"e.g", "i.e", "etc"})


_LABEL = re.compile(
    r"(?i)\b(?:likely\s+cause|root\s+cause|cause|check|next)[*_~`]*\s*(?::|[-\u2013\u2014]\s)"
)
"""The labels of our summaries and prompts (``Likely cause:``, ``Check:``, ``Root cause:``),
also in Markdown emphasis (``**Check**:``) or with a dash (``Check - ...``); matched in
the text's skeleton (:func:`logsumd.understand.skeleton`: fullwidth colons, Cyrillic
look-alikes)."""
_CONTENT = re.compile(r"[a-z][a-z0-9_]{3,}")


def _label_at(text: str) -> int | None:
    """Where in ``text`` a label of ours starts, read as it looks (look-alikes made ASCII)."""
    view = None if text.isascii() else skeleton(text)
    m = _LABEL.search(view.text if view is not None else text)
    if m is None:
        return None
    if view is None:
        return m.start()
    span = view.span_in_source(m.start(), m.end())
    return span[0] if span is not None else m.start()


def cut_label_imitation(text: str) -> str:
    """``text`` without what follows a label of our own (a log line imitating a summary)."""
    at = _label_at(text)
    return text if at is None else text[:at].rstrip(" -:;,*_~`\u2013\u2014")


def label_problems(clause: str, evidence: str) -> list[str]:
    """Why a model's clause is refused: it writes a label, or repeats a label imitation.

    What a log line says after ``Likely cause:`` or ``Check:`` is the log
    speaking for itself; a clause naming any of its words that the rest of
    the event does not name repeats it.
    """
    if _label_at(clause) is not None:
        return ["writes a label of its own"]
    imitated: set[str] = set()
    rest: list[str] = []
    for line in evidence.lower().split("\n"):
        at = _label_at(line)
        if at is None:
            rest.append(line)
            continue
        rest.append(line[:at])
        imitated.update(_CONTENT.findall(line[at:]))
    if not imitated:
        return []
    echoed = set(_CONTENT.findall(clause.lower())) & imitated
    if echoed - set(_CONTENT.findall(" ".join(rest))):
        return ["repeats a log line that imitates the summary's labels"]
    return []


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing found in a summary."""

    kind: str
    value: str


def normalise(text: str) -> str:
    """Lower case, one kind of quote, no ANSI codes, single spaces."""
    return " ".join(strip_ansi(text).translate(_QUOTE_TRANS).lower().split())


def _clean(value: str) -> str:
    value = value.strip().rstrip(_TRAILING).lstrip(_LEADING)
    return value.rstrip(_TRAILING)


def extract_entities(text: str) -> list[Entity]:
    """Paths, URLs, file names, hosts, dates, times, numbers, quoted names and identifiers.

    Spans already claimed by an earlier kind (a URL, a date) are not counted again
    as their parts (a number inside a date).
    """
    original, text = text, text.replace("…", " ")
    taken: list[tuple[int, int]] = []
    found: list[Entity] = []
    for kind, pattern in ENTITY_PATTERNS:
        # a quote cut by the headline's elision is no quote: its parts count as the
        # other kinds they are (a host, a number), each checked against the event
        for match in pattern.finditer(original if kind == "quoted" else text):
            start, end = match.span()
            inside = any(a <= start and end <= b for a, b in taken)
            if kind != "quoted" and inside:
                continue
            groups = [g for g in match.groups() if g] if kind == "quoted" else []
            value = _clean(groups[0] if groups else match.group(0))
            if len(value) < 2 and kind != "number":
                continue
            if kind == "identifier" and value.lower() in _NOT_IDENTIFIERS:
                continue
            taken.append((start, end))
            found.append(Entity(kind, value))
    return found


def occurs_in(entity: Entity, norm_event: str) -> bool:
    """Whether ``entity`` occurs in an already normalised event text."""
    value = normalise(entity.value)
    if not value:
        return True
    if entity.kind in ("number", "time", "date"):
        return re.search(rf"(?<![\d]){re.escape(value)}(?![\d])", norm_event) is not None
    return value in norm_event


def count_sentences(text: str) -> int:
    """Sentences of a summary: ``. ! ?`` followed by a space and a capital or the end."""
    body = re.sub(_QUOTED, "q", text)
    ends = re.findall(r"[.!?](?=\s+[A-Z]|\s*$)", body.strip())
    return max(1, len(ends))


def check_summary(summary: str, event_text: str) -> list[str]:
    """Problems of ``summary`` for ``event_text``; an empty list means it is fine."""
    text = summary.strip()
    if not text:
        return ["summary is empty"]
    problems: list[str] = []
    sentences = count_sentences(text)
    if sentences > MAX_SENTENCES:
        problems.append(f"{sentences} sentences (at most {MAX_SENTENCES})")
    words = len(text.split())
    if words > MAX_WORDS:
        problems.append(f"{words} words (at most {MAX_WORDS})")
    norm_event = normalise(event_text)
    seen: set[str] = set()
    for entity in extract_entities(text):
        key = normalise(entity.value)
        if key in seen:
            continue
        seen.add(key)
        if not occurs_in(entity, norm_event):
            problems.append(f"{entity.kind} {entity.value!r} does not occur in the event")
    norm_summary = normalise(text)
    for stem in CANARY_STEMS:
        if stem in norm_summary and stem not in norm_event:
            problems.append(f"{stem!r} was copied from a prompt example")
    return problems
