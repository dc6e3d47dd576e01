"""This process's file descriptors: count them, make room for a test that needs many.

The suite must pass under a modest descriptor limit (``ulimit -n 256``).  A
test whose subject legitimately holds many descriptors at once (the tailer
keeps every followed file open) raises its own soft limit with
:func:`descriptor_room`, up to the hard limit, and skips with the reason when
the hard limit is too low.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def descriptors() -> tuple[int, int]:
    """(descriptors open, of which inotify instances) in this process (Linux)."""
    total = inotify = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # the descriptor of the listing itself, closed by now
            continue
        total += 1
        inotify += target == "anon_inode:inotify"
    return total, inotify


@contextmanager
def descriptor_room(free: int) -> Iterator[None]:
    """Run the block with at least ``free`` descriptors free above those open now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = len(os.listdir("/proc/self/fd")) + free
    if soft == resource.RLIM_INFINITY or soft >= need:
        yield
        return
    if hard != resource.RLIM_INFINITY and hard < need:
        pytest.skip(f"needs {need} open descriptors; the hard limit (ulimit -Hn) is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
