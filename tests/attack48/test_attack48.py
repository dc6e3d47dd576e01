# ruff: noqa: E501
"""Red team attack48: pydantic's error lines and an exception's XML body in a file
without record prefixes (6fefba5, ``logsumd/assemble/multiline.py``: ``_VALIDATION_TITLE``,
``P_EXC_FIELDS``, ``_LOCATION``, ``_XML_LINE`` and their use in ``exc_phase`` / ``follow``).

Every line below is written here in the shape pydantic v1/v2, pydantic-settings, boto,
the legacy Azure storage SDK, curl, bash and python logging print it.  A test marked xfail
shows a problem a user meets (FINDINGS.md); an unmarked test is an attack that held.
"""

from __future__ import annotations

import tempfile
import time

import pytest

from logsumd.config import SummarizerSettings
from logsumd.records import Classification, Event, Summary
from logsumd.summarize.factory import make_summarizer
from logsumd.understand import Redactor, classify, understand
from tests.test_multiline_rules import run, spans

_REDACTOR = Redactor(())
_SUMMARIZER = make_summarizer(SummarizerSettings(), tempfile.mkdtemp(), _REDACTOR)


class Alert:
    """What the on-call engineer gets for one event: classification, fingerprint and
    the default (catalogue) summary."""

    def __init__(self, event: Event) -> None:
        self.event, self.cls, self.fp = understand(event, _REDACTOR)
        self.summary: Summary = _SUMMARIZER.summarize(self.event, self.cls)

    @property
    def category(self) -> str:
        """The category the alert reports (the catalogue entry's, else the classifier's)."""
        return self.summary.category or self.cls.category

    @property
    def message(self) -> str:
        c: Classification = self.cls
        return c.message


def alerts(text: str) -> list[Alert]:
    return [Alert(e) for e in run(text)]


def tb(
    path: str = "/srv/etl/settings.py", line: int = 40, code: str = "settings = PipelineSettings()"
) -> str:
    return (
        "Traceback (most recent call last):\n"
        f'  File "{path}", line {line}, in <module>\n'
        f"    {code}\n"
    )


TB = tb()
UPLOAD_TB = tb(
    "/srv/etl/upload.py", 88, "blob_service.create_blob_from_path(container, name, path)"
)
PARSE_TB = tb("/srv/etl/parse_orders.py", 17, "rows = parse(path)")

V2_MISSING = (
    "pydantic_core._pydantic_core.ValidationError: 1 validation error for PipelineSettings\n"
    "warehouse_dsn\n"
    "  Field required [type=missing, input_value={}, input_type=dict]\n"
    "    For further information visit https://errors.pydantic.dev/2.7/v/missing\n"
)

S3_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Error><Code>{code}</Code><Message>{msg}</Message>"
    "<RequestId>4442587FB7D0A2F9</RequestId><HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>\n"
)


# --------------------------------------------------------------------------------------
# finding 1: any bare word after pydantic's errors is taken as one more location line:
# the OOM kill of the next step ("Killed", bash's message) is swallowed


def test_oom_kill_right_after_pydantic_errors_is_its_own_alert() -> None:
    """A cron wrapper runs two steps with stderr to one file.  The first dies on a missing
    setting; the second is OOM-killed and sh prints ``Killed``.  The on-call engineer must
    get both alerts: the settings failure and the kill (a ``Killed`` line alone is an
    alert, see the next test)."""
    got = alerts(TB + V2_MISSING + "Killed\n")
    assert spans(run(TB + V2_MISSING + "Killed\n")) == [(1, 7, "python"), (8, 8, "generic")]
    assert got[1].category == "resource"
    assert "Killed" not in got[0].message


def test_killed_alone_and_after_a_plain_exception_is_an_alert() -> None:
    """Control: the same ``Killed`` after an ordinary exception line is an alert."""
    assert spans(run("loading orders\nKilled\n")) == [(2, 2, "generic")]
    assert spans(run(TB + "ValueError: bad row 7\nKilled\n")) == [
        (1, 4, "python"),
        (5, 5, "generic"),
    ]


# --------------------------------------------------------------------------------------
# finding 2: the program's next bare-word output (a table name the loop echoes) is glued
# to pydantic's errors: the alert names the wrong table and the fingerprint splits


