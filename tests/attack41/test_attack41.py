"""Red team attack41: the review's catalogue entries, next steps that name the event's
identifier, and tidy_value (commits 95cee3c..HEAD).

Every log line here is written for this file in the shape the tool prints; none is copied
from the corpus.  A test marked xfail(strict) shows a problem the code has now.
"""

from __future__ import annotations

import pytest

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event

TB = "Traceback (most recent call last):\n"
OWN = '  File "/opt/etl/jobs/load_events.py", line 41, in load\n    rows = fetch(batch)\n'
AIRFLOW_TASK = (
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py",'
    " line 465, in _execute_task\n"
    "    result = _execute_callable(context=context, **execute_callable_kwargs)\n"
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/common/sql/'
    'operators/sql.py", line 282, in execute\n    output = hook.run(\n'
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/common/sql/'
    'hooks/sql.py", line 418, in run\n    self._run_command(cur, sql_statement, parameters)\n'
)


def _best(text: str) -> list[Candidate]:
    event = make_event(text)
    return distinct(examine(event, classify(event), load_catalogue()).candidates)


def _advice(text: str) -> tuple[str, str, str]:
    best = _best(text)
    assert best, "no entry matched"
    return best[0].id, best[0].cause, best[0].next_step


# ---------------------------------------------------------------- findings


@pytest.mark.parametrize("table", ["job", "log", "dataset", "trigger", "asset"])
def test_a_projects_own_table_in_an_airflow_sql_task_is_no_metadata_drift(table: str) -> None:
    """A user's SQLExecuteQueryOperator inserts into the project's own ``job`` (or ``log``,
    ``dataset``...) table, which lacks a column.  Every task's traceback has
    airflow/models/taskinstance.py, so the entry for Airflow's own metadata tables fires and
    the on-call engineer is told to run ``airflow db migrate`` on the metadata database:
    the wrong database, and a harmful step.  The user needs: "column batch_id is missing
    from table job" (the project's schema)."""
    text = (
        "[2031-02-03, 04:05:06 UTC] {taskinstance.py:2905} ERROR - Task failed with exception\n"
        + TB
        + AIRFLOW_TASK
        + f'psycopg2.errors.UndefinedColumn: column "batch_id" of relation "{table}" does not'
        " exist\n"
        f"LINE 1: INSERT INTO {table} (batch_id, started_at) VALUES (42, now())\n"
    )
    _, cause, step = _advice(text)
    assert "airflow db migrate" not in step, step
    assert "Airflow's metadata" not in cause, cause


def test_mysql_grant_error_for_db_user_is_not_a_placeholder_login() -> None:
    """MySQL error 1044 means the login worked and the user has no grant on the database.
    With a user called ``db_user`` (a common real account name) the placeholder entry
    (priority 93) takes it: "the connection still has the placeholder user", "put the real
    user and password".  The same event for user 'etl' is rightly named
    db_privilege_missing.  The user needs the GRANT advice."""
    text = (
        "pymysql.err.OperationalError: (1044, \"Access denied for user 'db_user'@'%' to database"
        " 'billing'\")\n"
    )
    id_, cause, step = _advice(text)
    assert id_ == "db_privilege_missing", (id_, cause, step)
    assert "placeholder" not in cause


@pytest.mark.parametrize("user", ["admin_user", "test_user", "myuser", "example"])
def test_real_account_names_are_not_called_placeholders(user: str) -> None:
    """``admin_user`` and ``test_user`` are ordinary account names (a test database's
    login, an admin role); a wrong password for them is not "the connection still has the
    placeholder user".  The cause claims what the message does not say and hides the real
    next step (fix or rotate that user's password)."""
    text = (
        'psycopg2.OperationalError: connection to server at "pg-reporting" (10.20.0.7), port'
        f' 5432 failed: FATAL:  password authentication failed for user "{user}"\n'
    )
    _, cause, _ = _advice(text)
    assert "placeholder" not in cause, cause


def test_spark3_yarn_executor_memory_wording_is_named() -> None:
    """Spark 3.x words the YARN check as "Required executor memory (N MB), offHeap memory
    (0) MB, overhead (M MB), and PySpark memory (0 MB) is above the max threshold (X MB)";
    the new entry knows only Spark 2's "(N+M MB)".  On current Spark the alert gets no
    cause at all."""
    text = (
        'Exception in thread "main" java.lang.IllegalArgumentException: Required executor memory'
        " (12288 MB), offHeap memory (0) MB, overhead (1228 MB), and PySpark memory (0 MB) is"
        " above the max threshold (12000 MB) of this cluster! Please check the values of"
        " 'yarn.scheduler.maximum-allocation-mb' and/or 'yarn.nodemanager.resource.memory-mb'.\n"
        "\tat org.apache.spark.deploy.yarn.Client.verifyClusterResources(Client.scala:372)\n"
        "\tat org.apache.spark.deploy.yarn.Client.submitApplication(Client.scala:196)\n"
    )
    best = _best(text)
    assert best, best
    assert best[0].id == "yarn_container_limit_exceeded", best
    assert "12000 MB" in best[0].cause


