"""The sd_notify datagram protocol (``Type=notify`` units), without libsystemd.

systemd passes ``$NOTIFY_SOCKET``: a filesystem path, or an abstract socket name
written with a leading ``@``.  Each notification is one datagram of
newline-separated ``KEY=VALUE`` assignments.  Outside systemd the variable is
unset and every call is a cheap no-op returning False.
"""

from __future__ import annotations

import os
import socket

__all__ = [
    "notify",
    "ready",
    "status",
    "stopping",
    "watchdog_interval_secs",
    "watchdog_ping",
]


def _address(value: str) -> str | bytes | None:
    """The socket address for ``$NOTIFY_SOCKET``, or None if it is unusable."""
    if value.startswith("@"):
        # Abstract namespace: a leading NUL byte instead of the '@'.
        return b"\0" + value[1:].encode()
    if value.startswith("/"):
        return value
    return None


def notify(state: str) -> bool:
    """Send ``state`` to the service manager; False if not under systemd or on error."""
    value = os.environ.get("NOTIFY_SOCKET", "")
    address = _address(value) if value else None
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
    except OSError:
        return False
    return True


def ready() -> bool:
    """Tell systemd that start-up is finished (``READY=1``)."""
    return notify("READY=1")


def stopping() -> bool:
    """Tell systemd that shutdown has begun (``STOPPING=1``)."""
    return notify("STOPPING=1")


def watchdog_ping() -> bool:
    """Keep the watchdog from firing (``WATCHDOG=1``)."""
    return notify("WATCHDOG=1")


def status(text: str) -> bool:
    """Set the one-line status that ``systemctl status`` shows."""
    return notify("STATUS=" + " ".join(text.splitlines()))


def watchdog_interval_secs() -> float | None:
    """Seconds between watchdog pings (half of ``WatchdogSec``), or None if disabled.

    None when ``$WATCHDOG_USEC`` is unset, invalid or zero, or when
    ``$WATCHDOG_PID`` names another process (the watchdog is not ours).
    """
    pid = os.environ.get("WATCHDOG_PID")
    if pid is not None:
        try:
            if int(pid) != os.getpid():
                return None
        except ValueError:
            return None
    try:
        usec = int(os.environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    return usec / 1_000_000 / 2
