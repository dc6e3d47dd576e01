"""Throughput of the daemon's source path against a plain-Python ceiling.

    python bench/throughput.py [--lines 1000000] [--rounds 3] [--keep DIR]

Generates an ETL log (``bench/etl_log.py``: INFO lines, an error event every
~200 lines, Python tracebacks of 3-8 frames and some Java traces), then, in one
run and alternating, for ``--rounds`` rounds:

* **ceiling**: plain Python on the same file: buffered binary reads of 256 KiB,
  split into lines, one compiled regex searched in every line;
* **daemon**: a real ``logsumd run`` (tail + assemble + redact + classify +
  fingerprint + durable outbox, summarizer ``rules``, file notifier).  It is
  started on an empty directory and sent ``READY=1``; the log is then renamed
  into the watched directory and the clock runs until the daemon's checkpoint
  (written every 20 ms here) reaches the start of the last line (the
  assembler keeps a last record line pending: it could still be the header of a
  traceback); the checkpoint passes an event only once it is fsynced in the
  outbox.  CPU seconds are the
  daemon's user+system time over that interval; peak RSS is its VmHWM.

Prints lines/s, MB/s, CPU and RSS of each, and daemon/ceiling as a ratio of
medians.  The issue's target: ratio >= 0.5 and >= 500,000 lines/s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import etl_log
from harness import Daemon, base_config, machine

ERROR_RX = re.compile(rb"ERROR|CRITICAL|Traceback|Exception|Error:|^\s+at |^Caused by")


def ceiling(path: str) -> tuple[float, float, int]:
    """(seconds, CPU seconds, matching lines) of read + split + regex per line."""
    hits = 0
    t0, c0 = time.perf_counter(), time.process_time()
    search = ERROR_RX.search
    with open(path, "rb") as fh:
        rest = b""
        while data := fh.read(1 << 18):
            lines = (rest + data).split(b"\n")
            rest = lines.pop()
            for line in lines:
                if search(line):
                    hits += 1
    return time.perf_counter() - t0, time.process_time() - c0, hits


def daemon_round(root: Path, source: Path, last_line: int) -> dict[str, float]:
    """One daemon run over ``source``: wall and CPU seconds, peak RSS, notifications."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    config = base_config(
        root,
        checkpoint_interval_ms=20,
        grouping={"group_wait_secs": 0},
    )
    d = Daemon(root, config)
    ready = d.start()
    try:
        idle_rss, _ = d.memory_mb()
        target = root / "logs" / "etl.log"
        os.link(source, target)
        cpu0 = d.cpu_seconds()
        t0 = time.monotonic()
        t1 = d.wait_checkpoint(target, last_line, timeout=600)
        cpu = d.cpu_seconds() - cpu0
        _, peak = d.memory_mb()
    finally:
        code = d.stop()
    if code != 0:
        raise RuntimeError(f"logsumd exited {code}: {d.stderr()}")
    out = root / "out" / "events.jsonl"
    notes = len(out.read_text().splitlines()) if out.exists() else 0
    return {
        "secs": t1 - t0,
        "cpu": cpu,
        "peak_mb": peak,
        "idle_mb": idle_rss,
        "ready": ready,
        "notifications": notes,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="logsumd-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "etl-source.log"
    t = time.perf_counter()
    gen = etl_log.write(str(source), args.lines)
    with open(source, "rb") as fh:
        fh.seek(-min(gen.nbytes, 65536), os.SEEK_END)
        last_line = gen.nbytes - len(fh.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]) - 1
    print(f"machine: {machine()}")
    print(
        f"log: {gen.lines:,} lines, {gen.nbytes / 1e6:.1f} MB, {gen.events:,} error events "
        f"(generated in {time.perf_counter() - t:.1f} s)"
    )
    ceil: list[tuple[float, float, int]] = []
    runs: list[dict[str, float]] = []
    try:
        for r in range(args.rounds):
            ceil.append(ceiling(str(source)))
            runs.append(daemon_round(work / "daemon", source, last_line))
            c, d = ceil[-1], runs[-1]
            print(
                f"round {r + 1}: ceiling {gen.lines / c[0]:,.0f} lines/s; "
                f"daemon {gen.lines / d['secs']:,.0f} lines/s, {d['cpu']:.2f} CPU s, "
                f"peak RSS {d['peak_mb']:.0f} MiB"
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    c_secs = statistics.median(c[0] for c in ceil)
    c_cpu = statistics.median(c[1] for c in ceil)
    d_secs = statistics.median(d["secs"] for d in runs)
    d_cpu = statistics.median(d["cpu"] for d in runs)
    mb = gen.nbytes / 1e6
    print()
    print(f"{'':10} {'lines/s':>11} {'MB/s':>7} {'CPU s':>6} {'CPU/wall':>8} {'peak RSS':>9}")
    print(
        f"{'ceiling':10} {gen.lines / c_secs:>11,.0f} {mb / c_secs:>7.1f} {c_cpu:>6.2f} "
        f"{c_cpu / c_secs:>8.2f} {'-':>9}"
    )
    print(
        f"{'daemon':10} {gen.lines / d_secs:>11,.0f} {mb / d_secs:>7.1f} {d_cpu:>6.2f} "
        f"{d_cpu / d_secs:>8.2f} {max(d['peak_mb'] for d in runs):>6.0f} MiB"
    )
    print(
        f"ratio daemon/ceiling (medians of {args.rounds} rounds): {c_secs / d_secs:.2f}  "
        f"(target >= 0.5; target >= 500,000 lines/s)"
    )
    print(
        f"ceiling matched {ceil[0][2]:,} lines; daemon wrote {runs[-1]['notifications']:.0f} "
        f"notifications; ready in {statistics.median(d['ready'] for d in runs):.2f} s, "
        f"idle RSS {statistics.median(d['idle_mb'] for d in runs):.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
