"""Red team attack39: commit bf119d4 (the catalogue entries of the second probe round,
p3-p4; Snowflake's error title taking one line of text, two after its position line;
pyarrow schema lines; the relay's exit-0 line releasing a child's event).

Every line below is written here in the shape the tool prints it (Iceberg, delta-rs,
Snowflake's Python connector, SQLAlchemy and JDBC driver, libpq, PyMySQL, SQL Server's
ODBC driver, Presto, dbt ...); none is copied from the evaluation corpus.
"""

from __future__ import annotations

import pytest

from logsumd.records import Event
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from logsumd.understand._redact import redact
from tests.events import make_event
from tests.log_lines import af
from tests.test_corpus_shapes import _events, _spans


def _found(event: Event) -> list[Candidate]:
    return distinct(examine(event, classify(event), load_catalogue()).candidates)


def _best(text: str, context: tuple[str, ...] = ()) -> Candidate | None:
    found = _found(make_event(text, context))
    return found[0] if found else None


def _id(best: Candidate | None) -> str:
    return best.id if best is not None else ""


TB = (
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/load.py", line 40, in load\n'
    "    cur.execute(sql)\n"
)
TB_LINES = TB.rstrip("\n").split("\n")


# --------------------------------------------------------------------------------------
# 1. A table format's commit conflict named a Kafka consumer rebalance
# --------------------------------------------------------------------------------------

KAFKA = "kafka_rebalance_commit_failed"


@pytest.mark.parametrize(
    "text",
    [
        # Nessie's catalog: the branch moved under the commit
        "Caused by: org.apache.iceberg.exceptions.CommitFailedException: Cannot commit: Reference"
        " hash is out of date. Update the reference 'main' and try again\n",
        # pyiceberg against a REST catalog
        TB + "pyiceberg.exceptions.CommitFailedException: Requirement failed: branch main has"
        " changed: expected id 4412 != 4419\n",
        # Iceberg's REST catalog answer relayed by the Java client
        "org.apache.iceberg.exceptions.CommitFailedException: Commit failed: Requirement failed:"
        " table lake.orders has changed\n",
        # delta-rs (the deltalake Python package), two writers appending at once
        TB + "deltalake._internal.CommitFailedError: Failed to commit transaction: Metadata changed"
        " since last commit.\n",
    ],
    ids=["iceberg-nessie", "pyiceberg-rest", "iceberg-rest", "delta-rs"],
)
def test_a_table_commit_conflict_is_not_a_kafka_rebalance(text: str) -> None:
    """Two writers committed to the same Iceberg or Delta table; the loser's exception is
    ``CommitFailedException`` / ``CommitFailedError``. The commit narrowed the Kafka
    entries to skip only Iceberg's ``Cannot commit <table>`` wording, so every other
    wording of the same conflict (Nessie's ``Cannot commit:``, a REST catalog's
    ``Requirement failed``, delta-rs) is told "the consumer lost its partitions in a group
    rebalance; raise max.poll.interval.ms". The on-call engineer needs the concurrent
    writer named, not a Kafka setting that the job does not have."""
    best = _best(text)
    assert best is None or best.id != KAFKA, best.cause if best else ""


def test_kafkas_own_commit_failure_still_names_the_rebalance() -> None:
    """Control: kafka-python's and the Java consumer's own wording keep the Kafka entry."""
    java = (
        "org.apache.kafka.clients.consumer.CommitFailedException: Commit cannot be completed since"
        " the group has already rebalanced and assigned the partitions to another member.\n"
    )
    python = TB + "kafka.errors.CommitFailedError: CommitFailedError: Commit cannot be completed\n"
    assert _id(_best(java)) == KAFKA
    assert _id(_best(python)) == KAFKA


