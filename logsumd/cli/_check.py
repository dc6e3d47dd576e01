"""``logsumd check``: validate the config and probe everything it names."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from logsumd.config import FileNotifierSettings, Settings, SlackNotifierSettings


@dataclass(frozen=True, slots=True)
class Finding:
    """One health check result."""

    ok: bool
    what: str
    detail: str = ""
    warning: bool = False


def _glob_base(pattern: str) -> str:
    """The directory part of a glob before its first wildcard."""
    parts = []
    for part in pattern.split(os.sep):
        if any(c in part for c in "*?["):
            break
        parts.append(part)
    if len(parts) == len(pattern.split(os.sep)):
        parts = parts[:-1]  # no wildcard: the pattern names a file
    return os.sep.join(parts) or os.sep


def check_sources(settings: Settings) -> list[Finding]:
    """Each include glob's directory exists; each matching file can be read."""
    out: list[Finding] = []
    for i, src in enumerate(settings.sources):
        for pattern in src.include:
            base = _glob_base(pattern)
            if not os.path.isdir(base):
                out.append(
                    Finding(False, f"sources[{i}] {pattern}", f"directory {base} is missing")
                )
                continue
            files = [f for f in glob.glob(pattern, recursive=True) if os.path.isfile(f)]
            if not files:
                out.append(
                    Finding(True, f"sources[{i}] {pattern}", "no file matches yet", warning=True)
                )
            unreadable = []
            for f in files:
                try:
                    with open(f, "rb") as fh:
                        fh.read(1)
                except OSError as exc:
                    unreadable.append(f"{f} ({exc.strerror})")
            if unreadable:
                out.append(
                    Finding(
                        False, f"sources[{i}] {pattern}", "unreadable: " + ", ".join(unreadable)
                    )
                )
            elif files:
                out.append(
                    Finding(True, f"sources[{i}] {pattern}", f"{len(files)} file(s) readable")
                )
    return out


def _writable_dir(path: str) -> str | None:
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".logsumd-check-"):
            pass
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    return None


def check_dirs(settings: Settings) -> list[Finding]:
    """The state directory and the file notifiers' directories are writable."""
    out = []
    problem = _writable_dir(settings.state_dir)
    out.append(Finding(problem is None, f"state_dir {settings.state_dir}", problem or "writable"))
    for n in settings.notifiers:
        if isinstance(n, FileNotifierSettings):
            d = os.path.dirname(n.path) or "."
            problem = _writable_dir(d)
            out.append(Finding(problem is None, f"notifier file {n.path}", problem or "writable"))
    return out


def check_model(settings: Settings, load: Callable[[], object]) -> list[Finding]:
    """The configured summarizer loads (for ``llama``: the GGUF model)."""
    if settings.summarizer.backend == "rules":
        return [Finding(True, "summarizer rules", "no model needed")]
    try:
        summarizer = load()
    except Exception as exc:
        return [Finding(False, f"summarizer {settings.summarizer.backend}", str(exc))]
    close = getattr(summarizer, "close", None)
    if callable(close):
        close()
    return [Finding(True, f"summarizer {settings.summarizer.backend}", "model loads")]


async def check_slack(settings: Settings) -> list[Finding]:
    """``auth.test`` for every Slack notifier with a bot token."""
    out = []
    for n in settings.notifiers:
        if not isinstance(n, SlackNotifierSettings):
            continue
        from logsumd.notify import SlackNotifier

        notifier = SlackNotifier(n, settings.state_dir)
        try:
            problem = await notifier.health_check()
        finally:
            await notifier.aclose()
        what = f"notifier slack {n.channel or 'webhook'}"
        out.append(Finding(problem is None, what, problem or "reachable, token accepted"))
    return out
