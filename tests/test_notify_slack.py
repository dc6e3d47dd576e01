"""SlackNotifier against a local Slack Web API server, with slack-sdk's real client."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from structlog.testing import capture_logs

from logsumd.config import SlackNotifierSettings
from logsumd.notify import NotifierError
from logsumd.notify.slack import SlackNotifier, check_webhook_url
from logsumd.records import Notification
from logsumd.store import THREADS_FILE, ThreadStore
from tests.slack_server import SlackServer

T = TypeVar("T")

NOTE = Notification(
    id="n1",
    kind="event",
    fingerprint="fp-orders-conn",
    path="/var/log/etl/orders.log",
    line_start=10,
    line_end=14,
    host="etl-1",
    category="connection",
    exception_type="ConnectionError",
    outer_exception_type="ConnectionError",
    message="connection refused",
    summary="The orders job could not reach db-1.",
    summarizer="rules",
    excerpt="Traceback (most recent call last):\nConnectionError: connection refused",
    count=1,
    first_seen=1764191870.0,
    last_seen=1764191870.0,
)


@pytest.fixture
def server() -> Iterator[SlackServer]:
    with SlackServer() as s:
        yield s


def bot(server: SlackServer, tmp_path: Path, **kw: Any) -> SlackNotifier:
    settings = SlackNotifierSettings(
        bot_token=kw.pop("token", server.token),
        channel="#etl-alerts",
        base_url=server.url,
        max_retries=kw.pop("max_retries", 2),
        timeout_secs=kw.pop("timeout_secs", 5.0),
    )
    return SlackNotifier(settings, str(tmp_path), backoff_factor=0.05, **kw)


def webhook(url: str, **kw: Any) -> SlackNotifier:
    settings = SlackNotifierSettings(webhook_url=url, max_retries=kw.pop("max_retries", 1))
    return SlackNotifier(settings, backoff_factor=0.05, **kw)


def run(notifier: SlackNotifier, action: Callable[[SlackNotifier], Awaitable[T]]) -> T:
    """Run ``action`` on a fresh loop and close the notifier after it."""

    async def main() -> T:
        try:
            return await action(notifier)
        finally:
            await notifier.aclose()

    return asyncio.run(main())


def posts(server: SlackServer) -> list[dict[str, Any]]:
    return [r.data for r in server.requests if r.path == "/api/chat.postMessage"]


def test_message_appears_with_blocks(server: SlackServer, tmp_path: Path) -> None:
    """chat.postMessage carries channel, fallback text and the Block Kit blocks."""
    run(bot(server, tmp_path), lambda n: n.send(NOTE))
    [request] = server.requests
    assert request.headers["Authorization"] == f"Bearer {server.token}"
    assert request.answered == "ok"
    body = request.data
    assert body["channel"] == "#etl-alerts"
    assert body["unfurl_links"] is False
    assert "ConnectionError" in body["text"]
    assert body["blocks"][0]["type"] == "header"
    assert body["blocks"][0]["text"]["text"] == "connection: ConnectionError in orders.log"
    assert body["blocks"][1]["text"]["text"] == NOTE.summary
    assert "thread_ts" not in body


def test_update_goes_to_the_thread_of_the_first_message(
    server: SlackServer, tmp_path: Path
) -> None:
    """Updates reply in the thread of the fingerprint's latest event message."""

    async def scenario(n: SlackNotifier) -> None:
        await n.send(NOTE)
        await n.send(replace(NOTE, id="n2", kind="update", count=5))
        await n.send(replace(NOTE, id="n3", kind="event"))
        await n.send(replace(NOTE, id="n4", kind="update", count=2))
        await n.send(replace(NOTE, id="n5", kind="update", fingerprint="other"))

    run(bot(server, tmp_path), scenario)
    bodies = posts(server)
    answered = [r.reply["ts"] for r in server.requests]
    assert len(bodies) == 5
    assert "thread_ts" not in bodies[0]
    assert bodies[1]["thread_ts"] == answered[0]
    assert "thread_ts" not in bodies[2]
    assert bodies[3]["thread_ts"] == answered[2]
    assert "thread_ts" not in bodies[4]  # unknown thread: a top-level message
    store = ThreadStore(str(tmp_path / THREADS_FILE))
    assert store.get("#etl-alerts/fp-orders-conn") == answered[2]
    assert store.get("#etl-alerts/other") == answered[4]


