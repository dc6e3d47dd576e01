"""Red team attack20: the commits d8f541c..3ce552b (the trimmed headline's lone quote marks,
about 60 catalogue entries, an Airflow kill's reason from the lines before).  Log lines are
written here in the shapes the tools print.  Each test fails on 3ce552b (xfail strict, seen
failing with --runxfail) and passes once the finding is fixed; FINDINGS.md lists them."""

from __future__ import annotations

import re

import pytest

from logsumd.summarize._headline import headline
from logsumd.summarize.subject import Subject
from tests.attack18.test_attack18 import _diagnose, _py_task

SITE = "/home/airflow/.local/lib/python3.11/site-packages"
_CALLER = ('  File "/opt/airflow/dags/etl.py", line 42, in extract', "    rows = fetch(url)")
_LONE_SINGLE = re.compile(r"(?<![\w'])'|'(?![\w'])")


def _headline_of(summary: str) -> str:
    return summary.split("\n", 1)[0]


def _advice(summary: str) -> str:
    """The summary's Cause and Next lines ("" when it has none)."""
    return "\n".join(summary.split("\n")[1:])


# -- 1. the headline's trimmed message ----------------------------------------------------


@pytest.mark.parametrize(
    ("message", "point"),
    [
        (
            "requests.exceptions.ConnectionError: HTTPConnectionPool(host='api.internal',"
            " port=8080): Max retries exceeded with url: /v1/orders?day=2031-05-06 (Caused by"
            " NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f2b8c1d3e50>:"
            " Failed to establish a new connection: [Errno 111] Connection refused'))",
            "Connection refused",
        ),
        (
            "googleapiclient.errors.HttpError: <HttpError 429 when requesting https://sheets"
            ".googleapis.com/v4/spreadsheets/1AbC/values/Sheet1%21A1%3AZ?alt=json returned"
            " \"Quota exceeded for quota metric 'Read requests' and limit 'Read requests per"
            " minute per user' of service 'sheets.googleapis.com' for consumer"
            " 'project_number:1234'.\">",
            "Quota exceeded",
        ),
        (
            "docker.errors.DockerException: Error while fetching server API version:"
            " ('Connection aborted.', FileNotFoundError(2, 'No such file or directory'))",
            "FileNotFoundError(2, No",
        ),
    ],
)
def test_the_headline_keeps_the_words_that_say_what_went_wrong(message: str, point: str) -> None:
    """The phrase kept after the window ends in the quote's closing mark: ec16ea0 showed it
    (`… [Errno 111] Connection refused))`); it must not be cut away with the quote."""
    _, summary = _diagnose(_py_task(*_CALLER, message))
    assert point in _headline_of(summary), summary


def test_a_shortened_headline_still_quotes_some_of_the_message() -> None:
    """fit() shortens the headline to make room for the cause: at 6 words the message part
    of a refused connection became a lone "…" (ec16ea0 kept `[Errno 111] Connection refused`)."""
    message = (
        "HTTPConnectionPool(host='api.internal', port=8080): Max retries exceeded with url:"
        " /v1/orders (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object"
        " at 0x7f2b8c1d3e50>: Failed to establish a new connection: [Errno 111] Connection"
        " refused'))"
    )
    subject = Subject("extract", "etl.py", "42", "", "", "requests.exceptions.ConnectionError")
    text = headline(subject, message, "Connection refused", 6)
    part = text.split("ConnectionError:", 1)[1]
    assert part.strip(" …"), text


def test_a_headline_cut_on_both_sides_shows_no_quote_left_open() -> None:
    """Azure's `Request date header too old: 'Tue, 06 May ...'` cut before and after: the
    headline ended in `too old: 'Tue …`, a quote it never closes (ec16ea0: `too old: Tue …`)."""
    message = (
        "azure.core.exceptions.ClientAuthenticationError: Server failed to authenticate the"
        " request. Make sure the value of Authorization header is formed correctly including"
        " the signature.\nRequestId:b992a0cc-a01e-0033-58a9-35fe56000000\n"
        "Time:2031-05-06T02:14:26.7243454Z\nErrorCode:AuthenticationFailed\n"
        "authenticationerrordetail:Request date header too old: 'Tue, 06 May 2031 01:52:23 GMT'\n"
        'Content: <?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed'
        "</Code></Error>"
    )
    _, summary = _diagnose(
        _py_task('  File "/opt/airflow/dags/upload.py", line 20, in upload', "    up()", message)
    )
    head = _headline_of(summary).split("ClientAuthenticationError:", 1)[1]
    assert len(_LONE_SINGLE.findall(head)) % 2 == 0, summary


