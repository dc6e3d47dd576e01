"""What the config loader cannot derive from the settings dataclasses.

Keys and types come from ``dataclasses.fields``; this module adds, per field
(``(dataclass, name)``), the enumerations, regexes, paths, URLs and numeric
bounds, and finds the tagged unions (dataclasses with a ``type`` default).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any, Final

from logsumd.config import settings as s

START_AT: Final = ("beginning", "end")
BACKENDS: Final = ("llama", "openai", "catalogue", "rules")
LOG_LEVELS: Final = ("debug", "info", "warning", "error")
LOG_FORMATS: Final = ("json", "console")
RULE_SETS: Final = (*s.BUILTIN_RULESETS, "auto")

Key = tuple[type, str]
"""A settings field: (dataclass, field name)."""

ENUMS: dict[Key, tuple[str, ...]] = {
    (s.SourceSettings, "start_at"): START_AT,
    (s.MultilineSettings, "rules"): RULE_SETS,
    (s.MultilineSettings, "level"): s.LEVELS,
    (s.UserRule, "mode"): s.MULTILINE_MODES,
    (s.SummarizerSettings, "backend"): BACKENDS,
    (s.OpenAISettings, "api"): s.OPENAI_APIS,
    (s.OpenAISettings, "prompt"): s.OPENAI_PROMPTS,
    (s.LoggingSettings, "level"): LOG_LEVELS,
    (s.LoggingSettings, "format"): LOG_FORMATS,
    (s.Diagnosis, "category"): s.CATEGORIES,
    (s.DiagnosisMatch, "category"): s.CATEGORIES,
    (s.DiagnosisMatch, "raised_in"): s.RAISED_IN,
    (s.DiagnosisMatch, "module"): s.MODULE_OWNERS,
}
CASE_INSENSITIVE: set[Key] = {(s.MultilineSettings, "level"), (s.LoggingSettings, "level")}
REGEXES: set[Key] = {
    (s.UserRule, "start_pattern"),
    (s.UserRule, "condition_pattern"),
    (s.RedactionSettings, "patterns"),
    (s.DiagnosisMatch, "exception"),
    (s.DiagnosisMatch, "message"),
    (s.DiagnosisMatch, "not_message"),
    (s.DiagnosisMatch, "frame"),
    (s.DiagnosisMatch, "code"),
    (s.DiagnosisMatch, "status"),
}
# Paths are resolved against the config file's directory; "file" ones must exist.
PATHS: dict[Key, str] = {
    (s.SourceSettings, "include"): "glob",
    (s.SourceSettings, "exclude"): "glob",
    (s.Settings, "state_dir"): "dir",
    (s.FileNotifierSettings, "path"): "output",
    (s.SummarizerSettings, "model_path"): "file",
    (s.SummarizerSettings, "adapter"): "file",
}
PATH_KEYWORDS: dict[Key, tuple[str, ...]] = {
    # "default": the adapter shipped as package data (logsumd/data/etl-lora.gguf)
    (s.SummarizerSettings, "adapter"): ("none", "default"),
}
URLS: set[Key] = {
    (s.SlackNotifierSettings, "webhook_url"),
    (s.SlackNotifierSettings, "base_url"),
    (s.OpenAISettings, "base_url"),
    (s.AlertmanagerNotifierSettings, "url"),
    (s.Diagnosis, "runbook"),
}
NON_EMPTY: dict[Key, str] = {
    (s.AlertmanagerNotifierSettings, "url"): "must list at least one Alertmanager URL",
    (s.Settings, "sources"): "must list at least one source",
    (s.Settings, "notifiers"): "must list at least one notifier (a daemon that tells nobody)",
    (s.SourceSettings, "include"): "must list at least one glob pattern",
}
UNIQUE_NAMES: dict[Key, str] = {
    (s.Settings, "sources"): "name",
    (s.MultilineSettings, "custom"): "name",
}
"""Lists whose items' non-empty values of the named field (``name``, ``id``) must differ."""
HIDDEN: set[Key] = {(s.Settings, "source_file"), (s.Settings, "key_lines")}
PATTERNS: dict[Key, tuple[str, str]] = {
    (s.Settings, "umask"): (
        r"0?0[0-7]{2}",
        "must be a quoted octal umask that leaves the owner read, write and search,"
        ' such as "077" (the first digit 0)',
    ),
}
"""Strings that must match a regex in full, with the message when they do not."""


@dataclass(frozen=True, slots=True)
class Bound:
    low: float
    inclusive: bool

    def ok(self, value: float) -> bool:
        return value >= self.low if self.inclusive else value > self.low

    def text(self) -> str:
        return f"must be {'>=' if self.inclusive else '>'} {self.low:g}"


_POSITIVE = Bound(0, inclusive=False)
_NON_NEGATIVE = Bound(0, inclusive=True)
_AT_LEAST_ONE = Bound(1, inclusive=True)
_BOUNDS_BY_NAME: dict[str, Bound | None] = {
    "seed": None,
    "poll_interval_ms": _POSITIVE,
    "checkpoint_interval_ms": _POSITIVE,
    "context_lines": _NON_NEGATIVE,
    "max_retries": _NON_NEGATIVE,
    "connect_timeout_secs": _POSITIVE,
    "resolve_after_secs": _POSITIVE,
}


def bound_for(name: str) -> Bound | None:
    """The allowed range of a numeric field, by its name and unit suffix."""
    if name in _BOUNDS_BY_NAME:
        return _BOUNDS_BY_NAME[name]
    if name.startswith("n_") or name.endswith(("_per_minute", "_port")):
        return _AT_LEAST_ONE
    if name.startswith("max_") or name.endswith(("_bytes", "_size", "_lines", "_chars")):
        return _POSITIVE
    return _NON_NEGATIVE


def variants(tp: Any) -> dict[str, type] | None:
    """``type:`` tag -> dataclass for a tagged union (dataclasses with a ``type`` default)."""
    members = [m for m in typing.get_args(tp) if m is not types.NoneType] or [tp]
    found: dict[str, type] = {}
    for member in members:
        if not dataclasses.is_dataclass(member) or not isinstance(member, type):
            return None
        tag = next((f.default for f in dataclasses.fields(member) if f.name == "type"), None)
        if not isinstance(tag, str):
            return None
        found[tag] = member
    return found


NOTIFIER_TYPES: Final = variants(s.NotifierSettings) or {}
"""Notifier ``type:`` -> its settings dataclass, derived from ``NotifierSettings``."""


@functools.cache
def settable_fields(cls: type) -> dict[str, tuple[dataclasses.Field[Any], Any]]:
    """Settable fields of a settings dataclass with their resolved type hints."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: (f, hints[f.name])
        for f in dataclasses.fields(cls)
        if f.init and (cls, f.name) not in HIDDEN
    }


def is_required(f: dataclasses.Field[Any]) -> bool:
    """Whether a field has no default (the key must be given)."""
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def unknown_key(cls: type, key: str) -> str:
    """``unknown key`` with a key of that name one level down, or the closest known key."""
    fields = settable_fields(cls)
    for name, (_, hint) in fields.items():
        nested = dataclasses.is_dataclass(hint) and isinstance(hint, type)
        if nested and key in settable_fields(hint):
            return f'unknown key; did you mean "{name}.{key}"?'
    close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
    if close:
        return f'unknown key; did you mean "{close[0]}"?'
    return f"unknown key; known keys: {', '.join(fields)}"
