"""Storing: what must survive a crash, written durably in the state directory.

The outbox holds each :class:`~logsumd.records.StoredEvent` (fsynced before its
file offset is checkpointed) until every notifier has it, in a journal whose
records carry their format version (:mod:`logsumd.store._codec`); the summary
cache and Slack thread ids are small persisted maps.  :func:`apply_umask` makes
all of it private (0600/0700) by default.
"""

from __future__ import annotations

from logsumd.store._codec import event_id
from logsumd.store._modes import apply_umask
from logsumd.store._outbox import Outbox
from logsumd.store._state_store import THREADS_FILE, SummaryCache, ThreadStore

__all__ = [
    "THREADS_FILE",
    "Outbox",
    "SummaryCache",
    "ThreadStore",
    "apply_umask",
    "event_id",
]
