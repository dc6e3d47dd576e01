"""Finding the files of a source, and the watchdog bridge that says when to look.

* :class:`SourceFiles` turns a source's ``include``/``exclude`` globs into the
  list of matching paths (``**`` matches any number of directories) and the
  directories to watch.  A path that is, or goes through, a symbolic link is
  refused unless the source has ``follow_symlinks``, and then only when its
  target is inside the source's directory (the fixed part of the glob); a
  FIFO, device, socket or directory is refused too.  The glob is expanded by
  :func:`~logsumd.tail._walk.expand`, which never walks a link loop.  Each refusal is a
  ``Found`` with an error, which the tailer reports as ``FileUnreadable``.
* :class:`Watcher` runs a watchdog (inotify) observer in its threads and hands
  each relevant change to the event loop with ``loop.call_soon_threadsafe``;
  the tailer does the reading on the loop side.  When inotify is missing or its
  limits are hit (instances, watches, memory), the watcher emits
  ``PollingFallback`` and turns itself off: the tailer's periodic rescan
  (``poll_interval_ms``) then finds every change on its own.  The same rescan
  runs in inotify mode as a safety net (missed events, queue overflows,
  directories created later).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
)
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.utils import UnsupportedLibcError

from logsumd.config import SourceSettings
from logsumd.tail._inotify import LoopHandler, stop_observer
from logsumd.tail._walk import expand
from logsumd.telemetry import emit

try:  # inotify exists on Linux only
    from watchdog.observers.inotify import InotifyObserver

    _INOTIFY: Callable[[], BaseObserver] | None = InotifyObserver
except (ImportError, UnsupportedLibcError):
    _INOTIFY = None

_MAGIC = re.compile(r"[*?\[]")
_LIMIT_ERRNOS = {errno.ENOSPC, errno.EMFILE, errno.ENFILE, errno.ENOMEM}
_EVENT_FILTER = [
    FileModifiedEvent,
    FileCreatedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a path glob: ``**`` any directories, ``*``/``?`` within one name, ``[...]``."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern.startswith("[!", i) else i + 1)
            if j < 0:
                out.append(re.escape(c))
                i += 1
                continue
            body = pattern[i + 1 : j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def watch_root(pattern: str) -> tuple[str, bool]:
    """The directory to watch for ``pattern`` and whether to watch it recursively."""
    parts = pattern.split("/")
    fixed: list[str] = []
    for part in parts[:-1]:
        if _MAGIC.search(part):
            return ("/".join(fixed) or "/", True)
        fixed.append(part)
    return ("/".join(fixed) or "/", "**" in parts[-1])


@dataclass(frozen=True, slots=True)
class Found:
    """One matching path and its ``stat`` result, or why it is not read."""

    path: str
    stat: os.stat_result | None
    error: str | None
    target: str = ""
    """The path to open: the resolved target of an allowed link ("" for ``path``)."""


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words (``a FIFO``)."""
    return next((name for test, name in _SPECIAL if test(mode)), "not a regular file")


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


class _Root:
    """The fixed directory of one include pattern, resolved, with its checked subdirectories."""

    def __init__(self, pattern: str) -> None:
        self.path = watch_root(pattern)[0]
        self.real = os.path.realpath(self.path)
        self._plain: dict[str, bool] = {}

    def plain(self, directory: str) -> bool:
        """Whether ``directory`` (under the root) is reached without a symbolic link."""
        ok = self._plain.get(directory)
        if ok is None:
            spelled = os.path.normpath(
                os.path.join(self.real, os.path.relpath(directory, self.path))
            )
            ok = self._plain[directory] = os.path.realpath(directory) == spelled
        return ok

    def resolve(self, path: str, follow: bool) -> tuple[str, str | None]:
        """(path to open, refusal) for a path that is or goes through a symbolic link."""
        if not follow:
            return path, "symbolic link, not followed (follow_symlinks is off)"
        real = os.path.realpath(path)
        if not _inside(real, self.real):
            return path, f"symbolic link to outside the source directory {self.path}"
        return real, None


class SourceFiles:
    """The include/exclude globs of one source.

    Patterns are made absolute.  An exclude pattern with a ``/`` is matched
    against the whole path, one without against the file name.
    """

    def __init__(self, source: SourceSettings) -> None:
        self.source = source
        self.include = tuple(os.path.abspath(p) for p in source.include)
        self._include_re = tuple(glob_to_regex(p) for p in self.include)
        self._exclude_path = tuple(
            glob_to_regex(os.path.abspath(p)) for p in source.exclude if "/" in p
        )
        self._exclude_name = tuple(glob_to_regex(p) for p in source.exclude if "/" not in p)

    def matches(self, path: str) -> bool:
        """Whether ``path`` is included and not excluded."""
        return any(r.match(path) for r in self._include_re) and not self.excluded(path)

    def excluded(self, path: str) -> bool:
        """Whether an exclude pattern matches ``path``."""
        name = os.path.basename(path)
        return any(r.match(path) for r in self._exclude_path) or any(
            r.match(name) for r in self._exclude_name
        )

    def roots(self) -> list[tuple[str, bool]]:
        """The directories to watch, each with whether recursively."""
        return [watch_root(p) for p in self.include]

    def scan(self) -> list[Found]:
        """Every included, not excluded path with its stat (blocking; run in a thread)."""
        seen: set[str] = set()
        found: list[Found] = []
        excluding = bool(self._exclude_path or self._exclude_name)
        follow = self.source.follow_symlinks
        for pattern in self.include:
            root = _Root(pattern)
            rest = pattern[len(root.path) :]
            for path in expand(root.path, rest, follow, root.real):
                if path in seen or (excluding and self.excluded(path)):
                    continue
                seen.add(path)
                item = self._found(path, root, follow, pattern.endswith("**"))
                if item is not None:
                    found.append(item)
        return found

    @staticmethod
    def _found(path: str, root: _Root, follow: bool, dirs_match: bool) -> Found | None:
        """What to do with one matching path (None: skip it silently).

        A path that is, or whose directory is reached through, a symbolic link
        (the root itself may be one: it is configured) is refused unless
        ``follow``, and then unless its target is inside the root.
        """
        target = path
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode) or not root.plain(os.path.dirname(path)):
                target, refused = root.resolve(path, follow)
                if refused is not None:
                    return Found(path, None, refused)
                st = os.stat(target)
        except FileNotFoundError:
            if os.path.islink(path):
                return Found(path, None, "dangling symbolic link")
            return None
        except OSError as exc:
            return Found(path, None, exc.strerror or str(exc))
        if stat.S_ISDIR(st.st_mode) and dirs_match:
            return None
        if not stat.S_ISREG(st.st_mode):
            return Found(path, st, f"special file ({file_kind(st.st_mode)}), not read")
        return Found(path, st, None, "" if target == path else target)


