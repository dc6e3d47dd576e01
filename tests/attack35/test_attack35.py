"""Red team attack35: paste undecoration (01d7d45), open exception messages (25e431c) and
the four held-out catalogue entries (04ea913).

Every line below is written here in the shape the tool prints it; none is copied from
the evaluation corpus.
"""

from __future__ import annotations

import time

import pytest

from logsumd.config import MultilineSettings, UserRule
from logsumd.parse import parse_line, undecorate
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from logsumd.understand._fingerprint import fingerprint
from tests.events import make_event
from tests.test_multiline_rules import run, spans

TB = (
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/sync.py", line 12, in <module>\n'
    "    s3.upload_file(src, bucket, key)\n"
)
# botocore's message when the service sent no text: the line ends with ': '
EMPTY_CLIENT_ERROR = (
    "botocore.exceptions.ClientError: An error occurred (InternalError) when calling the"
    " PutObject operation (reached max retries: 4): \n"
)


def _two(text: str) -> list[tuple[int, int]]:
    return [s[:2] for s in spans(run(text))]


def _best(text: str, context: tuple[str, ...] = ()) -> Candidate | None:
    event = make_event(text, context)
    found = distinct(examine(event, classify(event), load_catalogue()).candidates)
    return found[0] if found else None


# --------------------------------------------------------------------------------------
# 1. An open exception message swallows the next, unrelated failure (lost alert)
# --------------------------------------------------------------------------------------


def test_the_next_steps_oom_kill_after_an_empty_message_keeps_its_alert() -> None:
    """A user needs the OOM kill of the next step of the script (bash's ``Killed`` line)
    as its own alert; before 25e431c it was one (5, 5)."""
    text = (
        TB
        + EMPTY_CLIENT_ERROR
        + "/srv/etl/run.sh: line 14:  4242 Killed                  python load.py\n"
    )
    assert _two(text) == [(1, 4), (5, 5)]


def test_a_psql_error_after_an_empty_message_keeps_its_alert_and_category() -> None:
    """The next step of the script (psql) fails on its own: a second alert, category
    schema.  Now it is glued into the upload's message and the alert is lost."""
    text = (
        TB
        + EMPTY_CLIENT_ERROR
        + 'psql:/srv/etl/sql/load.sql:12: ERROR:  relation "raw.orders" does not exist\n'
    )
    events = run(text)
    assert [s[:2] for s in spans(events)] == [(1, 4), (5, 5)]
    assert classify(events[1]).category == "schema"


def test_the_next_print_does_not_change_the_fingerprint_of_an_empty_message() -> None:
    """The same upload failure on two days, followed by the wrapper's next print (which
    names another table each day), must keep one fingerprint so it is deduplicated."""
    a = run(TB + EMPTY_CLIENT_ERROR + "skipping table orders\n")
    b = run(TB + EMPTY_CLIENT_ERROR + "skipping table customers\n")
    assert fingerprint(classify(a[0])) == fingerprint(classify(b[0]))


# --------------------------------------------------------------------------------------
# 3. A chained traceback whose blank lines a collector dropped is split in two
# --------------------------------------------------------------------------------------

CHAINED = (
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/track.py", line 12, in log_run\n'
    "    client.create_run(exp_id)\n"
    "mlflow.exceptions.MlflowException:\n"
    "{sep}\n"
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/track.py", line 30, in main\n'
    "    log_run()\n"
    "RuntimeError: tracking failed\n"
)


@pytest.mark.parametrize(
    "sep",
    [
        "During handling of the above exception, another exception occurred:",
        "The above exception was the direct cause of the following exception:",
    ],
)
def test_a_chained_traceback_without_blank_lines_is_one_event(sep: str) -> None:
    """Shippers that drop empty lines (awslogs, many Fluent Bit setups) print a chained
    traceback without its blank lines.  Before 25e431c it was one event (1, 9); now the
    root MlflowException and the RuntimeError are two alerts for one failure."""
    assert _two(CHAINED.format(sep=sep)) == [(1, 9)]


def test_a_chained_traceback_with_its_blank_lines_is_one_event() -> None:
    text = CHAINED.replace(
        "{sep}\n",
        "API request to endpoint /api/2.0/mlflow/runs/create failed with error code 404.\n\n"
        "During handling of the above exception, another exception occurred:\n\n",
    )
    assert _two(text) == [(1, 12)]


# --------------------------------------------------------------------------------------
# 4. Indented lines that start with a time are read as records
# --------------------------------------------------------------------------------------


