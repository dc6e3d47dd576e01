"""The daemon: a thin asyncio shell around the pure core.

:class:`Daemon` starts the stages (tail -> assemble -> decide -> deliver) as
tasks, supervises them, tells systemd it is ready, and stops cleanly on SIGTERM
(a second signal forces the exit).
"""

from __future__ import annotations

from logsumd.daemon._lifecycle import Daemon

__all__ = [
    "Daemon",
]
