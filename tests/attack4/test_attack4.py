"""Red-team attacks on the PySpark re-raise join, Airflow 1's child report join and the
relay record prefixes (log lines written here in the shapes Spark, PySpark, Airflow 1.10,
Airbyte and pipelinewise print)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.records import Chunk, Event
from logsumd.understand import classify
from tests.test_corpus_shapes import _events, _spans, af

ROOT = Path(__file__).resolve().parents[2]


def log4j(sec: int, level: str, msg: str) -> str:
    """A Spark driver's log4j record (``spark-submit`` console format)."""
    return f"26/03/01 04:10:{sec:02d} {level} {msg}"


def types(events: list[Event]) -> list[str | None]:
    """The exception type the classifier gives each event."""
    return [classify(e).exception_type for e in events]


def chunk(lines: list[str], read_at: float) -> Chunk:
    """One chunk of a file holding ``lines``."""
    data = "\n".join(lines).encode() + b"\n"
    raw = data.split(b"\n")[:-1]
    offsets, pos = [], 0
    for line in raw:
        offsets.append(pos)
        pos += len(line) + 1
    return Chunk("/logs/driver.log", "f1", raw, offsets, 1, len(data), read_at)


EXECUTOR_OOM = [
    log4j(1, "ERROR", "Executor: Exception in task 0.0 in stage 2.0 (TID 5)"),
    "java.lang.OutOfMemoryError: Java heap space",
    "\tat java.util.Arrays.copyOf(Arrays.java:3236)",
    "\tat org.apache.spark.util.collection.PartitionedPairBuffer.growArray("
    "PartitionedPairBuffer.scala:67)",
]
DRIVER_KEYERROR = [
    "Traceback (most recent call last):",
    '  File "/jobs/report.py", line 44, in <module>',
    '    total = rows[0]["amount"]',
    "KeyError: 'amount'",
]
DFSCLIENT_WARN = [
    log4j(1, "WARN", "DFSClient: Caught exception"),
    "java.lang.InterruptedException",
    "\tat java.lang.Object.wait(Native Method)",
    "\tat java.lang.Thread.join(Thread.java:1252)",
    "\tat org.apache.hadoop.hdfs.DFSOutputStream$DataStreamer.closeResponder("
    "DFSOutputStream.java:716)",
]
DRIVER_ASSERT = [
    "Traceback (most recent call last):",
    '  File "/jobs/dedupe.py", line 57, in <module>',
    "    assert dupes == 0, f'{dupes} duplicate order ids'",
    "AssertionError: 412 duplicate order ids",
]


# -- (a) two different failures merged by the re-raise join ------------------------


def test_retried_executor_error_and_a_later_driver_python_error_are_two_alerts() -> None:
    """An executor's Java error (the task is retried) and the driver's own KeyError a few
    lines later are two failures: the KeyError keeps an alert of its own."""
    lines = [
        *EXECUTOR_OOM,
        log4j(2, "INFO", "TaskSetManager: Starting task 0.1 in stage 2.0 (TID 6)"),
        log4j(3, "INFO", "DAGScheduler: Job 2 finished: collect at /jobs/report.py:40, took 9 s"),
        *DRIVER_KEYERROR,
    ]
    assert "KeyError" in types(_events(lines))


def test_benign_dfsclient_warn_trace_does_not_swallow_the_python_failure() -> None:
    """Hadoop's harmless ``WARN DFSClient: Caught exception`` InterruptedException trace
    must not become the alert of the AssertionError that really failed the job."""
    lines = [
        *DFSCLIENT_WARN,
        log4j(2, "INFO", "DAGScheduler: Job 3 finished: count at /jobs/dedupe.py:52, took 0.8 s"),
        *DRIVER_ASSERT,
        log4j(3, "INFO", "SparkContext: Invoking stop() from shutdown hook"),
    ]
    assert "AssertionError" in types(_events(lines))


# -- (a) Airflow 1: the runner's report joins a handled child traceback -------------

BASH = "{bash_operator.py:126}"


