"""Outbox journal lines: a stored event or a notification as JSON, and back (pure).

Event and notification lines carry the format of their record (``"v"``).
Format 2 (current) keeps the whole :class:`~logsumd.records.StoredEvent`
(:class:`StoredEventDoc`); a field at its default (an empty list or string,
``header_lines`` 1, ``cause_lines_scored`` true, ``app_frame`` the first of
``app_frames``, no context, no cut lines) is left out, so a compact repeat costs
little more than its event's place.

Format 1 is every line without a ``"v"`` (journals written before formats had
numbers): the event's fields with ``fingerprint``, ``category`` and
``exception_type`` beside them, plus ``repeat``, ``message`` and
``outer_exception_type`` in a compact repeat (:class:`LegacyEventDoc`).  Such a
record is read once more: a full one is classified again (the stored
fingerprint, category and exception type win: they are what was decided and
reported), a repeat gets the compact classification its fields describe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal, NotRequired, TypedDict, cast

from logsumd.records import (
    Classification,
    Event,
    ExceptionInfo,
    Frame,
    Notification,
    StoredEvent,
)
from logsumd.understand import classify

FORMAT = 2
"""The journal format this code writes; it reads every format up to this one."""
LEGACY_FORMAT = 1
"""Records without a format number were written in this one."""

FrameDoc = tuple[str, int | None, str, str | None]
"""``[file, line, function, module]``."""


class EventDoc(TypedDict):
    """An :class:`~logsumd.records.Event`."""

    path: str
    file_id: str
    line_start: int
    line_end: int
    offset_start: int
    offset_end: int
    text: str
    first_read_at: float
    last_read_at: float
    rule: str
    context: NotRequired[list[str]]
    cut_lines: NotRequired[int]


class ClassificationDoc(TypedDict):
    """A :class:`~logsumd.records.Classification`."""

    category: str
    exception_type: str
    outer_exception_type: str
    message: str
    chain: NotRequired[list[tuple[str, str]]]
    app_frames: NotRequired[list[FrameDoc]]
    app_frame: NotRequired[FrameDoc | None]
    cause_lines: NotRequired[list[str]]
    header: NotRequired[str]
    header_lines: NotRequired[int]
    cause_lines_scored: NotRequired[bool]


class StoredEventDoc(TypedDict):
    """A :class:`~logsumd.records.StoredEvent` but its id (format 2)."""

    event: EventDoc
    cls: ClassificationDoc
    fingerprint: str
    repeat: bool


class LegacyEventDoc(EventDoc):
    """An event record of format 1."""

    fingerprint: str
    category: str
    exception_type: str
    repeat: NotRequired[bool]
    message: NotRequired[str]
    outer_exception_type: NotRequired[str]


class EventLine(TypedDict):
    """``{"t": "e", "id": ..., "v": 2, "r": {...}}``."""

    t: Literal["e"]
    id: str
    v: int
    r: StoredEventDoc


class NotificationLine(TypedDict):
    """``{"t": "n", "id": ..., "v": 2, "n": {...}, "c": [event ids]}`` (``c`` last)."""

    t: Literal["n"]
    id: str
    v: int
    n: dict[str, object]
    c: list[str]


def event_id(event: Event) -> str:
    """A stable id: the same event read again after a crash gets the same id."""
    digest = hashlib.sha1(event.text.encode("utf-8", "replace"), usedforsecurity=False)
    return f"{event.file_id}:{event.offset_start}:{event.line_start}:{digest.hexdigest()[:10]}"


def event_line(stored: StoredEvent) -> EventLine:
    """The journal line of a new event, in the current format."""
    return {"t": "e", "id": stored.id, "v": FORMAT, "r": encode(stored)}


def notification_line(notification: Notification, covers: Sequence[str]) -> NotificationLine:
    """The journal line of a queued notification and the event ids it covers."""
    n = notification.to_dict()
    return {"t": "n", "id": notification.id, "v": FORMAT, "n": n, "c": list(covers)}


def line_format(line: dict[str, Any]) -> int:
    """The format of a journal line's record; ValueError for one newer than this code."""
    version = line.get("v", LEGACY_FORMAT)
    if not isinstance(version, int) or not LEGACY_FORMAT <= version <= FORMAT:
        raise ValueError(f"journal format {version!r} is newer than this logsumd reads ({FORMAT})")
    return version


def stored_event(line: dict[str, Any]) -> StoredEvent:
    """The event of an event line of any format (ValueError, KeyError, TypeError if none)."""
    return decode(_str(line["id"]), line["r"], line_format(line))


def _event_doc(e: Event) -> EventDoc:
    doc: EventDoc = {
        "path": e.path,
        "file_id": e.file_id,
        "line_start": e.line_start,
        "line_end": e.line_end,
        "offset_start": e.offset_start,
        "offset_end": e.offset_end,
        "text": e.text,
        "first_read_at": e.first_read_at,
        "last_read_at": e.last_read_at,
        "rule": e.rule,
    }
    if e.context:
        doc["context"] = list(e.context)
    if e.cut_lines:
        doc["cut_lines"] = e.cut_lines
    return doc


