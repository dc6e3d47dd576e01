"""Slack notifier: ``chat.postMessage`` with a bot token, or an incoming webhook.

Short failures are retried inside slack-sdk by its async retry handlers (429
honouring ``Retry-After``, 5xx with exponential backoff, dropped connections),
at most ``max_retries`` times in all.  Anything longer raises ``NotifierError``
and the outbox keeps the notification for a later attempt.

Count updates go as thread replies under the latest message of their
fingerprint (``thread_ts`` remembered per channel and fingerprint in a
``ThreadStore``).  Neither the token nor the webhook URL (which is a secret too)
ever appears in our logs or in the errors we raise.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from logsumd.config import SlackNotifierSettings, webhook_url_problem
from logsumd.notify._slack_format import SECTION_MAX, build_message, fallback_text
from logsumd.notify.notifier import NotifierError, Probe
from logsumd.records import Notification
from logsumd.store import THREADS_FILE, ThreadStore

DEFAULT_BASE_URL = "https://slack.com/api/"
REJECTED_BLOCKS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long"})
"""Errors after which the message is sent again as text only."""
TRANSPORT_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


class ServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """slack-sdk's server error handler, extended from 500/503 to every 5xx."""

    async def _can_retry_async(
        self,
        *,
        response: HttpResponse | None = None,
        **_: Any,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers(max_retries: int, backoff_factor: float = 0.5) -> list[AsyncRetryHandler]:
    """Rate limit (Retry-After), 5xx and connection error handlers.

    slack-sdk shares one attempt counter between the handlers of a request, so
    ``max_retries`` bounds the retries of one request in all.
    """
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff_factor)
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
        AsyncConnectionErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
    ]


def check_webhook_url(url: str) -> None:
    """Raise ``NotifierError`` unless ``url`` looks like a Slack incoming webhook.

    The message never repeats the URL: its path is the secret.
    """
    problem = webhook_url_problem(url)
    if problem is not None:
        raise NotifierError(f"slack webhook_url {problem}")


_STORES: dict[str, ThreadStore] = {}


def _thread_store(path: str) -> ThreadStore:
    """One store per file in this process: several Slack notifiers may share it."""
    key = os.path.abspath(path)
    store = _STORES.get(key)
    if store is None:
        store = _STORES[key] = ThreadStore(key)
    return store


def _api_error(exc: SlackApiError) -> tuple[str, int]:
    """Slack's error code and the HTTP status, without anything secret."""
    response = exc.response
    data = getattr(response, "data", None)
    error = data.get("error") if isinstance(data, dict) else None
    status = getattr(response, "status_code", 0)
    return str(error or "unexpected_response"), int(status or 0)


