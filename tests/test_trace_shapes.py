"""Trace shapes the field prints that the parser must read to find the root exception:
a JVM package with capitals, a relay that prints source lines flush with the frames, a
notebook's traceback inside papermill's exception."""

from __future__ import annotations

from logsumd.parse import parse


def test_jvm_package_with_capitals_is_a_java_trace() -> None:
    """``org.I0Itec.zkclient.exception.ZkTimeoutException`` (zkclient's package has capitals)
    heads a Java trace under an ERROR record: it is the root, with its frames."""
    text = (
        "[2031-08-22 11:07:33,471] ERROR Server died unexpectedly:  (io.example.RegistryMain)\n"
        "org.I0Itec.zkclient.exception.ZkTimeoutException: Unable to connect to zookeeper "
        "server 'localhost:2181' with timeout of 30000 ms\n"
        "\tat org.I0Itec.zkclient.ZkClient.connect(ZkClient.java:1233)\n"
        "\tat kafka.utils.ZkUtils$.apply(ZkUtils.scala:75)\n"
    )
    root = parse(text).root
    assert root is not None
    assert root.type == "org.I0Itec.zkclient.exception.ZkTimeoutException"
    assert root.lang == "java"
    assert len(root.frames) == 2


def test_capitalised_dotted_words_are_no_java_type() -> None:
    """A dotted name with capitals that names no exception stays a log record's text."""
    text = "[2031-08-22 11:07:33,471] ERROR job.Step.Load: could not finish\n"
    root = parse(text).root
    assert root is not None
    assert root.lang == "log"


def test_relayed_traceback_with_flush_source_lines() -> None:
    """Airflow's spark-submit hook re-logs the driver's traceback without indentation: the
    source line under a frame is no exception, the exception line after the frames is."""
    prefix = "[2031-08-17T04:07:45.251+0000] {spark_submit.py:491} INFO - "
    lines = [
        "Traceback (most recent call last):",
        'File "/opt/jobs/spark_processing.py", line 20, in <module>',
        "stock_df = spark.read.csv('A.csv', header=True)",
        'File "/usr/lib/pyspark/sql/readwriter.py", line 727, in csv',
        "return self._df(self._jreader.csv(path))",
        "pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does not "
        "exist: file:/opt/jobs/A.csv.",
    ]
    trace = parse("".join(prefix + line + "\n" for line in lines))
    root = trace.root
    assert root is not None
    assert root.type == "pyspark.errors.exceptions.captured.AnalysisException"
    assert [f.file for f in root.frames][-1] == "/opt/jobs/spark_processing.py"


def test_notebook_traceback_inside_papermill_error_is_its_cause() -> None:
    """papermill prints the notebook's IPython traceback inside its own exception's message:
    the notebook's exception is the root cause (even when its paths hold spaces)."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/jobs/run.py", line 9, in <module>\n'
        "    pm.execute_notebook('etl.ipynb', 'out.ipynb')\n"
        "papermill.exceptions.PapermillExecutionError: \n"
        "---------------------------------------------------------------------------\n"
        'Exception encountered at "In [1]":\n'
        "---------------------------------------------------------------------------\n"
        "AnalysisException                         Traceback (most recent call last)\n"
        "Cell In[1], line 3\n"
        "----> 3 df = spark.read.parquet('data/output')\n"
        "\n"
        "File /home/ana maria/.venv/lib/python3.12/site-packages/pyspark/sql/readwriter.py:544,"
        " in DataFrameReader.parquet(self, *paths)\n"
        "--> 544 return self._df(self._jreader.parquet(paths))\n"
        "\n"
        "AnalysisException: [PATH_NOT_FOUND] Path does not exist: file:/data/output.\n"
    )
    root = parse(text).root
    assert root is not None
    assert root.type == "AnalysisException"
    assert "PATH_NOT_FOUND" in root.message


def test_a_rule_line_is_no_exception_message() -> None:
    """socketserver closes a traceback with a ``-----`` rule: the exception keeps an empty
    message, not the rule."""
    text = (
        "Exception occurred during processing of request from ('127.0.0.1', 54354)\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.10/socketserver.py", line 316, in _handle_request_noblock\n'
        "    self.process_request(request, client_address)\n"
        "EOFError\n"
        "----------------------------------------\n"
    )
    root = parse(text).root
    assert root is not None
    assert root.type == "EOFError"
    assert "---" not in root.message


def test_a_spark_query_plan_after_an_analysis_exception_is_its_message() -> None:
    """spark-submit's stderr pasted bare: Spark prints the analysed plan after an
    ``AnalysisException``'s message (an unresolved root marked ``'``, nodes under ``+-`` and
    ``:-``); the plan is the message's, the shell's next prompt is not."""
    from tests.test_corpus_shapes import _events, _spans

    lines = [
        'scala> spark.table("sales_raw").select("ws_item_sk", "ws_quantity").show()',
        "org.apache.spark.sql.AnalysisException: cannot resolve '`ws_item_sk`' given input "
        "columns: [sales_raw.value]; line 3 pos 7;",
        "'Project ['ws_item_sk, 'ws_quantity]",
        "+- 'Join Inner",
        "   :- SubqueryAlias sales_raw",
        "   :  +- LogicalRDD [value#12], false",
        "   +- Project [item_id#30, price#31]",
        "",
        "scala> :quit",
    ]
    assert _spans(_events(lines)) == [(2, 7)]


def test_pyarrows_schema_lines_continue_a_schema_mismatch() -> None:
    """pyarrow (through dask or pandas) prints the schema that differs after the message,
    one ``field: type`` a line: they are the message's; a line of prose is not."""
    from tests.test_corpus_shapes import _events, _spans

    lines = [
        ">>> ddf = dd.read_parquet('s3://lake/orders/')",
        "Traceback (most recent call last):",
        '  File "/srv/etl/load.py", line 12, in load',
        "    ddf = dd.read_parquet(path)",
        "ValueError: Schema in s3://lake/orders/part.3.parquet was different. ",
        "order_id: int64",
        "amount: decimal128(12, 2) not null",
        "placed_at: timestamp[us, tz=UTC]",
        "tags: list<item: string>",
        "Loading stopped: see the runbook",
    ]
    assert _spans(_events(lines)) == [(2, 9)]


