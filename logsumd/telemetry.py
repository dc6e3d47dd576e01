"""Named internal events: each notable thing logs once, here, and is counted.

Components never log ad hoc.  They call ``emit("FileRotated", path=...)``; the
event name is the fixed log message, the keyword arguments are its fields.  Tests
read ``COUNTERS`` or capture structlog output instead of parsing text.
Listeners (:func:`subscribe`: the Prometheus metrics) see every event with its
fields, on the thread that emitted it.

The names are a ``Literal`` type: ``emit("FileRotatd")`` fails type checking
(mypy --strict), not at run time in the branch that was never tested.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, Final, Literal

import structlog

Level = Literal["debug", "info", "warning", "error"]

EventName = Literal[
    # source
    "FileOpened",
    "FileRotated",
    "FileTruncated",
    "FileDeleted",
    "FileUnreadable",
    "FileReadable",
    "LineTruncated",
    "NulBytesSkipped",
    "PollingFallback",
    "CheckpointWritten",
    "CheckpointCorrupt",
    "CheckpointFailed",
    "CheckpointRecovered",
    # assembler
    "EventCut",
    "EventAssembled",
    # pipeline
    "DaemonStarted",
    "DaemonStopping",
    "DaemonStopped",
    "ComponentCrashed",
    "ShutdownTimeout",
    "OutputReopened",
    "EventNotified",
    "NotifierFailed",
    "NotifierRetry",
    "AlertmanagerPeerFailed",
    "EventsDropped",
    "OutboxCorrupt",
    "OutboxCompacted",
    "SummarizerFallback",
    "DiagnosisRanked",
    "SummarizerTimeout",
    "SummaryWritten",
    "ModelLoaded",
    "ModelServerRetry",
    "ModelServerLimited",
    "ModelLog",
    "ConfigLoaded",
    "MetricsListening",
]
"""Every internal event there is."""

EVENTS: Final[dict[EventName, Level]] = {
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
    "NotifierRetry": "debug",
    "AlertmanagerPeerFailed": "warning",
    "EventsDropped": "error",
    "OutboxCorrupt": "error",
    "OutboxCompacted": "debug",
    "SummarizerFallback": "warning",
    "DiagnosisRanked": "debug",
    "SummarizerTimeout": "warning",
    "SummaryWritten": "info",
    "ModelLoaded": "info",
    "ModelServerRetry": "warning",
    "ModelServerLimited": "warning",
    "ModelLog": "debug",
    "ConfigLoaded": "info",
    "MetricsListening": "info",
}
"""The level each event logs at (every name has one: ``tests/test_telemetry.py``)."""

COUNTERS: Counter[EventName] = Counter()
_lock = threading.Lock()
_log = structlog.get_logger("logsumd")
Listener = Callable[[EventName, dict[str, Any]], None]
_listeners: tuple[Listener, ...] = ()


def emit(name: EventName, **fields: Any) -> None:
    """Count the internal event ``name``, log it with its fields, tell the listeners."""
    level = EVENTS[name]
    with _lock:
        COUNTERS[name] += 1
    getattr(_log, level)(name, **fields)
    for listener in _listeners:
        listener(name, fields)


def subscribe(listener: Listener) -> None:
    """Call ``listener(name, fields)`` for every event from now on (it must not raise)."""
    global _listeners
    with _lock:
        _listeners = (*_listeners, listener)


def unsubscribe(listener: Listener) -> None:
    """Stop calling ``listener``."""
    global _listeners
    with _lock:
        _listeners = tuple(x for x in _listeners if x is not listener)


def count(name: EventName) -> int:
    """How many times ``name`` was emitted in this process."""
    with _lock:
        return COUNTERS[name]
