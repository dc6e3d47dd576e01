"""Slack messages for notifications: Block Kit, mrkdwn escaping, length limits.

Pure functions.  Every text that comes from a log is made inert before it is
placed in any field (``text``, header, summary, fields, code block, context):

* ANSI escape sequences (whole), bidi controls, zero-width and other invisible
  format characters, blank-looking fillers (Hangul fillers, braille blank) and
  C0/C1 control characters are removed (a tab becomes a space), so what Slack
  shows is what the log said;
* mrkdwn markers that could format (``*``, ``_``, ``~`` next to a non-letter,
  every backtick, the colons of an ``:emoji:`` shortcode) are replaced by
  look-alike characters that Slack does not interpret;
* ``&``, ``<`` and ``>`` are escaped, so a log line cannot ping ``<!channel>``,
  mention a user or hide a link.

Inside the code block only fences and shortcodes could be live: backtick runs
become look-alikes there, so log text cannot close the block.  Slack's limits
are respected: a header is at most 150 characters, a section text 3,000, a
field 2,000, a message 50 blocks.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any

from logsumd.records import Notification

HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
TEXT_MAX = 3000
"""Our cap on the top-level ``text`` fallback (Slack truncates far later)."""
MAX_BLOCKS = 50
DIGEST_SECTIONS_MAX = 40
DEFAULT_TRACEBACK_CHARS = 2500
ELLIPSIS = "…"
_FENCE = "```"
_BACKTICK_RUN = re.compile(r"`{2,}")
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]"  # other escapes (charset, keypad)
)
"""ANSI/ECMA-48 escape sequences, removed whole (no ``[1;31m`` left behind)."""
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u061c\u0600-\u0605\u06dd\u070f"
    "\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u2028-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
"""C0/C1 controls (not newline or tab), every format character (Unicode category Cf:
bidi controls, zero-width characters, tags), line/paragraph separators, and the
characters that show as blank without being spaces: Hangul fillers (U+115F, U+1160,
U+3164, U+FFA0), the braille blank (U+2800), the combining grapheme joiner, Khmer
invisible vowels, variation selectors."""
_MARKER = re.compile(r"(?<![^\W_])[*_~]|[*_~](?![^\W_])")
"""``*``, ``_`` or ``~`` not between two letters or digits: where Slack may format."""
_SHORTCODE = re.compile(r":(?=[\w+'-]*[A-Za-z][\w+'-]*:)|(?<![0-9]):(?=[+-]?[0-9]+:)")
"""The opening colon of what Slack may render as an emoji: ``:name:``, and the
letterless ``:100:``, ``:1234:``, ``:+1:``, ``:-1:`` (not the ``04:10:12`` of a time)."""
_LOOKALIKE = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb", ":": "\ua789"}
"""Characters that look like the markers but mean nothing to Slack: ∗ ˍ ∼ ˋ ꞉."""


def _lookalike(m: re.Match[str]) -> str:
    return _LOOKALIKE[m.group()[0]] * len(m.group())


def visible(text: str) -> str:
    """``text`` without invisible and control characters (tabs become spaces)."""
    return _INVISIBLE.sub("", _ANSI.sub("", text).replace("\t", "    "))


def neutralise(text: str) -> str:
    """Log text that cannot format in mrkdwn: markers become look-alikes (see module doc)."""
    text = _MARKER.sub(_lookalike, visible(text))
    return _SHORTCODE.sub(_LOOKALIKE[":"], text.replace("`", _LOOKALIKE["`"]))


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` for Slack mrkdwn (and the ``text`` fallback)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def break_backticks(text: str) -> str:
    """Runs of backticks become look-alikes (no fence can close); single ones stay."""
    return _BACKTICK_RUN.sub(_lookalike, text)


def _cut_end(text: str, pos: int) -> int:
    """``pos`` moved back so that ``text[:pos]`` does not end inside an entity."""
    amp = text.rfind("&", max(0, pos - 4), pos)
    if amp != -1 and ";" not in text[amp:pos]:
        return amp
    return pos


def _cut_start(text: str, pos: int) -> int:
    """``pos`` moved forward so that ``text[pos:]`` does not start inside an entity."""
    amp = text.rfind("&", max(0, pos - 4), pos)
    if amp != -1:
        semi = text.find(";", amp, amp + 6)
        if semi >= pos:
            return semi + 1
    return pos


def fit(text: str, limit: int) -> str:
    """Inert, escaped ``text`` cut to ``limit`` characters (never inside an entity)."""
    escaped = escape(neutralise(text))
    if len(escaped) <= limit:
        return escaped
    return escaped[: _cut_end(escaped, limit - len(ELLIPSIS))] + ELLIPSIS


def plain(text: str, limit: int) -> str:
    """Inert, unescaped ``text`` (for plain_text objects) cut to ``limit`` characters."""
    text = " ".join(neutralise(text).split())
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def code_block(text: str, limit: int) -> str:
    """A fenced code block of escaped log text, at most ``limit`` characters.

    When the text is too long its head and tail are kept (a trace ends with
    the exception) and a marker says how much was cut.
    """
    budget = limit - 2 * len(_FENCE) - 2
    body = break_backticks(escape(visible(text).strip("\n")))
    body = _SHORTCODE.sub(_LOOKALIKE[":"], body)
    if len(body) > budget:
        marker = f"\n{ELLIPSIS} {len(body) - budget} characters cut {ELLIPSIS}\n"
        avail = max(budget - len(marker), 0)
        head = _cut_end(body, avail // 3)
        tail = _cut_start(body, len(body) - (avail - avail // 3))
        body = body[:head] + marker + body[tail:]
    return f"{_FENCE}\n{body}\n{_FENCE}"


def utc(ts: float) -> str:
    """``2026-11-26 21:17:50 UTC``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _hm(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S UTC")


def _where(n: Notification) -> str:
    return os.path.basename(n.path) or n.path or "unknown file"


def _title(n: Notification) -> str:
    if n.kind == "digest":
        groups = len(n.digest)
        return f"Digest: {groups} error group{'s' if groups != 1 else ''}, {n.count} events"
    error = n.exception_type or "error"
    prefix = "Repeated " if n.kind == "update" else ""
    return f"{prefix}{n.category}: {error} in {_where(n)}"


def _new_count(n: Notification) -> int | None:
    """Events since the previous message, when the notification carries it."""
    value = getattr(n, "new_count", None)
    return value if isinstance(value, int) and value > 0 else None


def _since(n: Notification) -> float | None:
    value = getattr(n, "since", None)
    return float(value) if isinstance(value, int | float) and value > 0 else None


def update_line(n: Notification) -> str:
    """``N more since 12:05:00 UTC, M total since 11:20:00 UTC`` (unescaped)."""
    new, since = _new_count(n), _since(n)
    total = f"{n.count} total since {_hm(n.first_seen)}"
    if new is not None and since is not None:
        return f"{new} more since {_hm(since)}, {total}"
    if new is not None:
        return f"{new} more, {total}"
    return f"{total}, last at {_hm(n.last_seen)}"


def _fields(n: Notification) -> list[tuple[str, str]]:
    exception = n.exception_type or "unknown"
    if n.outer_exception_type and n.outer_exception_type != n.exception_type:
        exception = f"{n.outer_exception_type} ← {exception}"
    out = [
        ("Host", n.host or "unknown"),
        ("Location", f"{n.path}:{n.line_start}"),
        ("Exception", exception),
        ("Count", str(n.count)),
        ("First seen", utc(n.first_seen)),
        ("Last seen", utc(n.last_seen)),
    ]
    if n.app_frame:
        out.append(("App frame", n.app_frame))
    return out


def _digest_lines(n: Notification) -> list[str]:
    return [
        f"• *{d.count}×* {escape(d.category)} · {fit(d.exception_type or 'error', 200)}"
        f" in {fit(d.path, 300)}"
        for d in n.digest
    ]


def _digest_sections(n: Notification) -> list[dict[str, Any]]:
    sections: list[str] = []
    current = ""
    lines = _digest_lines(n)
    for i, line in enumerate(lines):
        if len(current) + len(line) + 1 > SECTION_MAX:
            sections.append(current)
            current = ""
            if len(sections) == DIGEST_SECTIONS_MAX:
                current = f"{ELLIPSIS} and {len(lines) - i} more groups"
                break
        current = f"{current}\n{line}" if current else line
    if current:
        sections.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


_SAFE_URL = re.compile(r"https?://[^\s<>|]+")


def runbook_line(n: Notification) -> str:
    """``Runbook: <url|url>`` (mrkdwn) when the diagnosis has a runbook link, else ``""``."""
    if not n.runbook:
        return ""
    if _SAFE_URL.fullmatch(n.runbook):
        return f"Runbook: <{escape(n.runbook)}|{escape(n.runbook)}>"
    return f"Runbook: {fit(n.runbook, 500)}"


def _context(n: Notification) -> dict[str, Any]:
    parts = [f"fingerprint {escape(n.fingerprint[:16])}"]
    if n.summarizer:
        parts.append(f"summary by {fit(n.summarizer, 100)}")
    if n.rule:
        parts.append(f"rule {fit(n.rule, 100)}")
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(parts)}]}


