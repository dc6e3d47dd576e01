"""Exception lines and application frames, found in an event's plain text.

The condenser (:mod:`logsumd.summarize.condense`) reads the redacted text of an event
with this light, line-based parse: :func:`parse_exceptions` finds the Python
and Java exception lines (``Type: message``, ``Caused by: ...``) with their
continuation lines, :func:`parse_app_frames` the Python frames of application
(not library) files.  Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logsumd.records import Frame

__all__ = [
    "ExcRecord",
    "format_frame",
    "is_app_file",
    "parse_app_frames",
    "parse_exceptions",
    "strip_type_prefixes",
]

_PY_FRAME_RE = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$')
_JAVA_FRAME_RE = re.compile(r"^\s+at \S+\(|^\s*\.\.\. \d+ more\s*$")
_EXC_NAME = r"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*"
_EXC_LINE_RE = re.compile(rf"^(?P<caused>Caused by: |: )?(?P<type>{_EXC_NAME})(?:: ?(?P<msg>.*))?$")
_EXC_SUFFIX_RE = re.compile(r"(Error|Exception|Exit|Interrupt|Timeout|Failure|Fault|Throwable)$")
_EXC_MODULE_RE = re.compile(r"(^|\.)(exceptions?|errors?|exc)\.")
_PY_CHAIN_RE = re.compile(
    r"^(Traceback \(most recent call last\):|During handling of the above exception"
    r"|The above exception was the direct cause)"
)
_RECORD_START_RE = re.compile(
    r"^\[?\d{2,4}[-/]\d{2}[-/]\d{2}|^\d{2}:\d{2}:\d{2}|^(DEBUG|INFO|WARN(ING)?|ERROR|CRITICAL)\b"
)
_LIBRARY_PATH_RE = re.compile(
    r"site-packages|dist-packages|[\\/]lib[\\/]python\d|[\\/]Lib[\\/]|<frozen|<string>|"
    r"[\\/]venv[\\/]lib[\\/]|[\\/]usr[\\/]lib[\\/]"
)


@dataclass(frozen=True, slots=True)
class ExcRecord:
    """One exception line of the event text, with its continuation lines."""

    type: str
    message: str
    """The message lines joined by newlines."""
    caused_by: bool


def _is_exception_name(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(_EXC_SUFFIX_RE.search(last) or ("." in name and _EXC_MODULE_RE.search(name)))


def _continuation_ends(line: str) -> bool:
    stripped = line.strip()
    return bool(
        _PY_FRAME_RE.match(line)
        or _JAVA_FRAME_RE.match(line)
        or _PY_CHAIN_RE.match(stripped)
        or stripped.startswith(("Caused by:", "Driver stacktrace:"))
        or _RECORD_START_RE.match(line)
    )


def parse_exceptions(lines: list[str]) -> list[ExcRecord]:
    """Exception lines (Python and Java) in text order, each with its message lines."""
    records: list[ExcRecord] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _EXC_LINE_RE.match(line) if line[:1] not in (" ", "\t") else None
        if not match or not _is_exception_name(match.group("type")):
            i += 1
            continue
        parts = [match.group("msg") or ""]
        j = i + 1
        while j < len(lines) and len(parts) < 12:
            nxt = lines[j]
            if _continuation_ends(nxt):
                break
            nxt_match = _EXC_LINE_RE.match(nxt) if nxt[:1] not in (" ", "\t") else None
            if nxt_match and _is_exception_name(nxt_match.group("type")):
                break
            if nxt.strip():
                parts.append(nxt.strip())
            j += 1
        message = "\n".join(p for p in parts if p)
        records.append(ExcRecord(match.group("type"), message, match.group("caused") is not None))
        i = j
    return records


def strip_type_prefixes(message: str) -> str:
    """``java.io.X: java.io.X: text`` -> ``text`` (wrappers repeat the cause's type)."""
    while True:
        match = re.match(rf"^({_EXC_NAME}): ", message)
        if not match or not _is_exception_name(match.group(1)):
            return message
        message = message[match.end() :]


def is_app_file(path: str) -> bool:
    """True for a frame file that belongs to the application, not a library."""
    return not _LIBRARY_PATH_RE.search(path)


def parse_app_frames(lines: list[str]) -> list[Frame]:
    """Python frames of application files, outermost first."""
    frames: list[Frame] = []
    for line in lines:
        match = _PY_FRAME_RE.match(line)
        if match and is_app_file(match.group("file")):
            frames.append(Frame(match.group("file"), int(match.group("line")), match.group("func")))
    return frames


def format_frame(frame: Frame) -> str:
    """``function (file:line)``; a long path is shortened to its file name."""
    path = frame.file if len(frame.file) <= 60 else re.split(r"[\\/]", frame.file)[-1]
    where = f"{path}:{frame.line}" if frame.line is not None else path
    return f"{frame.function.strip()} ({where})"
