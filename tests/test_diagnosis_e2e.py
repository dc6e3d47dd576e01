"""A diagnosis of your own in the config changes the Slack message of a real daemon run."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.daemon_helpers import DaemonProcess, write_config
from tests.slack_server import SlackServer

pytestmark = pytest.mark.slow

ERROR = (
    "2031-05-06 02:14:07,311 - etl.load - ERROR - batch failed\n"
    "Traceback (most recent call last):\n"
    '  File "/opt/etl/jobs/load.py", line 12, in load_kiwi\n'
    "    import quokka_sync\n"
    "ModuleNotFoundError: No module named 'quokka_sync'\n"
    "2031-05-06 02:14:08,000 - etl.load - INFO - continuing\n"
)
RUNBOOK = "https://runbooks.example.invalid/quokka-index"


def _first_post(server: SlackServer, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for request in server.requests:
            if request.path.endswith("chat.postMessage") and request.answered == "ok":
                body = dict(request.data)
                if isinstance(body.get("blocks"), str):
                    body["blocks"] = json.loads(body["blocks"])
                return body
        time.sleep(0.1)
    raise AssertionError("no message reached Slack")


def _run(tmp_path: Path, server: SlackServer, diagnoses: list[dict[str, Any]]) -> str:
    tmp_path.mkdir()
    config = write_config(
        tmp_path,
        summarizer={"backend": "catalogue"},
        diagnoses=diagnoses,
        notifiers=[
            {
                "type": "slack",
                "bot_token": "${SLACK_BOT_TOKEN}",
                "channel": "#etl-alerts",
                "base_url": server.url,
                "timeout_secs": 5,
            }
        ],
    )
    (tmp_path / "logs" / "etl.log").write_text(ERROR)
    daemon = DaemonProcess(config, env={"SLACK_BOT_TOKEN": server.token})
    try:
        post = _first_post(server, timeout=60)
    finally:
        assert daemon.stop() == 0
    return str(post["blocks"][1]["text"]["text"])


def test_config_diagnosis_changes_the_slack_message(tmp_path: Path) -> None:
    """Without an entry the shipped diagnosis is sent; with one, its cause, step and runbook."""
    with SlackServer() as server:
        shipped = _run(tmp_path / "a", server, [])
    assert "Cause: 'quokka_sync' cannot be imported where this task runs" in shipped
    assert "Runbook" not in shipped
    mine = {
        "id": "quokka_private_index",
        "category": "dependency",
        "match": {
            "exception": "ModuleNotFoundError",
            "message": r"No module named '(?P<m>quokka_\w+)'",
        },
        "cause": "{m} comes from the private index, which the image build could not reach",
        "next_step": "rebuild the worker image once the index is back",
        "runbook": RUNBOOK,
    }
    with SlackServer() as server:
        text = _run(tmp_path / "b", server, [mine])
    lines = text.split("\n")
    assert lines[0].startswith("load_kiwi (load.py:12) failed: ModuleNotFoundError:")
    assert lines[1] == (
        "Cause: quokka_sync comes from the private index, which the image build could not reach."
    )
    assert lines[2] == "Next: rebuild the worker image once the index is back."
    assert lines[3] == f"Runbook: <{RUNBOOK}|{RUNBOOK}>"
