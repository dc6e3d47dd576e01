"""Red team attack38: commits 7fc068f (catalogue entries from a probe of real messages, dbt
titles ending a stated failure, pyarrow schema lines as message continuations, Snowflake's
error titles opening a message, dbt dot leaders dropped from headlines) and d00f240 (the
relay's own status lines, ``child_succeeded``, relay loggers of Airflow 3).

Every line below is written here in the shape the tool prints it; none is copied from the
evaluation corpus.
"""

from __future__ import annotations

import json
import time

import pytest

from logsumd.records import Event
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize._headline import clean_message
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify, fingerprint
from tests.attack37.test_attack37 import BASH_FAILED, _hook, _verdict
from tests.events import make_event
from tests.log_lines import af
from tests.test_corpus_shapes import _events, _spans
from tests.test_multiline_rules import run, spans


def _found(event: Event) -> list[Candidate]:
    return distinct(examine(event, classify(event), load_catalogue()).candidates)


def _best(text: str, context: tuple[str, ...] = ()) -> Candidate | None:
    found = _found(make_event(text, context))
    return found[0] if found else None


TB = [
    "Traceback (most recent call last):",
    '  File "/srv/etl/load.py", line 40, in load',
    "    cur.execute(sql)",
]

# --------------------------------------------------------------------------------------
# Relay: "Command exited with return code 0" right after the child's failure
# --------------------------------------------------------------------------------------

RELAY = "subprocess.py:93"
AF2_VERDICT = [
    af(9, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
    "Traceback (most recent call last):",
    '  File "/opt/airflow/dags/orders.py", line 51, in summarize',
    "    region = row['region']",
    "KeyError: 'region'",
]


def _af2_child_then_exit0(child: list[str]) -> list[str]:
    return [
        af(1, "subprocess.py:86", "INFO", "Output:"),
        *(af(2, RELAY, "INFO", line) for line in child),
        af(5, "subprocess.py:97", "INFO", "Command exited with return code 0"),
        *AF2_VERDICT,
    ]


def _af3_child_then_exit0(child: list[str]) -> list[str]:
    return [
        _hook(1, "Output:"),
        *(_hook(2, line) for line in child),
        _hook(3, "Command exited with return code 0"),
        _verdict(6, "KeyError", "'region'", "/opt/airflow/dags/orders.py", "summarize"),
    ]


CHILD_TB = [
    "Traceback (most recent call last):",
    '  File "/opt/jobs/notify.py", line 30, in <module>',
    "    post_metrics()",
    "TimeoutError: timed out",
]
CHILD_ERROR = ["ERROR: could not connect to server: Connection refused"]


@pytest.mark.parametrize(
    ("shape", "child"),
    [
        (_af2_child_then_exit0, CHILD_TB),
        (_af3_child_then_exit0, CHILD_TB),
        (_af2_child_then_exit0, CHILD_ERROR),
        (_af3_child_then_exit0, CHILD_ERROR),
    ],
    ids=["airflow2-traceback", "airflow3-traceback", "airflow2-error-line", "airflow3-error-line"],
)
def test_a_child_that_exits_0_right_after_its_error_is_not_the_later_failure(
    shape: object, child: list[str]
) -> None:
    """The child printed an error as its last output (a failed metrics push it handled),
    then exited 0; later the task fails on its own KeyError. The on-call engineer needs
    the KeyError alert to name the KeyError's cause, not one alert whose headline is the
    child's TimeoutError with the KeyError's diagnosis, or a KeyError headline with
    'the database refused the connection'. With one child line between the error and
    the exit status (attack37's case) the two are kept apart."""
    events = _events(shape(child))  # type: ignore[operator]
    last = events[-1]
    assert "KeyError" in last.text
    assert child[-1] not in last.text, "the child's handled error is merged into the KeyError"
    assert _found(last)[0].id == "dict_key_missing"


def test_a_child_that_exits_0_after_one_more_line_is_not_the_later_failure() -> None:
    """Control for finding 1: one more child line between the error and the exit status,
    and the later KeyError is an alert of its own."""
    lines = _af3_child_then_exit0([*CHILD_TB, "metrics push skipped"])
    events = _events(lines)
    assert "TimeoutError" not in events[-1].text
    assert _found(events[-1])[0].id == "dict_key_missing"


def test_a_child_exiting_1_after_its_traceback_is_one_event_with_the_verdict() -> None:
    """The ordinary case still holds: child traceback, exit 1, verdict: one event."""
    lines = [
        _hook(1, "Output:"),
        *(_hook(2, line) for line in CHILD_TB),
        _hook(3, "Command exited with return code 1"),
        _verdict(4, "AirflowException", BASH_FAILED),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 7)]
    assert classify(events[0]).exception_type == "TimeoutError"


