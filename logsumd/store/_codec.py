"""Outbox records: an event with its classification as JSON, and back (pure)."""

from __future__ import annotations

import hashlib
from typing import Any

from logsumd.records import Classification, Event


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
