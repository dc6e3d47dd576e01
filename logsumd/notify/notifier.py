"""The protocol every notifier implements, and its retryable error."""

from __future__ import annotations

from typing import Protocol

from logsumd.records import Notification


class NotifierError(Exception):
    """A delivery failed and may succeed later (the outbox keeps the item)."""


class Notifier(Protocol):
    """A destination.  ``send`` returns once the destination accepted it."""

    name: str

    async def send(self, notification: Notification) -> None:
        """Deliver one notification or raise ``NotifierError``."""

    def reopen(self) -> None:
        """Reopen output files (SIGHUP); a no-op for network notifiers."""

    async def aclose(self) -> None:
        """Release connections and files."""
