"""Red team attack27: Airflow's held timeout notice (68fe1ca), the held-out round's
catalogue entries (a9dbb7c), and the clock that bounds dbt debug's reasons.

Every log line here is written for the test, in the shape the tool prints it: Airflow 2
task and DAG-processor records, docker compose prefixes, Airflow 3 JSON records, dbt's
file log and ``--log-format json`` lines, JVM traces, snowflake-connector-python errors.
"""

from __future__ import annotations

import json

import pytest

from logsumd.assemble._assembler import Assembler
from logsumd.config import MultilineSettings
from logsumd.records import Chunk, Event
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event
from tests.log_lines import af
from tests.test_catalogue_specific import AF, TB, _frame
from tests.test_corpus_shapes import _events, _spans

SITE = "/home/airflow/.local/lib/python3.11/site-packages/airflow"
ESC = "\x1b"


def _best(text: str, context: tuple[str, ...] = ()) -> list[Candidate]:
    event = make_event(text, context)
    return distinct(examine(event, classify(event), load_catalogue()).candidates)


def _with(events: list[Event], needle: str) -> list[Event]:
    return [e for e in events if needle in e.text]


def _timeout_trace(prefix: str = "") -> list[str]:
    return [
        prefix + "Traceback (most recent call last):",
        prefix + f'  File "{SITE}/utils/timeout.py", line 69, in handle_timeout',
        prefix + "    raise AirflowTaskTimeout(self.error_message)",
        prefix + "airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 4211",
    ]


# -- finding 1: a handled timeout's notice swallows the next, unrelated failure ---------


def _json(sec: int, level: str, event: str, logger: str) -> str:
    return json.dumps(
        {
            "timestamp": f"2026-03-01T04:10:{sec:02d}.500000Z",
            "level": level,
            "event": event,
            "logger": logger,
        }
    )


HANDLED = [
    [  # Airflow 2: the job wraps a slow call in airflow.utils.timeout and skips the page
        af(12, "timeout.py:69", "ERROR", "Process timed out, PID: 4211"),
        af(12, "fetch.py:33", "WARNING", "page 3 timed out, retrying with a smaller page"),
        af(13, "etl.py:12", "ERROR", 'Load of orders failed: relation "orders" does not exist'),
    ],
    [  # the same in Airflow 3's JSON records
        _json(12, "error", "Process timed out, PID: 4211", "airflow.utils.timeout.TimeoutPosix"),
        _json(12, "warning", "page 3 timed out, skipping it", "etl.fetch"),
        _json(13, "error", 'Load of orders failed: relation "orders" does not exist', "etl.load"),
    ],
]


@pytest.mark.parametrize("lines", HANDLED, ids=["airflow2", "airflow3-json"])
def test_an_unrelated_error_after_a_handled_timeout_keeps_its_own_alert(
    lines: list[str],
) -> None:
    """Two failures, two alerts.  Code that uses ``airflow.utils.timeout`` itself catches
    ``AirflowTaskTimeout`` and goes on (the notice is logged anyway); the next ERROR, a
    missing table, is 'the first ERROR record within a few lines' and joins the notice.
    The alert is then titled 'Process timed out' (category timeout) and the missing
    table, the failure that stops the load, has no alert of its own."""
    events = _events(lines)
    table = _with(events, "does not exist")
    assert len(table) == 1
    assert "Process timed out" not in table[0].text
    assert classify(table[0]).category == "schema"


# -- finding 2: another container's failure is glued to the worker's notice -------------


