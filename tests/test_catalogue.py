"""The diagnosis catalogue: its data, its matchers and how slots are filled."""

from __future__ import annotations

import re

import pytest

from logsumd.config import CATEGORIES, Diagnosis, DiagnosisMatch, alternatives, slot_names
from logsumd.config._diagnoses import diagnosis_problems
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Catalogue, load_catalogue, shipped_diagnoses
from logsumd.summarize.diagnose import catalogue_summary, examine
from logsumd.summarize.output_check import METRIC_KINDS, extract_entities
from logsumd.understand import classify
from tests.catalogue_cases import fastest
from tests.events import make_event

AIRFLOW = (
    "[2031-05-06T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
)
TB = "Traceback (most recent call last):\n"
LIB = '  File "/home/airflow/.local/lib/python3.11/site-packages/{mod}", line {n}, in {fn}\n    x\n'
USER = '  File "/opt/etl/dags/{mod}", line {n}, in {fn}\n    y\n'

CASES: list[tuple[str, str, str]] = [
    (
        "python_module_missing",
        AIRFLOW
        + TB
        + USER.format(mod="orders.py", n=3, fn="<module>")
        + "ModuleNotFoundError: No module named 'quokka_sync'\n",
        "'quokka_sync'",
    ),
    (
        "airflow_connection_missing",
        AIRFLOW
        + TB
        + LIB.format(mod="airflow/hooks/base.py", n=83, fn="get_connection")
        + "airflow.exceptions.AirflowNotFoundException: The conn_id `wombat_pg` isn't defined\n",
        "wombat_pg",
    ),
    (
        "input_file_missing",
        AIRFLOW
        + TB
        + USER.format(mod="load.py", n=12, fn="read_day")
        + "FileNotFoundError: [Errno 2] No such file or directory: '/data/in/day_31.csv'\n",
        "'/data/in/day_31.csv'",
    ),
    (
        "db_dns_failure",
        AIRFLOW
        + TB
        + USER.format(mod="load.py", n=20, fn="connect")
        + 'psycopg2.OperationalError: could not translate host name "pg-numbat" to address: '
        "Name or service not known\n",
        '"pg-numbat"',
    ),
    (
        "db_unreachable_refused",
        "2031-05-06 02:14:07,311 ERROR loader - Failed to connect to 10.9.8.7:6543: "
        "Connection refused\n",
        "10.9.8.7",
    ),
    (
        "s3_clock_skew",
        AIRFLOW
        + TB
        + USER.format(mod="upload.py", n=9, fn="push")
        + "botocore.exceptions.ClientError: An error occurred (RequestTimeTooSkewed) when "
        "calling the PutObject operation: The difference between the request time and the "
        "current time is too large.\n",
        "clock",
    ),
    (
        "s3_no_such_key",
        AIRFLOW
        + TB
        + USER.format(mod="fetch.py", n=41, fn="get_manifest")
        + "botocore.errorfactory.NoSuchKey: An error occurred (NoSuchKey) when calling the "
        "GetObject operation: The specified key does not exist.\n",
        "key",
    ),
    (
        "column_missing",
        AIRFLOW
        + TB
        + USER.format(mod="report.py", n=77, fn="build")
        + 'psycopg2.errors.UndefinedColumn: column "ordr_total" does not exist\n',
        '"ordr_total"',
    ),
    (
        "table_missing",
        AIRFLOW
        + TB
        + USER.format(mod="report.py", n=70, fn="build")
        + 'psycopg2.errors.UndefinedTable: relation "mart.kiwi_daily" does not exist\n',
        '"mart.kiwi_daily"',
    ),
    (
        "dataframe_column_missing",
        AIRFLOW
        + TB
        + USER.format(mod="clean.py", n=15, fn="tidy")
        + LIB.format(mod="pandas/core/frame.py", n=3761, fn="__getitem__")
        + LIB.format(mod="pandas/core/indexes/base.py", n=3654, fn="get_loc")
        + "KeyError: 'upvote_rato'\n",
        "'upvote_rato'",
    ),
    (
        "dict_key_missing",
        AIRFLOW + TB + USER.format(mod="parse.py", n=8, fn="to_row") + "KeyError: 'created_utc'\n",
        "'created_utc'",
    ),
    (
        "disk_full",
        AIRFLOW
        + TB
        + USER.format(mod="dump.py", n=5, fn="write")
        + "OSError: [Errno 28] No space left on device\n",
        "disk",
    ),
    (
        "executor_oom",
        "31/05/06 02:14:07 WARN TaskSetManager: Lost task 3.0 in stage 7.0: ExecutorLostFailure "
        "(executor 4 exited caused by one of the running tasks) Reason: Container killed by "
        "YARN for exceeding physical memory limits.\n",
        "executor",
    ),
    (
        "task_killed_sigterm",
        "[2031-05-06T02:14:07.311+0000] {taskinstance.py:1632} ERROR - Received SIGTERM. "
        "Terminating subprocesses.\n",
        "stopped",
    ),
    (
        "http_rate_limited",
        AIRFLOW
        + TB
        + USER.format(mod="api.py", n=30, fn="page")
        + "requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: "
        "https://api.example.invalid/v2/items\n",
        "rate",
    ),
    (
        "jvm_class_missing",
        'Exception in thread "main" java.lang.ClassNotFoundException: com.vendor.jdbc.Driver\n'
        "\tat java.net.URLClassLoader.findClass(URLClassLoader.java:387)\n",
        "com.vendor.jdbc.Driver",
    ),
    (
        "dict_key_missing",
        "2031-04-21 15:53:30,011 - ERROR - Transformation failed: 'shift_hours'\n",
        "'shift_hours'",
    ),
    (
        "jvm_version_mismatch",
        'Exception in thread "main" java.io.InvalidClassException: org.apache.spark.rdd.RDD;'
        " local class incompatible: stream classdesc serialVersionUID = 1, local class"
        " serialVersionUID = 2\n"
        "\tat java.io.ObjectStreamClass.initNonProxy(ObjectStreamClass.java:699)\n",
        "org.apache.spark.rdd.RDD",
    ),
    # failure modes of the fifth session's dev fallbacks, written in the libraries' wording
    (
        "pyspark_python_version_mismatch",
        "pyspark.errors.exceptions.base.PySparkRuntimeError: [PYTHON_VERSION_MISMATCH] Python in"
        " worker has different version (3, 9) than that in driver 3.12, PySpark cannot run with"
        " different minor versions.\n",
        "3.12",
    ),
    (
        "data_dir_locked",
        'duckdb.duckdb.IOException: IO Error: Could not set lock on file "/srv/kiwi/wh.duckdb":'
        " Conflicting lock is held in /usr/bin/python3.11 (PID 4242)\n",
        "/srv/kiwi/wh.duckdb",
    ),
    (
        "transaction_aborted_earlier",
        "psycopg2.errors.InFailedSqlTransaction: current transaction is aborted, commands ignored"
        " until end of transaction block\n",
        "earlier statement",
    ),
    (
        "kafka_rebalance_commit_failed",
        'cimpl.KafkaException: KafkaError{code=_MAX_POLL_EXCEEDED,val=-147,str="Application'
        ' maximum poll interval (60000ms) exceeded by 1234ms"}\n',
        "60000ms",
    ),
    (
        "not_null_violation",
        "java.sql.SQLException: Field 'kiwi_id' doesn't have a default value\n",
        "'kiwi_id'",
    ),
    (
        "no_default_database_selected",
        "mysql.connector.errors.ProgrammingError: 1046 (3D000): No database selected\n",
        "MySQL",
    ),
    (
        "kafka_record_too_large",
        "org.apache.kafka.common.errors.RecordTooLargeException: The message is 2000123 bytes"
        " when serialized which is larger than 1048576, which is the value of the"
        " max.request.size configuration.\n",
        "2000123",
    ),
    (
        "db_privilege_missing",
        "java.sql.SQLSyntaxErrorException: Access denied; you need (at least one of) the"
        " REPLICATION SLAVE privilege(s) for this operation\n",
        "REPLICATION SLAVE",
    ),
    (
        "cloud_permission_denied",
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the"
        " PutObject operation: User: arn:aws:iam::1:user/kiwi is not authorized to perform:"
        " s3:PutObject on resource: arn:aws:s3:::kiwi/x with an explicit deny in a"
        " resource-based policy\n",
        "resource-based policy",
    ),
    (
        "odbc_driver_missing",
        "pyodbc.Error: ('01000', \"[01000] [unixODBC][Driver Manager]Can't open lib 'ODBC Driver"
        " 18 for SQL Server' : file not found (0) (SQLDriverConnect)\")\n",
        "'ODBC Driver 18 for SQL Server'",
    ),
    (
        "python_module_missing",
        AIRFLOW
        + TB
        + USER.format(mod="spark_job.py", n=2, fn="<module>")
        + "ModuleNotFoundError: No module named 'airflow.providers.apache.spark'\n",
        "apache-airflow-providers-apache-spark",
    ),
    (
        "config_file_invalid",
        "02:14:07  Runtime Error\n02:14:07    at path []: Additional properties are not allowed"
        " ('kiwi-path' was unexpected)\n",
        "'kiwi-path'",
    ),
    # what a path's or a host's shape tells
    (
        "input_file_missing",
        TB
        + USER.format(mod="load.py", n=9, fn="read_orders")
        + "FileNotFoundError: [Errno 2] No such file or directory: 'data/kiwi_orders.csv'\n",
        "is relative",
    ),
    (
        "input_file_missing",
        TB
        + USER.format(mod="load.py", n=9, fn="read_orders")
        + "FileNotFoundError: [Errno 2] No such file or directory: '/tmp/kiwi/orders.csv'\n",
        "local to each worker",
    ),
    (
        "db_unreachable_refused",
        TB
        + '  File "/opt/airflow/dags/kiwi.py", line 25, in load\n    connect()\n'
        + 'psycopg2.OperationalError: connection to server at "localhost" (::1), port 5432'
        " failed: Connection refused\n",
        "inside the Airflow container",
    ),
    (
        "sql_syntax_error",
        'psycopg2.errors.SyntaxError: syntax error at or near "order"\nLINE 1: SELECT id, order'
        " FROM kiwi_sales\n",
        "reserved SQL word",
    ),
    (
        "column_missing",
        "02:14:07  Database Error in model kiwi_rank (models/kiwi_rank.sql)\n"
        '02:14:07    column "customer_id" does not exist\n'
        "02:14:07    LINE 6:     customer_id,\n"
        '02:14:07    HINT:  Perhaps you meant to reference the column "o.kiwi_customer_id".\n',
        '"o.kiwi_customer_id"',
    ),
    (
        "read_timeout",
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.kiwi.test', port=443):"
        " Read timed out. (read timeout=15)\n",
        "'api.kiwi.test'",
    ),
    # failure modes of the fresh rounds' dev events
    (
        "db_storage_io_error",
        'psycopg2.errors.IoError: could not fdatasync file "000000010000000000000007":'
        " Input/output error\n",
        "disk",
    ),
    (
        "drop_blocked_by_dependents",
        "sqlalchemy.exc.InternalError: (psycopg2.errors.DependentObjectsStillExist) cannot drop"
        " table kiwi_orders because other objects depend on it\n",
        "kiwi_orders",
    ),
    (
        "security_protocol_mismatch",
        'psycopg2.OperationalError: connection to server at "db-1" (10.0.0.5), port 5432'
        " failed: server does not support SSL, but SSL was required\n",
        "sslmode",
    ),
    (
        "docker_daemon_unreachable",
        "docker.errors.DockerException: Error while fetching server API version: ('Connection"
        " aborted.', FileNotFoundError(2, 'No such file or directory'))\n",
        "socket",
    ),
    (
        "duplicate_index_name_ddl",
        "mysql.connector.errors.DatabaseError: 1022 (23000): Can't write; duplicate key in"
        " table 'kiwi_plans'\n",
        "key name",
    ),
    (
        "dbt_database_error",
        "02:14:07  Database Error in model fct_kiwi (models/marts/fct_kiwi.sql)\n"
        "02:14:07    something the catalogue has never seen\n",
        "fct_kiwi",
    ),
]