def fallback_text(n: Notification) -> str:
    """The top-level ``text``: shown in notifications and where blocks are not."""
    if n.kind == "digest":
        return fit(_title(n) + " held back by the rate limit", TEXT_MAX)
    head = f"[{n.category}] {n.exception_type or 'error'}: {n.message}"
    if n.kind == "update":
        return fit(f"{head} ({_where(n)}): {update_line(n)}", TEXT_MAX)
    return fit(f"{head} ({_where(n)}, {n.count}×)", TEXT_MAX)


def build_message(
    n: Notification, max_traceback_chars: int = DEFAULT_TRACEBACK_CHARS
) -> dict[str, Any]:
    """``{"text": ..., "blocks": [...]}`` for ``chat.postMessage`` or a webhook."""
    header = {
        "type": "header",
        "text": {"type": "plain_text", "text": plain(_title(n), HEADER_MAX), "emoji": False},
    }
    blocks: list[dict[str, Any]]
    if n.kind == "digest":
        intro = _mrkdwn(
            f"Held back by the rate limit between {utc(n.first_seen)} and {utc(n.last_seen)}:"
        )
        blocks = [header, intro, *_digest_sections(n)]
    elif n.kind == "update":
        line = f"*{fit(update_line(n), 500)}*"
        detail = f"{fit(n.exception_type or 'error', 300)}: {fit(n.message, 1500)}"
        place = f"{fit(n.host or 'unknown', 200)} · {fit(f'{n.path}:{n.line_start}', 600)}"
        blocks = [_mrkdwn(fit(_title(n), 300)), _mrkdwn(f"{line}\n{detail}\n{place}")]
        blocks.append(_context(n))
    else:
        summary = n.summary or f"{n.exception_type or 'error'}: {n.message}"
        fields = [
            {"type": "mrkdwn", "text": f"*{name}*\n{fit(value, FIELD_MAX - len(name) - 3)}"}
            for name, value in _fields(n)
        ]
        runbook = runbook_line(n)
        text = fit(summary, SECTION_MAX - len(runbook) - 1)
        text = f"{text}\n{runbook}" if runbook else text
        blocks = [header, _mrkdwn(text), {"type": "section", "fields": fields}]
        if n.excerpt.strip():
            limit = min(max(max_traceback_chars, 200), SECTION_MAX)
            blocks.append(_mrkdwn(code_block(n.excerpt, limit)))
        blocks.append(_context(n))
    return {"text": fallback_text(n), "blocks": blocks[:MAX_BLOCKS]}


