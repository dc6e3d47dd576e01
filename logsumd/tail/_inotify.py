"""The watchdog side of the watcher: hand events to the loop, stop without leaks.

:class:`LoopHandler` passes watchdog's events to the event loop, one wake-up
for all the events that came while one was pending.

watchdog's inotify reader (``InotifyFD`` in watchdog 7, ``Inotify`` inside each
emitter's ``InotifyBuffer`` before) holds the inotify descriptor and a kill
pipe: three descriptors.  ``close()`` closes them at once only when the reader
thread is not reading; otherwise it writes to the kill pipe and leaves the
closing to the reader, which does it when it comes back from its read.  The
reader starts out marked as reading, so a ``close()`` that comes before the
thread's first read (an observer stopped right after its first watch was
scheduled: a tailer stopped soon after it started) hands the closing to a
thread that then sees ``_closed`` and returns without closing: the three
descriptors stay open for the life of the process (watchdog 7.1.1 does this
in about one stop in thirty).

:func:`stop_observer` stops and joins the observer, then closes what a
finished reader left open: a reader that is closed and still marked as reading
after its thread has ended never closed its descriptors (every path that closes
them leaves it marked as not reading).  Readers of another shape (other
watchdog versions) are left as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.api import BaseObserver

__all__ = ["LoopHandler", "stop_observer"]

_JOIN_SECS = 5.0


class LoopHandler(FileSystemEventHandler):
    """Runs in watchdog's thread: filters events and passes them to the loop.

    Events that come while a hand-over is pending join it: the loop is woken
    once, not once per event.  Each wake-up writes a byte to the loop's
    self-pipe, which a storm of events (thousands a second) would fill while
    the loop is busy, and the byte of a signal (SIGTERM) would then be lost.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        wanted: Callable[[str], bool],
        notify: Callable[[tuple[str, ...], bool], None],
    ) -> None:
        self._loop = loop
        self._wanted = wanted
        self._notify = notify
        self._lock = threading.Lock()
        self._paths: dict[str, None] = {}
        self._structural = False
        self._scheduled = False

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = tuple(os.fsdecode(p) for p in (event.src_path, event.dest_path) if p)
        structural = event.is_directory or event.event_type != "modified"
        if event.is_directory and event.event_type == "modified":
            return
        if not event.is_directory and not any(self._wanted(p) for p in paths):
            return
        with self._lock:
            self._paths.update(dict.fromkeys(paths))
            self._structural = self._structural or structural
            if self._scheduled:
                return
            self._scheduled = True
        with contextlib.suppress(RuntimeError):  # the loop is closed: we are stopping
            self._loop.call_soon_threadsafe(self._hand_over)

    def _hand_over(self) -> None:
        """On the loop: everything gathered since the last hand-over, in one call."""
        with self._lock:
            paths, structural = tuple(self._paths), self._structural
            self._paths, self._structural, self._scheduled = {}, False, False
        self._notify(paths, structural)


def _readers(observer: BaseObserver) -> list[tuple[threading.Thread, Any]]:
    """(thread, reader) of each inotify reader of ``observer``, taken before it stops."""
    found: list[tuple[threading.Thread, Any]] = []
    shared = getattr(observer, "_inotify_fd", None)  # watchdog 7: one per observer
    if isinstance(shared, threading.Thread):
        found.append((shared, shared))
    for emitter in list(getattr(observer, "emitters", ())):  # watchdog 5-6: one per emitter
        buffer = getattr(emitter, "_inotify", None)
        reader = getattr(buffer, "_inotify", None)
        if isinstance(buffer, threading.Thread) and reader is not None:
            found.append((buffer, reader))
    return [(t, r) for t, r in found if callable(getattr(r, "_close_resources", None))]


def _left_open(thread: threading.Thread, reader: Any) -> bool:
    """Whether ``reader``'s thread ended after a close without closing its descriptors."""
    if thread.is_alive():
        return False
    lock = getattr(reader, "_lock", None)
    with lock if lock is not None else contextlib.nullcontext():
        return getattr(reader, "_closed", False) is True and (
            getattr(reader, "_is_reading", False) is True
        )


def stop_observer(observer: BaseObserver) -> None:
    """Stop ``observer``, join its threads and close what its readers left open."""
    readers = _readers(observer)
    with contextlib.suppress(RuntimeError, OSError):
        observer.stop()
        observer.join(timeout=_JOIN_SECS)
    for thread, reader in readers:
        thread.join(timeout=_JOIN_SECS)
        if _left_open(thread, reader):
            with contextlib.suppress(OSError):
                reader._close_resources()
            reader._is_reading = False  # closed now: never close the numbers twice
