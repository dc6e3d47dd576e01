"""Glob expansion that never walks a symbolic-link loop.

``glob.iglob(pattern, recursive=True)`` descends into every link to a
directory under ``**``: two links to ``.`` make the walk exponential (2^40
paths before the kernel's ELOOP), and the scan never ends.  Here ``**``
descends a directory only when it is one, opened relative to its parent with
``O_NOFOLLOW`` (a directory swapped for a link meanwhile is not entered); a
link to a directory is descended only when the source follows links, its
target is inside the source's directory, and the target was not entered
before (a loop is walked once).  Otherwise the matching is glob's: ``**`` is
any number of directories, ``*``/``?``/``[...]`` match within a name, and
names starting with a dot are matched only by a pattern part that does.
Blocking (run in a thread).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field

_MAGIC = re.compile(r"[*?\[]")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


@dataclass
class _Walk:
    follow: bool
    inside: str
    """The resolved directory that followed links must stay in."""
    entered: set[tuple[int, int]] = field(default_factory=set)


def expand(root: str, rest: str, follow: bool, inside: str) -> Iterator[str]:
    """Paths under directory ``root`` matching the pattern parts ``rest`` (``a/**/*.log``)."""
    parts = [p for p in rest.split("/") if p]
    if not parts:
        return
    try:
        fd = os.open(root, _DIR_FLAGS)  # the configured root may itself be a link
    except OSError:
        return
    try:
        st = os.fstat(fd)
        walk = _Walk(follow, inside, {(st.st_dev, st.st_ino)})
        yield from _match(walk, fd, root.rstrip("/") or "/", parts)
    finally:
        os.close(fd)


def _join(directory: str, name: str) -> str:
    return directory + name if directory.endswith("/") else f"{directory}/{name}"


def _entries(fd: int) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(fd) as it:
            return list(it)
    except OSError:
        return []


def _open_child(walk: _Walk, fd: int, path: str, entry: os.DirEntry[str], recursive: bool) -> int:
    """An fd of the directory ``entry`` to descend into, or -1 when it must not be."""
    try:
        if entry.is_dir(follow_symlinks=False):
            child = os.open(entry.name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
        elif not entry.is_symlink() or not entry.is_dir():
            return -1
        else:
            real = os.path.realpath(path)
            inside = real == walk.inside or real.startswith(walk.inside.rstrip("/") + "/")
            if recursive and not (walk.follow and inside):
                return -1
            child = os.open(entry.name, _DIR_FLAGS, dir_fd=fd)
    except OSError:
        return -1
    if recursive:
        st = os.fstat(child)
        if not stat.S_ISDIR(st.st_mode) or (st.st_dev, st.st_ino) in walk.entered:
            os.close(child)
            return -1
        walk.entered.add((st.st_dev, st.st_ino))
    return child


def _descend(
    walk: _Walk, fd: int, path: str, entry: os.DirEntry[str], parts: list[str]
) -> Iterator[str]:
    child = _open_child(walk, fd, path, entry, parts[0] == "**")
    if child < 0:
        return
    try:
        yield from _match(walk, child, path, parts)
    finally:
        os.close(child)


def _match(walk: _Walk, fd: int, directory: str, parts: list[str]) -> Iterator[str]:
    part, rest = parts[0], parts[1:]
    if part == "**":
        if rest:
            yield from _match(walk, fd, directory, rest)  # no directory at all
        for entry in _entries(fd):
            if entry.name.startswith("."):
                continue
            path = _join(directory, entry.name)
            if not rest:
                yield path
            yield from _descend(walk, fd, path, entry, parts)
        return
    if not _MAGIC.search(part):
        path = _join(directory, part)
        if not rest:
            if os.path.lexists(path):
                yield path
            return
        try:
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
        except OSError:
            return
        try:
            yield from _match(walk, child, path, rest)
        finally:
            os.close(child)
        return
    hidden_ok = part.startswith(".")
    for entry in _entries(fd):
        if (entry.name.startswith(".") and not hidden_ok) or not fnmatch.fnmatchcase(
            entry.name, part
        ):
            continue
        path = _join(directory, entry.name)
        if not rest:
            yield path
        else:
            yield from _descend(walk, fd, path, entry, rest)
