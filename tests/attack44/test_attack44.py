# ruff: noqa: E501
"""Red team attack44: the catalogue's connection entries (0b5a3b0), the implied exception
types (0af4349), the dbt-title headline (0870808) and the linear patterns (fc6e4fe).

Every log line below is written here in the shape the tool prints it.  A test marked
xfail shows a problem a user meets; an unmarked test is an attack that held.
"""

from __future__ import annotations

import re
import time

import pytest

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue, shipped_diagnoses
from logsumd.summarize.diagnose import catalogue_summary, examine
from logsumd.understand import classify
from tests.catalogue_cases import advice, best_entries, fastest
from tests.events import make_event
from tests.log_lines import af, py
from tests.test_corpus_shapes import _events

# --------------------------------------------------------------------------------------
# helpers


def _best_id(text: str) -> str:
    best = best_entries(text)
    return best[0].id if best else ""


def _summary(text: str) -> str:
    """The catalogue summary of ``text`` (one event), as the alert prints it."""
    event = make_event(text)
    findings = examine(event, classify(event), load_catalogue())
    best = distinct(findings.candidates)
    assert best, "no entry matched"
    return catalogue_summary(findings, best[0], "catalogue").text


def _pattern_of(entry_id: str, needle: str) -> re.Pattern[str]:
    for entry in shipped_diagnoses():
        if entry.id == entry_id and entry.match.message and needle in entry.match.message:
            return re.compile(entry.match.message)
    raise AssertionError(f"no {entry_id} pattern holding {needle!r}")


# --------------------------------------------------------------------------------------
# finding 1: a database's "division by zero" implies Python's ZeroDivisionError


def test_postgres_division_by_zero_is_not_an_empty_input() -> None:
    # The user needs: the SQL divides by a column that is 0 on some row (NULLIF it).
    # An empty input never divides in SQL: no row, no division.  Before 0af4349 the
    # catalogue was silent here; now it says "the input was empty".
    text = (
        "sqlalchemy.exc.DataError: (psycopg2.errors.DivisionByZero) division by zero\n"
        "\n"
        "[SQL: SELECT region, revenue / units AS price FROM mart.daily_sales]\n"
        "(Background on this error at: https://sqlalche.me/e/20/9h9h)\n"
    )
    assert "input was empty" not in " ".join(advice(c) for c in best_entries(text)[:1])


def test_dbt_postgres_division_by_zero_keeps_the_dbt_entry() -> None:
    # dbt on Postgres: the model's SQL divides by zero on a row.  The generic dbt entry
    # ("run the compiled SQL of fct_margin") is right; "check the upstream extract for an
    # empty input" sends the engineer to the wrong job.
    text = (
        "04:10:04  Database Error in model fct_margin (models/marts/fct_margin.sql)\n"
        "04:10:04    division by zero\n"
        "04:10:04    compiled Code at target/run/shop/models/marts/fct_margin.sql\n"
    )
    assert _best_id(text) != "empty_input"


def test_awk_division_by_zero_is_not_a_python_count() -> None:
    # gawk in a shell step: row 3 of the input has a 0 in the divisor column.
    text = "awk: cmd. line:1: (FILENAME=- FNR=3) fatal: division by zero attempted\n"
    assert _best_id(text) != "empty_input"


def test_script_record_of_python_division_by_zero_still_implies_the_type() -> None:
    # held: the script's own record of Python's exception text still gets the entry
    text = py(1, "ERROR", "Could not compute conversion rate: float division by zero") + "\n"
    assert _best_id(text) == "empty_input"


# --------------------------------------------------------------------------------------
# finding 2: a record that quotes another failure's text gets that failure's diagnosis


def test_failure_notifier_quoting_the_alert_text_is_not_an_index_error() -> None:
    # The user needs: the Slack notifier itself failed (channel_not_found).  The message it
    # tried to post quotes another task's failure; that failure is not this one's cause.
    text = py(
        1, "ERROR",
        "Slack post failed (channel_not_found) for message: 'orders_daily failed: list index out of range'",
    ) + "\n"  # fmt: skip
    best = best_entries(text)
    assert not best or best[0].id != "index_error"


def test_remote_api_500_body_is_not_our_index_error() -> None:
    # A Python web API answered 500 with its own exception text in the body.  The bug is
    # on the server; "guard the index and skip malformed records" points at the job.
    text = py(1, "ERROR", 'Report API answered 500: {"detail": "list index out of range"}') + "\n"
    assert _best_id(text) != "index_error"


