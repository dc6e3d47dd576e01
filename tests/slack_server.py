"""A local Slack Web API server for tests, on 127.0.0.1 with a free port.

It runs an aiohttp application in a background thread with its own event loop,
so it serves both in-process async tests and a daemon started as a subprocess.

* ``POST /api/auth.test`` and ``POST /api/chat.postMessage`` check the bearer
  token and answer like Slack (``ok``, ``channel``, ``ts``);
* ``POST /services/T000/B000/XXXX`` is an incoming webhook answering ``ok``;
* every request is recorded (path, headers, raw body, parsed body);
* ``set_mode("ratelimit" | "error500" | "hang" | "ok", count=N)`` makes the
  next N requests (or all, until ``recover()``) answer 429 with Retry-After,
  500, or never answer.

Usage::

    with SlackServer() as server:
        client = AsyncWebClient(token=server.token, base_url=server.url)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

WEBHOOK_PATH = "/services/T000/B000/XXXX"
MODES = ("ok", "ratelimit", "error500", "hang")
HEADER_MAX = 150
SECTION_MAX = 3000


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    data: dict[str, Any]
    """The parsed JSON or form body (a form's ``blocks`` stays a JSON string)."""
    answered: str
    """The mode the request was answered with."""
    reply: dict[str, Any] = field(default_factory=dict)
    """The JSON the Web API answered (filled in once answered ok)."""
    at: float = field(default_factory=time.time)


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in content_type:
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {"_": parsed}
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def _blocks_problem(blocks: Any) -> str | None:
    """Slack's own limits, so tests catch a message Slack would reject."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        text = block.get("text") or {}
        if block.get("type") == "header" and (
            text.get("type") != "plain_text" or len(text.get("text", "")) > HEADER_MAX
        ):
            return "invalid_blocks"
        if block.get("type") == "section":
            if len(text.get("text", "")) > SECTION_MAX:
                return "invalid_blocks"
            fields = block.get("fields", [])
            if len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields):
                return "invalid_blocks"
    return None


class SlackServer:
    """Fake Slack: records requests, answers like Slack, fails on request."""

    def __init__(self, token: str = "xoxb-test-token-0000", channel_id: str = "C0TEST") -> None:
        self.token = token
        self.channel_id = channel_id
        self.retry_after = 1
        self.reject_blocks = False
        """When set, any message with blocks is refused with ``invalid_blocks``."""
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._mode = "ok"
        self._mode_left: int | None = None
        self._ts = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._recovered: asyncio.Event | None = None
        self.port = 0

    # lifecycle

    def start(self) -> SlackServer:
        """Start serving in a background thread; returns once the port is known."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported to the starting thread
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=run, name="slack-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post(WEBHOOK_PATH, self._webhook)
        app.router.add_post("/services/{rest:.*}", self._bad_webhook)
        self._recovered = asyncio.Event()
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _shutdown(self) -> None:
        if self._recovered is not None:
            self._recovered.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def stop(self) -> None:
        """Release hanging requests, stop the server and join its thread."""
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> SlackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # addresses

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """Web API base URL for ``AsyncWebClient(base_url=...)``."""
        return f"{self.base}/api/"

    @property
    def webhook_url(self) -> str:
        return f"{self.base}{WEBHOOK_PATH}"

    # control and inspection

    def set_mode(self, mode: str, count: int | None = None, retry_after: int = 1) -> None:
        """Answer the next ``count`` requests (None: all, until ``recover``) in ``mode``."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        with self._lock:
            self._mode = mode
            self._mode_left = count
            self.retry_after = retry_after
        if mode != "hang":
            self._release()

    def recover(self) -> None:
        """Answer normally again and release requests that hang."""
        self.set_mode("ok")

    def _release(self) -> None:
        loop, event = self._loop, self._recovered
        if loop is not None and event is not None and loop.is_running():
            loop.call_soon_threadsafe(event.set)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def messages(self) -> list[dict[str, Any]]:
        """Parsed bodies of chat.postMessage and webhook requests answered ok."""
        return [
            r.data
            for r in self.requests
            if r.answered == "ok"
            and (r.path.endswith("chat.postMessage") or r.path == WEBHOOK_PATH)
        ]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    # handlers

    def _next_mode(self) -> str:
        with self._lock:
            mode = self._mode
            if self._mode_left is not None:
                self._mode_left -= 1
                if self._mode_left <= 0:
                    self._mode, self._mode_left = "ok", None
            return mode

    async def _record(self, request: web.Request) -> tuple[RecordedRequest, str]:
        body = await request.read()
        mode = self._next_mode()
        rec = RecordedRequest(
            method=request.method,
            path=request.path,
            headers=dict(request.headers),
            body=body,
            data=_parse(body, request.headers.get("Content-Type", "")),
            answered=mode,
        )
        with self._lock:
            self._requests.append(rec)
        return rec, mode

    async def _failure(self, mode: str, as_json: bool) -> web.Response | None:
        if mode == "ratelimit":
            headers = {"Retry-After": str(self.retry_after)}
            if as_json:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                )
            return web.Response(status=429, text="rate_limited", headers=headers)
        if mode == "error500":
            if as_json:
                return web.json_response({"ok": False, "error": "internal_error"}, status=500)
            return web.Response(status=500, text="internal_error")
        if mode == "hang":
            assert self._recovered is not None
            self._recovered.clear()
            await self._recovered.wait()
            return web.Response(status=503, text="recovered")
        return None

    async def _api(self, request: web.Request) -> web.Response:
        rec, mode = await self._record(request)
        failure = await self._failure(mode, as_json=True)
        if failure is not None:
            return failure
        if rec.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "url": "https://test.slack.com/",
                    "team": "Test",
                    "user": "logsumd",
                    "team_id": "T000",
                    "user_id": "U000",
                    "bot_id": "B000",
                }
            )
        if method == "chat.postMessage":
            data = rec.data
            if not data.get("channel"):
                return web.json_response({"ok": False, "error": "channel_not_found"})
            if not data.get("text") and not data.get("blocks"):
                return web.json_response({"ok": False, "error": "no_text"})
            problem = _blocks_problem(data["blocks"]) if data.get("blocks") else None
            if data.get("blocks") and self.reject_blocks:
                problem = "invalid_blocks"
            if problem:
                return web.json_response({"ok": False, "error": problem})
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {"type": "message", "text": data.get("text", ""), "ts": ts}
            if data.get("thread_ts"):
                message["thread_ts"] = data["thread_ts"]
            reply = {"ok": True, "channel": self.channel_id, "ts": ts, "message": message}
            rec.reply.update(reply)
            return web.json_response(reply)
        return web.json_response({"ok": False, "error": "unknown_method"}, status=404)

    async def _webhook(self, request: web.Request) -> web.Response:
        rec, mode = await self._record(request)
        failure = await self._failure(mode, as_json=False)
        if failure is not None:
            return failure
        if not rec.data.get("text") and not rec.data.get("blocks"):
            return web.Response(status=400, text="no_text")
        blocks = rec.data.get("blocks")
        if blocks and (self.reject_blocks or _blocks_problem(blocks)):
            return web.Response(status=400, text="invalid_blocks")
        return web.Response(text="ok")

    async def _bad_webhook(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.Response(status=404, text="no_service")