def test_a_childs_own_output_header_inside_its_message_keeps_the_cause() -> None:
    """A child prints ``Output:`` inside its own exception message (a wrapper around
    dbt): the relay-status rule cuts the parsed message there, but the alert still names
    the relation that is missing."""
    lines = [
        _hook(1, "Output:"),
        _hook(2, "Traceback (most recent call last):"),
        _hook(2, '  File "/opt/jobs/run_dbt.py", line 30, in <module>'),
        _hook(2, "    run(['dbt', 'run'])"),
        _hook(2, "RuntimeError: dbt run failed with exit code 1"),
        _hook(2, "Output:"),
        _hook(2, "Database Error in model stg_orders (models/staging/stg_orders.sql)"),
        _hook(2, '  relation "raw.orders" does not exist'),
        _hook(3, "Command exited with return code 1"),
        _verdict(6, "AirflowException", BASH_FAILED),
    ]
    events = _events(lines)
    assert len(events) == 1
    assert _found(events[0])[0].id == "table_missing"


def test_airflow2_process_utils_relay_is_one_event_with_its_verdict() -> None:
    """``{process_utils.py:N}`` relays spark-submit's output: child traceback, exit 1 and
    the verdict are one event whose root is the child's ModuleNotFoundError."""
    pu = "process_utils.py:195"
    lines = [
        af(1, "process_utils.py:187", "INFO", "Executing cmd: spark-submit --master yarn job.py"),
        af(2, "process_utils.py:191", "INFO", "Output:"),
        af(3, pu, "INFO", "Traceback (most recent call last):"),
        af(3, pu, "INFO", '  File "/opt/jobs/job.py", line 3, in <module>'),
        af(3, pu, "INFO", "ModuleNotFoundError: No module named 'pyarrow'"),
        af(4, pu, "INFO", "Command exited with return code 1"),
        af(5, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/x.py", line 51, in execute',
        "airflow.exceptions.AirflowException: Cannot execute: spark-submit. Error code is: 1.",
    ]
    events = _events(lines)
    assert _spans(events) == [(3, 10)]
    assert _found(events[0])[0].id == "python_module_missing"


# --------------------------------------------------------------------------------------
# Snowflake's "SQL compilation error:" opens a message of up to 10 lines
# --------------------------------------------------------------------------------------

SNOWFLAKE = (
    "snowflake.connector.errors.ProgrammingError: 002003 (42S02): 01b2-0000: SQL compilation error:"
)
OBJECT_MISSING = "Object 'ANALYTICS.RAW.ORDERS' does not exist or not authorized."


def test_the_next_jobs_output_after_a_snowflake_message_is_not_part_of_it() -> None:
    """A cron wrapper runs the next job right after the one that failed on Snowflake
    (plain stderr, no blank line). The alert's headline reads "... not authorized;
    Starting job export_items Connecting ...", and the fingerprint changes with whatever
    the next job prints, so the same failure tomorrow is a new alert."""

    def lines(after: list[str]) -> list[str]:
        return [*TB, SNOWFLAKE, OBJECT_MISSING, *after]

    today = _events(lines(["Starting job export_items", "Connecting to warehouse",
                           "Exported 120 rows"]))  # fmt: skip
    tomorrow = _events(lines(["Starting job refresh_dashboards", "Refreshed 4 dashboards"]))
    assert "Starting job" not in classify(today[0]).message
    assert fingerprint(classify(today[0])) == fingerprint(classify(tomorrow[0]))


def test_snowflakes_multi_line_message_stays_whole() -> None:
    """Snowflake's message over two lines after the title, then a blank line: all of it
    is the message (the commit's intent holds)."""
    events = _events([*TB, SNOWFLAKE, "error line 1 at position 7",
                      "invalid identifier 'ORDER_TS'", "", "loader stopped"])  # fmt: skip
    assert _spans(events) == [(1, 6)]
    assert "invalid identifier 'ORDER_TS'" in classify(events[0]).message


def test_a_snowflake_title_with_crlf_line_ends_takes_its_message() -> None:
    """A Windows-written log (CRLF): the title still opens the message."""
    lines = [line + "\r" for line in (*TB, SNOWFLAKE, OBJECT_MISSING, "", "loader stopped")]
    events = _events(lines)
    assert _spans(events) == [(1, 5)]
    assert _found(events[0])[0].id == "table_missing"


def test_an_open_snowflake_message_then_a_new_traceback_is_two_events() -> None:
    """A second traceback right after the message is another failure."""
    events = _events([*TB, SNOWFLAKE, OBJECT_MISSING, *TB, "KeyError: 'a'"])
    assert _spans(events) == [(1, 5), (6, 9)]


def test_an_open_snowflake_title_then_another_exception_line_is_two_events() -> None:
    """The title with no message line, then a bare exception line of another failure: the
    exception line is no message of the title's."""
    other = 'psycopg2.errors.UndefinedTable: relation "o" does not exist'
    events = _events([*TB, SNOWFLAKE, other])
    assert len(events) == 2


def test_a_long_snowflake_title_line_is_linear() -> None:
    """A 440 kB line of repeated titles ending with the colon: well under a second."""
    line = "snowflake.connector.errors.ProgrammingError: " + "SQL compilation error " * 20000
    start = time.perf_counter()
    _events([*TB, line + "SQL compilation error:", "done"])
    assert time.perf_counter() - start < 2.0


# --------------------------------------------------------------------------------------
# pyarrow's schema lines as message continuations
# --------------------------------------------------------------------------------------

PARQUET = "ValueError: Schema in s3://lake/orders/part.3.parquet was different. "


def test_both_schemas_of_a_pyarrow_mismatch_are_in_the_event() -> None:
    """pyarrow formats the error as ``Schema in {piece} was different. \\n{a}\\n\\nvs\\n\\n{b}``:
    the difference the engineer needs (amount: double vs amount: string) is only visible
    with both schemas. The event ends at the blank line before ``vs``."""
    lines = [*TB, PARQUET, "order_id: int64", "amount: double", "", "vs", "",
             "order_id: int64", "amount: string", "", "loader stopped"]  # fmt: skip
    events = _events(lines)
    assert len(events) == 1
    assert "amount: string" in events[0].text


@pytest.mark.parametrize(
    "field",
    ["ship_date: date32[day]", "shipped_at: date64[ms]", "payload: large_binary",
     "uuid: fixed_size_binary[16]", "note: string_view"],
)  # fmt: skip
def test_every_pyarrow_type_continues_the_schema(field: str) -> None:
    """``str(pa.date32())`` is ``date32[day]``: a schema with a date column (most ETL
    tables) is cut at it, and the fields after it are not in the alert."""
    lines = [*TB, PARQUET, "order_id: int64", field, "amount: double", "loader stopped"]
    assert _spans(_events(lines)) == [(1, 7)]


def test_pyarrow_nested_child_lines_continue_the_schema() -> None:
    """pyarrow prints a list's child field indented under it: it stays in the event."""
    lines = [*TB, PARQUET, "order_id: int64", "tags: list<item: string>",
             "  child 0, item: string", "amount: double", "loader stopped"]  # fmt: skip
    assert _spans(_events(lines)) == [(1, 8)]


def test_a_schema_then_a_new_failure_is_two_events() -> None:
    """A new exception line right after the schema is another failure (a bare line with
    no error word, ``ArrowInvalid: Invalid: ...``, starts no event anywhere: by design)."""
    lines = [*TB, PARQUET, "order_id: int64",
             "pyarrow.lib.ArrowTypeError: Expected bytes, got a 'int' object"]  # fmt: skip
    assert _spans(_events(lines)) == [(1, 5), (6, 6)]


def test_a_config_dump_after_a_key_error_is_not_its_message() -> None:
    """The job's log is appended run after run; the next run starts by dumping its
    config (``yaml.safe_dump``: ``checkpoint: null``). The previous run's KeyError takes
    those lines as its message ("'region' checkpoint: null compression: null ..."), and
    its fingerprint now depends on the next run's config."""
    plain = _events([*TB, "KeyError: 'region'", "job: export_orders"])
    dumped = _events([*TB, "KeyError: 'region'", "checkpoint: null", "compression: null",
                      "run_date: null", "job: export_orders"])  # fmt: skip
    assert classify(dumped[0]).message == "'region'"
    assert fingerprint(classify(dumped[0])) == fingerprint(classify(plain[0]))


def test_a_huge_pyarrow_type_line_is_linear() -> None:
    """A 700 kB ``list<...`` line without its closing bracket: no backtracking blow-up."""
    line = "tags: list<" + "item: string, " * 50000
    start = time.perf_counter()
    _events([*TB, PARQUET, line, "done"])
    assert time.perf_counter() - start < 2.0


# --------------------------------------------------------------------------------------
# dbt's title ending a stated failure
# --------------------------------------------------------------------------------------

CATALOG_TIMEOUT = (
    "  000630 (57014): Statement reached its statement or warehouse timeout of 600 second(s)"
    " and was canceled."
)


@pytest.mark.parametrize(
    "first",
    [
        "12:00:05  Encountered an error while generating catalog: Database Error",
        "\x1b[33m12:00:05  Encountered an error while generating catalog: Database Error\x1b[0m",
        "\x1b[0m12:00:05.123456 [warn ] [MainThread]: Encountered an error while generating"
        " catalog: Database Error",
        "2026-03-01 04:10:02,120 - dbt - WARNING - Encountered an error while generating"
        " catalog: Database Error",
    ],
    ids=["cli-timestamp", "cli-colour", "dbt-log-file", "python-logging"],
)
def test_dbts_catalog_error_in_its_other_shapes_is_one_event(first: str) -> None:
    """The dbt title with dbt's time prefix, its colour, its file log's level, or a
    python-logging WARNING: the indented message is in the event and names the timeout."""
    events = _events(["12:00:01  Building catalog", first, CATALOG_TIMEOUT,
                      "12:00:06  Catalog written to /app/target/catalog.json"])  # fmt: skip
    assert _spans(events) == [(2, 3)]
    assert _found(events[0])[0].id == "read_timeout"


def test_dbts_catalog_error_as_a_json_log_record_is_an_event() -> None:
    """``--log-format json``: the message with its indented lines is one record."""

    def rec(level: str, name: str, msg: str, sec: int) -> str:
        info = {"level": level, "msg": msg, "name": name, "code": "E040",
                "invocation_id": "4f0c1a2e", "pid": 812, "thread": "MainThread",
                "ts": f"2026-03-01T04:10:{sec:02d}.120000Z"}  # fmt: skip
        return json.dumps({"data": {}, "info": info})

    msg = "Encountered an error while generating catalog: Database Error\n" + CATALOG_TIMEOUT
    events = _events([rec("info", "BuildingCatalog", "Building catalog", 1),
                      rec("warn", "CatalogGenerationError", msg, 5),
                      rec("info", "CatalogWritten", "Catalog written to target", 6)])  # fmt: skip
    assert _spans(events) == [(2, 2)]


@pytest.mark.parametrize(
    "line",
    [
        "Error summary: the docs list Database Error and Runtime Error codes",
        "WARNING: retrying catalog query after error: Database Error",
        "2026-03-01 04:10:02,120 - loader - INFO - last error: Database Error",
    ],
)
def test_a_dbt_title_word_without_a_stated_failure_opens_nothing(line: str) -> None:
    """A title inside a sentence, a retried error, an INFO line: no event."""
    assert spans(run("\n".join(["starting", line, "  detail line", "done"]))) == []


# --------------------------------------------------------------------------------------
# Headline: dbt's dot leaders
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ("1 of 5 ERROR creating sql table model analytics.fct_orders ........... [ERROR in 3.21s]",
         "1 of 5 ERROR creating sql table model analytics.fct_orders [ERROR in 3.21s]"),
        ("KeyError: 'a....b'", "KeyError: 'a....b'"),
        ("path ../../data/x.csv not found", "path ../../data/x.csv not found"),
    ],
)  # fmt: skip
def test_the_dot_leader_goes_and_dots_in_values_stay(message: str, cleaned: str) -> None:
    assert clean_message(message) == cleaned