@pytest.mark.parametrize(
    "line",
    [
        "UnicodeDecodeError: 'ascii' codec can't decode byte 0xc3 in position 18: ordinal not"
        " in range(128)",
        "UnicodeDecodeError: 'charmap' codec can't decode byte 0x81 in position 977: character"
        " maps to <undefined>",
    ],
    ids=["ascii", "charmap"],
)
def test_encoding_next_step_does_not_convert_the_file_to_the_failing_codec(line: str) -> None:
    """The reader used the locale's default codec (ascii in a C-locale container, cp1252
    'charmap' on Windows) on a UTF-8 file.  The new step "convert the file to 'ascii'" (or
    to 'charmap', no encoding at all) is backwards: it would destroy the data.  The old
    text ("convert it to utf8") was right; the {codec} slot names the reader's codec, not
    a target."""
    _, _, step = _advice(TB + OWN + line + "\n")
    assert "convert the file to 'ascii'" not in step
    assert "convert the file to 'charmap'" not in step


def test_missing_self_is_not_advised_as_an_argument_to_pass() -> None:
    """``Loader.fetch() missing 1 required positional argument: 'self'`` means a method is
    called on the class (``python_callable=Loader.fetch``), not that an argument is
    missing.  "pass 'self' where Loader.fetch is called, or give it a default" is no fix;
    the user needs "create a Loader and call the method on it"."""
    text = TB + OWN + "TypeError: Loader.fetch() missing 1 required positional argument: 'self'\n"
    _, _cause, step = _advice(text)
    assert "pass 'self'" not in step, step
    assert "give it a default" not in step, step


def test_mlflow_404_on_a_core_endpoint_is_not_blamed_on_the_client_version() -> None:
    """``runs/create`` and ``experiments/get-by-name`` exist on every MLflow server; a 404
    with a web server's HTML page means the tracking URI points at the wrong host or path
    (a proxy prefix), not "its client is newer".  Pinning mlflow would not help."""
    text = (
        TB + OWN + "mlflow.exceptions.MlflowException: API request to endpoint"
        " /api/2.0/mlflow/experiments/get-by-name failed with error code 404 != 200. Response"
        " body: '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not"
        " Found</h1></center><hr><center>nginx/1.25.3</center></body></html>'\n"
    )
    _, cause, _step = _advice(text)
    assert "client is newer" not in cause, cause


def test_duckdb_extension_not_installed_is_not_a_download_failure() -> None:
    """DuckDB says the extension file is not there and to ``INSTALL httpfs`` first (no
    autoinstall): nothing was downloaded or failed to download.  The cause says "cannot
    fetch extension "/home/etl/.duckdb/extensions/.../httpfs.duckdb_extension": offline,
    or no build here", a long path instead of httpfs and a reason the message denies."""
    text = (
        TB
        + OWN
        + 'duckdb.duckdb.IOException: IO Error: Extension "/home/etl/.duckdb/extensions/v1.1.3/'
        'linux_amd64/httpfs.duckdb_extension" not found.\nExtension "httpfs" is an existing'
        ' extension.\n\nInstall it first using "INSTALL httpfs".\n'
    )
    _, cause, _ = _advice(text)
    assert "offline" not in cause, cause
    assert '"httpfs"' in cause, cause


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("KeyError: ('region', 'EMEA')", "('region', 'EMEA')"),
        ("KeyError: Timestamp('2031-02-03 00:00:00')", "Timestamp('2031-02-03 00:00:00')"),
    ],
    ids=["tuple", "timestamp"],
)
def test_a_keyerror_key_with_spaces_is_named_whole(line: str, key: str) -> None:
    """A MultiIndex or a date index raises ``KeyError: ('region', 'EMEA')``.  The {key}
    slot (``\\S+``) keeps ``('region',``; tidy_value then drops the comma and the quote:
    "key ('region is missing", "check which records lack ('region, or ...": a broken,
    misleading identifier in both cause and next step."""
    _, cause, _step = _advice(TB + OWN + line + "\n")
    assert key in cause, cause


