"""``logsumd check``: validate the config and probe everything it names.

Every probe is a :class:`~logsumd.notify.Probe` (ok, and one line saying what
was checked or what is wrong); ``check`` prints each as ``OK`` or ``FAIL`` and
exits 0 only when all pass.  No probe raises: a bad token, an unreachable
server or an unwritable directory is a ``FAIL`` line, and the other checks
still run.  ``logsumd run`` uses the directory probes before it starts, so
both commands agree on what is usable.
"""

from __future__ import annotations

import glob
import os
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace

from logsumd.config import (
    AlertmanagerNotifierSettings,
    FileNotifierSettings,
    NotifierSettings,
    Settings,
)
from logsumd.notify import Probe, make_notifiers


@dataclass(frozen=True, slots=True)
class Finding:
    """One health check: what was probed (a config key and its value) and the result."""

    what: str
    probe: Probe

    def line(self) -> str:
        """``OK   what: detail`` or ``FAIL what: detail``."""
        return f"{'OK  ' if self.probe.ok else 'FAIL'} {self.what}: {self.probe.detail}"


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


def _glob_probe(pattern: str) -> Probe:
    base = _glob_base(pattern)
    if not os.path.isdir(base):
        return Probe(False, f"directory {base} is missing")
    files = [f for f in glob.glob(pattern, recursive=True) if os.path.isfile(f)]
    if not files:
        return Probe(True, "no file matches yet (files that appear later are read)")
    unreadable = []
    for f in files:
        try:
            fd = os.open(f, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            os.close(fd)
        except OSError as exc:
            unreadable.append(f"{f} ({exc.strerror})")
    if unreadable:
        return Probe(False, "unreadable: " + ", ".join(unreadable))
    return Probe(True, f"{len(files)} file(s) readable")


def check_sources(settings: Settings) -> list[Finding]:
    """Each include glob's directory exists; each matching file can be read."""
    return [
        Finding(f"sources[{i}] {pattern}", _glob_probe(pattern))
        for i, src in enumerate(settings.sources)
        for pattern in src.include
    ]


def writable_dir_probe(path: str) -> Probe:
    """Create ``path`` if needed and write a temporary file in it."""
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".logsumd-check-"):
            pass
    except OSError as exc:
        return Probe(False, f"cannot write in {path}: {exc.strerror or exc}")
    return Probe(True, f"{path} is writable")


def output_probe(path: str) -> Probe:
    """The directory of an output file is writable and the file can be appended to."""
    probe = writable_dir_probe(os.path.dirname(path) or ".")
    if not probe.ok:
        return probe
    if os.path.isdir(path):
        return Probe(False, f"{path} is a directory, not a file")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return Probe(False, f"{path} is not writable")
    return Probe(True, f"{path} is writable")


def state_dir_finding(settings: Settings) -> Finding:
    """The state directory can be created and written."""
    return Finding("state_dir", writable_dir_probe(settings.state_dir))


def path_findings(settings: Settings) -> list[Finding]:
    """The state directory and every file notifier's output (what ``run`` writes)."""
    out = [state_dir_finding(settings)]
    for i, n in enumerate(settings.notifiers):
        if isinstance(n, FileNotifierSettings):
            out.append(Finding(f"notifiers[{i}].path", output_probe(n.path)))
    return out


def check_model(settings: Settings, load: Callable[[], object]) -> list[Finding]:
    """The configured summarizer loads (for ``llama``: the GGUF model)."""
    what = f"summarizer {settings.summarizer.backend}"
    if settings.summarizer.backend in ("rules", "catalogue"):
        return [Finding(what, Probe(True, "no model needed"))]
    if settings.summarizer.backend == "openai":
        return [check_openai(settings)]
    try:
        summarizer = load()
    except Exception as exc:
        return [Finding(what, Probe(False, str(exc) or type(exc).__name__))]
    close = getattr(summarizer, "close", None)
    if callable(close):
        close()
    return [Finding(what, Probe(True, "model loads"))]


def _probed(settings: Settings) -> list[tuple[str, NotifierSettings]]:
    """What to probe: every notifier, and each URL of an Alertmanager on its own line."""
    out: list[tuple[str, NotifierSettings]] = []
    for i, n in enumerate(settings.notifiers):
        if isinstance(n, AlertmanagerNotifierSettings):
            out += [(f"notifiers[{i}] alertmanager {u}", replace(n, url=(u,))) for u in n.url]
        else:
            out.append((f"notifiers[{i}] {n.type}", n))
    return out


async def check_notifiers(settings: Settings) -> list[Finding]:
    """Every notifier's own health check (Slack ``auth.test``, Alertmanager's status...)."""
    out = []
    for what, n in _probed(settings):
        try:
            [notifier] = make_notifiers([n], settings.state_dir)
        except (OSError, ValueError) as exc:
            out.append(Finding(what, Probe(False, f"cannot be set up: {exc}")))
            continue
        try:
            probe = await notifier.health_check()
        except Exception as exc:  # the contract says never; a report beats a traceback
            probe = Probe(False, f"health check raised {type(exc).__name__}")
        finally:
            await notifier.aclose()
        out.append(Finding(what, probe))
    return out


def check_openai(settings: Settings) -> Finding:
    """The model server answers ``/v1/models`` and lists the configured model."""
    from logsumd.summarize import ModelError, ModelUnavailable
    from logsumd.summarize.openai_backend import OpenAIBackend

    o = settings.summarizer.openai
    what = f"summarizer openai {o.base_url}"
    try:
        models = OpenAIBackend(settings.summarizer).list_models()
    except (ModelError, ModelUnavailable) as exc:
        return Finding(what, Probe(False, str(exc)))
    if o.model not in models:
        listed = ", ".join(models) or "none"
        return Finding(what, Probe(False, f"model {o.model!r} is not listed (listed: {listed})"))
    return Finding(what, Probe(True, f"reachable, model {o.model!r} listed"))


def check_metrics(settings: Settings) -> list[Finding]:
    """The ``metrics.listen`` address can be bound (nothing else listens there)."""
    if not settings.metrics.listen:
        return []
    host, port = settings.metrics.address()
    what = f"metrics.listen {settings.metrics.listen}"
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.bind((host, port))
    except OSError as exc:
        detail = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        return [Finding(what, Probe(False, detail))]
    return [Finding(what, Probe(True, f"{host}:{port} can be bound"))]
