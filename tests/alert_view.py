"""What the on-call engineer gets for one event, for tests that read a whole alert:
classification, fingerprint, the default (catalogue) summary, and the Slack message and
its plain preview (red teams attack47, attack49)."""

from __future__ import annotations

import functools
import json
import tempfile

from logsumd.config import SummarizerSettings
from logsumd.decide._message import build_notification
from logsumd.notify._slack_format import build_message, render_preview
from logsumd.records import Classification, Event, Summary
from logsumd.summarize.factory import make_summarizer
from logsumd.summarize.summarizer import Summarizer
from logsumd.understand import Redactor, understand

REDACTOR = Redactor(())


@functools.cache
def default_summarizer() -> Summarizer:
    """The default summarizer, made once (its state in a temporary folder)."""
    return make_summarizer(SummarizerSettings(), tempfile.mkdtemp(), REDACTOR)


class Alert:
    """One event's alert as the daemon builds it."""

    def __init__(self, event: Event) -> None:
        self.event, self.cls, self.fp = understand(event, REDACTOR)
        self.summary: Summary = default_summarizer().summarize(self.event, self.cls)
        note = build_notification(
            notification_id="n1",
            kind="event",
            event=self.event,
            cls=self.cls,
            fp=self.fp,
            summary=self.summary,
            host="etl-3",
            count=1,
            first_seen=1777777777.0,
            last_seen=1777777777.0,
        )
        self.preview = render_preview(note)
        self.slack = json.dumps(build_message(note), ensure_ascii=False)

    @property
    def headline(self) -> str:
        return self.summary.text.split("\n", 1)[0]

    @property
    def root(self) -> tuple[str, str]:
        c: Classification = self.cls
        return c.exception_type, c.message
