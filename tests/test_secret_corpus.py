"""The secret corpus through the whole daemon: no secret, whole or in part, leaves it.

``tests/data/secrets/`` (built independently of the redactor, see its README)
holds realistic multiline ETL events with secrets of 83 kinds.  Each event is
written to its own log file and read by the real daemon (tailer, assembler,
understand, outbox, throttle, the llama summarizer with a recording fake model,
the Slack notifier against the local Slack server, the JSONL notifier).  Then
every output is searched: what the model was given, the Slack request bodies,
the JSONL, and every file the daemon left on disk (outbox journal, summary
cache, checkpoints).  A secret fails the test whole or as any 8-character
fragment (one that does not also occur in the corpus outside the secrets).

The test split is reported in aggregate only (counts per kind), so that it
stays a fair test of the redactor.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import time
from collections import Counter, deque
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
from tests.descriptors import descriptor_room
from tests.slack_server import SlackServer

CORPUS = Path(__file__).resolve().parent / "data" / "secrets"
FRAGMENT = 8
FALSE_POSITIVE_MAX = 0.01
_LOOKALIKES = str.maketrans(
    {"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`", "\ua789": ":"}
)
"""Slack's look-alike characters mapped back, so that neutralising cannot hide a secret."""


def load(name: str) -> list[dict[str, Any]]:
    """The records of one corpus file."""
    with open(CORPUS / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


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


def _strings(value: Any) -> Iterator[str]:
    """Every string inside parsed JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _file_texts(root: Path) -> list[str]:
    """What the files under ``root`` hold: JSON (per line or whole) parsed, else raw text."""
    out: list[str] = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            raw = Path(dirpath, name).read_text(encoding="utf-8", errors="replace")
            out.append(raw)
            for chunk in [raw, *raw.splitlines()]:
                try:
                    out.extend(_strings(json.loads(chunk)))
                except ValueError:
                    continue
    return out


def _run_daemon(tmp_path: Path, records: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Run the daemon over the records; (outputs to search, names of the empty outputs)."""
    logs, state, out = tmp_path / "logs", tmp_path / "state", tmp_path / "out"
    logs.mkdir()
    for i, record in enumerate(records):
        (logs / f"r{i:04d}.log").write_text(record["text"] + "\n", encoding="utf-8")
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
        deadline = time.monotonic() + 240
        stable, last = 0, -1
        while time.monotonic() < deadline and stable < 12:
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
    slack_texts = [html.unescape(b).translate(_LOOKALIKES) for b in bodies]
    outputs = model.prompts + slack_texts + _file_texts(out) + _file_texts(state)
    empty = [
        name
        for name, found in (("model input", model.prompts), ("slack", bodies), ("jsonl", [jsonl]))
        if not found
    ]
    return outputs, empty


def _leaks(records: list[dict[str, Any]], outputs: list[str]) -> list[tuple[str, str, str]]:
    """(kind, "whole"|"fragment", secret) for every secret found in the outputs.

    The outputs are read once: each of their 8-character windows is looked up
    among the secrets' fragments (those that do not also occur in the corpus
    outside the secrets, such as ``Password`` of a key name).
    """
    haystack = "\n\0".join(dict.fromkeys(outputs))
    background = "\n".join(r["text"] for r in records)
    for secret in sorted({s for r in records for s in r["secrets"]}, key=len, reverse=True):
        background = background.replace(secret, "\0")
    owners: dict[str, list[int]] = {}
    secrets = [(r["kind"], s) for r in records for s in r["secrets"]]
    for index, (_, secret) in enumerate(secrets):
        for i in range(len(secret) - FRAGMENT + 1):
            part = secret[i : i + FRAGMENT]
            if part not in background:
                owners.setdefault(part, []).append(index)
    seen = {haystack[i : i + FRAGMENT] for i in range(len(haystack) - FRAGMENT + 1)}
    hit = {index for part in seen & owners.keys() for index in owners[part]}
    found: list[tuple[str, str, str]] = []
    for index, (kind, secret) in enumerate(secrets):
        if secret in haystack:
            found.append((kind, "whole", secret))
        elif index in hit:
            found.append((kind, "fragment", secret))
    return found


@pytest.mark.parametrize("split", ["dev", "test"])
def test_no_secret_of_the_corpus_leaves_the_daemon(tmp_path: Path, split: str) -> None:
    """Model input, Slack bodies, JSONL, outbox and summary cache hold no secret or 8-char part."""
    records = load(f"secrets_{split}.jsonl")
    assert len(records) >= 150
    assert len({r["kind"] for r in records}) >= 40
    with descriptor_room(len(records) + 64):  # the tailer holds every log file open
        outputs, empty = _run_daemon(tmp_path, records)
    assert not empty, f"no output to check in {empty}"
    leaks = _leaks(records, outputs)
    if split == "dev":
        assert not leaks, leaks
    else:  # aggregate figures only
        by_kind = Counter(f"{kind}/{how}" for kind, how, _ in leaks)
        assert not leaks, f"{len(leaks)} secrets leaked: {dict(by_kind)}"


@pytest.mark.parametrize("split", ["dev", "test"])
def test_false_positives_on_real_clean_lines(split: str) -> None:
    """At most 1% of real secret-free error lines are changed by redaction."""
    clean = load(f"clean_{split}.jsonl")
    assert len(clean) >= 150
    redactor = Redactor()
    changed = sum(redactor.redact(c["text"]) != c["text"] for c in clean)
    rate = changed / len(clean)
    assert rate <= FALSE_POSITIVE_MAX, f"{changed}/{len(clean)} clean lines changed ({rate:.1%})"
