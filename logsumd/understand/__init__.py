"""Understanding an event: secrets masked, then its category, root cause, frames and fingerprint.

Everything here is pure.  :func:`understand` is the one entry point the daemon,
``logsumd summarize`` and ``logsumd eval`` share: redact, classify, fingerprint.
"""

from __future__ import annotations

from logsumd.understand._cause_lines import same_failure_context
from logsumd.understand._classify import classify, with_cause_lines
from logsumd.understand._fingerprint import fingerprint
from logsumd.understand._redact import Redactor
from logsumd.understand._understand import redact_event, understand
from logsumd.understand.categories import STRONG_RULES

__all__ = [
    "STRONG_RULES",
    "Redactor",
    "classify",
    "fingerprint",
    "redact_event",
    "same_failure_context",
    "understand",
    "with_cause_lines",
]
