"""The understand step: one event redacted, classified and fingerprinted."""

from __future__ import annotations

from dataclasses import replace

from logsumd.records import Classification, Event
from logsumd.understand._classify import classify
from logsumd.understand._fingerprint import fingerprint
from logsumd.understand._redact import Redactor


def redact_event(event: Event, redactor: Redactor) -> Event:
    """The event with secrets masked in its text and context lines.

    The context is masked as one block, like the text, so that a secret spanning
    lines (a PEM private key) is masked whole; it may come back with fewer lines.
    """
    context = event.context
    if context:
        context = tuple(redactor.redact("\n".join(context)).split("\n"))
    return replace(event, text=redactor.redact(event.text), context=context)


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
