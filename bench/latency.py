"""End-to-end latency: last line of a traceback written -> notifier has it.

    python bench/latency.py [--events 20] [--summarizers rules,llama]
                            [--timeout-events 3] [--json OUT] [--keep DIR]

For each summarizer (``rules``; ``llama`` = the embedded default model with the
default adapter) a real ``logsumd run`` is started once (``bench/harness.py``),
with two notifiers at once: the JSONL file notifier and Slack (``chat.postMessage``
with a bot token) against the local fake Slack of ``tests/slack_server.py``.
``grouping.group_wait_secs`` is 0 and ``max_notifications_per_minute`` 1000, so
the throttle does not hold back a new kind of error (the default waits 10 s and
caps at 20 a minute); everything else is the default, ``flush_timeout_ms`` 1500
included.  After ``READY=1`` the bench appends to ``logs/etl.log``, one event at
a time, and waits until the event has reached both notifiers before the next,
so latencies never queue behind each other.  Every event is a distinct kind of
failure (``bench/latency_events.py``: another exception type, message and
application frames), so each gets its own fingerprint, a notification of its
own and, with ``llama``, a real model call (no summary-cache hit).

Two series per summarizer:

* **next-line** (``--events``): an Airflow ``ERROR - Task failed with exception``
  record, the traceback (3-4 frames) and the exception line go out in one
  ``os.write`` on an ``O_APPEND`` descriptor; **t0** is ``time.time()`` right after
  that call returns (the data is in the page cache, visible to the daemon).  At
  once a second ``os.write`` appends the next record (``INFO - Marking task as
  FAILED``), which is what tells the assembler the event is complete, as in a
  real Airflow log.
* **timeout** (``--timeout-events``): the same without the next record, so the
  event is complete only after ``flush_timeout_ms`` (1500 ms) of silence.

Arrival: **file** is when the bench's poll (every 2 ms) first sees the JSONL line
(the notifier wrote and fsynced it; up to 2 ms late); **slack** is the fake
server's receive time of the ``chat.postMessage`` request (``RecordedRequest.at``,
after the body was read).  Both are wall-clock ``time.time()`` on this machine.
Records are matched to events by ``line_start`` (the Slack message's
``etl.log:LINE``).  The daemon logs at ``debug`` so that its ``EventAssembled``
times split the latency: the **assembled** row is t0 -> that log record (tail +
assemble + redact + classify + fingerprint + fsync to the outbox); the rest is
throttle, summary and delivery.  The **summarize** row is the summarizer's own
time per call, from the daemon's ``SummaryWritten`` records (not measured from t0).
**daemon CPU** is the daemon's user+system CPU time from just before the write to
the second arrival (``/proc/PID/stat``, 10 ms ticks): far below the latency means
the daemon was waiting (for the CPU, on a busy machine), not working.
Records are matched to the bench's events by line number; anything else that
arrives is listed as unexpected.

Caveats: one event at a time is the best case (no queueing behind the model);
the machine is shared, so the tail of the distribution is noisy; the first
``llama`` event may pay for warm-up; the fake Slack is local (no network).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import Daemon, base_config, machine, percentile
from latency_events import failure, next_record, runner_report, stamp

from tests.slack_server import SlackServer

POLL_SECS = 0.002
SLACK_LOCATION = re.compile(r"etl\.log:(\d+)")
GROUPING = {"group_wait_secs": 0, "max_notifications_per_minute": 1000}


@dataclass
class Sample:
    """One written event and when each notifier had it."""

    index: int
    series: str
    exception_type: str
    first_line: int
    last_line: int
    t0: float
    file_at: float | None = None
    slack_at: float | None = None
    summarizer: str = ""
    assembled_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def ms(self, at: float | None) -> float | None:
        return None if at is None else (at - self.t0) * 1000

    def done(self) -> bool:
        return self.file_at is not None and self.slack_at is not None


class Arrivals:
    """Polls the JSONL output and the fake Slack's requests for new notifications."""

    def __init__(self, out: Path, server: SlackServer) -> None:
        self.out = out
        self.server = server
        self._offset = 0
        self._rest = b""
        self._seen_requests = 0

    def file_records(self) -> list[tuple[float, dict[str, Any]]]:
        """JSONL records appended since the last call, with the time they were seen."""
        try:
            size = os.stat(self.out).st_size
        except FileNotFoundError:
            return []
        if size <= self._offset:
            return []
        now = time.time()
        with open(self.out, "rb") as fh:
            fh.seek(self._offset)
            data = self._rest + fh.read(size - self._offset)
        self._offset = size
        *lines, self._rest = data.split(b"\n")
        return [(now, json.loads(line)) for line in lines if line.strip()]

    def slack_messages(self) -> list[tuple[float, list[int]]]:
        """New chat.postMessage requests answered ok: (received at, line numbers named)."""
        requests = self.server.requests
        new, self._seen_requests = requests[self._seen_requests :], len(requests)
        out = []
        for r in new:
            if r.answered != "ok" or not r.path.endswith("chat.postMessage"):
                continue
            text = f"{r.data.get('text', '')} {r.data.get('blocks', '')}"
            out.append((r.at, [int(m) for m in SLACK_LOCATION.findall(text)]))
        return out


