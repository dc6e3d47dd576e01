"""Red team attack36: the fixes of attack35 (f09731b: ``exc_phase`` / ``in_exc_body`` and
``states_failure`` in a message body, ``read_unindented`` in the assembler's idle path,
user patterns on the written line) and the catalogue entries of fe07968, 3a1086f and
5ca198b (data_quality_check_failed, external_job_failed, schema_mismatch_on_write,
cloud_credentials_missing, the revised Kafka entries).

Every line below is written here in the shape the tool prints it; none is copied from
the evaluation corpus.  "Before" means 5ca198b, the commit before f09731b, unless said.
"""

from __future__ import annotations

import time

import pytest

from logsumd.records import Summary
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import catalogue_summary, examine
from logsumd.understand import classify
from tests.events import make_event
from tests.log_lines import af
from tests.test_corpus_shapes import _events
from tests.test_multiline_rules import run, spans


def _two(text: str) -> list[tuple[int, int]]:
    return [s[:2] for s in spans(run(text))]


def _found(event_text: str) -> list[Candidate]:
    event = make_event(event_text)
    return distinct(examine(event, classify(event), load_catalogue()).candidates)


def _best(event_text: str) -> Candidate | None:
    found = _found(event_text)
    return found[0] if found else None


def _summary_of(event_text: str) -> Summary | None:
    event = make_event(event_text)
    findings = examine(event, classify(event), load_catalogue())
    found = distinct(findings.candidates)
    return catalogue_summary(findings, found[0], "catalogue") if found else None


INDENT = "    "

# --------------------------------------------------------------------------------------
# 1. An indented pasted block: the first error swallows the rest of the paste
# --------------------------------------------------------------------------------------

PY_BLOCK = [
    "2031-02-03 04:05:06,100 - runner - INFO - start",
    "2031-02-03 04:05:07,100 - extract - ERROR - login failed: 401 Unauthorized",
    "2031-02-03 04:05:08,100 - runner - INFO - continuing with load",
    "2031-02-03 04:05:09,100 - runner - INFO - loading 120 rows",
    "2031-02-03 04:05:10,100 - load - ERROR - write failed: [Errno 28] No space left on device",
    "2031-02-03 04:05:11,100 - runner - INFO - exiting",
]

AIRFLOW_BLOCK = [
    "[2031-02-03T04:05:06.000+0000] {taskinstance.py:2648} INFO - Starting attempt 1 of 1",
    "[2031-02-03T04:05:07.000+0000] {taskinstance.py:2698} ERROR - Task failed with exception",
    "Traceback (most recent call last):",
    '  File "/opt/airflow/dags/sync.py", line 12, in extract',
    "    rows = fetch()",
    "ConnectionError: db:5432 refused",
    "[2031-02-03T04:05:08.000+0000] {taskinstance.py:1200} INFO - Marking task as UP_FOR_RETRY",
    "[2031-02-03T04:05:09.000+0000] {taskinstance.py:1200} INFO - retry in 300s",
    "[2031-02-03T04:05:10.000+0000] {sync.py:40} ERROR - upload failed: 403 Client Error:"
    " Forbidden for url: https://api.example.test/v1/orders",
    "[2031-02-03T04:05:11.000+0000] {taskinstance.py:1200} INFO - done",
]


def _indented(lines: list[str]) -> str:
    return "".join(INDENT + line + "\n" for line in lines)


def test_the_plain_log_of_the_indented_paste_is_two_events() -> None:
    """The same lines unindented: the baseline the paste should reproduce."""
    assert _two("\n".join(PY_BLOCK) + "\n") == [(2, 2), (5, 5)]
    assert _two("\n".join(AIRFLOW_BLOCK) + "\n") == [(2, 6), (9, 9)]


@pytest.mark.xfail(strict=True, reason="finding 1: an indented paste's 2nd failure is glued")
def test_two_failures_in_an_indented_paste_are_two_alerts() -> None:
    """A python-logging block pasted with four spaces (the shape 01d7d45 was written for):
    the login failure and the full disk are two failures, two alerts, categories auth and
    resource.  Since f09731b the first ERROR record takes every indented line after it:
    one event (2, 6) whose message is the whole paste, category resource.  At 5ca198b it
    was (2, 2), (5, 5)."""
    events = run(_indented(PY_BLOCK))
    assert [s[:2] for s in spans(events)] == [(2, 2), (5, 5)]
    assert [classify(e).category for e in events] == ["auth", "resource"]


