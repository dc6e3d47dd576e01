# ruff: noqa: E501, PLW1510, SIM105
"""Issue 15 attack: the OpenAI backend against misbehaving model servers."""

from __future__ import annotations

import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from logsumd.config import OpenAISettings, SummarizerSettings
from logsumd.summarize.llama_backend import Deadline, ModelUnavailable
from logsumd.summarize.openai_backend import OpenAIBackend
from tests.attack15._servers import serve


def _backend(url: str, timeout: float = 2.0) -> OpenAIBackend:
    return OpenAIBackend(
        SummarizerSettings(
            backend="openai",
            timeout_secs=timeout,
            openai=OpenAISettings(base_url=url + "/v1", model="m", api="chat"),
        ),
        env={},
    )


errors: list[str] = []


def _chat_in_thread(backend: OpenAIBackend, timeout: float) -> tuple[threading.Thread, list[float]]:
    took: list[float] = []
    errors.clear()

    def run() -> None:
        started = time.monotonic()
        try:
            backend.chat(
                [{"role": "user", "content": "x"}],
                max_tokens=8,
                stop=[],
                deadline=Deadline(timeout),
            )
        except ModelUnavailable:
            pass
        except BaseException as exc:
            took.append(-1.0)
            errors.append(repr(exc))
        took.append(time.monotonic() - started)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, took


def test_dripping_server_does_not_hold_a_summary_past_timeout_secs() -> None:
    """A server that sends its answer one byte at a time gets no more than timeout_secs."""
    with serve("drip") as url:
        thread, took = _chat_in_thread(_backend(url), 2.0)
        thread.join(30.0)
        assert not thread.is_alive(), (
            "chat() still reading a dripping answer after 30 s (timeout 2 s)"
        )
        assert took[0] < 15.0


def test_huge_answer_is_not_read_into_memory_whole() -> None:
    """A server that streams a 1 GiB answer does not grow the client by hundreds of MiB."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with serve("huge") as url:
        thread, _ = _chat_in_thread(_backend(url), 2.0)
        thread.join(120.0)
    assert not errors, errors
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 200, f"peak RSS grew by {grown_mib:.0f} MiB reading one answer"


def test_non_integer_usage_is_model_unavailable_not_valueerror() -> None:
    """An answer whose usage.prompt_tokens is not a number is a bad answer (ModelUnavailable)."""
    with serve("usagebad") as url:
        backend = _backend(url)
        try:
            backend.chat(
                [{"role": "user", "content": "x"}], max_tokens=8, stop=[], deadline=Deadline(5.0)
            )
        except ModelUnavailable:
            pass


def test_summarize_cli_survives_non_integer_usage(tmp_path: Path) -> None:
    """`logsumd summarize` through a server with a malformed usage falls back, no traceback."""
    log = tmp_path / "a.log"
    log.write_text("2024-05-01 10:00:00,000 ERROR job failed: ValueError bad row\n")
    with serve("usagebad") as url:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(
            f"state_dir: {tmp_path}/state\nsources: [{{include: ['{tmp_path}/*.log']}}]\n"
            f"notifiers: [{{type: file, path: {tmp_path}/o.jsonl}}]\n"
            f"summarizer: {{backend: openai, openai: {{base_url: '{url}/v1', model: m}}}}\n"
        )
        proc = subprocess.run(
            [sys.executable, "-m", "logsumd", "summarize", "--json", "-c", str(cfg), str(log)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert "Traceback" not in proc.stderr, proc.stderr[-500:]
    assert proc.returncode == 0


@pytest.mark.parametrize("command", ["check", "summarize"])
def test_openai_base_url_with_out_of_range_port_is_a_one_line_error(
    tmp_path: Path, command: str
) -> None:
    """summarizer.openai.base_url with port 99999 is a config error or FAIL line, never a traceback."""
    log = tmp_path / "a.log"
    log.write_text("2024-05-01 10:00:00,000 ERROR job failed: ValueError bad row\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        f"state_dir: {tmp_path}/state\nsources: [{{include: ['{tmp_path}/*.log']}}]\n"
        f"notifiers: [{{type: file, path: {tmp_path}/o.jsonl}}]\n"
        "summarizer: {backend: openai, openai: {base_url: 'http://127.0.0.1:99999/v1', model: m}}\n"
    )
    args = ["-c", str(cfg)] + ([str(log)] if command == "summarize" else [])
    proc = subprocess.run(
        [sys.executable, "-m", "logsumd", command, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in proc.stderr + proc.stdout, (proc.stderr + proc.stdout)[-400:]
