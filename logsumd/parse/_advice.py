"""A library's advice on the line below its error (pure): the message goes on."""

from __future__ import annotations

import re

__all__ = ["is_advice"]

_ADVICE_RE = re.compile(
    r"\s*(?:Please (?:check|make sure|ensure|verify|confirm|set|install|use|specify|provide"
    r"|refer to|see|update|upgrade)\b|Did you mean\b|Perhaps you meant\b|Make sure\b)"
)
"""The advice a library prints below its error (PySpark's ``Please check environment
variables ...``, DuckDB's ``Did you mean "x"?``): the message goes on."""


def is_advice(msg: str) -> bool:
    """``msg`` is a library's advice below its error (:data:`_ADVICE_RE`)."""
    head = msg.lstrip(" \t")[:1]
    return head in ("P", "D", "M") and _ADVICE_RE.match(msg) is not None
