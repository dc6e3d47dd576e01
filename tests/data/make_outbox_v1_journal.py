"""Writes ``outbox_v1.journal``: an outbox journal as logsumd wrote it before versions.

Run against the code of commit 7e58b44 (the last one whose journal had no format
version), from a checkout of it, with this repository's ``examples/logs``::

    git worktree add /tmp/logsumd-v1 7e58b44
    cd /tmp/logsumd-v1 && python /path/to/tests/data/make_outbox_v1_journal.py OUT_DIR

It drives that commit's own assemble and decide stages over the example logs:
the first batch is throttled into notifications (one accepted by the ``file``
notifier only), the second batch (repeats of the first as compact records, and
new kinds) stays pending.  ``tests/test_outbox_upgrade.py`` reads the result.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Any

from logsumd.assemble import Assembler
from logsumd.config import GroupingSettings, MultilineSettings, SourceSettings
from logsumd.daemon._assemble_stage import AssembleStage
from logsumd.daemon._decide_stage import DecideStage
from logsumd.daemon.wakeups import STOP
from logsumd.decide import Throttle
from logsumd.records import Chunk, Classification, Event, Summary
from logsumd.store import Outbox, SummaryCache
from logsumd.tail import AckTracker, SourceMatcher
from logsumd.understand import Redactor

LOGS = Path(__file__).resolve().parents[2] / "examples" / "logs"
NOW = 1_760_000_000.0


def chunk(path: str, names: list[str], first_line: int, offset: int) -> Chunk:
    lines = [ln for name in names for ln in (LOGS / name).read_bytes().split(b"\n")[:-1]]
    offsets = []
    for line in lines:
        offsets.append(offset)
        offset += len(line) + 1
    return Chunk(path, "64768:1234", lines, offsets, first_line, offset, NOW)


async def summarize(event: Event, cls: Classification) -> Summary:
    return Summary(f"{cls.exception_type} in {event.path} at line {event.line_start}.", "rules")


async def main(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    outbox = Outbox(str(out / "outbox"), ["slack", "file"], 1 << 24)
    decide = DecideStage(
        Throttle(GroupingSettings(group_wait_secs=0.0)),
        outbox,
        summarize,
        SummaryCache(str(out / "summaries.json")),
        "etl-1",
        lambda: None,
        clock=lambda: NOW,
    )
    source = SourceSettings(include=("/logs/*.log",), multiline=MultilineSettings())
    assemble = AssembleStage(
        [Assembler(source.multiline)],
        SourceMatcher([source]),
        AckTracker(),
        outbox,
        Redactor(),
        decide.add,
        clock=lambda: NOW,
        known=decide.holds,
    )
    first = chunk("/logs/a.log", ["airflow_task.log", "spark_driver.log"], 1, 0)
    second = chunk(
        "/logs/a.log",
        ["airflow_task.log", "etl_script.log", "airflow_spark_submit.log"],
        first.first_line + len(first.lines),
        first.end_offset,
    )
    queue: asyncio.Queue[Any] = asyncio.Queue()
    queue.put_nowait(first)
    queue.put_nowait(STOP)
    await assemble.run(queue)
    await decide.step()
    notes = outbox.pending_for("file")
    outbox.accepted("file", notes[0].id)
    queue.put_nowait(second)
    queue.put_nowait(STOP)
    await assemble.run(queue)
    outbox.close()
    shutil.move(out / "outbox" / "outbox.journal", out / "outbox_v1.journal")
    shutil.rmtree(out / "outbox")
    (out / "summaries.json").unlink(missing_ok=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