def test_retry_history_does_not_outrank_the_final_error() -> None:
    # The record names the final failure (503 from the upstream API) after listing the
    # earlier attempts' errors.  The earlier division by zero is no cause of this failure.
    text = py(
        1, "ERROR",
        "Task orders_daily failed after 3 retries; previous attempts: division by zero,"
        " timeout, timeout. Giving up: upstream API returned 503",
    ) + "\n"  # fmt: skip
    assert _best_id(text) != "empty_input"


def test_a_table_insert_quoting_an_old_error_keeps_its_own_cause() -> None:
    # held: a specific entry of higher priority outranks the implied type
    text = (
        "sqlalchemy.exc.DataError: (psycopg2.errors.StringDataRightTruncation) value too long"
        " for type character varying(32)\n\n"
        "[SQL: INSERT INTO etl.job_errors (job, row_no, error_text) VALUES (%(job)s, %(row_no)s,"
        " %(error_text)s)]\n"
        "[parameters: {'job': 'orders_daily', 'row_no': 118, 'error_text': 'list index out of"
        " range while splitting line'}]\n"
    )
    assert _best_id(text) == "value_too_long_for_column"


def test_airflow_http_hook_500_with_exception_body_stays_a_server_error() -> None:
    # held: Airflow's HttpHook logs the body, then raises; the status decides
    lines = [
        af(2, "base.py:84", "INFO", "Using connection ID 'reports_api' for task execution."),
        af(3, "http.py:201", "ERROR", "HTTP error: INTERNAL SERVER ERROR"),
        af(3, "http.py:202", "ERROR", '{"detail": "list index out of range"}'),
        af(3, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/http/hooks/http.py", line 199, in check_response',
        "    response.raise_for_status()",
        '  File "/home/airflow/.local/lib/python3.11/site-packages/requests/models.py", line 1024, in raise_for_status',
        "    raise HTTPError(http_error_msg, response=self)",
        "requests.exceptions.HTTPError: 500 Server Error: INTERNAL SERVER ERROR for url: https://reports.acme.test/api/v1/refresh",
        af(
            4,
            "taskinstance.py:1206",
            "INFO",
            "Marking task as FAILED. dag_id=reports, task_id=refresh",
        ),
    ]
    events = _events(lines)
    assert len(events) == 1
    best = distinct(examine(events[0], classify(events[0]), load_catalogue()).candidates)
    assert best[0].id == "http_server_error"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Load failed: [Errno 21] Is a directory: 'out.csv'", "output_path_exists"),
        ("Error processing row 17: list index out of range", "index_error"),
        (
            "Could not start step: [Errno 2] No such file or directory: 'spark-submit'",
            "binary_not_found",
        ),
        (
            "Could not reach sftp.partner.test:22: [Errno 110] Connection timed out",
            "connection_timeout",
        ),
    ],
)
def test_script_records_of_python_errors_get_the_right_entry(message: str, expected: str) -> None:
    # held: the commit's own purpose, and the errno texts imply the right type
    assert _best_id(py(1, "ERROR", message) + "\n") == expected


# --------------------------------------------------------------------------------------
# finding 3: any request to the metadata endpoint is read as missing credentials


def test_spot_notice_poll_timeout_is_not_missing_credentials() -> None:
    # The user needs: the job's spot-interruption watcher cannot reach the instance
    # metadata (hop limit, network policy).  It asked for /spot/instance-action, not for
    # credentials; "no credentials are set ... give this worker credentials" is invented.
    text = py(
        1, "ERROR",
        "Spot notice check failed: HTTPConnectionPool(host='169.254.169.254', port=80): Max"
        " retries exceeded with url: /latest/meta-data/spot/instance-action (Caused by"
        " ConnectTimeoutError(<urllib3.connection.HTTPConnection object at 0x7f3a2c1d0>,"
        " 'Connection to 169.254.169.254 timed out. (connect timeout=2)'))",
    ) + "\n"  # fmt: skip
    assert "credentials" not in advice(best_entries(text)[0])


def test_gce_zone_lookup_refused_is_not_missing_credentials() -> None:
    text = py(
        1, "ERROR",
        "Could not read zone: HTTPConnectionPool(host='metadata.google.internal', port=80):"
        " Max retries exceeded with url: /computeMetadata/v1/instance/zone (Caused by"
        " NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to"
        " establish a new connection: [Errno 111] Connection refused'))",
    ) + "\n"  # fmt: skip
    assert "credentials" not in advice(best_entries(text)[0])


def test_botocore_no_credentials_keeps_its_entry() -> None:
    # held
    text = "botocore.exceptions.NoCredentialsError: Unable to locate credentials\n"
    assert _best_id(text) == "cloud_credentials_missing"


# --------------------------------------------------------------------------------------
# finding 4: the java-path and Permission-denied lookbehinds stay quadratic on a compact
# list of quoted paths (a quote before each path is an allowed start)


