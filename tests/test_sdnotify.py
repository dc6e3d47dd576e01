"""sd_notify against real AF_UNIX datagram sockets (path and abstract)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from logsumd.daemon import _sdnotify as sdnotify


@pytest.fixture
def path_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A datagram socket bound to a file, named by $NOTIFY_SOCKET."""
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.settimeout(2.0)
        monkeypatch.setenv("NOTIFY_SOCKET", address)
        yield sock


@pytest.fixture
def abstract_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A datagram socket in the abstract namespace, named '@...' in $NOTIFY_SOCKET."""
    name = f"logsumd-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(2.0)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        yield sock


def test_notify_without_socket_returns_false(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside systemd (no $NOTIFY_SOCKET) notify is a no-op returning False."""
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sdnotify.notify("READY=1") is False
    assert sdnotify.ready() is False


def test_notify_with_relative_address_returns_false(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value that is neither an absolute path nor '@name' is ignored."""
    monkeypatch.setenv("NOTIFY_SOCKET", "relative/notify.sock")
    assert sdnotify.notify("READY=1") is False


def test_notify_to_missing_socket_returns_false(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A socket path nobody listens on gives False, not an exception."""
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "absent.sock"))
    assert sdnotify.ready() is False


def test_helpers_send_their_datagrams(path_socket: socket.socket) -> None:
    """Each helper sends exactly its assignment as one datagram."""
    assert sdnotify.ready()
    assert path_socket.recv(4096) == b"READY=1"
    assert sdnotify.watchdog_ping()
    assert path_socket.recv(4096) == b"WATCHDOG=1"
    assert sdnotify.stopping()
    assert path_socket.recv(4096) == b"STOPPING=1"
    assert sdnotify.notify("READY=1\nSTATUS=up")
    assert path_socket.recv(4096) == b"READY=1\nSTATUS=up"


def test_status_is_one_line(path_socket: socket.socket) -> None:
    """status() folds newlines so the text stays one assignment."""
    assert sdnotify.status("tailing 3 files\n2 events queued")
    assert path_socket.recv(4096) == b"STATUS=tailing 3 files 2 events queued"


def test_abstract_socket(abstract_socket: socket.socket) -> None:
    """An '@name' address reaches a socket in the abstract namespace."""
    assert sdnotify.ready()
    assert abstract_socket.recv(4096) == b"READY=1"


def test_watchdog_interval_is_half(monkeypatch: pytest.MonkeyPatch) -> None:
    """WatchdogSec=30 (30,000,000 us) means a ping every 15 s."""
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert sdnotify.watchdog_interval_secs() == 15.0
    monkeypatch.delenv("WATCHDOG_PID")
    assert sdnotify.watchdog_interval_secs() == 15.0


@pytest.mark.parametrize("usec", [None, "", "0", "-5", "abc"])
def test_watchdog_disabled(monkeypatch: pytest.MonkeyPatch, usec: str | None) -> None:
    """No, zero, negative or invalid WATCHDOG_USEC: no watchdog."""
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    if usec is None:
        monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    else:
        monkeypatch.setenv("WATCHDOG_USEC", usec)
    assert sdnotify.watchdog_interval_secs() is None


@pytest.mark.parametrize("pid", ["1", "not-a-pid"])
def test_watchdog_for_another_process(monkeypatch: pytest.MonkeyPatch, pid: str) -> None:
    """A WATCHDOG_PID that is not ours means the watchdog is not for us."""
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.setenv("WATCHDOG_PID", pid)
    assert sdnotify.watchdog_interval_secs() is None
