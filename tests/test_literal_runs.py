"""Literals found through a text's runs of letters are exactly its substrings (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logsumd.understand._literal_runs import RunWords, run_parts

WORDS = ["pass", "-p", "-----", "redis-cli", "key", "q", "aa", "openssl"]
PIECES = [*WORDS, "Pass", "KEY", "x", "-", " ", "\n", ".", "5", "é", "\ud800", "a" * 70, "_"]


def test_run_parts_are_the_runs_of_letters_and_dashes() -> None:
    """A literal's parts are its maximal runs of ASCII letters and ``-``."""
    assert run_parts("hooks.slack") == ("hooks", "slack")
    assert run_parts(":5432:") == ()
    assert run_parts("-cli") == ("-cli",)


def test_words_must_be_one_run() -> None:
    """A word with another character could span two runs: refused."""
    with pytest.raises(ValueError, match=r"hooks\.slack"):
        RunWords(["hooks.slack"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join) | st.text())
def test_found_equals_substring_tests(text: str) -> None:
    """The words found are those ``word in text`` finds, cold and cached."""
    runs = RunWords(WORDS)
    for _ in range(2):
        assert runs.found(text) == {w for w in WORDS if w in text}


def test_found_stays_exact_after_the_cache_is_emptied() -> None:
    """More distinct runs than the cache holds: it starts again, answers stay exact."""
    runs = RunWords(WORDS)
    letters = ["".join(chr(97 + int(d)) for d in f"{k:05d}") for k in range(40_000)]
    texts = [f"{word}pass{'zq'[k % 2]} x-p" for k, word in enumerate(letters)]
    for text in texts:
        assert runs.found(text) == {w for w in WORDS if w in text}
