"""Red team attack16: the commits 0595c10 (a record's repr/bare-name exception, JVM packages
with capitals, flush source lines, papermill's nested traceback), cb970b9 + 070bfc4 +
55f393a (categories, catalogue entries, a wrapper matched with its cause lines) and
7f87641.  Log lines are written here in the shapes the tools print.  Each test was a real
problem on 7f87641 (seen failing there, as xfail strict); main fixed each of them while this
ran (83dd952, ac8c893, ddaa0c9, f6adfb8, 5ed63dd), so they stay as plain guards.
FINDINGS.md lists them."""

from __future__ import annotations

import time

from logsumd.parse import parse
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import catalogue_summary, examine, rules_summary
from logsumd.understand import Redactor, understand
from tests.events import make_event

CATALOGUE = load_catalogue()

_RECORD = "2031-04-01 01:00:21,438 - etl - ERROR - "
_CHILD = "[2031-01-01T00:00:0{}.000+0000] {{subprocess.py:93}} INFO - {}"
_BASH_FAILED = (
    "[2031-01-01T00:00:09.200+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 243, '
    "in execute\n"
    "    raise AirflowException(\n"
    "airflow.exceptions.AirflowException: Bash command failed. The command returned a "
    "non-zero exit code CODE."
)


def _bash_failed(code: int) -> str:
    """Airflow 2's BashOperator failure record and traceback for exit ``code``."""
    return _BASH_FAILED.replace("CODE", str(code))


def _child(*lines: str) -> tuple[str, ...]:
    """Context lines: a BashOperator's child output, as Airflow 2 relays it."""
    return tuple(_CHILD.format(k % 10, line) for k, line in enumerate(lines))


