"""Spark's query plan in an exception's message (pure)."""

from __future__ import annotations

import re

__all__ = ["is_plan_line"]

_PLAN_RE = re.compile(r"\s*(?:[:|!]\s+)*[+:]- [\w'*]|'[A-Z]\w+(?:\s|\[|$)|[A-Z]\w+ \[[^\]]*?\w#\d+")
"""A line of the query plan Spark prints after an ``AnalysisException``'s message: a node
under its parent (``+- Project [value#64]``, ``:- Filter ...``), an unresolved node
(``'RepartitionByExpression ['cs_sold_date_sk], 200``) or a node that names attributes
(``Aggregate [callsign#61], ...``): the message goes on."""


def is_plan_line(msg: str) -> bool:
    """``msg`` reads as a line of Spark's query plan (:data:`_PLAN_RE`)."""
    return _PLAN_RE.match(msg) is not None