def _candidates(text: str, catalogue: Catalogue | None = None) -> list[str]:
    event = make_event(text)
    findings = examine(event, classify(event), catalogue or load_catalogue())
    return [c.id for c in distinct(findings.candidates)]


@pytest.mark.parametrize(("expected", "text", "named"), CASES, ids=[c[0] for c in CASES])
def test_failure_modes_are_diagnosed(expected: str, text: str, named: str) -> None:
    """Each failure mode gets its diagnosis, with the event's own identifier in it."""
    event = make_event(text)
    findings = examine(event, classify(event), load_catalogue())
    best = distinct(findings.candidates)
    assert [c.id for c in best][:1] == [expected]
    assert named in best[0].cause + " " + best[0].next_step


def test_shipped_catalogue_covers_every_category() -> None:
    """At least 80 entries over all 13 categories, each with a cause and a next step."""
    entries = shipped_diagnoses()
    assert len(entries) >= 80
    assert {d.category for d in entries} == set(CATEGORIES)
    assert len({d.id for d in entries}) >= 80


@pytest.mark.parametrize("entry", shipped_diagnoses(), ids=lambda d: d.id)
def test_entries_are_short_and_invent_nothing(entry: Diagnosis) -> None:
    """A cause and next step fit 22 words; their fixed words name no path, file or number.

    With the labels and a 15-word headline the summary stays within 40 words.
    """
    causes, steps = alternatives(entry.cause), alternatives(entry.next_step)
    longest = max(len(c.split()) for c in causes) + max(len(s.split()) for s in steps)
    assert longest <= 22
    for text in (*causes, *steps):
        fixed = re.sub(r"\{\w+\}", "", text)
        # as the summary prints it too: a sentence ends with a full stop ("http://.")
        named = [e for e in extract_entities(f"{fixed}.") if e.kind in METRIC_KINDS]
        assert not named, (text, named)
        assert slot_names(text) is not None


