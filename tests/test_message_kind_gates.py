"""The literal tests in front of message_kind's patterns never skip a match (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logsumd.parse import _lexicon as lex

GATES: list[tuple[re.Pattern[str], Callable[[str], bool]]] = [
    (lex.TB_RE, lambda m: lex._TB_WORDS in m),
    (lex.CAUSED_RE, lambda m: "Caused by" in m or "Suppressed" in m),
    (lex.CHAIN_RE, lambda m: lex._CHAIN_WORDS in m),
    (lex.DBT_RE, lambda m: " Error" in m or "Failure in test" in m),
    (lex._MSGCONT_RE, lambda m: ":" in m or "[" in m or m[:2] in ("vs", "--")),
    (lex.THREAD_RE, lambda m: m.startswith("Exception in thread")),
]


@pytest.mark.parametrize("index", range(len(GATES)))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_gate_holds_wherever_the_pattern_matches(index: int, data: st.DataObject) -> None:
    """A message the pattern matches (at its start) always passes the pattern's literal test."""
    pattern, gate = GATES[index]
    text = data.draw(st.from_regex(pattern) | st.from_regex(pattern).map(lambda s: s + " tail"))
    if pattern.match(text):
        assert gate(text), text


@pytest.mark.parametrize(
    ("msg", "kind"),
    [
        ("Traceback (most recent call last):", lex.K_TB),
        ("  | Traceback (most recent call last):", lex.K_TB),
        ("Caused by: java.io.IOException: boom", lex.K_CAUSED),
        ("\tSuppressed: x.Y: z", lex.K_CAUSED),
        ("During handling of the above exception, another exception occurred:", lex.K_CHAIN),
        ("Database Error in model orders (models/orders.sql)", lex.K_DBT),
        ("  Compilation Error", lex.K_DBT),
        ("DETAIL:  Key (id)=(1) already exists.", lex.K_MSGCONT),
        ("[SQL: INSERT INTO t VALUES (1)]", lex.K_MSGCONT),
        ("  [SQL: INSERT INTO t VALUES (1)]", lex.K_INDENT),
        ('Exception in thread "main" java.lang.Error: x', lex.K_THREAD),
        ("    result = run(batch)", lex.K_INDENT),
        ("Processed batch 12 of 40", lex.K_OTHER),
    ],
)
def test_message_kinds(msg: str, kind: int) -> None:
    """Each kind is still recognised behind its literal test."""
    assert lex.message_kind(msg) == kind
