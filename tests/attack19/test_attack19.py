"""Red team attack19: the commits 72fc38b..d8f541c (the {statement} and {conn_id} slots, a
SIGTERM's reason from its own attempt, about 60 catalogue entries, a progress bar that ends
an exception message).  Log lines are written here in the shapes the tools print.  Each
test failed on d8f541c (xfail strict, seen failing with --runxfail) and passes once the
finding is fixed; FINDINGS.md lists them."""

from __future__ import annotations

import pytest

from tests.attack18.test_attack18 import _best, _diagnose, _py_task
from tests.test_multiline_rules import run

SITE = "/home/airflow/.local/lib/python3.11/site-packages"
"""attack18's helpers (``_best``, ``_diagnose``, ``_py_task``) serve here too."""


def _script(*frames_and_exception: str) -> str:
    """A plain Python script's traceback (no Airflow)."""
    return "Traceback (most recent call last):\n" + "\n".join(frames_and_exception) + "\n"


# -- 1. {conn_id}: the connection of another failure -------------------------------------

_TWO_TASKS = "\n".join(
    [
        "[2031-05-06T02:10:00.100+0000] {taskinstance.py:1308} INFO - Starting attempt 1 of 1",
        "[2031-05-06T02:10:00.200+0000] {taskinstance.py:1327} INFO - Executing"
        " <Task(PythonOperator): load_crm> on 2031-05-06 00:00:00+00:00",
        "[2031-05-06T02:10:01.100+0000] {base.py:83} INFO - Using connection ID 'mysql_crm' for"
        " task execution.",
        "[2031-05-06T02:10:02.100+0000] {taskinstance.py:2905} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/crm.py", line 20, in load',
        "    cur.execute(sql)",
        "MySQLdb.OperationalError: (2005, \"Unknown MySQL server host 'crm-db' (-2)\")",
        "[2031-05-06T02:10:02.300+0000] {taskinstance.py:1400} INFO - Marking task as FAILED."
        " dag_id=crm, task_id=load_crm",
        "[2031-05-06T02:14:00.100+0000] {taskinstance.py:1308} INFO - Starting attempt 1 of 1",
        "[2031-05-06T02:14:00.200+0000] {taskinstance.py:1327} INFO - Executing"
        " <Task(PythonOperator): load_pg> on 2031-05-06 00:00:00+00:00",
        "[2031-05-06T02:14:02.100+0000] {taskinstance.py:2905} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/pg.py", line 14, in load',
        "    conn = psycopg2.connect(dsn)",
        f'  File "{SITE}/psycopg2/__init__.py", line 122, in connect',
        "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
        'psycopg2.OperationalError: connection to server at "pg-prod" (10.0.0.7), port 5432'
        ' failed: FATAL:  password authentication failed for user "loader"',
    ]
)


def test_conn_id_is_not_taken_from_another_tasks_failure() -> None:
    """The load_pg task opened its connection without a hook; the 'Using connection ID' record
    before it belongs to load_crm, which failed earlier.  The password alert must not send
    the user to fix connection mysql_crm."""
    events = run(_TWO_TASKS)
    _, summary = _best(events[-1])
    assert "mysql_crm" not in summary, summary


# -- 2. a secondary UnboundLocalError hides the failure it was handling ------------------

_UNBOUND_IN_CLEANUP = _py_task(
    '  File "/opt/airflow/dags/load.py", line 20, in load',
    '    conn = psycopg2.connect(host=HOST, dbname="dwh", user=USER, password=PW)',
    f'  File "{SITE}/psycopg2/__init__.py", line 122, in connect',
    "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
    'psycopg2.OperationalError: connection to server at "dwh-db.internal" (10.0.0.5), port 5432'
    " failed: Connection timed out",
    "\tIs the server running on that host and accepting TCP/IP connections?",
    "",
    "During handling of the above exception, another exception occurred:",
    "",
    "Traceback (most recent call last):",
    f'  File "{SITE}/airflow/operators/python.py", line 217, in execute_callable',
    "    return self.python_callable(*self.op_args, **self.op_kwargs)",
    '  File "/opt/airflow/dags/load.py", line 31, in load',
    "    cursor.close()",
    "UnboundLocalError: cannot access local variable 'cursor' where it is not associated with a"
    " value",
)


