"""Red team attack17: the commits 7f87641..7052848 under logsumd/ (one category per alert,
headline cleanup, cut JSON records, redaction echoes, a failed command's output, the new
catalogue entries).  Log lines are written here in the shapes the tools print.  Each test
failed on 7052848 (xfail strict) and passes once the finding is fixed; FINDINGS.md lists
them."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

from logsumd.config import GroupingSettings
from logsumd.parse import parse, parse_record
from logsumd.records import Classification, Event, Summary
from logsumd.summarize._headline import clean_message
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import catalogue_summary, examine
from logsumd.understand import Redactor, understand
from tests.events import make_event
from tests.test_corpus_shapes import _events, _spans
from tests.test_decide_stage import Clock, _item, _stage

CATALOGUE = load_catalogue()


def _diagnosis(text: str) -> tuple[str, str, str, str]:
    """The classifier's category, the best entry's id, the alert's category and the
    summary of ``text`` after redaction (ids "" when no entry matches)."""
    clean, cls, _ = understand(make_event(text), Redactor())
    findings = examine(clean, cls, CATALOGUE)
    if not findings.candidates:
        return cls.category, "", "", ""
    summary = catalogue_summary(findings, findings.candidates[0], "rules")
    return cls.category, findings.candidates[0].id, summary.category, summary.text


_USER_CALL = (
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/load.py", line 12, in run\n'
    '    cur.execute("DELETE FROM customers WHERE id = 5")\n'
)


# -- 4. redaction echoes ------------------------------------------------------------------


def test_a_password_equal_to_a_common_word_keeps_the_root_exception() -> None:
    """Airflow's docker-compose default ``airflow:airflow`` in a connection URI masks the
    password, not every ``airflow`` of the event: the root stays
    ``airflow.exceptions.AirflowNotFoundException`` and the frame paths stay readable."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/etl.py", line 10, in load\n'
        '    engine = create_engine("postgresql+psycopg2://airflow:airflow@postgres/airflow")\n'
        '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/models/'
        'connection.py", line 5, in get_connection_from_secrets\n'
        '    raise AirflowNotFoundException("The conn_id `warehouse` isn\'t defined")\n'
        "airflow.exceptions.AirflowNotFoundException: The conn_id `warehouse` isn't defined"
    )
    clean, cls, _ = understand(make_event(text), Redactor())
    assert "airflow:airflow" not in clean.text
    assert cls.exception_type == "airflow.exceptions.AirflowNotFoundException"
    assert cls.app_frame is not None
    assert cls.app_frame.file == "/opt/airflow/dags/etl.py"


def test_a_secrets_echo_in_another_spelling_is_masked() -> None:
    """A password found in one spelling is masked where the event repeats it in another:
    percent-decoded (a URI's ``p%40ss%21word`` echoed as ``p@ss!word``) or JSON-unescaped
    (``"pa\\"ss22word"`` echoed as ``pa"ss22word``)."""
    redactor = Redactor()
    uri = 'engine = create_engine("postgresql://etl:p%40ss%21word@db:5432/dw")\n'
    assert "p@ss!word" not in redactor.redact(uri + "bash: line 1: p@ss!word: command not found")
    cfg = '{"user": "etl", "password": "pa\\"ss22word"}\n'
    assert 'pa"ss22word' not in redactor.redact(
        cfg + 'bash: line 1: pa"ss22word: command not found'
    )


# -- 1. one category per alert: the digest ------------------------------------------------


async def _permission(event: Event, cls: Classification) -> Summary:
    """A summary whose (specific) catalogue entry says the alert is a permission problem."""
    return Summary(f"{cls.exception_type}: denied", "fake", "fs_permission", "", "permission")


def test_a_digest_lists_the_category_its_alert_reported(tmp_path: Path) -> None:
    """A fingerprint alerted as ``permission`` (its diagnosis's category) and later folded
    into a digest is listed there as ``permission`` too, not as the classifier's category."""
    clock = Clock()
    settings = GroupingSettings(
        group_wait_secs=0.0, group_interval_secs=1.0, max_notifications_per_minute=2
    )
    outbox, stage = _stage(tmp_path, clock, settings, _permission)
    first = _item("ValueError", 1)
    stage.add([first])
    asyncio.run(stage.step())
    [alert] = outbox.pending_for("file")
    assert alert.category == "permission" != first.classification.category
    clock.now += 5.0
    stage.add([_item("ValueError", 1), _item("KeyError", 2), _item("OSError", 3)])
    asyncio.run(stage.step())
    digests = [n for n in outbox.pending_for("file") if n.kind == "digest"]
    assert digests, "the burst over the cap is folded into a digest"
    items = {d.fingerprint: d.category for d in digests[0].digest}
    assert items[first.fingerprint] == "permission"


# -- 3. JSON records cut at the line limit ------------------------------------------------


_INFO = json.dumps({"event": "loading_started", "level": "info", "timestamp": "2031"})


def test_a_cut_error_record_with_a_long_event_is_still_an_error() -> None:
    """structlog writes ``event`` first: an ERROR record whose event text is ~700 characters
    and whose traceback pushes the line past max_line_bytes (cut, no closing brace) is
    still an error event (its level field comes after the first 500 characters)."""
    record = {
        "event": "load of orders failed: " + "row 17 rejected; " * 40,
        "level": "error",
        "timestamp": "2031-01-01T00:00:00Z",
        "exception": 'Traceback (most recent call last):\n  File "/srv/etl/load.py", line 3, '
        "in run\nValueError: bad\n" * 2000,
    }
    cut = json.dumps(record)[:65536]
    assert parse_record(cut).level == "ERROR"
    assert _spans(_events([_INFO, cut, _INFO])) == [(2, 2)]


