"""Literal gates never skip a pattern that would match (pure)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logsumd.parse import _records as records
from logsumd.understand import _cause_lines as cause_lines
from logsumd.understand.categories import STRONG_RULES, WEAK_RULES
from logsumd.understand.literal_gate import FirstMatch, Gated, alternatives, required_literals

PATTERNS = [r.pattern for r in (*STRONG_RULES, *WEAK_RULES)] + [
    cause_lines._SIGNAL,
    cause_lines._KNOWN_CAUSE,
]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("foo|bar", {"foo", "bar"}),
        ("(?:x)?abc", {"abc"}),
        (r"\bKilled\b|OOM", {"killed", "oom"}),
        ("ab", None),
        ("a+b", None),
        ("(?:xyz)*q", None),
        ("(?:xyz)+q", {"xyz"}),
        ("exit(?:ed)? now|return code", {"exit", "return code"}),
        ("foo|.", None),
        ("(?:abc|abcd)e", {"abc"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == expected


def test_every_category_rule_is_gated() -> None:
    """The gate is what makes classification cheap: no rule may lose it silently."""
    for rule in (*STRONG_RULES, *WEAK_RULES):
        assert rule.gate.literals, rule.category


def test_gate_skips_plain_lines() -> None:
    line = "[2026-11-26T10:00:00] {etl.py:42} INFO - Processed batch 12 of 40: 4567 rows"
    assert not any(r.gate.may_match(line.casefold()) for r in STRONG_RULES)


@pytest.mark.parametrize("index", range(len(PATTERNS)))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_gate_never_rejects_a_match(index: int, data: st.DataObject) -> None:
    pattern = PATTERNS[index]
    text = data.draw(st.from_regex(pattern))
    gate = Gated.of(pattern)
    if pattern.search(text):
        assert gate.may_match(text.casefold())
        assert gate.search(text) is not None


FRAGMENTS_OF_SIGNALS = [
    "FileNotFoundError: [Errno 2] No such file or directory: '/data/x.csv'",
    "java.io.IOException: No space left on device",
    "psycopg2.OperationalError: could not connect to server: Connection refused",
    "KeyError: 'customer_id'",
    "ValueError: invalid literal for int() with base 10: 'N/A'",
    "403 Forbidden",
    " when calling the GetObject operation",
    "(AccessDenied)",
    "s3://bucket/key",
    " does not exist",
    " timed out",
    "Killed",
    "\n",
    "LINE 3: ",
    "dbt Database Error",
    "é",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Error", "ERROR", "timed OUT", "No such FILE or directory", "oom", "x", " ", ":", "é"]
        ),
        max_size=12,
    ).map("".join)
)
def test_gated_search_equals_search(text: str) -> None:
    for pattern in PATTERNS:
        assert (Gated.of(pattern).search(text) is None) == (pattern.search(text) is None)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("a|b", ["a", "b"]),
        ("(?:a)|(?:b|c)", ["a", "b", "c"]),
        (r"[|(]x|\(y|[]|]z", ["[|(]x", r"\(y", "[]|]z"]),
        ("(?:d)e|f(?:g|h)", ["(?:d)e", "f(?:g|h)"]),
        ("(?i:a|b)", ["(?i:a|b)"]),
        (r"[^)\]|]q|r", [r"[^)\]|]q", "r"]),
    ],
)
def test_alternatives_cut_only_top_level_bars(pattern: str, expected: list[str]) -> None:
    """A pattern is cut at the ``|`` outside groups and classes, and inside a whole ``(?:)``."""
    assert alternatives(pattern) == expected


def test_rule_alternatives_compile_and_are_gated() -> None:
    """Every alternative of every category rule compiles with its rule's flags and has a gate."""
    for rule in (*STRONG_RULES, *WEAK_RULES):
        pieces = alternatives(rule.pattern.pattern)
        assert len(pieces) >= 1
        for piece in pieces:
            assert Gated.of(re.compile(piece, rule.pattern.flags)).literals, piece


_RULE_PATTERNS = [r.pattern for r in (*STRONG_RULES, *WEAK_RULES)]
_FIRST = FirstMatch(_RULE_PATTERNS)


def _first_whole(text: str) -> int | None:
    return next((k for k, p in enumerate(_RULE_PATTERNS) if p.search(text)), None)