def test_a_line_of_dots_is_cleaned_in_linear_time() -> None:
    start = time.perf_counter()
    clean_message("1 of 3 ERROR" + " ....." * 200000 + " [ERROR]")
    assert time.perf_counter() - start < 2.0


# --------------------------------------------------------------------------------------
# Catalogue entries from the probe
# --------------------------------------------------------------------------------------


def test_a_missing_model_checkpoint_file_is_no_great_expectations_checkpoint() -> None:
    """A scoring job cannot find its model checkpoint (``FileNotFoundError: Could not find
    checkpoint at: /mnt/...``, the wording of many training and scoring scripts). The
    alert says "Great Expectations has no checkpoint at." and "great_expectations
    checkpoint list", and its category is key_missing instead of file_io."""
    text = "\n".join([
        *TB[:1], '  File "/opt/jobs/score.py", line 22, in <module>',
        "    model = load_model(CKPT)",
        "FileNotFoundError: Could not find checkpoint at: /mnt/models/churn/epoch_12.ckpt",
    ]) + "\n"  # fmt: skip
    best = _best(text)
    assert best is None or best.id != "gx_expectation_suite_missing"


def test_great_expectations_v3_cli_wording_is_a_missing_checkpoint() -> None:
    """``great_expectations --v3-api checkpoint run`` (0.13-0.18) spells it with a capital
    C and adds "(or its configuration is invalid)"."""
    best = _best(
        "Could not find Checkpoint `orders.nightly` (or its configuration is invalid). Try"
        " running:\n  - `great_expectations checkpoint list` to verify your Checkpoint exists\n"
    )
    assert best is not None
    assert best.id == "gx_expectation_suite_missing"
    assert "orders.nightly" in best.cause


