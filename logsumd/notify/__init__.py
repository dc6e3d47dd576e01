"""Notifying: where notifications go (Slack, JSONL files) and the protocol they share.

Each notifier implements :class:`Notifier`; :func:`make_notifiers` makes them
from their ``type:``-tagged settings.  Slack messages are Block Kit with every
piece of log text escaped.
"""

from __future__ import annotations

from logsumd.notify._registry import make_notifiers
from logsumd.notify.notifier import Notifier, NotifierError, Probe
from logsumd.notify.slack import SlackNotifier

__all__ = [
    "Notifier",
    "NotifierError",
    "Probe",
    "SlackNotifier",
    "make_notifiers",
]
