"""Starting and stopping the tailer and its watcher leaves no descriptor open.

A daemon that restarts its tailer, and a test suite that starts hundreds, must
get back every descriptor: watchdog's inotify reader (the inotify descriptor
and a kill pipe) is left open when its observer is stopped right after the
first watch was scheduled (see :mod:`logsumd.tail._inotify`).  The counts are
of this process's ``/proc/self/fd``; the slack allows for a descriptor that
another thread of the test process opens meanwhile, far below a leak over the
cycles.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from logsumd.tail.watch import Watcher
from tests.descriptors import descriptors
from tests.test_tail import Harness, append, make_source, run

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc/self/fd (Linux)"
)

SLACK = 2


def test_watcher_start_and_stop_leave_no_descriptor(tmp_path: Path) -> None:
    """200 watchers started, given a watch and stopped at once leave no descriptor open."""

    async def body() -> None:
        loop = asyncio.get_running_loop()
        before = descriptors()
        polling = 0
        for _ in range(200):
            watcher = Watcher(loop, lambda _: True, lambda *_: None)
            watcher.start()
            watcher.ensure([(str(tmp_path), False)])
            polling += watcher.polling
            watcher.stop()
        after = descriptors()
        assert polling == 0, "inotify fell back to polling: nothing was watched"
        assert after[1] <= before[1], (before, after)
        assert after[0] <= before[0] + SLACK, (before, after)

    run(body())


def test_tailer_start_and_stop_leave_no_descriptor(tmp_path: Path) -> None:
    """A tailer started and stopped 300 times leaves the process's descriptor count where
    it was: stopped at every point of its first scan, or after delivering new lines."""
    path = tmp_path / "logs" / "a.log"
    path.parent.mkdir()
    path.write_bytes(b"first\n")

    async def body() -> None:
        h = Harness([make_source(path.parent)], tmp_path / "cp.json", checkpoint_interval_ms=50)
        before = descriptors()
        for i in range(300):
            await h.start()
            if i % 5 == 4:
                append(path, f"line {i}\n".encode())
                assert await h.wait(lambda i=i: f"line {i}".encode() in h.lines(), 10.0)
            else:  # the stop lands at a different point of the start each time
                for _ in range(i % 30):
                    await asyncio.sleep(0)
            await h.stop()
        after = descriptors()
        assert after[1] <= before[1], (before, after)
        assert after[0] <= before[0] + SLACK, (before, after)

    run(body())