def test_a_quoted_user_name_reads_in_the_possessive() -> None:
    """SQL Server quotes the user in single quotes; the new step pastes ``'s`` after it:
    "fix 'svc_etl''s password", which reads like SQL's escaped quote (is the user
    ``svc_etl'``?).  "fix the password of user 'svc_etl'" reads right for any quoting."""
    text = (
        "pyodbc.InterfaceError: ('28000', \"[28000] [Microsoft][ODBC Driver 18 for SQL Server]"
        "[SQL Server]Login failed for user 'svc_etl'. (18456) (SQLDriverConnect)\")\n"
    )
    _, _, step = _advice(text)
    assert "''s" not in step, step
    assert "\"'s" not in step, step


def test_a_password_fragment_in_a_host_name_is_not_repeated_in_the_advice() -> None:
    """A password holding ``@`` splits the DSN wrongly and libpq tries to resolve
    ``"Qz7pass@pg.internal"``: the text before ``@`` is the password's tail.  The next step
    now repeats it ("fix host "Qz7pass@pg.internal" in the connection").  Advice should not
    carry user-info of a host name (say "the host name contains '@': quote the password in
    the URL")."""
    text = (
        TB
        + OWN
        + 'psycopg2.OperationalError: could not translate host name "Qz7pass@pg.internal" to'
        " address: Name or service not known\n"
    )
    _, _, step = _advice(text)
    assert "Qz7pass" not in step, step


def test_two_missing_arguments_read_in_the_plural() -> None:
    """``missing 2 required positional arguments: 'run_date' and 'target'`` gives "is
    called without its required argument 'run_date' and 'target'": singular noun, two
    names."""
    text = (
        TB + OWN + "TypeError: load_batch() missing 2 required positional arguments: 'run_date' and"
        " 'target'\n"
    )
    _, cause, _ = _advice(text)
    assert "argument 'run_date' and" not in cause, cause


def test_orjson_first_character_error_is_the_empty_or_html_body() -> None:
    """The stdlib's ``Expecting value: line 1 column 1 (char 0)`` is named "the response
    body was empty or not JSON"; orjson's same failure at char 0 (an HTML error page, an
    empty body) is told "the JSON text is malformed where the decoder stopped", which
    sends the user hunting for a bad character in a JSON document that never came."""
    text = TB + OWN + "orjson.JSONDecodeError: unexpected character: line 1 column 1 (char 0)\n"
    _, cause, _ = _advice(text)
    assert "empty" in cause or "not JSON" in cause, cause


# ---------------------------------------------------------------- what held


def test_airflows_own_metadata_column_from_the_scheduler_is_named() -> None:
    """The scheduler's own query on task_instance lacks a column: migrate is right."""
    text = (
        TB + '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/jobs/'
        'scheduler_job_runner.py", line 1070, in _run_scheduler_loop\n'
        "    num_queued_tis = self._do_scheduling(session)\n"
        "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column"
        " task_instance.executor does not exist\n"
    )
    id_, _cause, step = _advice(text)
    assert id_ == "column_missing"
    assert "airflow db migrate" in step


def test_project_table_with_a_dotted_column_outside_the_list_is_no_metadata_drift() -> None:
    text = (
        TB
        + AIRFLOW_TASK
        + "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column"
        " job.owner_email does not exist\n"
    )
    _, _, step = _advice(text)
    assert "airflow db migrate" not in step


@pytest.mark.parametrize("user", ["your_username", "username", "<user>", "db_user"])
def test_template_placeholders_are_named(user: str) -> None:
    text = (
        'psycopg2.OperationalError: connection to server at "pg" (10.1.0.2), port 5432'
        f' failed: FATAL:  password authentication failed for user "{user}"\n'
    )
    _, cause, _ = _advice(text)
    assert "placeholder" in cause
    assert user in cause


def test_a_real_user_is_not_a_placeholder() -> None:
    text = (
        'psycopg2.OperationalError: connection to server at "pg" (10.1.0.2), port 5432'
        ' failed: FATAL:  password authentication failed for user "etl_user"\n'
    )
    _, cause, step = _advice(text)
    assert "placeholder" not in cause
    assert '"etl_user"' in step


def test_mysql_grant_error_for_an_ordinary_user_is_a_privilege_error() -> None:
    text = (
        "pymysql.err.OperationalError: (1044, \"Access denied for user 'etl'@'%' to database"
        " 'billing'\")\n"
    )
    id_, _, _ = _advice(text)
    assert id_ == "db_privilege_missing"


