"""The identifier a fixed-text cause is about (pure).

A catalogue entry whose cause names no slot ("the Kafka brokers cannot be reached")
is right but generic: the on-call engineer still has to find which broker, which
bucket.  :func:`anchored` adds the one identifier of that kind that the event's own
error message names (``localhost:9092``, ``s3a://bucket/key``), copied verbatim, when
the headline does not already show it.
"""

from __future__ import annotations

import re

ENDPOINT_RE = re.compile(
    r"(?<![\w.:/@\[-])(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z](?:[\w-]*\w)?(?:\.[\w-]*\w)*)"
    r":\d{2,5}(?![\w:.\]])"
)
"""``host:port`` (``localhost:9092``, ``kafka-1.internal:9093``, ``10.0.0.5:5432``); not a
record prefix's ``[etl.extract:88]`` (a logger and its line)."""
_SOURCE_FILE = re.compile(r"\.(?:c|cc|cpp|h|hpp|py|pyx|java|scala|kt|go|rs|js|ts|rb|sql)$")
"""``s3_utility.cpp:654`` is a source line, not an endpoint."""
_SERVICE_URL = re.compile(
    r"\b(?:jdbc:[a-z]+|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqps?|thrift|spark|yarn"
    r"|hdfs|kafka)://[^\s'\"<>()\[\],;]+"
)
_STORAGE_URL = re.compile(
    r"\b(?:s3[an]?|gs|abfss?|wasbs?|hdfs)://[^\s'\"<>()\[\],;]+"
    r"|\bhttps://[\w-]+\.(?:blob|dfs)\.core\.windows\.net\b[^\s'\"<>()\[\],;]*"
)
_DOCS = re.compile(
    r"(?i)/(?:docs?|help|troubleshoot\w*|errors?|getting-started|kb|faq)\b|libcurl|sqlalche\.me"
)
"""A link to documentation the message recommends is not what failed."""
_URL_CHARS = 80
"""A longer URL is shown up to its host (its path is not cut in the middle)."""

_KINDS: dict[str, tuple[re.Pattern[str], ...]] = {
    "connection": (ENDPOINT_RE, _SERVICE_URL),
    "timeout": (ENDPOINT_RE, _SERVICE_URL),
    "cloud_storage": (_STORAGE_URL,),
}
"""What a fixed cause of each category is about, most telling kind first.  The other
categories' entries name their file, key, module or table in slots already."""
_NAMED = re.compile(r"'[^'\n]+'|\"[^\"\n]+\"|`[^`\n]+`|:\d{2,5}\b|://")
"""A cause that quotes a name, or names a port or a URL, is about it already."""


def is_endpoint(value: str) -> bool:
    """``host:port``, not a source line (``s3_utility.cpp:654``), a JVM logger's
    ``Class:line`` or a word before a year (``start:2024``)."""
    host, _, port = value.rpartition(":")
    if _SOURCE_FILE.search(host) or host != host.lower():
        return False
    plain = "." not in host and "-" not in host and host != "localhost"
    return not (plain and 1900 <= int(port) <= 2099)


def _value(pattern: re.Pattern[str], m: re.Match[str]) -> str:
    value = m.group(0).rstrip(".:")
    if pattern is ENDPOINT_RE and not is_endpoint(value):
        return ""
    if pattern is not ENDPOINT_RE and _DOCS.search(value):
        return ""
    if pattern is not ENDPOINT_RE and len(value) > _URL_CHARS:
        scheme, _, rest = value.partition("://")
        value = f"{scheme}://{rest.split('/', 1)[0]}"
    return value


def names_one(text: str) -> bool:
    """Whether ``text`` already quotes a name or names a port or a URL."""
    return _NAMED.search(text) is not None


def anchor(category: str, sources: tuple[str, ...], shown: str, wider: str = "") -> str:
    """The one identifier of the category's first kind that ``sources`` (the root's
    message, the line the entry matched) name; "" when they name none or several, or
    ``shown`` (the headline) contains it already.  A storage URL may also come from
    ``wider``, the event's whole error text (a wrapper's message names the bucket); an
    endpoint there may be any other party's (a client's, a listener's)."""
    for pattern in _KINDS.get(category, ()):
        texts = (*sources, wider) if pattern is _STORAGE_URL else sources
        found = {v for text in texts for m in pattern.finditer(text) if (v := _value(pattern, m))}
        if len(found) > 1:
            return ""  # several endpoints: which one the cause is about is not known
        if found:
            value = found.pop()
            return "" if value in shown else value  # shown: the reader has it
    return ""


def anchored(
    cause: str, category: str, sources: tuple[str, ...], shown: str, wider: str = ""
) -> str:
    """``cause`` with the identifier it is about, ``(localhost:9092)``, when the
    cause names none and the error message has one the headline does not show."""
    if not cause or names_one(cause):
        return cause
    found = anchor(category, sources, shown, wider)
    return f"{cause.rstrip('.')} ({found})" if found else cause
