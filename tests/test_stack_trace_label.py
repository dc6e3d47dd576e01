"""Airbyte's failure reports label the exception line ``Stack Trace:``: the line starts
the trace, and its exception is the event's (lines written here in Airbyte's shape)."""

from __future__ import annotations

from logsumd.parse import parse
from logsumd.parse._lexicon import exception_line
from tests.test_corpus_shapes import _events, _spans

REPORT = [
    "Failure Origin: source, Message: Something went wrong in the connector.",
    "Stack Trace: io.airbyte.commons.exceptions.ConnectionErrorException:"
    " java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available,"
    " request timed out after 10002ms.",
    "        at io.airbyte.cdk.db.jdbc.DefaultJdbcDatabase.getMetaData(DefaultJdbcDatabase.kt:73)",
    "        at io.airbyte.source.mysql.MySqlSource.createDatabase(MySqlSource.java:31)",
    "        at io.airbyte.cdk.integrations.base.IntegrationRunner.run(IntegrationRunner.kt:119)",
    "",
    "2024-05-02 10:11:12 INFO sync summary written",
]


def test_a_stack_trace_label_starts_the_trace() -> None:
    """The labelled exception line and its frames are one event, from the label's line."""
    assert _spans(_events(REPORT)) == [(2, 5)]


def test_the_labelled_exception_is_the_events_exception() -> None:
    """The exception after the label is parsed with its type and message."""
    event = _events(REPORT)[0]
    root = parse(event.text).root
    assert root is not None
    assert root.type == "java.sql.SQLTransientConnectionException"
    assert exception_line("Stack Trace: a.b.SomeError: boom") == ("a.b.SomeError", "boom")
