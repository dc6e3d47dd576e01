"""Benchmark ``logsumd summarize`` on a log that repeats a few failures many times.

    python bench/summarize_grouped.py [--events 500] [--kinds 10] [--backend llama|rules]
                                      [--skip-before | --before-events N] [--keep DIR]

Writes a Kafka-producer-style log (INFO lines, and ``--events`` error events of
``--kinds`` distinct failures: ERROR records with Python tracebacks whose
offsets, batch sizes, hosts and times vary) and summarizes it with the default
summarizer (the embedded model and adapter) two ways, in one process with one
loaded model:

* before: every event summarized, as ``logsumd summarize`` did before it
  grouped events (one model call per event);
* after: events grouped by fingerprint, one summary per fingerprint (what
  ``logsumd summarize`` does now).

It prints the summarizer calls and wall time of each, and then times the
``logsumd summarize`` command itself on the same log (model load included).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import machine

from logsumd.cli._logsetup import configure_logging
from logsumd.cli._summarize import Progress, group_events, summarize_groups, understood_events
from logsumd.config import SourceSettings, SummarizerSettings
from logsumd.records import Classification, Event, Summary
from logsumd.summarize import Summarizer, make_summarizer
from logsumd.understand import Redactor

LOGGERS = ("producer.orders", "producer.payments", "producer.clicks", "producer.inventory")
FAILURES = (
    (
        "send",
        "kafka.errors.KafkaTimeoutError",
        "KafkaTimeoutError: Failed to update metadata after {secs}.0 secs.",
    ),
    (
        "flush",
        "kafka.errors.MessageSizeTooLargeError",
        "MessageSizeTooLargeError: The message is {size} bytes when serialized which is larger "
        "than the maximum request size you have configured with the max_request_size "
        "configuration",
    ),
    (
        "connect",
        "kafka.errors.NoBrokersAvailable",
        "NoBrokersAvailable: NoBrokersAvailable",
    ),
    (
        "serialize",
        "ValueError",
        "ValueError: Out of range float values are not JSON compliant: offset {offset}",
    ),
    ("key_of", "KeyError", "KeyError: 'customer_id'"),
    (
        "read_batch",
        "FileNotFoundError",
        "FileNotFoundError: [Errno 2] No such file or directory: "
        "'/data/outbox/batch-{offset}.json'",
    ),
    (
        "lookup",
        "psycopg2.OperationalError",
        'psycopg2.OperationalError: connection to server at "pg-{n}.etl.internal" '
        "(10.0.{n}.7), port 5432 failed: Connection refused",
    ),
    (
        "enrich",
        "requests.exceptions.ReadTimeout",
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='geo.vendor.io', "
        "port=443): Read timed out. (read timeout={secs})",
    ),
    (
        "decode",
        "json.decoder.JSONDecodeError",
        "json.decoder.JSONDecodeError: Expecting value: line 1 column {n} (char {offset})",
    ),
    (
        "spool",
        "PermissionError",
        "PermissionError: [Errno 13] Permission denied: '/var/spool/producer/{n}.tmp'",
    ),
)
INFO = (
    "Sent batch of {size} records to topic orders-v2 partition {n} (offset {offset})",
    "Producer metrics: record-send-rate={secs}.2/s request-latency-avg={n}.1 ms",
    "Polled {size} rows from staging.orders since offset {offset}",
    "Committed offset {offset} for partition {n}",
)


def grouped_log(events: int, kinds: int, seed: int = 7, info_between: int = 3) -> str:
    """A deterministic log of ``events`` error events of ``kinds`` distinct failures."""
    rng = random.Random(seed)
    lines: list[str] = []
    second = 0

    def ts() -> str:
        nonlocal second
        second += 1
        h, m, s = second // 3600 % 24, second // 60 % 60, second % 60
        return (
            f"2026-11-{3 + second // 86400:02d} {h:02d}:{m:02d}:{s:02d},{rng.randrange(1000):03d}"
        )

    def values() -> dict[str, int]:
        return {
            "n": rng.randrange(1, 64),
            "size": rng.randrange(1_000, 5_000_000),
            "offset": rng.randrange(10**6, 10**9),
            "secs": rng.randrange(5, 120),
        }

    for k in range(events):
        for _ in range(rng.randrange(0, 2 * info_between + 1)):
            lines.append(
                f"{ts()} INFO {rng.choice(LOGGERS)} - {rng.choice(INFO).format(**values())}"
            )
        func, _, exc_line = FAILURES[k % kinds]
        logger = LOGGERS[k % kinds % len(LOGGERS)]
        lines += [
            f"{ts()} ERROR {logger} - {func} failed",
            "Traceback (most recent call last):",
            '  File "/opt/producer/app/main.py", line 88, in run',
            f"    {func}(batch)",
            f'  File "/opt/producer/app/pipeline.py", line {40 + k % kinds}, in {func}',
            "    return client.call(batch)",
            exc_line.format(**values()),
        ]
    lines.append(f"{ts()} INFO producer.orders - shutting down")
    return "\n".join(lines) + "\n"


class Counting:
    """A summarizer that counts the calls it passes on (the model calls)."""

    def __init__(self, inner: Summarizer) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0

    def summarize(self, event: Event, cls: Classification) -> Summary:
        self.calls += 1
        return self.inner.summarize(event, cls)

    def close(self) -> None:
        self.inner.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--kinds", type=int, default=10)
    parser.add_argument("--backend", choices=("llama", "rules"), default="llama")
    parser.add_argument("--skip-before", action="store_true", help="only the grouped run")
    parser.add_argument(
        "--before-events",
        type=int,
        default=0,
        help="time the one-call-per-event run on the first N events only and scale it to "
        "all events (0: all; the full run takes one model call per event)",
    )
    parser.add_argument("--state-dir", default=os.path.expanduser("~/.cache/logsumd"))
    parser.add_argument("--keep", help="write the log here and keep it")
    args = parser.parse_args(argv)
    configure_logging("error", "console")  # not the model's load log, nor fallbacks

    work = Path(args.keep or tempfile.mkdtemp(prefix="logsumd-grouped-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "producer.log"
    log.write_text(grouped_log(args.events, args.kinds), encoding="utf-8")
    print(f"machine: {machine()}")
    print(f"log: {log} ({log.read_text().count(chr(10)):,} lines)")

    settings = SummarizerSettings(backend=args.backend)
    redactor = Redactor()
    loaded = time.perf_counter()
    summarizer = Counting(make_summarizer(settings, args.state_dir, redactor))
    print(f"summarizer: {summarizer.name}, loaded in {time.perf_counter() - loaded:.1f} s")
    try:
        items = understood_events(str(log), SourceSettings(include=(str(log),)), redactor)
        groups = group_events(items)
        print(f"events: {len(items)}, distinct fingerprints: {len(groups)}")
        if not args.skip_before:
            sample = items[: args.before_events] if args.before_events > 0 else items
            t0 = time.perf_counter()
            for event, cls, _ in sample:
                summarizer.summarize(event, cls)
            before = time.perf_counter() - t0
            if len(sample) < len(items):
                scaled = before * len(items) / len(sample)
                print(
                    f"before (one call per event): {len(items)} calls, {scaled:.1f} s "
                    f"(scaled from {summarizer.calls} calls in {before:.1f} s)"
                )
            else:
                print(f"before (one call per event): {summarizer.calls} calls, {before:.1f} s")
            summarizer.calls = 0
        t0 = time.perf_counter()
        summarize_groups(groups, summarizer, {}, Progress(io.StringIO()))
        after = time.perf_counter() - t0
        print(f"after (one call per fingerprint): {summarizer.calls} calls, {after:.1f} s")
    finally:
        summarizer.close()

    cli = [sys.executable, "-m", "logsumd", "summarize", "--backend", args.backend, str(log)]
    env = {**os.environ, "XDG_CACHE_HOME": str(Path(args.state_dir).parent)}
    t0 = time.perf_counter()
    proc = subprocess.run(cli, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
        return 1
    print(f"logsumd summarize (model load included): {took:.1f} s")
    print(proc.stdout.strip().splitlines()[-1])
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
