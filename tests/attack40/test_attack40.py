"""Red team attack40: server slots ({host}, {url}, {endpoint}) and alternatives (``a || b``)
in the diagnosis catalogue, the probe-3 catalogue entries, the assembler's SQLAlchemy
``(pkg.Error) msg`` lines, Snowflake titles and advice lines, and the new category phrases.

Every line below is written here in the shape the tool prints it; none is copied from the
evaluation corpus.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from logsumd.config import ConfigError, load_config
from logsumd.records import Event
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize._hosts import server_host, server_url
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import catalogue_summary, examine
from logsumd.understand import Redactor, classify, redact_event
from tests.events import make_event
from tests.log_lines import af, py
from tests.test_corpus_shapes import _events, _spans


def _summary(event: Event, catalogue=None) -> tuple[str, str]:
    """(diagnosis id, full summary text) of a redacted event, as the catalogue backend says it."""
    clean = redact_event(event, Redactor(()))
    findings = examine(clean, classify(clean), catalogue or load_catalogue())
    found = distinct(findings.candidates)
    assert found, "no entry matched"
    return found[0].id, catalogue_summary(findings, found[0], "catalogue").text


def _of_text(text: str) -> tuple[str, str]:
    return _summary(make_event(text))


def _one_event(lines: list[str]) -> Event:
    events = _events(lines)
    assert len(events) == 1, _spans(events)
    return events[0]


# --------------------------------------------------------------------------------------
# 1. {host} from the log record's own "logger:line" (log4j %c{1}:%L, python [%(name)s:%(lineno)s])
# --------------------------------------------------------------------------------------


def test_the_host_is_not_the_log4j_class_and_line_of_the_record() -> None:
    """A Spark job logged with log4j's classic ``%-5p %c{1}:%L - %m%n`` layout: the peer
    reset the connection; the on-call engineer must not be told to check a server called
    ``TransportClient:233`` (a class and a source line)."""
    event = _one_event(
        [
            "2031-02-03 04:05:06 INFO  DAGScheduler:54 - Submitting 4 missing tasks",
            "2031-02-03 04:05:07 ERROR TransportClient:233 - Failed to send RPC to 10.0.0.5",
            "java.io.IOException: Connection reset by peer",
            "\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)",
            "\tat sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:39)",
        ]
    )
    diagnosis, text = _summary(event)
    assert diagnosis == "network_unreachable"
    assert "TransportClient" not in text.split("Cause:", 1)[1], text


def test_the_host_is_not_the_python_logger_name_and_line() -> None:
    """Django-style python logging ``[%(name)s:%(lineno)s]``: the job's connection timed out;
    ``etl.extract:88`` is the logger and line, not a server to check."""
    event = _one_event(
        [
            "[2031-02-03 04:05:06,120] INFO [etl.extract:40] fetching orders",
            "[2031-02-03 04:05:36,120] ERROR [etl.extract:88] fetch failed",
            "Traceback (most recent call last):",
            '  File "/opt/jobs/etl/extract.py", line 88, in run',
            "    resp = session.get(API)",
            "TimeoutError: [Errno 110] Connection timed out",
        ]
    )
    diagnosis, text = _summary(event)
    assert diagnosis == "connection_timeout"
    assert "extract:88" not in text.split("Cause:", 1)[1], text


def test_the_airflow_source_file_and_line_is_no_host() -> None:
    """Airflow's ``{taskinstance.py:2905}`` is a file and line: the plain wording stays."""
    event = _one_event(
        [
            af(1, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
            "Traceback (most recent call last):",
            '  File "/opt/airflow/dags/sync.py", line 12, in extract',
            "    rows = fetch()",
            "TimeoutError: [Errno 110] Connection timed out",
        ]
    )
    diagnosis, text = _summary(event)
    assert diagnosis == "connection_timeout"
    assert "connecting to the server timed out" in text


def test_a_path_in_the_source_line_of_a_traceback_is_no_host() -> None:
    """``"inbox/2031/orders.csv"`` in the code line is no ``inbox:2031`` server."""
    _, text = _of_text(
        "Traceback (most recent call last):\n"
        '  File "/opt/jobs/push.py", line 12, in <module>\n'
        '    sftp.put(local_path, "inbox/2031/orders.csv")\n'
        "TimeoutError: [Errno 110] Connection timed out\n"
    )
    assert "inbox" not in text


# --------------------------------------------------------------------------------------
# 2. An earlier, handled exception's server named as the one that failed
# --------------------------------------------------------------------------------------


def test_the_timeout_names_the_server_that_timed_out_not_an_earlier_one() -> None:
    """The status webhook answered 503 (handled); then the database connection timed out.
    The alert must not send the engineer to the webhook's host for the DB timeout."""
    diagnosis, text = _of_text(
        "Traceback (most recent call last):\n"
        '  File "/opt/jobs/notify.py", line 20, in send\n'
        "    resp.raise_for_status()\n"
        "requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url:"
        " https://status-hook.tides.test/v1/ping\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/jobs/notify.py", line 24, in send\n'
        "    conn = psycopg2.connect(DSN)\n"
        "psycopg2.OperationalError: could not connect to server: Connection timed out\n"
    )
    assert diagnosis == "connection_timeout"
    assert "status-hook" not in text.split("Cause:", 1)[1], text


def test_the_urllib3_host_is_named_for_its_own_timeout() -> None:
    """The control: urllib3 names the server it timed out on, and the cause says it."""
    diagnosis, text = _of_text(
        "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api.tides.test',"
        " port=443): Max retries exceeded with url: /v1/items (Caused by ConnectTimeoutError("
        "<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to api.tides.test"
        " timed out. (connect timeout=10)'))\n"
    )
    assert diagnosis == "connection_timeout"
    assert "api.tides.test" in text.split("Cause:", 1)[1]


def test_a_proxy_failure_is_not_blamed_on_the_api_host() -> None:
    """urllib3 1.x does not name the proxy; the proxy entry answers without the API's host."""
    _, text = _of_text(
        "requests.exceptions.ProxyError: HTTPSConnectionPool(host='api.tides.test', port=443):"
        " Max retries exceeded with url: /v1/items (Caused by ProxyError('Cannot connect to"
        " proxy.', timeout('timed out')))\n"
    )
    assert "proxy" in text.split("Cause:", 1)[1]
    assert "api.tides.test" not in text.split("Cause:", 1)[1]


# --------------------------------------------------------------------------------------
# Secrets through {url} / {host}: held
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url:"
            " https://etl:hunter2pass@api.tides.test/v1/items?api_key=k3y0000abcd\n",
            "hunter2pass",
        ),
        (
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url:"
            " https://etl:hunter2pass@api.tides.test/v1/items?api_key=k3y0000abcd\n",
            "k3y0000abcd",
        ),
        (
            "ERROR - Connection timed out fetching https://etl:48213@feeds.tides.test/v1/st\n",
            "48213",
        ),
        (
            "ERROR - Connection timed out fetching https://etl:p@ss@feeds.tides.test/v1/st\n",
            "ss@",
        ),
        (
            "requests.exceptions.HTTPError: 404 Client Error: Not Found for url:"
            " https://api.tides.test/v1/tokens/ghp_abcdefghijklmnopqrstuvwxyz0123456789/items\n",
            "ghp_abcdefghij",
        ),
        (
            "requests.exceptions.HTTPError: 500 Server Error: Internal Server Error for url:"
            " https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/xxxxxxxxxxxxxxxxxxxxxxxx\n",
            "B0BBBBBBB",
        ),
    ],
)
def test_no_credential_reaches_the_cause_through_a_slot(text: str, secret: str) -> None:
    """A password, a key in the query or a token in the path never reaches the alert."""
    _, summary = _of_text(text)
    assert secret not in summary


