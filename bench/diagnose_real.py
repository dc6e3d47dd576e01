"""Diagnoses and summaries on the real corpus: accuracy, sources, words, facts, latency.

Each labelled event goes through the daemon's own stages: its ``text`` is
assembled, the produced event that holds the labelled span's last line is
redacted, classified and summarized (the labelled span itself when no event
holds it: detection is measured by ``logsumd eval``).  Per variant it prints
diagnosis accuracy against the labels, the share of summaries by source
(catalogue, model, rules), words per summary and per headline, key-fact
recall, entity precision and summarize latency.

Usage:
  python bench/diagnose_real.py [--split dev] [--variants rules,catalogue,llama]
                                [--out DIR] [--state-dir DIR] [--ids a,b]
  python bench/diagnose_real.py --score RESULTS.jsonl [--split dev]
  (--corpus FILE: another corpus in the same format, e.g. a fresh round kept out)
  (scores summaries another build wrote: JSON lines with id, summary, summarizer, secs)

Variants: ``rules``; ``catalogue`` (no model); ``llama`` (the default: the catalogue,
and the model writes when the catalogue is silent); ``llama-rank`` (the model also
chooses among tied diagnoses); ``llama-base`` (no adapter).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from logsumd.config import MultilineSettings, SummarizerSettings
from logsumd.eval import events_of_raw
from logsumd.eval._dataset import source_path
from logsumd.eval._metrics import (
    diagnosis_accuracy,
    entity_support,
    key_fact_recall,
    percentile,
    source_shares,
    word_stats,
)
from logsumd.records import Event
from logsumd.summarize import make_summarizer
from logsumd.understand import Redactor, understand

CORPUS = Path(__file__).resolve().parents[1] / "eval" / "real" / "events.jsonl"
CONTEXT_LINES = 20
VARIANTS: dict[str, dict[str, Any]] = {
    "rules": {"backend": "rules"},
    "catalogue": {"backend": "catalogue"},
    "llama": {"backend": "llama"},
    "llama-rank": {"backend": "llama", "rank": True},
    "llama-base": {"backend": "llama", "adapter": "none"},
}


def records(split: str, ids: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """The corpus records of ``split`` (all with ``--split all``)."""
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if split not in ("all", record["split"]) or (ids and record["id"] not in ids):
                continue
            yield record


def event_of(record: dict[str, Any]) -> Event:
    """The assembled event holding the span's last line, else the labelled span."""
    first, last = record["span"]
    events = events_of_raw(
        record["id"], record["text"], MultilineSettings(), source_path(record.get("source"))
    )
    held = [e for e in events if e.line_start <= last <= e.line_end]
    if held:
        return max(held, key=lambda e: e.line_end - e.line_start)
    lines = record["text"].split("\n")
    text = "\n".join(line.rstrip("\r") for line in lines[first - 1 : last])
    context = tuple(lines[max(0, first - 1 - CONTEXT_LINES) : first - 1])
    return Event(
        f"<{record['id']}>", record["id"], first, last, 0, len(text), text, 0.0, 0.0, "span",
        context=context,
    )  # fmt: skip


def run(
    name: str, split: str, state_dir: str, ids: set[str] | None, timeout_secs: float | None = None
) -> list[dict[str, Any]]:
    """Summaries of every record of ``split`` by the variant ``name``."""
    settings = replace(SummarizerSettings(), **VARIANTS[name])
    if timeout_secs:
        settings = replace(settings, timeout_secs=timeout_secs)
    redactor = Redactor(())
    summarizer = make_summarizer(settings, state_dir, redactor)
    out: list[dict[str, Any]] = []
    try:
        for record in records(split, ids):
            clean, cls, _fp = understand(event_of(record), redactor)
            started = time.perf_counter()
            summary = summarizer.summarize(clean, cls)
            out.append(
                {
                    "id": record["id"],
                    "summary": summary.text,
                    "summarizer": summary.summarizer,
                    "diagnosis": summary.diagnosis,
                    "secs": time.perf_counter() - started,
                }
            )
    finally:
        summarizer.close()
    return out


def score(results: list[dict[str, Any]], split: str) -> dict[str, Any]:
    """The figures of one variant's results against the corpus labels."""
    labels = {r["id"]: r for r in records(split)}
    rows = [r for r in results if r["id"] in labels]
    gold = [labels[r["id"]]["diagnosis"] for r in rows]
    texts = [r["summary"] for r in rows]
    ok = total = 0
    redactor = Redactor(())
    for r in rows:
        text = labels[r["id"]]["text"]  # secrets are masked in summaries: both forms count
        supported, found = entity_support(r["summary"], f"{text}\n{redactor.redact(text)}")
        ok, total = ok + supported, total + found
    words = word_stats(texts)
    secs = [float(r.get("secs", 0.0)) for r in rows]
    return {
        "events": len(rows),
        "diagnosis accuracy": diagnosis_accuracy(gold, [r.get("diagnosis", "") for r in rows]),
        "by source": source_shares([r["summarizer"] for r in rows]),
        "words median / mean / max": (words.median, words.mean, words.maximum),
        "summaries <= 40 words": words.within,
        "headline words median": words.headline_median,
        "headlines <= 15 words": words.headline_within,
        "key-fact recall": sum(
            key_fact_recall(r["summary"], labels[r["id"]]["key_facts"]) for r in rows
        )
        / max(len(rows), 1),
        "entity precision": ok / total if total else 1.0,
        "latency p50 / p90 (s)": (percentile(secs, 50), percentile(secs, 90)),
    }


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, tuple):
        return " / ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:.2f}" for k, v in value.items())
    return str(value)


def table(figures: dict[str, dict[str, Any]]) -> str:
    """A Markdown table, one column per variant."""
    names = list(figures)
    rows = list(next(iter(figures.values())))
    out = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for row in rows:
        out.append(f"| {row} | " + " | ".join(_cell(figures[n][row]) for n in names) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    global CORPUS  # one corpus per run, read by records()
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    parser.add_argument("--variants", default="rules,catalogue,llama")
    parser.add_argument("--score", metavar="RESULTS.jsonl", action="append", default=[])
    parser.add_argument("--out", metavar="DIR", help="write each variant's summaries here")
    parser.add_argument("--state-dir", default=str(Path.home() / ".cache" / "logsumd"))
    parser.add_argument("--ids", help="only these comma-separated record ids")
    parser.add_argument("--timeout-secs", type=float, help="override summarizer.timeout_secs")
    parser.add_argument("--corpus", type=Path, help="another corpus file in the same format")
    args = parser.parse_args(argv)
    if args.corpus:
        CORPUS = args.corpus
    ids = set(args.ids.split(",")) if args.ids else None
    figures: dict[str, dict[str, Any]] = {}
    for path in args.score:
        with open(path, encoding="utf-8") as fh:
            results = [json.loads(line) for line in fh if line.strip()]
        figures[Path(path).stem] = score(results, args.split)
    if not args.score:
        for name in args.variants.split(","):
            results = run(name, args.split, args.state_dir, ids, args.timeout_secs)
            if args.out:
                Path(args.out).mkdir(parents=True, exist_ok=True)
                with open(Path(args.out) / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
            figures[name] = score(results, args.split)
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