def test_a_child_log_indented_under_an_error_record_is_one_event() -> None:
    """A runner logs the failed step's log indented under its own ERROR record.  The
    user needs one alert (the runner's) whose text holds the child's cause (401); now
    the indented child records are three events and the runner's loses its cause."""
    text = (
        "2031-02-03 04:05:06,100 - runner - INFO - running step extract\n"
        "2031-02-03 04:05:09,100 - runner - ERROR - step extract exited with code 1, its log:\n"
        "    2031-02-03 04:05:07,900 - extract - INFO - connecting to warehouse\n"
        "    2031-02-03 04:05:08,000 - extract - ERROR - login failed: 401 Unauthorized\n"
        "    2031-02-03 04:05:08,100 - extract - ERROR - giving up after 3 attempts\n"
        "2031-02-03 04:05:09,200 - runner - INFO - skipping step load\n"
    )
    events = run(text)
    assert [s[:2] for s in spans(events)] == [(2, 5)]
    assert classify(events[0]).category == "auth"


def test_indented_rows_that_start_with_a_time_stay_in_the_records_event() -> None:
    """A freshness check lists the missing partitions indented under its ERROR record."""
    text = (
        "2031-02-03 04:05:06,100 - check - ERROR - freshness check failed for 2 partitions:\n"
        "    2031-02-01 00:00:00 expected 1200 rows, got 0\n"
        "    2031-02-02 00:00:00 expected 1200 rows, got 0\n"
        "2031-02-03 04:05:07,100 - check - INFO - done\n"
    )
    assert _two(text) == [(1, 3)]


def test_an_open_exception_message_keeps_its_rows_that_start_with_a_time() -> None:
    """The two changes defeat each other: the message after the colon is a list of rows
    indented by textwrap.indent, each starting with its time stamp."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/check.py", line 12, in <module>\n'
        "    check(df)\n"
        "ValueError: \n"
        "    2031-02-03 04:05:06  order 17\n"
        "    2031-02-03 04:05:07  order 18\n"
        "\n"
        "done\n"
    )
    events = run(text)
    assert [s[:2] for s in spans(events)] == [(1, 6)]  # lead: the trailing blank is no part
    assert "order 18" in classify(events[0]).message


# --------------------------------------------------------------------------------------
# 5. User rules now see the undecorated line
# --------------------------------------------------------------------------------------


def test_a_user_rule_anchored_on_gradles_task_marker_still_fires() -> None:
    """A user's rule for Gradle-built jobs (``> Task :etl:run FAILED``): the '> ' is
    Gradle's own marker, not a markdown quote.  Before 01d7d45 it was an event."""
    rule = UserRule(
        name="gradle",
        start_pattern=r"^> Task \S+ FAILED",
        condition_pattern=r"^\s|^$",
        mode="continue_through",
    )
    text = "> Task :etl:compileJava\n> Task :etl:run FAILED\n\nFAILURE: Build failed.\n"
    events = run(text, MultilineSettings(custom=(rule,)))
    assert [(e.line_start, e.rule) for e in events] == [(2, "gradle")]


def test_a_user_rules_indent_condition_still_sees_the_indent() -> None:
    """Vector's canonical continuation (``condition_pattern: '^\\s'``) on a report whose
    indented rows start with a time: before 01d7d45 one event (2, 4)."""
    rule = UserRule(
        name="jobreport",
        start_pattern=r"JOB FAILED",
        condition_pattern=r"^\s",
        mode="continue_through",
    )
    text = (
        "2031-02-03 04:05:06,100 [INFO] starting\n"
        "2031-02-03 04:05:07,100 [INFO] JOB FAILED: 2 partitions missing\n"
        "    2031-02-01 00:00:00  partition dt=2031-02-01 missing\n"
        "    2031-02-02 00:00:00  partition dt=2031-02-02 missing\n"
        "2031-02-03 04:05:08,100 [INFO] exiting\n"
    )
    assert [s[:2] for s in spans(run(text, MultilineSettings(custom=(rule,))))] == [(2, 4)]


# --------------------------------------------------------------------------------------
# 6. py4j's "Trace:" message: the new open-message rule does not take it
# --------------------------------------------------------------------------------------


