"""Small persisted maps in the state directory: summary cache and Slack threads.

Both are bounded LRU maps keyed by fingerprint, saved as versioned JSON with an
atomic write (temporary file, fsync, rename, fsync of the directory), so a
restart neither re-runs the model for known errors nor loses Slack threads.
A corrupt file is reported (``CheckpointCorrupt``) and replaced by an empty map.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from logsumd import telemetry
from logsumd.durable import atomic_write
from logsumd.records import Summary

VERSION = 1
SUMMARY_CACHE_FILE = "summaries.json"
"""Suggested file names in the state directory."""
THREADS_FILE = "slack_threads.json"


def atomic_write_json(path: str, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` atomically and durably."""
    atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _load_entries(path: str) -> list[list[Any]]:
    """The ``entries`` list of a state file; empty when missing or corrupt."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        telemetry.emit("CheckpointCorrupt", path=path, error=type(exc).__name__)
        return []
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("version") != VERSION:
        telemetry.emit("CheckpointCorrupt", path=path, error="unknown format")
        return []
    return [e for e in entries if isinstance(e, list) and all(isinstance(x, str) for x in e)]


class _LruFile:
    """An LRU map of string tuples persisted to one JSON file."""

    def __init__(self, path: str, capacity: int, width: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.path = path
        self.capacity = capacity
        self._lock = threading.Lock()
        self._data: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        for entry in _load_entries(path):
            if len(entry) == width + 1:
                self._data[entry[0]] = tuple(entry[1:])
        self._trim()

    def _get(self, key: str) -> tuple[str, ...] | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def _put(self, key: str, value: tuple[str, ...]) -> None:
        with self._lock:
            if self._data.get(key) == value:
                self._data.move_to_end(key)
                return
            self._data[key] = value
            self._data.move_to_end(key)
            self._trim()
            entries = [[k, *v] for k, v in self._data.items()]
        atomic_write_json(self.path, {"version": VERSION, "entries": entries})

    def _trim(self) -> None:
        while len(self._data) > self.capacity:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._data


class SummaryCache(_LruFile):
    """Fingerprint -> summary, so a known error is not summarized again.

    Entries hold the text, who wrote it, the diagnosis id, the runbook link and the
    diagnosis's category;
    entries of an older width are ignored (those errors are summarized again).
    ``stamp`` names what wrote the summaries (the version, the catalogue, the user's
    diagnoses, the summarizer's settings): an entry written under another stamp is not
    used, so a new diagnosis in the config changes the next message of a known error.
    """

    def __init__(self, path: str, capacity: int = 1000, stamp: str = "") -> None:
        super().__init__(path, capacity, 5)
        self._prefix = f"{stamp}:" if stamp else ""

    def get(self, fingerprint: str) -> Summary | None:
        """The cached summary of ``fingerprint`` (and mark it recently used)."""
        value = self._get(self._prefix + fingerprint)
        return None if value is None else Summary(*value)

    def put(self, fingerprint: str, summary: Summary) -> None:
        """Cache ``summary`` and persist the cache (oldest entry evicted when full)."""
        self._put(
            self._prefix + fingerprint,
            (
                summary.text,
                summary.summarizer,
                summary.diagnosis,
                summary.runbook,
                summary.category,
            ),
        )


class ThreadStore(_LruFile):
    """Key (channel and fingerprint) -> Slack ``thread_ts`` of its latest message."""

    def __init__(self, path: str, capacity: int = 10000) -> None:
        super().__init__(path, capacity, 1)

    def get(self, key: str) -> str | None:
        """The ``thread_ts`` remembered for ``key``."""
        value = self._get(key)
        return None if value is None else value[0]

    def set(self, key: str, thread_ts: str) -> None:
        """Remember ``thread_ts`` for ``key`` and persist."""
        self._put(key, (thread_ts,))
