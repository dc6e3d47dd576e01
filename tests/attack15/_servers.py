"""Misbehaving HTTP servers for the issue 15 attack tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _handler(mode: str) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def _send(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._send(200, b'{"data": [{"id": "m"}], "versionInfo": {"version": "x"}}')

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if "tokenize" in self.path:
                return self._send(404, b"{}")
            if mode in ("drip", "huge"):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(10**12 if mode == "drip" else 1 << 30))
                self.end_headers()
                chunk = b" " if mode == "drip" else b" " * (1 << 20)
                try:
                    for _ in range(600 if mode == "drip" else 1024):
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        if mode == "drip":
                            time.sleep(0.2)
                except OSError:
                    pass
                return None
            if mode == "usagebad":
                body = {
                    "choices": [{"text": "x", "message": {"content": "x"}}],
                    "usage": {"prompt_tokens": "abc"},
                }
                return self._send(200, json.dumps(body).encode())
            return self._send(200, b"")

    return H


@contextmanager
def serve(mode: str) -> Iterator[str]:
    """A server in ``mode`` on 127.0.0.1; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(mode))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