def test_next_tables_name_is_not_glued_to_pydantic_errors() -> None:
    """``for t in orders customers invoices; do echo $t; python load.py $t; done`` with a
    missing ``WAREHOUSE_DSN``: the same failure three times.  Each alert must hold its own
    error only (not the name of the table loaded after it), and the three must share one
    fingerprint so they group into one alert with a count."""
    text = "".join(t + "\n" + TB + V2_MISSING for t in ("orders", "customers", "invoices"))
    got = alerts(text)
    assert len(got) == 3
    assert "customers" not in got[0].message
    assert "invoices" not in got[1].message
    assert len({a.fp for a in got}) == 1


def test_pydantic_error_then_a_sentence_stays_apart() -> None:
    """Held: the program's next sentence (with spaces) ends the errors."""
    got = alerts(TB + V2_MISSING + "Retrying in 30 seconds\n")
    assert len(got) == 1
    assert spans([got[0].event]) == [(1, 7, "python")]


# --------------------------------------------------------------------------------------
# finding 3: XML-looking lines are taken after *any* Python exception: a later step's XML
# output (curl of an S3 URL) or a Python repr (<Response [200]>) joins an unrelated error


def test_next_steps_xml_does_not_rewrite_a_parse_error() -> None:
    """``python parse_orders.py; curl -s https://bucket.s3.amazonaws.com/...`` into one
    log: the parse error's alert must stay a parse error (data_format), not S3's
    AccessDenied diagnosis of a different command."""
    text = (
        PARSE_TB
        + "ValueError: could not parse row 7 of orders.csv\n"
        + S3_XML.format(code="AccessDenied", msg="Access Denied")
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 4, "python")]
    assert got[0].category == "data_format"
    assert got[0].summary.diagnosis != "s3_access_denied"


def test_a_python_repr_printed_next_is_not_an_xml_body() -> None:
    """A script catches the error, prints the traceback and goes on: ``print(resp)`` gives
    ``<Response [200]>``, ``print(mod)`` gives ``<module 'x' from '...'>``.  Neither is XML
    nor the exception's message."""
    assert spans(run(PARSE_TB + "ValueError: bad row 7\n<Response [200]>\n")) == [(1, 4, "python")]
    assert spans(
        run(
            PARSE_TB
            + "ValueError: bad row 7\n<module 'etl.settings' from '/srv/etl/settings.py'>\n"
        )
    ) == [(1, 4, "python")]


# --------------------------------------------------------------------------------------
# finding 4: real pydantic v2 location lines and titles the new regexes refuse: the
# errors are cut (the missing setting is lost) as before the change


def test_a_location_with_a_space_keeps_the_errors_after_it() -> None:
    """A row model with ``Field(alias="Unit Price")`` (loc_by_alias is pydantic's default):
    pydantic prints the location ``Unit Price``.  The alert must keep every error."""
    text = (
        PARSE_TB
        + "pydantic_core._pydantic_core.ValidationError: 2 validation errors for OrderRow\n"
        "Unit Price\n"
        "  Input should be a valid number, unable to parse string as a number [type=float_parsing, input_value='n/a', input_type=str]\n"
        "Order ID\n"
        "  Field required [type=missing, input_value={'Unit Price': 'n/a'}, input_type=dict]\n"
        "next file\n"
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 8, "python")]
    assert "Order ID" in got[0].message


def test_a_union_members_location_keeps_the_errors_after_it() -> None:
    """``schedule: Union[Annotated[str, AfterValidator(check_cron)], int]``: pydantic v2
    names each union member in the location, with its validator."""
    text = (
        TB + "pydantic_core._pydantic_core.ValidationError: 3 validation errors for JobSettings\n"
        "schedule.function-after[check_cron(), str]\n"
        "  Value error, not a cron expression [type=value_error, input_value='hourly', input_type=str]\n"
        "schedule.int\n"
        "  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='hourly', input_type=str]\n"
        "warehouse_dsn\n"
        "  Field required [type=missing, input_value={'schedule': 'hourly'}, input_type=dict]\n"
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 10, "python")]
    assert "warehouse_dsn" in got[0].message


