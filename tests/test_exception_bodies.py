"""Exception messages whose body Python prints on the lines under the exception line, in
a file without record prefixes (a script's stderr): pydantic's ``ValidationError`` (each
error a location line and its indented reason) and an HTTP error's XML body (boto's
``S3ResponseError``).  The body is part of the event, and of the message the catalogue
reads; the program's next output is not (lines written here)."""

from __future__ import annotations

from logsumd.understand import classify
from tests.test_multiline_rules import run, spans

TB = (
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/settings.py", line 40, in <module>\n'
    "    settings = PipelineSettings()\n"
)


def test_pydantic_errors_under_the_exception_are_its_message() -> None:
    text = (
        TB + "pydantic_core._pydantic_core.ValidationError: 2 validation errors for "
        "PipelineSettings\n"
        "warehouse_dsn\n"
        "  Field required [type=missing, input_value={'env': 'prod'}, input_type=dict]\n"
        "    For further information visit https://errors.pydantic.dev/2.7/v/missing\n"
        "batch.max_rows\n"
        "  Input should be a valid integer [type=int_parsing, input_value='ten', "
        "input_type=str]\n"
        "starting the next table load\n"
    )
    events = run(text)
    assert spans(events) == [(1, 9, "python")]
    message = classify(events[0]).message
    assert "warehouse_dsn" in message
    assert "batch.max_rows" in message
    assert "next table load" not in message


def test_pydantic_v1_locations_with_arrows() -> None:
    text = (
        TB + "pydantic.error_wrappers.ValidationError: 1 validation error for Order\n"
        "items -> 0 -> unit_price\n"
        "  value is not a valid float (type=type_error.float)\n"
        "Retrying in 30 seconds\n"
    )
    assert spans(run(text)) == [(1, 6, "python")]


def test_a_one_word_line_after_another_exception_is_not_taken() -> None:
    """Only pydantic's title opens the location lines: after a plain exception a bare
    word is the program's own output."""
    text = TB + "ValueError: bad row 7\ndone\n"
    assert spans(run(text)) == [(1, 4, "python")]


def test_a_second_traceback_after_pydantic_errors_is_a_new_event() -> None:
    text = (
        TB + "pydantic_core._pydantic_core.ValidationError: 1 validation error for S\n"
        "region\n"
        "  Field required [type=missing]\n" + TB + "KeyError: 'region'\n"
    )
    assert spans(run(text)) == [(1, 6, "python"), (7, 10, "python")]


def test_an_xml_error_body_under_the_exception_is_its_message() -> None:
    text = (
        TB + "boto.exception.S3ResponseError: S3ResponseError: 403 Forbidden\n"
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
        "calculated does not match</Message></Error>\n"
        "uploading the next partition\n"
    )
    events = run(text)
    assert spans(events) == [(1, 6, "python")]
    assert "SignatureDoesNotMatch" in classify(events[0]).message
