"""Secrets in log lines never reach the model input, Slack request bodies or JSONL."""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path

from logsumd.config import FileNotifierSettings, SlackNotifierSettings
from logsumd.decide import build_notification
from logsumd.notify import SlackNotifier
from logsumd.notify._file import FileNotifier
from logsumd.records import Event
from logsumd.summarize.condense import condense
from logsumd.summarize.summarizer import RulesSummarizer
from logsumd.understand import Redactor, understand
from tests.slack_server import SlackServer
from tests.test_redact import SECRET_LINES


def _event(i: int, line: str) -> Event:
    text = (
        f"2025-03-02 04:15:{i % 60:02d},001 - etl.load - ERROR - load failed: {line}\n"
        "Traceback (most recent call last):\n"
        f'  File "/opt/etl/load.py", line {i + 1}, in connect\n'
        f"    engine.connect()  # {line}\n"
        f"sqlalchemy.exc.OperationalError: cannot connect with {line}\n"
    )
    return Event(
        path="/var/log/etl/load.log",
        file_id="1:2",
        line_start=10 * i + 1,
        line_end=10 * i + 5,
        offset_start=0,
        offset_end=len(text),
        text=text.rstrip("\n"),
        first_read_at=0.0,
        last_read_at=0.0,
        rule="python",
        context=(f"2025-03-02 04:14:59,000 - etl.load - INFO - dsn {line}",),
    )


def test_no_secret_of_the_corpus_leaves_the_process(tmp_path: Path) -> None:
    """Model input, Slack bodies (real slack-sdk, local server) and JSONL are clean."""
    assert len(SECRET_LINES) >= 30
    redactor = Redactor()
    model_inputs: list[str] = []
    notifications = []
    for i, (line, _secrets) in enumerate(SECRET_LINES):
        clean, cls, fp = understand(_event(i, line), redactor)
        model_inputs.append(condense(clean, cls, redactor))
        summary = RulesSummarizer().summarize(clean, cls)
        notifications.append(
            build_notification(
                notification_id=f"n{i}",
                kind="event",
                event=clean,
                cls=cls,
                fp=fp,
                summary=summary,
                host="etl-1",
                count=1,
                first_seen=0.0,
                last_seen=0.0,
            )
        )
    out = tmp_path / "events.jsonl"

    async def deliver(server: SlackServer) -> None:
        slack = SlackNotifier(
            SlackNotifierSettings(bot_token=server.token, channel="#etl", base_url=server.url),
            str(tmp_path),
        )
        files = FileNotifier(FileNotifierSettings(path=str(out)))
        for n in notifications:
            await slack.send(n)
            await files.send(n)
        await slack.aclose()
        await files.aclose()

    with SlackServer() as server:
        asyncio.run(deliver(server))
        # Parsed and unescaped, so URL or HTML escaping cannot hide a secret.
        bodies = [
            html.unescape(json.dumps(r.data, ensure_ascii=False)) + r.body.decode()
            for r in server.requests
        ]
    assert len(bodies) == len(SECRET_LINES)
    jsonl = out.read_text()
    for i, (_line, secrets) in enumerate(SECRET_LINES):
        for secret in secrets:
            assert secret not in model_inputs[i], (i, secret)
            assert all(secret not in body for body in bodies), (i, secret)
            assert secret not in jsonl, (i, secret)
