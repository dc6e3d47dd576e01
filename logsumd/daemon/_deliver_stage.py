"""The deliver stage: one task per notifier sends what the outbox holds for it.

A failed send is retried with exponential backoff (1 s doubling up to
``MAX_BACKOFF_SECS``); the notification stays in the durable outbox until the
notifier accepts it, so an outage loses nothing.  Each attempt after a failure
is a ``NotifierRetry`` event (``logsumd_notifier_retries_total``).
"""

from __future__ import annotations

import asyncio

from logsumd import telemetry
from logsumd.daemon.wakeups import wait_any
from logsumd.notify import Notifier, NotifierError
from logsumd.store import Outbox

MAX_BACKOFF_SECS = 30.0
DELIVERY_BATCH = 50


class DeliverStage:
    """One per notifier: deliver its pending notifications, back off on failure."""

    def __init__(self, notifier: Notifier, outbox: Outbox) -> None:
        self.notifier = notifier
        self._outbox = outbox
        self.wake = asyncio.Event()
        self._backoff = 1.0
        self._failing = False

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set and nothing is pending (or forever on failure)."""
        while True:
            self.wake.clear()
            pending = await asyncio.to_thread(
                self._outbox.pending_for, self.notifier.name, DELIVERY_BATCH
            )
            if not pending:
                if stop.is_set():
                    return
                await wait_any((self.wake, stop), None)
                continue
            for n in pending:
                if self._failing:
                    telemetry.emit("NotifierRetry", notifier=self.notifier.name, id=n.id)
                try:
                    await self.notifier.send(n)
                except NotifierError as exc:
                    telemetry.emit(
                        "NotifierFailed",
                        notifier=self.notifier.name,
                        error=str(exc),
                        retry_in_secs=self._backoff,
                    )
                    self._failing = True
                    await wait_any((self.wake,), self._backoff)
                    self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECS)
                    break
                self._backoff = 1.0
                self._failing = False
                await asyncio.to_thread(self._outbox.accepted, self.notifier.name, n.id)
                telemetry.emit("EventNotified", notifier=self.notifier.name, id=n.id, kind=n.kind)
