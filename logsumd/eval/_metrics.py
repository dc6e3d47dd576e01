"""Evaluation metrics: detection, spans, classification, root cause, key facts, ROUGE-L.

All pure functions over strings, numbers and lists; no model, no files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from logsumd.summarize import METRIC_KINDS, extract_entities, normalise, occurs_in

_TOKEN_RE = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall and F1 of one label, with its support (gold count)."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class ClassReport:
    """Accuracy, per-label scores and macro-F1 over the labels seen."""

    accuracy: float
    per_class: dict[str, ClassScore]
    macro_f1: float


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def classification_report(gold: Sequence[str], predicted: Sequence[str]) -> ClassReport:
    """Scores of ``predicted`` labels against ``gold`` (same length).

    Labels are those that occur in either list; a label never predicted has
    precision 0, one with no gold example has recall 0 (both count in macro-F1).
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    labels = sorted(set(gold) | set(predicted))
    per_class: dict[str, ClassScore] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        n_pred = sum(1 for p in predicted if p == label)
        n_gold = sum(1 for g in gold if g == label)
        precision, recall = _ratio(tp, n_pred), _ratio(tp, n_gold)
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_class[label] = ClassScore(precision, recall, f1, n_gold)
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    macro = _ratio(sum(s.f1 for s in per_class.values()), len(per_class))
    return ClassReport(_ratio(correct, len(gold)), per_class, macro)


@dataclass(frozen=True, slots=True)
class Confusion:
    """Counts of pairs: ``counts[i][j]`` events of gold ``labels[i]`` predicted ``labels[j]``."""

    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def errors(self) -> list[tuple[str, str, int]]:
        """(gold, predicted, count) of the off-diagonal cells, most frequent first."""
        cells = [
            (gold, pred, self.counts[i][j])
            for i, gold in enumerate(self.labels)
            for j, pred in enumerate(self.labels)
            if i != j and self.counts[i][j]
        ]
        return sorted(cells, key=lambda c: (-c[2], c[0], c[1]))


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = ()
) -> Confusion:
    """The confusion matrix over ``labels`` plus any other label seen (sorted)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    extra = sorted((set(gold) | set(predicted)) - set(labels))
    order = (*labels, *extra)
    index = {label: k for k, label in enumerate(order)}
    counts = [[0] * len(order) for _ in order]
    for g, p in zip(gold, predicted, strict=True):
        counts[index[g]][index[p]] += 1
    return Confusion(order, tuple(tuple(row) for row in counts))


def detects(produced: tuple[int, int], span: tuple[int, int], first_exception_line: int) -> bool:
    """Whether a produced span contains the labelled last line and starts in time.

    In time: no later than the labelled first exception line (lines 1-based, inclusive).
    """
    start, end = produced
    return start <= span[1] <= end and start <= first_exception_line


def short_type(name: str) -> str:
    """The last dotted component of an exception type (``a.b.KeyError`` -> ``KeyError``)."""
    return name.strip().rsplit(".", 1)[-1]


def root_matches(predicted: str, gold: str) -> tuple[bool, bool]:
    """(exactly the same type, the same last dotted component) of two root exception types.

    A tag of words (``dbt Test Failure``, ``ERROR record``: no exception type has a
    space) is compared without case: labellers wrote ``dbt test failure`` too.
    """
    predicted, gold = predicted.strip(), gold.strip()
    exact = predicted == gold or (" " in gold and predicted.casefold() == gold.casefold())
    return exact, exact or short_type(predicted) == short_type(gold)


def _flat(text: str) -> str:
    return " ".join(text.lower().split())


def key_fact_recall(summary: str, key_facts: Sequence[str]) -> float:
    """Share of ``key_facts`` stated verbatim in ``summary`` (case and spacing ignored)."""
    if not key_facts:
        return 1.0
    flat = _flat(summary)
    return sum(1 for fact in key_facts if _flat(fact) in flat) / len(key_facts)


def entity_support(summary: str, source: str) -> tuple[int, int]:
    """(entities found in ``source``, entities) over paths, files, numbers, dates, quotes."""
    norm_source = normalise(source)
    seen: set[str] = set()
    supported = total = 0
    for entity in extract_entities(summary):
        key = normalise(entity.value)
        if entity.kind not in METRIC_KINDS or key in seen:
            continue
        seen.add(key)
        total += 1
        supported += occurs_in(entity, norm_source)
    return supported, total


def tokens(text: str) -> list[str]:
    """Lower-case alphanumeric tokens (for ROUGE)."""
    return _TOKEN_RE.findall(text.lower())


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (two-row dynamic programme)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            current[j] = previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1])
        previous = current
    return previous[-1]


def rouge_l_f1(candidate: str, reference: str) -> float:
    """ROUGE-L F1 (beta = 1) of ``candidate`` against ``reference`` over word tokens."""
    cand, ref = tokens(candidate), tokens(reference)
    if not cand or not ref:
        return 0.0
    lcs = lcs_length(cand, ref)
    precision, recall = lcs / len(cand), lcs / len(ref)
    return _ratio(2 * precision * recall, precision + recall)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def normalise_diagnosis(label: str) -> str:
    """A diagnosis id as the catalogue writes it (labels of new ids carry ``new:``)."""
    return label.strip().removeprefix("new:")


def diagnosis_accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of events whose predicted diagnosis id is the labelled one ("" counts as wrong)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    pairs = zip(map(normalise_diagnosis, gold), map(normalise_diagnosis, predicted), strict=True)
    return _ratio(sum(1 for g, p in pairs if g and g == p), len(gold))


SOURCES: dict[str, str] = {
    "catalogue": "catalogue",
    "catalogue+model": "catalogue",
    "llama": "model",
    "llama-retry": "model",
    "rules": "rules",
}
"""Who wrote a summary's cause and next step, by ``Summary.summarizer``: the catalogue
(one entry, or the model's choice among several), the model, or the generic rules."""


def source_shares(summarizers: Sequence[str]) -> dict[str, float]:
    """Share of summaries per source (``catalogue``, ``model``, ``rules``, others as named)."""
    if not summarizers:
        return {}
    counts: dict[str, int] = {}
    for name in summarizers:
        source = SOURCES.get(name, name)
        counts[source] = counts.get(source, 0) + 1
    return {k: v / len(summarizers) for k, v in sorted(counts.items())}


@dataclass(frozen=True, slots=True)
class WordStats:
    """Length of summaries in words, and of their first line (the headline)."""

    median: float
    mean: float
    maximum: int
    within: float
    """Share of summaries of at most the word limit."""
    headline_median: float
    headline_within: float
    """Share of headlines of at most the headline limit."""


def word_stats(texts: Sequence[str], limit: int = 40, headline_limit: int = 15) -> WordStats:
    """Word counts of ``texts`` (whitespace-separated) against the limits."""
    counts = [len(t.split()) for t in texts]
    heads = [len(t.strip().split("\n", 1)[0].split()) for t in texts]
    if not counts:
        return WordStats(math.nan, math.nan, 0, math.nan, math.nan, math.nan)
    return WordStats(
        median=percentile([float(c) for c in counts], 50),
        mean=sum(counts) / len(counts),
        maximum=max(counts),
        within=sum(1 for c in counts if c <= limit) / len(counts),
        headline_median=percentile([float(h) for h in heads], 50),
        headline_within=sum(1 for h in heads if h <= headline_limit) / len(heads),
    )
