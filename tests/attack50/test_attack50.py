# ruff: noqa: E501
"""Red team attack50: the catalogue's probe round p11 entries (deb0b2d, merged in e24214b):
bad data and missing keys, plus the widened ``attribute_error_none`` and the pydantic
``config_key_missing`` entry.

Every log line below is written here in the shape the tool prints it.  A test marked
xfail shows a problem a user meets (a wrong cause is worse than a generic one); an
unmarked test is an attack that held.
"""

from __future__ import annotations

import re

import pytest

from logsumd.summarize.catalogue import shipped_diagnoses
from tests.catalogue_cases import advice, best_entries, fastest


def _best(text: str) -> tuple[str, str]:
    best = best_entries(text)
    return (best[0].id, advice(best[0])) if best else ("", "")


def _tb(*frames: tuple[str, int, str, str], exc: str) -> str:
    """A Python traceback: (file, line, function, source line) per frame, outermost first."""
    out = ["Traceback (most recent call last):"]
    for file, line, func, code in frames:
        out.append(f'  File "{file}", line {line}, in {func}')
        if code:
            out.append(f"    {code}")
    out.append(exc)
    return "\n".join(out) + "\n"


_ZIPFILE = (
    "/usr/lib/python3.11/zipfile.py",
    1302,
    "_RealGetContents",
    'raise BadZipFile("File is not a zip file")',
)


# --------------------------------------------------------------------------------------
# finding 1: Snowflake's empty value in a query is told to change a COPY file format


def test_snowflake_empty_value_in_a_query_is_no_file_format_problem() -> None:
    """A dbt model (or any query) casting an empty string to NUMBER/DATE prints the same
    ``Numeric value '' is not recognized`` as COPY does, but without a staged file or a
    ``Row n, column "T"["C":k]`` line.  The engineer needs to fix the SQL (NULLIF /
    TRY_TO_NUMBER); EMPTY_FIELD_AS_NULL / NULL_IF of a file format cannot help a query."""
    texts = [
        "\x1b[0m04:05:06  Database Error in model stg_orders (models/staging/stg_orders.sql)\n"
        "  100038 (22018): Numeric value '' is not recognized\n"
        "  compiled Code at target/run/shop/models/staging/stg_orders.sql\n",
        "snowflake.connector.errors.ProgrammingError: 100040 (22007): Date '' is not recognized\n",
    ]
    for text in texts:
        _, said = _best(text)
        assert "file format" not in said, (text, said)
        assert "EMPTY_FIELD_AS_NULL" not in said, (text, said)


def test_snowflake_copy_empty_field_keeps_its_column_and_step() -> None:
    """Held: COPY's own error (file, row, column) is still told to set the file format."""
    text = (
        "100038 (22018): Numeric value '' is not recognized\n"
        "  File 'landing/refunds/2031/part_3.csv.gz', line 77, character 18\n"
        '  Row 77, column "REFUNDS"["AMOUNT_EUR":4]\n'
    )
    ident, said = _best(text)
    assert ident == "value_parse_error"
    assert "AMOUNT_EUR" in said
    assert "EMPTY_FIELD_AS_NULL" in said


def test_snowflake_named_value_is_not_called_empty() -> None:
    """Held: a non-empty bad value is not described as an empty field."""
    ident, said = _best("100038 (22018): Numeric value 'n.a.' is not recognized\n")
    assert ident == "value_parse_error"
    assert "empty" not in said


# --------------------------------------------------------------------------------------
# finding 2: every PostgreSQL "out of range" date is blamed on the datestyle


def test_impossible_iso_date_is_not_a_datestyle_problem() -> None:
    """PostgreSQL says ``date/time field value out of range`` for a date that does not
    exist (Feb 30, hour 25) as well; only its HINT line (``Perhaps you need a different
    "datestyle" setting``) points at the date style.  An ISO value is read the same in
    every date style: the data is wrong, not the server setting."""
    texts = [
        'ERROR:  date/time field value out of range: "2031-02-30"\n'
        'CONTEXT:  COPY holidays, line 9, column day: "2031-02-30"\n',
        'psycopg2.errors.DatetimeFieldOverflow: date/time field value out of range: "2031-02-03 25:10:00"\n',
    ]
    for text in texts:
        _, said = _best(text)
        assert "datestyle" not in said, (text, said)
        assert "date style" not in said, (text, said)