def test_icebergs_cannot_commit_table_is_the_concurrent_writer() -> None:
    """Control: the commit's own case (``Cannot commit <table>: ...``) holds."""
    text = (
        "Caused by: org.apache.iceberg.exceptions.CommitFailedException: Cannot commit"
        " glue.lake.orders because base metadata location 's3://lake/orders/metadata/00012.json'"
        " is not same as the current Glue location 's3://lake/orders/metadata/00013.json'\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "concurrent_write_conflict"


# --------------------------------------------------------------------------------------
# 2. A second Snowflake syntax error cuts the failing statement off the event
# --------------------------------------------------------------------------------------

SQLA_TITLE = (
    "sqlalchemy.exc.ProgrammingError: (snowflake.connector.errors.ProgrammingError) 001003"
    " (42000): 01b2-0000: SQL compilation error:"
)


def test_snowflake_message_with_two_syntax_errors_keeps_the_statement() -> None:
    """Snowflake lists one ``syntax error line N at position M`` line per error it found;
    SQLAlchemy adds the statement (``[SQL: ...]``) and its help link. Before bf119d4 all of
    it was one event; now the title takes exactly one line, the second error line is no
    continuation, and the event ends there: the failing statement, which the engineer
    needs to fix the SQL, is not in the alert (nor in any other event)."""
    lines = [*TB_LINES, SQLA_TITLE,
             "syntax error line 1 at position 9 unexpected 'FORM'.",
             "syntax error line 1 at position 14 unexpected 'orders'.",
             "[SQL: SELECT * FORM orders]",
             "(Background on this error at: https://sqlalche.me/e/20/f405)"]  # fmt: skip
    events = _events(lines)
    assert _spans(events) == [(1, 8)]
    assert "[SQL: SELECT * FORM orders]" in events[0].text


def test_snowflake_message_with_one_syntax_error_keeps_the_statement() -> None:
    """Control: one error line, then the statement and the link: one event with all."""
    lines = [*TB_LINES, SQLA_TITLE, "syntax error line 1 at position 9 unexpected 'FORM'.",
             "[SQL: SELECT * FORM orders]",
             "(Background on this error at: https://sqlalche.me/e/20/f405)"]  # fmt: skip
    events = _events(lines)
    assert _spans(events) == [(1, 7)]


# --------------------------------------------------------------------------------------
# 3. Snowflake's position on the title line: the identifier is lost
# --------------------------------------------------------------------------------------


def test_snowflake_invalid_identifier_after_position_on_title_line() -> None:
    """The Python connector's most frequent compile error reads ``000904 (42000): <qid>:
    SQL compilation error: error line 64 at position 36`` and, on the next line,
    ``invalid identifier 'ORDER_TS'``. The commit handles the position on a line of its
    own, not on the title's line: the event ends at the title, the identifier line is in
    no event, and the alert says "the database rejected the SQL statement" instead of
    naming the column that is missing (column_missing, with the identifier in the event)."""
    lines = [*TB_LINES,
             "snowflake.connector.errors.ProgrammingError: 000904 (42000): 01b2-0000: SQL"
             " compilation error: error line 64 at position 36",
             "invalid identifier 'ORDER_TS'", "", "loader stopped"]  # fmt: skip
    events = _events(lines)
    assert "invalid identifier 'ORDER_TS'" in events[0].text
    assert _found(events[0])[0].id == "column_missing"


def test_snowflake_position_on_its_own_line_keeps_the_identifier() -> None:
    """Control: the commit's own shape (position on its own line) holds."""
    lines = [*TB_LINES,
             "snowflake.connector.errors.ProgrammingError: 000904 (42000): 01b2-0000: SQL"
             " compilation error:", "error line 64 at position 36",
             "invalid identifier 'ORDER_TS'", "", "loader stopped"]  # fmt: skip
    events = _events(lines)
    assert _spans(events) == [(1, 6)]
    assert _found(events[0])[0].id == "column_missing"


# --------------------------------------------------------------------------------------
# 4. Snowflake's JDBC driver: the title and its frames are two alerts, the text in none
# --------------------------------------------------------------------------------------

JDBC_FRAMES = [
    "\tat net.snowflake.client.jdbc.SnowflakeUtil"
    ".checkErrorAndThrowExceptionSub(SnowflakeUtil.java:127)",
    "\tat net.snowflake.client.jdbc.SnowflakeUtil"
    ".checkErrorAndThrowException(SnowflakeUtil.java:67)",
    "\tat net.snowflake.client.core.StmtUtil.pollForOutput(StmtUtil.java:451)",
]


def test_snowflake_jdbc_compilation_error_is_one_event_with_its_text() -> None:
    """A JVM job (Spark's Snowflake connector, a Java loader) fails with
    ``SnowflakeSQLException: SQL compilation error:`` and the error's text on the next
    line, then the frames. The title rule is for Python exception lines only: the
    exception line is one alert (headline "SQL compilation error:", no diagnosis), the
    frames a second alert with no exception at all, and the line that says which object
    is missing is in neither. One failure, two alerts, no cause."""
    lines = ['Exception in thread "main" net.snowflake.client.jdbc.SnowflakeSQLException: SQL'
             " compilation error:",
             "Object 'ANALYTICS.RAW.ORDERS' does not exist or not authorized.",
             *JDBC_FRAMES, "2031-02-03 04:05:07 INFO  Loader - stopping"]  # fmt: skip
    events = _events(lines)
    assert _spans(events) == [(1, 5)]
    assert _found(events[0])[0].id == "table_missing"


# --------------------------------------------------------------------------------------
# 5. db_connection_dropped: a client-side timeout is "the server closed the connection"
# --------------------------------------------------------------------------------------


def test_mysql_gone_away_on_a_socket_timeout_stays_a_timeout() -> None:
    """PyMySQL reports a socket that timed out as 2006 ``MySQL server has gone away
    (TimeoutError(110, 'Connection timed out'))``. Before bf119d4 the connection-timeout
    entry answered (the older 'server went away' entries all exclude 'timed out'); the new
    db_connection_dropped (priority 89) has no such exclusion and now says "the database
    closed the connection mid-work; recycle pooled connections". The engineer needs the
    network timeout named (firewall, host down), as before."""
    text = (
        TB + 'sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2006, "MySQL'
        " server has gone away (TimeoutError(110, 'Connection timed out'))\")\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "connection_timeout"


def test_mysql_lost_connection_on_read_timeout_is_not_a_server_drop() -> None:
    """PyMySQL's ``read_timeout`` expiring reads ``(2013, 'Lost connection to MySQL server
    during query (timed out)')``: the client gave up waiting, the server closed nothing.
    The older entry for this wording excludes 'timed out'; the new one does not."""
    text = (
        TB + "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query"
        " (timed out)')\n"
    )
    best = _best(text)
    assert best is None or best.id != "db_connection_dropped", best.cause if best else ""


def test_mysql_lost_connection_without_timeout_is_a_server_drop() -> None:
    """Control: the server's drop is diagnosed (the lead removed db_connection_dropped, a
    twin of the older network_unreachable entries that name the same drop)."""
    text = TB + "MySQLdb.OperationalError: (2013, 'Lost connection to MySQL server during query')\n"
    best = _best(text)
    assert best is not None
    assert best.id == "network_unreachable"


# --------------------------------------------------------------------------------------
# 6. db_connection_dropped: a failed connect is "mid-work, recycle pooled connections"
# --------------------------------------------------------------------------------------


def test_libpq_handshake_closed_at_connect_is_not_a_dropped_session() -> None:
    """libpq prints the same ``server closed the connection unexpectedly`` when the server
    (or pgbouncer, or a proxy that wants TLS) hangs up during the handshake: ``connection
    to server at ... failed: server closed ...``. No work was under way and no pooled
    connection exists; "the database closed the connection mid-work (restart, idle
    timeout, killed session); ping or recycle pooled connections" sends the engineer to
    the wrong place. Before bf119d4 the network entry answered."""
    text = (
        TB + 'psycopg2.OperationalError: connection to server at "db.internal" (10.0.0.5), port'
        " 5432 failed: server closed the connection unexpectedly\n\tThis probably means the"
        " server terminated abnormally\n\tbefore or while processing the request.\n"
    )
    best = _best(text)
    assert best is None or best.id != "db_connection_dropped", best.cause if best else ""


def test_libpq_connection_dropped_mid_query_is_a_dropped_session() -> None:
    """Control: a drop mid-query is diagnosed (network_unreachable, see above)."""
    text = (
        TB + "psycopg2.OperationalError: server closed the connection unexpectedly\n\tThis"
        " probably means the server terminated abnormally\n\tbefore or while processing the"
        " request.\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "network_unreachable"


# --------------------------------------------------------------------------------------
# 7. Delta's ConcurrentWriteException is missing from the list
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "io.delta.exceptions.ConcurrentWriteException: A concurrent transaction has written new"
        " data since the current transaction read the table. Please try the operation again.\n",
        "pyspark.errors.exceptions.captured.AnalysisException: [DELTA_CONCURRENT_WRITE]"
        " ConcurrentWriteException: A concurrent transaction has written new data since the"
        " current transaction read the table. Please try the operation again.\n",
    ],
    ids=["delta-oss", "databricks-error-class"],
)
def test_deltas_concurrent_write_is_a_write_conflict(text: str) -> None:
    """Delta raises ConcurrentAppend, ConcurrentDeleteRead, ConcurrentDeleteDelete,
    ConcurrentTransaction, MetadataChanged, ProtocolChanged, and ConcurrentWriteException
    (a blind append racing another writer). The entry lists all but the last: that
    conflict gets no diagnosis at all."""
    best = _best(text)
    assert best is not None
    assert best.id == "concurrent_write_conflict"


# --------------------------------------------------------------------------------------
# 8. SQL Server's deadlock victim in its other resource wordings
# --------------------------------------------------------------------------------------

DEADLOCK = (
    TB + "pyodbc.Error: ('40001', '[40001] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]"
    "Transaction (Process ID 61) was deadlocked on {res} resources with another process and"
    " has been chosen as the deadlock victim. Rerun the transaction. (1205) (SQLExecDirectW)')\n"
)


@pytest.mark.parametrize(
    "res", ["lock | communication buffer", "communication buffer", "thread | communication buffer"]
)
def test_sql_server_deadlock_victim_in_every_resource_wording(res: str) -> None:
    """Error 1205 names the resources it deadlocked on: ``lock``, ``communication buffer``
    (parallel queries), or both as ``lock | communication buffer``. The regex reads ``lock
    (?:resources|communication buffer resources)``: only ``lock resources`` (and a
    ``lock communication buffer`` that SQL Server never prints) match; a parallel query's
    deadlock gets no diagnosis."""
    best = _best(DEADLOCK.format(res=res))
    assert best is not None
    assert best.id == "lock_timeout_deadlock"


def test_sql_server_deadlock_on_lock_resources() -> None:
    """Control: the entry's own case holds."""
    best = _best(DEADLOCK.format(res="lock"))
    assert best is not None
    assert best.id == "lock_timeout_deadlock"


# --------------------------------------------------------------------------------------
# 9. Presto's 'total memory limit'
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "com.facebook.presto.ExceededMemoryLimitException: Query exceeded per-node total memory"
        " limit of 8GB [Allocated: 7.99GB, Delta: 12MB]\n",
        "io.prestosql.spi.PrestoException: Query exceeded distributed total memory limit of 40GB\n",
    ],
    ids=["per-node-total", "distributed-total"],
)
def test_presto_total_memory_limit_is_the_engine_out_of_memory(text: str) -> None:
    """Presto's ExceededMemoryLimitException has four wordings: per-node / distributed,
    user / total. The entry takes ``(?:user )?`` only, so the two 'total' ones (the
    limit that counts system memory too) get no diagnosis."""
    best = _best(text)
    assert best is not None
    assert best.id == "db_server_out_of_memory"


