"""Event detection of the assembler on labelled real logs, and its throughput.

For each labelled event of ``real-dev/events.jsonl`` the whole ``local_file`` is
assembled from the start with default settings (whole file, split on ``\\n``,
fed as chunks, then ``flush_all``).  A labelled event is a hit when some
produced event's span contains its last line (``source.line_end``; for events
from GitHub issues the labelled ``raw`` text is located in the file).

Usage: python bench/assemble_real.py [REAL_DEV_DIR] [--chunk-lines N] [--speed]

Exits 0 with a note when the folder is absent.  ``--speed`` also times the hot
path on INFO-only lines (the loghub samples when present, generated lines too).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.records import Chunk, Event

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real-dev"


def split_lines(data: bytes) -> tuple[list[bytes], list[int]]:
    """Lines without ``\\n`` and their start offsets (a final partial line counts)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    return lines, offsets


def chunks(path: str, data: bytes, chunk_lines: int, read_at: float = 0.0) -> list[Chunk]:
    """The file as chunks of ``chunk_lines`` lines."""
    lines, offsets = split_lines(data)
    out: list[Chunk] = []
    for a in range(0, len(lines), chunk_lines):
        b = min(a + chunk_lines, len(lines))
        end = offsets[b] if b < len(lines) else len(data)
        out.append(Chunk(path, path, lines[a:b], offsets[a:b], a + 1, end, read_at))
    return out


def assemble(path: str, data: bytes, chunk_lines: int) -> list[Event]:
    """Every event of one file, with default settings."""
    asm = Assembler(MultilineSettings())
    events: list[Event] = []
    for chunk in chunks(path, data, chunk_lines):
        events.extend(asm.feed(chunk))
    events.extend(asm.flush_all())
    return events


def labelled_span(row: dict[str, object], data: bytes) -> tuple[int, int] | None:
    """(line_start, line_end) of a labelled event, located by its raw text if needed."""
    source = row.get("source")
    if isinstance(source, dict) and isinstance(source.get("line_end"), int):
        return int(source["line_start"]), int(source["line_end"])
    raw = str(row["raw"]).encode()
    pos = data.find(raw)
    if pos < 0:
        return None
    start = data.count(b"\n", 0, pos) + 1
    return start, start + raw.count(b"\n")


def speed() -> None:
    """Lines per second of the assembler on lines without errors."""
    loghub = DEFAULT_DIR.parent / "loghub"
    samples: dict[str, list[bytes]] = {
        "airflow INFO": [
            b"[2024-11-04T13:03:41.213+0000] {spark_submit.py:634} INFO - 24/11/04 13:03:41 "
            b"INFO BlockManagerInfo: Added broadcast_%d_piece0 in memory on 10.0.0.5:4040" % i
            for i in range(4000)
        ]
    }
    for name in ("Spark_2k.log", "HDFS_2k.log", "Hadoop_2k.log", "Zookeeper_2k.log"):
        if (loghub / name).is_file():
            samples[name] = split_lines((loghub / name).read_bytes())[0]
    for name, lines in samples.items():
        data = b"\n".join(lines * 100) + b"\n"
        parts = chunks(name, data, 2000)
        asm = Assembler(MultilineSettings())
        t0 = time.perf_counter()
        found = 0
        for chunk in parts:
            found += len(asm.feed(chunk))
        found += len(asm.flush_all())
        dt = time.perf_counter() - t0
        total = len(lines) * 100
        print(f"speed {name:18s} {total / dt / 1e6:6.2f} M lines/s ({found} events)")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    chunk_lines = 1000
    if "--chunk-lines" in sys.argv:
        chunk_lines = int(sys.argv[sys.argv.index("--chunk-lines") + 1])
        args = [a for a in args if a != str(chunk_lines)]
    root = Path(args[0]) if args else DEFAULT_DIR
    if "--speed" in sys.argv:
        speed()
    events_file = root / "events.jsonl"
    if not events_file.is_file():
        print(f"note: {events_file} not found; nothing to evaluate")
        return 0
    rows = [json.loads(line) for line in events_file.read_text().splitlines() if line.strip()]
    hits = 0
    for row in rows:
        local = root / str(row["local_file"])
        data = local.read_bytes()
        span = labelled_span(row, data)
        events = assemble(str(local), data, chunk_lines)
        found = None
        if span is not None:
            found = next((e for e in events if e.line_start <= span[1] <= e.line_end), None)
        hits += found is not None
        got = f"{found.line_start}-{found.line_end} {found.rule}" if found else "none"
        status = "hit " if found else "MISS"
        print(f"{status} {row['id']} labelled {span} got {got}  ({len(events)} events in file)")
    print(f"assemble_real: {hits}/{len(rows)} labelled events covered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
