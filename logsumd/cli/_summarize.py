"""``logsumd summarize``: whole files through the daemon's own stages, once.

A log that repeats one failure 500 times holds one error, not 500: events are
grouped by fingerprint, and the summarizer (the model) runs once per
fingerprint, for its first event.  The report shows each distinct error once
with its count and the lines of its first and last occurrence; ``--all`` shows
every event, each with the summary of its fingerprint.  While the model works,
a progress bar is drawn on stderr when stderr is a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from logsumd.assemble import Assembler
from logsumd.config import SourceSettings
from logsumd.decide import app_frame_text
from logsumd.records import Classification, Event, Summary
from logsumd.summarize import Summarizer
from logsumd.tail import read_file_chunks
from logsumd.understand import Redactor, understand

Understood = tuple[Event, Classification, str]
"""A redacted event, its classification and its fingerprint."""


@dataclass(frozen=True, slots=True)
class ErrorGroup:
    """One distinct error of a file: the events that share a fingerprint."""

    first: Understood
    count: int
    last: Event

    @property
    def fingerprint(self) -> str:
        return self.first[2]


def oneshot_record(event: Event, cls: Classification, fp: str, summary: Summary) -> dict[str, Any]:
    """The JSON object ``logsumd summarize --json --all`` prints for one event."""
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


def group_record(group: ErrorGroup, summary: Summary) -> dict[str, Any]:
    """The JSON object ``logsumd summarize --json`` prints for one distinct error.

    The fields of its first event, plus ``count`` and the first lines of its
    first and last events (``first_line``, ``last_line``).
    """
    event, cls, fp = group.first
    return {
        **oneshot_record(event, cls, fp, summary),
        "count": group.count,
        "first_line": event.line_start,
        "last_line": group.last.line_start,
    }


def events_of_file(path: str, source: SourceSettings) -> Iterator[Event]:
    """Every error event of ``path``, read from the beginning, flushed at its end."""
    assembler = Assembler(source.multiline)
    file_id = ""
    for chunk in read_file_chunks(path, source):
        file_id = chunk.file_id
        yield from assembler.feed(chunk)
    if file_id:
        yield from assembler.close_file(file_id)
    yield from assembler.flush_all()


def understood_events(path: str, source: SourceSettings, redactor: Redactor) -> list[Understood]:
    """Every event of ``path`` redacted, classified and fingerprinted (no model)."""
    return [understand(event, redactor) for event in events_of_file(path, source)]


def group_events(items: Sequence[Understood]) -> list[ErrorGroup]:
    """The distinct errors, in the order of their first event."""
    first: dict[str, Understood] = {}
    count: dict[str, int] = {}
    last: dict[str, Event] = {}
    for item in items:
        fp = item[2]
        first.setdefault(fp, item)
        count[fp] = count.get(fp, 0) + 1
        last[fp] = item[0]
    return [ErrorGroup(first[fp], count[fp], last[fp]) for fp in first]


class Progress:
    """``summarizing 3/10 [#####-----]`` redrawn on one line of a terminal; else nothing."""

    WIDTH = 24

    def __init__(self, out: TextIO) -> None:
        isatty = getattr(out, "isatty", None)
        self._out = out if callable(isatty) and isatty() else None
        self._total = 0
        self._done = 0

    def start(self, total: int) -> None:
        self._total, self._done = total, 0
        self._draw()

    def step(self) -> None:
        self._done += 1
        self._draw()

    def finish(self) -> None:
        if self._out is not None and self._total:
            self._out.write("\r\x1b[2K")
            self._out.flush()
        self._total = 0

    def _draw(self) -> None:
        if self._out is None or not self._total:
            return
        filled = self.WIDTH * self._done // self._total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self._out.write(f"\rsummarizing {self._done}/{self._total} [{bar}]")
        self._out.flush()


def summarize_groups(
    groups: Sequence[ErrorGroup],
    summarizer: Summarizer,
    cache: dict[str, Summary],
    progress: Progress,
) -> dict[str, Summary]:
    """The summary of each group: the summarizer runs once per fingerprint not in ``cache``.

    ``cache`` is shared by the files of one run, so an error seen in two files
    is summarized once.
    """
    todo = [g for g in groups if g.fingerprint not in cache]
    progress.start(len(todo))
    try:
        for group in todo:
            event, cls, fp = group.first
            cache[fp] = summarizer.summarize(event, cls)
            progress.step()
    finally:
        progress.finish()
    return {g.fingerprint: cache[g.fingerprint] for g in groups}


def write_json(
    items: Sequence[Understood],
    groups: Sequence[ErrorGroup],
    summaries: dict[str, Summary],
    out: TextIO,
    *,
    every_event: bool,
) -> int:
    """One JSON object per distinct error (or per event with ``every_event``); the count."""
    if every_event:
        lines = [oneshot_record(e, c, fp, summaries[fp]) for e, c, fp in items]
    else:
        lines = [group_record(g, summaries[g.fingerprint]) for g in groups]
    for record in lines:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return len(lines)


def _block(event: Event, cls: Classification, fp: str, summary: Summary, seen: str) -> str:
    rec = oneshot_record(event, cls, fp, summary)
    text = (
        f"── {rec['file']}:{rec['line_start']}-{rec['line_end']}  "
        f"[{rec['category']}] {rec['exception_type']}{seen}\n"
    )
    if rec["app_frame"]:
        text += f"   where:   {rec['app_frame']}\n"
    lines = summary.text.split("\n")  # the headline, then the Cause: and Next: lines
    text += f"   summary: {lines[0]}\n" + "".join(f"            {line}\n" for line in lines[1:])
    return text + f"   ({summary.summarizer}, fingerprint {fp})\n\n"


def write_report(
    items: Sequence[Understood],
    groups: Sequence[ErrorGroup],
    summaries: dict[str, Summary],
    out: TextIO,
    *,
    every_event: bool,
) -> int:
    """A readable report for a person; returns the number of blocks written."""
    if every_event:
        for event, cls, fp in items:
            out.write(_block(event, cls, fp, summaries[fp], ""))
    else:
        for g in groups:
            event, cls, fp = g.first
            seen = ""
            if g.count > 1:
                seen = f"  ×{g.count}, lines {event.line_start} to {g.last.line_start}"
            out.write(_block(event, cls, fp, summaries[fp], seen))
    n, k = len(items), len(groups)
    out.write(
        f"{n} error event{'s' if n != 1 else ''} found"
        f" ({k} distinct error{'s' if k != 1 else ''}).\n"
    )
    out.flush()
    return len(items) if every_event else len(groups)
