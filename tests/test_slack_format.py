"""Slack message building: blocks, escaping of log text, Slack's length limits."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from logsumd.notify._slack_format import (
    FIELD_MAX,
    HEADER_MAX,
    SECTION_MAX,
    break_backticks,
    build_message,
    code_block,
    escape,
    fit,
    neutralise,
    render_preview,
    visible,
)
from logsumd.records import DigestItem, Notification

BASE = Notification(
    id="n1",
    kind="event",
    fingerprint="0123456789abcdef0123",
    path="/var/log/etl/orders_daily.log",
    line_start=120,
    line_end=130,
    host="etl-3",
    category="connection",
    exception_type="psycopg2.OperationalError",
    outer_exception_type="RuntimeError",
    message="could not connect to server: Connection refused",
    summary="The orders_daily load could not reach Postgres on db-1:5432.",
    summarizer="rules",
    excerpt='Traceback (most recent call last):\n  File "/opt/etl/load.py", line 8, in load\n'
    "psycopg2.OperationalError: could not connect to server",
    count=3,
    first_seen=1764191870.0,
    last_seen=1764191875.0,
    app_frame="/opt/etl/load.py:8 in load",
)

INJECTION = "<!channel> <!here> <@U123> <http://evil|click> & done"


def texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn text of a message, with the top-level text."""
    out = [message["text"]]
    for block in message["blocks"]:
        if block.get("text", {}).get("type") == "mrkdwn":
            out.append(block["text"]["text"])
        out.extend(f["text"] for f in block.get("fields", []))
        out.extend(e["text"] for e in block.get("elements", []))
    return out


def check_limits(message: dict[str, Any]) -> None:
    assert message["text"]
    assert len(message["blocks"]) <= 50
    for block in message["blocks"]:
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text"
            assert len(block["text"]["text"]) <= HEADER_MAX
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= SECTION_MAX
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= FIELD_MAX for f in block.get("fields", []))


def test_event_message_has_header_summary_fields_and_trace() -> None:
    """An event: header with category and file, summary, fields, code block, fallback."""
    msg = build_message(BASE)
    blocks = msg["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "connection: psycopg2.OperationalError in orders_daily.log",
            "emoji": False,
        },
    }
    assert blocks[1]["text"]["text"] == BASE.summary
    fields = [f["text"] for f in blocks[2]["fields"]]
    assert "*Host*\netl-3" in fields
    assert "*Location*\n/var/log/etl/orders_daily.log:120" in fields
    assert "*Count*\n3" in fields
    assert "*First seen*\n2025-11-26 21:17:50 UTC" in fields
    assert "*Last seen*\n2025-11-26 21:17:55 UTC" in fields
    assert "*Exception*\nRuntimeError ← psycopg2.OperationalError" in fields
    assert blocks[3]["text"]["text"].startswith("```\nTraceback")
    assert blocks[3]["text"]["text"].endswith("could not connect to server\n```")
    assert "psycopg2.OperationalError" in msg["text"]
    check_limits(msg)


def test_log_text_is_escaped_everywhere() -> None:
    """Mentions and links from a log cannot ping or link in any mrkdwn text."""
    n = replace(
        BASE,
        message=INJECTION,
        summary=INJECTION,
        excerpt=INJECTION,
        host=INJECTION,
        path=f"/x/{INJECTION}.log",
        exception_type=INJECTION,
        app_frame=INJECTION,
    )
    for kind in ("event", "update"):
        msg = build_message(replace(n, kind=kind))
        for text in texts(msg):
            assert "<" not in text
            assert ">" not in text
            assert not re.search(r"&(?!amp;|lt;|gt;)", text)
        assert "&lt;!channel&gt;" in json.dumps(msg)


def test_digest_items_are_escaped() -> None:
    """Digest lines escape the exception type and path coming from logs."""
    digest = (DigestItem("fp", "other", INJECTION, 4, f"/x/{INJECTION}"),)
    msg = build_message(replace(BASE, kind="digest", digest=digest, count=4))
    for text in texts(msg):
        assert "<" not in text


