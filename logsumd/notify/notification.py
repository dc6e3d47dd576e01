"""What notifiers receive, and the protocol every notifier implements."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One fingerprint folded into a digest message."""

    fingerprint: str
    category: str
    exception_type: str
    count: int
    path: str


@dataclass(frozen=True, slots=True)
class Notification:
    """One message to deliver: a new error, a count update, or a digest.

    Every text field is already redacted.  ``id`` is unique and stable, so a
    notifier that sees the same id twice after a crash can tell.
    """

    id: str
    kind: str
    """``event`` (a new error), ``update`` (count of repeats) or ``digest``."""
    fingerprint: str
    path: str
    line_start: int
    line_end: int
    host: str
    category: str
    exception_type: str
    outer_exception_type: str
    message: str
    summary: str
    summarizer: str
    excerpt: str
    """The condensed trace shown in a code block."""
    count: int
    """Events of this fingerprint in the current repeat window."""
    first_seen: float
    last_seen: float
    app_frame: str = ""
    """``file:line in function`` of the innermost application frame, if any."""
    rule: str = ""
    new_count: int = 0
    """For updates: events since the previous message of this fingerprint."""
    since: float = 0.0
    """For updates: when the previous message was sent."""
    digest: tuple[DigestItem, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notification:
        """Inverse of ``to_dict``."""
        items = tuple(DigestItem(**d) for d in data.get("digest", ()))
        return cls(**{**data, "digest": items})


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
