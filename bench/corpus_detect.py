"""Detection and root-cause figures of the assembler and classifier on the real corpus.

    python bench/corpus_detect.py [--split dev|test] [-v] [--corpus eval/real/events.jsonl]

Each record's ``text`` is assembled as a file of its own (default settings,
then ``flush_all``).  A record is *detected* when a produced event contains its
labelled last line (``span[1]``) and starts no later than its first exception
line (``first_exception_line``), the rule of issue 11.  The event that contains
the last line is understood (redact, classify with its context); the root
exception is right when its type equals the label (*exact*) or, when only one
side is qualified, their last dotted components agree (*short*).  A record
labelled ``ERROR record`` (no exception in the event) is right when the event's
trace names no exception either (its root is the log record itself).  Category
accuracy is printed as well.  ``-v`` lists the dev misses; the test split only
ever prints aggregate figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.parse import parse
from logsumd.records import Chunk, Event
from logsumd.understand import Redactor, understand

ROOT = Path(__file__).resolve().parent.parent

LOG_RECORD = "ERROR record"


def events_of(text: str) -> list[Event]:
    """Every event of ``text`` assembled as one file."""
    data = text.encode("utf-8")
    lines = data.split(b"\n")
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    asm = Assembler(MultilineSettings())
    chunk = Chunk("corpus", "corpus", lines, offsets, 1, len(data), 0.0)
    return [*asm.feed(chunk), *asm.flush_all()]


def root_ok(label: str, got: str) -> tuple[bool, bool]:
    """(exact, short) agreement of a labelled root type and the predicted one."""
    exact = label == got
    if exact:
        return True, True
    if ("." in label) != ("." in got):
        return False, label.rsplit(".", 1)[-1] == got.rsplit(".", 1)[-1]
    return False, False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--corpus", type=Path, default=ROOT / "eval" / "real" / "events.jsonl")
    ap.add_argument("-v", action="store_true", help="list the misses (dev only)")
    args = ap.parse_args()
    rows = [json.loads(x) for x in args.corpus.read_text(encoding="utf-8").splitlines() if x]
    rows = [r for r in rows if r["split"] == args.split]
    redactor = Redactor()
    detected = exact = short = category = 0
    misses: list[str] = []
    per_format: Counter[str] = Counter()
    per_format_ok: Counter[str] = Counter()
    for rec in rows:
        first, last = rec["span"]
        fx = rec.get("first_exception_line") or first
        events = events_of(rec["text"])
        covering = [e for e in events if e.line_start <= last <= e.line_end]
        hit = any(e.line_start <= fx for e in covering)
        detected += hit
        per_format[rec["format"]] += 1
        per_format_ok[rec["format"]] += hit
        event = covering[0] if covering else None
        got_type = got_cat = "-"
        if event is not None:
            clean, cls, _ = understand(event, redactor)
            got_type, got_cat = cls.exception_type, cls.category
            root = parse(clean.text).root
            if rec["exception_type"] == LOG_RECORD and (root is None or root.lang == "log"):
                got_type = LOG_RECORD
        ex, sh = root_ok(rec["exception_type"], got_type)
        exact += ex
        short += sh
        category += got_cat == rec["category"]
        if args.split == "dev" and (not hit or not sh):
            spans = ",".join(f"{e.line_start}-{e.line_end}" for e in events)
            why = "MISS" if not hit else "root"
            misses.append(
                f"{why} {rec['id']} [{rec['format']}] span {first}-{last} exc {fx}; "
                f"events {spans or 'none'}; root {rec['exception_type']!r} got {got_type!r}"
            )
    n = len(rows)
    print(
        f"{args.split}: {n} records; detection {detected}/{n} = {detected / n:.3f}; "
        f"root exact {exact / n:.3f}, short {short / n:.3f}; category {category / n:.3f}"
    )
    print(
        "detection per format: "
        + ", ".join(f"{f} {per_format_ok[f]}/{c}" for f, c in per_format.most_common())
    )
    if args.v:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