def test_another_containers_failure_is_not_glued_to_the_timeout_notice() -> None:
    """``docker compose logs`` interleaves two workers.  worker-1's timeout notice is held;
    worker-2's own task failure (a KeyError) is the next ERROR and joins it, although
    ``other_task`` already refuses a report from another stream.  The KeyError's alert
    starts with another task's timeout notice (a foreign line, a misleading first line),
    and worker-1's timeout alert loses its notice."""
    w1, w2 = "airflow-worker-1  | ", "airflow-worker-2  | "

    def rec(p: str, sec: int, src: str, level: str, msg: str) -> str:
        return p + f"[2026-03-01T04:10:{sec:02d}.500+0000] {{{src}}} {level} - {msg}"

    lines = [
        rec(w1, 12, "timeout.py:69", "ERROR", "Process timed out, PID: 4211"),
        rec(w2, 12, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        w2 + "Traceback (most recent call last):",
        w2 + '  File "/opt/airflow/dags/crm.py", line 40, in push',
        w2 + '    email = row["email"]',
        w2 + "KeyError: 'email'",
        rec(w2, 12, "taskinstance.py:1206", "INFO", "Marking task as FAILED. dag_id=crm"),
        rec(w1, 13, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        *_timeout_trace(w1),
        rec(w1, 13, "taskinstance.py:1206", "INFO", "Marking task as UP_FOR_RETRY. dag_id=s"),
    ]
    events = _events(lines)
    key = _with(events, "KeyError")
    assert len(key) == 1
    assert "Process timed out" not in key[0].text


# -- finding 3: the new task_timeout entry outranks the cause the timeout interrupted ---


def _interrupted(first: str) -> str:
    """A retry loop sleeping in its ``except`` block when execution_timeout fires."""
    return (
        AF
        + TB
        + _frame("/opt/airflow/dags/load.py", "load", 25)
        + first
        + "\nDuring handling of the above exception, another exception occurred:\n\n"
        + TB
        + _frame(f"{SITE}/models/taskinstance.py", "_execute_task")
        + _frame("/opt/airflow/dags/load.py", "load", 30)
        + _frame(f"{SITE}/utils/timeout.py", "handle_timeout", 69)
        + "airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 4211\n"
    )


INTERRUPTED = [
    (
        _frame("/usr/local/lib/python3.11/site-packages/psycopg2/__init__.py", "connect", 122)
        + 'psycopg2.OperationalError: connection to server at "warehouse-db" (10.0.0.5), '
        "port 5432 failed: Connection refused\n"
        "\tIs the server running on that host and accepting TCP/IP connections?\n",
        "db_unreachable_refused",
    ),
    (
        "requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: "
        "https://api.example.com/v1/orders\n",
        "http_rate_limited",
    ),
    (
        'psycopg2.errors.LockNotAvailable: could not obtain lock on relation "orders"\n',
        "lock_timeout_deadlock",
    ),
]


@pytest.mark.parametrize(("first", "expected"), INTERRUPTED, ids=[c[1] for c in INTERRUPTED])
def test_the_cause_a_timeout_interrupted_keeps_its_diagnosis(first: str, expected: str) -> None:
    """A task retries a refused database / a 429 / a lock in a loop; execution_timeout
    fires while it sleeps in the ``except`` block, so the traceback is the real error,
    then 'During handling ... AirflowTaskTimeout'.  The classifier names the real error,
    and before 68fe1ca the diagnosis did too; now the priority-87 task_timeout entry wins
    and the on-call is told to 'find the slow step, or raise execution_timeout', which
    only lets the task fail later."""
    best = _best(_interrupted(first))
    assert best
    assert best[0].id == expected


# -- finding 4: JAXB's entry fires when the class IS there ------------------------------

JAVA_MAIN = 'Exception in thread "main" '


def test_a_missing_jaxb_implementation_is_not_blamed_on_the_jdk() -> None:
    """jaxb-api is on the classpath (it threw ``javax.xml.bind.JAXBException``), the
    implementation (jaxb-runtime / jaxb-impl) is not.  The exception and message
    conditions match different lines of the chain, so the alert says
    'javax.xml.bind.JAXBException is not in this JDK ... add jaxb-api': both wrong."""
    best = _best(
        JAVA_MAIN + "javax.xml.bind.JAXBException: Implementation of JAXB-API has not been found on"
        " module path or classpath.\n"
        "\tat javax.xml.bind.ContextFinder.newInstance(ContextFinder.java:232)\n"
        "\tat com.acme.etl.Export.main(Export.java:40)\n"
        "Caused by: java.lang.ClassNotFoundException: com.sun.xml.bind.v2.ContextFactory\n"
        "\tat java.base/jdk.internal.loader.BuiltinClassLoader.loadClass("
        "BuiltinClassLoader.java:641)\n"
    )
    assert best
    assert best[0].id != "jvm_version_mismatch"
    assert "JAXBException is not in this JDK" not in best[0].cause


def test_a_class_whose_initializer_failed_is_not_called_missing() -> None:
    """``NoClassDefFoundError: Could not initialize class X``: the JVM found X, its static
    initializer failed earlier.  The entry says X 'is not in this JDK'."""
    best = _best(
        JAVA_MAIN + "java.lang.NoClassDefFoundError: Could not initialize class"
        " javax.xml.bind.DatatypeConverterImpl\n"
        "\tat javax.xml.bind.DatatypeConverter.parseBase64Binary(DatatypeConverter.java:327)\n"
        "\tat com.acme.etl.Token.decode(Token.java:18)\n"
    )
    assert not best or "is not in this JDK" not in best[0].cause


# -- finding 5: javax.annotation / javax.activation are told to add jaxb-api ------------


@pytest.mark.parametrize("cls", ["javax/annotation/PostConstruct", "javax/activation/DataSource"])
def test_the_advice_names_the_jar_of_the_missing_package(cls: str) -> None:
    """javax.annotation (javax.annotation-api) and javax.activation (JAF) left the JDK too,
    but jaxb-api provides neither: the next step sends the on-call to the wrong jar."""
    best = _best(
        JAVA_MAIN + f"java.lang.NoClassDefFoundError: {cls}\n"
        "\tat com.acme.etl.App.main(App.java:12)\n"
    )
    assert best
    assert "jaxb-api" not in best[0].next_step


# -- finding 6: a Snowflake 404 after login is called an unknown account ----------------


@pytest.mark.parametrize(
    "path", ["queries/v1/query-request?requestId=9f1c", "session/token-request?requestId=2"]
)
def test_a_404_after_login_is_not_an_unknown_account(path: str) -> None:
    """Snowflake answers 404 on *login* for an account it does not know.  A 404 on a
    query or token request comes after a successful login (the account exists: a proxy,
    an expired session, a retired endpoint); the entry does not look at the path and
    tells the on-call to fix the account identifier."""
    best = _best(
        AF
        + TB
        + _frame("/opt/airflow/dags/q.py", "run")
        + "snowflake.connector.errors.OperationalError: 250003 (08001): None: 404 Not Found:"
        f" post https://acme-xy12345.snowflakecomputing.com:443/{path}\n"
    )
    assert not best or best[0].id != "warehouse_account_identifier_invalid"


# -- finding 7: the cwd slot is cut at a space, or takes the report's ';' ---------------


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (
            AF
            + TB
            + _frame(f"{SITE}/providers/standard/operators/bash.py", "execute")
            + "airflow.exceptions.AirflowException: Can not find the cwd: /mnt/Shared Drive/etl\n",
            "/mnt/Shared Drive/etl",
        ),
        (
            "[2031-02-03T04:05:07.001+0000] {standard_task_runner.py:110} ERROR - Failed to"
            " execute job 7 for task crawl (Can not find the cwd: /srv/etl/crawler; 4711)\n",
            "/srv/etl/crawler",
        ),
    ],
    ids=["space", "runner-report"],
)
def test_the_cwd_slot_is_the_whole_path(text: str, path: str) -> None:
    """The alert quotes the folder to mount: '/mnt/Shared' (cut at the space) or
    '/srv/etl/crawler;' (the runner's ``(message; pid)`` report, which is all a Celery
    worker's own log shows) send the on-call to a folder that is not the one."""
    best = _best(text)
    assert best
    assert best[0].id == "input_file_missing"
    assert f"cwd {path} does not exist" in best[0].cause


