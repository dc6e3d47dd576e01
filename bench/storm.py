"""An error storm: 100,000 events of 20 kinds in 60 s against the default model.

    python bench/storm.py [--events 100000] [--kinds 20] [--secs 60] [--files 1]
                          [--summarizer llama|rules] [--interval 0.5] [--seed 1] [--keep DIR]

A real ``logsumd run`` with the default configuration (the embedded model,
grouping ``group_wait`` 10 s, ``group_interval`` 300 s, at most 20
notifications a minute, file notifier, 64 MiB outbox) tails ``--files`` log
files from an empty start.  A writer thread of this script appends ``--events``
Python tracebacks of ``--kinds`` kinds (``bench/storm_log.py``: one fingerprint
per kind) at a steady rate over ``--secs`` seconds.  Every ``--interval``
seconds the script samples the bytes written, the daemon's checkpoint (state
dir ``checkpoints.json``, written every second), its RSS and CPU time.  After
the writer stops it waits for the checkpoint to reach the end of every file,
then for every kind to be announced, then stops the daemon (SIGTERM).

Reported:

* lag: bytes written but not yet checkpointed (at most a second stale; the
  checkpoint passes an event only once it is fsynced in the outbox), also in
  events and seconds of writing; the time from the writer's last line to the
  checkpoint reaching the end (includes the 1.5 s multiline flush timeout);
* CPU seconds and RSS (max of the samples, at the end, VmHWM);
* model calls: the daemon's ``SummaryWritten`` log events, by who wrote the
  text (``llama``, ``llama-retry`` = a second attempt, ``rules`` = fallback);
  must be at most one per kind;
* notifications by type and per minute since writing began (from the
  daemon's ``EventNotified`` events) against the caps, and the delay from each
  event message's first event to its delivery (``group_wait`` + summaries);
* accounting, in total and per kind (``bench/storm_account.py``): every event
  written must be covered by a notification (``new_count`` of event and
  update messages, digest item counts), still pending in the durable outbox
  (read back after the daemon stopped; repeats wait for the next update,
  ``group_interval`` after the first message: past the end of the run), or
  lost: dropped by the outbox size cap before a notification covered it (at
  most the ``EventsDropped`` total).  Each kind must have one fingerprint.  A
  tap that follows the outbox journal while it is written checks the same per
  event id (assembled once, dropped-then-covered vs lost) when it saw every
  journal file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Daemon, Sampler, base_config, machine, prepare_model
from storm_account import JournalTap, account, pending_in_outbox
from storm_log import KINDS, Writer

from logsumd.config import GroupingSettings

TIMELINE_SECS = 5.0


@dataclass(frozen=True, slots=True)
class Sample:
    """One look at the writer and the daemon."""

    written: int
    written_bytes: int
    checkpointed: int
    rss_mb: float
    cpu: float


def probe(d: Daemon, writer: Writer) -> Sample:
    """Sample the writer's progress and the daemon's checkpoint, RSS and CPU."""
    offsets = d.checkpoint_offsets()
    return Sample(
        written=writer.written,
        written_bytes=sum(writer.nbytes.values()),
        checkpointed=sum(offsets.get(p, 0) for p in writer.nbytes),
        rss_mb=d.memory_mb()[0],
        cpu=d.cpu_seconds(),
    )


def wait_until(condition: Any, d: Daemon, timeout: float, step: float = 0.2) -> float | None:
    """Seconds until ``condition()`` holds, or None after ``timeout``."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if condition():
            return time.monotonic() - t0
        if d.proc is not None and d.proc.poll() is not None:
            raise RuntimeError(f"logsumd exited: {d.stderr()}")
        time.sleep(step)
    return None


