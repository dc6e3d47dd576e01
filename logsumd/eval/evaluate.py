"""Evaluate the pipeline on a labelled dataset, one or several summarizer variants.

Each record's ``raw`` text goes through the real stages: split into lines, fed to
the Assembler as one chunk (and flushed), the event covering the most lines is
classified and summarized.  Metrics per variant: events detected, category
accuracy with per-class precision/recall/F1 and macro-F1, key-fact recall,
entity precision, ROUGE-L F1 against the reference summary, latency p50/p90.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings, SummarizerSettings
from logsumd.eval._metrics import (
    ClassReport,
    classification_report,
    entity_support,
    key_fact_recall,
    percentile,
    rouge_l_f1,
)
from logsumd.records import Chunk, Event
from logsumd.summarize import RedactorLike, Summarizer, make_summarizer
from logsumd.understand import Redactor, classify, redact_event


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The outcome of one dataset record under one variant."""

    id: str
    gold: str
    predicted: str
    detected: bool
    summary: str
    summarizer: str
    latency_secs: float
    recall: float
    entities_ok: int
    entities: int
    rouge_l: float | None


@dataclass(slots=True)
class VariantResult:
    """All records of one variant and their aggregate metrics."""

    name: str
    records: list[RecordResult] = field(default_factory=list)

    @property
    def detected(self) -> int:
        """Records for which the assembler produced at least one event."""
        return sum(r.detected for r in self.records)

    @property
    def report(self) -> ClassReport:
        """Category scores of the detected records' classification."""
        return classification_report(
            [r.gold for r in self.records], [r.predicted for r in self.records]
        )

    @property
    def key_fact_recall(self) -> float:
        """Mean key-fact recall over records."""
        return _mean([r.recall for r in self.records])

    @property
    def entity_precision(self) -> float:
        """Entities of all summaries that occur in their raw text, over all entities."""
        total = sum(r.entities for r in self.records)
        return sum(r.entities_ok for r in self.records) / total if total else 1.0

    @property
    def rouge_l(self) -> float:
        """Mean ROUGE-L F1 over records with a reference summary."""
        return _mean([r.rouge_l for r in self.records if r.rouge_l is not None])

    def latency(self, q: float) -> float:
        """Latency percentile of the summarize call, seconds."""
        return percentile([r.latency_secs for r in self.records], q)

    @property
    def paths(self) -> Counter[str]:
        """How many summaries each path (``llama``, ``llama-retry``, ``rules``) wrote."""
        return Counter(r.summarizer for r in self.records)

    @property
    def mean_words(self) -> float:
        """Mean summary length in words."""
        return _mean([float(len(r.summary.split())) for r in self.records])


@dataclass(slots=True)
class EvalResult:
    """Results of every variant on one dataset."""

    dataset: str
    variants: list[VariantResult]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def load_dataset(path: str) -> list[dict[str, Any]]:
    """JSONL records with ``raw``, ``category``, ``key_facts`` and optional ``summary``."""
    records: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            for key in ("raw", "category", "key_facts"):
                if key not in record:
                    raise ValueError(f"{path}:{number}: record has no {key!r}")
            record.setdefault("id", f"line{number}")
            records.append(record)
    return records


def events_of_raw(record_id: str, raw: str, settings: MultilineSettings) -> list[Event]:
    """Feed ``raw`` to a fresh Assembler as one chunk and flush it."""
    lines = raw.split("\n")
    data = [line.encode("utf-8") for line in lines]
    offsets: list[int] = []
    pos = 0
    for line in data:
        offsets.append(pos)
        pos += len(line) + 1
    chunk = Chunk(f"<{record_id}>", record_id, data, offsets, 1, pos, time.time())
    assembler = Assembler(settings)
    return [*assembler.feed(chunk), *assembler.flush_all()]


def pick_event(events: list[Event]) -> Event | None:
    """The event covering the most lines."""
    if not events:
        return None
    return max(events, key=lambda e: e.line_end - e.line_start)


def _evaluate_variant(
    name: str,
    summarizer: Summarizer,
    records: list[dict[str, Any]],
    redactor: RedactorLike,
    multiline: MultilineSettings,
) -> VariantResult:
    result = VariantResult(name)
    for record in records:
        raw: str = record["raw"]
        event = pick_event(events_of_raw(str(record["id"]), raw, multiline))
        detected = event is not None
        if event is None:
            event = Event("<dataset>", str(record["id"]), 1, 1, 0, len(raw), raw, 0.0, 0.0, "none")
        clean = redact_event(event, redactor)  # type: ignore[arg-type]
        cls = classify(clean)
        started = time.perf_counter()
        summary = summarizer.summarize(clean, cls)
        latency = time.perf_counter() - started
        ok, total = entity_support(summary.text, raw)
        reference = record.get("summary")
        result.records.append(
            RecordResult(
                id=str(record["id"]),
                gold=str(record["category"]),
                predicted=cls.category,
                detected=detected,
                summary=summary.text,
                summarizer=summary.summarizer,
                latency_secs=latency,
                recall=key_fact_recall(summary.text, record["key_facts"]),
                entities_ok=ok,
                entities=total,
                rouge_l=rouge_l_f1(summary.text, reference) if reference else None,
            )
        )
    return result