# -- finding 8: dbt's JSON log: the clock is far into the line, 'name' is per event ------


def _dbt_json(ts: str, level: str, name: str, msg: str) -> str:
    info = {
        "category": "",
        "code": "Z047",
        "extra": {},
        "invocation_id": "6c1e2f3a-9b8d-4e7f-a1b2-c3d4e5f60718",
        "level": level,
        "msg": msg,
        "name": name,
        "pid": 4711,
        "thread": "MainThread",
        "ts": f"2026-12-07T{ts}Z",
    }
    return json.dumps({"data": {"msg": msg}, "info": info})


def test_dbt_debug_in_json_log_format_is_one_alert_with_its_reason() -> None:
    """``dbt debug --log-format json`` (what dbt Cloud, Dagster and many wrappers read):
    the time is the last field (``ts``, past the 80 characters ``_clock`` reads) and each
    record's 'source' is the event's name (DebugCmdOut, DebugCmdResult).  The status and
    the verdict are two alerts, and the record with the database's message is in
    neither: the on-call gets '1 check failed:' and nothing saying why."""
    lines = [
        _dbt_json("09:14:01.100000", "info", "MainReportVersion", "Running with dbt=1.7.4"),
        _dbt_json("09:14:02.400000", "info", "DebugCmdOut", "  Connection test: [ERROR]"),
        _dbt_json("09:14:02.481220", "info", "DebugCmdResult", "1 check failed:"),
        _dbt_json(
            "09:14:02.481300",
            "info",
            "DebugCmdOut",
            "dbt was unable to connect to the specified database.\nThe database returned the"
            ' following error:\n\n  >Database Error\n  connection to server at "wh" '
            "(10.0.0.4), port 5432 failed: Connection refused\n",
        ),
        _dbt_json(
            "09:14:02.500000",
            "debug",
            "CommandCompleted",
            "Command `dbt debug` failed at 09:14:02.500000 after 1.40 seconds",
        ),
    ]
    events = _events(lines)
    assert len(events) == 1
    assert "Connection refused" in events[0].text


