"""Red team attack22: commits 735abc6 (Airbyte's ``Stack Trace:`` label), ed46954 (curl's
own line as a Bash task's cause, a sentence break after a quote kept, new entries) and
e219c68 (12 entries in the warehouses' words).  Log lines are made up here in the shapes the
tools print.  FINDINGS.md lists each finding with what happened and what should."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize._headline import compose, headline
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.summarize.output_check import check_summary
from logsumd.summarize.subject import Subject
from logsumd.understand import classify
from tests.test_corpus_shapes import _events

ROOT = Path(__file__).resolve().parents[2]


def _diagnosis(lines: list[str]) -> tuple[str, str, str]:
    """``(id, cause, next step)`` of the best catalogue entry for the last event of ``lines``."""
    event = _events(lines)[-1]
    found = distinct(examine(event, classify(event), load_catalogue()).candidates)
    return (found[0].id, found[0].cause, found[0].next_step) if found else ("", "", "")


def _out(ms: int, line: str) -> str:
    """A line of the Bash command's output, relayed by Airflow at INFO."""
    return f"[2031-05-06T02:14:07.{ms:03d}+0000] {{subprocess.py:106}} INFO - {line}"


def _bash(command: str, output: list[str], code: int) -> list[str]:
    """An Airflow BashOperator run of ``command`` printing ``output`` and exiting ``code``."""
    return [
        "[2031-05-06T02:14:06.900+0000] {subprocess.py:86} INFO - Running command:"
        f" ['bash', '-c', '{command}']",
        *output,
        "[2031-05-06T02:14:07.902+0000] {subprocess.py:110} INFO - Command exited with return"
        f" code {code}",
        "[2031-05-06T02:14:07.910+0000] {taskinstance.py:2905} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 243,'
        " in execute",
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a"
        f" non-zero exit code {code}.",
    ]


def _py(exc_line: str) -> list[str]:
    """A Python job's ERROR record and its traceback ending in ``exc_line``."""
    return [
        "2031-05-06 02:14:07,120 - etl.load - ERROR - load failed",
        "Traceback (most recent call last):",
        '  File "/srv/etl/load.py", line 57, in main',
        "    run()",
        exc_line,
    ]


_SUBJECT = Subject("load_orders", "load.py", 40, "", "", "RuntimeError", "")
_CAUSE = "the warehouse quota ran out"
_NEXT = "raise the quota"


def _summary_problems(message: str) -> list[str]:
    """check_summary's problems for a summary of ``message`` (as the llama backend writes it)."""
    text = compose(headline(_SUBJECT, message), _CAUSE, _NEXT)
    event = f"RuntimeError in load_orders load.py:40 {message} {_CAUSE} {_NEXT}"
    return check_summary(text, event)


# -- A. a sentence break right after a quote (clean_message, ed46954) ---------------------


def test_a_sentence_after_a_quote_does_not_fail_the_sentence_check() -> None:
    """A summary whose message has ``"x". Details: "y"`` passes check_summary's 2 sentences."""
    message = 'Query "orders_daily" failed with status "FAILED". Details: "quota exceeded"'
    assert not [p for p in _summary_problems(message) if "sentences" in p]


def test_a_headline_of_many_quoted_sentences_is_one_clause() -> None:
    """``Bad value "a". Bad value "b". ...`` makes a headline of one clause, not five."""
    message = 'Bad value "a". Bad value "b". Bad value "c". Bad value "d". Bad value "e".'
    assert not [p for p in _summary_problems(message) if "sentences" in p]


def test_a_cut_label_imitation_leaves_no_sentence_end() -> None:
    """``export failed. Cause: the moon`` is cut to a headline without a sentence end."""
    message = "export of orders failed. Cause: the moon is full"
    assert not [p for p in _summary_problems(message) if "sentences" in p]


# -- B. curl's own line as a Bash task's cause (_cause_lines, ed46954) --------------------


def test_a_curl_error_retried_past_is_not_the_cause() -> None:
    """curl's ``(6)`` on a first try, then a download and a failure with exit code 1: not DNS."""
    output = [
        _out(100, "curl: (6) Could not resolve host: feeds.example.test"),
        _out(200, "retrying in 5s"),
        _out(500, "downloaded 5120 bytes to /tmp/items.json"),
        _out(600, "loader: column order_id is missing in the input"),
    ]
    ident, _, _ = _diagnosis(_bash("sh /opt/jobs/sync.sh", output, 1))
    assert ident != "db_dns_failure"


def test_a_token_curl_read_as_a_host_stays_out_of_the_summary(tmp_path: Path) -> None:
    """An unquoted ``-H Authorization: Bearer $TOKEN``: the token is not in the alert."""
    token = "x9Fq2LmZp8RtV4wKc7Nd3HjYb6Ug1Se5"
    lines = _bash(
        "curl -fsS -H Authorization: Bearer $API_TOKEN https://api.example.test/v1/items",
        [
            _out(100, "curl: (6) Could not resolve host: Bearer"),
            _out(101, f"curl: (6) Could not resolve host: {token}"),
        ],
        6,
    )
    log = tmp_path / "task.log"
    log.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "logsumd", "summarize", "--json", "--backend", "catalogue", log],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    summaries = [json.loads(line)["summary"] for line in done.stdout.splitlines() if line]
    assert summaries
    assert not [s for s in summaries if token in s]


# -- C. catalogue entries that match another failure (ed46954, e219c68) -------------------


def test_curl_s_expired_certificate_is_not_fixed_by_a_ca() -> None:
    """``curl: (60) SSL certificate problem: certificate has expired``: no CA to add."""
    output = [_out(100, "curl: (60) SSL certificate problem: certificate has expired")]
    _, _, step = _diagnosis(_bash("curl -fsS https://feeds.example.test/v1/items", output, 60))
    assert "trust store" not in step


def test_a_singer_tap_s_config_error_is_no_dbt_project_file() -> None:
    """jsonschema's ``Additional properties are not allowed`` outside dbt names no dbt version."""
    exc = (
        "jsonschema.exceptions.ValidationError: Additional properties are not allowed"
        " ('start_date' was unexpected)"
    )
    _, cause, _ = _diagnosis(_py(exc))
    assert "dbt" not in cause


def test_duckdb_s_missing_csv_is_not_the_database_path() -> None:
    """DuckDB on Windows reading a missing CSV: not told to fix the profile's database path."""
    exc = (
        'duckdb.duckdb.IOException: IO Error: Cannot open file "C:\\data\\in\\orders.csv":'
        " The system cannot find the file specified."
    )
    _, _, step = _diagnosis(_py(exc))
    assert "profile" not in step


def test_a_csv_open_in_another_program_is_not_duckdb_s_writer_lock() -> None:
    """A CSV that another program holds open: the cause does not speak of DuckDB's writer."""
    exc = (
        'duckdb.duckdb.IOException: IO Error: Cannot open file "C:\\data\\in\\orders.csv":'
        " The process cannot access the file because it is being used by another process."
    )
    _, cause, _ = _diagnosis(_py(exc))
    assert "DuckDB allows one writer" not in cause