def test_an_unbound_variable_in_cleanup_does_not_hide_the_connection_failure() -> None:
    """The connect timed out and the `finally` then read a cursor never set: 72fc38b said the
    connection timed out; the alert must not be only about the unbound 'cursor'."""
    entry, summary = _diagnose(_UNBOUND_IN_CLEANUP)
    assert entry != "user_code_type_error", summary
    assert "timed out" in summary.split("\n", 1)[1], summary


# -- 3. Selenium: a page load that timed out is no element wait --------------------------


def test_a_selenium_page_load_timeout_is_not_called_a_wait_for_an_element() -> None:
    """driver.get() timed out waiting for the renderer: no WebDriverWait and no element."""
    text = _py_task(
        '  File "/opt/airflow/dags/scrape.py", line 22, in scrape',
        "    driver.get(url)",
        f'  File "{SITE}/selenium/webdriver/remote/webdriver.py", line 356, in get',
        '    self.execute(Command.GET, {"url": url})',
        f'  File "{SITE}/selenium/webdriver/remote/errorhandler.py", line 229, in check_response',
        "    raise exception_class(message, screen, stacktrace)",
        "selenium.common.exceptions.TimeoutException: Message: timeout: Timed out receiving"
        " message from renderer: 298.805",
    )
    _, summary = _diagnose(text)
    assert "element" not in summary, summary


# -- 4. SSL SYSCALL EOF while connecting is not "mid-statement" --------------------------


def test_ssl_syscall_eof_while_connecting_is_not_called_mid_statement() -> None:
    """libpq reports the EOF during the TLS handshake of a new connection (the dev corpus's
    airflow-82 fails in psycopg2.connect): no statement was running."""
    text = _py_task(
        '  File "/opt/airflow/dags/load.py", line 22, in load',
        "    conn = hook.get_conn()",
        f'  File "{SITE}/psycopg2/__init__.py", line 122, in connect',
        "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
        'psycopg2.OperationalError: connection to server at "db.example.com" (10.0.0.5), port'
        " 5432 failed: SSL SYSCALL error: EOF detected",
    )
    _, summary = _diagnose(text)
    assert "mid-statement" not in summary, summary


# -- 5. {statement}: the caller's line quoted as the one that raised ----------------------


def test_statement_is_not_the_callers_line_when_the_raising_frame_shows_no_source() -> None:
    """calc.py:30 raised (the traceback prints no source for it, as for a file the machine
    that ran it does not have); `total = compute(rows)` in run.py did not apply +."""
    text = _py_task(
        '  File "/opt/airflow/dags/etl/run.py", line 12, in main',
        "    total = compute(rows)",
        '  File "/opt/airflow/dags/etl/calc.py", line 30, in compute',
        "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
    )
    _, summary = _diagnose(text)
    assert "compute(rows)" not in summary, summary


# -- 6. requests' URL with credentials: the user name is no host --------------------------


def test_the_user_name_of_a_url_is_not_named_as_the_host() -> None:
    """requests keeps user:password@ in the URL its HTTPError prints; the host is
    api.example.com, not the user name etl."""
    text = _script(
        '  File "/opt/etl/pull.py", line 12, in <module>',
        "    r.raise_for_status()",
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url:"
        " https://etl:hunter22@api.example.com/v1/items",
    )
    _, summary = _diagnose(text)
    assert "etl rejected" not in summary, summary
    assert "sends to etl" not in summary, summary


# -- 7. a project's own ConfigNotFoundError is no Great Expectations project ------------


def test_a_projects_own_config_not_found_error_is_not_called_great_expectations() -> None:
    """ConfigNotFoundError is a common name for a project's own exception; this one names
    the YAML file it looked for, and nothing in the event is Great Expectations."""
    text = _script(
        '  File "/opt/etl/main.py", line 12, in <module>',
        "    settings = load_settings(args.env)",
        '  File "/opt/etl/settings.py", line 40, in load_settings',
        "    raise ConfigNotFoundError(f'Configuration file not found at {path}')",
        "etl.settings.ConfigNotFoundError: Configuration file not found at"
        " /etc/etl/prod/settings.yaml",
    )
    _, summary = _diagnose(text)
    assert "Great Expectations" not in summary, summary


# -- 8. a download's progress bar still ends up in the headline ---------------------------

_L = "[2031-05-06T02:14:07.{ms}+0000] {{subprocess.py:93}} INFO - {m}"
_BASH_FAILED = "\n".join(
    [
        "[2031-05-06T02:14:07.836+0000] {taskinstance.py:1943} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        f'  File "{SITE}/airflow/operators/bash.py", line 210, in execute',
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a"
        " non-zero exit code 1.",
    ]
)