def test_rate_limit_is_retried_after_retry_after(server: SlackServer, tmp_path: Path) -> None:
    """One 429 with Retry-After 1: the sdk handler waits and the retry succeeds."""
    server.set_mode("ratelimit", count=1, retry_after=1)
    started = time.monotonic()
    run(bot(server, tmp_path), lambda n: n.send(NOTE))
    elapsed = time.monotonic() - started
    assert [r.answered for r in server.requests] == ["ratelimit", "ok"]
    assert elapsed >= 1.0


def test_persistent_500_raises_notifier_error(server: SlackServer, tmp_path: Path) -> None:
    """Server errors are retried max_retries times, then NotifierError."""
    server.set_mode("error500")
    with pytest.raises(NotifierError, match="HTTP 500"):
        run(bot(server, tmp_path, max_retries=2), lambda n: n.send(NOTE))
    assert [r.answered for r in server.requests] == ["error500"] * 3


def test_transient_500_recovers(server: SlackServer, tmp_path: Path) -> None:
    """A single 500 is absorbed by the retry handler."""
    server.set_mode("error500", count=1)
    run(bot(server, tmp_path), lambda n: n.send(NOTE))
    assert [r.answered for r in server.requests] == ["error500", "ok"]


def test_hanging_server_times_out_with_notifier_error(server: SlackServer, tmp_path: Path) -> None:
    """No answer within timeout_secs: NotifierError, so the outbox keeps the item."""
    server.set_mode("hang")
    started = time.monotonic()
    with pytest.raises(NotifierError):
        run(bot(server, tmp_path, timeout_secs=1.0, max_retries=0), lambda n: n.send(NOTE))
    assert time.monotonic() - started < 5
    server.recover()


def test_unreachable_server_raises_notifier_error(tmp_path: Path) -> None:
    """A refused connection becomes NotifierError after the connection retries."""
    with SlackServer() as gone:
        url = gone.url
    settings = SlackNotifierSettings(bot_token="xoxb-x", channel="C1", base_url=url, max_retries=1)
    notifier = SlackNotifier(settings, backoff_factor=0.01)
    with pytest.raises(NotifierError):
        run(notifier, lambda n: n.send(NOTE))


def test_injection_is_escaped_in_the_raw_request(server: SlackServer, tmp_path: Path) -> None:
    """<!channel> and <http://evil|click> from a log reach Slack escaped."""
    evil = replace(
        NOTE,
        message="<!channel> boom <http://evil|click>",
        excerpt="ERROR <!channel> <@U123>\n<http://evil|click> ``` `\n",
        summary="<!here> see <http://evil|click>",
    )
    run(bot(server, tmp_path), lambda n: n.send(evil))
    raw = server.requests[0].body.decode()
    for needle in ("<!channel>", "<!here>", "<@U123>", "<http://evil|click>"):
        assert needle not in raw
    assert "&lt;!channel&gt;" in raw
    assert "&lt;http://evil|click&gt;" in raw