@pytest.mark.xfail(strict=True, reason="finding 6: py4j's 'Trace:' body is a second alert")
def test_py4js_trace_body_is_part_of_its_error() -> None:
    """Py4JError's message ends with ``Trace:`` and the Java exception that is its body
    follows; one failure, one alert."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/job.py", line 3, in <module>\n'
        '    sc.getLocalProperty("x")\n'
        "py4j.protocol.Py4JError: An error occurred while calling o35.getLocalProperty. Trace:\n"
        "py4j.Py4JException: Method getLocalProperty([class java.lang.String]) does not exist\n"
        "\tat py4j.reflection.ReflectionEngine.getMethod(ReflectionEngine.java:318)\n"
        "\tat py4j.Gateway.invoke(Gateway.java:274)\n"
        "\n"
    )
    assert _two(text) == [(1, 7)]


# --------------------------------------------------------------------------------------
# 7-9. The held-out catalogue entries
# --------------------------------------------------------------------------------------

COPY_ERR = "psycopg2.errors.InvalidTextRepresentation: invalid input syntax for type "


@pytest.mark.parametrize(
    "text",
    [
        # a number with thousands separators (an Excel export)
        COPY_ERR + 'bigint: "1,234,567,890"\n'
        'CONTEXT:  COPY payments, line 7, column amount_cents: "1,234,567,890"\n',
        # ",".join(ids) bound to one %s of "WHERE id IN (%s)": no file, no delimiter
        COPY_ERR + 'integer: "101,102,103,104"\n'
        "LINE 1: SELECT * FROM orders WHERE id IN ('101,102,103,104')\n"
        "                                          ^\n",
        # a Postgres array literal into a scalar column
        COPY_ERR + 'integer: "{1,2,3,4}"\n',
    ],
    ids=["thousands", "in_list", "array"],
)
def test_a_value_with_commas_that_is_no_row_is_not_a_wrong_delimiter(text: str) -> None:
    best = _best(text)
    assert best is None or best.id != "csv_wrong_delimiter"


def test_a_whole_row_in_one_column_is_a_wrong_delimiter() -> None:
    text = (
        COPY_ERR + 'numeric: "2031-02-03|acme|17|4.5"\n'
        'CONTEXT:  COPY fares, line 1, column day: "2031-02-03|acme|17|4.5"\n'
    )
    best = _best(text)
    assert best is not None
    assert best.id == "csv_wrong_delimiter"


@pytest.mark.parametrize(
    "line",
    [
        # kafka-python / aiokafka format the host list as tuples
        "aiokafka.errors.KafkaConnectionError: Unable to bootstrap from "
        "[('kafka', 9092, <AddressFamily.AF_UNSPEC: 0>)]\n",
        "kafka.errors.KafkaTimeoutError: Unable to bootstrap from "
        "['broker-1:29092', 'broker-2:29092', 'broker-3:29092']\n",
    ],
)
def test_the_kafka_cause_names_the_brokers_whole(line: str) -> None:
    best = _best(line)
    assert best is not None
    assert best.id == "kafka_broker_unavailable"
    assert ", answered" not in best.cause  # "no Kafka broker of [('kafka', 9092, answered"


def test_not_in_the_graph_mentions_a_stale_partial_parse() -> None:
    """dbt says this when its partial-parse cache missed a YAML change (the semantic
    model exists; ``--no-partial-parse`` fixes it).  The next step only says to enable
    or restore the node, which sends the engineer to a node that is there."""
    text = (
        "04:05:06  Encountered an error:\nCompilation Error\n"
        "  'metric.shop.revenue' depends on 'semantic_model.shop.orders' which is not in"
        " the graph!\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "dbt_compilation_error"
    assert "partial" in (best.cause + " " + best.next_step)


# --------------------------------------------------------------------------------------
# What held
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "E1207 04:05:06.123456  4242 main.cc:12] Check failed: fd >= 0",  # glog
        "   > Could not find org.apache.spark:spark-core_2.12:3.9.9.",  # Gradle nested cause
        '    "ts": "2031-02-03 04:05:06",',  # pretty-printed JSON
        "  compiled Code at target/run/shop/models/orders.sql",  # dbt's own indentation
        "\t diagnostics: User class threw exception: java.lang.RuntimeException: boom",
        "```",
    ],
)
def test_lines_of_the_log_itself_keep_their_meaning(line: str) -> None:
    assert undecorate(line) == line


def test_glogs_error_line_is_still_an_event() -> None:
    text = (
        "I1207 04:05:05.000000  4242 main.cc:10] starting\n"
        "E1207 04:05:06.123456  4242 main.cc:12] Check failed: fd >= 0 open /data/in.csv\n"
        "I1207 04:05:07.000000  4242 main.cc:20] exiting\n"
    )
    assert _two(text) == [(2, 2)]


def test_a_plain_exception_line_after_the_colon_is_its_own_event() -> None:
    text = "RuntimeError:\nrow 7 rejected\nValueError: bad row 9\n"
    assert _two(text) == [(1, 2), (3, 3)]


def test_a_message_that_ends_with_a_colon_after_text_takes_nothing_more() -> None:
    """Lead's fix of findings 1 and 2: only a bare ``Type:`` (Python prints an empty
    message as the bare type, so the message begins with a line break) opens a body."""
    text = "RuntimeError: load failed for these rows:\nrow 7 rejected\nValueError: bad row 9\n"
    assert _two(text) == [(1, 1), (3, 3)]


def test_a_java_exception_with_a_colon_keeps_its_frames_and_cause() -> None:
    text = (
        "java.lang.IllegalStateException: failed to commit:\n"
        "\tat com.acme.Etl.commit(Etl.java:12)\n"
        "\tat com.acme.Etl.main(Etl.java:5)\n"
        "Caused by: java.io.IOException: disk full\n"
        "\t... 2 more\n"
        "next\n"
    )
    assert _two(text) == [(1, 5)]


def test_a_pretty_printed_json_body_with_times_stays_in_the_message() -> None:
    text = (
        TB + "RuntimeError:\n"
        "{\n"
        '  "error": "invalid_row",\n'
        '  "ts": "2031-02-03 04:05:06",\n'
        '  "row": 7\n'
        "}\n"
        "\n"
        "next\n"
    )
    assert _two(text) == [(1, 9)]


OPEN_BODY = (
    TB + "mlflow.exceptions.MlflowException: \n"
    "You are not authorized to perform: athena:GetWorkGroup on the resource.\n"
    "After you have updated your permissions, please try again.\n"
    "\n"
    "next\n"
)


@pytest.mark.parametrize("per_chunk", [0, 1, 2, 3, 4, 5])
def test_an_open_message_does_not_depend_on_chunking(per_chunk: int) -> None:
    assert [s[:2] for s in spans(run(OPEN_BODY, per_chunk=per_chunk))] == [(1, 6)]


def test_an_open_message_with_windows_line_ends() -> None:
    events = run(OPEN_BODY.replace("\n", "\r\n"))
    assert [s[:2] for s in spans(events)] == [(1, 6)]
    assert "please try again" in classify(events[0]).message


def test_a_pytest_report_of_an_open_message_is_one_event() -> None:
    text = (
        "E       mlflow.exceptions.MlflowException:\n"
        "E       Access Denied for etl-raw/in.csv\n"
        "\n"
        "src/test_sync.py:12: ClientError\n"
    )
    events = run(text)
    assert [s[:2] for s in spans(events)] == [(1, 2)]
    assert "etl-raw/in.csv" in classify(events[0]).message


@pytest.mark.parametrize(
    "line",
    ["> " * 200_000, ">" * 200_000 + " ", " " * 200_000 + "x", "\t " * 200_000 + "1",
     "`" * 200_000, "E" + " " * 200_000, " " * 200_000 + "12:34:5"],
    ids=["quotes", "gt", "spaces", "tabs", "ticks", "pytest", "almost_time"],
)  # fmt: skip
def test_decorations_on_a_long_line_cost_linear_time(line: str) -> None:
    start = time.perf_counter()
    parse_line(line.encode())
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    "text",
    [
        COPY_ERR + 'integer: "' + "a," * 2 + "a" * 100_000 + '"\n',
        "ModuleNotFoundError: No module named 'airflow.providers." + "a." * 50_000 + "'x\n",
        "KafkaTimeoutError: Unable to bootstrap from " + "x" * 100_000 + "\n",
        "Compilation Error\n  'x' depends on '" + "a" * 100_000 + "\n",
    ],
    ids=["copy", "provider", "kafka", "dbt"],
)
def test_the_new_entries_cost_no_more_than_a_plain_message(text: str) -> None:
    def cost(t: str) -> float:
        start = time.perf_counter()
        _best(t)
        return time.perf_counter() - start

    plain = cost("RuntimeError: " + "x" * len(text) + "\n")
    assert cost(text) < 3 * plain + 0.5


@pytest.mark.parametrize(
    "module",
    [
        "airflow.providers.atlassian.jira",
        "airflow.providers.dbt.cloud",
        "airflow.providers.common.sql",
        "airflow.providers.snowflake",
    ],
)
def test_a_missing_provider_is_not_a_moved_module(module: str) -> None:
    best = _best(f"ModuleNotFoundError: No module named '{module}'\n")
    assert best is None or best.id != "package_version_conflict"


def test_a_moved_module_of_an_installed_two_level_provider() -> None:
    best = _best(
        "ModuleNotFoundError: No module named "
        "'airflow.providers.cncf.kubernetes.operators.kubernetes_pod'\n"
    )
    assert best is not None
    assert best.id == "package_version_conflict"
