"""Evaluate the pipeline on labelled events, under one or several summarizer variants.

Each record's text is written to a file and read back as the daemon reads a log
(:func:`~logsumd.tail.read_file_chunks`, the configured line limit), fed to a fresh
:class:`~logsumd.assemble.Assembler` and flushed at the end of the file.  Detection
is judged on every produced event (:func:`~logsumd.eval._metrics.detects`); the
produced event that holds most of the labelled lines (:func:`match_event`) is then
understood (redacted, classified, fingerprinted) and summarized by each variant,
also when the assembler missed the labelled event, so that detection and
classification are measured apart.  When no produced event overlaps it, its
labelled lines themselves are.

:func:`events_of_raw` and :func:`pick_event` are the older in-memory path that the
training data generator shares with this module.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings, SourceSettings, SummarizerSettings
from logsumd.eval._dataset import LabelledEvent, file_name, load_events
from logsumd.eval._metrics import (
    detects,
    entity_support,
    key_fact_recall,
    root_matches,
    rouge_l_f1,
)
from logsumd.eval._results import EvalResult, RecordResult, VariantResult
from logsumd.parse import is_exception_name, parse
from logsumd.records import Chunk, Classification, Event
from logsumd.summarize import RedactorLike, Summarizer, make_summarizer
from logsumd.tail import read_file_chunks
from logsumd.understand import Redactor, understand

LOG_RECORD = "ERROR record"
"""The root type of an event without an exception (a lone ERROR record), as labelled."""


def events_of_raw(
    record_id: str, raw: str, settings: MultilineSettings, path: str = ""
) -> list[Event]:
    """Feed ``raw`` (read from ``path``, when given) to a fresh Assembler as one chunk."""
    lines = raw.split("\n")
    data = [line.encode("utf-8") for line in lines]
    offsets: list[int] = []
    pos = 0
    for line in data:
        offsets.append(pos)
        pos += len(line) + 1
    chunk = Chunk(path or f"<{record_id}>", record_id, data, offsets, 1, pos, time.time())
    assembler = Assembler(settings)
    return [*assembler.feed(chunk), *assembler.flush_all()]


def pick_event(events: list[Event]) -> Event | None:
    """The event covering the most lines."""
    if not events:
        return None
    return max(events, key=lambda e: e.line_end - e.line_start)


def events_of_file(path: str, source: SourceSettings) -> list[Event]:
    """Every event of the file at ``path``, read from its start and flushed at its end."""
    assembler = Assembler(source.multiline)
    events: list[Event] = []
    file_id = ""
    for chunk in read_file_chunks(path, source):
        file_id = chunk.file_id
        events += assembler.feed(chunk)
    if file_id:
        events += assembler.close_file(file_id)
    return [*events, *assembler.flush_all()]


def _overlap(event: Event, span: tuple[int, int]) -> int:
    return min(event.line_end, span[1]) - max(event.line_start, span[0]) + 1


def match_event(events: Sequence[Event], labelled: LabelledEvent) -> tuple[Event | None, bool]:
    """(the produced event judged for ``labelled``, whether some event detects it).

    The event judged is the one that holds most of the labelled lines, a detecting
    one on a tie: where the daemon splits a labelled event in pieces, the user gets
    every piece, and the largest speaks for it.  None when no event overlaps it.
    """
    span = labelled.span

    def detecting(e: Event) -> bool:
        return detects((e.line_start, e.line_end), span, labelled.first_exception_line)

    near = [e for e in events if _overlap(e, span) > 0]
    judged = max(near, key=lambda e: (_overlap(e, span), detecting(e))) if near else None
    return judged, any(map(detecting, near))


def labelled_lines_event(labelled: LabelledEvent, path: str, context_lines: int) -> Event:
    """An event of the labelled lines, with the lines before them as context."""
    first, last = labelled.span
    strip = [line.removesuffix("\r") for line in labelled.lines(1, last)]
    text = "\n".join(strip[first - 1 :])
    context = tuple(strip[max(0, first - 1 - context_lines) : first - 1])
    return Event(path, "eval", first, last, 0, len(text), text, 0.0, 0.0, "labelled", 0, context)


@dataclass(frozen=True, slots=True)
class Understood:
    """What the daemon made of one labelled event, before any summarizer runs."""

    labelled: LabelledEvent
    event: Event
    """The produced (or, when missed, labelled) event, redacted."""
    classification: Classification
    detected: bool
    exact_span: bool
    root: str
    """The predicted root exception type, ``ERROR record`` for a lone log record."""
    evidence: str
    """The record's whole text with secrets masked, as the summarizers may quote it."""

    def root_match(self) -> tuple[bool | None, bool | None]:
        """(exact, last-component) agreement of :attr:`root` with the labelled root;
        (None, None) when the record labels none."""
        gold = self.labelled.exception_type
        return root_matches(self.root, gold) if gold else (None, None)


