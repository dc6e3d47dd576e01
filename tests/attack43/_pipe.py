"""Run one log through every output a user sees; report where a string shows up."""

from __future__ import annotations

import html
import io
import json
import time
from contextlib import redirect_stdout
from pathlib import Path

from logsumd.cli import main
from logsumd.cli._summarize import understood_events
from logsumd.config import SourceSettings
from logsumd.summarize.condense import condense
from logsumd.understand import Redactor
from tests.daemon_helpers import DaemonProcess, read_jsonl, write_config
from tests.slack_server import SlackServer


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def cli_outputs(tmp_path: Path, text: str) -> dict[str, str]:
    """`logsumd summarize` (report and --json --all) and the model's input."""
    log = tmp_path / "cli" / "etl.log"
    log.parent.mkdir(exist_ok=True)
    log.write_text(text)
    out: dict[str, str] = {}
    for name, args in (
        ("summarize report", ["summarize", "--backend", "catalogue", str(log)]),
        ("summarize --json", ["summarize", "--backend", "catalogue", "--json", "--all", str(log)]),
    ):
        buf = io.StringIO()
        with redirect_stdout(buf):
            main(args)
        out[name] = buf.getvalue()
    redactor = Redactor()
    items = understood_events(str(log), SourceSettings(include=(str(log),)), redactor)
    out["model input"] = "\n".join(condense(e, c, redactor) for e, c, _ in items)
    out["redacted event (model evidence)"] = "\n".join(
        e.text + "\n" + "\n".join(e.context) for e, _, _ in items
    )
    return out


def daemon_outputs(tmp_path: Path, text: str, timeout: float = 40.0) -> dict[str, str]:
    """The daemon (catalogue summarizer): JSONL, Slack bodies and every state file."""
    jsonl = tmp_path / "out" / "events.jsonl"
    with SlackServer() as server:
        config = write_config(
            tmp_path,
            summarizer={"backend": "catalogue"},
            notifiers=[
                {"type": "file", "path": str(jsonl)},
                {
                    "type": "slack",
                    "bot_token": server.token,
                    "channel": "#etl",
                    "base_url": server.url,
                },
            ],
        )
        (tmp_path / "logs" / "etl.log").write_text(text)
        daemon = DaemonProcess(config)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and daemon.proc.poll() is None:
                if read_jsonl(jsonl) and server.messages():
                    time.sleep(0.5)
                    break
                time.sleep(0.1)
        finally:
            daemon.stop()
        bodies = [
            html.unescape(json.dumps(r.data, ensure_ascii=False)) + r.body.decode(errors="replace")
            for r in server.requests
        ]
    assert read_jsonl(jsonl), "no JSONL record; daemon stderr:\n" + "\n".join(daemon.lines[-30:])
    state = ""
    for f in sorted((tmp_path / "state").rglob("*")):
        if f.is_file():
            state += f"\n== {f.name}\n" + f.read_bytes().decode("utf-8", "replace")
    return {
        "JSONL": jsonl.read_text(),
        "Slack": "\n".join(bodies),
        "state dir": state,
        "daemon log": "\n".join(daemon.lines),
    }


def where(outputs: dict[str, str], secret: str) -> list[str]:
    """The outputs that hold ``secret``."""
    return [name for name, text in outputs.items() if secret in text]