def test_a_type_adapter_title_with_a_hyphen_takes_its_errors() -> None:
    """``TypeAdapter(Annotated[Union[S3Source, GcsSource], Field(discriminator="kind")])``
    titles the error with the schema's name."""
    text = (
        TB
        + "pydantic_core._pydantic_core.ValidationError: 1 validation error for tagged-union[S3Source,GcsSource]\n"
        "s3.bucket\n"
        "  Field required [type=missing, input_value={'kind': 's3'}, input_type=dict]\n"
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 6, "python")]
    assert "s3.bucket" in got[0].message


# --------------------------------------------------------------------------------------
# finding 5: a validator's message with a line break (raise ValueError(f"...:\n{x}")):
# pydantic prints it raw at column 0 and the errors after it are lost


def test_a_validator_message_spanning_lines_keeps_the_errors_after_it() -> None:
    text = (
        TB + "pydantic_core._pydantic_core.ValidationError: 2 validation errors for JobSettings\n"
        "tables\n"
        "  Value error, unknown tables:\n"
        "orders_v2\n"
        "customers_tmp (did you mean customers?) [type=value_error, input_value=['orders_v2', 'customers_tmp'], input_type=list]\n"
        "warehouse_dsn\n"
        "  Field required [type=missing, input_value={'tables': ['orders_v2', 'customers_tmp']}, input_type=dict]\n"
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 10, "python")]
    assert "warehouse_dsn" in got[0].message


# --------------------------------------------------------------------------------------
# finding 6: the legacy Azure storage SDK's XML body (the one the commit names) breaks
# its <Message> over lines: its first line does not end on '>' and the body is lost


AZURE_AUTH = (
    "azure.common.AzureHttpError: Server failed to authenticate the request. Make sure the value "
    "of Authorization header is formed correctly including the signature. ErrorCode: AuthenticationFailed\n"
    '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed '
    "to authenticate the request. Make sure the value of Authorization header is formed correctly "
    "including the signature.\n"
    "RequestId:5f1c8a1e-701e-0041-2f3b-8c3b9e000000\n"
    "Time:2026-03-01T04:10:05.1234567Z</Message><AuthenticationErrorDetail>Request date header too old: "
    "'Sun, 01 Mar 2026 03:40:01 GMT'</AuthenticationErrorDetail></Error>\n"
)


def test_legacy_azure_xml_body_with_line_breaks_is_the_message() -> None:
    """``azure-storage`` 0.36/2.x ``AzureHttpError``: the XML body follows the exception
    line, and the service's ``<Message>`` holds ``\\nRequestId:...\\nTime:...``.  In a
    prefixed file the body is read and the alert says to fix the clock; in a script's
    stderr it must say the same."""
    got = alerts(UPLOAD_TB + AZURE_AUTH + "uploading the next partition\n")
    assert spans([got[0].event]) == [(1, 7, "python")]
    assert "Request date header too old" in got[0].message
    assert got[0].summary.diagnosis == "s3_clock_skew"


def test_legacy_azure_xml_body_in_a_prefixed_file_names_the_clock() -> None:
    """Control for finding 6: the same lines under a python-logging record."""
    text = (
        "2026-03-01 04:10:05,120 - uploader - ERROR - upload of part-0007 failed\n"
        + UPLOAD_TB
        + AZURE_AUTH
        + "2026-03-01 04:10:06,120 - uploader - INFO - uploading the next partition\n"
    )
    got = alerts(text)
    assert len(got) == 1
    assert got[0].summary.diagnosis == "s3_clock_skew"


# --------------------------------------------------------------------------------------
# finding 7: the catalogue's diagnosis of a missing setting reads only pydantic v2's
# first error of a top-level field: v1, a nested key, or a missing field after another
# error get "inspect the input for malformed values"


def test_pydantic_v1_missing_setting_is_diagnosed() -> None:
    """pydantic v1 ``BaseSettings`` (still common beside Airflow 2.x): the env var for
    ``snowflake_password`` is not set."""
    text = (
        TB + "pydantic.error_wrappers.ValidationError: 1 validation error for Settings\n"
        "snowflake_password\n"
        "  field required (type=value_error.missing)\n"
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 6, "python")]
    assert got[0].summary.diagnosis == "config_key_missing"
    assert "snowflake_password" in got[0].summary.text.split("\n", 1)[1]


