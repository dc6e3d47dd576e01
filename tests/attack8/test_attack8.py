"""Red team attack8: the commits 4e2e1f1..c699967 (who failed in the headline, lower-case
level words, a quoted key after a failure's colon, the advice for errors of no known
kind, the eval's file names).  Log lines are written here in the shapes the tools print.
Failing (xfail strict) tests are real problems; FINDINGS.md lists them."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings, SourceSettings
from logsumd.eval import load_events, understand_all
from logsumd.eval._dataset import file_name
from logsumd.records import Chunk, Event
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine, rules_summary
from logsumd.summarize.subject import Subject, subject_of
from logsumd.understand import Redactor, classify
from tests.events import make_event

CATALOGUE = load_catalogue()
PY = "2026-03-01 02:00:04,512 - {logger} - ERROR - {msg}"
AF = "[2026-03-01T02:00:0{s}.000+0000] {{{src}}} {level} - {msg}"


def events_of(lines: list[str], path: str = "/var/log/airflow/worker.log") -> list[Event]:
    """The events the real Assembler makes of ``lines`` read from ``path``."""
    data = [line.encode() for line in lines]
    offsets, pos = [], 0
    for line in data:
        offsets.append(pos)
        pos += len(line) + 1
    asm = Assembler(MultilineSettings())
    return [*asm.feed(Chunk(path, "f1", data, offsets, 1, pos - 1, 0.0)), *asm.flush_all()]


def subject(event: Event) -> Subject:
    """The subject the summarizers name."""
    return subject_of(event, classify(event))


def summary(event: Event) -> str:
    """The rules summary of ``event`` (no catalogue)."""
    return rules_summary(examine(event, classify(event), None)).text


def headline(text: str, path: str = "/var/log/etl/job.log") -> str:
    """The first line of the rules summary of one event read from ``path``."""
    return summary(replace(make_event(text), path=path)).split("\n")[0]


def top_diagnosis(text: str) -> str:
    """The id of the best catalogue entry for ``text`` ("" when none matches)."""
    event = make_event(text)
    found = examine(event, classify(event), CATALOGUE).candidates
    return found[0].id if found else ""


# -- 1. who failed: the task from the lines before the event ----------------------------


def _worker_log() -> list[str]:
    """A Celery worker's combined log: extract_orders succeeds, then load_orders runs
    and logs its own failure without a traceback."""
    return [
        AF.format(s=1, src="taskinstance.py:1308", level="INFO",
                  msg="Executing <Task(PythonOperator): extract_orders> on 2026-02-28"),
        AF.format(s=2, src="taskinstance.py:1345", level="INFO",
                  msg="Marking task as SUCCESS. dag_id=orders, task_id=extract_orders, "
                      "execution_date=20260228T000000, start_date=20260301T020001, "
                      "end_date=20260301T020002"),
        AF.format(s=3, src="taskinstance.py:1308", level="INFO",
                  msg="Executing <Task(PythonOperator): load_orders> on 2026-02-28"),
        AF.format(s=4, src="load.py:40", level="ERROR",
                  msg="Load of 1200 rows into mart.orders failed: relation is locked"),
    ]  # fmt: skip


def test_context_names_the_task_running_when_it_failed_not_an_earlier_one() -> None:
    """Of the tasks the lines before the event name, the last one started is the one
    that failed."""
    (event,) = events_of(_worker_log())
    assert subject(event).task == "load_orders"
    assert summary(event).startswith("task load_orders failed: ")


def test_a_scheduler_crash_is_not_blamed_on_a_task_that_succeeded() -> None:
    """The scheduler's own crash names no task, even when a task's success was logged just
    before it."""
    lines = [
        AF.format(s=1, src="scheduler_job.py:350", level="INFO",
                  msg="Marking task as SUCCESS. dag_id=orders, task_id=extract_orders, "
                      "execution_date=20260228T000000"),
        AF.format(s=3, src="scheduler_job.py:760", level="ERROR",
                  msg="Exception when executing SchedulerJob._run_scheduler_loop"),
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/site-packages/airflow/jobs/scheduler_job.py",'
        " line 759, in _execute",
        "    self._run_scheduler_loop()",
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the"
        " connection unexpectedly",
    ]  # fmt: skip
    (event,) = events_of(lines, "/opt/airflow/logs/scheduler/latest/scheduler.log")
    assert subject(event).task == ""
    assert "extract_orders" not in summary(event)


def test_airflow_scheduler_and_processor_paths_name_no_task() -> None:
    """The scheduler's and DAG processor's own files (dated folders, no ``task_id=``, no
    ``<n>.log``) are not a task's log."""
    text = AF.format(s=1, src="scheduler_job.py:760", level="ERROR", msg="DagFileProcessor died")
    for path in (
        "/opt/airflow/logs/scheduler/2026-03-01/orders_dag.py.log",
        "/opt/airflow/logs/dag_processor_manager/dag_processor_manager.log",
        "/usr/local/airflow/logs/scheduler/2026-03-01T00:00:00/orders.py.log",
    ):
        assert subject(replace(make_event(text), path=path)).task == "", path