@pytest.mark.xfail(strict=True, reason="finding 1: an indented paste's records join its trace")
def test_an_indented_airflow_paste_keeps_the_next_records_out() -> None:
    """An Airflow task log pasted indented: the traceback's event must end at its
    exception, and the upload's 403 is its own alert.  Now (2, 10): the retry records
    and the 403 are glued into the ConnectionError's message (and its fingerprint)."""
    events = run(_indented(AIRFLOW_BLOCK))
    assert [s[:2] for s in spans(events)] == [(2, 6), (9, 9)]
    assert "Marking task" not in classify(events[0]).message


# --------------------------------------------------------------------------------------
# 2. Indented rows that start with a time under a column-0 INFO/WARNING record
# --------------------------------------------------------------------------------------

REJECTED = (
    "2031-02-03 04:05:06,100 - ingest - INFO - parsed 10422 lines of payments.log\n"
    "2031-02-03 04:05:06,200 - ingest - WARNING - 2 lines rejected by the parser, e.g.:\n"
    "    2031-02-03 03:00:01 ERROR [payments] card declined for order 17\n"
    "    2031-02-03 03:00:02 ERROR [payments] card declined for order 18\n"
    "2031-02-03 04:05:06,300 - ingest - INFO - loaded 10420 rows\n"
)


def test_log_lines_quoted_under_a_warning_record_raise_no_alert() -> None:
    """A log-ingesting ETL quotes (indented) two input lines it rejected.  They are data
    of another application, under the job's own WARNING record: no alert.  The
    assembler's idle path reads them as ERROR records of their own (an alert 'card
    declined').  Before 01d7d45 there was no event."""
    assert _two(REJECTED) == []


def test_a_listing_of_past_runs_under_an_info_record_raises_no_alert() -> None:
    """A report of the last runs, indented under an INFO record: a resolved failure of
    yesterday is no alert today."""
    text = (
        "[2031-02-03T04:05:06.000+0000] {report.py:12} INFO - previous attempts of load_orders:\n"
        "    2031-02-02 04:05:06 ERROR - Task failed with exception\n"
        "    2031-02-02 04:10:06 INFO - Marking task as SUCCESS\n"
        "[2031-02-03T04:05:07.000+0000] {report.py:12} INFO - done\n"
    )
    assert _two(text) == []


def test_an_indented_record_under_an_error_record_still_joins_it() -> None:
    """attack35 finding 4's fix holds: under an open ERROR record, the indented child log
    is part of the event."""
    text = (
        "2031-02-03 04:05:06,100 - runner - ERROR - step extract exited with code 1, its log:\n"
        "    2031-02-03 04:05:05,000 - extract - ERROR - login failed: 401 Unauthorized\n"
        "2031-02-03 04:05:07,100 - runner - INFO - next\n"
    )
    assert _two(text) == [(1, 2)]


# --------------------------------------------------------------------------------------
# 3. An open message whose first line states the failure is cut off its exception
# --------------------------------------------------------------------------------------

TB = (
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/track.py", line 12, in <module>\n'
    "    client.log_artifact(path)\n"
)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        (
            "mlflow.exceptions.MlflowException:",
            "Upload of artifact model.pkl failed: 403 Client Error: Forbidden for url:"
            " https://dbc-1.cloud.databricks.example/api/2.0/fs/upload",
        ),
        ("RuntimeError:", "step load failed: ConnectionError('db:5432 refused')"),
    ],
    ids=["mlflow_403", "wrapped_connection_error"],
)
def test_an_open_message_that_states_a_failure_is_one_alert(head: str, body: str) -> None:
    """The bare ``Type:`` means Python printed a message that begins with a line break:
    the next line *is* the message.  When that line says what failed (``... failed:
    403 Client Error``), f09731b's ``states_failure`` check cuts it off: two alerts, the
    traceback's with an empty message (category other), the message's alone.  At 5ca198b
    it was one event (1, 5) with the message and category http_api/connection."""
    events = run(TB + head + "\n" + body + "\n\nnext\n")
    assert [s[:2] for s in spans(events)] == [(1, 5)]
    assert classify(events[0]).message


