"""What the daemon's stages wait on: the end-of-input marker and a wait for any event."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

STOP = object()
"""Put on the chunk queue after the tailer's last chunk: drain and finish."""


async def wait_any(events: Sequence[asyncio.Event], timeout: float | None) -> None:
    """Return when any of ``events`` is set or ``timeout`` seconds have passed."""
    waiters = {asyncio.ensure_future(e.wait()) for e in events}
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
