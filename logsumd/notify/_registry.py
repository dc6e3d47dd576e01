"""Build notifiers from their settings (a registry keyed by ``type:``)."""

from __future__ import annotations

from collections.abc import Sequence

from logsumd.config import (
    AlertmanagerNotifierSettings,
    FileNotifierSettings,
    NotifierSettings,
    SlackNotifierSettings,
)
from logsumd.notify._file import FileNotifier
from logsumd.notify.notifier import Notifier


def make_notifiers(settings: Sequence[NotifierSettings], state_dir: str) -> list[Notifier]:
    """One notifier per configured entry, in order; names are unique."""
    out: list[Notifier] = []
    seen: dict[str, int] = {}
    for s in settings:
        n: Notifier
        if isinstance(s, FileNotifierSettings):
            n = FileNotifier(s)
        elif isinstance(s, SlackNotifierSettings):
            from logsumd.notify.slack import SlackNotifier

            n = SlackNotifier(s, state_dir)
        elif isinstance(s, AlertmanagerNotifierSettings):
            from logsumd.notify._alertmanager import AlertmanagerNotifier

            n = AlertmanagerNotifier(s)
        else:  # pragma: no cover - the config loader only builds known types
            raise TypeError(f"unknown notifier settings {type(s).__name__}")
        count = seen.get(n.name, 0)
        seen[n.name] = count + 1
        if count:
            n.name = f"{n.name}#{count + 1}"
        out.append(n)
    return out