def test_slot_the_event_cannot_fill_removes_the_entry() -> None:
    """An entry whose {slot} has no value in the event is not a candidate."""
    entry = Diagnosis(
        id="lock_on_table",
        category="timeout",
        match=DiagnosisMatch(message=r"lock wait on(?: table (?P<table>\w+))?"),
        cause="table {table} is locked",
        next_step="find the session holding {table}",
    )
    catalogue = Catalogue([entry])
    named = "2031-05-06 02:14:07,311 ERROR db - lock wait on table kiwi_orders exceeded\n"
    unnamed = "2031-05-06 02:14:07,311 ERROR db - lock wait on something exceeded\n"
    assert _candidates(named, catalogue) == ["lock_on_table"]
    assert _candidates(unnamed, catalogue) == []


def test_user_entries_win_over_shipped_ones() -> None:
    """A matching user entry outranks the shipped entries whatever their priority."""
    mine = Diagnosis(
        id="private_index_down",
        category="dependency",
        match=DiagnosisMatch(message=r"No module named 'quokka_\w+'"),
        cause="the private package index was down during the image build",
        next_step="rebuild the worker image",
    )
    text = CASES[0][1]
    assert _candidates(text) == ["python_module_missing"]
    assert _candidates(text, load_catalogue([mine]))[0] == "private_index_down"


