"""Diagnoses of the probe: real error messages, one or a few lines each, without context.

``eval/probe/messages.jsonl`` holds error messages that ETL tools print, collected from
public issue threads by helpers who never saw the code, each labelled with a corpus
diagnosis id and category (``eval/probe/README.md``).  Each message goes through the
daemon's own stages: assembled from its text (the longest event, else the whole text as
one event), classified and summarized by the catalogue; the figures are the share
assembled as an event, diagnosis accuracy, and category accuracy of the rules and of the
default summary, per round and per family.

Usage:
  python bench/probe_catalogue.py [--rounds p1,p2] [-v] [--probe FILE]   (-v: the misses)
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from logsumd.config import MultilineSettings, SummarizerSettings
from logsumd.eval import events_of_raw
from logsumd.records import Event
from logsumd.summarize import make_summarizer
from logsumd.understand import Redactor, understand

PROBE = Path(__file__).resolve().parents[1] / "eval" / "probe" / "messages.jsonl"


def load(rounds: set[str] | None, path: Path = PROBE) -> list[dict[str, Any]]:
    """The probe's messages of ``rounds`` (all when None)."""
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if rounds is None or r["id"].split("-")[0] in rounds]


def event_of(row: dict[str, Any]) -> tuple[Event, bool]:
    """The longest event assembled from the message (the first of equals), or the whole
    text when none is."""
    text = row["text"] if row["text"].endswith("\n") else row["text"] + "\n"
    events = events_of_raw(row["id"], text, MultilineSettings())
    if events:
        return max(events, key=lambda e: e.line_end - e.line_start), True
    lines = text.count("\n")
    whole = Event(f"<{row['id']}>", row["id"], 1, lines, 0, len(text), text.rstrip("\n"), 0.0,
                  0.0, "probe")  # fmt: skip
    return whole, False


def run(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each message's verdicts: assembled, diagnosis and categories."""
    redactor = Redactor(())
    out = []
    with tempfile.TemporaryDirectory() as state:
        settings = replace(SummarizerSettings(), backend="catalogue")
        summarizer = make_summarizer(settings, state, redactor)
        try:
            for row in rows:
                event, assembled = event_of(row)
                clean, cls, _fp = understand(event, redactor)
                summary = summarizer.summarize(clean, cls)
                out.append(
                    {
                        "id": row["id"],
                        "family": row["family"],
                        "assembled": assembled,
                        "diagnosis": summary.diagnosis == row["diagnosis"].removeprefix("new:"),
                        "rules_category": cls.category == row["category"],
                        "category": (summary.category or cls.category) == row["category"],
                        "got": summary.diagnosis,
                        "gold": row["diagnosis"],
                        "summary": summary.text,
                    }
                )
        finally:
            summarizer.close()
    return out


def figures(results: list[dict[str, Any]]) -> str:
    """A Markdown table: all, then per round and per family."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        groups["all"].append(r)
        groups[f"round {r['id'].split('-')[0]}"].append(r)
        groups[f"family {r['family']}"].append(r)
    out = [
        "| messages | n | assembled | diagnosis | category (rules) | category (default) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, rows in groups.items():
        n = len(rows)
        cells = [sum(r[k] for r in rows) / n for k in ("assembled", "diagnosis")]
        cells += [sum(r[k] for r in rows) / n for k in ("rules_category", "category")]
        out.append(f"| {name} | {n} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", help="comma-separated rounds (p1,p2,...); all by default")
    parser.add_argument("-v", action="store_true", help="list the messages diagnosed wrong")
    parser.add_argument("--probe", type=Path, default=PROBE, help="another file of messages")
    args = parser.parse_args(argv)
    rounds = set(args.rounds.split(",")) if args.rounds else None
    results = run(load(rounds, args.probe))
    print(figures(results))
    if args.v:
        for r in results:
            if not r["diagnosis"]:
                print(f"{r['id']}: {r['gold']} -> {r['got'] or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