@pytest.mark.parametrize(
    "tail",
    [
        "in package or project 'shop_core' which was not found",
        "with version '2' which was not found",
        "which is disabled",
    ],
    ids=["package", "version", "disabled"],
)
def test_dbts_target_not_found_in_all_its_forms_is_a_compilation_error(tail: str) -> None:
    """dbt builds the message as ``... depends on a {kind} named '{name}'
    {version}{package}which {reason}``: a two-argument ref (dbt mesh, packages), a
    versioned model, or a disabled model. None of these get any diagnosis."""
    best = _best(
        "Compilation Error\n  Model 'model.shop.fct_orders' (models/fct_orders.sql) depends on"
        f" a node named 'stg_order' {tail}\n"
    )
    assert best is not None
    assert best.id == "dbt_compilation_error"
    assert "'stg_order'" in best.cause


def test_dbts_plain_target_not_found_is_a_compilation_error() -> None:
    best = _best(
        "Compilation Error\n  Model 'model.shop.fct_orders' (models/fct_orders.sql) depends on"
        " a node named 'stg_order' which was not found\n"
    )
    assert best is not None
    assert best.id == "dbt_compilation_error"


POLARS_TAIL = (
    " to the builder; make sure that all rows have the same schema or consider increasing"
    " `infer_schema_length`\n"
)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        ("2024-03-01 10:00:00", "datetime[μs]"),
        ("[1, 2]", "list[i64]"),
        ('"Alexanderplatz 1, 10178 Berlin, Germany (Mitte)"', "str"),
    ],
    ids=["datetime", "list", "long-value"],
)
def test_polars_inferred_type_in_its_other_shapes(value: str, dtype: str) -> None:
    """polars prints the dtype as it displays it (``datetime[μs]``, ``list[i64]``) and the
    value whole: these get no diagnosis at all."""
    best = _best(
        f"polars.exceptions.ComputeError: could not append value: {value} of type: {dtype}"
        + POLARS_TAIL
    )
    assert best is not None
    assert best.id == "type_mismatch"


