"""Category accuracy and exception-type agreement of ``classify`` on labelled real events.

Usage: python bench/classify_real.py [/work/shared/data/real-dev/events.jsonl] [-v]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from logsumd.records import Event
from logsumd.summarize import check_summary
from logsumd.summarize.rule_summary import rule_summary
from logsumd.understand import classify, fingerprint

CONTEXT_LINES = 20


def load_event(row: dict[str, object], root: Path) -> Event:
    """An Event of the labelled raw text with up to 20 lines of the log before it."""
    raw = str(row["raw"])
    context: tuple[str, ...] = ()
    source = row.get("source")
    start = source.get("line_start") if isinstance(source, dict) else None
    local = root / str(row.get("local_file", ""))
    if isinstance(start, int) and local.is_file():
        lines = local.read_bytes().decode("utf-8", "replace").split("\n")
        before = lines[max(0, start - 1 - CONTEXT_LINES) : start - 1]
        context = tuple(line.rstrip("\r") for line in before)
    return Event(
        path=str(local), file_id="bench", line_start=int(start or 1),
        line_end=int(start or 1) + raw.count("\n"), offset_start=0, offset_end=len(raw),
        text=raw, first_read_at=0.0, last_read_at=0.0, rule="bench", context=context,
    )  # fmt: skip


def short(name: str) -> str:
    return name.split(" (", maxsplit=1)[0].rsplit(".", 1)[-1].strip()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    path = Path(args[0] if args else "/work/shared/data/real-dev/events.jsonl")
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    cat_ok = root_ok = any_ok = 0
    for row in rows:
        event = load_event(row, path.parent)
        cls = classify(event)
        label_type = str(row["exception_type"])
        chain_types = {short(c.type) for c in cls.chain} | {short(cls.exception_type)}
        ok_cat = cls.category == row["category"]
        ok_root = short(label_type) in {short(cls.exception_type), short(cls.outer_exception_type)}
        ok_any = short(label_type) in chain_types
        cat_ok += ok_cat
        root_ok += ok_root
        any_ok += ok_any
        mark = "" if ok_cat else "  <-- category"
        print(f"{row['id']}: {cls.category:13} (label {row['category']}){mark}")
        print(
            f"     type {cls.exception_type} / outer {cls.outer_exception_type}"
            f" (label {label_type}){'' if ok_root else '  <-- type'}"
        )
        if verbose:
            print(f"     message: {cls.message[:160]}")
            print(f"     frame: {cls.app_frame}")
            print(f"     causes: {cls.cause_lines[:3]}")
            print(f"     fp: {fingerprint(cls)}")
            summary = rule_summary(event, cls)
            print(f"     summary ({len(summary)}): {summary}")
            problems = check_summary(summary, event.text)
            if problems:
                print(f"     PROBLEMS: {problems}")
    n = len(rows)
    print(f"\ncategory accuracy {cat_ok}/{n} = {cat_ok / n:.2f}")
    print(f"exception type = root or outer: {root_ok}/{n} = {root_ok / n:.2f}")
    print(f"exception type anywhere in chain: {any_ok}/{n} = {any_ok / n:.2f}")


if __name__ == "__main__":
    main()
