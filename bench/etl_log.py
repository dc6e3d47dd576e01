"""A synthetic ETL log for the benchmarks: Airflow-style INFO lines with errors.

Deterministic for a seed.  Every ~200 lines (on average) comes an error event:
mostly an ``ERROR`` record followed by a Python traceback of 3 to 8 frames, one
in six a Spark/Java stack trace with a ``Caused by:``, and a few single-line
``ERROR`` records.  The volatile parts (ids, row counts, hosts, times) vary, so
the same kind of error recurs with different text, as in a real log.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

TASKS = ("extract_orders", "load_events", "transform_users", "dedupe_sessions", "export_s3")
INFO = (
    "Processed batch {n} of {m}: {rows} rows in {ms} ms",
    "Reading s3://etl-raw/orders/dt=2026-11-{d:02d}/part-{n:05d}.parquet",
    "Wrote {rows} rows to warehouse.staging_{t}",
    "Heartbeat: task {t} running for {ms} ms",
    "Committed offset {rows} for partition {n}",
    "Dependency check passed for {t}",
)
PY_ERRORS = (
    ("FileNotFoundError", "[Errno 2] No such file or directory: '/data/in/orders_{n}.csv'"),
    ("KeyError", "'customer_id'"),
    ("ValueError", "invalid literal for int() with base 10: 'N/A{n}'"),
    ("ConnectionRefusedError", "[Errno 111] Connection refused"),
    ("TimeoutError", "timed out after {ms} ms waiting for db-{n}.internal:5432"),
    ("PermissionError", "[Errno 13] Permission denied: '/mnt/export/batch_{n}'"),
    ("json.decoder.JSONDecodeError", "Expecting value: line 1 column {n} (char {rows})"),
    ("MemoryError", ""),
)
JAVA_ERRORS = (
    ("org.apache.spark.SparkException", "Job aborted due to stage failure: Task {n} failed"),
    ("java.io.IOException", "No space left on device"),
    ("java.sql.SQLException", "Connection reset by peer (host db-{n})"),
)
FRAMES = (
    ("/opt/airflow/dags/etl/{t}.py", "run"),
    ("/opt/airflow/dags/etl/io_helpers.py", "read_batch"),
    ("/opt/airflow/dags/etl/transform.py", "apply_schema"),
    ("/usr/lib/python3.11/site-packages/pandas/io/parsers/readers.py", "read_csv"),
    ("/usr/lib/python3.11/site-packages/sqlalchemy/engine/base.py", "execute"),
    ("/opt/airflow/dags/etl/db.py", "connect"),
    ("/usr/lib/python3.11/json/decoder.py", "decode"),
    ("/opt/airflow/dags/etl/export.py", "upload"),
)


@dataclass(frozen=True, slots=True)
class Generated:
    """What was written: lines, bytes and the error events with their last line."""

    lines: int
    nbytes: int
    events: int
    event_last_lines: tuple[int, ...]


def _stamp(sec: int) -> str:
    h, rem = divmod(sec % 86400, 3600)
    return f"[2026-11-26T{h:02d}:{rem // 60:02d}:{rem % 60:02d}.{sec % 1000:03d}+0000]"


def _py_trace(rng: random.Random, prefix: str, task: str) -> list[str]:
    exc, msg = rng.choice(PY_ERRORS)
    n = rng.randrange(1000)
    out = [f"{prefix} {{taskinstance.py:1937}} ERROR - Task failed with exception"]
    out.append("Traceback (most recent call last):")
    for _ in range(rng.randint(3, 8)):
        path, func = rng.choice(FRAMES)
        out.append(f'  File "{path.format(t=task)}", line {rng.randrange(10, 900)}, in {func}')
        out.append(f"    result = {func}(batch, retries={rng.randrange(5)})")
    text = msg.format(n=n, ms=rng.randrange(100, 90000), rows=rng.randrange(10**6))
    out.append(f"{exc}: {text}" if text else exc)
    return out


def _java_trace(rng: random.Random, prefix: str) -> list[str]:
    exc, msg = rng.choice(JAVA_ERRORS)
    n = rng.randrange(1000)
    out = [f"{prefix} {{spark_submit.py:521}} ERROR - {exc}: {msg.format(n=n)}"]
    for k in range(rng.randint(4, 10)):
        out.append(f"\tat org.apache.spark.scheduler.DAGScheduler.stage{k}(DAGScheduler.scala:{n})")
    out.append("Caused by: java.io.IOException: No space left on device")
    out.append("\tat java.io.FileOutputStream.writeBytes(Native Method)")
    out.append(f"\t... {rng.randint(5, 40)} more")
    return out


def lines(count: int, seed: int = 7, every: int = 200) -> Iterator[tuple[str, bool]]:
    """``count`` lines as (text, ends_an_event)."""
    rng = random.Random(seed)
    written = 0
    sec = 0
    next_error = rng.randint(every // 2, every * 3 // 2)
    while written < count:
        sec += 1
        task = TASKS[sec % len(TASKS)]
        prefix = _stamp(sec)
        if written >= next_error and count - written > 40:
            roll = rng.random()
            if roll < 1 / 6:
                block = _java_trace(rng, prefix)
            elif roll < 0.25:
                block = [f"{prefix} {{db.py:88}} ERROR - Lost connection to db-{sec % 9}: reset"]
            else:
                block = _py_trace(rng, prefix, task)
            for k, text in enumerate(block):
                yield text, k == len(block) - 1
            written += len(block)
            next_error = written + rng.randint(every // 2, every * 3 // 2)
            continue
        fmt = INFO[rng.randrange(len(INFO))]
        text = fmt.format(
            n=rng.randrange(10000),
            m=10000,
            rows=rng.randrange(10**6),
            ms=rng.randrange(10, 5000),
            d=1 + sec % 28,
            t=task,
        )
        yield f"{prefix} {{{task}.py:{40 + sec % 60}}} INFO - {text}", False
        written += 1


def write(path: str, count: int, seed: int = 7, every: int = 200) -> Generated:
    """Write ``count`` lines to ``path``; what was written."""
    nbytes = 0
    n = 0
    ends: list[int] = []
    with open(path, "w", encoding="utf-8") as fh:
        buf: list[str] = []
        for text, last in lines(count, seed, every):
            n += 1
            if last:
                ends.append(n)
            buf.append(text)
            if len(buf) >= 4096:
                data = "\n".join(buf) + "\n"
                nbytes += len(data.encode())
                fh.write(data)
                buf.clear()
        if buf:
            data = "\n".join(buf) + "\n"
            nbytes += len(data.encode())
            fh.write(data)
    return Generated(n, nbytes, len(ends), tuple(ends))