def scan_sources(sources: Sequence[SourceFiles]) -> list[tuple[int, Found]]:
    """What each source's :meth:`SourceFiles.scan` finds, with the source's index.

    A path is claimed by the first source that finds it (blocking; run in a thread).
    """
    out: list[tuple[int, Found]] = []
    claimed: set[str] = set()
    for index, source in enumerate(sources):
        for found in source.scan():
            if found.path not in claimed:
                claimed.add(found.path)
                out.append((index, found))
    return out


class Watcher:
    """A watchdog observer over the source directories, or nothing (polling).

    ``notify(paths, structural)`` is called on the loop for the relevant events
    (those that came together in one call): ``structural`` is true when files may
    have appeared, moved or gone (rescan), false for a change of content (read
    the files).  ``ensure()`` (re)schedules
    the watches and is safe to call from a worker thread; once ``stop()`` has
    begun it does nothing, so no watch is scheduled on a stopped observer.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        wanted: Callable[[str], bool],
        notify: Callable[[tuple[str, ...], bool], None],
        *,
        enabled: bool = True,
    ) -> None:
        self._handler = LoopHandler(loop, wanted, notify)
        self._observer: BaseObserver | None = None
        self._watches: dict[tuple[str, bool], tuple[ObservedWatch, tuple[int, int]]] = {}
        self._lock = threading.RLock()  # ensure() in a worker thread against stop()
        self.polling = not enabled
        self._reason = "" if enabled else "inotify disabled by configuration"

    def start(self) -> None:
        """Start the observer; on failure fall back to polling."""
        if self.polling:
            emit("PollingFallback", reason=self._reason)
            return
        if _INOTIFY is None:
            self._fall_back("inotify is not available on this system")
            return
        try:
            observer = _INOTIFY()
            observer.start()
        except Exception as exc:  # ImportError without inotify, OSError at its limits
            self._fall_back(f"cannot start inotify: {exc}")
            return
        self._observer = observer

    def ensure(self, roots: Iterable[tuple[str, bool]]) -> None:
        """Watch every root that exists; re-watch one that was replaced."""
        with self._lock:
            if self._observer is not None:
                self._ensure(self._observer, roots)

    def _ensure(self, observer: BaseObserver, roots: Iterable[tuple[str, bool]]) -> None:
        for root, recursive in _minimal(roots):
            key = (root, recursive)
            try:
                st = os.stat(root)
            except OSError:
                st = None
            current = self._watches.get(key)
            if current is not None:
                watch, ident = current
                if st is not None and (st.st_dev, st.st_ino) == ident:
                    continue
                del self._watches[key]
                with contextlib.suppress(KeyError, RuntimeError, OSError):
                    observer.unschedule(watch)
            if st is None or not stat.S_ISDIR(st.st_mode):
                continue
            try:
                watch = observer.schedule(
                    self._handler, root, recursive=recursive, event_filter=list(_EVENT_FILTER)
                )
            except OSError as exc:
                if exc.errno in _LIMIT_ERRNOS:
                    self._fall_back(f"inotify limit reached watching {root}: {exc}")
                    return
                continue
            self._watches[key] = (watch, (st.st_dev, st.st_ino))

    def stop(self) -> None:
        """Stop the observer and its threads; close every descriptor it opened."""
        with self._lock:
            observer = self._observer
            self._observer = None
            self._watches.clear()
        if observer is not None:
            stop_observer(observer)

    def _fall_back(self, reason: str) -> None:
        self.stop()
        self.polling = True
        self._reason = reason
        emit("PollingFallback", reason=reason)


def _minimal(roots: Iterable[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Drop roots already covered by a recursive watch of the same or a parent directory."""
    unique = set(roots)
    recursive = {r for r, rec in unique if rec}
    out: list[tuple[str, bool]] = []
    for root, rec in sorted(unique):
        if any(_under(root, p) and (p, True) != (root, rec) for p in recursive):
            continue
        out.append((root, rec))
    return out


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


class SourceMatcher:
    """Tells which configured source a path belongs to (first match wins)."""

    def __init__(self, sources: Sequence[SourceSettings]) -> None:
        self._sources = [SourceFiles(s) for s in sources]
        self._cache: dict[str, int] = {}

    def index(self, path: str) -> int:
        """Index of the first source whose include globs match ``path`` (0 if none)."""
        found = self._cache.get(path)
        if found is not None:
            return found
        result = next((i for i, s in enumerate(self._sources) if s.matches(path)), 0)
        self._cache[path] = result
        return result
