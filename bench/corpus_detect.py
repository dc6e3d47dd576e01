"""Detection, root-exception and category figures on the real corpus, without summaries.

    python bench/corpus_detect.py [--split dev|test] [-v] [--corpus eval/real/events.jsonl]

The quick loop for work on the assembler and the classifier.  It runs the first
half of ``logsumd eval`` (:func:`logsumd.eval.understand_all`: each record's
``text`` written to a file, read and assembled as the daemon does, the event
that detects the labelled one picked and understood), so its detection, exact
span, root-exception and category figures are the ones ``logsumd eval`` prints
for the same split; no summarizer runs, so it needs no model and takes seconds.
``-v`` lists the dev records that were missed or whose root exception is wrong
(last dotted component), with the span of the event that was used; the test
split only ever prints aggregate figures.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from logsumd.config import SourceSettings
from logsumd.eval import Understood, load_events, understand_all
from logsumd.understand import Redactor

ROOT = Path(__file__).resolve().parent.parent


def _share(count: int, total: int) -> str:
    return f"{count}/{total} = {count / total:.3f}" if total else "0/0"


def _miss(item: Understood) -> str:
    rec, event = item.labelled, item.event
    why = "MISS" if not item.detected else "root"
    return (
        f"{why} {rec.id} [{rec.format}] span {rec.span[0]}-{rec.span[1]} "
        f"exc {rec.first_exception_line}; used {event.line_start}-{event.line_end}; "
        f"root {rec.exception_type!r} got {item.root!r}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--corpus", type=Path, default=ROOT / "eval" / "real" / "events.jsonl")
    ap.add_argument("-v", action="store_true", help="list the misses (dev only)")
    args = ap.parse_args()
    path = str(args.corpus)
    items = understand_all(
        load_events(path, args.split), SourceSettings(include=(path,)), Redactor(())
    )
    n = len(items)
    matches = [item.root_match() for item in items]
    labelled = sum(exact is not None for exact, _ in matches)
    print(
        f"{args.split}: {n} records; detection {_share(sum(i.detected for i in items), n)}; "
        f"exact span {sum(i.exact_span for i in items) / n:.3f}; "
        f"root exact {sum(bool(e) for e, _ in matches) / max(labelled, 1):.3f}, "
        f"short {sum(bool(s) for _, s in matches) / max(labelled, 1):.3f}; "
        f"category {sum(i.classification.category == i.labelled.category for i in items) / n:.3f}"
    )
    per_format: Counter[str] = Counter(i.labelled.format for i in items)
    found: Counter[str] = Counter(i.labelled.format for i in items if i.detected)
    print(
        "detection per format: "
        + ", ".join(f"{f} {found[f]}/{c}" for f, c in per_format.most_common())
    )
    if args.v and args.split == "dev":
        misses = [i for i in items if not i.detected or i.root_match()[1] is False]
        print("\n".join(map(_miss, misses)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
