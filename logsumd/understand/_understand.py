"""The understand step: one event redacted, classified and fingerprinted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from logsumd.records import Classification, Event, StoredEvent
from logsumd.understand._classify import classify
from logsumd.understand._fingerprint import fingerprint
from logsumd.understand._redact import Redactor


class Classify(Protocol):
    """The signature of :func:`~logsumd.understand.classify` (a stage takes one to call)."""

    def __call__(self, event: Event, *, full: bool = True) -> Classification: ...


def redact_event(event: Event, redactor: Redactor) -> Event:
    """The event with secrets masked in its text and context lines.

    The context and the text are scanned as one text (context first), so a
    secret spanning lines (a PEM private key, also one that begins in the
    context and goes on in the event) is masked whole; the context may come
    back with fewer lines.
    """
    if not event.context:
        return replace(event, text=redactor.redact(event.text))
    context, text = redactor.redact_parts(["\n".join(event.context), event.text])
    return replace(event, text=text, context=tuple(context.split("\n")))


def understand(
    event: Event, redactor: Redactor, *, full: bool = True
) -> tuple[Event, Classification, str]:
    """Redact, classify and fingerprint one event.

    ``full=False`` (the daemon's hot path) may leave ``cause_lines`` empty: see
    :func:`~logsumd.understand._classify.classify`.
    """
    clean = redact_event(event, redactor)
    cls = classify(clean, full=full)
    return clean, cls, fingerprint(cls)


def understand_event(
    event: Event,
    redactor: Redactor,
    *,
    event_id: str,
    is_repeat: Callable[[str], bool],
    classify: Classify = classify,
) -> StoredEvent:
    """The daemon's one look at an event: redacted, classified once, fingerprinted.

    ``is_repeat(fingerprint)``: a full record of this error is already held
    downstream, so the event is stored compact (:meth:`StoredEvent.as_repeat`).
    Cause lines are left for later where the chain decides the category
    (:func:`~logsumd.understand.with_cause_lines`): most events never get a
    summary of their own.
    """
    clean = redact_event(event, redactor)
    cls = classify(clean, full=False)
    fp = fingerprint(cls)
    stored = StoredEvent(event_id, clean, cls, fp)
    return stored.as_repeat() if is_repeat(fp) else stored