def test_day_first_date_with_the_hint_names_the_datestyle() -> None:
    """Held: the day-first date with PostgreSQL's own HINT keeps the datestyle advice."""
    text = (
        'ERROR:  date/time field value out of range: "31/01/2031"\n'
        'HINT:  Perhaps you need a different "datestyle" setting.\n'
        'CONTEXT:  COPY payroll, line 4, column paid_on: "31/01/2031"\n'
    )
    ident, said = _best(text)
    assert ident == "value_parse_error"
    assert "datestyle" in said


# --------------------------------------------------------------------------------------
# finding 3: a compact 12-digit date-time (YYYYMMDDhhmm) is called a Unix epoch


def test_compact_datetime_is_not_an_epoch() -> None:
    """``\\d{10,13}`` takes 11 and 12 digits too, which no current epoch has (seconds are 10
    digits until 2286, milliseconds 13 since 2001).  ``203102030405`` is 2031-02-03 04:05 written
    without separators; dividing it by 1000 gives a 1976 timestamp."""
    text = (
        'psycopg2.errors.InvalidDatetimeFormat: invalid input syntax for type timestamp: "203102030405"\n'
        'CONTEXT:  COPY meter_reads, line 3, column read_at: "203102030405"\n'
    )
    _, said = _best(text)
    assert "epoch" not in said, said


def test_epoch_milliseconds_still_named() -> None:
    """Held: a 13-digit millisecond epoch is named."""
    text = 'ERROR:  date/time field value out of range: "1911234567890"\n'
    ident, said = _best(text)
    assert ident == "value_parse_error"
    assert "epoch" in said


# --------------------------------------------------------------------------------------
# finding 4: a 10-digit epoch in seconds is told to be converted from milliseconds


def test_epoch_seconds_step_does_not_say_milliseconds() -> None:
    """``1911234567`` is seconds: ``to_timestamp(v)`` is right, ``to_timestamp(v / 1000)`` (what
    "from milliseconds to seconds" asks) loads 1970-01-23.  The step should follow the digits."""
    text = (
        'psycopg2.errors.InvalidDatetimeFormat: invalid input syntax for type timestamp with time zone: "1911234567"\n'
        'CONTEXT:  COPY sensor_reading, line 3, column read_at: "1911234567"\n'
    )
    ident, said = _best(text)
    assert ident == "value_parse_error"
    assert "millisecond" not in said, said


# --------------------------------------------------------------------------------------
# finding 5: Spark FAILFAST: JSON or CSV decided by the line's first character


def test_failfast_csv_reader_line_is_not_called_invalid_json() -> None:
    """spark-csv and the JSON reader print the same ``Malformed line in FAILFAST mode``; the
    frames say which reader it was.  A CSV reader given a JSON file prints a *valid* JSON
    line, and a CSV line may start with ``[`` (a bracketed timestamp): "is not valid JSON" is
    false for both."""
    frame = "\tat com.databricks.spark.csv.CsvRelation$$anonfun$buildScan$1.apply(CsvRelation.scala:185)\n"
    texts = [
        'java.lang.RuntimeException: Malformed line in FAILFAST mode: {"id": 7, "sku": "Q-17", "qty": 3}\n'
        + frame,
        "java.lang.RuntimeException: Malformed line in FAILFAST mode: [2031-02-03 04:05:06],INFO,started\n"
        + frame,
    ]
    for text in texts:
        _, said = _best(text)
        assert "not valid JSON" not in said, (text, said)


# --------------------------------------------------------------------------------------
# finding 6: any BadZipFile under openpyxl is "no .xlsx file", a corrupt one too


def test_corrupt_xlsx_is_not_called_an_old_xls() -> None:
    """``BadZip[Ff]ile`` matches every BadZipFile message.  ``Bad CRC-32 for file
    'xl/worksheets/sheet1.xml'`` is printed for a real .xlsx (a zip holding the sheet) whose
    bytes are damaged (a partial upload or copy).  Before this round it was corrupt_archive;
    now the engineer is told to read it with xlrd as an .xls."""
    text = _tb(
        ("/opt/etl/report.py", 12, "<module>", 'book = openpyxl.load_workbook("sales_2031.xlsx")'),
        (
            "/opt/venv/lib/python3.11/site-packages/openpyxl/reader/excel.py",
            344,
            "load_workbook",
            "reader.read()",
        ),
        (
            "/usr/lib/python3.11/zipfile.py",
            966,
            "_update_crc",
            'raise BadZipFile("Bad CRC-32 for file %r" % self.name)',
        ),
        exc="zipfile.BadZipFile: Bad CRC-32 for file 'xl/worksheets/sheet1.xml'",
    )
    _, said = _best(text)
    assert ".xls" not in said, said
    assert "no .xlsx" not in said, said