def _frame_doc(f: Frame) -> FrameDoc:
    return (f.file, f.line, f.function, f.module)


def _default_app_frame(frames: tuple[Frame, ...]) -> Frame | None:
    return frames[0] if frames else None


def _cls_doc(c: Classification) -> ClassificationDoc:
    doc: ClassificationDoc = {
        "category": c.category,
        "exception_type": c.exception_type,
        "outer_exception_type": c.outer_exception_type,
        "message": c.message,
    }
    if c.chain:
        doc["chain"] = [(x.type, x.message) for x in c.chain]
    if c.app_frames:
        doc["app_frames"] = [_frame_doc(f) for f in c.app_frames]
    if c.app_frame != _default_app_frame(c.app_frames):
        doc["app_frame"] = None if c.app_frame is None else _frame_doc(c.app_frame)
    if c.cause_lines:
        doc["cause_lines"] = list(c.cause_lines)
    if c.header:
        doc["header"] = c.header
    if c.header_lines != 1:
        doc["header_lines"] = c.header_lines
    if not c.cause_lines_scored:
        doc["cause_lines_scored"] = False
    return doc


def encode(stored: StoredEvent) -> StoredEventDoc:
    """The JSON-ready record of ``stored`` in the current format (its id is kept apart)."""
    return {
        "event": _event_doc(stored.event),
        "cls": _cls_doc(stored.classification),
        "fingerprint": stored.fingerprint,
        "repeat": stored.repeat,
    }


def decode(event_id: str, record: StoredEventDoc | LegacyEventDoc, version: int) -> StoredEvent:
    """Inverse of :func:`encode` for a record of journal format ``version``.

    The record comes from disk: a field of the wrong type raises TypeError or
    ValueError, a missing one KeyError.
    """
    if version == FORMAT:
        doc = cast(StoredEventDoc, record)
        return StoredEvent(
            event_id,
            _event(doc["event"]),
            _classification(doc["cls"]),
            _str(doc["fingerprint"]),
            bool(doc["repeat"]),
        )
    if version == LEGACY_FORMAT:
        return _decode_legacy(event_id, cast(LegacyEventDoc, record))
    raise ValueError(f"journal format {version!r} is not one this logsumd reads (1 to {FORMAT})")


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _event(d: EventDoc) -> Event:
    return Event(
        path=_str(d["path"]),
        file_id=_str(d["file_id"]),
        line_start=int(d["line_start"]),
        line_end=int(d["line_end"]),
        offset_start=int(d["offset_start"]),
        offset_end=int(d["offset_end"]),
        text=_str(d["text"]),
        first_read_at=float(d["first_read_at"]),
        last_read_at=float(d["last_read_at"]),
        rule=_str(d["rule"]),
        cut_lines=int(d.get("cut_lines", 0)),
        context=tuple(_str(line) for line in d.get("context", ())),
    )


def _frame(f: FrameDoc) -> Frame:
    file, line, function, module = f
    return Frame(
        _str(file),
        None if line is None else int(line),
        _str(function),
        None if module is None else _str(module),
    )


def _classification(d: ClassificationDoc) -> Classification:
    frames = tuple(_frame(f) for f in d.get("app_frames", ()))
    if "app_frame" in d:
        frame = d["app_frame"]
        app_frame = None if frame is None else _frame(frame)
    else:
        app_frame = _default_app_frame(frames)
    return Classification(
        category=_str(d["category"]),
        exception_type=_str(d["exception_type"]),
        outer_exception_type=_str(d["outer_exception_type"]),
        message=_str(d["message"]),
        chain=tuple(ExceptionInfo(_str(t), _str(m)) for t, m in d.get("chain", ())),
        app_frame=app_frame,
        app_frames=frames,
        cause_lines=tuple(_str(line) for line in d.get("cause_lines", ())),
        header=_str(d.get("header", "")),
        header_lines=int(d.get("header_lines", 1)),
        cause_lines_scored=bool(d.get("cause_lines_scored", True)),
    )


def _decode_legacy(event_id: str, r: LegacyEventDoc) -> StoredEvent:
    """A format-1 record: the event's fields with the fingerprint and two of the classification."""
    event = _event(r)
    fp = _str(r["fingerprint"])
    category, exc = _str(r["category"]), _str(r["exception_type"])
    if r.get("repeat"):
        cls = Classification(
            category=category,
            exception_type=exc,
            outer_exception_type=_str(r.get("outer_exception_type", exc)),
            message=_str(r.get("message", "")),
            chain=(),
            app_frame=None,
            app_frames=(),
            cause_lines=(),
            header="",
            header_lines=0,
        )
        return StoredEvent(event_id, event, cls, fp, repeat=True)
    cls = replace(classify(event), category=category, exception_type=exc)
    return StoredEvent(event_id, event, cls, fp)