@pytest.mark.parametrize(
    "text",
    [
        "psycopg2.OperationalError: Connection timed out\n"
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)\n",
        "TimeoutError: timed out. For more information see https://docs.tides.test/errors/504\n",
    ],
)
def test_a_documentation_link_is_no_server(text: str) -> None:
    assert server_host(text) == ""
    assert server_url(text) == ""


def test_the_host_slots_take_linear_time_on_a_long_line() -> None:
    """A 100 KB line of dotted names, dashes and colons: the slot readers stay fast."""
    for line in ("a." * 50000, "a-" * 50000, "a:1" * 30000, "http://a" * 20000,
                 "http://" + "a:" * 50000, ("a" * 70 + ".") * 2000):  # fmt: skip
        start = time.perf_counter()
        server_host(line)
        server_url(line)
        assert time.perf_counter() - start < 1.0


# --------------------------------------------------------------------------------------
# 3. Advice lines: an ERROR record that starts with "Please check" is glued to the one before
# --------------------------------------------------------------------------------------


def test_an_error_record_starting_with_please_check_is_its_own_alert() -> None:
    """Two failures, two ERROR records a second apart: the SFTP login failure must not be
    hidden inside the API failure's alert."""
    lines = [
        py(1, "INFO", "start"),
        py(2, "ERROR", "extract failed: HTTP 503 from orders API"),
        py(3, "ERROR", "Please check the SFTP credentials: Authentication failed for sftp_default"),
        py(4, "INFO", "next"),
    ]
    assert _spans(_events(lines)) == [(2, 2), (3, 3)]


