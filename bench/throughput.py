"""Throughput of the daemon's source path against plain-Python ceilings.

    python bench/throughput.py [--lines 1000000] [--every 200] [--rounds 3]
                               [--profile OUT.txt] [--keep DIR]

Generates an ETL log (``bench/etl_log.py``: Airflow-style INFO lines, an error
event every ~``--every`` lines: ERROR records with Python tracebacks of 3-8
frames, one in six a Java/Spark trace), then, in one run and alternating, for
``--rounds`` rounds:

* **ceilings**: plain Python on the same file: buffered binary reads of 256 KiB,
  split into lines, one compiled regex searched in every line.  Two regexes:
  ``detect`` finds the lines an error assembler must look at in this log
  (``ERROR`` records, ``Traceback``, Java ``at``/``Caused by`` lines), the
  reference of the ratio; ``minimal`` is ``ERROR|Traceback``, which Python's
  ``re`` scans several times faster, as an upper bound;
* **daemon**: a real ``logsumd run`` (tail + assemble + redact + classify +
  fingerprint + durable outbox with fsync, summarizer ``rules``, file
  notifier).  It is started on an empty directory and sent ``READY=1``; the log
  is then hard-linked into the watched directory and the clock runs until the
  daemon's checkpoint (written every 50 ms here) reaches the start of the last
  line.  The checkpoint passes an event only once it is fsynced in the outbox;
  the last line stays pending because a record line could still be the header
  of a traceback.  CPU seconds are the daemon's user+system time over that
  interval (all threads); peak RSS is its VmHWM.

Prints lines/s, MB/s, CPU and RSS, and daemon/ceiling as a ratio of medians.

``--baseline REV`` also runs the daemon of git revision ``REV`` (checked out in a
temporary worktree and put first on ``PYTHONPATH``) in each round, alternating
with today's, and prints both and their ratio: before and after in one run.
The issue's targets: ratio >= 0.5 and >= 500,000 lines/s.

``--profile OUT.txt`` attaches py-spy (``pip install py-spy``) to the daemon in
the first round, writes its samples of the GIL-holding thread as collapsed
stacks (for speedscope or flamegraph.pl) and prints the top functions.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import etl_log
from harness import Daemon, base_config, machine

CEILINGS = {
    "detect": re.compile(rb"ERROR|Traceback|^\s+at |^Caused by"),
    "minimal": re.compile(rb"ERROR|Traceback"),
}


def ceiling(path: str, rx: re.Pattern[bytes]) -> tuple[float, float]:
    """(seconds, CPU seconds) of read + split + one regex search per line."""
    hits = 0
    t0, c0 = time.perf_counter(), time.process_time()
    search = rx.search
    with open(path, "rb") as fh:
        rest = b""
        while data := fh.read(1 << 18):
            lines = (rest + data).split(b"\n")
            rest = lines.pop()
            for line in lines:
                if search(line):
                    hits += 1
    assert hits > 0
    return time.perf_counter() - t0, time.process_time() - c0


def start_profiler(pid: int, out: str) -> subprocess.Popen[bytes] | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not os.path.exists(spy):
        print("--profile: py-spy not found (pip install py-spy); not profiling")
        return None
    cmd = [spy, "record", "-p", str(pid), "-f", "raw", "-o", out, "-r", "250", "--gil"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # let it attach
    return proc


def print_profile(path: str, top: int = 15) -> None:
    own: Counter[str] = Counter()
    total = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            stack, _, count = line.rstrip().rpartition(" ")
            own[stack.split(";")[-1]] += int(count)
            total += int(count)
    print(f"profile: {total} samples holding the GIL; top functions by own time:")
    for name, count in own.most_common(top):
        print(f"  {count / total:6.1%}  {name}")


def daemon_round(
    root: Path, source: Path, last_line: int, profile: str | None, tree: Path | None = None
) -> dict[str, float]:
    """One daemon run over ``source``: wall and CPU seconds, peak RSS, notifications.

    ``tree``: run the logsumd package of that source tree instead of the installed one.
    """
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    config = base_config(root, checkpoint_interval_ms=50, grouping={"group_wait_secs": 0})
    d = Daemon(root, config, env={"PYTHONPATH": str(tree)} if tree else None)
    ready = d.start()
    spy = start_profiler(d.pid, profile) if profile else None
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
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
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


def last_line_offset(path: Path, size: int) -> int:
    with open(path, "rb") as fh:
        fh.seek(-min(size, 65536), os.SEEK_END)
        return size - len(fh.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]) - 1


def report(lines: int, nbytes: int, ceil: dict[str, list[float]], runs: list[dict[str, float]]):
    mb = nbytes / 1e6
    d_secs = statistics.median(d["secs"] for d in runs)
    d_cpu = statistics.median(d["cpu"] for d in runs)
    print()
    print(f"{'':17} {'lines/s':>11} {'MB/s':>7} {'CPU s':>6} {'peak RSS':>9}")
    for name, secs in ceil.items():
        s = statistics.median(secs)
        print(f"{'ceiling ' + name:17} {lines / s:>11,.0f} {mb / s:>7.1f} {s:>6.2f} {'-':>9}")
    peak = max(d["peak_mb"] for d in runs)
    print(
        f"{'daemon':17} {lines / d_secs:>11,.0f} {mb / d_secs:>7.1f} {d_cpu:>6.2f} {peak:>5.0f} MiB"
    )
    for name, secs in ceil.items():
        print(f"ratio daemon / ceiling {name}: {statistics.median(secs) / d_secs:.2f}")
    print("targets: ratio >= 0.5 (of ceiling detect); >= 500,000 lines/s")
    print(
        f"daemon: CPU/wall {d_cpu / d_secs:.2f}; {runs[-1]['notifications']:.0f} notifications; "
        f"ready in {statistics.median(d['ready'] for d in runs):.2f} s; idle RSS "
        f"{statistics.median(d['idle_mb'] for d in runs):.0f} MiB"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--every", type=int, default=200, help="mean lines between error events")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", help="py-spy the daemon in round 1; collapsed stacks here")
    ap.add_argument("--keep", help="work in this directory and keep it")
    ap.add_argument("--baseline", help="also run the daemon of this git revision, alternating")
    args = ap.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="logsumd-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "etl-source.log"
    t = time.perf_counter()
    gen = etl_log.write(str(source), args.lines, every=args.every)
    last_line = last_line_offset(source, gen.nbytes)
    print(f"machine: {machine()}")
    print(
        f"log: {gen.lines:,} lines, {gen.nbytes / 1e6:.1f} MB, {gen.events:,} error events "
        f"(generated in {time.perf_counter() - t:.1f} s)"
    )
    ceil: dict[str, list[float]] = {name: [] for name in CEILINGS}
    runs: list[dict[str, float]] = []
    base_runs: list[dict[str, float]] = []
    base_tree = work / "baseline-tree" if args.baseline else None
    if base_tree is not None:
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base_tree), args.baseline],
            check=True,
            capture_output=True,
        )
    try:
        for r in range(args.rounds):
            if base_tree is not None:
                base_runs.append(daemon_round(work / "daemon", source, last_line, None, base_tree))
                b = base_runs[-1]
                print(
                    f"round {r + 1}: baseline {args.baseline} {gen.lines / b['secs']:,.0f} "
                    f"lines/s, {b['cpu']:.2f} CPU s"
                )
            for name, rx in CEILINGS.items():
                ceil[name].append(ceiling(str(source), rx)[0])
            profile = args.profile if r == 0 else None
            runs.append(daemon_round(work / "daemon", source, last_line, profile))
            d = runs[-1]
            print(
                f"round {r + 1}: ceiling detect {gen.lines / ceil['detect'][-1]:,.0f} lines/s; "
                f"daemon {gen.lines / d['secs']:,.0f} lines/s, {d['cpu']:.2f} CPU s, "
                f"peak RSS {d['peak_mb']:.0f} MiB"
            )
    finally:
        if base_tree is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], check=False)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(gen.lines, gen.nbytes, ceil, runs)
    if base_runs:
        b_secs = statistics.median(d["secs"] for d in base_runs)
        b_cpu = statistics.median(d["cpu"] for d in base_runs)
        d_secs = statistics.median(d["secs"] for d in runs)
        d_cpu = statistics.median(d["cpu"] for d in runs)
        print(
            f"baseline {args.baseline}: {gen.lines / b_secs:,.0f} lines/s, {b_cpu:.2f} CPU s; "
            f"today / baseline: lines/s {b_secs / d_secs:.3f}, CPU s {d_cpu / b_cpu:.3f}"
        )
    if args.profile and os.path.exists(args.profile):
        print_profile(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