def test_backticks_cannot_close_the_code_block() -> None:
    """Backtick runs inside the trace are broken up; only our fences remain."""
    block = code_block("before\n```\n<!channel>\n``` after ````", 3000)
    assert block.count("```") == 2
    assert block.startswith("```\n")
    assert block.endswith("\n```")
    assert "&lt;!channel&gt;" in block
    assert "``" not in break_backticks("a ```` b `` c")
    assert break_backticks("one ` tick") == "one ` tick"


def test_long_trace_keeps_head_and_tail_within_limit() -> None:
    """A long trace is cut in the middle with a marker; the section fits 3,000."""
    trace = "HEAD line\n" + "x <y> & z\n" * 2000 + "ValueError: the end"
    n = replace(BASE, excerpt=trace)
    msg = build_message(n, max_traceback_chars=2500)
    code = msg["blocks"][3]["text"]["text"]
    assert len(code) <= 2500
    assert code.startswith("```\nHEAD line")
    assert code.endswith("ValueError: the end\n```")
    assert "characters cut" in code
    check_limits(build_message(n, max_traceback_chars=100_000))
    assert len(build_message(n, max_traceback_chars=100_000)["blocks"][3]["text"]["text"]) <= 3000


@given(st.text(alphabet="<>&ab`\n", max_size=400), st.integers(min_value=20, max_value=300))
def test_cuts_never_split_an_entity(text: str, limit: int) -> None:
    """Cutting escaped text never leaves half an entity (``&am``) behind."""
    for out in (fit(text, limit), code_block(text, limit + 20)):
        assert not re.search(r"&(?!amp;|lt;|gt;)", out)
        assert "<" not in out
        assert ">" not in out
    assert len(fit(text, limit)) <= limit


def test_huge_fields_and_header_are_cut() -> None:
    """Oversized values from logs never exceed Slack's limits."""
    n = replace(
        BASE,
        path="/p/" + "d" * 5000,
        host="h" * 5000,
        exception_type="E" * 400,
        summary="s<" * 3000,
        app_frame="f" * 3000,
    )
    check_limits(build_message(n))
    assert len(build_message(n)["blocks"][0]["text"]["text"]) == HEADER_MAX


def test_update_message_counts() -> None:
    """An update says how many more and the total since the window began."""
    n = replace(BASE, kind="update", count=42, first_seen=1764190800.0, last_seen=1764191875.0)
    msg = build_message(n)
    body = msg["blocks"][1]["text"]["text"]
    assert "42 total since 21:00:00 UTC" in body
    assert "42 total since 21:00:00 UTC" in msg["text"]
    check_limits(msg)


def test_digest_lists_fingerprints_with_counts() -> None:
    """A digest names each folded group with its count, within block limits."""
    items = tuple(
        DigestItem(f"fp{i}", "schema", f"KeyError{i}", i + 1, f"/logs/job{i}.log")
        for i in range(300)
    )
    n = replace(BASE, kind="digest", fingerprint="", digest=items, count=sum(range(1, 301)))
    msg = build_message(n)
    check_limits(msg)
    assert msg["blocks"][0]["text"]["text"] == "Digest: 300 error groups, 45150 events"
    joined = "\n".join(texts(msg))
    assert "• *1×* schema · KeyError0 in /logs/job0.log" in joined
    assert "• *300×* schema · KeyError299 in /logs/job299.log" in joined


def test_render_preview_is_plain_text() -> None:
    """The preview is readable plain text with the same facts, unescaped."""
    out = render_preview(replace(BASE, summary="a < b & c"))
    assert out.splitlines()[0] == "connection: psycopg2.OperationalError in orders_daily.log"
    assert "a < b & c" in out
    assert "Host: etl-3" in out
    assert "```\nTraceback" in out
    digest = render_preview(
        replace(BASE, kind="digest", digest=(DigestItem("f", "auth", "Denied", 2, "/a.log"),))
    )
    assert "2× auth · Denied in /a.log" in digest


def test_escape() -> None:
    """The three characters Slack asks to escape, ampersand first."""
    assert escape("<a & b>") == "&lt;a &amp; b&gt;"


LIVE = "*URGENT* _now_ ~gone~ `rm -rf` ```fence``` :fire: :rotating_light:"
HIDDEN = "a\u202eb\u2066c\u200bd\u200de\ufeff f\x07g\x1bh\x85i\x9fj\u2028k"
"""Bidi overrides, zero-width characters, C0 and C1 controls, a line separator."""
_HIDDEN_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)