@pytest.mark.parametrize(
    "line",
    [
        "Error: Process completed with exit code 1.",
        "ERROR 1045 (28000): Access denied for user 'etl'@'10.0.0.5' (using password: YES)",
        'FATAL:  password authentication failed for user "etl"',
        "OSError: [Errno 28] No space left on device",
        "java.lang.OutOfMemoryError: Java heap space",
        "upload failed: ./out.csv to s3://etl-raw/out.csv An error occurred (AccessDenied)"
        " when calling the PutObject operation: Access Denied",
        "Runtime Error",
    ],
)
def test_a_line_that_starts_an_event_alone_ends_the_open_message(line: str) -> None:
    """Held: every shape that is an event on its own is one after an open message's
    line too (the next step's failure keeps its alert)."""
    text = TB + "mlflow.exceptions.MlflowException:\nrun 17 not found\n" + line + "\n\n"
    assert _two(line + "\n") == [(1, 1)]
    assert _two(text) == [(1, 5), (6, 6)]


# --------------------------------------------------------------------------------------
# 4. external_job_failed: decides the category and hides the job's reason
# --------------------------------------------------------------------------------------

DATABRICKS = (
    "airflow.exceptions.AirflowException: Job run failed with terminal state:"
    " RunState(life_cycle_state='{lc}', result_state='FAILED', state_message='{msg}')\n"
)


def test_a_databricks_permission_failure_keeps_its_category() -> None:
    """The run failed because the job's user may not use the cluster: classify says
    permission.  external_job_failed (priority 70 = CATEGORY_PRIORITY, category other)
    names the alert's category: 'other'."""
    text = DATABRICKS.format(
        lc="INTERNAL_ERROR",
        msg="Permission denied: user etl@acme.example does not have CAN_ATTACH_TO permission"
        " on cluster 0203-040506-abc",
    )
    assert classify(make_event(text)).category == "permission"
    summary = _summary_of(text)
    assert summary is not None
    assert summary.category in ("", "permission")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # the run never started: another run of the job holds the only slot
        (
            DATABRICKS.format(
                lc="SKIPPED",
                msg="An active run for this job already exists and max concurrent runs is 1",
            ),
            "concurrent",
        ),
        # the cluster never came up: the cloud has no capacity
        (
            DATABRICKS.format(
                lc="INTERNAL_ERROR",
                msg="Cluster 0203-040506-abc was terminated. Reason: CLOUD_PROVIDER_LAUNCH_FAILURE"
                " (CLOUD_FAILURE). Parameters: aws_api_error_code:InsufficientInstanceCapacity",
            ),
            "InsufficientInstanceCapacity",
        ),
        # somebody cancelled the Airbyte sync: it did not fail
        (
            "airflow.exceptions.AirflowException: Encountered unexpected state `cancelled`"
            " for job_id `42`\n",
            "cancelled",
        ),
    ],
    ids=["skipped", "no_capacity", "cancelled"],
)
def test_the_external_jobs_cause_says_what_its_state_says(text: str, said: str) -> None:
    """The cause is always 'the external job this task started failed / open that job's
    run log', and the headline elides the state message: a skipped run has no run log,
    a cluster that never launched has none either, a cancelled sync did not fail."""
    summary = _summary_of(text)
    assert summary is not None
    cause = summary.text.split("Cause:", 1)[-1]
    assert said in cause


def test_a_better_entry_still_wins_over_the_external_job() -> None:
    """Held: a state message with a known cause (a missing table) is diagnosed by it."""
    text = DATABRICKS.format(
        lc="TERMINATED",
        msg="Workload failed, see run output for details. AnalysisException:"
        " [TABLE_OR_VIEW_NOT_FOUND] The table or view `raw`.`orders` cannot be found.",
    )
    best = _best(text)
    assert best is not None
    assert best.id == "table_missing"