def test_token_never_in_logs_or_errors(
    server: SlackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Neither our events nor slack-sdk's debug logs nor our errors show the token."""
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []

    async def scenario(n: SlackNotifier) -> None:
        await n.health_check()
        await n.send(NOTE)
        server.set_mode("error500")
        try:
            await n.send(NOTE)
        except NotifierError as exc:
            errors.append(repr(exc) + str(exc.__cause__) + str(exc.__context__))
        server.recover()

    with capture_logs() as logs:
        notifier = bot(server, tmp_path, max_retries=1)
        run(notifier, scenario)
        wrong = bot(server, tmp_path, token="xoxb-wrong-secret")
        with pytest.raises(NotifierError, match="invalid_auth") as info:
            run(wrong, lambda n: n.send(NOTE))
    assert errors
    assert "chat.postMessage" in caplog.text  # slack-sdk's debug logs were captured
    everything = "\n".join([*errors, str(info.value), repr(notifier), caplog.text, repr(logs)])
    assert server.token not in everything
    assert "xoxb-wrong-secret" not in everything


def test_health_check_bot(server: SlackServer, tmp_path: Path) -> None:
    """auth.test is an ok probe with the right token, a failed one (no raise) with a wrong one."""
    probe = run(bot(server, tmp_path), lambda n: n.health_check())
    assert probe.ok
    assert "logsumd" in probe.detail
    wrong = run(bot(server, tmp_path, token="xoxb-nope"), lambda n: n.health_check())
    assert not wrong.ok
    assert "invalid_auth" in wrong.detail
    assert "xoxb-nope" not in wrong.detail


def test_health_check_unreachable_server_is_a_failed_probe(tmp_path: Path) -> None:
    """A Slack API nobody listens on is a failed probe naming the error, not an exception."""
    with SlackServer() as gone:
        url = gone.url
    settings = SlackNotifierSettings(
        bot_token="xoxb-x", channel="#c", base_url=url, max_retries=1, timeout_secs=2.0
    )
    notifier = SlackNotifier(settings, str(tmp_path), backoff_factor=0.05)
    probe = run(notifier, lambda n: n.health_check())
    assert not probe.ok
    assert probe.detail.startswith("slack auth.test failed: ")


def test_health_check_webhook_is_ok_and_posts_nothing(server: SlackServer) -> None:
    """A webhook URL of the right shape is an ok probe; nothing is posted."""
    probe = run(webhook(server.webhook_url), lambda n: n.health_check())
    assert probe.ok
    assert server.requests == []


def test_webhook_delivers(server: SlackServer) -> None:
    """The incoming webhook gets text and blocks; the health check posts nothing."""
    notifier = webhook(server.webhook_url)
    run(notifier, lambda n: n.send(NOTE))
    run(webhook(server.webhook_url), lambda n: n.health_check())
    [request] = server.requests
    assert request.path == "/services/T000/B000/XXXX"
    assert request.data["blocks"][0]["type"] == "header"
    assert "ConnectionError" in request.data["text"]


def test_webhook_500_raises_notifier_error(server: SlackServer) -> None:
    """The webhook client does not raise on HTTP errors; we do."""
    server.set_mode("error500")
    with pytest.raises(NotifierError, match="HTTP 500"):
        run(webhook(server.webhook_url, max_retries=1), lambda n: n.send(NOTE))
    assert len(server.requests) == 2


def test_webhook_unknown_path_raises_without_the_url(server: SlackServer) -> None:
    """A 404 from Slack is an error whose message does not repeat the secret URL."""
    url = f"{server.base}/services/T000/B000/WRONGSECRET"
    with pytest.raises(NotifierError) as info:
        run(webhook(url), lambda n: n.send(NOTE))
    assert "404" in str(info.value)
    assert "WRONGSECRET" not in str(info.value)


def test_rejected_blocks_fall_back_to_text(server: SlackServer, tmp_path: Path) -> None:
    """invalid_blocks: the message is sent again as text only (bot and webhook)."""
    server.reject_blocks = True
    run(bot(server, tmp_path), lambda n: n.send(NOTE))
    run(webhook(server.webhook_url), lambda n: n.send(NOTE))
    first, second, hook_first, hook_second = server.requests
    assert first.data["blocks"]
    assert "blocks" not in second.data
    assert "ConnectionError" in second.data["text"]
    assert second.reply["ok"] is True
    assert hook_first.data["blocks"]
    assert "blocks" not in hook_second.data


def test_webhook_url_shape() -> None:
    """Only https Slack webhook URLs (or local test servers) pass the check."""
    check_webhook_url("https://hooks.slack.com/services/T000/B000/XXXXXXXX")
    check_webhook_url("http://127.0.0.1:8080/services/T000/B000/XXXX")
    for bad in (
        "http://hooks.slack.com/services/T/B/X",
        "https://hooks.slack.com/api/whatever",
        "https://hooks.slack.com/",
        "not a url",
    ):
        with pytest.raises(NotifierError):
            check_webhook_url(bad)


def test_settings_need_one_mode() -> None:
    """Bot token with channel, or webhook URL: exactly one."""
    with pytest.raises(ValueError, match="bot_token"):
        SlackNotifier(SlackNotifierSettings())
    with pytest.raises(ValueError, match="bot_token"):
        SlackNotifier(
            SlackNotifierSettings(bot_token="x", channel="C", webhook_url="https://h/services/x")
        )