def run_eval(
    dataset: str,
    variants: Sequence[tuple[str, SummarizerSettings]],
    state_dir: str,
    redactor: RedactorLike | None = None,
    multiline: MultilineSettings | None = None,
) -> EvalResult:
    """Run every variant over ``dataset``; each summarizer is built (model loaded) once."""
    records = load_dataset(dataset)
    redactor = redactor or Redactor(())
    multiline = multiline or MultilineSettings()
    results: list[VariantResult] = []
    for name, settings in variants:
        summarizer = make_summarizer(settings, state_dir, redactor)
        try:
            results.append(_evaluate_variant(name, summarizer, records, redactor, multiline))
        finally:
            summarizer.close()
    return EvalResult(dataset, results)


VARIANTS = ("rules", "llama", "llama+adapter")
"""``--compare`` names: rules, the model with few-shot prompts (no adapter), the model
with the LoRA adapter (the configured one, else the shipped ``default``)."""


def compare_variants(
    settings: SummarizerSettings, names: Sequence[str] = ("rules", "llama")
) -> list[tuple[str, SummarizerSettings]]:
    """The ``--compare`` set: the rule-based summarizer and the model variants named."""
    adapter = settings.adapter if settings.adapter not in ("", "none") else "default"
    table = {
        "rules": replace(settings, backend="rules"),
        "llama": replace(settings, backend="llama", adapter="none"),
        "llama+adapter": replace(settings, backend="llama", adapter=adapter),
    }
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown variant {unknown[0]!r} (expected {', '.join(VARIANTS)})")
    return [(name, table[name]) for name in names]


ROWS: tuple[tuple[str, str], ...] = (
    ("events detected", "detected"),
    ("category accuracy", "accuracy"),
    ("category macro-F1", "macro_f1"),
    ("key-fact recall", "recall"),
    ("entity precision", "entity_precision"),
    ("ROUGE-L F1", "rouge_l"),
    ("latency p50 (s)", "p50"),
    ("latency p90 (s)", "p90"),
    ("mean words", "words"),
    ("written by", "paths"),
)


def _cell(variant: VariantResult, key: str) -> str:
    n = len(variant.records)
    values: dict[str, str] = {
        "detected": f"{variant.detected}/{n}",
        "accuracy": f"{variant.report.accuracy:.3f}",
        "macro_f1": f"{variant.report.macro_f1:.3f}",
        "recall": f"{variant.key_fact_recall:.3f}",
        "entity_precision": f"{variant.entity_precision:.3f}",
        "rouge_l": f"{variant.rouge_l:.3f}",
        "p50": f"{variant.latency(50):.3f}",
        "p90": f"{variant.latency(90):.3f}",
        "words": f"{variant.mean_words:.1f}",
        "paths": ", ".join(f"{k} {v}" for k, v in sorted(variant.paths.items())),
    }
    return values[key]


def _per_class_rows(variant: VariantResult) -> list[tuple[str, str, str, str, str]]:
    return [
        (label, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support))
        for label, s in variant.report.per_class.items()
    ]


def format_markdown(result: EvalResult) -> str:
    """A Markdown report: one column per variant, per-class scores, per-record summaries."""
    names = [v.name for v in result.variants]
    out = [f"# logsumd eval: `{Path(result.dataset).name}`", ""]
    out.append("| metric | " + " | ".join(names) + " |")
    out.append("|---|" + "---|" * len(names))
    for label, key in ROWS:
        out.append(f"| {label} | " + " | ".join(_cell(v, key) for v in result.variants) + " |")
    if result.variants:
        first = result.variants[0]
        out += ["", "## Category per class", "", "| category | precision | recall | F1 | n |"]
        out.append("|---|---|---|---|---|")
        out += ["| " + " | ".join(row) + " |" for row in _per_class_rows(first)]
    for variant in result.variants:
        out += ["", f"## Summaries: {variant.name}", "", "| id | by | recall | summary |"]
        out.append("|---|---|---|---|")
        for r in variant.records:
            text = r.summary.replace("|", "\\|").replace("\n", " ")
            out.append(f"| {r.id} | {r.summarizer} | {r.recall:.2f} | {text} |")
    return "\n".join(out) + "\n"


def format_text(result: EvalResult) -> str:
    """A plain-text table of the aggregate metrics, one column per variant."""
    names = [v.name for v in result.variants]
    width = max(len(label) for label, _ in ROWS) + 2
    cols = [
        max(len(n), *(len(_cell(v, k)) for _, k in ROWS)) + 2
        for n, v in zip(names, result.variants, strict=True)
    ]
    lines = [
        f"dataset: {result.dataset}",
        "metric".ljust(width) + "".join(n.rjust(c) for n, c in zip(names, cols, strict=True)),
    ]
    for label, key in ROWS:
        lines.append(
            label.ljust(width)
            + "".join(_cell(v, key).rjust(c) for v, c in zip(result.variants, cols, strict=True))
        )
    return "\n".join(lines) + "\n"
