"""A script's log record that prints only an exception's text gets the type's entries."""

from __future__ import annotations

import pytest

from logsumd.understand import implied_exceptions
from tests.catalogue_cases import assert_names, best_entries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Error processing region: list index out of range", {"IndexError"}),
        ("Load failed: [Errno 21] Is a directory: 'out/2031.csv'", {"IsADirectoryError"}),
        ("copy: [Errno 13] Permission denied: '/srv/in/a.csv'", {"PermissionError"}),
        ("fetch failed: [Errno 111] Connection refused", {"ConnectionRefusedError"}),
        ("step failed: No module named 'pyarrow'", {"ModuleNotFoundError"}),
        ("rate: float division by zero", {"ZeroDivisionError"}),
        ("parse: invalid literal for int() with base 10: 'n/a'", {"ValueError"}),
        ("row 7: 'NoneType' object is not subscriptable", {"TypeError"}),
        ("run: 'DataFrame' object has no attribute 'append'", {"AttributeError"}),
        ("decode: 'utf-8' codec can't decode byte 0xe9 in position 12", {"UnicodeDecodeError"}),
        ("body: Expecting value: line 1 column 1 (char 0)", {"JSONDecodeError"}),
    ],
)
def test_the_interpreters_own_wording_implies_the_type(text: str, expected: set[str]) -> None:
    assert implied_exceptions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "partition index out of range for topic kiwi",  # not a Python sequence's wording
        "[Errno 2] Datei nicht gefunden: 'a.csv'",  # a translated errno text
        "the column 'name' is not defined in the schema",  # no NameError shape
        "retrying: division of work by zero-based shards",
        "[WinError 10061] No connection could be made",
        "ERROR:  division by zero",  # PostgreSQL and awk word it as Python does
        "Slack post failed: channel_not_found (text: 'ETL failed: list index out of range')",
        'API error 500: {"detail": "list index out of range"}',
        "attempts: list index out of range, timed out; giving up: upstream returned 503",
    ],
)
def test_other_wording_implies_nothing(text: str) -> None:
    assert implied_exceptions(text) == set()


def test_a_logged_index_error_gets_the_index_entry() -> None:
    """Before: no entry (index_error asks for the type, the record prints only the text)."""
    assert_names(
        "index_error",
        "2031-03-04 05:06:07,891 - ERROR - Error processing country: list index out of range\n",
        "index",
    )


def test_a_logged_is_a_directory_error_names_the_path() -> None:
    text = (
        "2031-03-04 05:06:07,891 - ERROR - Load failed: [Errno 21] Is a directory: "
        "'exports/kiwi_rates.csv'\n"
    )
    best = best_entries(text)
    assert best
    assert "exports/kiwi_rates.csv" in best[0].cause + best[0].next_step
