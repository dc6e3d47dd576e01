"""AssembleStage: events are flushed by silence, measured on read times under lag."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings, SourceSettings
from logsumd.daemon._assemble_stage import AssembleStage
from logsumd.daemon.wakeups import STOP
from logsumd.records import Chunk, StoredEvent
from logsumd.store import Outbox
from logsumd.tail import AckTracker, SourceMatcher
from logsumd.understand import Redactor

TRACE = [
    b"[2026-11-26T10:00:00.000+0000] {taskinstance.py:1937} ERROR - Task failed with exception",
    b"Traceback (most recent call last):",
    b'  File "/opt/airflow/dags/etl/load.py", line 12, in run',
    b"    open(path)",
]
TAIL = [
    b"FileNotFoundError: [Errno 2] No such file or directory: '/data/in/x.csv'",
    b"[2026-11-26T10:00:01.000+0000] {taskinstance.py:1200} INFO - Marking task as FAILED.",
    # the runner's last word on the failure: the event is complete, not held for it
    b"[2026-11-26T10:00:01.000+0000] {standard_task_runner.py:110} ERROR - Failed to execute"
    b" job 7 for task load ([Errno 2] No such file or directory: '/data/in/x.csv'; 42)",
    b"[2026-11-26T10:00:01.000+0000] {local_task_job_runner.py:228} INFO - Task exited with"
    b" return code 1",
]


def _chunk(lines: list[bytes], first_line: int, offset: int, read_at: float) -> Chunk:
    offsets = []
    for line in lines:
        offsets.append(offset)
        offset += len(line) + 1
    return Chunk("/logs/a.log", "1:1", lines, offsets, first_line, offset, read_at)


def _stage(
    tmp_path: Path, now: float, known: Callable[[str], bool] | None = None
) -> tuple[AssembleStage, list[StoredEvent]]:
    source = SourceSettings(include=("/logs/*.log",), multiline=MultilineSettings())
    seen: list[StoredEvent] = []
    stage = AssembleStage(
        [Assembler(source.multiline)],
        SourceMatcher([source]),
        AckTracker(),
        Outbox(str(tmp_path / "outbox"), ["file"], 1 << 20),
        Redactor(()),
        seen.extend,
        clock=lambda: now,
        known=known,
    )
    return stage, seen


def test_a_lagging_stage_does_not_split_a_traceback(tmp_path: Path) -> None:
    """Both chunks were read 0.1 s apart but are consumed 60 s later: one event."""
    stage, seen = _stage(tmp_path, now=1060.0)
    first = _chunk(TRACE, 1, 0, read_at=1000.0)
    second = _chunk(TAIL, 5, first.end_offset, read_at=1000.1)

    async def body() -> None:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        for item in (first, second, STOP):
            queue.put_nowait(item)
        await asyncio.wait_for(stage.run(queue), 10)

    asyncio.run(body())
    # the trace, Airflow's "Marking task as FAILED" and the runner's report: one event
    assert [(r.event.line_start, r.event.line_end) for r in seen] == [(1, 7)]
    assert seen[0].classification.exception_type == "FileNotFoundError"


def test_silence_on_the_clock_completes_an_event_when_caught_up(tmp_path: Path) -> None:
    """With nothing queued, the wall clock decides: the event is flushed alone."""
    stage, seen = _stage(tmp_path, now=1060.0)
    lines = [*TRACE, TAIL[0]]

    async def body() -> None:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        queue.put_nowait(_chunk(lines, 1, 0, read_at=1000.0))
        task = asyncio.create_task(stage.run(queue))
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        queue.put_nowait(STOP)
        await asyncio.wait_for(task, 10)

    asyncio.run(body())
    assert [(r.event.line_start, r.event.line_end) for r in seen] == [(1, 5)]


def test_repeats_of_a_held_fingerprint_are_stored_compact(tmp_path: Path) -> None:
    held: set[str] = set()
    stage, seen = _stage(tmp_path, now=1000.0, known=held.__contains__)
    block = [*TRACE, *TAIL]
    first = _chunk(block * 2, 1, 0, read_at=1000.0)
    second = _chunk(block, 2 * len(block) + 1, first.end_offset, read_at=1000.1)

    async def body() -> None:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        queue.put_nowait(first)
        task = asyncio.create_task(stage.run(queue))
        while len(seen) < 2:
            await asyncio.sleep(0.01)
        held.add(seen[0].fingerprint)
        queue.put_nowait(second)
        queue.put_nowait(STOP)
        await asyncio.wait_for(task, 10)

    asyncio.run(body())
    assert [r.repeat for r in seen] == [False, True, True]
    assert len({r.fingerprint for r in seen}) == 1
    assert seen[0].event.text
    assert not seen[2].event.text