def test_a_cut_info_record_is_no_error_by_a_nested_field() -> None:
    """A cut INFO record whose payload (before its own ``level``) holds
    ``"severity": "ERROR"`` of an earlier run is no error event."""
    record = {
        "ts": "2031-01-01T00:00:00Z",
        "previous_run": {"severity": "ERROR", "id": 7},
        "level": "info",
        "msg": "retrying with rows " + "x" * 70000,
    }
    cut = json.dumps(record)[:65536]
    assert parse_record(cut).level != "ERROR"
    assert _spans(_events([_INFO, cut, _INFO])) == []


# -- 6. the new catalogue entries ---------------------------------------------------------


def test_deleting_a_referenced_parent_row_is_no_missing_parent() -> None:
    """PostgreSQL's 'update or delete on table ... violates foreign key constraint' and
    MySQL 1451 'Cannot delete or update a parent row' are a parent still referenced by
    child rows (a truncate-and-reload of a dimension), not a child whose parent is missing."""
    pg = (
        _USER_CALL + 'psycopg2.errors.ForeignKeyViolation: update or delete on table "customers"'
        ' violates foreign key constraint "orders_customer_id_fkey" on table "orders"\n'
        'DETAIL:  Key (id)=(5) is still referenced from table "orders".'
    )
    mysql = (
        _USER_CALL + "pymysql.err.IntegrityError: (1451, 'Cannot delete or update a parent row: "
        "a foreign key constraint fails (`shop`.`orders`, CONSTRAINT `orders_ibfk_1` FOREIGN "
        "KEY (`customer_id`) REFERENCES `customers` (`id`))')"
    )
    for text in (pg, mysql):
        summary = _diagnosis(text)[3]
        assert "parent row that does not exist" not in summary
        assert "load the parent table first" not in summary


def test_pandas_too_many_columns_specified_is_no_table_limit() -> None:
    """pandas' 'Too many columns specified: expected 6 and found 5' (read_csv with names=)
    is a file whose columns differ from the names given, not a database table over its
    column limit; the alert keeps its data_format category."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/load.py", line 12, in run\n'
        '    df = pd.read_csv(path, names=COLS, engine="python")\n'
        '  File "/usr/lib/python3/site-packages/pandas/io/parsers/python_parser.py", '
        "line 400, in _infer_columns\n"
        "    raise ValueError(\n"
        "ValueError: Too many columns specified: expected 6 and found 5"
    )
    cls_category, entry, category, _ = _diagnosis(text)
    assert entry != "table_column_limit_exceeded"
    assert (category or cls_category) == "data_format"


# -- 2. headline cleanup ------------------------------------------------------------------


def test_advice_words_before_the_cause_do_not_cut_it_from_the_headline() -> None:
    """A wrapper's own message 'Load failed. Please check the input file: <error>' keeps the
    error it quotes after the advice words (the informative part of the line)."""
    message = (
        "Load of orders failed. Please check the input file: [Errno 2] No such file or "
        "directory: '/data/in/orders.csv'"
    )
    assert "No such file or directory" in clean_message(message)
    assert clean_message("Please ensure free space: No space left on device") != ""


def test_pythons_did_you_mean_leaves_the_headline() -> None:
    """Python 3.10+'s ``Did you mean: 'pd'?`` (a colon, a quoted name) leaves the headline
    as the other 'Did you mean' tails do."""
    assert "Did you mean" not in clean_message("name 'pdd' is not defined. Did you mean: 'pd'?")
    assert "Did you mean" not in clean_message("Table 'ordrs' not found. Did you mean 'orders'?")


def test_a_proxy_asking_for_credentials_is_told_as_such() -> None:
    """'Tunnel connection failed: 407 Proxy Authentication Required' is a proxy that wants
    credentials: the summary says so, rather than only 'cannot be reached or refuses'."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/extract.py", line 12, in run\n'
        "    resp = requests.get(URL, timeout=30)\n"
        "requests.exceptions.ProxyError: HTTPSConnectionPool(host='api.example.com', port=443):"
        " Max retries exceeded with url: /v1/orders (Caused by ProxyError('Unable to connect "
        "to proxy', OSError('Tunnel connection failed: 407 Proxy Authentication Required')))"
    )
    summary = _diagnosis(text)[3]
    cause_and_step = summary.split("\n", 1)[1]
    assert re.search(r"(?i)credential|authenticat|password|user", cause_and_step)


# -- the parser: a message of unclosed reprs ------------------------------------------------


def _fastest_parse(line: str) -> float:
    """The fastest of three parses of ``line``, in seconds."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse(line)
        best = min(best, time.perf_counter() - started)
    return best


def test_a_message_of_many_unclosed_reprs_parses_in_linear_time() -> None:
    """A record cut inside a chain of reprs (``ConnectionError('retry', ConnectionError(...``,
    no closing parentheses) parses in time linear in its length: ``_closing`` scans to the
    end once per repr, quadratic (a 64 KiB line takes seconds)."""
    unit = "ConnectionError('retry', "
    head = "2031-01-01 00:00:00,000 ERROR etl - upload failed: "
    short, long = _fastest_parse(head + unit * 200), _fastest_parse(head + unit * 800)
    assert long < 8 * max(short, 1e-3)
