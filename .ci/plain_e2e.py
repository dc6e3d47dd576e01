"""End-to-end check of a plain install (``pip install -e .``, no extras).

Run with the plain venv's Python from the repository root:

    .venv-plain/bin/python .ci/plain_e2e.py

It starts the local Slack Web API server of the tests, runs ``logsumd check``
on a config with a file and a Slack notifier (it must pass), then runs
``logsumd run``, writes one Python traceback to a watched log, waits for the
Slack server to receive the message, and stops the daemon with SIGTERM (it
must exit 0).  Everything it needs comes from the runtime dependencies:
aiohttp (slack-sdk's async client, and the test server) and PyYAML.
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.slack_server import SlackServer

TRACEBACK = """\
2024-06-03 02:14:07,311 ERROR etl.load - load failed
Traceback (most recent call last):
  File "/opt/etl/load.py", line 12, in load
    rows = read('/data/in/orders.csv')
FileNotFoundError: [Errno 2] No such file or directory: '/data/in/orders.csv'
2024-06-03 02:14:08,002 INFO etl.load - done
"""


def fail(message: str) -> None:
    print(f"plain-install e2e: FAIL: {message}", file=sys.stderr)
    raise SystemExit(1)


def main(argv: list[str]) -> int:
    if "--allow-extras" not in argv:  # the test suite runs it from the full venv
        # test, train, server (uvicorn), metrics (prometheus_client): none may be needed
        for extra in ("pytest", "hypothesis", "torch", "uvicorn", "prometheus_client"):
            if importlib.util.find_spec(extra) is not None:
                fail(f"{extra} is installed: this check needs a venv without extras")
    logsumd = [sys.executable, "-m", "logsumd"]
    with tempfile.TemporaryDirectory() as tmp, SlackServer() as server:
        root = Path(tmp)
        (root / "logs").mkdir()
        config = root / "logsumd.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "state_dir": str(root / "state"),
                    "sources": [
                        {
                            "include": [str(root / "logs" / "*.log")],
                            "start_at": "beginning",
                            "multiline": {"flush_timeout_ms": 300},
                        }
                    ],
                    "summarizer": {"backend": "rules"},
                    "grouping": {"group_wait_secs": 0},
                    "notifiers": [
                        {"type": "file", "path": str(root / "out" / "events.jsonl")},
                        {
                            "type": "slack",
                            "bot_token": server.token,
                            "channel": "#etl-alerts",
                            "base_url": server.url,
                        },
                    ],
                }
            )
        )
        check = subprocess.run(
            [*logsumd, "check", "-c", str(config)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        print(check.stdout, end="")
        if check.returncode != 0:
            fail(f"logsumd check exited {check.returncode}: {check.stderr.strip()}")
        daemon = subprocess.Popen(
            [*logsumd, "run", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            (root / "logs" / "job.log").write_text(TRACEBACK)
            deadline = time.monotonic() + 60
            while not server.messages() and time.monotonic() < deadline:
                if daemon.poll() is not None:
                    fail(f"logsumd run exited {daemon.returncode}")
                time.sleep(0.1)
            if not server.messages():
                fail("no Slack message within 60 s")
            text = server.messages()[0].get("text", "")
            if "FileNotFoundError" not in text:
                fail(f"unexpected Slack message: {text[:200]!r}")
        finally:
            if daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
            _, stderr = daemon.communicate(timeout=60)
        if daemon.returncode != 0:
            fail(f"logsumd run exited {daemon.returncode} after SIGTERM:\n{stderr[-2000:]}")
    print("plain-install e2e: logsumd check passed, one Slack message delivered, clean stop")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