def render_preview(n: Notification, max_traceback_chars: int = DEFAULT_TRACEBACK_CHARS) -> str:
    """A plain-text rendering of the message (for the README and ``logsumd`` CLI)."""
    lines = [plain(_title(n), HEADER_MAX)]
    if n.kind == "digest":
        lines.append(
            f"Held back by the rate limit between {utc(n.first_seen)} and {utc(n.last_seen)}:"
        )
        lines.extend(
            f"  • {d.count}× {d.category} · {d.exception_type or 'error'} in {d.path}"
            for d in n.digest
        )
        return "\n".join(lines)
    if n.kind == "update":
        lines.append(update_line(n))
        lines.append(f"{n.exception_type or 'error'}: {n.message}")
        lines.append(f"{n.host or 'unknown'} · {n.path}:{n.line_start}")
        return "\n".join(lines)
    lines.append(n.summary or f"{n.exception_type or 'error'}: {n.message}")
    if n.runbook:
        lines.append(f"Runbook: {n.runbook}")
    lines.append("")
    lines.extend(f"{name}: {value}" for name, value in _fields(n))
    excerpt = n.excerpt.strip("\n")
    if excerpt:
        if len(excerpt) > max_traceback_chars:
            excerpt = excerpt[: max_traceback_chars - len(ELLIPSIS)] + ELLIPSIS
        lines.extend(["", _FENCE, excerpt, _FENCE])
    return "\n".join(lines)