def test_not_a_zip_under_openpyxl_still_named() -> None:
    """Held: openpyxl given a non-zip file is named."""
    text = _tb(
        ("/opt/etl/report.py", 8, "<module>", 'wb = openpyxl.load_workbook("ledger.xlsx")'),
        (
            "/opt/venv/lib/python3.11/site-packages/openpyxl/reader/excel.py",
            315,
            "load_workbook",
            "reader = ExcelReader(filename)",
        ),
        _ZIPFILE,
        exc="zipfile.BadZipFile: File is not a zip file",
    )
    ident, _ = _best(text)
    assert ident == "input_format_mismatch"


# --------------------------------------------------------------------------------------
# finding 7: the frame regex takes the job's own file name ("excel_reports.py")


def test_zip_archive_in_an_excel_named_script_is_no_spreadsheet() -> None:
    """``frame: (?i)openpyxl|xlsx|excel`` is searched in every frame's ``file:function``, so
    the job's own ``excel_reports.py`` (or a function ``export_excel``) is enough.  Here it
    unpacks a downloaded .zip of reports with zipfile; no spreadsheet reader is involved and
    the archive is what is broken (corrupt_archive before this round)."""
    text = _tb(
        ("/opt/etl/excel_reports.py", 14, "unpack", "zipfile.ZipFile(archive).extractall(tmp)"),
        _ZIPFILE,
        exc="zipfile.BadZipFile: File is not a zip file",
    )
    _, said = _best(text)
    assert "spreadsheet" not in said, said
    assert "xlrd" not in said, said


def test_plain_zip_download_is_no_spreadsheet() -> None:
    """Held: shutil.unpack_archive in a neutral file stays an archive problem."""
    text = _tb(
        ("/opt/etl/fetch_rates.py", 40, "main", "shutil.unpack_archive(path, dest)"),
        (
            "/usr/lib/python3.11/shutil.py",
            1287,
            "_unpack_zipfile",
            "zip = zipfile.ZipFile(filename)",
        ),
        _ZIPFILE,
        exc="zipfile.BadZipFile: File is not a zip file",
    )
    ident, _ = _best(text)
    assert ident != "input_format_mismatch"


# --------------------------------------------------------------------------------------
# finding 8: a value looked up with dag_run.conf's value is called a missing conf key


def test_lookup_keyed_by_a_conf_value_is_no_missing_conf_key() -> None:
    """The conf had ``source`` (its value ``salesforce`` was read); the job's own mapping has
    no entry ``salesforce``.  "Trigger it with 'salesforce' in the conf" is a wrong step: the
    code regex only checks that the line reads ``dag_run.conf[``, not that the missing key
    is the one subscripted there."""
    text = _tb(
        (
            "/opt/airflow/dags/ingest.py",
            30,
            "pick_source",
            'source = SOURCES[kwargs["dag_run"].conf["source"]]',
        ),
        exc="KeyError: 'salesforce'",
    )
    _, said = _best(text)
    assert "conf" not in said, said


def test_missing_conf_key_still_named() -> None:
    """Held: ``dag_run.conf["tables"]`` raising ``KeyError: 'tables'`` is named."""
    text = _tb(
        ("/opt/airflow/dags/backfill.py", 22, "plan", 'tables = context["dag_run"].conf["tables"]'),
        exc="KeyError: 'tables'",
    )
    ident, said = _best(text)
    assert ident == "config_key_missing"
    assert "'tables'" in said


# --------------------------------------------------------------------------------------
# finding 9: a record's column on the same line as config[...] is called a config key


def test_record_key_next_to_a_config_read_is_no_config_key() -> None:
    """The raising line multiplies a data row's column by a configured rate; the KeyError
    names the row's column.  The engineer is sent to edit the config file, while the input
    records lack ``amount`` (dict_key_missing before this round)."""
    text = _tb(
        ("/srv/etl/convert.py", 44, "convert", 'amount = record["amount"] * config["fx_rate"]'),
        exc="KeyError: 'amount'",
    )
    _, said = _best(text)
    assert "config" not in said, said


def test_record_key_alone_is_no_config_key() -> None:
    """Held: ``row["amount"]`` alone stays a record's missing key."""
    text = _tb(
        ("/srv/etl/convert.py", 44, "convert", 'total += row["amount"]'), exc="KeyError: 'amount'"
    )
    ident, _ = _best(text)
    assert ident == "dict_key_missing"