@pytest.mark.parametrize(
    "bar",
    [
        "weights.bin: 100%|##########| 2.31M/2.31M [00:00<00:00, 9.87MB/s]",
        "Downloading:  45%|████▌     | 45.0M/100M [00:01<00:01, 30.0MB/s]",
    ],
)
def test_a_unit_scaled_progress_bar_is_not_quoted_as_the_error(bar: str) -> None:
    """tqdm with unit_scale (downloads: huggingface_hub, boto3 transfers) prints 2.31M/2.31M,
    not 3/57: the bar redrawn after the PermissionError is no part of its message."""
    lines = [
        _L.format(ms=649, m="Traceback (most recent call last):"),
        _L.format(ms=650, m='  File "/opt/etl/fetch.py", line 8, in <module>'),
        _L.format(ms=651, m="    save(path)"),
        _L.format(
            ms=672, m="PermissionError: [Errno 13] Permission denied: '/opt/models/weights.bin'"
        ),
        _L.format(ms=816, m=bar),
        "[2031-05-06T02:14:07.817+0000] {subprocess.py:97} INFO - Command exited with return"
        " code 1",
    ]
    events = run("\n".join(lines) + "\n" + _BASH_FAILED)
    entry, summary = _best(events[-1])
    assert entry == "file_permission_denied"
    assert "MB/s" not in summary, summary


# -- 9. an Airflow template's Jinja error is sent to "the line dbt shows" -----------------


def test_an_airflow_templates_jinja_error_is_not_sent_to_dbt() -> None:
    """Airflow renders templated fields with Jinja too; nothing in this event is dbt."""
    text = _py_task(
        f'  File "{SITE}/airflow/models/abstractoperator.py", line 700, in render_template',
        "    template = jinja_env.from_string(value)",
        f'  File "{SITE}/jinja2/environment.py", line 936, in handle_exception',
        "    raise rewrite_traceback_stack(source=source)",
        '  File "<template>", line 1, in template',
        "jinja2.exceptions.TemplateSyntaxError: expected token 'end of print statement', got 'ds'",
    )
    _, summary = _diagnose(text)
    assert "dbt" not in summary, summary


# -- 10. naive vs aware datetimes blamed on Airflow in a plain script ---------------------


def test_naive_and_aware_datetimes_outside_airflow_do_not_blame_airflow() -> None:
    """boto3's LastModified is timezone-aware; this script is no Airflow task."""
    text = _script(
        '  File "/opt/etl/cleanup.py", line 14, in <module>',
        "    if obj['LastModified'] < cutoff:",
        "TypeError: can't compare offset-naive and offset-aware datetimes",
    )
    _, summary = _diagnose(text)
    assert "Airflow" not in summary, summary


# -- 11. pandas 1.x: "present at position N" taken as part of the date --------------------


def test_pandas_position_suffix_is_not_part_of_the_date_value() -> None:
    """pandas 1.x appends " present at position 3" to dateutil's message: the value that
    did not parse is 31/13/2024."""
    text = _script(
        '  File "/opt/etl/load.py", line 12, in <module>',
        '    df["d"] = pd.to_datetime(df["d"])',
        "dateutil.parser._parser.ParserError: Unknown string format: 31/13/2024 present at"
        " position 3",
    )
    _, summary = _diagnose(text)
    assert "present at position" not in summary.split("\n", 1)[1], summary


# -- 12. localhost's port read from a time in the URL -------------------------------------


def test_the_port_of_localhost_is_not_read_from_a_time_in_the_url() -> None:
    """requests says port=8080; ':14' is the minute of the URL's since= parameter."""
    text = _py_task(
        '  File "/opt/airflow/dags/api.py", line 22, in pull',
        '    r = requests.get(f"http://localhost:8080/v1/events?since={ts}")',
        f'  File "{SITE}/requests/adapters.py", line 519, in send',
        "    raise ConnectionError(e, request=request)",
        "requests.exceptions.ConnectionError: HTTPConnectionPool(host='localhost', port=8080):"
        " Max retries exceeded with url: /v1/events?since=2031-05-06T02:14:07 (Caused by"
        " NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f2c>: Failed to"
        " establish a new connection: [Errno 111] Connection refused'))",
    )
    context = (
        "[2031-05-06T02:14:01.100+0000] {base.py:83} INFO - Using connection ID 'api_events'"
        " for task execution.",
    )
    _, summary = _diagnose(text, context)
    assert "localhost:14" not in summary, summary