def test_polars_short_value_is_a_type_mismatch() -> None:
    best = _best(
        'polars.exceptions.ComputeError: could not append value: "ORD-7731" of type: str'
        + POLARS_TAIL
    )
    assert best is not None
    assert best.id == "type_mismatch"
    assert '"ORD-7731"' in best.cause


def test_redshift_load_failure_naming_sys_load_error_detail() -> None:
    """Redshift Serverless (and current provisioned clusters) name the SYS view: the same
    COPY failure gets no diagnosis at all."""
    best = _best(
        "psycopg2.errors.InternalError_: Load into table 'stage_orders' failed. Check"
        " 'sys_load_error_detail' system table for details.\n"
    )
    assert best is not None
    assert best.id == "warehouse_load_rows_rejected"
    assert "stage_orders" in best.cause


def test_a_deprecation_notice_mentioning_rate_limits_is_still_a_notice() -> None:
    """The API answered 200 with a notice instead of data, and the notice mentions the
    old version's lowered rate limits. attack37's not_message (``rate.?limit``) removes
    api_endpoint_deprecated, and http_rate_limited says "the API is rate limiting the
    job": the engineer looks for 429s that never happened."""
    best = _best(
        "ValueError: invalid literal for int() with base 10: 'You are using a deprecated V1"
        " endpoint, switch to V2 (V1 rate limits are lowered until it is retired)'\n"
    )
    assert best is not None
    assert best.id == "api_endpoint_deprecated"