def test_trino_user_memory_limit_is_the_engine_out_of_memory() -> None:
    """Control: the 'user' wording, relayed by the trino Python client, holds."""
    text = (
        TB + "trino.exceptions.TrinoQueryError: TrinoQueryError(type=INSUFFICIENT_RESOURCES,"
        ' name=EXCEEDED_GLOBAL_MEMORY_LIMIT, message="Query exceeded distributed user memory limit'
        ' of 20GB", query_id=20310203_040506_00012_abcde)\n'
    )
    best = _best(text)
    assert best is not None
    assert best.id == "db_server_out_of_memory"


# --------------------------------------------------------------------------------------
# 10. libstdc++'s GLIBCXX version
# --------------------------------------------------------------------------------------


def test_glibcxx_version_not_found_is_a_missing_shared_library() -> None:
    """``version `GLIBCXX_3.4.30' not found`` (a conda env's old libstdc++ shadowing the
    one pyarrow or a wheel was built against) is the most frequent of these messages in
    Python jobs. The entry's ``GLIBC_[\\d.]+`` does not take ``GLIBCXX_``: the alert gets
    the generic "a module is installed but importing from it fails"."""
    text = (
        TB + "ImportError: /opt/conda/lib/libstdc++.so.6: version `GLIBCXX_3.4.30' not found"
        " (required by /opt/conda/lib/python3.11/site-packages/pyarrow/libarrow.so.1500)\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "shared_library_missing"
    assert "GLIBCXX_3.4.30" in best.cause


def test_glibc_version_not_found_is_a_missing_shared_library() -> None:
    """Control: the entry's own GLIBC case holds."""
    text = (
        "/opt/tools/bin/loader: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found"
        " (required by /opt/tools/bin/loader)\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "shared_library_missing"


# --------------------------------------------------------------------------------------
# 11. 'daemonic processes' outside Celery
# --------------------------------------------------------------------------------------


def test_nested_pool_outside_celery_is_not_blamed_on_celery() -> None:
    """A plain script (no Celery anywhere in the trace) starts a ``multiprocessing.Pool``
    inside a Pool worker: Python raises the same ``AssertionError: daemonic processes are
    not allowed to have children``. The alert says "the task forks inside a Celery worker
    process" for a job that has no Celery worker."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.11/multiprocessing/pool.py", line 125, in worker\n'
        "    result = (True, func(*args, **kwds))\n"
        '  File "/srv/etl/score.py", line 22, in score_chunk\n'
        "    with Pool(4) as inner:\n"
        '  File "/usr/lib/python3.11/multiprocessing/process.py", line 118, in start\n'
        "    assert not _current_process._config.get('daemon'), \\\n"
        "AssertionError: daemonic processes are not allowed to have children\n"
    )
    best = _best(text)
    assert best is not None
    assert "Celery" not in best.cause


# --------------------------------------------------------------------------------------
# 12. dbt before 1.6: 'in package' (not 'in package or project')
# --------------------------------------------------------------------------------------

DBT_OLD = (
    "12:00:02  Encountered an error:\nCompilation Error\n  Model 'model.shop.orders_daily'"
    " (models/marts/orders_daily.sql) depends on a node named 'dim_customer' in package"
    " 'shared' which {reason}\n"
)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("was not found", "'dim_customer'"), ("is disabled", "is disabled")],
    ids=["not-found", "disabled"],
)
def test_dbt_two_argument_ref_in_older_dbt_names_the_node(reason: str, expected: str) -> None:
    """dbt 1.0-1.5 writes a two-argument ref's package as ``in package 'shared' `` (1.6
    and later: ``in package or project 'shared' ``). The commit widened the entries for
    the new wording only: on the older dbt that many images still pin, the ref to a
    missing or disabled node gets no diagnosis."""
    best = _best(DBT_OLD.format(reason=reason))
    assert best is not None
    assert best.id == "dbt_compilation_error"
    assert expected in best.cause


def test_dbt_disabled_node_in_new_wording() -> None:
    """Control: the 1.6+ wording with a package and a version is the disabled entry."""
    text = (
        "12:00:02  Encountered an error:\nCompilation Error\n  Model 'model.shop.orders_daily'"
        " (models/marts/orders_daily.sql) depends on a node named 'dim_customer' with version"
        " '2' in package or project 'shared' which is disabled\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "dbt_compilation_error"
    assert "is disabled" in best.cause


# --------------------------------------------------------------------------------------
# 13. Spark's insertInto wording of a column count mismatch
# --------------------------------------------------------------------------------------


def test_spark_insert_into_column_count_mismatch() -> None:
    """The entry says "Spark's insertInto / saveAsTable", but matches only saveAsTable's
    ``The column number of the existing table``; ``insertInto`` (Spark 3.0-3.3) says
    ``... requires that the data to be inserted have the same number of columns as the
    target table: target table has 2 column(s) but the inserted data has 3 column(s)`` and
    gets no diagnosis."""
    text = (
        "pyspark.sql.utils.AnalysisException: `shop`.`orders` requires that the data to be"
        " inserted have the same number of columns as the target table: target table has 2"
        " column(s) but the inserted data has 3 column(s), including 0 partition column(s)"
        " having constant value(s).\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "column_count_mismatch"


# --------------------------------------------------------------------------------------
# What held
# --------------------------------------------------------------------------------------


def test_python_schema_registry_client_wording_is_the_missing_subject() -> None:
    """confluent_kafka's SchemaRegistryError (``SR code 40401``) still names the subject."""
    text = (
        TB + "confluent_kafka.schema_registry.error.SchemaRegistryError: Subject 'orders-value'"
        " not found. (HTTP status code 404, SR code 40401)\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "record_schema_not_found"


def test_debezium_long_offset_context_is_the_lost_binlog_position() -> None:
    """Debezium 1.6+ prints the whole offset context (over 400 characters) between
    'starting at' and 'no longer available': an entry still names the purged binlog."""
    offset = (
        "MySqlOffsetContext [sourceInfoSchema=Schema{io.debezium.connector.mysql.Source:STRUCT},"
        " sourceInfo=SourceInfo [currentGtid=null, currentBinlogFilename=mysql-bin.000213,"
        " currentBinlogPosition=80412, currentRowNumber=0, serverId=0, sourceTime=null,"
        " threadId=-1, currentQuery=null, tableIds=[], databaseName=null],"
        " snapshotCompleted=false, transactionContext=TransactionContext"
        " [currentTransactionId=null, perTableEventCount={}, totalEventCount=0],"
        " restartGtidSet=null, currentGtidSet=null, restartBinlogFilename=mysql-bin.000213,"
        " restartBinlogPosition=80412, restartRowsToSkip=0, restartEventsToSkip=0,"
        " currentEventLengthInBytes=0, inTransaction=false, transactionId=null]"
    )
    text = (
        "io.debezium.DebeziumException: The connector is trying to read binlog starting at "
        + offset
        + ", but this is no longer available on the server. Reconfigure the connector to use"
        " a snapshot when needed.\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "cdc_log_position_lost"


def test_dbt_deps_clone_url_with_a_token_is_masked_in_the_cause() -> None:
    """The {url} slot quotes a clone URL; after redaction its token is masked."""
    token = "Xk9pQ2mZr7LwT4vB8nC1"
    text = (
        "Encountered an error:\nGot a non-zero returncode running: ['git', 'clone', '--depth',"
        f" '1', 'https://oauth2:{token}@gitlab.example.com/data/dbt-shared.git', '9f2c']\n"
    )
    best = _best(redact(text))
    assert best is not None
    assert best.id == "dbt_deps_error"
    assert token not in best.cause
    assert "gitlab.example.com" in best.cause


def test_oracle_thin_mode_similar_to_ora_12514_is_the_unknown_service() -> None:
    """python-oracledb's thin mode (DPY-6001 ... Similar to ORA-12514) names the service."""
    text = (
        TB + "oracledb.exceptions.OperationalError: DPY-6001: cannot connect to database"
        ' (CONNECTION_ID=abc). Service "ORCLPDB" is not registered with the listener at host'
        ' "db" port 1521. (Similar to ORA-12514)\n'
    )
    best = _best(text)
    assert best is not None
    assert best.id == "db_service_name_unknown"


def test_airflow_bash_command_taken_for_a_template_is_the_template_entry() -> None:
    """Airflow's classic trap: a bash_command ending in '.sh' read as a template file."""
    text = TB + "jinja2.exceptions.TemplateNotFound: bash /opt/scripts/run_export.sh\n"
    best = _best(text)
    assert best is not None
    assert best.id == "template_render_error"


def test_a_template_file_path_stays_the_missing_file() -> None:
    """A real template path (no space, no braces) keeps the older 'file missing' entry."""
    text = TB + "jinja2.exceptions.TemplateNotFound: sql/load_orders.sql\n"
    best = _best(text)
    assert best is not None
    assert best.id == "input_file_missing"


def test_a_dbt_test_warning_on_a_disabled_node_is_not_the_later_failure() -> None:
    """dbt warns about a test on a disabled model at parse time, then a model fails on a
    missing relation. Relayed by Airflow's BashOperator: the disabled-node entry (priority
    93) does not take over the failure's alert."""
    relay = "subprocess.py:93"
    lines = [
        af(1, "subprocess.py:86", "INFO", "Output:"),
        af(2, relay, "INFO", "12:00:01  Running with dbt=1.7.4"),
        af(2, relay, "INFO", "12:00:02  [WARNING]: Test 'test.shop.not_null_stg_returns_id.1a2b3c'"
           " (models/staging/schema.yml) depends on a node named 'stg_returns' which is disabled"),
        af(3, relay, "INFO", "12:00:05  Database Error in model stg_orders"
           " (models/staging/stg_orders.sql)"),
        af(3, relay, "INFO", '12:00:05    relation "raw.orders" does not exist'),
        af(3, relay, "INFO", "12:00:05  Done. PASS=11 WARN=0 ERROR=1 SKIP=0 TOTAL=12"),
        af(4, "subprocess.py:97", "INFO", "Command exited with return code 1"),
        af(5, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/bash.py",'
        " line 243, in execute",
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a"
        " non-zero exit code 1.",
    ]  # fmt: skip
    events = _events(lines)
    assert len(events) == 1
    assert _found(events[-1])[0].id == "table_missing"


def test_numpy_2_removed_alias_names_the_alias() -> None:
    """``np.NaN`` removed in NumPy 2.0 beats the generic AttributeError entries."""
    text = (
        TB
        + "AttributeError: `np.NaN` was removed in the NumPy 2.0 release. Use `np.nan` instead.\n"
    )
    best = _best(text)
    assert best is not None
    assert best.id == "package_version_conflict"
    assert "`np.NaN`" in best.cause
