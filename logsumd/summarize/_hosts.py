"""The server an error names: its host (and port) and URL, for the catalogue's slots (pure).

A connection, timeout or HTTP failure is specific when it names the server the job
talked to (``connecting to warehouse-db:5432 timed out``).  These read the host from
the wordings drivers and clients print (``server at "db" (10.0.0.7), port 5432``,
urllib3's ``host='api.x.io', port=443``, a URL, a ``host:port`` token) and leave out
what is no server of the job: a documentation link (``Background on this error at:
https://sqlalche.me/...``, ``see https://...``), a source file's line
(``load.py:42``), a time of day.  Empty when the error names none: the entry then
falls back to its plainer wording.
"""

from __future__ import annotations

import re

from logsumd.summarize._anchor import ENDPOINT_RE, is_endpoint

__all__ = [
    "matched_lines",
    "server_endpoint",
    "server_host",
    "server_slots",
    "server_url",
]

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*"
_PORT = r"\d{2,5}"

_WORDED = (
    # urllib3 / requests: HTTPSConnectionPool(host='api.example.com', port=443)
    re.compile(rf"\bhost='(?P<host>{_NAME})', port=(?P<port>{_PORT})\b"),
    # psycopg2 >= 2.9 / libpq 14: connection to server at "db" (10.0.0.7), port 5432 failed
    re.compile(rf'\bserver at "(?P<host>{_NAME})"(?: \([\w.:]+\))?,? port (?P<port>{_PORT})\b'),
    # older libpq: Is the server running on host "db" (10.0.0.7) and accepting TCP/IP
    # connections on port 5432?
    re.compile(
        rf'\bon host "(?P<host>{_NAME})"(?: \([\w.:]+\))?'
        rf"(?:[\s\S]{{0,80}}?\bport (?P<port>{_PORT}))?"
    ),
    # DNS failures: the name that does not resolve
    re.compile(
        rf"\b(?:translate host name|resolve host:?|Failed to resolve) [\"']?(?P<host>{_NAME})\b"
    ),
    re.compile(rf"\bUnknown (?:MySQL server )?host '(?P<host>{_NAME})'"),
    # MySQL: Can't connect to MySQL server on 'db:3306'
    re.compile(rf"\bserver on '(?P<host>{_NAME})(?::(?P<port>{_PORT}))?'"),
)
_URL = re.compile(
    r"\b(?P<scheme>https?|wss?|thrift|grpcs?|ssl|sasl_ssl|sasl_plaintext|plaintext|tcp)://"
    r"(?P<userinfo>[^\s@/'\"<>]+@)?(?P<host>"
    + _NAME
    + r")(?::(?P<port>\d{2,5}))?(?P<path>/[^\s?#'\"<>)\]}]*)?",
    re.I,
)
"""A URL: an HTTP or gRPC endpoint, or a Kafka listener (``ssl://kafka-1:9093``); its
credentials and query string are never part of what the slots show."""
_PATH_CHARS = 120
"""A longer URL is shown up to its host and port (its path is not cut in the middle)."""
_WEB = ("http", "https", "ws", "wss")
_DOC_HOSTS = re.compile(
    r"(?i)(?:^|\.)(?:sqlalche\.me|github\.com|stackoverflow\.com|curl\.se|readthedocs\.io"
    r"|python\.org|pypa\.io|aka\.ms|apache\.org|postgresql\.org|mysql\.com|docs\.[\w.-]+"
    r"|cloud\.google\.com|learn\.microsoft\.com|docs\.aws\.amazon\.com|getdbt\.com"
    r"|pydantic\.dev|example\.com)$"
)
_DOC_LEAD = re.compile(
    r"(?i)\b(?:see|visit|refer to|Background on this error at|documentation|docs|more "
    r"(?:info(?:rmation)?|details)|for help)(?: at| see| visit| on)?:?\s*[(<]?$"
)
"""Words just before a link that make it a pointer to documentation, not the server."""


def _is_doc_link(text: str, start: int, host: str) -> bool:
    return bool(_DOC_HOSTS.search(host)) or bool(_DOC_LEAD.search(text[max(0, start - 60) : start]))


def _time_or_number(host: str) -> bool:
    """``12`` of ``12:31:44``, ``1.0`` of a stage number: no letter, no dotted quad."""
    if any(c.isalpha() for c in host):
        return False
    return re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host) is None


def _joined(host: str, port: str | None) -> str:
    return f"{host}:{port}" if port else host


def server_host(text: str) -> str:
    """The host (``host:port`` when the error gives the port) of the server ``text``
    names first, in the order of its wordings' reliability; empty when it names none."""
    for pattern in _WORDED:
        m = pattern.search(text)
        if m is not None and not _time_or_number(m["host"]):
            return _joined(m["host"], m.groupdict().get("port"))
    for m in _URL.finditer(text):
        if not _is_doc_link(text, m.start(), m["host"]) and not _time_or_number(m["host"]):
            return _joined(m["host"], m["port"])
    # a bare host:port token, as the catalogue's anchor reads one: not a logger's
    # [name:line], a Class:line or a source file's line; several different ones name no
    # server in particular (a client's, a coordinator's: red teams attack24, attack40)
    found = {
        value
        for m in ENDPOINT_RE.finditer(text)
        if is_endpoint(value := m.group(0).rstrip(".:")) and not _DOC_HOSTS.search(value)
    }
    if len(found) == 1:
        return found.pop()
    return ""


def server_url(text: str) -> str:
    """The first web URL in ``text`` that is no documentation link, as printed up to its
    query string; empty when none, or when it carries credentials (``user:pw@``): what a
    summary quotes of a URL occurs in the event verbatim, and no credential part does."""
    for m in _URL.finditer(text):
        if m["scheme"].lower() not in _WEB or _is_doc_link(text, m.start(), m["host"]):
            continue
        if m["userinfo"]:
            return ""
        url = m.group(0).rstrip(".,;:")
        if len(url) > _PATH_CHARS:
            url = url[: (m.end("port") if m["port"] else m.end("host")) - m.start()]
        return url
    return ""


def server_endpoint(text: str) -> str:
    """The host (and port) of :func:`server_url`: the web API the job called."""
    m = _URL.match(server_url(text))
    return _joined(m["host"], m["port"]) if m is not None else ""


_SERVER_LINES = 2
"""Lines after a match that may still name its server: libpq's ``\tIs the server running
on host "db" ... port 5432?``; any other line (a record, another exception, even one
whose prefix left it indented) is another party's (red team attack24)."""
_LIBPQ_MORE = re.compile(r"\s+(?:Is the server running|TCP/IP connections|connection to server)")


def matched_lines(text: str, m: re.Match[str]) -> str:
    """The lines a match spans and up to :data:`_SERVER_LINES` of libpq's lines after them."""
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    if end < 0:
        return text[start:]
    for _ in range(_SERVER_LINES):
        nl = text.find("\n", end + 1)
        line = text[end + 1 : nl if nl >= 0 else len(text)]
        if _LIBPQ_MORE.match(line) is None:
            break
        end = nl if nl >= 0 else len(text)
    return text[start:end]


def server_slots(text: str) -> dict[str, str]:
    """The ``{host}``, ``{url}`` and ``{endpoint}`` slots ``text`` fills."""
    return {"host": server_host(text), "url": server_url(text), "endpoint": server_endpoint(text)}
