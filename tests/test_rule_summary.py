"""The rule-based summary: short, anchored in the event, one check per category."""

from __future__ import annotations

import re

import pytest

from logsumd.config import CATEGORIES
from logsumd.records import Classification
from logsumd.summarize.rule_summary import ADVICE, MAX_CHARS, rule_summary, trim
from logsumd.understand import classify
from tests.events import make_event

FILE_MISSING = (
    "[2024-06-03T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/python.py", '
    "line 235, in execute\n"
    "    return_value = self.execute_callable()\n"
    '  File "/opt/etl/extract.py", line 42, in load_sales\n'
    "    df = pd.read_csv(path)\n"
    '  File "/home/airflow/.local/lib/python3.11/site-packages/pandas/io/common.py", line 873, '
    "in get_handle\n"
    "    handle = open(\n"
    "FileNotFoundError: [Errno 2] No such file or directory: '/data/sales/2024-06-02.csv'\n"
)

SPARK_FAILURE = (
    "2024-06-03T02:14:07,311 [Thread-9] ERROR org.apache.spark.sql.execution.datasources."
    "FileFormatWriter [] - Aborting job 1b7e4c2a-9f0d-4e55-8a31-0c2f6d1e9b77.\n"
    "org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 2.0 "
    "failed 4 times\n"
    "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2790)\n"
    "Caused by: java.lang.OutOfMemoryError: GC overhead limit exceeded\n"
    "\tat java.util.Arrays.copyOf(Arrays.java:3236)\n"
)


def _identifiers(summary: str) -> list[str]:
    """Backticked names and quoted values in a summary."""
    return re.findall(r"`([^`]+)`", summary) + re.findall(r"'([^']+)'", summary)


def test_summary_names_frame_type_message_and_check() -> None:
    """The summary says where (file, line, function), what, and one check."""
    event = make_event(FILE_MISSING)
    cls = classify(event)
    summary = rule_summary(event, cls)
    assert summary.startswith("`extract.py` line 42 in `load_sales` failed: FileNotFoundError")
    assert "'/data/sales/2024-06-02.csv'" in summary
    assert summary.endswith(ADVICE["file_io"])
    assert len(summary) <= MAX_CHARS


def test_summary_without_app_frame_uses_header_and_root_cause() -> None:
    """Without an application frame the introducing record and the root cause are named."""
    event = make_event(SPARK_FAILURE)
    summary = rule_summary(event, classify(event))
    assert summary.startswith("Aborting job 1b7e4c2a-9f0d-4e55-8a31-0c2f6d1e9b77")
    assert "java.lang.OutOfMemoryError" in summary
    assert "GC overhead limit exceeded" in summary
    assert "org.apache.spark.SparkException" in summary


def test_summary_identifiers_all_occur_in_event() -> None:
    """Every backticked or quoted identifier of the summary is copied from the event."""
    for text in (FILE_MISSING, SPARK_FAILURE):
        event = make_event(text)
        summary = rule_summary(event, classify(event))
        for ident in _identifiers(summary):
            assert ident.rstrip("…") in text, ident


def test_long_message_is_trimmed_but_keeps_the_category_clause() -> None:
    """A long message is cut to fit, keeping the clause that explains the category."""
    noise = " ".join(f"segment{n}" for n in range(60))
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/load.py", line 9, in load\n'
        "    client.insert(rows)\n"
        f"vendor.errors.DatabaseError: HTTPDriver for http://olap:8123 got {noise}. "
        "DB::Exception: Authentication failed: password is incorrect\n"
    )
    event = make_event(text)
    cls = classify(event)
    summary = rule_summary(event, cls)
    assert cls.category == "auth"
    assert len(summary) <= MAX_CHARS
    assert "Authentication failed" in summary
    assert "…" in summary


def test_outer_message_added_when_it_names_more() -> None:
    """A terse root message is followed by the outer exception's more specific one."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.11/ssl.py", line 1104, in read\n'
        "    return self._sslobj.read(len, buffer)\n"
        "TimeoutError: The read operation timed out\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/fetch.py", line 20, in fetch\n'
        "    r = requests.get(url, timeout=15)\n"
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.vendor.io', port=443): "
        "Read timed out. (read timeout=15)\n"
    )
    event = make_event(text)
    summary = rule_summary(event, classify(event))
    assert "TimeoutError" in summary
    assert "host='api.vendor.io'" in summary
    assert len(summary) <= MAX_CHARS


def test_other_category_mentions_the_cause_line() -> None:
    """For ``other`` failures the most relevant cause line is quoted."""
    text = (
        "[2024-06-03, 02:14:05 UTC] {taskinstance.py:1800} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 190, '
        "in execute\n"
        "    for line in proc.stdout:\n"
        "airflow.exceptions.AirflowException: Task received SIGTERM signal\n"
    )
    context = ("[2024-06-03, 02:14:05 UTC] {taskinstance.py:1500} ERROR - Received SIGTERM.",)
    event = make_event(text, context)
    summary = rule_summary(event, classify(event))
    assert "Task received SIGTERM signal" in summary
    assert "Received SIGTERM" in summary
    assert "timeout, a manual kill" in summary


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_short_generic_advice(category: str) -> None:
    """Each category has one short check sentence without digits or paths."""
    advice = ADVICE[category]
    assert advice.endswith(".")
    assert len(advice) <= 90
    assert not re.search(r"\d|/", advice)


def test_summary_of_minimal_classification_is_safe() -> None:
    """A classification with nothing parsed still yields one short sentence."""
    cls = Classification("other", "ERROR", "ERROR", "", (), None, (), (), "")
    summary = rule_summary(make_event(""), cls)
    assert summary.startswith("Failed: ERROR.")
    assert len(summary) <= MAX_CHARS


def test_trim_cuts_at_word_boundary() -> None:
    """``trim`` cuts at a space and marks the cut with an ellipsis."""
    assert trim("alpha beta gamma delta", 13) == "alpha beta…"
    assert trim("short", 10) == "short"


def test_error_record_without_exception_names_its_logger() -> None:
    """A plain ERROR record is summarized as what its logger reported."""
    event = make_event("2024-06-03 02:14:07,001 ERROR etl.extract: could not connect to sftp:22")
    summary = rule_summary(event, classify(event))
    assert summary.startswith("`etl.extract` reported: could not connect to sftp:22.")
    assert summary.endswith(ADVICE["connection"])


@pytest.mark.parametrize("level", ["INFO", "DEBUG", "WARNING"])
def test_record_with_a_level_but_no_logger_is_not_named_as_a_component(level: str) -> None:
    """A record that names only its level is "Error logged", never "`INFO` reported"."""
    event = make_event(
        f"[2031-05-06T07:08:09.101+0000] {{logging_mixin.py:188}} {level} - Message: timeout "
        "waiting for a browser session\n"
    )
    summary = rule_summary(event, classify(event))
    assert summary.startswith("Error logged: Message: timeout waiting for a browser session.")
