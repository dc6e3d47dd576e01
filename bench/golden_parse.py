"""Golden outputs of parsing: every event of every log we have, as the pipeline sees it.

    python bench/golden_parse.py dump OUT_DIR
    python bench/golden_parse.py compare BEFORE_DIR AFTER_DIR [--show N]

``dump`` assembles each log with default settings (whole file, split on
``\\n``, chunks of 1,000 lines, then ``flush_all``) and writes, for each event,
one JSON line: the file, the span, the rule, the category, root and outer
exception (type and message), the application frame, the fingerprint, the
condensed facts block and the rule-based summary.  The logs are
``examples/logs/*.log``, every file under ``/work/shared/data/real-dev/logs``,
``/work/shared/data/loghub/*.log`` and each record's ``text`` of
``eval/real/events.jsonl`` (as a file of its own).  One output file per group
(``examples``, ``real-dev``, ``loghub``, ``corpus-dev``, ``corpus-test``).

The outputs may hold corpus text: keep them out of git.

``compare`` prints, per group, how many events differ and, except for
``corpus-test`` (whose records are only ever counted), each difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.records import Chunk, Event
from logsumd.summarize.condense import condense
from logsumd.summarize.rule_summary import rule_summary
from logsumd.understand import Redactor, understand

ROOT = Path(__file__).resolve().parent.parent

SHARED = Path("/work/shared/data")
CORPUS = ROOT / "eval" / "real" / "events.jsonl"
CHUNK_LINES = 1000
GROUPS = ("examples", "real-dev", "loghub", "corpus-dev", "corpus-test")
COUNT_ONLY = frozenset({"corpus-test"})


def _chunks(name: str, data: bytes) -> Iterator[Chunk]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    for a in range(0, len(lines), CHUNK_LINES):
        b = min(a + CHUNK_LINES, len(lines))
        end = offsets[b] if b < len(lines) else len(data)
        yield Chunk(name, name, lines[a:b], offsets[a:b], a + 1, end, 0.0)


def _events(name: str, data: bytes) -> list[Event]:
    asm = Assembler(MultilineSettings())
    out: list[Event] = []
    for chunk in _chunks(name, data):
        out.extend(asm.feed(chunk))
    out.extend(asm.flush_all())
    return out


def _rows(name: str, data: bytes, redactor: Redactor) -> Iterator[dict[str, Any]]:
    for event in _events(name, data):
        clean, cls, fp = understand(event, redactor)
        frame = cls.app_frame
        root_msg = next((c.message for c in cls.chain if c.type == cls.exception_type), "")
        yield {
            "file": name,
            "span": [event.line_start, event.line_end],
            "rule": event.rule,
            "category": cls.category,
            "root": [cls.exception_type, cls.message],
            "root_chain_message": root_msg,
            "outer": cls.outer_exception_type,
            "chain": [[c.type, c.message] for c in cls.chain],
            "app_frame": [frame.file, frame.line, frame.function, frame.module] if frame else None,
            "app_frames": [[f.file, f.line, f.function] for f in cls.app_frames],
            "cause_lines": list(cls.cause_lines),
            "header": cls.header,
            "fingerprint": fp,
            "condensed": condense(clean, cls, redactor),
            "rule_summary": rule_summary(clean, cls),
        }


def _sources() -> Iterator[tuple[str, str, bytes]]:
    """(group, name, bytes) of every log."""
    for path in sorted((ROOT / "examples" / "logs").glob("*.log")):
        yield "examples", f"examples/{path.name}", path.read_bytes()
    real = SHARED / "real-dev" / "logs"
    for path in sorted(p for p in real.rglob("*") if p.is_file()):
        yield "real-dev", str(path.relative_to(real)), path.read_bytes()
    for path in sorted((SHARED / "loghub").glob("*.log")):
        yield "loghub", path.name, path.read_bytes()
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            yield f"corpus-{rec['split']}", rec["id"], rec["text"].encode("utf-8")


def dump(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    redactor = Redactor()
    files = {g: (out_dir / f"{g}.jsonl").open("w", encoding="utf-8") for g in GROUPS}
    counts = dict.fromkeys(GROUPS, 0)
    try:
        for group, name, data in _sources():
            for row in _rows(name, data, redactor):
                files[group].write(json.dumps(row, ensure_ascii=False) + "\n")
                counts[group] += 1
    finally:
        for fh in files.values():
            fh.close()
    print(" ".join(f"{g}: {n} events" for g, n in counts.items()))


def _load(path: Path) -> dict[tuple[str, int, int], dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {(r["file"], r["span"][0], r["span"][1]): r for r in rows}


def _files_of(rows: dict[tuple[str, int, int], dict[str, Any]]) -> set[str]:
    return {k[0] for k in rows}


def compare(before: Path, after: Path, show: int) -> int:
    total = 0
    for group in GROUPS:
        a, b = _load(before / f"{group}.jsonl"), _load(after / f"{group}.jsonl")
        gone = sorted(set(a) - set(b))
        new = sorted(set(b) - set(a))
        changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
        files = {k[0] for k in [*gone, *new, *changed]}
        fields: dict[str, int] = {}
        for k in changed:
            for f in a[k]:
                if a[k][f] != b[k].get(f):
                    fields[f] = fields.get(f, 0) + 1
        total += len(gone) + len(new) + len(changed)
        print(
            f"{group}: {len(a)} -> {len(b)} events; {len(gone)} spans gone, {len(new)} new, "
            f"{len(changed)} changed, in {len(files)} files; changed fields {fields}"
        )
        if group in COUNT_ONLY:
            continue
        shown = 0
        for k in gone + new:
            if shown >= show:
                break
            side = "gone" if k in a else "new "
            row = a.get(k) or b[k]
            print(f"  {side} {k} {row['rule']} {row['root'][0]} {row['category']}")
            shown += 1
        for k in changed:
            if shown >= show:
                break
            print(f"  changed {k}")
            for f in a[k]:
                if a[k][f] != b[k].get(f):
                    print(f"    {f}: {json.dumps(a[k][f], ensure_ascii=False)[:400]}")
                    print(f"    {'':{len(f)}}  {json.dumps(b[k].get(f), ensure_ascii=False)[:400]}")
            shown += 1
    print(f"total differences: {total}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--show", type=int, default=1000)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out)
        return 0
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    sys.exit(main())
