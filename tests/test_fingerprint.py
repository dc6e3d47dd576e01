"""Fingerprints: stable across volatile details, distinct across causes."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logsumd.understand import _fingerprint as fp_mod
from logsumd.understand import classify
from logsumd.understand._fingerprint import fingerprint, mask_volatile
from tests.events import make_event


def py_failure(ts: str, line: int, exc_line: str, func: str = "load_sales") -> str:
    """An Airflow task failure in ``/opt/etl/extract.py`` with the given details."""
    return (
        f"[{ts}] {{taskinstance.py:2905}} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        f'  File "/opt/etl/extract.py", line {line}, in {func}\n'
        "    df = pd.read_csv(path)\n"
        f"{exc_line}\n"
    )


def fp(text: str) -> str:
    """Fingerprint of the classification of ``text``."""
    return fingerprint(classify(make_event(text)))


SAME_CAUSE_PAIRS = [
    (
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            "FileNotFoundError: [Errno 2] No such file or directory: "
            "'/data/run_id=scheduled__2024-06-02T00:00:00+00:00/sales.csv'",
        ),
        py_failure(
            "2024-06-04T02:15:09.002+0000",
            44,
            "FileNotFoundError: [Errno 2] No such file or directory: "
            "'/data/run_id=scheduled__2024-06-03T00:00:00+00:00/sales.csv'",
        ),
    ),
    (
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            'psycopg2.OperationalError: connection to server at "pg-1.prod.internal" '
            "(10.0.3.4), port 5432 failed: Connection refused",
        ),
        py_failure(
            "2024-06-03T05:01:00.000+0000",
            42,
            'psycopg2.OperationalError: connection to server at "pg-2.prod.internal" '
            "(10.0.3.9), port 5433 failed: Connection refused",
        ),
    ),
    (
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            "vendor.errors.BatchRejected: batch 7f3a9c21e4b8 of 1200 rows rejected at 02:14:07 "
            "(request 123e4567-e89b-12d3-a456-426614174000, tmp file /tmp/tmpa8x9k2q1.csv)",
        ),
        py_failure(
            "2024-06-05T11:00:00.000+0000",
            42,
            "vendor.errors.BatchRejected: batch 0c1d2e3f4a5b of 980 rows rejected at 11:00:01 "
            "(request 9b2f1c3d-0a4e-4f5b-8c6d-7e8f9a0b1c2d, tmp file /tmp/tmpzz81kq0p.csv)",
        ),
    ),
]

DIFFERENT_CAUSE_PAIRS = [
    (
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            "FileNotFoundError: [Errno 2] No such file or directory: '/data/sales.csv'",
        ),
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            "PermissionError: [Errno 13] Permission denied: '/data/sales.csv'",
        ),
    ),
    (
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            "ValueError: could not convert string to float: 'n/a'",
        ),
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            "ValueError: could not convert string to float: 'n/a'",
            func="load_returns",
        ),
    ),
    (
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            'psycopg2.OperationalError: connection to server at "pg" (10.0.3.4), port 5432 '
            "failed: Connection refused",
        ),
        py_failure(
            "2024-06-03T02:14:07.311+0000",
            42,
            'psycopg2.OperationalError: connection to server at "pg" (10.0.3.4), port 5432 '
            'failed: FATAL:  password authentication failed for user "etl"',
        ),
    ),
]


@pytest.mark.parametrize(("first", "second"), SAME_CAUSE_PAIRS)
def test_same_cause_shares_fingerprint(first: str, second: str) -> None:
    """The same failure with other dates, lines, hosts, ids and temp files shares one."""
    assert fp(first) == fp(second)


@pytest.mark.parametrize(("first", "second"), DIFFERENT_CAUSE_PAIRS)
def test_different_cause_has_different_fingerprint(first: str, second: str) -> None:
    """Another exception type, function or message gives another fingerprint."""
    assert fp(first) != fp(second)


def test_fingerprint_is_sixteen_hex_chars() -> None:
    """A fingerprint is 16 lower-case hex characters."""
    value = fp(SAME_CAUSE_PAIRS[0][0])
    assert re.fullmatch(r"[0-9a-f]{16}", value)


def test_java_failures_on_other_executors_share_fingerprint() -> None:
    """Spark failures that differ in task, stage, executor and address share one."""

    def spark(task: str, host: str) -> str:
        return (
            "org.apache.spark.SparkException: Job aborted due to stage failure: "
            f"Task {task} failed 4 times, most recent failure: Lost task (TID 7) ({host} "
            "executor 1): java.io.IOException: Mkdirs failed\n"
            "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2790)\n"
            "Caused by: java.io.IOException: Mkdirs failed to create file:/out/_temporary/0/"
            f"attempt_2024061{task[0]}_0004_m_000000_7\n"
            "\tat org.apache.hadoop.fs.ChecksumFileSystem.create(ChecksumFileSystem.java:515)\n"
        )

    assert fp(spark("0 in stage 4.0", "172.19.0.4")) == fp(spark("3 in stage 9.0", "172.19.0.7"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 2024-06-03T02:14:07.311+00:00 done", "at <ts> done"),
        ("run_id=manual__2024-06-03T02:14:07 attempt=2", "run_id=<*> attempt=<*>"),
        ("host 10.0.3.4:5432 down", "host <ip> down"),
        ("request 123e4567-e89b-12d3-a456-426614174000", "request <uuid>"),
        ("object 0x7f3a9c21 freed", "object <hex> freed"),
        ("wrote /tmp/tmpa8x9k2q1.csv", "wrote /tmp/<tmp>.csv"),
        ("table 'sales_2024' missing", "table '<*>' missing"),
        ("read 1200 rows", "read <n> rows"),
        ("jdbc://db-7.prod.internal:5432/x", "jdbc://<host>/x"),
    ],
)
def test_mask_volatile(text: str, expected: str) -> None:
    """Volatile parts become placeholders; the wording stays."""
    assert mask_volatile(text) == expected


@pytest.mark.parametrize("index", range(len(fp_mod._MASKS)))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mask_need_holds_wherever_the_mask_matches(index: int, data: st.DataObject) -> None:
    """A message a mask would change always holds the character that lets the mask run."""
    rx, _, need = fp_mod._MASKS[index]
    text = data.draw(st.from_regex(rx))
    if rx.search(text):
        assert need in text, text
