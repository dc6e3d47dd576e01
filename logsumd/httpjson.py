"""Blocking HTTP/1.1 requests with the standard library, bounded in time.

Used by the model server backend and the Alertmanager notifier, so neither
needs an HTTP dependency.  One request per connection; ``connect_secs`` bounds
connecting and ``total_secs`` the whole request (a server that accepts the
connection and then stalls gives :class:`RequestTimeout`).  Errors never quote
headers (they may hold an API key).
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


def request(
    method: str,
    url: str,
    body: Any = None,
    *,
    connect_secs: float,
    total_secs: float,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, bytes]:
    """``method url`` with ``body`` as JSON (if not None): (status, response body)."""
    parts = urlsplit(url)
    conn_cls = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    started = time.monotonic()
    connect = max(0.001, min(connect_secs, total_secs))
    conn = conn_cls(parts.hostname or "", parts.port, timeout=connect)
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
        if conn.sock is not None:
            conn.sock.settimeout(max(0.001, total_secs - (time.monotonic() - started)))
        conn.request(method, target, body=data, headers=sent)
        response = conn.getresponse()
        return response.status, response.read()
    except TimeoutError:
        raise RequestTimeout(f"no answer from {url} within {total_secs:.1f} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise Unreachable(f"cannot reach {url}: {type(exc).__name__}: {exc}") from None
    finally:
        conn.close()


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