def test_a_warning_record_starting_with_make_sure_is_not_glued_to_the_error() -> None:
    """An Airflow task logs a 403 and, from another line of code 8 seconds later, a
    warning of its own: the warning is no part of the 403's message."""
    lines = [
        af(1, "load.py:20", "ERROR", "upload failed: 403 Forbidden"),
        af(9, "load.py:40", "WARNING", "Make sure the nightly export ran; 0 rows in staging"),
        af(9, "load.py:41", "INFO", "done"),
    ]
    assert _spans(_events(lines)) == [(1, 1)]


def test_a_record_starting_with_check_stays_apart() -> None:
    """The control: the same second record worded "Check ..." is an alert of its own."""
    lines = [
        py(1, "INFO", "start"),
        py(2, "ERROR", "extract failed: HTTP 503 from orders API"),
        py(3, "ERROR", "Check the SFTP credentials: Authentication failed for sftp_default"),
        py(4, "INFO", "next"),
    ]
    assert _spans(_events(lines)) == [(2, 2), (3, 3)]


def test_snowflake_execution_error_title_does_not_take_the_next_record() -> None:
    """A record ending on "SQL execution error:" does not swallow the next ERROR record."""
    lines = [
        py(1, "INFO", "start"),
        py(2, "ERROR", "Snowflake returned a SQL execution error:"),
        py(3, "ERROR", "upload failed: 403 Forbidden"),
        py(4, "INFO", "next"),
    ]
    assert _spans(_events(lines)) == [(2, 2), (3, 3)]


def test_snowflake_access_control_title_takes_its_text() -> None:
    lines = [
        "snowflake.connector.errors.ProgrammingError: 003001 (42501): SQL access control error:",
        "Insufficient privileges to operate on schema 'RAW'",
        "Processing next table: orders",
    ]
    assert _spans(_events(lines))[0] == (1, 2)


def test_a_sqlalchemy_line_in_a_record_message_stays_in_that_record() -> None:
    """``(psycopg2.errors.UniqueViolation) ...`` under ``ERROR - batch 3 failed:`` is that
    record's message, not a second alert."""
    lines = [
        py(1, "INFO", "start"),
        py(2, "ERROR", "batch 3 failed:"),
        '(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "pk"',
        "DETAIL:  Key (id)=(5) already exists.",
        "[SQL: INSERT INTO orders (id) VALUES (%(id)s)]",
        "(Background on this error at: https://sqlalche.me/e/20/gkpj)",
        py(4, "INFO", "next"),
    ]
    assert _spans(_events(lines)) == [(2, 6)]


# --------------------------------------------------------------------------------------
# 4. "quota exceeded" is not always an HTTP API's quota
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "cx_Oracle.DatabaseError: ORA-01536: space quota exceeded for tablespace 'USERS'\n",
        "psycopg2.errors.InternalError_: memory quota exceeded for resource group etl_rg\n",
    ],
)
def test_a_database_quota_is_not_an_http_api_failure(text: str) -> None:
    """A tablespace or resource-group quota of the database is no web API's quota."""
    assert classify(make_event(text)).category != "http_api"


def test_disk_quota_exceeded_stays_a_resource_failure() -> None:
    text = "OSError: [Errno 122] Disk quota exceeded: '/data/o.csv'\n"
    assert classify(make_event(text)).category == "resource"