# --------------------------------------------------------------------------------------
# finding 10: the config entries read every frame's source line, not the raising one


def test_outer_frame_config_read_does_not_claim_an_inner_record_keyerror() -> None:
    """``match.code`` is searched in all source lines of the traceback.  The outer frame
    passes ``config["source_path"]`` (or ``dag_run.conf["table"]``) to a loader, and the
    loader's own frame raises on a data row's column.  The alert blames the config file / the
    DAG run's conf for ``'amount'`` / ``'id'``."""
    texts = [
        _tb(
            ("/srv/etl/run.py", 20, "main", 'load(config["source_path"])'),
            ("/srv/etl/run.py", 44, "load", 'total += row["amount"]'),
            exc="KeyError: 'amount'",
        ),
        _tb(
            ("/opt/airflow/dags/reload.py", 30, "pick", 'for row in fetch(dag_run.conf["table"]):'),
            ("/opt/airflow/dags/reload.py", 41, "fetch", 'yield row["id"]'),
            exc="KeyError: 'id'",
        ),
    ]
    for text in texts:
        _, said = _best(text)
        assert "config" not in said, (text, said)
        assert "conf" not in said, (text, said)


def test_library_config_keyerror_is_not_the_jobs_config() -> None:
    """Held: a KeyError raised in an installed package's own ``config[...]`` is not
    blamed on the job's config (raised_in: user)."""
    text = _tb(
        ("/srv/etl/run.py", 5, "main", "client = make_client(profile)"),
        (
            "/opt/venv/lib/python3.11/site-packages/acme_sdk/session.py",
            88,
            "_region",
            'return self._config["region_name"]',
        ),
        exc="KeyError: 'region_name'",
    )
    _, said = _best(text)
    assert "config file it loads" not in said, said


# --------------------------------------------------------------------------------------
# finding 11: a bare-word slot takes the preposition after the phrase


def test_bare_word_slots_do_not_take_a_preposition() -> None:
    """``configuration setting is missing for connection warehouse`` gives "the
    configuration has no key for"; ``Unsupported encoding for dictionary page`` gives "the
    configured encoding for is not one the reader supports".  The alert names a word that is
    no key or encoding."""
    texts = [
        "2031-02-03 04:05:06 ERROR sync.cli: configuration setting is missing for connection warehouse\n",
        "2031-02-03 04:05:06 ERROR loader: Config key not found in section [aws]\n",
        "pyarrow.lib.ArrowNotImplementedError: Unsupported encoding for dictionary page\n",
    ]
    for text in texts:
        _, said = _best(text)
        assert not re.search(r"\b(?:key|encoding|has) (?:for|in)\b", said), (text, said)


def test_config_option_with_its_name_held() -> None:
    """Held: the tool's own ``configuration option not found: warehouse_url`` is named."""
    ident, said = _best(
        "2031-02-03 04:05:06 ERROR sync.cli: configuration option not found: warehouse_url\n"
    )
    assert ident == "config_key_missing"
    assert "warehouse_url" in said


# --------------------------------------------------------------------------------------
# finding 12: a Parquet page encoding is called a configured character encoding


def test_parquet_page_encoding_is_not_a_character_encoding() -> None:
    """Spark's vectorized Parquet reader throws ``Unsupported encoding: DELTA_BYTE_ARRAY``
    for files written with Parquet v2 page encodings.  The fix is on the reader
    (spark.sql.parquet.enableVectorizedReader=false) or the writer (v1 pages); no setting
    names a character encoding, so "name an encoding the reader supports" sends the engineer
    to look for one."""
    text = (
        "java.lang.UnsupportedOperationException: Unsupported encoding: DELTA_BYTE_ARRAY\n"
        "\tat org.apache.spark.sql.execution.datasources.parquet.VectorizedColumnReader.initDataReader(VectorizedColumnReader.java:257)\n"
        "\tat org.apache.spark.sql.execution.datasources.parquet.VectorizedColumnReader.readPage(VectorizedColumnReader.java:290)\n"
    )
    ident, said = _best(text)
    assert ident != "config_value_invalid", said


def test_unknown_python_codec_still_named() -> None:
    """Held: Python's ``unknown encoding`` names the codec."""
    ident, said = _best("LookupError: unknown encoding: latin-9x\n")
    assert ident == "config_value_invalid"
    assert "latin-9x" in said


