"""Labelled events read from a JSONL file, in either of the two formats ``logsumd eval`` reads.

* **Whole-event text with context** (``eval/real/events.jsonl``): ``text`` holds the
  event's lines and up to 30 lines on each side, exactly as in the log; ``span`` is
  ``[first, last]`` line of the event inside ``text`` and ``first_exception_line``
  the first exception line, both 1-based and counted on ``\\n``.
* **The event alone** (``real-dev/events.jsonl``, the training sets): ``raw`` is the
  event's own lines, so its span is the whole text.  It has no first exception
  line: such a record counts as detected when an event contains its last line.

Both need ``category`` and ``key_facts``; ``id``, ``split``, ``format``,
``exception_type`` and ``summary`` are optional.  A bad record is a
``ValueError`` naming the file, the line and the key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

UNLABELLED = "unlabelled"
"""The ``format`` of records that have none."""


@dataclass(frozen=True, slots=True)
class LabelledEvent:
    """One labelled error event and the log text it sits in."""

    id: str
    split: str
    format: str
    text: str
    span: tuple[int, int]
    """First and last line of the event in ``text`` (1-based, inclusive)."""
    first_exception_line: int
    """A produced event must start no later than this line to count as detected."""
    category: str
    exception_type: str
    """The root exception as labelled; "" when the record has none."""
    key_facts: tuple[str, ...]
    summary: str
    """The reference summary; "" when the record has none."""
    source_path: str = ""
    """The log file's path in its repository (``source.path``); "" for a pasted log."""

    def lines(self, first: int, last: int) -> list[str]:
        """Lines ``first..last`` of ``text`` (1-based, inclusive), without ``\\n``."""
        return self.text.split("\n")[first - 1 : last]


def line_count(text: str) -> int:
    """Lines of ``text`` counted on ``\\n`` (a final newline ends a line, it starts none)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


class _Record:
    """One JSON object and where it came from, for error messages."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"{where}: a record must be a JSON object")
        self.data: dict[str, Any] = data
        self.where = where

    def error(self, key: str, problem: str) -> ValueError:
        return ValueError(f"{self.where}: {key!r} {problem}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self.error(key, "is missing")
        if not isinstance(value, str):
            raise self.error(key, "must be a string")
        return value

    def line_number(self, key: str, value: Any, lines: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= lines:
            raise self.error(key, f"must be a line number from 1 to {lines}")
        return value

    def facts(self) -> tuple[str, ...]:
        value = self.data.get("key_facts")
        if value is None:
            raise self.error("key_facts", "is missing")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error("key_facts", "must be a list of strings")
        return tuple(value)


def _parse(record: _Record, default_id: str) -> LabelledEvent:
    if "text" in record.data:
        text = record.text("text")
        lines = line_count(text)
        span = record.data.get("span")
        if not isinstance(span, list) or len(span) != 2:
            raise record.error("span", "must be [first, last]")
        first = record.line_number("span", span[0], lines)
        last = record.line_number("span", span[1], lines)
        if first > last:
            raise record.error("span", "must not end before it starts")
        exc_line = record.line_number(
            "first_exception_line", record.data.get("first_exception_line", first), lines
        )
        if not first <= exc_line <= last:
            raise record.error("first_exception_line", f"must lie in the span {span}")
    elif "raw" in record.data:
        text = record.text("raw")
        first, last = 1, max(line_count(text), 1)
        exc_line = last
    else:
        raise record.error("text", "is missing (and so is 'raw')")
    raw_id = record.data.get("id", default_id)
    return LabelledEvent(
        id=str(raw_id),
        split=record.text("split", ""),
        format=record.text("format", UNLABELLED) or UNLABELLED,
        text=text,
        span=(first, last),
        first_exception_line=exc_line,
        category=record.text("category"),
        exception_type=record.text("exception_type", ""),
        key_facts=record.facts(),
        summary=record.text("summary", ""),
        source_path=source_path(record.data.get("source")),
    )


def source_path(source: Any) -> str:
    """The committed path a corpus record's ``source`` names; "" for a pasted log."""
    path = source.get("path") if isinstance(source, dict) else None
    return path if isinstance(path, str) else ""


def file_name(source_path: str, fallback: str) -> str:
    """A relative file name for a record's text: the last parts of the path it was
    committed under (the daemon sees real paths: Airflow's name the task), else
    ``fallback``."""
    parts = [p for p in source_path.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    parts = parts[-6:]
    if not parts or any("\0" in p or len(p.encode("utf-8", "replace")) > 200 for p in parts):
        return fallback  # a name no file system takes
    return os.path.join(*parts)


def load_events(path: str, split: str | None = None) -> list[LabelledEvent]:
    """The records of ``path`` (only those of ``split`` when given), in file order."""
    events: list[LabelledEvent] = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not JSON ({exc.msg})") from None
            event = _parse(_Record(data, where), f"line{number}")
            if split is None or event.split == split:
                events.append(event)
    if split is not None and not events:
        raise ValueError(f"{path}: no record has split {split!r}")
    return events