def test_where_the_error_was_raised_decides_a_wrong_library_call() -> None:
    """A TypeError raised inside a library is a wrong call of its API; in user code, a bug."""
    in_library = (
        AIRFLOW + TB + USER.format(mod="extract.py", n=37, fn="fetch")
        + LIB.format(mod="boto3/__init__.py", n=92, fn="client")
        + "TypeError: client() got an unexpected keyword argument 'bucket_nam'\n"
    )  # fmt: skip
    in_user_code = (
        AIRFLOW + TB + USER.format(mod="extract.py", n=37, fn="fetch")
        + USER.format(mod="helpers.py", n=5, fn="__init__")
        + "TypeError: Logger.__init__() got an unexpected keyword argument 'to_console'\n"
    )  # fmt: skip
    assert _candidates(in_library)[:1] == ["orm_usage_error"]
    assert _candidates(in_user_code)[:1] == ["user_code_type_error"]


def test_not_message_and_frame_conditions() -> None:
    """``not_message`` excludes an entry; ``frame`` requires a frame of the trace."""
    entry = Diagnosis(
        id="pandas_key",
        category="key_missing",
        match=DiagnosisMatch(
            exception="KeyError", frame=r"pandas[/\\]core", not_message="ignore me"
        ),
        cause="a column is missing",
        next_step="check the columns",
    )
    catalogue = Catalogue([entry])
    with_pandas = CASES[9][1]
    assert _candidates(with_pandas, catalogue) == ["pandas_key"]
    assert _candidates(CASES[10][1], catalogue) == []
    assert _candidates(with_pandas.replace("KeyError", "ignore me\nKeyError"), catalogue) == []


