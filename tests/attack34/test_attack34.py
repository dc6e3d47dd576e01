"""Red team attack34: an Airflow 2 task's error record without a trace, held for the
runner's verdict of its second (``{taskinstance.py:N} ERROR - Task failed with
exception`` and its traceback) and joined to it when it stated the verdict's failure
(``logsumd/assemble/_reraise.py``: ``awaits_verdict``, ``reraises``, ``states_verdict``,
``resolve``; ``_airflow.awaits_only_verdict``; ``_assembler._hold``).

Lines are written here in the shapes Airflow 1 (``[2020-01-01 10:00:00,123]``), Airflow 2
(``[2026-03-01T04:10:08.500+0000] {file.py:N} LEVEL - msg``, also coloured) print."""

from __future__ import annotations

import itertools
import time

import pytest

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.config.settings import UserRule
from logsumd.records import Chunk, Event
from logsumd.understand import classify, fingerprint
from tests.log_lines import af
from tests.test_assemble import chunk
from tests.test_corpus_shapes import _events, _spans

EMPTY = "pandas.errors.EmptyDataError: No columns to parse from file"
STATED = af(8, "load.py:44", "ERROR", "Transform failed: No columns to parse from file")


def verdict(sec: int, exc: str = EMPTY, fmt=af) -> list[str]:
    """Airflow's verdict and the traceback of the exception the task raised."""
    return [
        fmt(sec, "taskinstance.py:3311", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/load.py", line 41, in execute',
        "    result = step(context)",
        exc,
    ]


def af1(sec: int, src: str, level: str, msg: str) -> str:
    """An Airflow 1 task log record."""
    return f"[2020-01-01 10:00:{sec:02d},123] {{{src}}} {level} - {msg}"


def coloured(sec: int, src: str, level: str, msg: str) -> str:
    """Airflow 2's coloured console format (``colored_console_log``)."""
    name, no = src.split(":")
    return (
        f"[\x1b[34m2026-03-01T04:10:{sec:02d}.500+0000\x1b[0m] {{\x1b[34m{name}:\x1b[0m{no}}} "
        f"\x1b[31m{level}\x1b[0m - \x1b[31m{msg}\x1b[0m"
    )


def stamp(t: int, src: str, level: str, msg: str) -> str:
    """An Airflow 2 record at second ``t`` of the hour (minutes roll over)."""
    return f"[2026-03-01T04:{t // 60:02d}:{t % 60:02d}.500+0000] {{{src}}} {level} - {msg}"


def feed_all(lines: list[str], cuts: list[int], settings: MultilineSettings | None = None):
    """Feed ``lines`` in chunks cut before the given indexes, then flush_all."""
    data = "\n".join(lines).encode()
    raw = data.split(b"\n")
    offsets, pos = [], 0
    for line in raw:
        offsets.append(pos)
        pos += len(line) + 1
    asm = Assembler(settings or MultilineSettings())
    out: list[Event] = []
    bounds = [0, *cuts, len(raw)]
    for a, b in itertools.pairwise(bounds):
        end = offsets[b] if b < len(raw) else len(data)
        out += asm.feed(Chunk("/logs/t.log", "f1", raw[a:b], offsets[a:b], a + 1, end, 0.0))
    return data, out + asm.flush_all()


# -- findings -----------------------------------------------------------------


def test_a_webhooks_bad_request_is_not_the_warehouse_apis_bad_request() -> None:
    """The task's Slack progress post fails (``Bad Request``), the task carries on, then
    fails on the warehouse API's 400 for another URL: two failures, two alerts. The
    cause ``Bad Request`` (11 characters) is found in the HTTPError's message, so the
    notifier's alert is swallowed by the task's."""
    lines = [
        af(8, "notifier.py:51", "ERROR", "Slack webhook post failed: Bad Request"),
        *verdict(
            8,
            "requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: "
            "https://api.warehouse.example/v1/loads",
        ),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_an_audit_rows_not_found_is_not_the_crm_lookups_not_found() -> None:
    """``Could not write the audit row: Not Found`` and a CRM contact lookup's 404 on
    another host: two failures merged into one alert because ``Not Found`` is 9 chars."""
    lines = [
        af(8, "audit.py:22", "ERROR", "Could not write the audit row: Not Found"),
        *verdict(
            8,
            "requests.exceptions.HTTPError: 404 Client Error: Not Found for url: "
            "https://api.crm.example/v2/contacts/991",
        ),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_a_metrics_push_timeout_is_not_the_apis_read_timeout() -> None:
    """A statsd push that ``timed out`` and the task's read timeout on the CRM API."""
    lines = [
        af(8, "metrics.py:70", "ERROR", "statsd push failed: timed out"),
        *verdict(
            8,
            "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.crm.example', "
            "port=443): Read timed out. (read timeout=30)",
        ),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_a_refused_metrics_connection_is_not_the_databases_refusal() -> None:
    """The exception's whole message ``[Errno 111] Connection refused`` (30 chars, over the
    12 the first rule needs) appears in a record about statsd: merged with the task's
    refused warehouse connection, and the metrics alert is lost."""
    lines = [
        af(
            8,
            "metrics.py:70",
            "ERROR",
            "statsd push to 10.0.0.9:8125 failed: [Errno 111] Connection refused",
        ),
        *verdict(8, "ConnectionRefusedError: [Errno 111] Connection refused"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_a_childs_kill_after_a_held_record_keeps_its_alert() -> None:
    """The task logs an error (token refresh), then runs a child that is OOM-killed
    (``Command exited with return code -9``) and carries on. Before the change the kill
    was its own alert; now the record is held for a verdict, and while a held event
    exists a relayed child line that states a failure opens no event: the kill is lost."""
    lines = [
        af(8, "sync.py:40", "ERROR", "Could not refresh the token cache: 401 Unauthorized"),
        af(
            8,
            "subprocess.py:75",
            "INFO",
            "Running command: ['bash', '-c', 'python /opt/etl/export.py']",
        ),
        af(8, "subprocess.py:86", "INFO", "Output:"),
        af(9, "subprocess.py:93", "INFO", "exporting 4 tables"),
        af(9, "subprocess.py:97", "INFO", "Command exited with return code -9"),
        af(9, "sync.py:60", "INFO", "continuing with the next region"),
    ]
    assert _spans(_events(lines)) == [(1, 1), (5, 5)]


def test_a_held_record_is_not_delayed_by_a_childs_progress_lines() -> None:
    """A task's error record, then a child that prints a progress line every second
    (``0 errors``). The verdict can only join in the record's own second, but every
    relayed line with a token refreshes the hold (``held_seen``, ``touched_at``): the
    alert comes out after 100 lines, 100 seconds, instead of within the flush timeout."""
    asm = Assembler(MultilineSettings(flush_timeout_ms=1500))
    pos, lineno, out = 0, 1, []

    def feed(lines: list[str], t: float) -> None:
        nonlocal pos, lineno
        raw = [x.encode() for x in lines]
        c = chunk(raw, lineno, pos, read_at=t)
        pos, lineno = c.end_offset, lineno + len(raw)
        out.extend(asm.feed(c))

    feed(
        [
            stamp(600, "load.py:44", "ERROR", "Upload of the audit row failed: HTTP 503"),
            stamp(600, "subprocess.py:75", "INFO", "Running command: ['bash', '-c', './sync.sh']"),
        ],
        100.0,
    )
    t = 100.0
    while not out and t < 160.0:
        t += 1.0
        deadline = asm.next_deadline()
        if deadline is not None and deadline <= t:
            out.extend(asm.flush_expired(deadline))
        if not out:
            k = int(t - 100)
            feed([stamp(600 + k, "subprocess.py:93", "INFO", f"batch {k} synced, 0 errors")], t)
    assert out
    assert out[0].line_start == 1
    assert t <= 100.0 + 1.5 + 1.0


@pytest.mark.xfail(
    strict=True, reason="finding 4: only the last held record meets the verdict (left)"
)
def test_the_stating_record_joins_the_verdict_after_another_record_of_the_task() -> None:
    """The task logs the failure (``Transform failed: X``) and then a second error
    (``Giving up on colleges.csv``) before Airflow's verdict of ``X``: the second record
    releases the first, so the stating record, the second one and the verdict go out as
    three alerts for one failure."""
    lines = [
        STATED,
        af(8, "load.py:47", "ERROR", "Giving up on colleges.csv after 3 attempts"),
        *verdict(8),
    ]
    assert (1, 7) in _spans(_events(lines))


def test_the_verdict_just_after_a_second_boundary_still_joins() -> None:
    """``Transform failed: X`` at 04:10:08.998 and the verdict at 04:10:09.003: the same
    failure, a few milliseconds apart, gets two alerts because ``same_second`` compares
    the text of the stamp up to its seconds."""
    lines = [
        "[2026-03-01T04:10:08.998+0000] {load.py:44} ERROR - Transform failed: "
        "No columns to parse from file",
        "[2026-03-01T04:10:09.003+0000] {taskinstance.py:3311} ERROR - Task failed with exception",
        *verdict(9)[1:],
    ]
    assert _spans(_events(lines)) == [(1, 6)]


# -- what held ----------------------------------------------------------------


def test_lines_between_the_record_and_the_verdict_are_in_the_event_once() -> None:
    """The merged event covers the record, the lines logged between (a blank too) and
    the verdict's traceback, each once, and its offsets are exactly those bytes."""
    lines = [
        af(7, "load.py:30", "INFO", "reading /data/in/colleges.csv"),
        STATED,
        af(8, "load.py:50", "INFO", "cleaning up the temp dir"),
        "",
        af(8, "load.py:51", "INFO", "removed 3 files"),
        *verdict(8),
        af(8, "taskinstance.py:1225", "INFO", "Marking task as FAILED. dag_id=d, task_id=load"),
        af(
            8,
            "standard_task_runner.py:104",
            "ERROR",
            "Failed to execute job 12 for task load (x; 77)",
        ),
    ]
    data, events = feed_all(lines, [])
    [ev] = events
    assert (ev.line_start, ev.line_end) == (2, 10)
    assert data[ev.offset_start : ev.offset_end].decode().rstrip("\n") == ev.text
    assert ev.text == "\n".join(lines[1:10])


@pytest.mark.parametrize("cut", range(1, 10))
def test_a_chunk_boundary_anywhere_gives_the_same_event(cut: int) -> None:
    """Cutting the lines into two chunks anywhere changes nothing."""
    lines = [
        af(7, "load.py:30", "INFO", "reading"),
        STATED,
        af(8, "load.py:50", "INFO", "cleaning up"),
        "",
        *verdict(8),
        af(8, "load.py:90", "INFO", "after"),
    ]
    whole = [
        (e.line_start, e.line_end, e.offset_start, e.offset_end, e.text)
        for e in feed_all(lines, [])[1]
    ]
    parts = [
        (e.line_start, e.line_end, e.offset_start, e.offset_end, e.text)
        for e in feed_all(lines, [cut])[1]
    ]
    assert parts == whole
    assert [w[:2] for w in whole] == [(2, 9)]


def test_close_file_with_the_verdicts_trace_open_emits_the_record_once() -> None:
    """Rotation while the verdict's traceback is still open: one merged event."""
    asm = Assembler(MultilineSettings())
    lines = [STATED.encode(), *(x.encode() for x in verdict(8))]
    assert asm.feed(chunk(lines, 1, 0, read_at=10.0)) == []
    [ev] = asm.close_file("f1")
    assert (ev.line_start, ev.line_end) == (1, 6)
    assert asm.flush_all() == []


def test_flush_expired_with_the_verdicts_trace_open() -> None:
    """The record's own timeout passes while the verdict's trace is open (it came later):
    nothing is emitted until the trace times out; then one merged event, once."""
    asm = Assembler(MultilineSettings(flush_timeout_ms=1500))
    first = chunk([STATED.encode()], 1, 0, read_at=100.0)
    assert asm.feed(first) == []
    rest = [x.encode() for x in verdict(8)]
    assert asm.feed(chunk(rest, 2, first.end_offset, read_at=101.0)) == []
    assert asm.flush_expired(101.9) == []
    assert asm.next_deadline() == 102.5
    [ev] = asm.flush_expired(102.5)
    assert (ev.line_start, ev.line_end) == (1, 6)
    assert asm.flush_expired(200.0) == []
    assert asm.flush_all() == []


def test_flush_all_and_end_of_file_emit_a_held_record() -> None:
    """A held record at the end of the input goes out (flush_all and close_file)."""
    assert _spans(_events([af(7, "a.py:1", "INFO", "x"), STATED])) == [(2, 2)]
    asm = Assembler(MultilineSettings())
    assert asm.feed(chunk([STATED.encode()], 1, 0, read_at=1.0)) == []
    assert [(e.line_start, e.line_end) for e in asm.close_file("f1")] == [(1, 1)]


def test_a_record_held_at_flush_timeout_then_a_late_verdict() -> None:
    """The record times out before the verdict is read: each goes out once."""
    asm = Assembler(MultilineSettings(flush_timeout_ms=1500))
    first = chunk([STATED.encode()], 1, 0, read_at=100.0)
    assert asm.feed(first) == []
    [held] = asm.flush_expired(101.5)
    rest = [x.encode() for x in verdict(8)]
    got = asm.feed(chunk(rest, 2, first.end_offset, read_at=102.0)) + asm.flush_all()
    assert [(held.line_start, held.line_end), *_spans(got)] == [(1, 1), (2, 6)]


def test_many_held_records_and_verdicts_stay_linear() -> None:
    """20 000 lines of error records and verdicts: no quadratic slowdown."""
    lines = []
    for k in range(3000):
        lines += [
            af(8, "load.py:44", "ERROR", f"Transform failed: bad file {k}"),
            *verdict(8, f"ValueError: bad file {k}"),
        ]
    start = time.perf_counter()
    events = _events(lines)
    assert len(events) == 3000
    assert time.perf_counter() - start < 10


def test_a_user_rule_does_not_lose_the_held_record() -> None:
    """With a user multiline rule (every line is read), the record and the verdict still
    merge, and a user event after a held record releases it."""
    rule = UserRule("pg", r"PGERR", r"^\s", "continue_through")
    settings = MultilineSettings(custom=(rule,))
    _, events = feed_all([STATED, *verdict(8)], [], settings)
    assert _spans(events) == [(1, 6)]
    pg = af(8, "pg.py:3", "INFO", "PGERR relation missing")
    _, events = feed_all([STATED, pg, "  detail"], [], settings)
    assert _spans(events) == [(1, 1), (2, 3)]


def test_a_second_held_record_does_not_duplicate_the_first() -> None:
    """Two unrelated records, then a verdict: each record goes out once."""
    lines = [
        af(8, "notifier.py:51", "ERROR", "Could not post the run summary to the webhook: 403"),
        af(8, "audit.py:12", "ERROR", "Audit row skipped for run 77"),
        *verdict(8),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 2), (3, 7)]


def test_coloured_airflow_lines_merge_like_plain_ones() -> None:
    """ANSI colours around the stamp, the logger and the message change nothing."""
    lines = [
        coloured(8, "load.py:44", "ERROR", "Transform failed: No columns to parse from file"),
        *verdict(8, fmt=coloured),
    ]
    assert _spans(_events(lines)) == [(1, 6)]
    # lead: a record joins only when its file is on the traceback's stack (finding 1's
    # fix); this verdict's frames name load.py, not http.py
    lines = [
        coloured(8, "http.py:154", "ERROR", "HTTP error: Conflict"),
        *verdict(8, "airflow.exceptions.AirflowException: 409:Conflict", fmt=coloured),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_airflow1_stamps_merge_in_their_second() -> None:
    """Airflow 1's ``[2020-01-01 10:00:08,123]`` stamps: same second joins, another not."""
    lines = [
        af1(8, "load.py:44", "ERROR", "Transform failed: No columns to parse from file"),
        *verdict(8, fmt=af1),
    ]
    assert _spans(_events(lines)) == [(1, 6)]
    # lead: the verdict may come up to 1 s after the record (finding 5's fix): 2 s apart
    lines = [
        af1(6, "load.py:44", "ERROR", "Transform failed: No columns to parse from file"),
        *verdict(8, fmt=af1),
    ]
    assert _spans(_events(lines)) == [(1, 1), (2, 6)]


def test_timeout_notice_and_verdict_still_one_event() -> None:
    """Airflow's timeout notice is held for its caller's report as before."""
    lines = [
        af(8, "timeout.py:36", "ERROR", "Process timed out, PID: 46"),
        *verdict(8, "airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 46"),
    ]
    assert _spans(_events(lines)) == [(1, 6)]


def test_the_runners_report_after_a_merged_event_is_no_second_alert() -> None:
    """``Failed to execute job`` after the merged record and verdict: no extra event."""
    lines = [
        STATED,
        *verdict(8),
        af(8, "taskinstance.py:1225", "INFO", "Marking task as FAILED. dag_id=d, task_id=load"),
        af(
            9,
            "standard_task_runner.py:104",
            "ERROR",
            "Failed to execute job 12 for task load (x; 77)",
        ),
    ]
    assert _spans(_events(lines)) == [(1, 6)]


def test_a_pyspark_verdict_with_java_frames_merges() -> None:
    """A Py4JJavaError verdict (Java frames inside the traceback) joins the stated record."""
    lines = [
        af(
            8,
            "spark_job.py:30",
            "ERROR",
            "Write failed: Job aborted due to stage failure: Task 3 in stage 2.0 failed 4 times",
        ),
        af(8, "taskinstance.py:3311", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/spark_job.py", line 28, in run',
        "    df.write.parquet(out)",
        "py4j.protocol.Py4JJavaError: An error occurred while calling o123.parquet.",
        ": org.apache.spark.SparkException: Job aborted due to stage failure: "
        "Task 3 in stage 2.0 failed 4 times",
        "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2403)",
    ]
    assert _spans(_events(lines)) == [(1, 8)]


def test_the_merged_event_keeps_the_verdicts_category_and_fingerprint() -> None:
    """Merging the record in front changes neither the category nor the fingerprint."""
    lines = [
        af(
            8,
            "s3.py:12",
            "ERROR",
            "Upload failed: An error occurred (AccessDenied) when calling the PutObject "
            "operation: Access Denied",
        ),
        *verdict(
            8,
            "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling "
            "the PutObject operation: Access Denied",
        ),
    ]
    # lead: the record's file must be on the traceback's stack (finding 1's fix)
    lines[-1:-1] = ['  File "/opt/airflow/dags/s3.py", line 12, in upload', "    put(obj)"]
    [merged] = _events(lines)
    [alone] = _events(lines[1:])
    cm, ca = classify(merged), classify(alone)
    assert cm.category == ca.category
    assert fingerprint(cm) == fingerprint(ca)