def _diagnose(text: str, context: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """The daemon's view of ``text``: the best entry's id ("" if none), the category and the
    summary, after redaction."""
    clean, cls, _ = understand(make_event(text, context), Redactor())
    findings = examine(clean, cls, CATALOGUE)
    if not findings.candidates:
        return "", cls.category, rules_summary(findings).text
    best = findings.candidates[0]
    return best.id, cls.category, catalogue_summary(findings, best, "rules").text


def _root_type(text: str) -> str:
    root = parse(text).root
    assert root is not None
    return root.type


# -- 1. parser ----------------------------------------------------------------------------


def test_a_stated_exception_after_a_repr_is_the_records_root() -> None:
    """A record that names ``PermissionError: ...`` after a repr it retried on has the
    PermissionError as its root, not the retried one."""
    text = (
        _RECORD + "Gave up after retries on ConnectionError(); final error: PermissionError: "
        "[Errno 13] Permission denied: '/data/out/orders.parquet'"
    )
    assert _root_type(text) == "PermissionError"


def test_sibling_reprs_do_not_make_the_last_one_the_cause() -> None:
    """Only a repr nested inside another is its cause: of ``ValueError(...)`` and a later
    sibling ``ConnectionResetError(...)`` that was retried, the ValueError is the root."""
    text = (
        _RECORD + "Load failed: ValueError('bad row 7: amount=abc') (an earlier "
        "ConnectionResetError(54, 'Connection reset by peer') was retried)"
    )
    assert _root_type(text) == "ValueError"


def test_a_long_token_after_a_colon_parses_in_linear_time() -> None:
    """A 24 KiB base64-like token after ``: `` (an upload's body echoed in an ERROR record)
    parses in well under 3 s; the bare-name rule must not backtrack over it."""
    token = "Aa" + "Bc" * (12 * 1024)
    text = _RECORD + "Upload rejected, body: " + token + " (truncated)"
    start = time.perf_counter()
    parse(text)
    assert time.perf_counter() - start < 3.0


def test_a_relayed_traceback_keeps_botocores_nosuchkey() -> None:
    """A relay that prints the traceback flush (Airflow's spark_submit hook) keeps
    ``botocore.errorfactory.NoSuchKey`` as the root, as the indented traceback does."""
    prefix = "[2031-08-17T04:07:45.251+0000] {spark_submit.py:491} INFO - "
    lines = [
        "Traceback (most recent call last):",
        'File "/opt/jobs/export.py", line 20, in <module>',
        "s3.get_object(Bucket=bucket, Key=key)",
        'File "/usr/lib/python3/site-packages/botocore/client.py", line 1021, in _make_api_call',
        "raise error_class(parsed_response, operation_name)",
        "botocore.errorfactory.NoSuchKey: An error occurred (NoSuchKey) when calling the "
        "GetObject operation: The specified key does not exist.",
    ]
    pads = ("", "  ", "    ", "  ", "    ", "")
    indented = "".join(pad + line + "\n" for pad, line in zip(pads, lines, strict=True))
    assert _root_type(indented) == "botocore.errorfactory.NoSuchKey"
    assert _root_type("".join(prefix + line + "\n" for line in lines)) == (
        "botocore.errorfactory.NoSuchKey"
    )


# -- 2. a wrapper matched with its cause lines ----------------------------------------------


def test_a_retried_timeout_does_not_diagnose_a_failed_bash_command() -> None:
    """A timeout the script retried and recovered from (it connected next) is not the cause
    of its later exit 1: the catalogue does not say the connection timed out.  (Failed on
    7f87641; fixed on main by ddaa0c9: kept as a guard.)"""
    context = _child(
        "Output:",
        "2031-01-01 00:00:01 WARNING Connection to cache.internal:6379 timed out, retrying (1/3)",
        "2031-01-01 00:00:02 INFO connected to cache.internal:6379",
        "2031-01-01 00:00:05 ERROR Loaded 0 rows from orders, aborting",
        "Command exited with return code 1",
    )
    entry, _, summary = _diagnose(_bash_failed(1), context)
    assert entry != "connection_timeout", summary
    assert "connecting to cache.internal:6379 timed out" not in summary


def test_a_warning_about_another_host_does_not_diagnose_a_failed_bash_command() -> None:
    """A WARNING that a metrics push could not resolve its host (the job goes on) is not why
    the row count check failed: no 'host name does not resolve' diagnosis.  (Failed on
    7f87641; fixed on main by ddaa0c9: kept as a guard.)"""
    context = _child(
        "Output:",
        "2031-01-01 00:00:01 WARNING metrics push failed: Failed to resolve 'statsd.internal' "
        "([Errno -2] Name or service not known)",
        "2031-01-01 00:00:05 ERROR row count check failed: expected > 0",
        "Command exited with return code 1",
    )
    entry, _, summary = _diagnose(_bash_failed(1), context)
    assert entry != "db_dns_failure", summary
    assert "statsd.internal" not in summary


def test_a_secret_run_as_a_command_does_not_reach_the_summary() -> None:
    """``PGPASSWORD= <value> psql`` makes bash run the password: the redactor masks it in the
    logged command, and the summary does not show it from bash's not-found line either.
    (Failed on 7f87641; fixed on main by ac8c893: kept as a guard.)"""
    secret = "Zx9vQ2mLw7"
    context = _child(
        f"Running command: ['/usr/bin/bash', '-c', 'PGPASSWORD= {secret} psql -h db.internal']",
        "Output:",
        f"bash: line 1: {secret}: command not found",
        "Command exited with return code 127",
    )
    clean, _, _ = understand(make_event(_bash_failed(127), context), Redactor())
    assert secret not in clean.context[0]  # the redactor knows it is a secret
    _, _, summary = _diagnose(_bash_failed(127), context)
    assert secret not in summary


def test_a_cleanup_trap_after_the_failure_does_not_diagnose_it() -> None:
    """``set -e`` with ``trap 'rm ...' EXIT``: psql's unresolvable host is the failure; the
    trap's later ``rm: cannot remove ...: Permission denied`` is not its diagnosis."""
    context = _child(
        "Output:",
        'psql: error: could not translate host name "warehouse.internal" to address: Name or '
        "service not known",
        "rm: cannot remove '/tmp/etl/lock.pid': Permission denied",
        "Command exited with return code 2",
    )
    entry, _, summary = _diagnose(_bash_failed(2), context)
    assert entry != "file_permission_denied", summary
    assert "lock.pid" not in summary


# -- 3. catalogue entries and categories --------------------------------------------------


def test_a_redirect_to_a_missing_data_file_is_no_missing_program() -> None:
    """bash reports ``cmd < /data/in.csv`` with a missing file as ``bash: line 1:
    /data/in.csv: No such file or directory``: a missing input file, not a program to
    install (nor a dependency problem)."""
    entry, category, summary = _diagnose(
        "bash: line 1: /data/incoming/orders.csv: No such file or directory"
    )
    assert entry != "binary_not_found", summary
    assert category != "dependency"
    assert "install /data/incoming/orders.csv" not in summary


def test_a_script_python_may_not_read_is_not_called_missing() -> None:
    """``python3: can't open file 'x': [Errno 13] Permission denied``: the script exists, the
    worker may not read it; the summary does not say it does not exist."""
    entry, category, summary = _diagnose(
        "python3: can't open file '/opt/airflow/dags/etl/load.py': [Errno 13] Permission denied"
    )
    assert category == "permission"
    assert "does not exist" not in summary, (entry, summary)


def test_a_query_timeout_after_connecting_is_no_connect_timeout() -> None:
    """The connection was established and the COPY timed out: the cause is not that
    connecting to the server timed out."""
    _, _, summary = _diagnose(
        _RECORD + "Connection to warehouse.example.com:5439 established, COPY timed out after 3600s"
    )
    assert "connecting to warehouse.example.com:5439 timed out" not in summary


def test_a_proxy_that_does_not_resolve_is_not_blamed_on_the_target_host() -> None:
    """urllib3 1.26's ``ProxyError('Cannot connect to proxy.', ...Name or service not
    known)``: the proxy's name does not resolve (the client never resolves the target), so
    the summary does not say the target's host name does not resolve."""
    entry, _, summary = _diagnose(
        _RECORD + "Fetch failed: HTTPSConnectionPool(host='api.example.com', port=443): Max "
        "retries exceeded with url: /v1/x (Caused by ProxyError('Cannot connect to proxy.', "
        "NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f1>: Failed to "
        "establish a new connection: [Errno -2] Name or service not known')))"
    )
    assert "host name 'api.example.com' does not resolve" not in summary, entry


def test_binding_an_address_the_host_lacks_is_no_dropped_connection() -> None:
    """``sock.bind(('10.9.9.9', 8080))`` failing with Errno 99: the address is not on this
    host (a listen/bind setting), not a connection to a server that dropped."""
    entry, _, summary = _diagnose(
        "Traceback (most recent call last):\n"
        '  File "/opt/jobs/serve.py", line 5, in <module>\n'
        "    sock.bind(('10.9.9.9', 8080))\n"
        "OSError: [Errno 99] Cannot assign requested address"
    )
    assert entry != "network_unreachable", summary
    assert "connection to the server was dropped" not in summary


def test_a_missing_standard_provider_on_airflow_3_is_not_called_old_airflow() -> None:
    """A frame in ``airflow/sdk`` shows Airflow 3 runs: ``airflow.providers.standard``
    missing there is an uninstalled provider package, and ``airflow.operators`` (gone in
    Airflow 3) is no fix.  (Failed on 7f87641; main's 83dd952 fixed it: kept as a guard.)"""
    _, _, summary = _diagnose(
        "Traceback (most recent call last):\n"
        '  File "/opt/airflow/dags/etl.py", line 3, in <module>\n'
        "    from airflow.providers.standard.operators.bash import BashOperator\n"
        '  File "/home/airflow/.local/lib/python3.12/site-packages/airflow/sdk/definitions/'
        'dag.py", line 1, in <module>\n'
        "    import airflow.providers.standard\n"
        "ModuleNotFoundError: No module named 'airflow.providers.standard'"
    )
    assert "only newer Airflow releases ship" not in summary
    assert "import from airflow.operators" not in summary