def _names_exception(event: Event, cls: Classification) -> bool:
    """Whether the event's root is an exception, not a log record's logger or level.

    A lone exception line (``UnicodeDecodeError: ...`` without a traceback) parses as
    a log record whose logger is the exception's name: it names an exception.
    """
    root = parse(event.text).root
    if root is None:
        return False
    return root.lang != "log" or is_exception_name(cls.exception_type)


def understand_record(
    labelled: LabelledEvent, path: str, source: SourceSettings, redactor: Redactor
) -> Understood:
    """Assemble the text at ``path`` (``labelled.text``), pick its event, understand it."""
    event, detected = match_event(events_of_file(path, source), labelled)
    exact = detected and event is not None and (event.line_start, event.line_end) == labelled.span
    if event is None:
        event = labelled_lines_event(labelled, path, source.multiline.context_lines)
    clean, cls, _ = understand(event, redactor)
    name = cls.exception_type if _names_exception(clean, cls) else LOG_RECORD
    evidence = redactor.redact(labelled.text)
    return Understood(labelled, clean, cls, detected, exact, name, evidence)


def score_record(
    item: Understood, summary: str, summarizer: str, latency: float, category: str = ""
) -> RecordResult:
    """Every per-event measure of one summarized event; ``category`` is the one its
    diagnosis reports (the alert's), "" for the classifier's."""
    labelled = item.labelled
    ok, total = entity_support(summary, item.evidence)
    exact, short = item.root_match()
    return RecordResult(
        id=labelled.id,
        format=labelled.format,
        gold=labelled.category,
        predicted=category or item.classification.category,
        detected=item.detected,
        exact_span=item.exact_span,
        root_gold=labelled.exception_type,
        root_predicted=item.root,
        root_exact=exact,
        root_short=short,
        summary=summary,
        summarizer=summarizer,
        latency_secs=latency,
        recall=key_fact_recall(summary, labelled.key_facts),
        entities_ok=ok,
        entities=total,
        rouge_l=rouge_l_f1(summary, labelled.summary) if labelled.summary else None,
    )


def understand_all(
    events: Sequence[LabelledEvent], source: SourceSettings, redactor: Redactor
) -> list[Understood]:
    """Each labelled event written to a file of its own, read, assembled and understood."""
    out: list[Understood] = []
    with tempfile.TemporaryDirectory(prefix="logsumd-eval-") as tmp:
        for k, labelled in enumerate(events):
            path = os.path.join(tmp, f"{k:05d}", file_name(labelled.source_path, "event.log"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(labelled.text)
            out.append(understand_record(labelled, path, source, redactor))
    return out


def _evaluate_variant(name: str, summarizer: Summarizer, items: list[Understood]) -> VariantResult:
    result = VariantResult(name)
    for item in items:
        started = time.perf_counter()
        summary = summarizer.summarize(item.event, item.classification)
        latency = time.perf_counter() - started
        result.records.append(
            score_record(item, summary.text, summary.summarizer, latency, summary.category)
        )
    return result


def run_eval(
    dataset: str,
    variants: Sequence[tuple[str, SummarizerSettings]],
    state_dir: str,
    redactor: Redactor | None = None,
    source: SourceSettings | None = None,
    split: str | None = None,
) -> EvalResult:
    """Run every variant over ``dataset`` (one split of it); each summarizer is built once."""
    events = load_events(dataset, split)
    redactor = redactor or Redactor(())
    source = source or SourceSettings(include=(dataset,))
    items = understand_all(events, source, redactor)
    summarizer_redactor: RedactorLike = redactor
    results: list[VariantResult] = []
    for name, settings in variants:
        summarizer = make_summarizer(settings, state_dir, summarizer_redactor)
        try:
            results.append(_evaluate_variant(name, summarizer, items))
        finally:
            summarizer.close()
    return EvalResult(dataset, split, results)


VARIANTS = ("rules", "catalogue", "llama", "llama+adapter", "openai")
"""``--compare`` names: rules, the diagnosis catalogue without a model, the model with
few-shot prompts (no adapter), the model with the LoRA adapter (the configured one,
else the shipped ``default``), and the model server of ``summarizer.openai``; the
model variants run behind the catalogue."""


def compare_variants(
    settings: SummarizerSettings, names: Sequence[str] = ("rules", "llama")
) -> list[tuple[str, SummarizerSettings]]:
    """The ``--compare`` set: the rule-based summarizer and the model variants named."""
    adapter = settings.adapter if settings.adapter not in ("", "none") else "default"
    table = {
        "rules": replace(settings, backend="rules"),
        "catalogue": replace(settings, backend="catalogue"),
        "llama": replace(settings, backend="llama", adapter="none"),
        "llama+adapter": replace(settings, backend="llama", adapter=adapter),
        "openai": replace(settings, backend="openai"),
    }
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown variant {unknown[0]!r} (expected {', '.join(VARIANTS)})")
    if "openai" in names and not (settings.openai.base_url and settings.openai.model):
        raise ValueError("variant 'openai' needs summarizer.openai base_url and model (-c)")
    return [(name, table[name]) for name in names]