def test_airflow_1_bash_failed_does_not_join_a_handled_child_traceback() -> None:
    """A child that printed a traceback, said it continues and then failed otherwise: the
    runner's ``Bash command failed`` is not an alert for the handled ConnectTimeout."""
    lines = [
        af(1, "{bash_operator.py:105}", "INFO", "Temporary script location: /tmp/airflowtmp/u"),
        af(1, BASH, "INFO", "Traceback (most recent call last):"),
        af(1, BASH, "INFO", '  File "/jobs/notify.py", line 8, in <module>'),
        af(1, BASH, "INFO", "    requests.post(hook, json=msg, timeout=5)"),
        af(
            1, BASH, "INFO", "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='hooks')"
        ),
        af(1, BASH, "INFO", "notify failed, continuing"),
        af(2, BASH, "INFO", "/tmp/airflowtmp/u: line 4: dbt: command not found"),
        af(2, BASH, "INFO", "Command exited with return code 127"),
        af(3, "{taskinstance.py:1145}", "ERROR", "Bash command failed"),
        "Traceback (most recent call last):",
        '  File "/usr/lib/python3.8/site-packages/airflow/operators/bash_operator.py", line 134,'
        " in execute",
        '    raise AirflowException("Bash command failed")',
        "airflow.exceptions.AirflowException: Bash command failed",
        af(3, "{taskinstance.py:1189}", "INFO", "Marking task as FAILED. dag_id=load, task_id=l"),
    ]
    reports = [e for e in _events(lines) if "Bash command failed" in e.text]
    assert reports
    assert all("ConnectTimeout" not in e.text for e in reports)


# -- (c) pipelinewise tap lines whose message holds a level word ---------------------

TAP = "2019-10-18 07:32:{:02d},046Z    tap - "
MAIN = "2019-10-18 07:32:{:02d},051Z   main - "


def test_tap_exception_line_with_client_error_is_the_exception() -> None:
    """``tap - requests.exceptions.HTTPError: 401 Client Error: ...`` is the traceback's
    exception line: the alert names HTTPError, not ``tap``."""
    lines = [
        TAP.format(28) + "INFO Syncing stream: deals",
        TAP.format(29) + "Traceback (most recent call last):",
        TAP.format(29) + '  File "/app/tap-pipedrive/bin/tap-pipedrive", line 11, in <module>',
        TAP.format(29) + "    sys.exit(main())",
        TAP.format(29) + '  File "/app/tap-pipedrive/lib/requests/models.py", line 940, in'
        " raise_for_status",
        TAP.format(29) + "    raise HTTPError(http_error_msg, response=self)",
        TAP.format(29) + "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url:"
        " https://api.pipedrive.com/v1/deals",
        MAIN.format(30) + "INFO Tap exited with code 1",
    ]
    events = _events(lines)
    assert types(events)[0] == "requests.exceptions.HTTPError"
    assert _spans(events)[0] == (2, 7)


def test_tap_traceback_whose_source_line_says_error_keeps_its_exception() -> None:
    """A tap frame ``raise RuntimeError("error: ...")`` and its exception line keep the
    traceback's exception type (RuntimeError), not ``tap``."""
    lines = [
        TAP.format(28) + "INFO Syncing stream: orders",
        TAP.format(29) + "Traceback (most recent call last):",
        TAP.format(29) + '  File "/app/tap_x/sync.py", line 80, in sync_stream',
        TAP.format(29) + '    raise RuntimeError("error: no replication key for stream orders")',
        TAP.format(29) + "RuntimeError: error: no replication key for stream orders",
        MAIN.format(30) + "INFO Tap exited with code 1",
    ]
    assert types(_events(lines))[0] == "RuntimeError"


# -- (d) a long relayed line: quadratic regexes newly reached -----------------------

_LONG = {
    "gobbler": "2021-01-21 22:27:16 INFO (/tmp/workspace/6/0) LineGobbler(voidCall):69 - "
    + "-" * 100_000,
    "tap": "2019-10-18 07:32:29,046Z    tap - " + "9f-" * 33_000,
    "bare-z": "10:00:00Z" + " " * 100_000 + "x",
}


@pytest.mark.parametrize("name", sorted(_LONG))
def test_a_100kb_relayed_line_parses_in_seconds(name: str, tmp_path: Path) -> None:
    """A 100 KB line behind a relay prefix (Airbyte's LineGobbler, a tap, a bare
    ``HH:MM:SSZ``) is parsed in well under 20 s (a quadratic regex takes minutes)."""
    src = tmp_path / "line.txt"
    src.write_text(_LONG[name])
    code = (
        "import sys; from logsumd.parse import parse_line; "
        "parse_line(open(sys.argv[1], 'rb').read())"
    )
    try:
        subprocess.run([sys.executable, "-c", code, str(src)], cwd=ROOT, timeout=20, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"parse_line took over 20 s on the 100 KB {name} line")


# -- attacks the code already handles -----------------------------------------------


def test_a_logged_python_error_after_a_java_trace_stays_apart() -> None:
    """``logger.exception`` (an ERROR record, then its traceback) after a Java trace is
    another failure: it does not join the Java trace."""
    lines = [
        *EXECUTOR_OOM,
        "2026-03-01 04:10:05,120 - report - ERROR - writing the report failed",
        *DRIVER_KEYERROR,
    ]
    assert _spans(_events(lines)) == [(1, 4), (5, 9)]