def test_airflow_2_mapped_and_grouped_task_paths_name_the_task() -> None:
    """A mapped task's ``map_index=`` folder and a task group's dotted id keep the task."""
    text = AF.format(s=1, src="taskinstance.py:1937", level="ERROR", msg="Task failed")
    path = (
        "/opt/airflow/logs/dag_id=orders/run_id=scheduled__2026-02-28T00:00:00+00:00"
        "/task_id=load.load_region/map_index=3/attempt=1.log"
    )
    assert subject(replace(make_event(text), path=path)).task == "load.load_region"


# -- 1. who failed: the logger -------------------------------------------------------------


@pytest.mark.parametrize("thread", ["MainThread", "Thread-7", "ThreadPoolExecutor-0_1"])
def test_a_thread_name_is_not_what_failed(thread: str) -> None:
    """``%(asctime)s - %(threadName)s - %(levelname)s - %(message)s`` names a thread, not a
    component: the headline does not say the thread failed."""
    text = PY.format(logger=thread, msg="Load of mart.orders aborted after 3 batches")
    assert not headline(text).startswith(f"{thread} failed")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("26/03/01 02:00:04 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)",
         "Executor"),
        ("26/03/01 02:00:04 ERROR SparkContext: Error initializing SparkContext.",
         "SparkContext"),
        (PY.format(logger="sqlalchemy.engine.Engine", msg="Error closing cursor"), "Engine"),
        (PY.format(logger="urllib3.connectionpool",
                   msg="Retrying after connection broken by 'NewConnectionError'"),
         "connectionpool"),
        (PY.format(logger="kafka.conn",
                   msg="<BrokerConnection node_id=1 host=kafka:9092> Connect attempt failed"),
         "conn"),
    ],
    ids=["spark-executor", "spark-context", "sqlalchemy", "urllib3", "kafka-python"],
)  # fmt: skip
def test_a_library_logger_is_not_what_failed(text: str, name: str) -> None:
    """A library's own logger reports the failure, it is not the user's component that
    failed (the same rule as for frames: library code is never the subject)."""
    assert not headline(text).startswith(f"{name} failed")


def test_levels_file_positions_hosts_and_brackets_are_no_logger() -> None:
    """A level word, Airflow's ``{file.py:N}``, a syslog host, Log4j's ``[main]`` and the
    root logger give no logger name."""
    for text in (
        "[2026-03-01 02:00:04,512] {load.py:40} ERROR - load of mart.orders aborted",
        "Mar  1 02:00:04 etl-host-01 cron[1234]: ERROR load of mart.orders aborted",
        "2026-03-01T02:00:04.512Z ERROR etl-host-01 load of mart.orders aborted",
        "2026-03-01 02:00:04,512 [main] ERROR - load of mart.orders aborted",
        PY.format(logger="root", msg="load of mart.orders aborted"),
        PY.format(logger="__main__", msg="load of mart.orders aborted"),
    ):
        assert subject(make_event(text)).logger == "", text


