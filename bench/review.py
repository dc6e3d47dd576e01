"""The blinded review: write a packet for reviewers, then score their ratings.

  python bench/review.py packet --split test --configs default,rules [--reference]
      [-n N] [--seed S] [--packet DIR] [--key DIR] [--state-dir DIR]
  python bench/review.py score --ratings DIR/ratings.csv --key DIR/key.json
  python bench/review.py merge DIR   (DIR/ratings-r1.csv ... -rK.csv -> DIR/ratings-merged.csv)

``packet`` summarizes N events of the real corpus (all of the split by default)
with each configuration (``default``: the default summarizer; ``rules``,
``catalogue``: those backends) and writes ``packet.md`` and a ``ratings.csv`` to
fill to the packet folder, and the key (which letter is which configuration)
to the key folder; keep them apart.  ``--reference`` adds the corpus's
reference summary as one more blinded column, to calibrate the reviewers.
``score`` unblinds a filled ratings file and prints the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diagnose_real import event_of, records

from logsumd.config import SummarizerSettings
from logsumd.eval._dataset import source_path
from logsumd.eval._review import (
    ReviewItem,
    format_scores,
    make_packet,
    read_ratings,
    score_ratings,
)
from logsumd.summarize import make_summarizer
from logsumd.understand import Redactor, understand

CONFIGS = {
    "default": {},
    "rules": {"backend": "rules"},
    "catalogue": {"backend": "catalogue"},
}


def packet(args: argparse.Namespace) -> int:
    chosen = list(records(args.split))
    if args.n and args.n < len(chosen):
        chosen = random.Random(args.seed).sample(chosen, args.n)
    summaries: dict[str, dict[str, str]] = {r["id"]: {} for r in chosen}
    redactor = Redactor(())
    for config in args.configs.split(","):
        settings = replace(SummarizerSettings(), **CONFIGS[config])
        summarizer = make_summarizer(settings, args.state_dir, redactor)
        try:
            for record in chosen:
                clean, cls, _fp = understand(event_of(record), redactor)
                summaries[record["id"]][config] = summarizer.summarize(clean, cls).text
        finally:
            summarizer.close()
    if args.reference:
        for record in chosen:
            summaries[record["id"]]["reference"] = record["summary"]
    items = [
        ReviewItem(
            r["id"],
            r["text"],
            (r["span"][0], r["span"][1]),
            summaries[r["id"]],
            source_path(r.get("source")),
        )
        for r in chosen
    ]
    make_packet(items, Path(args.packet), Path(args.key), seed=args.seed)
    print(f"{len(items)} items: {args.packet}/packet.md, {args.packet}/ratings.csv, "
          f"key in {args.key}/key.json")  # fmt: skip
    return 0


def score(args: argparse.Namespace) -> int:
    key = json.loads(Path(args.key).read_text(encoding="utf-8"))
    scores, pairs = score_ratings(read_ratings(Path(args.ratings)), key)
    sys.stdout.write(format_scores(scores, pairs))
    return 0


def merge(args: argparse.Namespace) -> int:
    """Merge the reviewers' block files: reviewer k owns the k-th block of items in
    order and also rated the first items of the next block; the owner's rating is kept,
    and the agreement on the rows rated twice is printed."""
    folder = Path(args.folder)
    files = sorted(folder.glob("ratings-r[0-9]*.csv"))
    if not files:
        print(f"no ratings-r1.csv, ratings-r2.csv ... in {folder}", file=sys.stderr)
        return 2
    rows = {k: list(csv.DictReader(f.open(encoding="utf-8"))) for k, f in enumerate(files)}
    items = sorted({r["item"] for block in rows.values() for r in block})
    size = -(-len(items) // len(files))
    owner = {item: min(i // size, len(files) - 1) for i, item in enumerate(items)}
    by = {k: {(r["item"], r["summary"]): r for r in block} for k, block in rows.items()}
    agree = {"cause": [0, 0], "next_step": [0, 0], "invented": [0, 0]}
    merged = []
    for k, block in rows.items():
        for r in block:
            if owner[r["item"]] == k:
                merged.append(r)
                continue
            theirs = by[owner[r["item"]]][(r["item"], r["summary"])]
            for field, counts in agree.items():
                counts[0] += r[field] == theirs[field]
                counts[1] += 1
    merged.sort(key=lambda r: (r["item"], r["summary"]))
    with (folder / "ratings-merged.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(merged[0]))
        writer.writeheader()
        writer.writerows(merged)
    shares = {f: round(a / t, 2) for f, (a, t) in agree.items() if t}
    print(f"{len(merged)} rows (owner ratings); rows rated twice {agree['cause'][1]}", shares)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("packet", help="write the review packet and its key")
    p.add_argument("--split", default="test", choices=["dev", "test", "all"])
    p.add_argument("--configs", default="default,rules")
    p.add_argument("--reference", action="store_true", help="add the reference summaries")
    p.add_argument("-n", type=int, default=0, help="number of events (default: all)")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--packet", default="/work/review/packet")
    p.add_argument("--key", default="/work/review/key")
    p.add_argument("--state-dir", default=str(Path.home() / ".cache" / "logsumd"))
    s = sub.add_parser("score", help="score a filled ratings file")
    s.add_argument("--ratings", required=True)
    s.add_argument("--key", required=True)
    m = sub.add_parser("merge", help="merge the reviewers' ratings-rK.csv block files")
    m.add_argument("folder")
    args = parser.parse_args(argv)
    return {"packet": packet, "score": score, "merge": merge}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
