"""The protocol every notifier implements, its health probe and its retryable error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from logsumd.records import Notification


class NotifierError(Exception):
    """A delivery failed and may succeed later (the outbox keeps the item)."""


@dataclass(frozen=True, slots=True)
class Probe:
    """What a health check found: ok, and one line saying what was checked or what is wrong."""

    ok: bool
    detail: str


class Notifier(Protocol):
    """A destination.  ``send`` returns once the destination accepted it."""

    name: str

    async def send(self, notification: Notification) -> None:
        """Deliver one notification or raise ``NotifierError``."""

    def reopen(self) -> None:
        """Reopen output files (SIGHUP); a no-op for network notifiers."""

    async def aclose(self) -> None:
        """Release connections and files."""

    async def health_check(self) -> Probe:
        """Probe the destination without delivering anything; never raises."""