def test_an_api_quota_is_http_api() -> None:
    text = (
        "google.api_core.exceptions.Forbidden: 403 Quota exceeded for quota metric 'Queries'"
        " and limit 'Queries per minute' of service 'bigquery.googleapis.com'\n"
    )
    assert classify(make_event(text)).category == "http_api"


# --------------------------------------------------------------------------------------
# 5. A missing Delta data file is not a missing transaction log
# --------------------------------------------------------------------------------------


def test_a_missing_delta_data_file_is_not_a_lost_transaction_log() -> None:
    """The log is intact; a parquet file it references was deleted by hand (or vacuumed).
    "restore the _delta_log, or drop and recreate the table" is the wrong, destructive advice."""
    diagnosis, text = _of_text(
        "io.delta.exceptions.DeltaFileNotFoundException: [DELTA_FILE_NOT_FOUND_DETAILED] File"
        " s3://lake/sales/part-00001-1a2b.c000.snappy.parquet referenced in the transaction log"
        " cannot be found. This occurs when data has been manually deleted from the file system"
        " rather than using the table DELETE statement.\n"
    )
    assert "_delta_log" not in text.split("Cause:", 1)[1], (diagnosis, text)


def test_a_pod_killed_for_memory_is_not_a_plain_pod_failure() -> None:
    diagnosis, _ = _of_text(
        "airflow.exceptions.AirflowException: Pod returned a failure.\nremote_pod: {'status':"
        " {'container_statuses': [{'state': {'terminated': {'exit_code': 137, 'reason':"
        " 'OOMKilled'}}}], 'phase': 'Failed'}}\n"
    )
    assert diagnosis == "process_killed_oom"


def test_hikari_pool_wait_keeps_its_entry() -> None:
    _, text = _of_text(
        "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available,"
        " request timed out after 30001ms.\n"
    )
    assert "30001ms" in text


# --------------------------------------------------------------------------------------
# 6. "||" in a user's diagnosis
# --------------------------------------------------------------------------------------

MINIMAL = """\
sources:
  - include: logs/*.log
notifiers:
  - type: file
    path: out/events.jsonl
"""


def _user_entry(tmp_path: Path, cause: str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(
        MINIMAL
        + "diagnoses:\n"
        + "  - id: pg_concat_null\n"
        + "    category: schema\n"
        + "    match:\n"
        + "      message: 'null value in column \"(?P<column>\\w+)\"'\n"
        + f'    cause: "{cause}"\n'
        + '    next_step: "coalesce the parts"\n',
        encoding="utf-8",
    )
    try:
        settings = load_config(path, env={})
    except ConfigError as error:
        return "ERROR " + str(error)
    event = make_event(
        'psycopg2.errors.NotNullViolation: null value in column "full_name" violates not-null'
        " constraint\n"
    )
    _, text = _summary(event, load_catalogue(settings.diagnoses))
    return text


def test_a_literal_double_bar_in_a_users_cause_is_kept_or_reported(tmp_path: Path) -> None:
    """A PostgreSQL user writes about the ``||`` operator: the cause must not silently lose
    everything after it ("column full_name is built with"); either it is kept or ``logsumd
    check`` says how to write it."""
    text = _user_entry(tmp_path, "column {column} is built with || and one part is NULL")
    assert text.startswith("ERROR ") or "one part is NULL" in text, text


def test_an_empty_alternative_in_a_users_cause_is_reported_with_its_line(tmp_path: Path) -> None:
    text = _user_entry(tmp_path, "{column} is NULL {or}")
    assert text.startswith("ERROR ")
    assert "config.yaml:11: diagnoses[0].cause" in text


def test_an_unknown_slot_in_a_first_alternative_is_reported(tmp_path: Path) -> None:
    text = _user_entry(tmp_path, "{colum} is NULL {or} a column is NULL")
    assert "config.yaml:11:" in text
    assert "unknown slot {colum}" in text


def test_a_users_alternatives_fall_back(tmp_path: Path) -> None:
    text = _user_entry(tmp_path, "{column} is NULL {or} a column is NULL")
    assert "full_name is NULL" in text