_QUOTED_PATHS = '"/a",'


def test_java_path_pattern_is_linear_on_a_list_of_quoted_paths() -> None:
    # A record that logs a batch's file list as compact JSON ('["/landing/a.csv","/...') is
    # one long run: every path opens after a quote, and \S* runs to the end of the line.
    rx = _pattern_of("hadoop_home_unset", "bin/java")
    small, big = _QUOTED_PATHS * 400, _QUOTED_PATHS * 3200
    assert fastest(rx, big, 5) < 24 * fastest(rx, small, 5) + 0.01


def test_permission_denied_pattern_is_linear_on_a_list_of_quoted_paths() -> None:
    rx = _pattern_of("file_permission_denied", r"""+)['"]? \(Permission denied\)""")
    small, big = _QUOTED_PATHS * 400, _QUOTED_PATHS * 3200
    assert fastest(rx, big, 5) < 24 * fastest(rx, small, 5) + 0.01


def test_one_max_length_line_of_quoted_paths_is_examined_in_under_two_seconds() -> None:
    # The assembler keeps lines up to 64 KB (max_line_bytes).  The daemon examines each
    # event on its one summarizer; here one event holds it for about 8 s.
    paths = ",".join(f'"/in/{i:x}"' for i in range(64000 // 10))
    text = py(1, "ERROR", f"Failed to load batch: [{paths}]")[:65536] + "\n"
    event = make_event(text)
    t0 = time.perf_counter()
    examine(event, classify(event), load_catalogue())
    assert time.perf_counter() - t0 < 2.0


# --------------------------------------------------------------------------------------
# finding 5: a run of '[' without ']' is quadratic for dataframe_column_missing


def test_column_list_pattern_is_linear_on_unclosed_brackets() -> None:
    # A line cut at max_line_bytes loses its closing brackets; nested arrays then leave
    # one '[' every few characters and no ']' after them.
    rx = _pattern_of("dataframe_column_missing", "not in index")
    small, big = "[a" * 1000, "[a" * 8000
    assert fastest(rx, big, 5) < 24 * fastest(rx, small, 5) + 0.01


# --------------------------------------------------------------------------------------
# finding 6: the dbt title's replacement may be another record's message


_RUN = "subprocess.py:93"


def _bash_dbt(output: list[str]) -> list[str]:
    """Airflow's BashOperator running dbt: the output relayed, then the wrapper's trace."""
    return [
        af(1, _RUN, "INFO", "Running command: ['/usr/bin/bash', '-c', 'cd /opt/dbt && dbt run --select fct_margin']"),
        af(2, _RUN, "INFO", "Output:"),
        *(af(3, _RUN, "INFO", line) for line in output),
        af(6, _RUN, "INFO", "Command exited with return code 1"),
        af(7, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/bash.py", line 243, in execute',
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 1.",
        af(8, "taskinstance.py:1206", "INFO", "Marking task as FAILED. dag_id=marts, task_id=dbt_run"),
    ]  # fmt: skip


def _headline_of_last_event(lines: list[str]) -> str:
    """The headline of the last event that holds dbt's title."""
    event = [e for e in _events(lines) if "Database Error in model" in e.text][-1]
    findings = examine(event, classify(event), load_catalogue())
    best = distinct(findings.candidates)
    return catalogue_summary(findings, best[0], "catalogue").text.split("\n", 1)[0]


def test_dbt_title_under_bash_wrapper_is_not_replaced_by_the_wrappers_message() -> None:
    # dbt printed the title and no message of the database (the adapter's error had no
    # text).  The headline said "Database Error: Database Error in model fct_margin ..."
    # before 0870808; now it labels Airflow's wrapper text as the database's error.
    head = _headline_of_last_event(_bash_dbt([
        "04:10:04  Completed with 1 error and 0 warnings:",
        "04:10:04  Database Error in model fct_margin (models/marts/fct_margin.sql)",
        "04:10:04    compiled Code at target/run/shop/models/marts/fct_margin.sql",
        "04:10:04  Done. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1",
    ]))  # fmt: skip
    assert "Bash command failed" not in head


def test_dbt_title_is_not_replaced_by_the_run_summary_line() -> None:
    # dbt printed the title and no message (the adapter's error had no text)
    head = _headline_of_last_event([
        "04:10:04  Completed with 1 error and 0 warnings:",
        "04:10:04  Database Error in model fct_margin (models/marts/fct_margin.sql)",
        "04:10:04    ",
        "04:10:04  Done. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1",
    ])  # fmt: skip
    assert "Completed with 1 error" not in head


@pytest.mark.parametrize(
    "message",
    [
        "Cannot perform CREATE TABLE. This session does not have a current schema.",
        "Query 20260301_041004_00012_abcde failed: line 1:8: mismatched input 'FORM'",
    ],
)
def test_dbt_summary_block_headline_quotes_the_database_message(message: str) -> None:
    # held: dbt's real end-of-run block (blank line between summary and title)
    head = _headline_of_last_event([
        "04:10:04  Completed with 1 error and 0 warnings:",
        "04:10:04  ",
        "04:10:04    Database Error in model fct_margin (models/marts/fct_margin.sql)",
        "04:10:04    " + message,
        "04:10:04    compiled Code at target/run/shop/models/marts/fct_margin.sql",
        "04:10:04  ",
        "04:10:04  Done. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1",
    ])  # fmt: skip
    assert "Database Error in model" not in head
    assert message.split()[1] in head


# --------------------------------------------------------------------------------------
# finding 7: vsftpd's stalled-transfer 421 read as an idle session


def test_vsftpd_data_timeout_is_not_an_idle_session() -> None:
    # vsftpd's data_connection_timeout: the transfer stalled with no progress (a passive
    # port blocked by a firewall or NAT).  "keep the session busy" does not help.
    text = "ftplib.error_temp: 421 Data timeout. Reconnect. Sorry.\n"
    assert "idle" not in advice(best_entries(text)[0])


def test_proftpd_idle_timeout_is_an_idle_session() -> None:
    # held
    text = "ftplib.error_temp: 421 Idle timeout (600 seconds): closing control connection\n"
    assert "idle" in advice(best_entries(text)[0])


# --------------------------------------------------------------------------------------
# attacks that held: new connection entries, lookbehinds that keep real matches


@pytest.mark.parametrize(
    ("text", "expected", "said"),
    [
        (
            "ssl.SSLError: [SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca (_ssl.c:1002)\n",
            "tls_handshake_rejected",
            "unknown ca",
        ),
        (
            '2026/03/01 04:10:01 sync: Post "https://vault.acme.test:8200/v1/auth/cert/login": remote error: tls: bad certificate\n',
            "tls_handshake_rejected",
            "bad certificate",
        ),
        (
            "requests.exceptions.ProxyError: HTTPSConnectionPool(host='api.partner.test', port=443): Max retries exceeded with url: /v2/orders (Caused by ProxyError('Unable to connect to proxy', OSError('Tunnel connection failed: 403 Forbidden')))\n",
            "proxy_error",
            "proxy",
        ),
        (
            "requests.exceptions.ProxyError: HTTPSConnectionPool(host='api.partner.test', port=443): Max retries exceeded with url: /v2/orders (Caused by ProxyError('Unable to connect to proxy', OSError('Tunnel connection failed: 407 Proxy Authentication Required')))\n",
            "proxy_error",
            "credentials",
        ),
        (
            "pip._vendor.urllib3.exceptions.ProxyError: ('Unable to connect to proxy', SSLError(SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)')))\n",
            "proxy_error",
            "proxy",
        ),
        (
            '2026-03-01 04:10:01 ERROR psycopg2.OperationalError: connection to server at "pg.acme.test" (10.0.3.4), port 5432 failed: timeout expired\n',
            "connection_timeout",
            "timed out",
        ),
        (
            "/opt/spark/bin/spark-class: line 71: /usr/lib/jvm/java-11-openjdk-amd64/bin/java: No such file or directory\n",
            "hadoop_home_unset",
            "/usr/lib/jvm/java-11-openjdk-amd64/bin/java",
        ),
        (
            "04:10:03  \x1b[31m1 of 4 ERROR STALE freshness of raw_shop.orders\x1b[0m .......... [\x1b[31mERROR STALE\x1b[0m in 0.41s]\n",
            "data_quality_check_failed",
            "raw_shop.orders",
        ),
        (
            py(
                1,
                "ERROR",
                "Validation failed: 3 of 12 (25.0%) expectations failed for suite orders.warning",
            )
            + "\n",
            "data_quality_check_failed",
            "3 of 12",
        ),
    ],
)
def test_held_entries(text: str, expected: str, said: str) -> None:
    best = best_entries(text)
    assert best
    assert best[0].id == expected
    assert said in advice(best[0])


def test_celery_refused_on_localhost_is_not_told_as_a_down_broker() -> None:
    # held: the localhost exclusion leaves it to the refused entries
    text = (
        "[2026-03-01 04:10:01,120: ERROR/MainProcess] consumer: Cannot connect to"
        " amqp://guest:**@localhost:5672//: [Errno 111] Connection refused.\n"
    )
    assert _best_id(text) != "service_unavailable"
