"""The notification for one decision about one (redacted) event (pure).

The excerpt is the trace's header line and its tail; the app frame is
``file:line in function``.  A compact repeat (no text) gives a message built
from what it keeps.
"""

from __future__ import annotations

import re

from logsumd.records import (
    Classification,
    DigestItem,
    Event,
    Notification,
    StoredEvent,
    Summary,
)

EXCERPT_MAX_CHARS = 1500
_CARETS = re.compile(r"^\s*[\^~]+\s*$")


def repeat_notification(
    stored: StoredEvent,
    summary: Summary | None,
    *,
    notification_id: str,
    kind: str,
    host: str,
    count: int,
    first_seen: float,
    last_seen: float,
    new_count: int = 0,
    since: float = 0.0,
) -> Notification:
    """The notification for a decision whose only record is a compact repeat.

    After a restart, the full record of an error may already be delivered while
    its repeats still wait; the message is then built from what they keep.
    """
    cls, event = stored.classification, stored.event
    exc, message = cls.exception_type, cls.message
    return Notification(
        id=notification_id,
        kind=kind,
        fingerprint=stored.fingerprint,
        path=event.path,
        line_start=event.line_start,
        line_end=event.line_end,
        host=host,
        category=summary.category if summary and summary.category else cls.category,
        exception_type=exc,
        outer_exception_type=cls.outer_exception_type,
        message=message,
        summary=summary.text if summary else f"{exc}: {message}" if message else exc,
        summarizer=summary.summarizer if summary else "rules",
        diagnosis=summary.diagnosis if summary else "",
        runbook=summary.runbook if summary else "",
        excerpt="",
        count=count,
        first_seen=first_seen,
        last_seen=last_seen,
        rule=event.rule,
        new_count=new_count,
        since=since,
    )


def app_frame_text(cls: Classification) -> str:
    """``file:line in function`` of the innermost application frame, or ``""``."""
    f = cls.app_frame
    if f is None:
        return ""
    where = f.file.rsplit("/", 1)[-1]
    line = f":{f.line}" if f.line is not None else ""
    return f"{where}{line} in {f.function}"


def excerpt(event: Event, limit: int = EXCERPT_MAX_CHARS) -> str:
    """The event text cut to ``limit`` characters: its header line and its tail.

    The tail of a trace holds the innermost frames and the exception lines,
    which is what a person reads first.
    """
    text = "\n".join(line for line in event.text.split("\n") if not _CARETS.match(line))
    if len(text) <= limit:
        return text
    header, _, rest = text.partition("\n")
    header = header[: limit // 4]
    tail = rest[-(limit - len(header) - 40) :]
    tail = tail[tail.find("\n") + 1 :] if "\n" in tail else tail
    dropped = len(text) - len(header) - len(tail)
    return f"{header}\n[... {dropped} characters cut ...]\n{tail}"


def build_notification(
    *,
    notification_id: str,
    kind: str,
    event: Event,
    cls: Classification,
    fp: str,
    summary: Summary,
    host: str,
    count: int,
    first_seen: float,
    last_seen: float,
    new_count: int = 0,
    since: float = 0.0,
    digest: tuple[DigestItem, ...] = (),
) -> Notification:
    """The notification for one decision about one (redacted) event."""
    return Notification(
        id=notification_id,
        kind=kind,
        fingerprint=fp,
        path=event.path,
        line_start=event.line_start,
        line_end=event.line_end,
        host=host,
        category=summary.category or cls.category,
        exception_type=cls.exception_type,
        outer_exception_type=cls.outer_exception_type,
        message=cls.message,
        summary=summary.text,
        summarizer=summary.summarizer,
        excerpt=excerpt(event),
        count=count,
        first_seen=first_seen,
        last_seen=last_seen,
        app_frame=app_frame_text(cls),
        rule=event.rule,
        new_count=new_count,
        since=since,
        digest=digest,
        diagnosis=summary.diagnosis,
        runbook=summary.runbook,
    )
