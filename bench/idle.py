"""CPU and memory of an idle daemon watching many quiet files.

    python bench/idle.py [--files 500] [--secs 60] [--settle 5] [--summarizer rules|llama]
                         [--keep DIR]

Writes ``--files`` small Airflow-style log files (a few INFO lines, no errors)
into the watched directory, starts a real ``logsumd run`` on them (``start_at:
beginning``, so it opens and reads every file), waits until the daemon's
checkpoint covers every file, lets it settle ``--settle`` seconds, then measures
over ``--secs`` seconds of silence:

* CPU seconds (user + system, all threads, from ``/proc/PID/stat``) and that as
  a share of one core; also the busiest 1 s interval;
* wakeups: context switches of all threads per second (a busy poll shows here);
* RSS now and peak (``VmRSS``/``VmHWM``), thread count;
* whether inotify was in use (no ``PollingFallback`` in the daemon's log).

The issue's target: under 1% of one core with 500 idle files.  The tailer's
safety rescan (every ``poll_interval_ms``, 1 s by default) runs in inotify mode
too; its cost is part of what this measures.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Daemon, Sampler, base_config, machine

TARGET_CORE_SHARE = 0.01


def write_files(logs: Path, count: int) -> dict[str, int]:
    """``count`` small log files of INFO lines; path -> offset of the last line.

    The checkpoint stops at the start of a file's last record line: the
    assembler keeps it, as it could be the header of a traceback still to come.
    """
    logs.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    for i in range(count):
        path = logs / f"task_{i:04d}.log"
        lines = [
            f"[2026-11-26T10:{i % 60:02d}:0{k}.000+0000] {{taskinstance.py:1159}} INFO - "
            f"Dependency check passed for task_{i:04d} (try {k})"
            for k in range(5)
        ]
        data = ("\n".join(lines) + "\n").encode()
        path.write_bytes(data)
        sizes[str(path)] = len(data) - len(lines[-1].encode()) - 1
    return sizes


def wait_all_read(d: Daemon, sizes: dict[str, int], timeout: float) -> float:
    """Seconds until the checkpoint of every file reached its last line."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        offsets = d.checkpoint_offsets()
        if all(offsets.get(p, -1) >= n for p, n in sizes.items()):
            return time.monotonic() - t0
        time.sleep(0.1)
    done = sum(1 for p, n in d.checkpoint_offsets().items() if sizes.get(p, -1) <= n)
    raise RuntimeError(f"only {done} of {len(sizes)} files read after {timeout} s")


def busiest_interval(samples: list[tuple[float, float]]) -> float:
    """Highest CPU share of one core over consecutive samples."""
    best = 0.0
    for (t0, c0), (t1, c1) in itertools.pairwise(samples):
        if t1 > t0:
            best = max(best, (c1 - c0) / (t1 - t0))
    return best


def measure(d: Daemon, secs: float) -> dict[str, float]:
    """CPU, wakeups and memory over ``secs`` seconds of an idle daemon."""
    sampler = Sampler(d.cpu_seconds, 1.0).start()
    cpu0, ctx0, t0 = d.cpu_seconds(), d.context_switches(), time.monotonic()
    time.sleep(secs)
    cpu1, ctx1, t1 = d.cpu_seconds(), d.context_switches(), time.monotonic()
    samples = sampler.stop()
    status = d.status_kb()
    wall = t1 - t0
    return {
        "wall": wall,
        "cpu": cpu1 - cpu0,
        "share": (cpu1 - cpu0) / wall,
        "busiest": busiest_interval(samples),
        "wakeups": (ctx1 - ctx0) / wall,
        "rss": status.get("VmRSS", 0) / 1024,
        "hwm": status.get("VmHWM", 0) / 1024,
        "threads": status.get("Threads", 0),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--secs", type=float, default=60.0)
    ap.add_argument("--settle", type=float, default=5.0)
    ap.add_argument("--summarizer", choices=["rules", "llama"], default="rules")
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    root = Path(args.keep or tempfile.mkdtemp(prefix="logsumd-idle-"))
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    sizes = write_files(root / "logs", args.files)
    d = Daemon(root, base_config(root, summarizer={"backend": args.summarizer}))
    print(f"machine: {machine()}")
    try:
        ready = d.start()
        try:
            read = wait_all_read(d, sizes, timeout=120)
            time.sleep(args.settle)
            m = measure(d, args.secs)
        finally:
            code = d.stop()
        opened = len(d.log_events("FileOpened"))
        fallback = len(d.log_events("PollingFallback"))
        problems = d.log_events("EventsDropped") + d.log_events("ComponentCrashed")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(
        f"daemon: summarizer {args.summarizer}, {args.files} files, ready in {ready:.2f} s, "
        f"every file checkpointed {read:.2f} s later, settled {args.settle:.0f} s, exit {code}"
    )
    print(f"watcher: {'polling fallback' if fallback else 'inotify'}; FileOpened {opened}")
    print(
        f"idle {m['wall']:.1f} s: CPU {m['cpu']:.3f} s = {100 * m['share']:.3f}% of one core "
        f"(busiest 1 s: {100 * m['busiest']:.2f}%), {m['wakeups']:.1f} wakeups/s"
    )
    print(f"memory: RSS {m['rss']:.0f} MiB (peak {m['hwm']:.0f} MiB), {m['threads']:.0f} threads")
    verdict = "PASS" if m["share"] < TARGET_CORE_SHARE else "FAIL"
    print(f"target < {100 * TARGET_CORE_SHARE:.0f}% of one core: {verdict}")
    if problems:
        print(f"daemon reported problems: {problems}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
