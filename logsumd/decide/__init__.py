"""Deciding: which events become which notifications, and when.

:class:`Throttle` groups events by fingerprint as Alertmanager does
(``group_wait``, ``group_interval``, ``repeat_interval``, a rate cap and a
digest); :func:`build_notification` turns a decision about one event into the
:class:`~logsumd.records.Notification` every notifier receives.  Pure, with the
clock passed in.
"""

from __future__ import annotations

from logsumd.decide._message import app_frame_text, build_notification, repeat_notification
from logsumd.decide._throttle import Decision, Throttle

__all__ = [
    "Decision",
    "Throttle",
    "app_frame_text",
    "build_notification",
    "repeat_notification",
]