def test_duplicate_composite_key_is_named_whole() -> None:
    text = (
        'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "d_pk"\n'
        "DETAIL:  Key (tenant_id, day)=(7, 2031-02-03) already exists.\n"
    )
    id_, cause, step = _advice(text)
    assert id_ == "duplicate_key"
    assert "(tenant_id, day)" in cause
    assert "upsert on (tenant_id, day)" in step


def test_duplicate_expression_key_falls_back_to_the_constraint() -> None:
    text = (
        "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint"
        ' "users_email_lower"\nDETAIL:  Key (lower(email::text))=(a@b.io) already exists.\n'
    )
    id_, cause, _ = _advice(text)
    assert id_ == "duplicate_key"
    assert '"users_email_lower"' in cause


def test_bigquery_dataset_in_location_is_not_a_table() -> None:
    text = (
        "google.api_core.exceptions.NotFound: 404 Not found: Dataset acme-prod:mart was not"
        " found in location US\n"
    )
    id_, _, _ = _advice(text)
    assert id_ == "schema_missing"


def test_bigquery_table_location_is_named() -> None:
    text = (
        "google.api_core.exceptions.NotFound: 404 Not found: Table acme-prod:mart.kpis was not"
        " found in location asia-northeast1\n"
    )
    id_, cause, _ = _advice(text)
    assert id_ == "table_missing"
    assert "asia-northeast1" in cause


def test_delta_data_file_and_delta_log_stay_apart() -> None:
    data = (
        "pyspark.errors.exceptions.captured.SparkFileNotFoundException:"
        " [DELTA_FILE_NOT_FOUND_DETAILED] File s3a://lake/silver/orders/part-00007-9a.c000"
        ".snappy.parquet referenced in the transaction log cannot be found.\n"
    )
    log = (
        "io.delta.exceptions.DeltaFileNotFoundException: [DELTA_LOG_FILE_NOT_FOUND]"
        " s3a://lake/silver/orders/_delta_log/00000000000000000042.json: Unable to"
        " reconstruct state at version 42\n"
    )
    assert "data file" in _advice(data)[1]
    assert _advice(log)[0] == "delta_transaction_log_missing"


def test_snowflake_closing_paren_token_is_kept() -> None:
    text = (
        "snowflake.connector.errors.ProgrammingError: 001003 (42000): SQL compilation error:\n"
        "syntax error line 3 at position 14 unexpected ')'.\n"
    )
    _, cause, _ = _advice(text)
    assert "unexpected ')'" in cause


@pytest.mark.parametrize(
    ("line", "value"),
    [
        (
            "FileNotFoundError: [Errno 2] No such file or directory: '/in/report (1).csv'",
            "'/in/report (1).csv'",
        ),
        (
            'FileNotFoundError: [Errno 2] No such file or directory: "/in/o\'neil.csv"',
            '"/in/o\'neil.csv"',
        ),
        ("ValueError: could not convert string to float: '(12.50)'", "'(12.50)'"),
        ("ValueError: could not convert string to float: '{\"amount\": 12}'", "'{\"amount\": 12}'"),
    ],
    ids=["path-parens", "path-apostrophe", "accounting-negative", "json"],
)
def test_quotes_and_brackets_of_the_identifier_are_kept(line: str, value: str) -> None:
    _, cause, step = _advice(TB + OWN + line + "\n")
    assert value in cause, (cause, step)
    assert value in step, (cause, step)


def test_unquoted_spark_glob_path_keeps_its_braces() -> None:
    text = (
        "org.apache.spark.sql.AnalysisException: Path does not exist:"
        " s3a://lake/raw/{2030,2031}/events;\n"
    )
    _, cause, _ = _advice(text)
    assert "s3a://lake/raw/{2030,2031}/events" in cause


def test_a_long_path_is_not_repeated_by_the_next_step() -> None:
    path = "'/mnt/shared/exports/2031/02/03/customers_full_extract.csv'"
    text = TB + OWN + f"FileNotFoundError: [Errno 2] No such file or directory: {path}\n"
    _, cause, step = _advice(text)
    assert path in cause
    assert path not in step


def test_a_masked_value_is_not_advice() -> None:
    text = TB + OWN + "ValueError: could not convert string to float: '***'\n"
    _, _, step = _advice(text)
    assert "***" not in step


def test_utf8_codec_next_step_converts_to_utf8() -> None:
    text = (
        TB + OWN + "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 10:"
        " invalid continuation byte\n"
    )
    _, _, step = _advice(text)
    assert "utf-8" in step or "utf8" in step
