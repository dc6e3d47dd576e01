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
from logsumd.notify.notifier import NotifierError, Probe
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

    async def health_check(self) -> Probe:
        """Whether the output file can be appended to (nothing is written); never raises."""
        return await asyncio.to_thread(output_file_probe, self._path)


def output_file_probe(path: str) -> Probe:
    """Whether ``path`` is (or can be created as) a writable regular file."""
    directory = os.path.dirname(path) or "."
    try:
        if os.path.isdir(path):
            return Probe(False, f"{path} is a directory, not a file")
        if os.path.exists(path):
            if not os.path.isfile(path):
                return Probe(False, f"{path} is not a regular file")
            if not os.access(path, os.W_OK):
                return Probe(False, f"{path} is not writable")
            return Probe(True, f"{path} is writable")
        if not os.path.isdir(directory):
            return Probe(False, f"output directory {directory} is missing")
        if not os.access(directory, os.W_OK | os.X_OK):
            return Probe(False, f"output directory {directory} is not writable")
    except OSError as exc:  # pragma: no cover - os.path and os.access do not raise
        return Probe(False, f"{path}: {exc.strerror or exc}")
    return Probe(True, f"{path} can be created")