def test_the_headline_does_not_end_in_a_dangling_quote_mark() -> None:
    """dbt quotes the adapter's message over two lines (`'connection ... "dbt_user"\\n'`):
    the headline, cut before, ended in `"dbt_user" '` (the dev corpus's k2-19)."""
    message = (
        "Got an error when attempting to open a postgres connection: 'connection to server at"
        ' "postgres" (192.168.16.2), port 5432 failed: FATAL:  password authentication failed'
        ' for user "dbt_user"\n\''
    )
    text = headline(Subject("", "", "", "dbt_run", "", ""), message, "password authentication")
    assert not text.endswith("'"), text


# -- 2. catalogue entries that fire where they are wrong ----------------------------------

_KILL = "[2031-05-06T02:1{m}:07.{ms}+0000] {{{src}}} {lvl} - {msg}"


def test_a_kill_that_airflow_escalated_from_sigterm_is_not_called_out_of_memory() -> None:
    """The runner sent SIGTERM, the task ignored it and the runner sent SIGKILL; Airflow then
    prints its stock "(likely due to running out of memory)": the OS did not kill it."""
    context = (
        _KILL.format(
            m=4,
            ms=311,
            src="local_task_job_runner.py:123",
            lvl="ERROR",
            msg="Received SIGTERM. Terminating subprocesses",
        ),
        _KILL.format(
            m=4,
            ms=312,
            src="process_utils.py:131",
            lvl="INFO",
            msg="Sending Signals.SIGTERM to group 2458. PIDs of all processes in the group: [2458]",
        ),
        _KILL.format(
            m=5,
            ms=400,
            src="process_utils.py:149",
            lvl="WARNING",
            msg="process psutil.Process(pid=2458, name='airflow task runner',"
            " status='sleeping', started='02:10:01') did not respond to SIGTERM. Trying SIGKILL",
        ),
        _KILL.format(
            m=5,
            ms=420,
            src="process_utils.py:79",
            lvl="INFO",
            msg="Process psutil.Process(pid=2458, status='terminated', exitcode=<Negsignal"
            ".SIGKILL: -9>, started='02:10:01') (2458) terminated with exit code"
            " Negsignal.SIGKILL",
        ),
    )
    event = _KILL.format(
        m=5,
        ms=421,
        src="standard_task_runner.py:172",
        lvl="ERROR",
        msg="Job 295 was killed before it finished (likely due to running out of memory)",
    )
    entry, summary = _diagnose(event, context)
    assert entry != "process_killed_oom", summary
    assert "memory" not in _advice(summary), summary


_SNOWFLAKE_DNS = (
    '  File "/opt/airflow/dags/load.py", line 31, in load',
    "    conn = snowflake.connector.connect(**creds)",
    f'  File "{SITE}/snowflake/connector/vendored/urllib3/connection.py", line 174, in _new_conn',
    "    conn = connection.create_connection(",
    '  File "/usr/local/lib/python3.11/socket.py", line 962, in getaddrinfo',
    "    for res in _socket.getaddrinfo(host, port, family, type, proto, flags):",
    "socket.gaierror: [Errno -3] Temporary failure in name resolution",
)


def test_a_temporary_dns_failure_is_not_blamed_on_the_snowflake_account() -> None:
    """[Errno -3] is EAI_AGAIN, a resolver that did not answer (no DNS in the container, a
    blip); a wrong account name is a host that does not exist ([Errno -2])."""
    _, summary = _diagnose(_py_task(*_SNOWFLAKE_DNS))
    assert "account identifier" not in summary, summary


_JINJA = f'  File "{SITE}/jinja2/environment.py", line 485, in getattr'


