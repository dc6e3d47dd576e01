"""Blocking HTTP/1.1 requests with the standard library, bounded in time.

Used by the model server backend and the Alertmanager notifier, so neither
needs an HTTP dependency.  One request per connection; ``connect_secs`` bounds
connecting and ``total_secs`` the whole request (a server that accepts the
connection and then stalls, or sends its answer a byte at a time, gives
:class:`RequestTimeout`); an answer over ``max_bytes`` is not read further
(:class:`Unreachable`).  Errors never quote headers (they may hold an API key).
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


class Unreachable(Exception):
    """The server could not be reached: refused, reset, unknown host, TLS or protocol error."""


class RequestTimeout(Exception):
    """Connected, but no complete answer within the time given."""


MAX_ANSWER_BYTES = 4 << 20
"""Largest answer read (a model's completion or Alertmanager's reply is a few KiB)."""
_CHUNK = 65536


def request(
    method: str,
    url: str,
    body: Any = None,
    *,
    connect_secs: float,
    total_secs: float,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_ANSWER_BYTES,
) -> tuple[int, bytes]:
    """``method url`` with ``body`` as JSON (if not None): (status, response body)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise Unreachable(f"cannot reach {url}: its port is not a number from 1 to 65535") from None
    conn_cls = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    started = time.monotonic()
    connect = max(0.001, min(connect_secs, total_secs))
    conn = conn_cls(parts.hostname or "", port, timeout=connect)
    sent = {"Accept": "application/json", "User-Agent": "logsumd", **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        sent["Content-Type"] = "application/json"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.connect()
        except TimeoutError:
            raise Unreachable(f"cannot connect to {url}: timed out") from None
        deadline = started + total_secs
        _arm(conn, deadline)
        conn.request(method, target, body=data, headers=sent)
        response = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while True:
            _arm(conn, deadline)
            chunk = response.read1(_CHUNK)
            if not chunk:
                return response.status, b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise Unreachable(f"the answer of {url} is larger than {max_bytes} bytes")
            chunks.append(chunk)
    except TimeoutError:
        raise RequestTimeout(f"no answer from {url} within {total_secs:.1f} s") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise Unreachable(f"cannot reach {url}: {type(exc).__name__}: {exc}") from None
    finally:
        conn.close()


def _arm(conn: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket operation wait only until ``deadline`` (raises TimeoutError past it)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if conn.sock is not None:
        conn.sock.settimeout(left)


def json_object(data: bytes) -> dict[str, Any] | None:
    """``data`` as a JSON object, or None if it is not one."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def excerpt(data: bytes, limit: int = 200) -> str:
    """The start of a response body, on one line (for error messages)."""
    return data[:limit].decode("utf-8", "replace").replace("\n", " ").strip()