def test_new_subject_fields_carry_no_markup_or_labels() -> None:
    """Log text cannot put Slack markup, a mention, a link or a ``Cause:``/``Next:`` label
    into the task, logger or exception of the subject."""
    hostile = (
        "<!channel>",
        "<https://evil.example/x|click>",
        "*urgent*",
        "`rm -rf`",
        "Cause: wrong",
        "Next: run rm",
    )
    for bad in hostile:
        for text in (
            PY.format(logger=bad, msg="Sending failed: KafkaTimeoutError: x"),
            PY.format(logger="etl", msg=f"Sending failed: {bad}: x"),
            AF.format(s=1, src="x.py:1", level="ERROR", msg=f"failed task_id={bad}"),
        ):
            s = subject(replace(make_event(text), path=f"/logs/dag_id=d/task_id={bad}/1.log"))
            for field in (s.task, s.logger, s.exception):
                assert not re.search(r"[<>|*`!:\s]", field), (text, s)


# -- 1. the exception a record names ---------------------------------------------------


def test_a_record_naming_an_exception_is_not_sent_to_a_line_never_named() -> None:
    """``ERROR - Pipeline failed: PipelineError: ...`` names no file or line: the advice
    does not point at 'the failing line named above'."""
    text = PY.format(logger="etl.orders", msg="Pipeline failed: PipelineError: stage enrich"
                     " returned no output")  # fmt: skip
    event = make_event(text)
    assert subject(event).exception == "PipelineError"
    assert "named above" not in summary(event)


def test_a_message_word_is_not_an_exception() -> None:
    """Capitalised words before a colon that are no exception names (``Status:``,
    ``DataFrame:``, ``NoSuchBucket:``) give no root exception."""
    for msg in (
        "Status: Error: Rejected",
        "Export failed: DataFrame: 0 rows",
        "Check failed: Warning: low volume",
        "Upload failed: NoSuchBucket: The specified bucket does not exist",
    ):
        assert subject(make_event(PY.format(logger="etl.orders", msg=msg))).exception == ""


# -- 2. lower-case level words ---------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2026-03-01T02:00:04.512345678Z stdout F info: token refresh failed: 401 Client"
        " Error: Unauthorized for url: https://api.example.org/oauth/token, signing in again",
        "2026-03-01T02:00:04.512Z app[web.1]: debug: cache lookup failed: key orders:42 not"
        " found, reading from the warehouse",
        "2026-03-01 02:00:04 - app.cache - debug - cache lookup failed: key orders:42 not"
        " found, reading from the warehouse",
    ],
    ids=["cri-info", "heroku-debug", "python-lowercase-debug"],
)
def test_a_lower_case_level_field_still_keeps_routine_lines_quiet(line: str) -> None:
    """A lower-case level in the level's place (``stdout F info:``, ``app[web.1]: debug:``,
    ``- name - debug -``) is a level: an INFO/DEBUG line is not an alert."""
    assert events_of([line]) == []


def test_routine_lower_case_lines_of_common_tools_stay_quiet() -> None:
    """zap's console encoder, winston, fluentd, dbt.log, Python ``[Thread] debug:``: a
    routine line with a failure word stays out."""
    lines = [
        "2026-03-01T02:00:04.512Z\tinfo\tload/retry.go:40\trequest failed, will retry",
        "2026-03-01T02:00:04.512Z\tdebug\tload/retry.go:40\tconnection error: EOF",
        "2026-03-01 02:00:04 info: retrying after error ECONNRESET",
        "2026-03-01 02:00:04 +0000 [info]: #0 failed to flush the buffer. retry_times=1",
        "02:00:04.512345 [debug] [Thread-1 (]: Postgres adapter: Error running SQL: select 1",
        "02:00:04  debug: Failed to load manifest: [Errno 2] No such file or directory:"
        " 'target/partial_parse.msgpack'",
        "2026-03-01 02:00:04,512 [Thread-3] debug: health probe failed: connection refused",
        "2026-03-01 02:00:04 [worker] info: optional step failed: /tmp/x does not exist",
        "2026-03-01 02:00:04 | info | retrying failed partitions: 0",
    ]
    assert events_of(lines) == []