def test_a_deprecation_notice_without_rate_limits_is_a_notice() -> None:
    best = _best(
        "ValueError: invalid literal for int() with base 10: 'You are using a deprecated V1"
        " endpoint, switch to V2'\n"
    )
    assert best is not None
    assert best.id == "api_endpoint_deprecated"


def test_a_float_value_with_a_space_is_named_whole() -> None:
    """``float('12 345,50')`` (a thousands separator): the cause reads "the value '12 is not
    a number", an unbalanced quote and half the value."""
    best = _best("ValueError: could not convert string to float: '12 345,50'\n")
    assert best is not None
    assert best.id == "value_parse_error"
    assert "'12 345,50'" in best.cause


@pytest.mark.parametrize(
    ("text", "expected", "said"),
    [
        ("airflow.sdk.exceptions.AirflowRuntimeError: CONNECTION_NOT_FOUND: {'conn_id':"
         " 'warehouse-pg.prod'}\n", "airflow_connection_missing", "warehouse-pg.prod"),
        ("airflow.sdk.exceptions.AirflowRuntimeError: VARIABLE_NOT_FOUND: {'key':"
         " 'export bucket (eu)'}\n", "airflow_variable_missing", "export bucket (eu)"),
        ("pyodbc.InterfaceError: ('IM002', '[IM002] [Microsoft][ODBC Driver Manager] Data"
         " source name not found and no default driver specified (0) (SQLDriverConnect)')\n",
         "odbc_driver_missing", "ODBC"),
        ("org.apache.kafka.connect.errors.DataException: Error converting message key in topic"
         " 'orders' partition 3 at offset 99 and timestamp 1700000000000: Converting byte[] to"
         " Kafka Connect data failed due to serialization error\n",
         "kafka_deserializer_mismatch", "deserializ"),
        ("psycopg2.errors.UndefinedColumn: column o.region_id does not exist\nLINE 1: select"
         " o.region_id from orders o\n               ^\n", "column_missing", "o.region_id"),
        ("ValueError: invalid literal for int() with base 10: \"O'Brien\"\n",
         "value_parse_error", "O'Brien"),
        ("psycopg2.errors.InternalError_: Load into table 'stage_orders' failed.  Check"
         " 'stl_load_errors' system table for details.\n", "warehouse_load_rows_rejected",
         "stage_orders"),
    ],
    ids=["conn-dotted", "var-spaces", "odbc-windows", "connect-key", "pg-alias-column",
         "int-apostrophe", "redshift-stl"],
)  # fmt: skip
def test_new_entries_in_other_real_shapes(text: str, expected: str, said: str) -> None:
    best = _best(text)
    assert best is not None
    assert best.id == expected
    assert said in best.cause + " | " + best.next_step


def test_an_unquoted_column_in_a_warning_does_not_outrank_the_real_failure() -> None:
    """A schema-evolution WARN mentioning ``Column order_ts does not exist`` before an
    executor OOM: the OOM is the diagnosis."""
    best = _best(
        "org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage"
        " 7.0 failed 4 times, most recent failure: Lost task 3.3 in stage 7.0:"
        " java.lang.OutOfMemoryError: Java heap space\n",
        (
            "24/03/01 04:10:01 WARN DeltaLog: Column order_ts does not exist in the target"
            " schema; it will be added by schema evolution",
        ),
    )
    assert best is not None
    assert best.id == "driver_oom"
