"""Stop a watchdog inotify observer without leaving its descriptors open.

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

import contextlib
import threading
from typing import Any

from watchdog.observers.api import BaseObserver

__all__ = ["stop_observer"]

_JOIN_SECS = 5.0


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
