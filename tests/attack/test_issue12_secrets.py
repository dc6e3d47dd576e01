"""Red-team corpus for issue 12: no secret of it leaves the daemon, few clean lines change.

``corpus12.py`` was written independently of the redactor and of
``tests/data/secrets/``.  Every event goes through the real daemon twice: as
written (multiline events) and with each line made its own ERROR record (so
that lines a multiline event keeps as context are also exercised).  The
summarizer is the llama summarizer with a recording model (a hand-written
fake), so what the model is given is searched too, with the Slack request
bodies (local Slack Web API server), the JSONL and every file in the state
directory.  A secret fails whole or by any 8-character fragment that does not
occur in the corpus outside the secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import re
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from logsumd.config import (
    FileNotifierSettings,
    GroupingSettings,
    MultilineSettings,
    Settings,
    SlackNotifierSettings,
    SourceSettings,
    SummarizerSettings,
)
from logsumd.daemon import Daemon
from logsumd.notify import SlackNotifier
from logsumd.notify._file import FileNotifier
from logsumd.summarize.backend import Completion, Deadline
from logsumd.summarize.prompts import Prompt
from logsumd.summarize.summarizer import LlamaSummarizer
from logsumd.understand import Redactor
from tests.attack import corpus12 as c
from tests.slack_server import SlackServer

FRAGMENT = 8
LOOKALIKES = str.maketrans(
    {"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`", "\ua789": ":"}
)
_INNER_PREFIX = re.compile(
    r"(?m)^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[,.]\d+|\[\S+\] \{\S+\}|\d\d/\d\d/\d\d \d\d:\d\d:\d\d)"
    r" \w+ -? ?"
)


class RecordingModel:
    """A fake model backend: records every prompt as text, answers a fixed clause."""

    specials: tuple[str, ...] = ("<eos>", "<bos>")

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self._answers = deque([" the credentials were rejected", " the connection settings"])

    @property
    def bos(self) -> int | None:
        return None

    def tokenize(self, text: bytes, add_bos: bool, special: bool) -> list[int]:
        return list(text)

    def complete(
        self,
        prompt: Prompt,
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
        banned: Sequence[int] = (),
    ) -> Completion:
        tokens, _ = prompt.tokens(self.tokenize, self.bos)
        self.prompts.append(bytes(tokens).decode("utf-8", "replace"))
        self._answers.rotate()
        return Completion(self._answers[0], len(tokens), 5, 0.0, False, "stop")

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
    ) -> Completion:
        raise AssertionError("not a chat model")

    def reset(self) -> None:
        """Nothing cached."""

    def close(self) -> None:
        """Nothing to free."""


def _alpha(i: int) -> str:
    return "".join(chr(97 + int(d)) for d in str(i))


def write_logs(logs: Path) -> None:
    """Each event as written, and each of its lines as its own ERROR record."""
    logs.mkdir(parents=True)
    for e in c.EVENTS:
        (logs / f"{e.name}.log").write_text(e.text + "2025-03-02 04:59:59,000 INFO etl: done\n")
        lines = _INNER_PREFIX.sub("", e.text).splitlines()
        rec = [
            f"2025-03-02 04:50:{i % 60:02d},{i:03d} ERROR etl.dump.{e.name}.{_alpha(i)}: {line}"
            for i, line in enumerate(lines)
            if line.strip()
        ]
        (logs / f"rec_{e.name}.log").write_text(
            "\n".join(rec) + "\n2025-03-02 04:59:59,000 INFO etl: done\n"
        )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if value[:1] in "{[":
            with contextlib.suppress(ValueError):
                yield from _strings(json.loads(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _file_texts(root: Path) -> list[str]:
    out: list[str] = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath, name)
            if path.suffix == ".gguf":
                continue
            raw = path.read_text(encoding="utf-8", errors="replace")
            out.append(raw)
            for chunk in [raw, *raw.splitlines()]:
                try:
                    out.extend(_strings(json.loads(chunk)))
                except ValueError:
                    continue
    return out


def run_daemon(tmp: Path) -> dict[str, str]:
    """Run the daemon over the corpus; every output, by where it was found."""
    logs, state, out = tmp / "logs", tmp / "state", tmp / "out"
    write_logs(logs)
    settings = Settings(
        sources=(
            SourceSettings(
                include=(str(logs / "*.log"),),
                start_at="beginning",
                poll_interval_ms=200,
                multiline=MultilineSettings(flush_timeout_ms=300),
            ),
        ),
        notifiers=(),
        state_dir=str(state),
        checkpoint_interval_ms=200,
        grouping=GroupingSettings(group_wait_secs=0, max_notifications_per_minute=100_000),
    )
    model = RecordingModel()
    summarizer = LlamaSummarizer(model, SummarizerSettings(), Redactor())
    jsonl = out / "events.jsonl"

    async def body(server: SlackServer) -> None:
        slack = SlackNotifier(
            SlackNotifierSettings(bot_token=server.token, channel="#etl", base_url=server.url),
            str(state),
        )
        files = FileNotifier(FileNotifierSettings(path=str(jsonl)))
        daemon = Daemon(settings, summarizer, [slack, files])
        run = asyncio.create_task(daemon.run())
        deadline = time.monotonic() + 400
        stable, last = 0, -1
        while time.monotonic() < deadline and stable < 16:
            await asyncio.sleep(0.25)
            count = len(jsonl.read_text().splitlines()) if jsonl.exists() else 0
            stable = stable + 1 if count == last and count > 0 else 0
            last = count
        daemon.request_stop()
        assert await asyncio.wait_for(run, 120) == 0

    with SlackServer() as server:
        asyncio.run(body(server))
        bodies = [s for r in server.requests for s in _strings(r.data)]
        bodies += [r.body.decode("utf-8", "replace") for r in server.requests]
    slack = [html.unescape(b).translate(LOOKALIKES) for b in bodies]
    return {
        "model input": "\n\0".join(model.prompts),
        "slack": "\n\0".join(slack),
        "jsonl": "\n\0".join(_file_texts(out)),
        "state dir": "\n\0".join(_file_texts(state)),
    }


def _background() -> str:
    text = "\n".join(e.text for e in c.EVENTS)
    for _, _, value in sorted(c.all_secrets(), key=lambda s: -len(s[2])):
        text = text.replace(value, "\0")
    return text


BACKGROUND = _background()


def leak_of(secret: str, outputs: dict[str, str]) -> str | None:
    """Where and how ``secret`` left the daemon, or None."""
    for where, text in outputs.items():
        if secret in text:
            return f"whole in {where}"
    for where, text in outputs.items():
        for i in range(len(secret) - FRAGMENT + 1):
            part = secret[i : i + FRAGMENT]
            if part not in BACKGROUND and part in text:
                return f"fragment {part!r} in {where}"
    return None


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    found = run_daemon(tmp_path_factory.mktemp("corpus12"))
    empty = [where for where, text in found.items() if not text]
    assert not empty, f"no output to search in {empty}"
    return found


SECRETS = c.all_secrets()


def test_corpus_size() -> None:
    """The corpus holds at least 80 secrets of at least 40 kinds and 100 clean lines."""
    assert len(SECRETS) >= 80
    assert len({kind for _, kind, _ in SECRETS}) >= 40
    assert len(c.CLEAN) >= 100


@pytest.mark.slow
@pytest.mark.parametrize(
    ("event", "kind", "secret"), SECRETS, ids=[f"{e}:{k}" for e, k, _ in SECRETS]
)
def test_secret_does_not_leave_the_daemon(
    outputs: dict[str, str], event: str, kind: str, secret: str
) -> None:
    """No secret of the red-team corpus, whole or in part, reaches any output or file."""
    assert leak_of(secret, outputs) is None, f"{kind} ({event}): {leak_of(secret, outputs)}"


def test_false_positive_rate_on_clean_lines(tmp_path: Path) -> None:
    """At most 1% of the red-team's secret-free error lines get a mask from the daemon."""
    logs = tmp_path / "clean.log"
    lines = []
    for i, line in enumerate(c.CLEAN):
        lines.append(f"2025-03-02 05:{i // 60:02d}:{i % 60:02d},000 ERROR etl.job: {line}")
        lines.append(f"2025-03-02 05:{i // 60:02d}:{i % 60:02d},500 INFO etl.job: step {i} done")
    logs.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "logsumd", "summarize", "--json", "--backend", "rules", str(logs)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    changed = []
    for raw in proc.stdout.splitlines():
        rec = json.loads(raw)
        idx = {(n - 1) // 2 for n in range(rec["line_start"], rec["line_end"] + 1) if n % 2}
        original = sum(c.CLEAN[i].count("***") for i in idx if i < len(c.CLEAN))
        if rec["message"].count("***") > original:
            changed += [c.CLEAN[i] for i in sorted(idx) if i < len(c.CLEAN)]
    rate = len(changed) / len(c.CLEAN)
    assert rate <= 0.01, f"{len(changed)}/{len(c.CLEAN)} clean lines masked ({rate:.1%}): {changed}"