def test_missing_setting_after_another_error_is_diagnosed() -> None:
    text = (
        TB
        + "pydantic_core._pydantic_core.ValidationError: 2 validation errors for PipelineSettings\n"
        "batch_size\n"
        "  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='ten', input_type=str]\n"
        "warehouse_dsn\n"
        "  Field required [type=missing, input_value={'batch_size': 'ten'}, input_type=dict]\n"
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 8, "python")]
    assert "warehouse_dsn" in got[0].summary.text.split("\n", 1)[1]


def test_missing_nested_setting_is_diagnosed() -> None:
    text = (
        TB
        + "pydantic_core._pydantic_core.ValidationError: 1 validation error for PipelineSettings\n"
        "warehouse.password\n"
        "  Field required [type=missing, input_value={'host': 'wh.internal'}, input_type=dict]\n"
    )
    got = alerts(text)
    assert spans([got[0].event]) == [(1, 6, "python")]
    assert got[0].summary.diagnosis == "config_key_missing"


# --------------------------------------------------------------------------------------
# attacks that held


def test_v2_missing_setting_is_diagnosed() -> None:
    got = alerts(TB + V2_MISSING + "starting the next table load\n")
    assert len(got) == 1
    assert got[0].summary.diagnosis == "config_key_missing"
    assert got[0].category == "key_missing"
    assert "warehouse_dsn" in got[0].summary.text


def test_crlf_pydantic_errors_are_taken() -> None:
    text = (TB + V2_MISSING + "starting the next table load\n").replace("\n", "\r\n")
    got = alerts(text)
    assert spans([a.event for a in got]) == [(1, 7, "python")]
    assert "warehouse_dsn" in got[0].message


def test_ansi_coloured_title_opens_the_errors() -> None:
    text = (
        TB
        + "\x1b[31mpydantic_core._pydantic_core.ValidationError: 1 validation error for Settings\x1b[0m\nwarehouse_dsn\n  Field required [type=missing]\nnext step\n"
    )
    assert spans(run(text)) == [(1, 6, "python")]


def test_v1_arrows_and_root_locations() -> None:
    text = (
        TB + "pydantic.error_wrappers.ValidationError: 2 validation errors for Order\n"
        "items -> 0 -> __root__\n"
        "  quantity must be positive (type=value_error)\n"
        "__root__\n"
        "  totals do not add up (type=value_error)\n"
        "Retrying in 30 seconds\n"
    )
    assert spans(run(text)) == [(1, 8, "python")]


def test_chained_exception_after_the_errors_is_one_event() -> None:
    text = (
        TB
        + V2_MISSING
        + "\nThe above exception was the direct cause of the following exception:\n\n"
        + tb("/srv/etl/main.py", 9, "load()")
        + "RuntimeError: settings could not be loaded\nnext job starts\n"
    )
    got = alerts(text)
    assert spans([a.event for a in got]) == [(1, 14, "python")]


def test_second_traceback_after_an_xml_body_is_a_new_event() -> None:
    text = (
        UPLOAD_TB
        + "boto.exception.S3ResponseError: S3ResponseError: 404 Not Found\n"
        + S3_XML.format(code="NoSuchKey", msg="The specified key does not exist.")
        + PARSE_TB
        + "KeyError: 'region'\n"
    )
    assert spans(run(text)) == [(1, 6, "python"), (7, 10, "python")]


def test_records_right_after_the_body_are_their_own_events() -> None:
    """python logging's default ``ERROR:root:...`` and a timestamped record."""
    a = run(TB + V2_MISSING + "ERROR:root:load of orders failed\n")
    assert spans(a) == [(1, 7, "python"), (8, 8, "generic")]
    b = run(
        UPLOAD_TB
        + "boto.exception.S3ResponseError: S3ResponseError: 403 Forbidden\n"
        + S3_XML.format(code="AccessDenied", msg="Access Denied")
        + "2026-03-01 04:10:09,120 - loader - ERROR - load of customers failed: timeout\n"
    )
    assert spans(b) == [(1, 6, "python"), (7, 7, "generic")]


def test_two_bare_validation_errors_are_two_events() -> None:
    text = (
        "ValidationError: 1 validation error for Order\nprice\n  Input should be greater than 0 [type=greater_than]\n"
        "ValidationError: 1 validation error for Order\nquantity\n  Input should be a valid integer [type=int_type]\n"
    )
    assert spans(run(text)) == [(1, 3, "python"), (4, 6, "python")]


