"""Fingerprints: the same failure on another day, run, host or batch shares one.

A fingerprint hashes the category, the root exception type, the application
frames (module and function, never line numbers) and the root message with its volatile parts
masked (numbers, ids, dates, hosts, quoted values, temp-file names, ``key=value``
path segments).  Pure; Drain3-style masking.
"""

from __future__ import annotations

import hashlib
import re

from logsumd.parse import strip_ansi
from logsumd.records import Classification

FINGERPRINT_HEX_CHARS = 16

_MASKS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, flags), repl, need)
    for pattern, repl, flags, need in (
        # URLs keep their scheme and lose host, port, user
        (r"\b([a-z][a-z0-9+.-]*://)[^/\s'\"?#]+", r"\1<host>", re.IGNORECASE, "://"),
        (r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<uuid>", re.I, "-"),
        (
            r"\d{4}-\d{2}-\d{2}(?:[T _]\d{2}[:.]?\d{2}(?:[:.]?\d{2})?(?:[.,]\d+)?"
            r"(?:Z|[+-]\d{2}:?\d{2})?)?",
            "<ts>",
            0,
            "-",
        ),
        (r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{2}/\d{2}/\d{2}\b", "<date>", 0, "/"),
        (r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b", "<time>", 0, ":"),
        (r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b", "<ip>", 0, "."),
        (r"(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b|\(::1\)", "<ip>", re.I, ":"),
        (r"\b[\w-]+(?:\.[\w-]+)+:\d{2,5}\b", "<host>:<port>", 0, ":"),
        (
            r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|internal|local|cloud|dev|lan|corp)\b",
            "<host>",
            re.I,
            ".",
        ),
        # temp files and directories: /tmp/tmpa8x9k2, tmp_3f9a.csv, .tmp123
        (r"\btmp[\w-]{3,}|\.tmp\w*|\b\w*_temporary\b", "<tmp>", re.I, ""),
        # an id with a kind prefix: req_6f2b1c..., ch_3MmlLrLk... (API request and object ids)
        (r"\b[A-Za-z]{1,8}_(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{16,}\b", "<id>", 0, "_"),
        (r"\b0x[0-9a-f]+\b", "<hex>", re.I, "0"),
        (r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b", "<hex>", re.I, ""),
        # key=value (run_id=..., batch=..., read timeout=30)
        (r"\b(\w+)=(?:'[^']*'|\"[^\"]*\"|[^\s/,;&)\]'\"]+)", r"\1=<*>", 0, "="),
        (r"(?<!\w)'[^'\n]*'(?!\w)", "'<*>'", 0, "'"),
        (r'"[^"\n]*"', '"<*>"', 0, '"'),
        (r"`[^`\n]*`", "`<*>`", 0, "`"),
        (r"\d+", "<n>", 0, ""),
    )
)
"""Each mask with a character every match of it holds (empty: none worth testing): a
message without it is not searched, which spares most of the eighteen substitutions."""
_SPACES = re.compile(r"\s+")


def mask_volatile(text: str) -> str:
    """``text`` with run-to-run varying parts replaced by placeholders."""
    out = strip_ansi(text)
    for rx, repl, need in _MASKS:
        if need in out:
            out = rx.sub(repl, out)
    return _SPACES.sub(" ", out).strip()


def fingerprint(cls: Classification) -> str:
    """Hex digest of category, type, application frames (module, function) and masked message.

    The category keeps apart failures that a generic wrapper makes look alike: two
    Airflow tasks whose bash commands failed, one on a password and one on a file's
    permissions, raise the same ``AirflowException`` but are two alerts.
    """
    frames = ",".join(f"{f.module or ''}.{f.function}" for f in cls.app_frames)
    message = cls.message or (cls.header if not cls.chain else "")
    parts = (cls.category, cls.exception_type, frames, mask_volatile(message))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()
    return digest[:FINGERPRINT_HEX_CHARS]