def read_notifications(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def announced_kinds(notes: list[dict[str, Any]]) -> set[str]:
    """Fingerprints named by an event message or a digest."""
    out = {n["fingerprint"] for n in notes if n["type"] == "event"}
    out |= {i["fingerprint"] for n in notes if n["type"] == "digest" for i in n["digest"]}
    return out


def timeline(samples: list[tuple[float, Sample]], t0: float, bytes_per_event: float) -> None:
    """Print the samples every TIMELINE_SECS: written, lag, RSS, CPU share."""
    print(f"{'t s':>6} {'written':>9} {'lag MB':>7} {'lag ev':>8} {'RSS MiB':>8} {'CPU %':>6}")
    last: tuple[float, Sample] | None = None
    for k, (at, s) in enumerate(samples):
        final = k == len(samples) - 1
        if last is not None and at - last[0] < TIMELINE_SECS - 1e-6 and not final:
            continue
        lag = max(0, s.written_bytes - s.checkpointed)
        cpu = 100 * (s.cpu - last[1].cpu) / (at - last[0]) if last else 0.0
        print(
            f"{at - t0:6.1f} {s.written:9,} {lag / 1e6:7.2f} {lag / bytes_per_event:8,.0f} "
            f"{s.rss_mb:8.0f} {cpu:6.1f}"
        )
        last = (at, s)


def announce_delays(d: Daemon, notes: list[dict[str, Any]]) -> list[float]:
    """Seconds from each event message's first event to its delivery (EventNotified)."""
    sent = {
        e["id"]: datetime.fromisoformat(e["timestamp"]).timestamp()
        for e in d.log_events("EventNotified")
    }
    return sorted(sent[n["id"]] - n["first_seen"] for n in notes if n["type"] == "event")


def notified_per_minute(d: Daemon, start_wall: float) -> tuple[list[int], int]:
    """Notifications per minute since ``start_wall`` and the most in any 60 s."""
    times = sorted(
        datetime.fromisoformat(e["timestamp"]).timestamp() - start_wall
        for e in d.log_events("EventNotified")
    )
    if not times:
        return [], 0
    buckets = [0] * (int(max(times) // 60) + 1)
    for t in times:
        buckets[int(max(t, 0) // 60)] += 1
    busiest = max(sum(1 for u in times[i:] if u < t + 60) for i, t in enumerate(times))
    return buckets, busiest


def model_calls(d: Daemon) -> list[str]:
    """Report lines on the SummaryWritten events (one per summary the daemon wrote)."""
    written = d.log_events("SummaryWritten")
    by = Counter(str(e.get("summarizer")) for e in written)
    backends = sorted({str(e.get("backend")) for e in written})
    names = ", ".join(backends) or "-"
    out = [f"summaries written: {len(written)} (backend {names}), by {dict(by)}"]
    if "llama" in backends:
        # llama: the first attempt passed; llama-retry: the second; rules: both failed
        # (or the first timed out).
        tries = by.get("llama", 0) + 2 * by.get("llama-retry", 0) + 2 * by.get("rules", 0)
        out[0] += f"; model attempts <= {tries}"
    secs = [float(e.get("secs", 0.0)) for e in written]
    if secs:
        out.append(
            f"  seconds per summary: median {statistics.median(secs):.2f}, max {max(secs):.2f}, "
            f"total {sum(secs):.1f}"
        )
    return out


def daemon_problems(d: Daemon) -> list[str]:
    """Counts of the warning and error events of the daemon's log, with EventsDropped detail."""
    counts: Counter[str] = Counter()
    for line in d.stderr_path.read_text(errors="replace").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            counts[f"non-JSON: {line[:80]}"] += 1
            continue
        if rec.get("level") in ("warning", "error"):
            counts[str(rec.get("event"))] += 1
    out = [f"daemon warnings/errors: {dict(counts) or 'none'}"]
    drops = d.log_events("EventsDropped")
    if drops:
        out.append(
            f"  EventsDropped: {len(drops)} reports, {sum(e['count'] for e in drops):,} items, "
            f"first at {drops[0]['timestamp']}, reason {drops[0].get('reason')}"
        )
    return out


def run(args: argparse.Namespace, root: Path) -> int:
    logs = root / "logs"
    logs.mkdir(parents=True)
    config = base_config(root, summarizer={"backend": args.summarizer})
    out_path = root / "out" / "events.jsonl"
    notifier = f"file:{config['notifiers'][0]['path']}"
    if args.summarizer == "llama":
        prepare_model(Path(config["state_dir"]))
    paths = [logs / f"storm_{i}.log" for i in range(args.files)]
    for p in paths:
        p.touch()
    tap = JournalTap(Path(config["state_dir"]) / "outbox" / "outbox.journal")
    tap.start()
    d = Daemon(root, config)
    ready = d.start()
    caps = GroupingSettings()
    print(f"machine: {machine()}")
    print(
        f"daemon: summarizer {args.summarizer}, ready in {ready:.2f} s; throttle caps: group_wait "
        f"{caps.group_wait_secs:.0f} s, group_interval {caps.group_interval_secs:.0f} s, "
        f"repeat_interval {caps.repeat_interval_secs:.0f} s, max "
        f"{caps.max_notifications_per_minute} notifications/min",
        flush=True,
    )
    writer = Writer(paths, args.events, args.kinds, args.secs, args.seed)
    cpu0, bench_cpu0 = d.cpu_seconds(), time.process_time()
    sampler = Sampler(lambda: probe(d, writer), args.interval).start()
    writer.start()
    code = 1
    try:
        writer.join()
        total = sum(writer.nbytes.values())
        drain = wait_until(
            lambda: all(d.checkpoint_offsets().get(p, -1) >= n for p, n in writer.nbytes.items()),
            d,
            args.drain_timeout,
            0.05,
        )
        t_drained = time.monotonic()
        announce = wait_until(
            lambda: len(announced_kinds(read_notifications(out_path))) >= len(writer.per_kind),
            d,
            args.settle_timeout,
        )
        cpu1 = d.cpu_seconds()
        status = d.status_kb()
        samples = sampler.stop()
    finally:
        code = d.stop()
    bench_cpu = time.process_time() - bench_cpu0
    writing = writer.finished_at - writer.started_at
    print(
        f"storm: {writer.written:,} events of {len(writer.per_kind)} kinds into {args.files} "
        f"file(s), {total / 1e6:.1f} MB, written in {writing:.1f} s "
        f"({writer.written / writing:,.0f} events/s; {writer.late_ticks} late writer ticks)"
    )
    t0 = writer.started_at
    timeline(samples, t0, total / max(writer.written, 1))
    lags = [(at, s.written_bytes - s.checkpointed) for at, s in samples]
    at_max, lag_max = max(lags, key=lambda x: x[1])
    rate = total / writing
    drain_text = f"{drain:.2f} s" if drain is not None else f"not within {args.drain_timeout} s"
    print(
        f"lag: max {lag_max / 1e6:.2f} MB (~{lag_max / (total / writer.written):,.0f} events, "
        f"~{lag_max / rate:.1f} s of writing) at t={at_max - t0:.1f} s; checkpoint reached "
        f"the end of every file {drain_text} after the writer stopped"
    )
    after = f"{announce:.1f} s" if announce is not None else f"not within {args.settle_timeout} s"
    print(
        f"every kind announced {after} after the drain; daemon stopped "
        f"{time.monotonic() - t_drained:.1f} s after the drain, exit {code}"
    )
    rss = [s.rss_mb for _, s in samples]
    print(
        f"CPU: daemon {cpu1 - cpu0:.1f} s over {samples[-1][0] - t0:.1f} s "
        f"({100 * (cpu1 - cpu0) / (samples[-1][0] - t0):.0f}% of one core); this script "
        f"(writer, sampler) {bench_cpu:.1f} s"
    )
    print(
        f"RSS: max of samples {max(rss):.0f} MiB, at the end {rss[-1]:.0f} MiB, "
        f"VmHWM {status.get('VmHWM', 0) / 1024:.0f} MiB"
    )
    for line in model_calls(d):
        print(line)
    notes = read_notifications(out_path)
    kinds = Counter(n["type"] for n in notes)
    minutes, busiest = notified_per_minute(d, writer.started_wall)
    print(
        f"notifications: {len(notes)} {dict(kinds)}; per minute since writing began: {minutes}; "
        f"most in any 60 s: {busiest} (cap {caps.max_notifications_per_minute})"
    )
    tap.finish()
    delays = announce_delays(d, notes)
    if delays:
        print(
            f"event messages delivered {min(delays):.1f} / {statistics.median(delays):.1f} / "
            f"{max(delays):.1f} s (min / median / max) after their first event "
            f"(group_wait {caps.group_wait_secs:.0f} s)"
        )
    dropped = sum(e["count"] for e in d.log_events("EventsDropped") if e.get("notifier") == "*")
    pending = pending_in_outbox(d.state_dir, notifier)
    ok, lost, lines = account(writer, notes, pending, dropped, tap)
    for line in lines:
        print(line)
    for line in daemon_problems(d):
        print(line)
    calls = len(d.log_events("SummaryWritten"))
    ok = ok and code == 0 and busiest <= caps.max_notifications_per_minute
    ok = ok and calls <= len(writer.per_kind)
    verdict = "PASS" if ok else "FAIL"
    print(
        f"checks (every event accounted for, cap, <= one summary per kind, clean exit): "
        f"{verdict}; lost to the outbox cap: {lost:,} of {writer.written:,} "
        f"({100 * lost / max(writer.written, 1):.0f}%)"
    )
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument(
        "--kinds", type=int, default=20, choices=range(1, len(KINDS) + 1), metavar="1..20"
    )
    ap.add_argument("--secs", type=float, default=60.0)
    ap.add_argument("--files", type=int, default=1)
    ap.add_argument("--summarizer", choices=["llama", "rules"], default="llama")
    ap.add_argument("--interval", type=float, default=0.5, help="sampling interval, seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--drain-timeout", type=float, default=900.0)
    ap.add_argument("--settle-timeout", type=float, default=300.0)
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    root = Path(args.keep or tempfile.mkdtemp(prefix="logsumd-storm-"))
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    try:
        return run(args, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