def test_a_template_reading_a_method_of_none_is_not_told_to_pass_it_in_params() -> None:
    """`{{ prev_data_interval_end_success.strftime(...) }}` on a first run: the value is None,
    strftime is its method; passing 'strftime' in params or conf fixes nothing."""
    text = _py_task(
        *_CALLER,
        _JINJA,
        "    return getattr(obj, attribute)",
        "jinja2.exceptions.UndefinedError: 'None' has no attribute 'strftime'",
    )
    _, summary = _diagnose(text)
    assert "pass 'strftime'" not in summary, summary


def test_a_template_rendered_by_a_script_is_not_told_about_airflow_params() -> None:
    """A script renders its own SQL template with jinja2 (no Airflow frame, no Airflow log):
    "params or the run's conf" names a tool that is not there (as attack19's A8 for dbt)."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/render.py", line 12, in render_sql\n'
        "    sql = tmpl.render(cfg=cfg)\n"
        '  File "/usr/lib/python3/dist-packages/jinja2/environment.py", line 1301, in render\n'
        "    self.environment.handle_exception()\n"
        "jinja2.exceptions.UndefinedError: 'dict object' has no attribute 'schema'\n"
    )
    _, summary = _diagnose(text)
    assert "conf" not in _advice(summary), summary


@pytest.mark.parametrize(
    "java_message",
    [
        "java.lang.ClassCastException: class com.acme.etl.OrderRecord cannot be cast to class"
        " com.acme.etl.OrderRecord (com.acme.etl.OrderRecord is in unnamed module of loader"
        " 'app'; com.acme.etl.OrderRecord is in unnamed module of loader"
        " org.apache.spark.util.MutableURLClassLoader @5f2e)",
        "java.lang.ClassCastException: class org.apache.logging.slf4j.Log4jLoggerFactory cannot"
        " be cast to class ch.qos.logback.classic.LoggerContext"
        " (org.apache.logging.slf4j.Log4jLoggerFactory and ch.qos.logback.classic.LoggerContext"
        " are in unnamed module of loader 'app')",
    ],
)
def test_a_class_cast_between_loaders_or_jars_is_not_called_a_schema_mismatch(
    java_message: str,
) -> None:
    """The same class from two class loaders (or two logging backends on one classpath) is
    a jar conflict: no data value is read as another type, and no cast fixes it."""
    text = f"{java_message}\n\tat com.acme.etl.Main.run(Main.java:42)\n"
    _, summary = _diagnose(text)
    assert "schema or cast mismatch" not in summary, summary


@pytest.mark.parametrize(
    "value",
    [
        "[{'id': 1, 'amount': 12.5}, {'id': 2, 'amount': 7.0}]",
        "'/opt/airflow/data/exports/orders_2031-05-06_full_extract.csv'",
    ],
)
def test_multiple_outputs_cause_does_not_quote_a_cut_value(value: str) -> None:
    """A list or a long string returned to multiple_outputs: the cause quoted `[{'id':` and
    `'/opt/airflow/data/exports/orders_2031-0`, pieces that are no value the task returned."""
    text = _py_task(
        *_CALLER,
        f'  File "{SITE}/airflow/decorators/base.py", line 242, in execute',
        '    raise AirflowException(f"Returned value was not a dict: {return_value!r}")',
        f"airflow.exceptions.AirflowException: Returned value was not a dict: {value}",
    )
    _, summary = _diagnose(text)
    cause = _advice(summary)
    # lead: the intent, not the word "returned": no cut piece of the value is quoted
    assert value[:8] not in cause or value in cause, summary


def test_a_rest_response_cut_short_is_not_called_an_object_storage_read() -> None:
    """Apache HttpClient's `Premature end of Content-Length delimited message body` reading a
    CRM API's page: no object storage is involved."""
    text = (
        "org.apache.http.ConnectionClosedException: Premature end of Content-Length delimited"
        " message body (expected: 48213; received: 16384)\n"
        "\tat org.apache.http.impl.io.ContentLengthInputStream.read(ContentLengthInputStream"
        ".java:178)\n"
        "\tat org.apache.http.util.EntityUtils.toString(EntityUtils.java:308)\n"
        "\tat com.acme.etl.crm.CrmApiClient.fetchPage(CrmApiClient.java:88)\n"
        "\tat com.acme.etl.crm.CrmExtract.run(CrmExtract.java:41)\n"
    )
    _, summary = _diagnose(text)
    assert "object storage" not in summary, summary
