"""``logsumd summarize``: whole files through the daemon's own stages, once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from logsumd.assemble import Assembler
from logsumd.config import SourceSettings
from logsumd.decide import app_frame_text
from logsumd.records import Classification, Event, Summary
from logsumd.summarize import Summarizer
from logsumd.tail import read_file_chunks
from logsumd.understand import Redactor, understand


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


def summarize_files(
    paths: Sequence[str],
    source: SourceSettings,
    summarizer: Summarizer,
    redactor: Redactor,
) -> Iterator[tuple[Event, Classification, str, Summary]]:
    """(redacted event, classification, fingerprint, summary) for each event."""
    for path in paths:
        for event in events_of_file(path, source):
            clean, cls, fp = understand(event, redactor)
            yield clean, cls, fp, summarizer.summarize(clean, cls)


def write_json(items: Iterator[tuple[Event, Classification, str, Summary]], out: TextIO) -> int:
    """One JSON object per event per line; returns the number of events."""
    n = 0
    for event, cls, fp, summary in items:
        out.write(json.dumps(oneshot_record(event, cls, fp, summary), ensure_ascii=False) + "\n")
        out.flush()
        n += 1
    return n


def write_report(items: Iterator[tuple[Event, Classification, str, Summary]], out: TextIO) -> int:
    """A readable report for a person; returns the number of events."""
    n = 0
    for event, cls, fp, summary in items:
        n += 1
        rec = oneshot_record(event, cls, fp, summary)
        out.write(
            f"── {rec['file']}:{rec['line_start']}-{rec['line_end']}  "
            f"[{rec['category']}] {rec['exception_type']}\n"
        )
        if rec["app_frame"]:
            out.write(f"   where:   {rec['app_frame']}\n")
        out.write(f"   summary: {summary.text}\n")
        out.write(f"   ({summary.summarizer}, fingerprint {fp})\n\n")
        out.flush()
    out.write(f"{n} error event{'s' if n != 1 else ''} found.\n")
    return n
