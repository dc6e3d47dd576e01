"""Distinct Airflow task failures for ``bench/latency.py``: one fingerprint each.

A fingerprint keys on the root exception type, the application frames (module
and function) and the message with numbers, ids and quoted values masked, so
every entry here differs in type or message words and in its application frames.
Past the end of the catalogue the application functions get a letters-only
suffix (digits would be masked), so ``event(i)`` never repeats a fingerprint.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

AIRFLOW = "/home/airflow/.local/lib/python3.11/site-packages/airflow"
SITE = "/home/airflow/.local/lib/python3.11/site-packages"
DAGS = "/opt/airflow/dags/etl"

# (exception type, message, application frames as (module, function, source line),
#  an optional library frame as (path, function, source line))
Frame = tuple[str, str, str]
CATALOGUE: tuple[tuple[str, str, tuple[Frame, ...], Frame | None], ...] = (
    (
        "KeyError",
        "'customer_id'",
        (
            ("orders", "load_orders", "rows = enrich(batch)"),
            ("enrich", "join_customers", "cid = row['customer_id']"),
        ),
        None,
    ),
    (
        "FileNotFoundError",
        "[Errno 2] No such file or directory: '/data/in/orders.csv'",
        (("ingest", "read_daily_drop", "df = pd.read_csv(path)"),),
        (f"{SITE}/pandas/io/common.py", "get_handle", "handle = open(handle, ioargs.mode)"),
    ),
    (
        "ValueError",
        "invalid literal for int() with base 10: 'N/A'",
        (("transform", "cast_quantities", "qty = int(raw)"),),
        None,
    ),
    (
        "ConnectionRefusedError",
        "[Errno 111] Connection refused",
        (("warehouse", "open_session", "conn = engine.connect()"),),
        (f"{SITE}/psycopg2/__init__.py", "connect", "conn = _connect(dsn, **kwasync)"),
    ),
    (
        "PermissionError",
        "[Errno 13] Permission denied: '/mnt/export/daily'",
        (("export", "write_parquet", "table.to_parquet(target)"),),
        None,
    ),
    (
        "json.decoder.JSONDecodeError",
        "Expecting value: line 1 column 1 (char 0)",
        (("api_pull", "fetch_page", "payload = resp.json()"),),
        ("/usr/lib/python3.11/json/decoder.py", "raw_decode", "raise JSONDecodeError(...)"),
    ),
    (
        "ZeroDivisionError",
        "division by zero",
        (("metrics", "conversion_rate", "return orders / visits"),),
        None,
    ),
    (
        "TypeError",
        "unsupported operand type(s) for +: 'NoneType' and 'float'",
        (("billing", "sum_invoice_lines", "total = total + line.amount"),),
        None,
    ),
    (
        "AttributeError",
        "'NoneType' object has no attribute 'strip'",
        (("cleaning", "normalize_email", "return value.strip().lower()"),),
        None,
    ),
    (
        "IndexError",
        "list index out of range",
        (("parsers", "split_header_row", "region = parts[7]"),),
        None,
    ),
    (
        "UnicodeDecodeError",
        "'utf-8' codec can't decode byte in position: invalid start byte",
        (("legacy_feed", "decode_vendor_file", "text = raw.decode('utf-8')"),),
        None,
    ),
    (
        "sqlalchemy.exc.IntegrityError",
        "(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint",
        (("upsert", "insert_dim_product", "session.flush()"),),
        (f"{SITE}/sqlalchemy/engine/default.py", "do_execute", "cursor.execute(statement)"),
    ),
    (
        "psycopg2.OperationalError",
        "server closed the connection unexpectedly",
        (("loaders", "copy_into_staging", "cur.copy_expert(sql, fh)"),),
        None,
    ),
    (
        "botocore.exceptions.NoCredentialsError",
        "Unable to locate credentials",
        (("s3_sync", "upload_partition", "s3.upload_file(src, bucket, key)"),),
        (f"{SITE}/botocore/auth.py", "add_auth", "raise NoCredentialsError()"),
    ),
    (
        "MemoryError",
        "Unable to allocate array with shape and data type float64",
        (("features", "build_matrix", "mat = np.zeros((rows, cols))"),),
        None,
    ),
    (
        "RecursionError",
        "maximum recursion depth exceeded while calling a Python object",
        (("hierarchy", "walk_category_tree", "return walk(child)"),),
        None,
    ),
    (
        "AssertionError",
        "row count mismatch between source and target",
        (("checks", "verify_row_counts", "assert src == dst, msg"),),
        None,
    ),
    (
        "TimeoutError",
        "timed out waiting for the warehouse lock",
        (("locks", "acquire_table_lock", "lock.acquire(timeout=600)"),),
        None,
    ),
    (
        "pyarrow.lib.ArrowInvalid",
        "Could not convert 'abc' with type str: tried to convert",
        (("arrowize", "to_arrow_table", "pa.Table.from_pandas(df, schema)"),),
        None,
    ),
    (
        "requests.exceptions.HTTPError",
        "503 Server Error: Service Unavailable for url",
        (("crm_client", "pull_contacts", "resp.raise_for_status()"),),
        (f"{SITE}/requests/models.py", "raise_for_status", "raise HTTPError(msg)"),
    ),
    (
        "ModuleNotFoundError",
        "No module named 'snowflake'",
        (("dag_loader", "import_connector", "importlib.import_module(name)"),),
        None,
    ),
    (
        "OSError",
        "[Errno 28] No space left on device",
        (("spill", "write_temp_chunk", "fh.write(chunk)"),),
        None,
    ),
    (
        "NotImplementedError",
        "currency conversion for region is not supported",
        (("fx", "convert_amount", "raise NotImplementedError(msg)"),),
        None,
    ),
    (
        "yaml.scanner.ScannerError",
        "mapping values are not allowed here",
        (("configs", "load_pipeline_spec", "spec = yaml.safe_load(fh)"),),
        None,
    ),
)


@dataclass(frozen=True, slots=True)
class Failure:
    """One task failure: the traceback lines and its root exception type."""

    lines: tuple[str, ...]
    """Header record, ``Traceback``, frames and the exception line (no newlines)."""
    exception_type: str


def _letters(n: int) -> str:
    """0 -> "", 1 -> "b", 26 -> "ba": a suffix without digits."""
    out = ""
    while n:
        out = "abcdefghijklmnopqrstuvwxyz"[n % 26] + out
        n //= 26
    return out


def stamp(epoch: float) -> str:
    """Airflow's record prefix for a time."""
    ms = int(epoch * 1000) % 1000
    return time.strftime("[%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{ms:03d}+0000]"


def failure(i: int, epoch: float) -> Failure:
    """The ``i``-th distinct failure, stamped ``epoch``."""
    exc, message, app, lib = CATALOGUE[i % len(CATALOGUE)]
    suffix = _letters(i // len(CATALOGUE))
    suffix = f"_{suffix}" if suffix else ""
    lines = [
        f"{stamp(epoch)} {{taskinstance.py:3311}} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        f'  File "{AIRFLOW}/models/taskinstance.py", line 767, in _execute_task',
        "    result = _execute_callable(context=context, **execute_callable_kwargs)",
        f'  File "{AIRFLOW}/operators/python.py", line 240, in execute_callable',
        "    return runner.run(*self.op_args, **self.op_kwargs)",
    ]
    for n, (module, function, source) in enumerate(app):
        lines.append(f'  File "{DAGS}/{module}.py", line {40 + 17 * n}, in {function}{suffix}')
        lines.append(f"    {source}")
    if lib is not None:
        lines.append(f'  File "{lib[0]}", line 873, in {lib[1]}')
        lines.append(f"    {lib[2]}")
    lines.append(f"{exc}: {message}")
    return Failure(tuple(lines), exc)


def next_record(epoch: float, task: str) -> str:
    """The record Airflow logs right after a failure."""
    return (
        f"{stamp(epoch)} {{taskinstance.py:1225}} INFO - Marking task as FAILED. "
        f"dag_id=latency_bench, task_id={task}, run_id=manual__bench"
    )


def runner_report(epoch: float, task: str, job: int) -> tuple[str, str]:
    """The task runner's report and exit that Airflow 2 logs right after
    ``next_record``: the assembler holds an Airflow failure for them (or the next event,
    five other lines, or ``flush_timeout_ms``), so a bench without them measures the
    flush timeout, not the daemon."""
    return (
        f"{stamp(epoch)} {{standard_task_runner.py:107}} ERROR - Failed to execute job {job}"
        f" for task {task} (see the traceback above; {4000 + job})",
        f"{stamp(epoch)} {{local_task_job_runner.py:228}} INFO - Task exited with return code 1",
    )
