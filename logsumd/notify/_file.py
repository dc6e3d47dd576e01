"""The JSONL file notifier: one object per notification, appended and fsynced.

The file is created with the process umask deciding its mode (0600 in the
daemon by default, see :func:`logsumd.store.apply_umask`).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading

from logsumd import telemetry
from logsumd.config import FileNotifierSettings
from logsumd.notify.notifier import NotifierError
from logsumd.records import Notification


class FileNotifier:
    """Appends each notification as one JSON line; ``reopen`` follows logrotate."""

    def __init__(self, settings: FileNotifierSettings) -> None:
        self.name = f"file:{settings.path}"
        self._path = settings.path
        self._fsync = settings.fsync
        self._lock = threading.Lock()
        self._fd: int | None = None
        os.makedirs(os.path.dirname(self._path) or ".", exist_ok=True)

    def _open(self) -> int:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        return self._fd

    def write(self, notification: Notification) -> None:
        """Append one line synchronously (one ``write`` call, then fsync)."""
        record = {"type": notification.kind, **notification.to_dict()}
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            try:
                fd = self._open()
                os.write(fd, data)
                if self._fsync:
                    os.fsync(fd)
            except OSError as exc:
                self._close_locked()
                raise NotifierError(f"cannot write {self._path}: {exc.strerror}") from exc

    async def send(self, notification: Notification) -> None:
        """Append the notification (in a thread: fsync can block)."""
        await asyncio.to_thread(self.write, notification)

    def reopen(self) -> None:
        """Close the file so the next write opens it again (after logrotate)."""
        with self._lock:
            self._close_locked()
        telemetry.emit("OutputReopened", path=self._path)

    def _close_locked(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            finally:
                self._fd = None

    async def aclose(self) -> None:
        """Close the file."""
        with self._lock:
            self._close_locked()

    def health_check(self) -> str | None:
        """None if the output directory is writable, else the problem."""
        directory = os.path.dirname(self._path) or "."
        if not os.access(directory, os.W_OK):
            return f"output directory {directory} is not writable"
        if os.path.exists(self._path) and not os.access(self._path, os.W_OK):
            return f"output file {self._path} is not writable"
        return None