# --------------------------------------------------------------------------------------
# 5-6. data_quality_check_failed: a passing suite's count, a config validator's verdict
# --------------------------------------------------------------------------------------


def test_the_expectations_cause_names_the_failing_suite() -> None:
    """A checkpoint with two suites: the critical one passed (0 failed), the warning one
    failed 3 of 12.  The cause reads '0 of 8 expectations of the suite failed on this
    data': the first match, a suite with no failure."""
    text = (
        "2031-02-03 04:05:06,100 - quality - ERROR - checkpoint orders_daily failed:\n"
        "Validation result of suite orders.critical: 0 of 8 (0.0%) Expectations Failed\n"
        "Validation result of suite orders.warning: 3 of 12 (25.0%) Expectations Failed\n"
        "2031-02-03 04:05:06,200 - quality - INFO - done\n"
    )
    [event] = run(text)
    found = distinct(examine(event, classify(event), load_catalogue()).candidates)
    assert found
    assert found[0].id == "data_quality_check_failed"
    assert "0 of 8" not in found[0].cause


def test_a_passing_validation_in_the_commands_output_steals_nothing() -> None:
    """Held: a Bash task's output with a passing suite before the real error (psql
    refused) is diagnosed by the error."""

    def out(ms: int, line: str) -> str:
        return f"[2031-05-06T02:14:07.{ms:03d}+0000] {{subprocess.py:106}} INFO - {line}"

    lines = [
        "[2031-05-06T02:14:06.900+0000] {subprocess.py:86} INFO - Running command:"
        " ['bash', '-c', '/opt/etl/run.sh']",
        out(100, "Validation result of suite orders.warning: 0 of 12 (0.0%) Expectations Failed"),
        out(101, "loading orders into warehouse"),
        out(
            102,
            'psql: error: connection to server at "db" (10.0.0.5), port 5432 failed:'
            " Connection refused",
        ),
        "[2031-05-06T02:14:07.302+0000] {subprocess.py:110} INFO - Command exited with return"
        " code 2",
        "[2031-05-06T02:14:07.310+0000] {taskinstance.py:2905} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 243,'
        " in execute",
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a"
        " non-zero exit code 2.",
    ]
    event = _events(lines)[-1]
    found = distinct(examine(event, classify(event), load_catalogue()).candidates)
    assert found
    assert found[0].id == "db_unreachable_refused"