# --------------------------------------------------------------------------------------
# finding 13: ujson's own "Trailing data" is told to use pandas' lines=True


def test_ujson_trailing_data_is_not_told_to_use_lines_true() -> None:
    """ujson (and srsly) raise ``ValueError: Trailing data`` from ``loads`` of one string
    with bytes after the document (an HTTP body with two documents, a stray character).
    ``lines=True`` is a pandas.read_json argument; the event prints no pandas frame."""
    text = _tb(
        ("/srv/etl/poll.py", 31, "fetch_page", "payload = ujson.loads(resp.text)"),
        exc="ValueError: Trailing data",
    )
    _, said = _best(text)
    assert "lines=True" not in said, said


def test_pandas_read_json_trailing_data_held() -> None:
    """Held: pandas.read_json on JSON lines is told lines=True."""
    text = _tb(
        ("/srv/etl/ingest.py", 12, "<module>", 'frame = pd.read_json("orders.ndjson")'),
        (
            "/opt/venv/lib/python3.11/site-packages/pandas/io/json/_json.py",
            1025,
            "parse",
            "self._parse()",
        ),
        exc="ValueError: Trailing data",
    )
    ident, said = _best(text)
    assert ident == "malformed_json"
    assert "lines=True" in said


# --------------------------------------------------------------------------------------
# finding 14: BigQuery's JSON load with a field the table lacks is called malformed JSON


def test_bigquery_json_unknown_field_is_not_malformed_json() -> None:
    """``JSON table encountered too many errors`` is the load job's summary; the reason it
    prints after it decides.  ``No such field: device_id`` is well-formed JSON with a key the
    table's schema lacks (fix: ignore_unknown_values or add the column)."""
    text = (
        "google.api_core.exceptions.BadRequest: 400 Error while reading data, error message: JSON"
        " table encountered too many errors, giving up. Rows: 1; errors: 1. Please look into the"
        " errors[] collection for more details. File: gs://lake-raw/events/2031-02-03/events_000.json;"
        " reason: invalid, message: Error while reading data, error message: JSON parsing error in"
        " row starting at position 0: No such field: device_id.\n"
    )
    ident, said = _best(text)
    assert ident != "malformed_json", said


def test_bigquery_csv_bad_value_keeps_its_value() -> None:
    """Held: the CSV summary does not hide the value BigQuery could not parse."""
    text = (
        "google.api_core.exceptions.BadRequest: 400 Error while reading data, error message: CSV"
        " table encountered too many errors, giving up. Rows: 1; errors: 1. Please look into the"
        " errors[] collection for more details.; reason: invalid, message: Error while reading"
        " data, error message: Could not parse 'N/A' as INT64 for field qty (position 3) starting"
        " at location 120 with message 'Unable to parse'\n"
    )
    ident, said = _best(text)
    assert ident == "value_parse_error"
    assert "'N/A'" in said


# --------------------------------------------------------------------------------------
# finding 15: the pydantic entry calls any model's missing field a setting


def test_pydantic_record_model_missing_field_is_no_setting() -> None:
    """``validation error for ShipmentEvent`` with ``input_value={'carrier': 'UPS', ...}`` is a
    record of the input lacking a field.  "set tracking_number in the config or environment
    the job reads" sends the engineer to the deployment instead of the feed."""
    texts = [
        "pydantic_core._pydantic_core.ValidationError: 1 validation error for ShipmentEvent\n"
        "tracking_number\n  Field required [type=missing, input_value={'carrier': 'UPS', 'status':"
        " 'delivered'}, input_type=dict]\n",
        "pydantic_core._pydantic_core.ValidationError: 2 validation errors for OrderLine\n"
        "qty\n  Input should be a valid integer [type=int_parsing, input_value='two', input_type=str]\n"
        "sku\n  Field required [type=missing, input_value={'qty': 'two'}, input_type=dict]\n",
    ]
    for text in texts:
        _, said = _best(text)
        assert "config or environment" not in said, (text, said)


def test_pydantic_settings_env_var_held() -> None:
    """Held: an UPPER_CASE field of a BaseSettings model is named as a variable."""
    text = (
        "pydantic_core._pydantic_core.ValidationError: 1 validation error for LoaderSettings\n"
        "S3_BUCKET\n  Field required [type=missing, input_value={}, input_type=dict]\n"
    )
    ident, said = _best(text)
    assert ident == "env_var_missing"
    assert "S3_BUCKET" in said