def test_dbt_title_after_the_errors_is_its_own_event() -> None:
    text = (
        TB
        + V2_MISSING
        + 'Database Error in model orders (models/marts/orders.sql)\n  relation "raw.orders" does not exist\n'
    )
    got = run(text)
    assert spans(got)[0] == (1, 7, "python")
    assert len(got) == 2


def test_pretty_printed_xml_body_is_taken() -> None:
    text = (
        UPLOAD_TB + "boto.exception.S3ResponseError: S3ResponseError: 404 Not Found\n"
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>NoSuchKey</Code>\n'
        "  <Message>The specified key does not exist.</Message>\n  <Key>raw/orders.parquet</Key>\n</Error>\n"
        "uploading the next partition\n"
    )
    got = alerts(text)
    assert spans([a.event for a in got]) == [(1, 10, "python")]
    assert got[0].summary.diagnosis == "s3_no_such_key"


@pytest.mark.parametrize(
    ("code", "msg", "diagnosis", "category"),
    [
        (
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            "s3_clock_skew",
            None,
        ),
        (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            None,
            "auth",
        ),
        ("NoSuchKey", "The specified key does not exist.", "s3_no_such_key", "cloud_storage"),
        ("AccessDenied", "Access Denied", "s3_access_denied", "permission"),
    ],
)
def test_s3_error_codes_in_the_xml_body_are_diagnosed(
    code: str, msg: str, diagnosis: str | None, category: str | None
) -> None:
    text = (
        UPLOAD_TB
        + "boto.exception.S3ResponseError: S3ResponseError: 403 Forbidden\n"
        + S3_XML.format(code=code, msg=msg)
        + "uploading the next partition\n"
    )
    got = alerts(text)
    assert spans([a.event for a in got]) == [(1, 6, "python")]
    assert code in got[0].message
    if diagnosis:
        assert got[0].summary.diagnosis == diagnosis
    if category:
        assert got[0].category == category


def test_py4j_error_with_init_frames_is_one_event() -> None:
    text = (
        tb("/srv/etl/spark_job.py", 31, 'df.write.parquet("s3a://lake/orders")')
        + "py4j.protocol.Py4JJavaError: An error occurred while calling o88.parquet.\n"
        ": java.nio.file.AccessDeniedException: s3a://lake/orders: getFileStatus on s3a://lake/orders: 403 Forbidden\n"
        "\tat org.apache.hadoop.fs.s3a.S3AUtils.translateException(S3AUtils.java:255)\n"
        "\tat org.apache.hadoop.fs.s3a.S3AFileSystem.<init>(S3AFileSystem.java:311)\n"
        "next job\n"
    )
    assert spans(run(text)) == [(1, 7, "python")]


def test_many_errors_are_bounded_and_fast() -> None:
    n = 20000
    text = (
        TB
        + f"pydantic_core._pydantic_core.ValidationError: {n} validation errors for Rows\n"
        + "".join(
            f"rows.{i}.price\n  Input should be greater than 0 [type=greater_than, input_value=-1, input_type=int]\n"
            for i in range(n)
        )
        + "Retrying in 30 seconds\n"
    )
    t = time.perf_counter()
    got = run(text)
    assert time.perf_counter() - t < 5
    assert [(e.line_start, e.line_end) for e in got] == [(1, 4 + 2 * n)]
    assert len(got[0].text) < 200_000
    assert "rows.0.price" in classify(got[0]).message


@pytest.mark.parametrize(
    "line",
    [
        "<a" + ">" * 10**6,
        "<a" + "> " * 10**6 + "x",
        "a -> " * 200_000,
        " " * 10**6 + "x",
        "1 validation error for " * 40_000,
    ],
)
def test_long_lines_after_an_exception_take_linear_time(line: str) -> None:
    t = time.perf_counter()
    run(TB + "ValueError: x\n" + line + "\n")
    run(
        TB
        + "pydantic_core._pydantic_core.ValidationError: 1 validation error for S\n"
        + line
        + "\n"
    )
    run(TB + "pydantic_core._pydantic_core.ValidationError: " + line + "\n")
    assert time.perf_counter() - t < 5