def all_texts(message: dict[str, Any]) -> list[str]:
    """Every text of a message, the plain_text header included."""
    out = texts(message)
    out += [b["text"]["text"] for b in message["blocks"] if b.get("type") == "header"]
    return out


def test_log_text_is_inert_in_every_field() -> None:
    """Log text cannot format (bold, italic, strike, code, emoji) or hide itself in Slack."""
    text = f"{LIVE} {HIDDEN}"
    n = replace(
        BASE,
        message=text,
        summary=text,
        excerpt=f"{text}\n{text}",
        host=text,
        path=f"/x/{text}.log",
        exception_type=text,
        app_frame=text,
        rule=text,
    )
    for kind in ("event", "update", "digest"):
        digest = (DigestItem("fp", "other", text, 2, f"/x/{text}"),) if kind == "digest" else ()
        msg = build_message(replace(n, kind=kind, digest=digest))
        for out in all_texts(msg):
            assert not _HIDDEN_RE.search(out), (kind, out)
            assert ":fire:" not in out
            assert ":rotating_light:" not in out
            if out.startswith("```"):  # verbatim inside, but no fence can close it
                assert out.count("```") == 2, out
                assert out.endswith("\n```")
                continue
            assert "`" not in out, out
            for live in ("*URGENT*", "_now_", "~gone~"):
                assert live not in out, (kind, live, out)
        assert "URGENT" in json.dumps(msg)  # neutralised, not dropped


def test_our_own_formatting_stays() -> None:
    """Labels and counts that we bold stay bold; identifiers keep their underscores."""
    n = replace(BASE, message="orders_daily_load failed", path="/var/log/etl/orders_daily.log")
    msg = build_message(n)
    fields = [f["text"] for f in msg["blocks"][2]["fields"]]
    assert "*Location*\n/var/log/etl/orders_daily.log:120" in fields
    assert "orders_daily_load failed" in msg["text"]


def test_letterless_shortcodes_are_inert_and_times_stay() -> None:
    """`:100:`, `:1234:`, `:+1:`, `:-1:` lose their opening colon; `04:10:12` keeps its colons."""
    text = neutralise("quota :100: :1234: :+1: :-1: at 04:10:12 port 5432:")
    assert not re.search(r":(?:[+-]?\d+):", text.replace("04:10:12", ""))
    assert "04:10:12" in text
    assert ":100:" not in code_block("x :100: y", 200)


def test_ansi_sequences_are_removed_whole() -> None:
    """Colour (CSI), title/hyperlink (OSC) and other escape sequences leave nothing behind."""
    text = "\x1b[1;31mRED\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b(B\x1b[38;5;196mz\x9b0m"
    assert visible(text) == "RED link z"


def test_every_invisible_character_is_removed() -> None:
    """Every control and format character (Cc, Cf) and the blank fillers are dropped."""
    blank = "\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\ufe0f\U000e0101"
    hidden = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in ("Cc", "Cf") and chr(c) not in "\n\t"
    ]
    assert visible("".join(hidden) + blank) == ""
    assert visible("a\tb\nc") == "a    b\nc"


def test_cause_and_next_step_on_their_own_lines_with_runbook_link() -> None:
    """The summary's Cause and Next lines stay separate lines; the runbook is a link."""
    n = replace(
        BASE,
        summary="load (load.py:8) failed: OperationalError: refused\n"
        "Cause: nothing listens on db-1 port 5432.\nNext: start the database.",
        diagnosis="db_unreachable_refused",
        runbook="https://runbooks.example.invalid/db-refused",
    )
    section = build_message(n)["blocks"][1]["text"]["text"]
    lines = section.split("\n")
    assert lines[1] == "Cause: nothing listens on db-1 port 5432."
    assert lines[2] == "Next: start the database."
    expected = "https://runbooks.example.invalid/db-refused"
    assert lines[3] == f"Runbook: <{expected}|{expected}>"
    assert f"Runbook: {expected}" in render_preview(n)
    assert "Runbook" not in build_message(BASE)["blocks"][1]["text"]["text"]
