"""Per-event results of an evaluation and the metrics aggregated over them.

One :class:`RecordResult` holds everything measured on one labelled event under
one summarizer variant.  The figures of a table are :data:`METRICS`, each a
function of a list of results, so the same figure is computed over all events
and over the events of one format.  A new per-event measure is a field of
``RecordResult`` (filled in ``evaluate.score_record``) and a row here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from logsumd.config import CATEGORIES
from logsumd.eval._metrics import (
    ClassReport,
    Confusion,
    classification_report,
    confusion_matrix,
    percentile,
)


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The outcome of one labelled event under one variant."""

    id: str
    format: str
    gold: str
    predicted: str
    detected: bool
    """A produced event contains the labelled last line and starts in time."""
    exact_span: bool
    """A produced event spans exactly the labelled lines."""
    root_gold: str
    root_predicted: str
    root_exact: bool | None
    """None when the event has no labelled root exception."""
    root_short: bool | None
    summary: str
    summarizer: str
    latency_secs: float
    recall: float
    entities_ok: int
    entities: int
    rouge_l: float | None


Records = Sequence[RecordResult]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def detected(records: Records) -> int:
    """Events detected by the assembler."""
    return sum(r.detected for r in records)


def exact_spans(records: Records) -> int:
    """Events whose labelled span the assembler produced exactly."""
    return sum(r.exact_span for r in records)


def category_report(records: Records) -> ClassReport:
    """Category accuracy, per-class scores and macro-F1."""
    return classification_report([r.gold for r in records], [r.predicted for r in records])


def category_confusion(records: Records) -> Confusion:
    """Gold against predicted categories, in the order of ``CATEGORIES``."""
    labels = [c for c in CATEGORIES if any(c in (r.gold, r.predicted) for r in records)]
    return confusion_matrix([r.gold for r in records], [r.predicted for r in records], labels)


def root_accuracy(records: Records, *, short: bool = False) -> float | None:
    """Share of events with a labelled root whose root type was found; None without any."""
    values = [r.root_short if short else r.root_exact for r in records]
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def key_fact_recall(records: Records) -> float:
    """Mean key-fact recall over events."""
    return _mean([r.recall for r in records])


def entity_precision(records: Records) -> float:
    """Entities of all summaries found in their log text (secrets masked), over all entities."""
    total = sum(r.entities for r in records)
    return sum(r.entities_ok for r in records) / total if total else 1.0


def rouge_l(records: Records) -> float | None:
    """Mean ROUGE-L F1 over events with a reference summary; None without any."""
    values = [r.rouge_l for r in records if r.rouge_l is not None]
    return _mean(values) if values else None


def paths(records: Records) -> Counter[str]:
    """How many summaries each path (``llama``, ``llama-retry``, ``rules``) wrote."""
    return Counter(r.summarizer for r in records)


def mean_words(records: Records) -> float:
    """Mean summary length in words."""
    return _mean([float(len(r.summary.split())) for r in records])


def _share(count: int, records: Records) -> str:
    return f"{count}/{len(records)} ({count / len(records):.3f})" if records else "0/0"


def _fixed(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure of the tables: a row of the main table, a column of the per-format one."""

    label: str
    column: str
    """Its per-format column header; "" keeps it out of the per-format table."""
    cell: Callable[[Records], str]


METRICS: tuple[Metric, ...] = (
    Metric("events", "n", lambda rs: str(len(rs))),
    Metric("events detected", "detected", lambda rs: _share(detected(rs), rs)),
    Metric("exact span", "exact", lambda rs: _fixed(exact_spans(rs) / len(rs) if rs else None)),
    Metric("category accuracy", "cat acc", lambda rs: _fixed(category_report(rs).accuracy)),
    Metric("category macro-F1", "cat F1", lambda rs: _fixed(category_report(rs).macro_f1)),
    Metric("root exception (exact)", "root", lambda rs: _fixed(root_accuracy(rs))),
    Metric(
        "root exception (last component)",
        "root short",
        lambda rs: _fixed(root_accuracy(rs, short=True)),
    ),
    Metric("key-fact recall", "facts", lambda rs: _fixed(key_fact_recall(rs))),
    Metric("entity precision", "entities", lambda rs: _fixed(entity_precision(rs))),
    Metric("ROUGE-L F1", "ROUGE-L", lambda rs: _fixed(rouge_l(rs))),
    Metric("latency p50 (s)", "", lambda rs: _fixed(percentile([r.latency_secs for r in rs], 50))),
    Metric("latency p90 (s)", "", lambda rs: _fixed(percentile([r.latency_secs for r in rs], 90))),
    Metric("mean words", "", lambda rs: _fixed(mean_words(rs), 1)),
    Metric(
        "written by", "", lambda rs: ", ".join(f"{k} {v}" for k, v in sorted(paths(rs).items()))
    ),
)


@dataclass(slots=True)
class VariantResult:
    """All events of one summarizer variant."""

    name: str
    records: list[RecordResult] = field(default_factory=list)

    @property
    def detected(self) -> int:
        """Events detected by the assembler."""
        return detected(self.records)

    @property
    def report(self) -> ClassReport:
        """Category scores."""
        return category_report(self.records)

    @property
    def key_fact_recall(self) -> float:
        """Mean key-fact recall."""
        return key_fact_recall(self.records)

    @property
    def entity_precision(self) -> float:
        """Entities of the summaries found in their log text, over all entities."""
        return entity_precision(self.records)

    @property
    def paths(self) -> Counter[str]:
        """Summaries written by each path."""
        return paths(self.records)

    def by_format(self) -> dict[str, list[RecordResult]]:
        """The results grouped by the events' format, most events first."""
        groups: defaultdict[str, list[RecordResult]] = defaultdict(list)
        for r in self.records:
            groups[r.format].append(r)
        return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


@dataclass(slots=True)
class EvalResult:
    """Results of every variant on one data set (one split of it)."""

    dataset: str
    split: str | None
    variants: list[VariantResult]