class SlackNotifier:
    """Delivers notifications to one Slack channel (bot token) or webhook.

    ``threads`` is a ``ThreadStore`` or a state directory (the store is then
    ``slack_threads.json`` in it); None keeps no threads (updates go top-level).
    """

    def __init__(
        self,
        settings: SlackNotifierSettings,
        threads: ThreadStore | str | None = None,
        *,
        name: str = "slack",
        backoff_factor: float = 0.5,
    ) -> None:
        bot = bool(settings.bot_token and settings.channel)
        if bot == bool(settings.webhook_url):
            raise ValueError("slack: set bot_token and channel, or webhook_url (not both)")
        self.name = name
        self._token = settings.bot_token or ""
        self._channel = settings.channel or ""
        self._webhook_url = "" if bot else settings.webhook_url or ""
        self._base_url = settings.base_url or DEFAULT_BASE_URL
        self._timeout_secs = settings.timeout_secs
        self._max_retries = settings.max_retries
        self._max_traceback_chars = settings.max_traceback_chars
        self._backoff_factor = backoff_factor
        if isinstance(threads, str):
            threads = _thread_store(os.path.join(threads, THREADS_FILE))
        self._threads = threads
        self._session: aiohttp.ClientSession | None = None
        self._web: AsyncWebClient | None = None
        self._hook: AsyncWebhookClient | None = None

    def __repr__(self) -> str:
        mode = "webhook" if self._webhook_url else f"bot channel={self._channel}"
        return f"SlackNotifier(name={self.name!r}, {mode})"

    # Notifier protocol

    async def send(self, notification: Notification) -> None:
        """Post one notification; raise ``NotifierError`` if Slack did not take it."""
        message = build_message(notification, self._max_traceback_chars)
        if self._webhook_url:
            await self._send_webhook(notification, message)
        else:
            await self._send_bot(notification, message)

    def reopen(self) -> None:
        """Nothing to reopen for a network notifier."""

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = self._web = self._hook = None

    async def health_check(self) -> Probe:
        """``auth.test`` for a bot token; a shape check for a webhook URL (no message).

        Never raises: a bad token, an unreachable server or a malformed URL is
        a failed probe whose detail names the problem (never the secret).
        """
        if self._webhook_url:
            problem = webhook_url_problem(self._webhook_url)
            if problem is not None:
                return Probe(False, f"slack webhook_url {problem}")
            return Probe(True, "slack webhook URL looks valid (not called, to post nothing)")
        try:
            response = await self._web_client().auth_test()
        except SlackApiError as exc:
            error, status = _api_error(exc)
            return Probe(False, f"slack auth.test failed: {error} (HTTP {status})")
        except (SlackClientError, *TRANSPORT_ERRORS) as exc:
            return Probe(False, f"slack auth.test failed: {type(exc).__name__}")
        except Exception as exc:  # a probe reports, it does not crash the caller
            return Probe(False, f"slack auth.test failed: {type(exc).__name__}")
        return Probe(True, f"slack bot {response.get('user')!s} in team {response.get('team')!s}")

    # bot token

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self._timeout_secs)
            self._session = aiohttp.ClientSession(timeout=timeout)
            self._web = self._hook = None
        return self._session

    def _web_client(self) -> AsyncWebClient:
        session = self._http()
        if self._web is None:
            self._web = AsyncWebClient(
                token=self._token,
                base_url=self._base_url,
                timeout=max(1, round(self._timeout_secs)),
                session=session,
                retry_handlers=retry_handlers(self._max_retries, self._backoff_factor),
            )
        return self._web

    def _thread_key(self, fingerprint: str) -> str:
        return f"{self._channel}/{fingerprint}"

    async def _send_bot(self, n: Notification, message: dict[str, Any]) -> None:
        thread_ts = None
        threaded = n.kind in ("event", "update") and bool(n.fingerprint)
        if threaded and n.kind == "update" and self._threads is not None:
            thread_ts = self._threads.get(self._thread_key(n.fingerprint))
        try:
            ts = await self._post(message, thread_ts)
        except SlackApiError as exc:
            error, status = _api_error(exc)
            if error not in REJECTED_BLOCKS:
                raise NotifierError(
                    f"slack chat.postMessage failed: {error} (HTTP {status})"
                ) from None
            text = {"text": fallback_text(n)[:SECTION_MAX]}
            try:
                ts = await self._post(text, thread_ts)
            except SlackApiError as again:
                error, status = _api_error(again)
                raise NotifierError(
                    f"slack chat.postMessage failed: {error} (HTTP {status})"
                ) from None
        if threaded and thread_ts is None and ts and self._threads is not None:
            # A new message (or an update whose thread is unknown) starts the thread.
            await asyncio.to_thread(self._threads.set, self._thread_key(n.fingerprint), ts)

    async def _post(self, message: dict[str, Any], thread_ts: str | None) -> str:
        """``chat.postMessage``; returns the message ``ts``.  Transport errors -> NotifierError."""
        try:
            response = await self._web_client().chat_postMessage(
                channel=self._channel,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                **message,
            )
        except SlackApiError:
            raise
        except (SlackClientError, *TRANSPORT_ERRORS) as exc:
            raise NotifierError(f"slack chat.postMessage failed: {type(exc).__name__}") from None
        ts = response.get("ts")
        return ts if isinstance(ts, str) else ""

    # webhook

    def _webhook_client(self) -> AsyncWebhookClient:
        session = self._http()
        if self._hook is None:
            self._hook = AsyncWebhookClient(
                url=self._webhook_url,
                timeout=max(1, round(self._timeout_secs)),
                session=session,
                retry_handlers=retry_handlers(self._max_retries, self._backoff_factor),
            )
        return self._hook

    async def _send_webhook(self, n: Notification, message: dict[str, Any]) -> None:
        status, body = await self._hook_post(message)
        if status == 400 and body in REJECTED_BLOCKS:
            status, body = await self._hook_post({"text": fallback_text(n)[:SECTION_MAX]})
        if status != 200 or body != "ok":
            raise NotifierError(f"slack webhook answered HTTP {status}: {body[:100]!r}")

    async def _hook_post(self, message: dict[str, Any]) -> tuple[int, str]:
        """POST to the webhook; (status, body).  It does not raise on HTTP errors."""
        try:
            response = await self._webhook_client().send_dict(
                {**message, "unfurl_links": False, "unfurl_media": False}
            )
        except (SlackClientError, *TRANSPORT_ERRORS) as exc:
            # aiohttp errors name the URL, and the webhook URL is a secret.
            raise NotifierError(f"slack webhook failed: {type(exc).__name__}") from None
        return response.status_code, (response.body or "").strip()
