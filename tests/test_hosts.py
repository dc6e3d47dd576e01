"""The server an error names, for the catalogue's ``{host}`` and ``{url}`` slots."""

from __future__ import annotations

import pytest

from logsumd.summarize._hosts import server_host, server_url
from logsumd.summarize._templates import tidy_value


@pytest.mark.parametrize(
    ("text", "host"),
    [
        (
            'connection to server at "lake-db" (10.4.0.9), port 6432 failed: timeout expired',
            "lake-db:6432",
        ),
        (
            "could not connect to server: Connection refused\n\tIs the server running on host "
            '"pg.internal" (10.0.0.3) and accepting\n\tTCP/IP connections on port 5433?',
            "pg.internal:5433",
        ),
        (
            "ReadTimeoutError(\"HTTPSConnectionPool(host='api.tides.example.org', port=443): "
            'Read timed out. (read timeout=30)")',
            "api.tides.example.org:443",
        ),
        ("curl: (6) Could not resolve host: feeds.weather.test", "feeds.weather.test"),
        ('could not translate host name "warehouse" to address', "warehouse"),
        ("Can't connect to MySQL server on 'mysql-primary:3307' (111)", "mysql-primary:3307"),
        (
            "Connection to node -1 (kafka-0.broker:9093) could not be established",
            "kafka-0.broker:9093",
        ),
        ("[thrd:sasl_ssl://b-1.msk.test:9096/bootstrap]: Connect failed", "b-1.msk.test:9096"),
        (
            "Failed to connect to DB: acme-xy12.snowflakecomputing.com:443; Incorrect",
            "acme-xy12.snowflakecomputing.com:443",
        ),
        (
            "403 POST https://bigquery.googleapis.com/bigquery/v2/projects/p/jobs: Denied",
            "bigquery.googleapis.com",
        ),
    ],
)
def test_the_host_comes_from_the_errors_own_words(text: str, host: str) -> None:
    assert server_host(text) == host


@pytest.mark.parametrize(
    "text",
    [
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)",
        "For more information see https://docs.snowflake.com/en/user-guide/errors",
        'File "/srv/etl/load.py", line 42, in load: load.py:42 failed',
        "2031-04-05 12:31:46,300 ERROR NoBrokersAvailable at 12:31:46",
        "stage 3.0:17 failed 4 times; LINE 16:3 near position 12:40",
        "KafkaTimeoutError: Failed to update metadata after 60.0 secs",
    ],
)
def test_no_host_from_a_doc_link_a_source_line_or_a_time(text: str) -> None:
    assert server_host(text) == ""


def test_the_url_is_quoted_as_printed_without_query_or_credentials() -> None:
    """What a summary quotes of a URL occurs in the event verbatim (its entity precision);
    a URL with credentials is not quoted at all, and a documentation link is skipped."""
    text = (
        "See https://docs.example.com/errors/404 for help. 404 Client Error: Not Found for "
        "url: https://api.tides.example.org/v2/stations/991?key=abc&day=3."
    )
    assert server_url(text) == "https://api.tides.example.org/v2/stations/991"
    assert server_url(text) in text
    with_credentials = "Not Found for url: https://etl:s3cret@api.tides.example.org/v2/x"
    assert server_url(with_credentials) == ""
    long_path = "for url: https://api.tides.example.org:8443/" + "a" * 200
    assert server_url(long_path) == "https://api.tides.example.org:8443"
    assert server_url("Could not reach ssl://kafka-1:9093") == ""


@pytest.mark.parametrize(
    ("value", "tidy"),
    [
        ("XYZ',", "XYZ"),  # {'M': 'permission denied for database XYZ', ...}
        ("pg_tables;", "pg_tables"),
        ("https://api.example.org//me')", "https://api.example.org//me"),
        ("'orders'", "'orders'"),
        ("f(x)", "f(x)"),
        ("[a, b]", "[a, b]"),
        ("it's", "it's"),
    ],
)
def test_a_slot_drops_the_punctuation_around_it(value: str, tidy: str) -> None:
    assert tidy_value(value) == tidy


def test_a_value_quoted_whole_keeps_its_quotes() -> None:
    """Python's repr escapes an inner quote: the value is still quoted whole."""
    assert tidy_value("'5\\'10\"'") == "'5\\'10\"'"
    assert tidy_value("'5\\'10\"',") == "'5\\'10\"'"
