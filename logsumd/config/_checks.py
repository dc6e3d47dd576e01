"""Checks of the config file and of path and URL values in it (no I/O beyond ``stat``).

A directory the daemon must create (``state_dir``), a file it must append to
(a file notifier's ``path``) and a Slack webhook URL are checked when the
config is loaded, so ``logsumd check`` and ``logsumd run`` reject the same
values with the same one-line message, naming the key and its line.  The
config file itself is read only when it is a regular file
(:func:`read_regular_file`): a FIFO or a device is refused, never waited on.
"""

from __future__ import annotations

import errno
import os
import stat
from urllib.parse import urlsplit

WEBHOOK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
VIRTUAL_ROOTS = ("/proc", "/sys")
"""Kernel file systems: nothing can be stored under them."""


def url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as an http(s) endpoint (scheme, host, port), or None."""
    if not url.startswith(("http://", "https://")):
        return "must be an http:// or https:// URL"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        return "is not a valid URL (its host or port cannot be read)"
    if not parts.hostname:
        return "is not a valid URL (it has no host)"
    if port == 0:
        return "is not a valid URL (port 0)"
    return None


def webhook_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as a Slack incoming webhook, or None.

    ``https://hooks.slack.com/services/...`` (or ``/workflows/``), another https
    host with a token path (a relay), or plain http to this machine (tests).
    The answer never repeats the URL: its path is the secret.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        return "is not a valid URL (its host or port cannot be read)"
    if port == 0:
        return "is not a valid URL (port 0)"
    if parts.scheme == "http" and host in LOCAL_HOSTS:
        return None
    if parts.scheme != "https" or not host:
        return "must be an https URL"
    if host in WEBHOOK_HOSTS and (
        not parts.path.startswith(("/services/", "/workflows/"))
        or len(parts.path.rstrip("/").split("/")) < 4
    ):
        return "must look like https://hooks.slack.com/services/T.../B.../..."
    if len(parts.path.strip("/")) < 8:
        return "is not a Slack webhook URL (it has no token path)"
    return None


def _virtual_root(path: str) -> str | None:
    for root in VIRTUAL_ROOTS:
        if path == root or path.startswith(root + "/"):
            return root
    return None


def _existing_ancestor(path: str) -> str:
    """The nearest of ``path`` and its parents that exists (``/`` at worst)."""
    current = path
    while not os.path.lexists(current):
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return current


def directory_problem(path: str) -> str | None:
    """Why ``path`` (absolute) cannot be a directory the daemon creates and writes, or None.

    The answer does not repeat ``path``.

    Write permission is not judged here (the daemon may run as another user);
    ``logsumd check`` probes it and ``logsumd run`` reports it at start.
    """
    root = _virtual_root(path)
    if root is not None:
        return f"is under {root}, where nothing can be stored"
    if os.path.exists(path):
        return None if os.path.isdir(path) else "is not a directory"
    ancestor = _existing_ancestor(path)
    if not os.path.isdir(ancestor):
        return f"cannot be created, {ancestor} is not a directory"
    return None


def output_file_problem(path: str) -> str | None:
    """Why ``path`` (absolute) cannot be a regular file the daemon appends to, or None."""
    if os.path.isdir(path):
        return "is a directory, not a file"
    if os.path.exists(path) and not os.path.isfile(path):
        return "is not a regular file"
    parent = directory_problem(os.path.dirname(path) or "/")
    return None if parent is None else f"its directory {parent}"


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular_file(filename: str) -> bytes:
    """The bytes of ``filename``; a FIFO or device is refused, never waited on.

    Opened without blocking, then checked with ``fstat``: a FIFO without a
    writer would otherwise block the read forever, ``/dev/zero`` never end.
    """
    fd = os.open(filename, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
            raise OSError(errno.EINVAL, f"{kind}, not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)
