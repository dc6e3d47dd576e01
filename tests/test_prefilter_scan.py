"""The prefilter finds the first line holding a token, as line-by-line tests do (pure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from logsumd.assemble._prefilter import Scan

TOKENS = (b"error", b"fail", b"\tat ", b"  at ")
PIECES = [b"error", b"ERROR", b"Fail", b"\tat x", b"  at y", b"info ok", b"", b"e", b"rror", b"\t"]


def _naive(lines: list[bytes], i: int) -> int:
    return next(
        (k for k in range(i, len(lines)) if any(t in lines[k].lower() for t in TOKENS)), len(lines)
    )


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(st.lists(st.sampled_from(PIECES), max_size=4).map(b"".join), max_size=30),
    data=st.data(),
)
def test_next_hit_is_the_first_line_holding_a_token(
    lines: list[bytes], data: st.DataObject
) -> None:
    """From any start, call after call, the hit is the first line at or after it with a token."""
    base = data.draw(st.integers(0, len(lines)))
    scan = Scan(lines, base, TOKENS)
    i = base
    for step in data.draw(st.lists(st.integers(0, 6), max_size=8)):
        hit = scan.next_hit(lines, i)
        assert hit == _naive(lines, i)
        i = min(len(lines), hit + step)  # on from the hit, as the assembler goes


def test_a_log_full_of_tabs_still_finds_the_tab_token() -> None:
    """Past the tabs a scan steps through (a TSV log), the token is searched whole: same hit."""
    lines = [b"a\tb\tc\td\te"] * 3000 + [b"\tat com.acme.Job.run(Job.java:3)", b"x\ty"]
    scan = Scan(lines, 0, TOKENS)
    assert scan.next_hit(lines, 0) == 3000 == _naive(lines, 0)
    assert scan.next_hit(lines, 3001) == len(lines)