def test_a_failure_line_mentioning_a_level_word_is_still_an_event() -> None:
    """A level-less failure whose text holds ``info``, ``debug`` or ``warning`` as words
    is an event."""
    for line in (
        "2026-03-01 02:00:04 Failed to write snapshot info: [Errno 28] No space left on device",
        "2026-03-01 02:00:04 Upload of debug bundle failed: [Errno 13] Permission denied:"
        " '/var/tmp/bundle.tgz'",
    ):
        assert [e.line_start for e in events_of([line])] == [1], line


# -- 3. a quoted token after a failure's colon -----------------------------------------


@pytest.mark.parametrize(
    "msg",
    [
        "Export failed: 'daily_report.csv'",
        "Job finished with error status: 'FAILED'",
        "Query failed for table: 'mart.orders'",
        "Run failed for dag: 'orders_daily'",
        "Sync failed: 'timeout'",
    ],
    ids=["file-name", "status-word", "table", "dag-name", "status-timeout"],
)
def test_a_quoted_value_that_is_no_key_is_not_key_missing(msg: str) -> None:
    """A quoted file, status, table or DAG name after a failure's colon is no KeyError."""
    text = PY.format(logger="etl.export", msg=msg)
    assert classify(make_event(text)).category != "key_missing"
    assert top_diagnosis(text) != "dict_key_missing"


def test_the_diagnosis_agrees_with_the_category_of_a_quoted_error_phrase() -> None:
    """A quoted error phrase is no key: the diagnosis is not a missing key."""
    text = PY.format(logger="etl.load", msg="Load failed: 'connection refused'")
    assert classify(make_event(text)).category == "connection"
    assert top_diagnosis(text) != "dict_key_missing"


def test_a_real_key_error_logged_as_str_is_key_missing() -> None:
    """The case the commit fixed holds: ``Transformation failed: 'planned_hours'``."""
    text = PY.format(logger="etl.transform", msg="Transformation failed: 'planned_hours'")
    assert classify(make_event(text)).category == "key_missing"
    assert top_diagnosis(text) == "dict_key_missing"