# --------------------------------------------------------------------------------------
# finding 16: "a item / a entry / a event / a object" in the alert


def test_record_kind_gets_its_article() -> None:
    """The cause is shown to the on-call engineer; "a event of the input has no key
    'user_id'" reads as a broken template."""
    texts = [
        "2031-02-03 04:05:06 ERROR consumer: Missing field 'user_id' in event\n",
        '2031-02-03 04:05:06 ERROR transform: missing key "sku" in item 17\n',
    ]
    for text in texts:
        _, said = _best(text)
        assert not re.search(r"\ba (?:item|entry|event|object)\b", said), (text, said)


def test_missing_field_in_row_held() -> None:
    """Held: a script's own ``missing field "x" in row n`` is named."""
    ident, said = _best(
        '2031-02-03 04:05:06 ERROR parse failed: missing field "invoice_no" in row 12\n'
    )
    assert ident == "dict_key_missing"
    assert '"invoice_no"' in said


# --------------------------------------------------------------------------------------
# attacks that held


def test_nan_key_held() -> None:
    """A NaN lookup key is named; a string 'nan' key is not taken as NaN."""
    nan = _tb(
        ("/srv/etl/map.py", 9, "<module>", 'region = REGIONS[row["country"]]'), exc="KeyError: nan"
    )
    ident, said = _best(nan)
    assert ident == "dict_key_missing"
    assert "NaN" in said
    text = _tb(
        ("/srv/etl/map.py", 9, "<module>", 'region = REGIONS[str(row["country"])]'),
        exc="KeyError: 'nan'",
    )
    _, said = _best(text)
    assert "NaN" not in said


def test_mysql_non_empty_incorrect_value_is_not_called_empty() -> None:
    """MySQL 1366 with a real value is not the empty-field entry."""
    _, said = _best(
        "ERROR 1366 (HY000) at line 4: Incorrect integer value: 'abc' for column 'qty' at row 3\n"
    )
    assert "empty field" not in said


def test_python2_unsubscriptable_other_type_is_not_none() -> None:
    """Python 2's ``'int' object is unsubscriptable`` is not a None."""
    text = _tb(
        ("/srv/etl/legacy.py", 3, "f", "x = n[0]"), exc="TypeError: 'int' object is unsubscriptable"
    )
    ident, _ = _best(text)
    assert ident != "attribute_error_none"


def test_spark_iterator_and_option_are_no_config() -> None:
    """Spark's other NoSuchElementExceptions stay out of the config entry."""
    for text in (
        "java.util.NoSuchElementException: key not found: 17\n",
        "java.util.NoSuchElementException: spark\n",
    ):
        ident, _ = _best(text)
        assert ident != "config_key_missing", text


def test_csv_file_named_like_json_folder_is_no_format_mismatch() -> None:
    """A CSV whose folder or name only contains 'json' is no other format."""
    text = (
        "Found character 'x' instead of field delimiter ','\n"
        "  File 'exports/orders.json.csv.gz', line 3, character 9\n"
        '  Row 3, column "ORDERS"["NOTE":4]\n'
    )
    ident, _ = _best(text)
    assert ident != "input_format_mismatch"


_SPACED = [
    "Found character 'x' instead of field delimiter ',' " + "a" * 300 + " ",
    "CSV table encountered too many errors " + "/a" * 150 + "\n",
    "validation error for XSettings\n",
    "Malformed line in FAILFAST mode: ",
    "configuration setting is missing ",
    "missing 'k' in ",
    "KeyError in line 1 of ",
    "unsupported encoding ",
]


@pytest.mark.parametrize("unit", range(len(_SPACED)))
def test_round_patterns_linear_on_repeated_triggers(unit: int) -> None:
    """The round's patterns stay linear when their own trigger phrase repeats along a long
    text (the windowed ``[\\s\\S]{0,400}?`` then ``[^\\s'"]{1,300}`` of input_format_mismatch
    costs about 1 us a character, not more)."""
    run = _SPACED[unit]
    small, big = run * max(1, 4000 // len(run)), run * max(8, 32000 // len(run))
    ratio = len(big) / len(small)
    for entry in shipped_diagnoses():
        pattern = entry.match.message
        if not pattern:
            continue
        rx = re.compile(pattern)
        fast_big, fast_small = fastest(rx, big, 3), fastest(rx, small, 3)
        assert fast_big < 3 * ratio * fast_small + 0.1, (entry.id, pattern, fast_big, fast_small)
