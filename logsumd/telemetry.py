"""Named internal events: each notable thing logs once, here, and is counted.

Components never log ad hoc.  They call ``emit("FileRotated", path=...)``; the
event name is the fixed log message, the keyword arguments are its fields.  Tests
read ``COUNTERS`` or capture structlog output instead of parsing text.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import structlog

# Event name -> log level.  Unknown names are a programming error.
EVENTS: dict[str, str] = {
    # source
    "FileOpened": "info",
    "FileRotated": "info",
    "FileTruncated": "warning",
    "FileDeleted": "info",
    "FileUnreadable": "warning",
    "FileReadable": "info",
    "LineTruncated": "warning",
    "NulBytesSkipped": "warning",
    "PollingFallback": "warning",
    "CheckpointWritten": "debug",
    "CheckpointCorrupt": "error",
    "CheckpointFailed": "error",
    "CheckpointRecovered": "info",
    # assembler
    "EventCut": "warning",
    "EventAssembled": "debug",
    # pipeline
    "DaemonStarted": "info",
    "DaemonStopping": "info",
    "DaemonStopped": "info",
    "ComponentCrashed": "error",
    "ShutdownTimeout": "warning",
    "OutputReopened": "info",
    "EventNotified": "info",
    "NotifierFailed": "warning",
    "EventsDropped": "error",
    "OutboxCorrupt": "error",
    "OutboxCompacted": "debug",
    "SummarizerFallback": "warning",
    "SummarizerTimeout": "warning",
    "SummaryWritten": "info",
    "ModelLoaded": "info",
    "ModelLog": "debug",
    "ConfigLoaded": "info",
}

COUNTERS: Counter[str] = Counter()
_lock = threading.Lock()
_log = structlog.get_logger("logsumd")


def emit(name: str, **fields: Any) -> None:
    """Count the internal event ``name`` and log it with its fields."""
    level = EVENTS[name]
    with _lock:
        COUNTERS[name] += 1
    getattr(_log, level)(name, **fields)


def count(name: str) -> int:
    """How many times ``name`` was emitted in this process."""
    with _lock:
        return COUNTERS[name]
