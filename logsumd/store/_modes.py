"""File modes of what the daemon writes: a process umask, and older files narrowed to it.

The daemon sets its umask once at start (``umask`` in the config, ``077`` by
default), so every file it creates afterwards (checkpoints, outbox journal,
summary cache, Slack threads, the JSONL output, the assembled model) is 0600
and every directory 0700 whatever the umask it was started with; the creators
keep their own default modes, so nothing else needs to know.  Files already in
the state directory and the JSONL outputs (from an older version or another
umask) lose the bits the umask removes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable


def apply_umask(umask: str, state_dir: str, outputs: Iterable[str] = ()) -> int:
    """Set the process umask (octal text); narrow ``state_dir``'s existing entries to it.

    The existing ``outputs`` (the JSONL files the daemon appends to, wherever
    they are) are narrowed too.  Returns the previous umask.  Symbolic links
    are left alone (their modes mean nothing and their targets are not ours).
    """
    mask = int(umask, 8)
    previous = os.umask(mask)
    for path in outputs:
        _narrow(path, mask)
    if os.path.isdir(state_dir):
        _narrow(state_dir, mask)
        for dirpath, dirs, files in os.walk(state_dir):
            for name in (*dirs, *files):
                _narrow(os.path.join(dirpath, name), mask)
    return previous


def _narrow(path: str, mask: int) -> None:
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            return
        mode = stat.S_IMODE(st.st_mode)
        if mode & mask:
            os.chmod(path, mode & ~mask)
    except OSError:
        return  # not ours to fix (another owner, gone meanwhile)
