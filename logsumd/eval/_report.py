"""The evaluation's tables: plain text for the terminal, Markdown for a file.

Both show the figures of :data:`~logsumd.eval._results.METRICS` per variant,
the same figures per format, and the category confusion matrix (gold rows,
predicted columns); the Markdown report adds per-class scores and every summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from logsumd.eval._metrics import Confusion
from logsumd.eval._results import (
    METRICS,
    EvalResult,
    VariantResult,
    category_confusion,
)

_ABBREV = 6
"""Characters of a category name in a confusion-matrix column header."""


def _title(result: EvalResult) -> str:
    split = f" (split {result.split})" if result.split else ""
    return f"{result.dataset}{split}"


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell: the first left-aligned, the others right."""
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    out = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
    return out


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(esc(h) for h in header) + " |"]
    out.append("|" + "---|" * len(header))
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return out


def metric_rows(variants: Sequence[VariantResult]) -> list[list[str]]:
    """One row per figure, one column per variant."""
    return [[m.label, *(m.cell(v.records) for v in variants)] for m in METRICS]


def format_rows(variant: VariantResult) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the per-format table: one row per format, then all."""
    metrics = [m for m in METRICS if m.column]
    header = ["format", *(m.column for m in metrics)]
    groups = [*variant.by_format().items(), ("all", variant.records)]
    return header, [[name, *(m.cell(records) for m in metrics)] for name, records in groups]


def confusion_rows(confusion: Confusion) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the confusion matrix: gold rows, predicted columns, "." for 0."""
    header = ["gold \\ predicted", *(label[:_ABBREV] for label in confusion.labels), "n"]
    rows = [
        [label, *(str(c) if c else "." for c in counts), str(sum(counts))]
        for label, counts in zip(confusion.labels, confusion.counts, strict=True)
    ]
    return header, rows


def _errors_line(confusion: Confusion, limit: int = 8) -> str:
    errors = confusion.errors()
    if not errors:
        return "no category errors"
    shown = ", ".join(f"{g} -> {p} {n}" for g, p, n in errors[:limit])
    more = f" (and {len(errors) - limit} more cells)" if len(errors) > limit else ""
    return f"most frequent errors (gold -> predicted): {shown}{more}"


def format_text(result: EvalResult) -> str:
    """The figures per variant, per format, and the confusion matrix, as plain text."""
    names = [v.name for v in result.variants]
    lines = [f"dataset: {_title(result)}"]
    lines += _grid(["metric", *names], metric_rows(result.variants))
    for variant in result.variants:
        header, rows = format_rows(variant)
        lines += ["", f"per format ({variant.name}):", *_grid(header, rows)]
    if result.variants:
        confusion = category_confusion(result.variants[0].records)
        header, rows = confusion_rows(confusion)
        lines += ["", "category confusion (rows gold, columns predicted):", *_grid(header, rows)]
        lines.append(_errors_line(confusion))
    return "\n".join(lines) + "\n"


def format_markdown(result: EvalResult) -> str:
    """A Markdown report: figures, per format, confusion, per-class scores, every summary."""
    names = [v.name for v in result.variants]
    out = [f"# logsumd eval: `{Path(result.dataset).name}`", ""]
    if result.split:
        out += [f"Split: `{result.split}`.", ""]
    out += _markdown_table(["metric", *names], metric_rows(result.variants))
    for variant in result.variants:
        header, rows = format_rows(variant)
        out += ["", f"## Per format: {variant.name}", "", *_markdown_table(header, rows)]
    if result.variants:
        first = result.variants[0]
        confusion = category_confusion(first.records)
        header, rows = confusion_rows(confusion)
        out += ["", "## Category confusion (rows gold, columns predicted)", ""]
        out += [*_markdown_table(header, rows), "", _errors_line(confusion, limit=20)]
        out += ["", "## Category per class", ""]
        class_rows = [
            [label, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support)]
            for label, s in first.report.per_class.items()
        ]
        out += _markdown_table(["category", "precision", "recall", "F1", "n"], class_rows)
    for variant in result.variants:
        out += ["", f"## Summaries: {variant.name}", ""]
        rows = [
            [
                r.id,
                f"{r.gold} -> {r.predicted}" if r.gold != r.predicted else r.gold,
                "yes" if r.detected else "MISSED",
                r.summarizer,
                f"{r.recall:.2f}",
                r.summary,
            ]
            for r in variant.records
        ]
        out += _markdown_table(["id", "category", "detected", "by", "recall", "summary"], rows)
    return "\n".join(out) + "\n"