def owner(samples: list[Sample], line: int) -> Sample | None:
    """The sample whose lines include ``line``."""
    for s in samples:
        if s.first_line <= line <= s.last_line:
            return s
    return None


def collect(arrivals: Arrivals, samples: list[Sample], unexpected: list[str]) -> None:
    """Assign new file records and Slack messages to their samples."""
    for at, rec in arrivals.file_records():
        s = owner(samples, int(rec.get("line_start", -1)))
        if s is None or rec.get("type") != "event" or s.file_at is not None:
            unexpected.append(f"file: {rec.get('type')} line {rec.get('line_start')}")
            continue
        s.file_at, s.summarizer = at, str(rec.get("summarizer", ""))
    for at, lines in arrivals.slack_messages():
        s = next((x for x in (owner(samples, n) for n in lines) if x is not None), None)
        if s is None or s.slack_at is not None:
            unexpected.append(f"slack: lines {lines}")
            continue
        s.slack_at = at


class Writer:
    """Appends events to the log with single ``os.write`` calls; counts lines."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.lines = 0

    def write(self, lines: list[str] | tuple[str, ...]) -> float:
        """Append ``lines``; return ``time.time()`` right after the write returned."""
        os.write(self.fd, "".join(f"{line}\n" for line in lines).encode())
        at = time.time()
        self.lines += len(lines)
        return at

    def close(self) -> None:
        os.close(self.fd)


def run_one(
    writer: Writer, arrivals: Arrivals, sample_args: tuple[int, str], wait: float, daemon: Daemon
) -> Sample:
    """Write one failure (and the next record in the next-line series); wait for both."""
    index, series = sample_args
    fail = failure(index, time.time())
    first = writer.lines + 1
    cpu0 = daemon.cpu_seconds()
    t0 = writer.write(fail.lines)
    sample = Sample(index, series, fail.exception_type, first, writer.lines, t0)
    if series == "next-line":
        now = time.time()
        task = f"task_{index}"
        writer.write([next_record(now, task), *runner_report(now, task, index)])
    unexpected: list[str] = []
    deadline = time.monotonic() + wait
    while not sample.done():
        collect(arrivals, [sample], unexpected)
        if sample.done():
            break
        if time.monotonic() > deadline or daemon.proc is None or daemon.proc.poll() is not None:
            missing = [
                n for n, at in (("file", sample.file_at), ("slack", sample.slack_at)) if not at
            ]
            raise SystemExit(
                f"\nFAILED: event {index} ({fail.exception_type}, {series}, lines "
                f"{first}-{sample.last_line}) never reached {' and '.join(missing)} "
                f"within {wait:g} s (or the daemon exited); "
                f"daemon log ends:\n{daemon.stderr()[-1500:]}"
            )
        time.sleep(POLL_SECS)
    sample.extra["cpu_ms"] = (daemon.cpu_seconds() - cpu0) * 1000
    sample.extra["unexpected"] = unexpected
    return sample


def assembled_times(daemon: Daemon) -> dict[int, float]:
    """line_start -> epoch of the daemon's ``EventAssembled`` log record."""
    out = {}
    for rec in daemon.log_events("EventAssembled"):
        ts = datetime.fromisoformat(rec["timestamp"].replace("Z", "+00:00")).timestamp()
        out[int(rec["line_start"])] = ts
    return out


def summary_secs(daemon: Daemon) -> dict[int, float]:
    """line -> seconds the summarizer took, from ``SummaryWritten`` (if the daemon logs it)."""
    return {
        int(rec["line"]): float(rec["secs"])
        for rec in daemon.log_events("SummaryWritten")
        if "line" in rec and "secs" in rec
    }


def daemon_config(root: Path, backend: str, server: SlackServer) -> dict[str, Any]:
    """Both notifiers, the given summarizer, no throttle delay, debug logging."""
    summarizer: dict[str, Any] = {"backend": backend}
    if backend == "llama":
        summarizer["adapter"] = "default"
    return base_config(
        root,
        summarizer=summarizer,
        grouping=GROUPING,
        logging={"level": "debug", "format": "json"},
        notifiers=[
            {"type": "file", "path": str(root / "out" / "events.jsonl")},
            {
                "type": "slack",
                "bot_token": "${SLACK_BOT_TOKEN}",
                "channel": "#etl-alerts",
                "base_url": server.url,
            },
        ],
    )