def test_an_error_title_before_the_colon_takes_the_next_line() -> None:
    """Snowflake's connector ends the exception line on ``SQL compilation error:`` and
    prints the error itself on the next line: it is the exception's message (plain
    stderr, no record prefix to tell); a message ending on another word and a colon takes
    nothing more."""
    from tests.test_corpus_shapes import _events, _spans

    head = [
        "Traceback (most recent call last):",
        '  File "/srv/etl/load.py", line 40, in load',
        "    cur.execute(sql)",
    ]
    title = [
        *head,
        "snowflake.connector.errors.ProgrammingError: 002003 (42S02): 01b2-0000: SQL "
        "compilation error:",
        "Object 'ANALYTICS.RAW.ORDERS' does not exist or not authorized.",
        "",
        "loader stopped",
    ]
    assert _spans(_events(title)) == [(1, 5)]
    value = [*head, "ValueError: no rows for region:", "loader stopped"]
    assert _spans(_events(value)) == [(1, 4)]


def test_snowflake_access_control_and_execution_titles_take_the_next_line() -> None:
    """``SQL access control error:`` and ``SQL execution error:`` are Snowflake's titles
    too: the error's own text is on the next line."""
    from tests.test_corpus_shapes import _events, _spans

    for title in ("SQL access control error:", "SQL execution error:"):
        lines = [
            f"snowflake.connector.errors.ProgrammingError: 003001 (42501): 01c3-0000: {title}",
            "Insufficient privileges to operate on schema 'STAGING'",
            "",
            "next job started",
        ]
        assert _spans(_events(lines)) == [(1, 2)], title
    other = [
        "snowflake.connector.errors.ProgrammingError: 003001 (42501): access control:",
        "next job started",
    ]
    assert _spans(_events(other)) == [(1, 1)]


def test_sqlalchemys_parenthesised_type_printed_alone_is_an_exception_line() -> None:
    """A script that prints a SQLAlchemy error as it is (``print(err)``) starts the line
    with the driver's type in parentheses: that is an exception line, with SQLAlchemy's
    ``[SQL: ...]`` and background link; parentheses around other words are not."""
    from tests.test_corpus_shapes import _events, _spans

    lines = [
        "loading orders",
        '(psycopg2.errors.UndefinedTable) relation "stage.orders_v2" does not exist',
        "[SQL: INSERT INTO stage.orders_v2 SELECT * FROM tmp_orders]",
        "(Background on this error at: https://sqlalche.me/e/20/f405)",
        "",
        "done",
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 4)]
    root = parse("\n".join(lines[1:4]) + "\n").root
    assert root is not None
    assert root.type == "psycopg2.errors.UndefinedTable"
    for plain in ("(see below) error count 3", "(Errors) were ignored: 0 rows", "(a.b) Error"):
        assert _spans(_events(["start", plain, "done"])) == [], plain


def test_a_librarys_advice_below_its_error_is_part_of_the_message() -> None:
    """PySpark prints ``Please check environment variables ...`` on the line after its
    error and DuckDB ``Did you mean "x"?``: the message goes on; other prose does not."""
    from tests.test_corpus_shapes import _events, _spans

    error = (
        "pyspark.errors.exceptions.base.PySparkRuntimeError: [PYTHON_VERSION_MISMATCH] "
        "Python in worker has different version (3, 9) than that in driver 3.12, PySpark "
        "cannot run with different minor versions."
    )
    for advice in (
        "Please check environment variables PYSPARK_PYTHON and PYSPARK_DRIVER_PYTHON are set.",
        'Did you mean "stg_orders"?',
        "Make sure the worker image has the same Python.",
    ):
        assert _spans(_events(["start", error, advice, "", "done"])) == [(2, 3)], advice
    for prose in ("Pleased to report 3 rows", "Done in 3 s", "Maybe later"):
        assert _spans(_events(["start", error, prose, "done"])) == [(2, 2)], prose
