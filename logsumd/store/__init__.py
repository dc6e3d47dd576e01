"""Storing: what must survive a crash, written durably in the state directory.

The outbox holds each event (fsynced before its file offset is checkpointed)
until every notifier has it; the summary cache and Slack thread ids are small
persisted maps.  :mod:`logsumd.store._codec` turns events into outbox records
and back.  :func:`apply_umask` makes all of it private (0600/0700) by default.
"""

from __future__ import annotations

from logsumd.store._codec import event_id, event_to_record, record_to_event, repeat_record
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
    "event_to_record",
    "record_to_event",
    "repeat_record",
]