def test_a_long_java_trace_keeps_its_root_cause_when_the_re_raise_joins() -> None:
    """A 340-line Java trace joined by its Py4JJavaError re-raise still names the deep
    ``Caused by`` (the buffer's cut keeps it)."""
    frames = [
        f"\tat org.apache.spark.sql.execution.Op{k}.run(Op{k}.scala:{k + 9})" for k in range(300)
    ]
    java = [
        log4j(5, "ERROR", "FileFormatWriter: Aborting job 6f1c."),
        "org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 3.0"
        " failed 4 times",
        *frames,
        "Caused by: org.apache.hadoop.fs.s3a.AWSBadRequestException: getFileStatus on"
        " s3a://lake/orders: 400 Bad Request",
        *frames[:40],
        "\t... 45 more",
    ]
    py = ["Traceback (most recent call last):", '  File "/jobs/w.py", line 31, in <module>']
    for k in range(30):
        py += [f'  File "/opt/spark/python/pyspark/m{k}.py", line {k}, in f{k}', f"    g{k}()"]
    py.append("py4j.protocol.Py4JJavaError: An error occurred while calling o77.parquet.")
    # py4j prints the Java exception after its own line (the lead added it: the re-raise
    # joins only a traceback that names the Java failure again, tests/attack5)
    py.append(": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0")
    events = _events([*java, log4j(6, "INFO", "SparkUI: Stopped Spark web UI"), *py])
    assert len(events) == 1
    assert types(events) == ["org.apache.hadoop.fs.s3a.AWSBadRequestException"]
    assert "Py4JJavaError" in events[0].text


def test_a_held_java_trace_goes_out_at_the_flush_timeout() -> None:
    """A Java trace at the end of what was written is not held past the flush timeout."""
    asm = Assembler(MultilineSettings())
    assert asm.feed(chunk([*EXECUTOR_OOM, log4j(2, "INFO", "Executor: Finished task")], 5.0)) == []
    deadline = asm.next_deadline()
    assert deadline is not None
    assert deadline <= 5.0 + 1.5
    assert _spans(asm.flush_expired(deadline)) == [(1, 4)]


def test_a_held_java_trace_goes_out_when_the_file_closes() -> None:
    """A held Java trace comes out when its file is closed (rotated, deleted)."""
    asm = Assembler(MultilineSettings())
    assert asm.feed(chunk(EXECUTOR_OOM, 5.0)) == []
    assert _spans(asm.close_file("f1")) == [(1, 4)]


def test_a_java_trace_then_another_java_error_are_two_events() -> None:
    """Two Spark jobs' Java errors a few lines apart stay two events (no re-raise between)."""
    second = [
        log4j(7, "ERROR", "Executor: Exception in task 4.0 in stage 9.0 (TID 80)"),
        "java.io.FileNotFoundException: /tmp/blockmgr-1/0c/shuffle_3_0_0.data (No such file)",
        "\tat java.io.FileInputStream.open0(Native Method)",
    ]
    assert _spans(_events([*EXECUTOR_OOM, log4j(6, "INFO", "x"), *second])) == [(1, 4), (6, 8)]


@pytest.mark.parametrize(
    "line",
    [
        "2021-01-21 22:27:16 ERROR (" + "a" * 100_000,
        "2021-01-21 22:27:16 ERROR " + "(x) " * 25_000,
        "2021-01-21 22:27:16 ERROR " + "a(" * 50_000,
        "2021-01-21 22:27:16 ERROR (" + "x" * 100_000 + ") C(m):1 - msg",
        "2019-10-18 07:32:29,046Z" + "    a" * 20_000,
    ],
)
def test_the_new_prefix_regexes_are_linear(line: str, tmp_path: Path) -> None:
    """The log4j ``(mdc) Class(method):line -`` and ``ts  name -`` regexes on 100 KB lines
    of their own shapes finish in seconds."""
    src = tmp_path / "line.txt"
    src.write_text(line)
    code = (
        "import sys; from logsumd.parse import parse_line; "
        "parse_line(open(sys.argv[1], 'rb').read())"
    )
    subprocess.run([sys.executable, "-c", code, str(src)], cwd=ROOT, timeout=20, check=True)


def test_an_error_record_with_a_call_in_its_message_keeps_its_level() -> None:
    """``ERROR retry(3) - giving up on upload``: the level stays ERROR and the record is an
    event."""
    lines = [
        "2024-05-01 10:00:00,123 INFO uploader started",
        "2024-05-01 10:00:05,123 ERROR retry(3) - giving up on upload",
        "2024-05-01 10:00:06,123 INFO uploader stopped",
    ]
    assert _spans(_events(lines)) == [(2, 2)]
