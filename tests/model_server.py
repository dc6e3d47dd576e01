"""A real OpenAI-compatible model server for tests and benchmarks.

``python -m logsumd.summarize.serve`` (llama-cpp-python's server, with the
AMX-safe model loading) in a subprocess on a free port of 127.0.0.1, serving
the embedded model with logsumd's LoRA adapter as ``logsumd-etl``.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MODEL = "logsumd-etl"


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(proc: subprocess.Popen[bytes], wait_secs: float) -> None:
    """Terminate ``proc`` if it runs, kill it if it outlives ``wait_secs``, and reap it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(wait_secs)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(wait_secs)


class ModelServer:
    """The launcher in a subprocess; ``base_url`` is its ``/v1`` root."""

    def __init__(
        self,
        state_dir: str,
        *,
        n_threads: int = 1,
        n_threads_batch: int = 2,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the server
            prefix="logsumd-model-server-", suffix=".log"
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "logsumd.summarize.serve",
                "--state_dir",
                state_dir,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--n_ctx",
                "2048",
                "--n_threads",
                str(n_threads),
                "--n_threads_batch",
                str(n_threads_batch),
                "--seed",
                "0",
                "--verbose",
                "false",
                *extra,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's output."""
        text = Path(self._log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def get(self, path: str) -> tuple[int, Any]:
        """GET ``path`` (below the root, e.g. ``/v1/models``): (status, JSON or None)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, None

    def wait_ready(self, timeout: float = 240.0) -> None:
        """Wait until ``/v1/models`` answers; fail with the server's output if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"model server exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                if self.get("/v1/models")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"model server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        stop_process(self.proc, 20)
        self._log.close()
