"""A real Alertmanager for tests, with a webhook receiver that records what it is sent.

``prometheus-alertmanager`` (Debian's package; ``alertmanager`` upstream) runs in a
subprocess on a free port of 127.0.0.1, clustering off, with a route that
groups by ``alertname`` and ``fingerprint`` and sends to :class:`Recorder`, a
small HTTP server in the test process.  Short ``group_wait``/``group_interval``
make a test run in seconds.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from tests.model_server import free_port, stop_process


def alertmanager_binary() -> str | None:
    """The Alertmanager executable, if installed."""
    return shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


class Recorder:
    """An HTTP server on 127.0.0.1 that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with recorder._lock:
                    recorder.received.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def notifications(self) -> list[dict[str, Any]]:
        """The webhook payloads received so far."""
        with self._lock:
            return list(self.received)

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


class Alertmanager:
    """One Alertmanager process routing everything to ``recorder``."""

    def __init__(
        self,
        binary: str,
        recorder: Recorder,
        *,
        group_wait: str = "3s",
        group_interval: str = "2s",
    ) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="logsumd-am-")
        root = Path(self._dir.name)
        config = {
            "global": {"resolve_timeout": "5s"},
            "route": {
                "receiver": "recorder",
                "group_by": ["alertname", "fingerprint"],
                "group_wait": group_wait,
                "group_interval": group_interval,
                "repeat_interval": "1h",
            },
            "receivers": [
                {
                    "name": "recorder",
                    "webhook_configs": [{"url": recorder.url, "send_resolved": True}],
                }
            ],
        }
        (root / "alertmanager.yml").write_text(yaml.safe_dump(config))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = (root / "alertmanager.log").open("wb")
        self.proc = subprocess.Popen(
            [
                binary,
                f"--config.file={root / 'alertmanager.yml'}",
                f"--storage.path={root / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",
                "--log.level=warn",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log_tail(self) -> str:
        """The end of Alertmanager's output."""
        text = (Path(self._dir.name) / "alertmanager.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-20:])

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until ``/-/ready`` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    conn.request("GET", "/-/ready")
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"alertmanager not ready:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate Alertmanager and remove its files."""
        stop_process(self.proc, 10)
        self._log.close()
        self._dir.cleanup()
