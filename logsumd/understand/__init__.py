"""Understanding an event: secrets masked, then its category, root cause, frames and fingerprint.

Everything here is pure.  :func:`understand` is the one entry point ``logsumd
summarize`` and ``logsumd eval`` share: redact, classify, fingerprint;
:func:`understand_event` is the daemon's, which makes the
:class:`~logsumd.records.StoredEvent` the later stages read (each event is
classified once; :func:`with_cause_lines` completes a classification whose
cause lines the hot path left for later).
"""

from __future__ import annotations

from logsumd.understand._cause_lines import same_failure_context
from logsumd.understand._classify import classify, with_cause_lines
from logsumd.understand._fingerprint import fingerprint
from logsumd.understand._implied import implied_exceptions
from logsumd.understand._redact import MASK, Redactor
from logsumd.understand._secret_views import View, skeleton
from logsumd.understand._understand import Classify, redact_event, understand, understand_event
from logsumd.understand.categories import STRONG_RULES

__all__ = [
    "MASK",
    "STRONG_RULES",
    "Classify",
    "Redactor",
    "View",
    "classify",
    "fingerprint",
    "implied_exceptions",
    "redact_event",
    "same_failure_context",
    "skeleton",
    "understand",
    "understand_event",
    "with_cause_lines",
]
