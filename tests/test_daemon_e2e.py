"""The real daemon in a subprocess: tail, assemble, classify, write JSONL, restart."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.daemon_helpers import DaemonProcess, read_jsonl, wait_records, write_config

pytestmark = pytest.mark.slow

HEADER = (
    "[2025-03-02T04:10:12.345+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
)
PART1 = (
    "Traceback (most recent call last):\n"
    '  File "/opt/airflow/dags/etl/extract.py", line 42, in load_sales\n'
)
PART2 = (
    '    df = pd.read_csv("/data/incoming/sales_2025-03-01.csv")\n'
    "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
)
PART3 = (
    "FileNotFoundError: [Errno 2] No such file or directory: "
    "'/data/incoming/sales_2025-03-01.csv'\n"
)

SECOND = (
    "[2025-03-02T05:00:00.000+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/opt/airflow/dags/etl/load.py", line 17, in connect\n'
    "    conn = psycopg2.connect(dsn)\n"
    "psycopg2.OperationalError: connection to server at "
    '"warehouse.internal" (10.0.0.7), port 5432 failed: Connection refused\n'
)


def _append(path: Path, text: str) -> None:
    with path.open("a") as f:
        f.write(text)
        f.flush()


def test_traceback_in_three_writes_is_one_record_and_restart_is_exact(tmp_path: Path) -> None:
    """Three writes give one record within 5 s; SIGTERM exits 0; restart adds no duplicate."""
    config = write_config(tmp_path)
    log = tmp_path / "logs" / "etl.log"
    out = tmp_path / "out" / "events.jsonl"
    info = "".join(
        f"[2025-03-02T04:10:0{i}.000+0000] {{etl.py:10}} INFO - step {i} done\n" for i in range(5)
    )
    log.write_text(info)

    daemon = DaemonProcess(config)
    daemon.wait_logged("DaemonStarted")
    time.sleep(0.3)
    _append(log, HEADER + PART1)
    time.sleep(0.2)
    _append(log, PART2)
    time.sleep(0.2)
    _append(log, PART3)
    written = time.monotonic()
    records = wait_records(out, 1, timeout=5.0)
    elapsed = time.monotonic() - written
    assert len(records) == 1, daemon.lines[-30:]
    rec = records[0]
    assert elapsed < 5.0
    assert (rec["line_start"], rec["line_end"]) == (6, 11)
    assert rec["category"] == "file_io"
    assert rec["exception_type"] == "FileNotFoundError"
    assert rec["path"] == str(log)

    assert daemon.stop(signal.SIGTERM) == 0
    assert (tmp_path / "state" / "checkpoints.json").exists()

    # Written while the daemon is down: reported after the restart.
    _append(log, "[2025-03-02T04:59:59.000+0000] {etl.py:10} INFO - retrying\n" + SECOND)

    daemon = DaemonProcess(config)
    daemon.wait_logged("DaemonStarted")
    records = wait_records(out, 2, timeout=10.0)
    time.sleep(1.5)  # give a duplicate every chance to appear
    records = read_jsonl(out)
    assert daemon.stop(signal.SIGTERM) == 0
    assert len(records) == 2, records
    second = records[1]
    assert (second["line_start"], second["line_end"]) == (13, 17)
    assert second["category"] == "connection"
    assert second["exception_type"] == "psycopg2.OperationalError"


def test_sighup_reopens_output_file(tmp_path: Path) -> None:
    """SIGHUP reopens the output file, so logrotate's rename is followed."""
    config = write_config(tmp_path)
    log = tmp_path / "logs" / "etl.log"
    out = tmp_path / "out" / "events.jsonl"
    log.write_text("")
    daemon = DaemonProcess(config)
    daemon.wait_logged("DaemonStarted")
    _append(log, HEADER + PART1 + PART2 + PART3)
    assert len(wait_records(out, 1, timeout=5.0)) == 1
    out.rename(out.with_suffix(".1"))
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait_logged("OutputReopened")
    _append(log, SECOND)
    assert len(wait_records(out, 1, timeout=5.0)) == 1
    assert daemon.stop(signal.SIGTERM) == 0
