"""A Bash task's failure is diagnosed by what its command printed (Airflow relays each
output line at INFO), and a signal its user may not send is told apart from a file's
permission (lines written here in Airflow's shapes)."""

from __future__ import annotations

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.test_corpus_shapes import _events


def _out(ms: int, line: str) -> str:
    return f"[2031-05-06T02:14:07.{ms:03d}+0000] {{subprocess.py:106}} INFO - {line}"


BASH_FAILURE = [
    "[2031-05-06T02:14:06.900+0000] {subprocess.py:86} INFO - Running command: ['bash', '-c',"
    " 'curl -fsS https://feeds.example.test/v1/items -o /tmp/items.json']",
    _out(100, "curl: (60) SSL certificate problem: unable to get local issuer certificate"),
    _out(101, "More details here: https://curl.se/docs/sslcerts.html"),
    "[2031-05-06T02:14:07.102+0000] {subprocess.py:110} INFO - Command exited with return code 60",
    "[2031-05-06T02:14:07.110+0000] {taskinstance.py:2905} ERROR - Task failed with exception",
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 243,'
    " in execute",
    "    raise AirflowException(",
    "airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero"
    " exit code 60.",
]

KILLPG = [
    "[2031-05-06T02:14:07.311+0000] {scheduler_job.py:880} ERROR - Exception when executing"
    " SchedulerJob._run_scheduler_loop",
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.11/site-packages/airflow/utils/process_utils.py", line 84,'
    " in signal_procs",
    "    os.killpg(pgid, sig)",
    "PermissionError: [Errno 1] Operation not permitted",
]


def _diagnosis(lines: list[str]) -> tuple[str, str]:
    event = _events(lines)[-1]
    found = distinct(examine(event, classify(event), load_catalogue()).candidates)
    return (found[0].id, found[0].cause) if found else ("", "")


def test_curl_s_own_error_line_diagnoses_the_bash_failure() -> None:
    """``curl: (60) SSL certificate problem`` before ``Bash command failed``: an untrusted
    certificate, not only a command that exited with an error."""
    ident, cause = _diagnosis(BASH_FAILURE)
    assert ident == "tls_cert_untrusted"
    assert "unable to get local issuer certificate" in cause


def test_a_signal_the_user_may_not_send_is_no_file_permission() -> None:
    """``os.killpg`` raising ``[Errno 1] Operation not permitted``: a process of another
    user, not a file's owner or mode."""
    assert _diagnosis(KILLPG)[0] == "process_signal_not_permitted"
