"""Pure glue between the stages: event -> redacted record -> notification.

Nothing here does I/O.  The daemon and the one-shot command share it, so an
event is understood the same way in both.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from logsumd.notification import DigestItem, Notification
from logsumd.records import Classification, Event, Summary

EXCERPT_MAX_CHARS = 1500
_CARETS = re.compile(r"^\s*[\^~]+\s*$")


def event_id(event: Event) -> str:
    """A stable id: the same event read again after a crash gets the same id."""
    digest = hashlib.sha1(event.text.encode("utf-8", "replace"), usedforsecurity=False)
    return f"{event.file_id}:{event.offset_start}:{event.line_start}:{digest.hexdigest()[:10]}"


def event_to_record(event: Event, cls: Classification, fp: str) -> dict[str, Any]:
    """A JSON-ready record of a (redacted) event for the outbox."""
    return {
        "path": event.path,
        "file_id": event.file_id,
        "line_start": event.line_start,
        "line_end": event.line_end,
        "offset_start": event.offset_start,
        "offset_end": event.offset_end,
        "text": event.text,
        "context": list(event.context),
        "first_read_at": event.first_read_at,
        "last_read_at": event.last_read_at,
        "rule": event.rule,
        "cut_lines": event.cut_lines,
        "fingerprint": fp,
        "category": cls.category,
        "exception_type": cls.exception_type,
    }


REPEAT_MESSAGE_CHARS = 300


def repeat_record(event: Event, cls: Classification, fp: str) -> dict[str, Any]:
    """A compact record for a repeat of an error whose full record is already held.

    Repeats wait in the outbox until the next update about their fingerprint
    (``group_interval_secs``); in a storm there are many.  Without the text and
    the context lines a record is about a fifth of the size; what an update
    message needs from it (where, what, the message) stays.
    """
    record = event_to_record(event, cls, fp)
    record.update(
        text="",
        context=[],
        repeat=True,
        message=cls.message[:REPEAT_MESSAGE_CHARS],
        outer_exception_type=cls.outer_exception_type,
    )
    return record


def repeat_notification(
    record: dict[str, Any], summary: Summary | None, **fields: Any
) -> Notification:
    """The notification for a decision whose only record is a compact repeat.

    After a restart, the full record of an error may already be delivered while
    its repeats still wait; the message is then built from their fields.
    """
    exc = record.get("exception_type", "")
    message = record.get("message", "")
    return Notification(
        fingerprint=record["fingerprint"],
        path=record["path"],
        line_start=record["line_start"],
        line_end=record["line_end"],
        category=record.get("category", "other"),
        exception_type=exc,
        outer_exception_type=record.get("outer_exception_type", exc),
        message=message,
        summary=summary.text if summary else f"{exc}: {message}" if message else exc,
        summarizer=summary.summarizer if summary else "rules",
        excerpt="",
        rule=record.get("rule", ""),
        **fields,
    )


def record_to_event(record: dict[str, Any]) -> Event:
    """Inverse of ``event_to_record`` for the event part."""
    return Event(
        path=record["path"],
        file_id=record["file_id"],
        line_start=record["line_start"],
        line_end=record["line_end"],
        offset_start=record["offset_start"],
        offset_end=record["offset_end"],
        text=record["text"],
        first_read_at=record["first_read_at"],
        last_read_at=record["last_read_at"],
        rule=record["rule"],
        cut_lines=record["cut_lines"],
        context=tuple(record["context"]),
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
        category=cls.category,
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
    )


def oneshot_record(event: Event, cls: Classification, fp: str, summary: Summary) -> dict[str, Any]:
    """The JSON object ``logsumd summarize --json`` prints for one event."""
    return {
        "file": event.path,
        "line_start": event.line_start,
        "line_end": event.line_end,
        "rule": event.rule,
        "category": cls.category,
        "exception_type": cls.exception_type,
        "outer_exception_type": cls.outer_exception_type,
        "message": cls.message,
        "app_frame": app_frame_text(cls),
        "fingerprint": fp,
        "summary": summary.text,
        "summarizer": summary.summarizer,
    }