def test_a_config_schema_check_is_not_a_data_quality_failure() -> None:
    """yamale's CLI prints ``Validation failed!`` and then which field of a YAML config
    breaks its schema.  A task that raises with that output is a config error (a
    required field missing), not data that breaks a checkpoint's expectations; the
    alert sends the engineer to data docs that do not exist."""
    lines = [
        af(7, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/deploy.py", line 31, in check_config',
        "    raise AirflowException(proc.stdout)",
        "airflow.exceptions.AirflowException: Validating /opt/etl/pipeline.yaml...",
        "Validation failed!",
        "Error validating data '/opt/etl/pipeline.yaml' with schema '/opt/etl/schema.yaml'",
        "\tschedule: Required field missing",
        af(8, "taskinstance.py:1206", "INFO", "Marking task as FAILED."),
    ]
    event = _events(lines)[0]
    found = distinct(examine(event, classify(event), load_catalogue()).candidates)
    assert not found or found[0].id != "data_quality_check_failed"


# --------------------------------------------------------------------------------------
# 7. Kafka: the tuple entry names one broker of three
# --------------------------------------------------------------------------------------


def test_the_kafka_cause_names_every_broker_tried() -> None:
    """kafka-python lists every resolved bootstrap server; none answered.  The cause
    reads 'no Kafka broker answered at kafka-1:9092', so the engineer checks one
    broker of three."""
    best = _best(
        "kafka.errors.KafkaConnectionError: Unable to bootstrap from ["
        "('kafka-1', 9092, <AddressFamily.AF_UNSPEC: 0>), "
        "('kafka-2', 9092, <AddressFamily.AF_UNSPEC: 0>), "
        "('kafka-3', 9092, <AddressFamily.AF_UNSPEC: 0>)]\n"
    )
    assert best is not None
    assert best.id == "kafka_broker_unavailable"
    assert "kafka-3" in best.cause


def test_an_ipv6_bootstrap_list_is_named_whole() -> None:
    best = _best(
        "kafka.errors.KafkaConnectionError: Unable to bootstrap from "
        "[('::1', 9092, <AddressFamily.AF_INET6: 10>)]\n"
    )
    assert best is not None
    assert best.id == "kafka_broker_unavailable"
    assert "::1" in best.cause


# --------------------------------------------------------------------------------------
# 8. schema_mismatch_on_write: in-memory tables are no dataset's files
# --------------------------------------------------------------------------------------


def test_concatenated_in_memory_tables_are_not_called_files() -> None:
    """``pa.concat_tables`` of two batches where one column was inferred as null (all
    values None in that chunk): no file was written or read.  The cause says 'the
    dataset's files were written with different schemas' and the next step says to
    rewrite files."""
    best = _best(
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/export.py", line 40, in export\n'
        "    table = pa.concat_tables(chunks)\n"
        "pyarrow.lib.ArrowInvalid: Schema at index 1 was different: \n"
        "id: int64\nname: string\nvs\nid: int64\nname: null\n"
    )
    assert best is not None
    assert best.id in ("schema_mismatch_on_write", "type_mismatch")  # lead: type_mismatch
    assert "files" not in best.cause


def test_dasks_files_of_different_schemas_are_diagnosed() -> None:
    best = _best(
        "ValueError: Schema in s3://lake/events/part.3.parquet was different. \n"
        "user_id: int64\nvs\nuser_id: string\n"
    )
    assert best is not None
    assert best.id == "schema_mismatch_on_write"


# --------------------------------------------------------------------------------------
# What held: cloud_credentials_missing, dbt, cost
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the"
        " GetObject operation: No AWSAccessKey was presented.\n",
        "google.api_core.exceptions.Forbidden: 403 GET https://storage.googleapis.com/storage/v1"
        "/b/raw/o: Anonymous users does not have storage.objects.list access to bucket raw.\n",
    ],
)
def test_an_anonymous_request_is_missing_credentials(text: str) -> None:
    best = _best(text)
    assert best is not None
    assert best.id == "cloud_credentials_missing"


@pytest.mark.parametrize(
    "text",
    [
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the"
        " PutObject operation: Access Denied\n",
        "google.api_core.exceptions.Forbidden: 403 GET https://storage.googleapis.com/storage/v1"
        "/b/raw/o: etl@acme.iam.gserviceaccount.com does not have storage.objects.list access"
        " to the Google Cloud Storage bucket.\n",
    ],
)
def test_a_signed_request_without_a_grant_is_not_anonymous(text: str) -> None:
    best = _best(text)
    assert best is None or best.id != "cloud_credentials_missing"


def test_a_missing_node_is_not_a_stale_partial_parse() -> None:
    best = _best(
        "04:05:06  Encountered an error:\nCompilation Error\n"
        "  Model 'model.shop.orders' (models/orders.sql) depends on a node named 'stg_orders'"
        " which was not found\n"
    )
    assert best is not None
    assert "partial" not in best.next_step


@pytest.mark.parametrize(
    "unit",
    [
        'invalid input syntax for type integer: "a,b,c,d ',
        "Validation result of suite s: 1 of 2 (",
        "Encountered unexpected state `aaaaa",
        "Schema in s3://x/y ",
        "Unable to bootstrap from [('k', 1, ",
    ],
    ids=["copy", "ge", "external", "schema", "kafka"],
)
def test_the_new_entries_cost_linear_time_on_repeated_prefixes(unit: str) -> None:
    def cost(t: str) -> float:
        start = time.perf_counter()
        _best(t)
        return time.perf_counter() - start

    text = "RuntimeError: " + unit * 4000 + "\n"
    plain = cost("RuntimeError: " + "x" * len(text) + "\n")
    assert cost(text) < 3 * plain + 1.0
