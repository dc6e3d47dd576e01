"""Red team, issue 12: log text reaching Slack must be inert (checked on the exact JSON).

The real daemon (subprocess, rules summarizer) posts to the local Slack Web API
server; the request bodies are searched.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from tests.daemon_helpers import DaemonProcess, write_config
from tests.slack_server import SlackServer

_NUMERIC_SHORTCODE = re.compile(r":(?:100|1234|\+1|-1):")
"""Slack emoji whose shortcodes hold no letter: 💯 🔢 👍 👎."""


def _texts(value: Any) -> list[str]:
    """Every ``text`` value of a Slack message (top-level and in blocks)."""
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "text" and isinstance(v, str):
                out.append(v)
            else:
                out += _texts(v)
    elif isinstance(value, list):
        for v in value:
            out += _texts(v)
    return out


def _post(tmp_path: Path, message: str) -> list[str]:
    """Run the daemon over one traceback ending in ``message``; the texts Slack received."""
    with SlackServer() as server:
        config = write_config(
            tmp_path,
            notifiers=[
                {"type": "file", "path": str(tmp_path / "out" / "events.jsonl")},
                {
                    "type": "slack",
                    "bot_token": server.token,
                    "channel": "#etl",
                    "base_url": server.url,
                },
            ],
        )
        (tmp_path / "logs" / "e.log").write_text(
            "2025-03-02 04:10:12,000 ERROR etl.load: load failed\n"
            "Traceback (most recent call last):\n"
            '  File "/srv/etl/jobs/load.py", line 64, in write_staging\n'
            "    cur.execute(sql)\n"
            f"RuntimeError: {message}\n"
            "2025-03-02 04:10:13,000 INFO etl: next\n"
        )
        daemon = DaemonProcess(config)
        try:
            deadline = time.monotonic() + 60
            while not server.messages() and time.monotonic() < deadline:
                if daemon.proc.poll() is not None:
                    break  # the daemon exited: its stderr says why
                time.sleep(0.1)
        finally:
            daemon.stop()
        bodies = [json.loads(r.body) for r in server.requests if r.path.endswith("postMessage")]
    assert bodies, "nothing was posted; daemon stderr:\n" + "\n".join(daemon.lines[-40:])
    return [t for b in bodies for t in _texts(b)]


def test_numeric_emoji_shortcodes_are_inert(tmp_path: Path) -> None:
    """`:100:`, `:+1:`, `:-1:` and `:1234:` from a log are not live emoji in any Slack field."""
    texts = _post(tmp_path, "quota hit :100: :+1: :-1: :1234: for orders")
    live = sorted({m for t in texts for m in _NUMERIC_SHORTCODE.findall(t)})
    assert not live, f"live shortcodes {live} in {texts}"


def test_ansi_sequences_leave_no_residue_in_slack(tmp_path: Path) -> None:
    """An ANSI colour sequence is removed whole, not left as `[1;31m` in the code block."""
    texts = _post(tmp_path, "\x1b[1;31mRED\x1b[0m failure")
    assert not [t for t in texts if "[1;31m" in t or "[0m" in t], texts


def test_invisible_filler_characters_are_removed(tmp_path: Path) -> None:
    """Hangul fillers, braille blank and the combining grapheme joiner do not reach Slack."""
    texts = _post(tmp_path, "a\u3164b\u115fc\u2800d\u034fe")
    bad = [t for t in texts if any(ch in t for ch in "\u3164\u115f\u2800\u034f")]
    assert not bad, [ascii(t) for t in bad]
