"""Events for tests of the pure core (classify, fingerprint, rule summaries)."""

from __future__ import annotations

from logsumd.records import Event


def make_event(text: str, context: tuple[str, ...] = ()) -> Event:
    """An Event of ``text`` from line 1 of a job log, with the given context lines."""
    return Event(
        path="/var/log/etl/job.log",
        file_id="f1",
        line_start=1,
        line_end=1 + text.count("\n"),
        offset_start=0,
        offset_end=len(text),
        text=text,
        first_read_at=0.0,
        last_read_at=0.0,
        rule="python",
        context=context,
    )