def run_config(
    root: Path, backend: str, server: SlackServer, args: argparse.Namespace
) -> dict[str, Any]:
    """Start a daemon with ``backend``, run both series, stop it; the results."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "logs").mkdir(parents=True)
    log = root / "logs" / "etl.log"
    writer = Writer(log)
    writer.write([f"{stamp(time.time())} {{bench.py:1}} INFO - latency bench starts"])
    daemon = Daemon(root, daemon_config(root, backend, server), {"SLACK_BOT_TOKEN": server.token})
    server.clear()
    load = [os.getloadavg()[0]]
    ready = daemon.start()
    arrivals = Arrivals(root / "out" / "events.jsonl", server)
    samples: list[Sample] = []
    wait = args.wait_secs
    try:
        plan = [(i, "next-line") for i in range(args.events)]
        plan += [(args.events + i, "timeout") for i in range(args.timeout_events)]
        for index, series in plan:
            samples.append(run_one(writer, arrivals, (index, series), wait, daemon))
            print(".", end="", flush=True)
        print()
    finally:
        writer.close()
        code = daemon.stop()
        load.append(os.getloadavg()[0])
    assembled, summarized = assembled_times(daemon), summary_secs(daemon)
    for s in samples:
        s.assembled_at = assembled.get(s.first_line)
        if s.first_line in summarized:
            s.extra["summary_ms"] = summarized[s.first_line] * 1000
    fallbacks = len(daemon.log_events("SummarizerFallback"))
    return {
        "backend": backend,
        "ready_s": ready,
        "exit": code,
        "fallbacks": fallbacks,
        "load": load,
        "samples": samples,
    }


def stats(values: list[float]) -> str:
    if not values:
        return "n=0"
    return (
        f"p50 {percentile(values, 0.5):7.1f}  p90 {percentile(values, 0.9):7.1f}  "
        f"max {max(values):7.1f} ms  n={len(values)}"
    )


def report(result: dict[str, Any]) -> None:
    """Print the latency table of one configuration."""
    samples: list[Sample] = result["samples"]
    print(
        f"\n== summarizer {result['backend']}: READY after {result['ready_s']:.2f} s, "
        f"exit {result['exit']}, load average {result['load'][0]:.2f} -> {result['load'][1]:.2f}"
    )
    for series in ("next-line", "timeout"):
        chosen = [s for s in samples if s.series == series]
        if not chosen:
            continue
        print(f"  {series}:")
        for name in ("file", "slack", "assembled"):
            values = [v for s in chosen if (v := s.ms(getattr(s, f"{name}_at"))) is not None]
            print(f"    {name:<10} {stats(values)}")
        for key, label in (("summary_ms", "summarize"), ("cpu_ms", "daemon CPU")):
            values = [s.extra[key] for s in chosen if key in s.extra]
            if values:
                print(f"    {label:<10} {stats(values)}")
    by: dict[str, int] = {}
    for s in samples:
        by[s.summarizer] = by.get(s.summarizer, 0) + 1
    written = ", ".join(f"{k or '?'} {v}" for k, v in sorted(by.items()))
    model = sum(v for k, v in by.items() if k.startswith("llama"))
    print(
        f"  summaries: {written} (model-written {model}/{len(samples)}; "
        f"SummarizerFallback logged {result['fallbacks']})"
    )
    odd = [u for s in samples for u in s.extra.get("unexpected", [])]
    if odd:
        print(f"  unexpected notifications: {odd}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--events", type=int, default=20, help="next-line series length")
    p.add_argument("--timeout-events", type=int, default=3, help="timeout series length")
    p.add_argument("--summarizers", default="rules,llama", help="comma-separated backends")
    p.add_argument("--wait-secs", type=float, default=60.0, help="per-event arrival timeout")
    p.add_argument("--json", metavar="OUT", help="write the raw latencies here")
    p.add_argument("--keep", metavar="DIR", help="work under DIR and keep it")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = [b.strip() for b in args.summarizers.split(",") if b.strip()]
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="logsumd-latency-"))
    print(machine())
    print(
        f"grouping {GROUPING} (no throttle delay); flush_timeout_ms 1500 (default); "
        f"{args.events} next-line + {args.timeout_events} timeout events per summarizer"
    )
    results = []
    try:
        with SlackServer() as server:
            for backend in backends:
                print(f"{backend}: ", end="", flush=True)
                results.append(run_config(base / backend, backend, server, args))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    for result in results:
        report(result)
    if args.json:
        raw = [{**r, "samples": [asdict(s) for s in r["samples"]]} for r in results]
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": raw}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