@pytest.mark.parametrize("index", range(len(_RULE_PATTERNS)))
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_first_match_equals_searching_each_rule_whole(index: int, data: st.DataObject) -> None:
    """Searching by gated alternatives finds the same first rule as searching each whole."""
    text = data.draw(st.from_regex(_RULE_PATTERNS[index]))
    assert _FIRST.first(text, text.casefold()) == _first_whole(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS_OF_SIGNALS), max_size=8).map("".join))
def test_first_match_equals_on_signal_fragments(text: str) -> None:
    """The same on texts made of the wordings of real signals."""
    assert _FIRST.first(text, text.casefold()) == _first_whole(text)


def test_first_match_refuses_groups() -> None:
    """A pattern with a group cannot be searched by alternatives: refused, not mis-searched."""
    with pytest.raises(ValueError, match="alternatives"):
        FirstMatch([re.compile(r"(a)|\1")])


def test_unanalysable_pattern_is_always_searched() -> None:
    gate = Gated.of(re.compile(r"\d+"))
    assert gate.literals is None
    assert gate.search("abc 12") is not None


FRAGMENTS = [
    "[2026-11-26T10:00:00.123+0000] {subprocess.py:93} INFO - ",
    "[2026-11-26T10:00:00.123+0000] {etl.py:12} ERROR - ",
    "[2026-11-26T10:00:00] {logging_mixin.py:190} WARNING - ",
    "2026-11-26 10:00:00,123 WARN scheduler.TaskSetManager: ",
    "Caused by: ",
    "org.apache.spark.SparkException: ",
    "com.acme.Loader: boom",
    "Processed batch 12 ",
    "Connection refused ",
    "No such file or directory: '/data/x.csv' ",
    "Permission denied ",
    "heartbeat timed out ",
    "Killed",
    "exit code 137 ",
    "ValueError: bad ",
    "\x1b[31m",
    "é",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=4).map("".join), max_size=8))
def test_context_gate_keeps_every_line_that_scores(lines: list[str]) -> None:
    """Skipping the lines ``_scoring_lines`` leaves out never loses a cause line."""
    text = "\n".join(lines)
    kept = cause_lines._scoring_lines(text) if text else set()
    for k, raw in enumerate(lines):
        if cause_lines._score(cause_lines.parse_record(raw)) >= cause_lines.CAUSE_SCORE:
            assert k in kept, raw


_PREFIX_PATTERNS = (
    records._AIRFLOW,
    records._BASIC,
    records._GLOG,
    records._TS_FIRST,
    records._LEVEL_FIRST,
    records._LEVEL_FIRST_INNER,
    records._LOGFMT,
    records._RDKAFKA,
    records._COMPOSE,
)


@settings(max_examples=500, deadline=None)
@given(
    st.tuples(st.sampled_from([" ", "\t"]), st.text()).map("".join)
    | st.sampled_from(["  File x", "\tat a.b(C.java:1)", "\t2024-01-01 10:00:00 ERROR x"])
)
def test_prefix_fast_path_skips_only_lines_no_prefix_matches(line: str) -> None:
    """A line that starts with whitespace, skipped without a match, matches no prefix."""
    assert records.split_record(line) is None
    assert all(rx.match(line) is None for rx in _PREFIX_PATTERNS)


PREFIX_FRAGMENTS = [
    "[2026-11-26T10:00:00.123+0000] ",
    "{etl.py:12} ",
    "2026-11-26 10:00:00,123 ",
    "10:00:00.123 ",
    "Nov  4 13:03:41 ",
    "E1104 13:03:41.123456  1234 file.cc:12] ",
    "081111 081617 26 ",
    "nova-api.log.1 ",
    "ERROR",
    "INFO ",
    "WARNING:",
    "[info ] ",
    "[MainThread]: ",
    "time=1 level=error ",
    "%3|1711949329.148|FAIL|rdkafka#consumer-1| ",
    "worker_1  | ",
    " - ",
    "root:",
    "Traceback (most recent call last):",
    "ValueError: x",
    "  at x",
    "é",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PREFIX_FRAGMENTS), min_size=1, max_size=5).map("".join))
def test_record_gate_never_rejects_a_line_a_prefix_matches(line: str) -> None:
    """The cheap gate in front of the prefix patterns lets every line they match through."""
    if any(rx.match(line) for rx in _PREFIX_PATTERNS):
        assert line[0] == "[" or line[0].isdigit() or records._MAY_START.match(line)
