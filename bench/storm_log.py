"""The error storm's log: 20 kinds of Python traceback, written at a steady rate.

Each kind has its own exception type, application frames and message template;
only volatile parts vary (timestamps, line numbers, ids, counts, quoted paths),
which the fingerprint masks, so ``k`` kinds give ``k`` fingerprints.  Every
event is one INFO line, an Airflow ``ERROR - Task failed`` record and a
two-frame traceback.

:class:`Writer` appends the events to one or more files from a thread, in small
batches every ``TICK_SECS``, so that event ``i`` is written at about
``i / rate`` seconds; the assigned kinds are drawn from a seeded RNG.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from pathlib import Path
from typing import BinaryIO

TICK_SECS = 0.01

KINDS: tuple[tuple[str, str, str, str], ...] = (
    # (exception type, message template, module, function)
    (
        "FileNotFoundError",
        "[Errno 2] No such file or directory: '/data/in/orders_{n}.csv'",
        "extract_orders",
        "read_batch",
    ),
    ("KeyError", "'customer_id'", "transform_users", "apply_schema"),
    ("ValueError", "invalid literal for int() with base 10: 'N/A{n}'", "load_events", "parse_row"),
    ("ConnectionRefusedError", "[Errno 111] Connection refused", "db", "connect"),
    ("TimeoutError", "timed out after {ms} ms waiting for db-{n}.internal:5432", "db", "query"),
    (
        "PermissionError",
        "[Errno 13] Permission denied: '/mnt/export/batch_{n}'",
        "export_s3",
        "stage_file",
    ),
    (
        "json.decoder.JSONDecodeError",
        "Expecting value: line 1 column {n} (char {rows})",
        "ingest_api",
        "decode_page",
    ),
    ("MemoryError", "", "dedupe_sessions", "build_index"),
    ("ZeroDivisionError", "division by zero", "metrics", "conversion_rate"),
    ("IndexError", "list index out of range", "partition", "pick_shard"),
    ("AttributeError", "'NoneType' object has no attribute 'strip'", "clean_names", "normalise"),
    ("TypeError", "unsupported operand type(s) for +: 'int' and 'str'", "aggregate", "sum_rows"),
    (
        "UnicodeDecodeError",
        "'utf-8' codec can't decode byte 0x{n:02x} in position {rows}: invalid start byte",
        "extract_legacy",
        "read_text",
    ),
    ("OverflowError", "Python int too large to convert to C long", "load_facts", "to_int64"),
    ("RecursionError", "maximum recursion depth exceeded", "lineage", "walk_parents"),
    (
        "botocore.exceptions.ClientError",
        "An error occurred (NoSuchKey) when calling the GetObject operation: key {n} missing",
        "export_s3",
        "fetch_manifest",
    ),
    (
        "psycopg2.errors.UniqueViolation",
        'duplicate key value violates unique constraint "orders_pkey" for id {n}',
        "load_orders",
        "insert_batch",
    ),
    (
        "sqlalchemy.exc.OperationalError",
        "(psycopg2.OperationalError) server closed the connection unexpectedly after {ms} ms",
        "warehouse",
        "execute",
    ),
    ("pandas.errors.EmptyDataError", "No columns to parse from file", "extract_orders", "read_csv"),
    ("AssertionError", "row count mismatch: expected {rows} got {n}", "checks", "reconcile"),
)


def render(kind: int, seq: int, rng: random.Random) -> str:
    """The lines of event ``seq`` of ``kind`` (ending with a newline)."""
    exc, template, module, func = KINDS[kind]
    sec = 36000 + seq // 1000
    stamp = (
        f"[2026-11-26T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{seq % 1000:03d}+0000]"
    )
    n, ms, rows = rng.randrange(1, 250), rng.randrange(100, 90000), rng.randrange(10**6)
    message = template.format(n=n, ms=ms, rows=rows)
    last = f"{exc}: {message}" if message else exc
    return (
        f"{stamp} {{taskinstance.py:1159}} INFO - Running task {module}.{func} try {n % 4 + 1}\n"
        f"{stamp} {{taskinstance.py:1937}} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        f'  File "/opt/airflow/dags/etl/{module}.py", line {rng.randrange(20, 400)}, in run\n'
        f"    result = {func}(batch_{seq})\n"
        f'  File "/opt/airflow/dags/etl/{module}.py", line {rng.randrange(400, 900)}, in {func}\n'
        f"    return step(rows, retries={n % 5})\n"
        f"{last}\n"
    )


class Writer(threading.Thread):
    """Appends ``events`` events of ``kinds`` kinds to ``paths`` within ``secs`` seconds."""

    def __init__(self, paths: list[Path], events: int, kinds: int, secs: float, seed: int):
        super().__init__(name="storm-writer", daemon=True)
        self.paths = paths
        self.events = events
        self.kinds = kinds
        self.rate = events / secs
        self._rng = random.Random(seed)
        self.written = 0
        """Events written so far."""
        self.nbytes = dict.fromkeys((str(p) for p in paths), 0)
        """Bytes written so far, per file."""
        self.per_kind: Counter[str] = Counter()
        """Events written per exception type."""
        self.started_at = 0.0
        self.started_wall = 0.0
        self.finished_at = 0.0
        self.late_ticks = 0
        """Ticks that started more than one tick late (the writer fell behind)."""

    def run(self) -> None:
        files = [open(p, "ab", buffering=0) for p in self.paths]  # noqa: SIM115 - closed below
        try:
            self.started_wall = time.time()
            self.started_at = time.monotonic()
            next_tick = self.started_at
            while self.written < self.events:
                now = time.monotonic()
                if now - next_tick > TICK_SECS:
                    self.late_ticks += 1
                due = min(self.events, int((now - self.started_at) * self.rate) + 1)
                self._write_batch(files, due)
                next_tick += TICK_SECS
                time.sleep(max(0.0, next_tick - time.monotonic()))
            self.finished_at = time.monotonic()
        finally:
            for fh in files:
                fh.close()

    def _write_batch(self, files: list[BinaryIO], due: int) -> None:
        chunks: list[list[bytes]] = [[] for _ in files]
        for seq in range(self.written, due):
            kind = self._rng.randrange(self.kinds)
            self.per_kind[KINDS[kind][0]] += 1
            chunks[seq % len(files)].append(render(kind, seq, self._rng).encode())
        for fh, path, parts in zip(files, self.paths, chunks, strict=True):
            if parts:
                data = b"".join(parts)
                fh.write(data)
                fh.flush()
                self.nbytes[str(path)] += len(data)
        self.written = due