# -- finding 9: a 12-hour clock's 12 -> 1 wrap ---------------------------------------------


def test_reasons_across_a_twelve_hour_wrap_stay_with_the_verdict() -> None:
    """A wrapper that stamps lines with a 12-hour clock (``12:59:59 PM``, then
    ``01:00:00 PM`` a few ms later): ``_clock`` reads 12:59:59 and 01:00:00 as 11 hours
    apart and closes the reasons; the alert is '1 check failed:' alone."""

    def w(t: str, msg: str) -> str:
        return f"12/07/2026 {t} PM  {msg}"

    lines = [
        w("12:59:59.980", "INFO dbt - 1 check failed:"),
        w("01:00:00.010", "INFO dbt - Could not load dbt_project.yml"),
        w("01:00:05.000", "INFO etl - done"),
    ]
    assert _spans(_events(lines)) == [(1, 2)]


# -- what held ------------------------------------------------------------------------------


def test_airflow2_timeout_notice_report_and_runner_line_are_one_event() -> None:
    """The real Airflow 2 shape: notice, ``Task failed with exception`` and traceback,
    ``Marking task as UP_FOR_RETRY``, the runner's ``Failed to execute job``."""
    lines = [
        af(12, "timeout.py:69", "ERROR", "Process timed out, PID: 4211"),
        af(12, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        *_timeout_trace(),
        af(13, "taskinstance.py:1206", "INFO", "Marking task as UP_FOR_RETRY. dag_id=d, task_id=t"),
        af(
            13,
            "standard_task_runner.py:110",
            "ERROR",
            "Failed to execute job 77 for task t (Timeout, PID: 4211; 4211)",
        ),
        af(13, "local_task_job_runner.py:240", "INFO", "Task exited with return code 1"),
    ]
    events = _events(lines)
    assert _spans(events) == [(1, 8)]
    assert (
        distinct(examine(events[0], classify(events[0]), load_catalogue()).candidates)[0].id
        == "task_timeout"
    )


def _dagbag(sec: int, pid: int, name: str) -> list[str]:
    return [
        af(sec, "timeout.py:68", "ERROR", f"Process timed out, PID: {pid}"),
        af(sec, "dagbag.py:387", "ERROR", f"Failed to import: /opt/airflow/dags/{name}"),
        "Traceback (most recent call last):",
        f'  File "/opt/airflow/dags/{name}", line 5, in <module>',
        "    time.sleep(60)",
        f'  File "{SITE}/utils/timeout.py", line 69, in handle_timeout',
        "    raise AirflowTaskTimeout(self.error_message)",
        "airflow.exceptions.AirflowTaskTimeout: DagBag import timeout for "
        f"/opt/airflow/dags/{name} after 30.0s, PID: {pid}",
    ]


def test_dag_processor_with_several_files_gives_one_alert_per_file() -> None:
    """Two timed-out files and a broken one between them: three alerts, each its own."""
    lines = [
        *_dagbag(31, 46, "sales.py"),
        af(32, "dagbag.py:387", "ERROR", "Failed to import: /opt/airflow/dags/crm.py"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/crm.py", line 3, in <module>',
        "    import pandas",
        "ModuleNotFoundError: No module named 'pandas'",
        *_dagbag(33, 47, "hr.py"),
    ]
    assert _spans(_events(lines)) == [(1, 8), (9, 13), (14, 21)]


def test_a_notice_at_the_end_of_the_file_still_alerts() -> None:
    lines = [
        af(1, "bash.py:158", "INFO", "Running command: python load.py"),
        af(12, "timeout.py:36", "ERROR", "Process timed out, PID: 4211"),
    ]
    assert _spans(_events(lines)) == [(2, 2)]


def test_a_tailing_daemon_releases_the_held_notice_when_the_file_goes_idle() -> None:
    line = af(12, "timeout.py:36", "ERROR", "Process timed out, PID: 4211").encode()
    chunk = Chunk("/logs/t.log", "f1", [line], [0], 1, len(line) + 1, 100.0)
    asm = Assembler(MultilineSettings())
    assert asm.feed(chunk) == []
    deadline = asm.next_deadline()
    assert deadline is not None
    assert [(e.line_start, e.line_end) for e in asm.flush_expired(deadline + 1)] == [(1, 1)]


def test_an_airflow3_json_notice_and_report_are_one_event() -> None:
    report = json.loads(_json(12, "error", "Task failed with exception", "task"))
    report["error_detail"] = [{"exc_type": "AirflowTaskTimeout", "exc_value": "Timeout, PID: 4211"}]
    lines = [
        _json(12, "error", "Process timed out, PID: 4211", "airflow.utils.timeout.TimeoutPosix"),
        json.dumps(report),
        _json(13, "info", "Task instance in failure state", "task"),
    ]
    assert _spans(_events(lines)) == [(1, 2)]


@pytest.mark.parametrize(
    "cls",
    [
        "javax/servlet/http/HttpServlet",
        "javax/mail/MessagingException",
        "jakarta/xml/bind/JAXBException",
    ],
)
def test_a_javax_package_that_never_was_in_the_jdk_is_a_missing_jar(cls: str) -> None:
    best = _best(
        JAVA_MAIN + f"java.lang.NoClassDefFoundError: {cls}\n"
        "\tat com.acme.etl.App.main(App.java:12)\n"
    )
    assert best
    assert best[0].id == "jvm_class_missing"


def test_a_java_that_is_not_executable_is_not_a_missing_jdk() -> None:
    relay = "[2031-02-03T04:05:06.800+0000] {spark_submit.py:634} INFO - "
    best = _best(
        AF
        + TB
        + _frame(f"{SITE}/providers/apache/spark/hooks/spark_submit.py", "submit")
        + "airflow.exceptions.AirflowException: Cannot execute: spark-submit x.py."
        " Error code is: 126.\n",
        (
            relay + "/opt/spark/bin/spark-class: line 71: /usr/lib/jvm/java-17/bin/java:"
            " Permission denied",
        ),
    )
    assert best
    assert best[0].id != "hadoop_home_unset"


def test_a_gnu_tool_quoting_a_missing_java_is_not_a_java_home_diagnosis() -> None:
    best = _best(
        "2026-03-01 04:10:12,120 - deploy - ERROR - install step failed: ln: failed to create"
        " symbolic link '/opt/jdk/bin/java': No such file or directory\n"
    )
    assert not best or best[0].id != "hadoop_home_unset"


def test_dbt_debug_reasons_across_midnight_stay_with_the_verdict() -> None:
    def dbt(t: str, level: str, msg: str) -> str:
        return f"{ESC}[0m{t} [{level:<5}] [MainThread]: {msg}"

    lines = [
        dbt("23:59:59.950000", "info", "1 check failed:"),
        dbt("00:00:00.010000", "info", "Could not load dbt_project.yml"),
        "",
        dbt("00:00:00.020000", "debug", "Command `dbt debug` failed"),
    ]
    assert _spans(_events(lines)) == [(1, 2)]
