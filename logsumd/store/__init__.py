"""Storing: what must survive a crash, written durably in the state directory.

The outbox holds each event (fsynced before its file offset is checkpointed)
until every notifier has it; the summary cache and Slack thread ids are small
persisted maps.  :mod:`logsumd.store._codec` turns events into outbox records
and back.
"""

from __future__ import annotations

from logsumd.store._codec import event_id, event_to_record, record_to_event, repeat_record
from logsumd.store._outbox import Outbox
from logsumd.store._state_store import THREADS_FILE, SummaryCache, ThreadStore

__all__ = [
    "THREADS_FILE",
    "Outbox",
    "SummaryCache",
    "ThreadStore",
    "event_id",
    "event_to_record",
    "record_to_event",
    "repeat_record",
]
