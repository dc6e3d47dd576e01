"""Checks of one settings section as a whole, once its keys are built.

The loader builds each key on its own; what needs several keys of a section
(a Slack notifier's webhook or token, the model server a backend needs, ranking
that needs the local model, a diagnosis's slots, the labels an Alertmanager
notifier may add, the metrics address) is checked here,
after the section is built.  Each check reports through the loader's
:class:`Reporter`, naming the key and its line, and says whether the section
is usable.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from yaml.nodes import MappingNode, Node

from logsumd.config import settings as s
from logsumd.config._checks import webhook_url_problem
from logsumd.config._diagnoses import check_diagnosis, partial_diagnosis
from logsumd.config._yaml_nodes import mapping_entries


class Reporter(Protocol):
    """Where a check records a problem (the loader's builder), and the environment."""

    env: Mapping[str, str]

    def error(self, where: Node | int, path: str, message: str) -> object: ...


def join(path: str, key: str) -> str:
    """The dotted key path of ``key`` inside ``path``."""
    return f"{path}.{key}" if path else key


def entry_of(node: Node, key: str) -> Node | None:
    """The value node of ``key`` if ``node`` is a mapping that has it."""
    if not isinstance(node, MappingNode):
        return None
    return next((e.value for e in mapping_entries(node)[0] if e.key == key), None)


def _check_slack(b: Reporter, built: Any, node: Node, path: str) -> bool:
    token_keys = [k for k in ("bot_token", "channel") if getattr(built, k) is not None]
    if built.webhook_url is not None and token_keys:
        b.error(node, path, "set webhook_url, or bot_token and channel, not both")
        return False
    if built.webhook_url is None and len(token_keys) < 2:
        missing = " and ".join(f'"{k}"' for k in ("bot_token", "channel") if k not in token_keys)
        b.error(node, path, f"missing required key {missing} (or set webhook_url instead)")
        return False
    problem = None if built.webhook_url is None else webhook_url_problem(built.webhook_url)
    if problem is not None:
        b.error(entry_of(node, "webhook_url") or node, join(path, "webhook_url"), problem)
        return False
    return True


_LABEL_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
_OWN_LABELS = ("alertname", "fingerprint", "category", "exception_type", "host", "source")


def _check_alertmanager(b: Reporter, built: Any, node: Node, path: str) -> bool:
    ok = True
    labels_node = entry_of(node, "labels")
    for name in built.labels:
        where = entry_of(labels_node, name) if labels_node is not None else None
        at = f"{path}.labels.{name}"
        if not _LABEL_RE.match(name) or name.startswith("__"):
            b.error(where or node, at, "not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)")
            ok = False
        elif name in _OWN_LABELS:
            b.error(where or node, at, f"logsumd sets this label itself ({', '.join(_OWN_LABELS)})")
            ok = False
    return ok


def _check_summarizer(b: Reporter, built: Any, node: Node, path: str) -> bool:
    if built.rank and built.backend == "openai":
        # ranking scores given continuations: only a model in this process can
        where = entry_of(node, "rank") or node
        message = "backend openai cannot rank (a model server scores nothing); use backend llama"
        b.error(where, join(path, "rank"), message)
        return False
    if built.backend != "openai":
        return True
    missing = [k for k in ("base_url", "model") if getattr(built.openai, k) is None]
    if missing:
        where = entry_of(node, "openai") or entry_of(node, "backend") or node
        keys = " and ".join(f'"{k}"' for k in missing)
        b.error(where, join(path, "openai"), f"backend openai needs {keys}")
        return False
    variable = built.openai.api_key_env
    if variable and not b.env.get(variable):
        where = entry_of(entry_of(node, "openai") or node, "api_key_env") or node
        at = join(path, "openai.api_key_env")
        b.error(where, at, f"environment variable {variable} (the API key) is not set")
        return False
    return True


def _check_metrics(b: Reporter, built: Any, node: Node, path: str) -> bool:
    if not built.listen:
        return True
    where = entry_of(node, "listen") or node
    try:
        built.address()
    except ValueError as exc:
        b.error(where, join(path, "listen"), str(exc))
        return False
    if importlib.util.find_spec("prometheus_client") is None:
        message = "needs the prometheus-client package: pip install 'logsumd[metrics]'"
        b.error(where, join(path, "listen"), message)
        return False
    return True


PARTIAL_CHECKS: dict[type, Callable[[Reporter, dict[str, Any], Node, str], None]] = {
    s.Diagnosis: partial_diagnosis,
}
"""Checks run on a section that has other problems too, so all are reported at once."""

CHECKS: dict[type, Callable[[Reporter, Any, Node, str], bool]] = {
    s.SlackNotifierSettings: _check_slack,
    s.Diagnosis: check_diagnosis,
    s.AlertmanagerNotifierSettings: _check_alertmanager,
    s.SummarizerSettings: _check_summarizer,
    s.MetricsSettings: _check_metrics,
}