def _new_patterns_cost(text: str) -> float:
    """Seconds for the two new patterns (the category rule, the catalogue entry) on text."""
    started = time.perf_counter()
    classify(make_event(text))
    for entry in CATALOGUE._entries:
        if entry.diagnosis.id == "dict_key_missing" and entry.message is not None:
            list(entry.message.finditer(text))
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "unit", ["failed" + " x" * 40 + ":", "error:'a'", "failed: ", "error " + "'" * 10 + ":"]
)
def test_quoted_key_patterns_stay_linear_on_long_lines(unit: str) -> None:
    """The new quoted-key patterns on a 100 KB and a 400 KB line of colons, quotes and
    failure words cost about four times each other (linear), not sixteen."""

    def cost(size: int) -> float:
        return _new_patterns_cost(PY.format(logger="etl", msg=unit * (size // len(unit))))

    small, big = min(cost(100_000) for _ in range(2)), min(cost(400_000) for _ in range(2))
    assert big < 8 * small + 1.0, (small, big)


def test_the_catalogue_stays_linear_on_a_long_compact_json_record() -> None:
    """An ERROR record quoting a compact JSON payload (no spaces) costs the catalogue time
    linear in its length: 4x the payload, well under 16x the time."""

    def cost(items: int) -> float:
        payload = json.dumps(
            {"orders": [{"id": k, "sku": f"A-{k}", "qty": 2} for k in range(items)]},
            separators=(",", ":"),
        )
        event = make_event(PY.format(logger="etl.push", msg=f"Rejected by the API: {payload}"))
        cls = classify(event)
        started = time.perf_counter()
        examine(event, cls, CATALOGUE)
        return time.perf_counter() - started

    small, big = cost(250), cost(1000)  # about 8 KB and 32 KB
    assert big < 8 * small + 0.5, (small, big)


# -- 4. advice for errors of no known kind ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "make: *** [Makefile:12: load] Error 2",
        "26/03/01 02:00:04 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)",
        "[2026-03-01 02:00:04,512] ERROR [ReplicaFetcher replicaId=1, leaderId=2, fetcherId=0]"
        " Error for partition orders-0 at offset 10 (kafka.server.ReplicaFetcherThread)",
    ],
    ids=["make", "spark-executor", "kafka-broker"],
)
def test_advice_does_not_send_to_the_jobs_code_for_a_tools_own_line(text: str) -> None:
    """A tool's or framework's own error line is not a message the job's code logs."""
    assert "job's code logs this message" not in summary(make_event(text))


def test_advice_start_at_names_the_users_frame() -> None:
    """With a user frame, an error of no known kind is sent to that frame's file:line."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.11/site-packages/pandas/core/frame.py", line 3, in f\n'
        "    x\n"
        '  File "/srv/etl/enrich.py", line 77, in enrich\n'
        "    rows = merge(a, b)\n"
        "etl.errors.EnrichError: no region for store 14\n"
    )
    assert "Next: Start at enrich.py:77 " in summary(make_event(text))


# -- 5. the eval's file names ----------------------------------------------------------


def test_file_name_stays_under_the_record_folder() -> None:
    """``..``, absolute paths, backslashes and empty parts cannot leave the folder."""
    for path in ("../../etc/passwd", "/etc/passwd", "..\\..\\x.log", "a//b/./c.log", "", "/", ".."):
        name = file_name(path, "event.log")
        assert not name.startswith("/"), (path, name)
        assert ".." not in name.split("/"), (path, name)
    assert file_name("C:\\airflow\\logs\\a\\b.log", "e") == "C:/airflow/logs/a/b.log"
    assert file_name("", "event.log") == "event.log"


def _corpus(tmp_path: Path, paths: list[str]) -> list[str]:
    """The event paths ``understand_all`` reads for records committed under ``paths``."""
    text = "[2026-03-01T02:00:04.000+0000] {load.py:40} ERROR - Load failed: relation is locked"
    rows = [
        json.dumps(
            {
                "id": f"r{k}",
                "split": "dev",
                "text": text,
                "span": [1, 1],
                "category": "other",
                "key_facts": ["locked"],
                "source": {
                    "origin": "github_repo_file",
                    "repo": "o/r",
                    "commit": "0" * 40,
                    "path": p,
                    "line_start": 1,
                    "line_end": 1,
                },
            }
        )
        for k, p in enumerate(paths)
    ]
    data = tmp_path / "events.jsonl"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    items = understand_all(
        load_events(str(data)), SourceSettings(include=(str(data),)), Redactor(())
    )
    return [item.event.path for item in items]


def test_two_records_with_the_same_path_are_both_read(tmp_path: Path) -> None:
    """Records committed under one path each keep their own file."""
    same = "logs/dag_id=d/run_id=r/task_id=t/attempt=1.log"
    first, second = _corpus(tmp_path, [same, same, "../../../../etc/x.log"])[:2]
    assert first != second
    assert first.endswith(same)
    assert second.endswith(same)


@pytest.mark.parametrize(
    "path", ["logs/" + "x" * 300 + ".log", "logs/a\x00b.log"], ids=["long", "nul"]
)
def test_an_unwritable_source_path_falls_back_to_a_plain_name(tmp_path: Path, path: str) -> None:
    """A source path no file system can hold is read from the fallback name."""
    (got,) = _corpus(tmp_path, [path])
    assert got.endswith("event.log")