_RUNS = {
    "word": "x",
    "digits": "1",
    "dots": "a.",
    "colons": "a:",
    "quotes": "'a",
    "slashes": "/a",
    "json": '{"id":1,"sku":"A-1"},',
    "quoted paths": '"/a",',  # a compact list of paths (red team attack44)
    "single-quoted paths": "'/a',",
    "open brackets": "[a",  # a line cut before its closing brackets
}


@pytest.mark.parametrize("run", list(_RUNS))
def test_every_pattern_is_linear_on_long_runs_without_spaces(run: str) -> None:
    """A line of one long run (compact JSON, a path, a number) costs every shipped
    pattern time linear in its length (red team attack8: ``\\S+ \\(Permission denied\\)``
    was quadratic: 42 s on a 68 KB line)."""
    unit = _RUNS[run]
    small, big = unit * (2000 // len(unit)), unit * (16000 // len(unit))
    for entry in shipped_diagnoses():
        for pattern in (entry.match.message, entry.match.not_message, entry.match.frame):
            if not pattern:
                continue
            rx = re.compile(pattern)
            # eight times the text: a linear pattern takes about eight times as long, a
            # quadratic one 64 times. The fastest of five runs: a busy machine's pauses are
            # no cost of the pattern (this test failed under load while a quadratic
            # pattern, 16 times slower on four times the text, hid under the old margin).
            fast_big, fast_small = fastest(rx, big, 5), fastest(rx, small, 5)
            assert fast_big < 24 * fast_small + 0.1, (entry.id, pattern, fast_big, fast_small)


_SIGTERM = (
    "[2031-05-06T02:14:07.311+0000] {taskinstance.py:1630} ERROR - Received SIGTERM. Terminating"
    " subprocesses.\n"
    "[2031-05-06T02:14:07.312+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py",'
    " line 1632, in signal_handler\n"
    '    raise AirflowException("Task received SIGTERM signal")\n'
    "airflow.exceptions.AirflowException: Task received SIGTERM signal\n"
)


@pytest.mark.parametrize(
    ("reason", "named"),
    [
        (
            "State of this instance has been externally set to failed. Terminating instance.",
            "failed",
        ),
        ("Recorded pid 248 does not match the current pid 249", "248"),
    ],
)
def test_a_stopped_task_gets_the_runners_reason_from_the_lines_before(
    reason: str, named: str
) -> None:
    """Airflow says why it sent SIGTERM in a WARNING just before the event."""
    context = (
        "[2031-05-06T02:14:07.300+0000] {local_task_job_runner.py:294} WARNING - " + reason,
        "[2031-05-06T02:14:07.301+0000] {process_utils.py:131} INFO - Sending 15 to group 1388.",
    )
    event = make_event(_SIGTERM, context)
    findings = examine(event, classify(event), load_catalogue())
    best = distinct(findings.candidates)
    assert best[0].id == "task_killed_sigterm"
    assert named in best[0].cause
    # the headline goes on quoting the event, not the line before it
    text = catalogue_summary(findings, best[0], "catalogue").text
    assert text.splitlines()[0].endswith("Task received SIGTERM signal")
    plain = make_event(_SIGTERM, context[1:])  # no reason given: the generic cause
    generic = distinct(examine(plain, classify(plain), load_catalogue()).candidates)
    assert generic[0].id == "task_killed_sigterm"
    assert named not in generic[0].cause


def _none_event(code: str, library: bool = False) -> str:
    frame = '  File "/opt/etl/dags/load.py", line 25, in transform\n    ' + code + "\n"
    if library:
        frame += LIB.format(mod="pandas/core/frame.py", n=3893, fn="__getitem__")
    return AIRFLOW + TB + frame + "TypeError: 'NoneType' object is not subscriptable\n"


@pytest.mark.parametrize(
    ("code", "library", "quoted"),
    [
        ("rows = payload['data']['items']", False, "`rows = payload['data']['items']`"),
        ("'id': res['login']['username'],", False, "`'id': res['login']['username']`"),
        ("x = " + "payload['data']" * 6, False, None),  # too long to quote whole
        ("rows = fetch(", False, None),  # the first line of a call the traceback cut
        ("rows = payload['data']", True, None),  # raised in pandas, not in this line
    ],
)
def test_a_none_error_quotes_the_projects_own_line_that_raised_it(
    code: str, library: bool, quoted: str | None
) -> None:
    """{statement} is the project's source line that raised the root exception, or nothing."""
    event = make_event(_none_event(code, library))
    best = distinct(examine(event, classify(event), load_catalogue()).candidates)[0]
    assert best.id == "attribute_error_none"
    if quoted is None:
        assert "`" not in best.cause
    else:
        assert quoted in best.cause


_AUTH = (
    AIRFLOW
    + TB
    + USER.format(mod="load.py", n=12, fn="load")
    + 'psycopg2.OperationalError: connection to server at "wh" (10.0.0.5), port 5432 failed:'
    + ' FATAL:  password authentication failed for user "etl"\n'
)


def test_the_next_step_names_the_airflow_connection_the_task_used() -> None:
    """{conn_id} is the connection Airflow says the task used, in the lines before."""
    used = (
        "[2031-05-06T02:14:07.100+0000] {base.py:83} INFO - Using connection ID 'wh_pg' for"
        " task execution.",
    )
    event = make_event(_AUTH, used)
    best = distinct(examine(event, classify(event), load_catalogue()).candidates)[0]
    assert best.id == "db_auth_failed"
    assert "wh_pg" in best.next_step
    plain = make_event(_AUTH)
    best = distinct(examine(plain, classify(plain), load_catalogue()).candidates)[0]
    assert best.id == "db_auth_failed"
    assert "{conn_id}" not in best.next_step
    assert "connection" in best.next_step


def test_alternatives_fall_back_to_the_first_one_the_event_fills() -> None:
    """``a {or} b``: the first alternative whose slots the event fills is the cause; the
    server's host (and port) comes from the error's own words, never from a link to
    documentation."""
    entry = Diagnosis(
        id="connection_timeout",
        category="timeout",
        match=DiagnosisMatch(message=r"Connection timed out"),
        cause="connecting to {host} timed out {or} connecting to the server timed out",
        next_step="check {host} is up and reachable from this worker {or} check the server is up",
    )
    catalogue = Catalogue([entry])
    named = (
        'psycopg2.OperationalError: connection to server at "lake-db" (10.4.0.9), port 6432 '
        "failed: Connection timed out\n"
    )
    found = examine(make_event(named), classify(make_event(named)), catalogue).candidates
    assert [(c.cause, c.next_step) for c in found] == [
        (
            "connecting to lake-db:6432 timed out",
            "check lake-db:6432 is up and reachable from this worker",
        )
    ]
    unnamed = (
        "psycopg2.OperationalError: Connection timed out\n"
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)\n"
    )
    found = examine(make_event(unnamed), classify(make_event(unnamed)), catalogue).candidates
    assert [(c.cause, c.next_step) for c in found] == [
        ("connecting to the server timed out", "check the server is up")
    ]


def test_an_empty_alternative_is_a_config_error() -> None:
    """``a {or}`` leaves nothing to say when the first does not fill: the entry is refused."""
    entry = Diagnosis(
        id="lock_on_table",
        category="timeout",
        match=DiagnosisMatch(message=r"lock wait on (?P<table>\w+)"),
        cause="table {table} is locked {or}",
        next_step="find the session holding {table}",
    )
    assert ("cause", "an alternative before or after {or} is empty") in diagnosis_problems(entry)
