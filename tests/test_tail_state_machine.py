"""Generated sequences of file operations against a model (as Vector tests its watcher).

A Hypothesis ``RuleBasedStateMachine`` works on a real temporary directory with
the real tailer (inotify) running on an event loop in a background thread.
Rules: write complete lines, write a partial line, rename-rotate, copytruncate,
delete, delete-and-recreate (the file system may hand the inode out again) and
stop-and-restart the tailer (taking and acknowledging everything it delivered,
then writing the checkpoint), in any order.  The model: every completed line of
every file is delivered exactly once, in order per file.  Each file instance
gets a unique tag that starts each of its lines, so deliveries are grouped by
tag rather than by path or inode (both are reused).

Two things are inherent to log shipping and are kept out of the model:

* copytruncate's loss window: logrotate copies the file, then truncates it;
  lines written between the copy and the truncate exist only in the copy,
  which is not tailed, and are lost.  The copytruncate rule therefore waits
  until the tailer has delivered the file's lines, copies, truncates, and only
  then writes new lines; the test asserts that nothing else is lost;
* a file renamed away or deleted before the tailer ever opened it cannot be
  read by anyone; rotate and delete wait until the tailer holds the file (its
  descriptor then keeps the content readable to the end).

A partial last line is completed by the next write, or delivered as a line
when its file is rotated away or deleted (the flush timeout is set far beyond
the test, so no partial line is flushed early).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from logsumd.records import Chunk
from logsumd.tail._tailer import TailedFile
from tests.test_tail import Harness, make_source

T = TypeVar("T")
NAMES = ("a.log", "b.log")


class LoopThread:
    """An asyncio loop in a daemon thread; the machine's rules run on the main thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


LOOP = LoopThread()


@dataclass
class Instance:
    """One file instance: its tag, the lines it must deliver, a held partial line."""

    tag: str
    lines: list[str] = field(default_factory=list)
    partial: str | None = None
    seq: int = 0

    def next_text(self) -> str:
        self.seq += 1
        return f"{self.tag}-{self.seq:04d}"

    def close(self) -> None:
        """The file is gone: a held partial line is delivered as a line."""
        if self.partial is not None:
            self.lines.append(self.partial)
            self.partial = None


class TailerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="logsumd-sm-"))
        self.logs = self.dir / "logs"
        self.logs.mkdir()
        source = make_source(self.logs, flush_timeout_ms=3_600_000, poll_interval_ms=100)
        self.h = Harness([source], self.dir / "cp.json", rotate_wait_ms=100, assembler=True)
        LOOP.call(self.h.start())
        self.current: dict[str, Instance | None] = dict.fromkeys(NAMES)
        self.instances: dict[str, Instance] = {}
        self.rotations = 0

    # ------------------------------------------------------------ helpers

    def _instance(self, name: str) -> Instance:
        inst = self.current[name]
        if inst is None:
            inst = Instance(f"i{len(self.instances)}")
            self.instances[inst.tag] = inst
            self.current[name] = inst
        return inst

    def _write(self, name: str, n: int, *, partial: bool = False) -> None:
        inst = self._instance(name)
        data = ""
        if inst.partial is not None and (n or partial):
            data += "-end\n"
            inst.lines.append(inst.partial + "-end")
            inst.partial = None
        for _ in range(n):
            text = inst.next_text()
            inst.lines.append(text)
            data += text + "\n"
        if partial:
            inst.partial = inst.next_text() + " part"
            data += inst.partial
        with open(self.logs / name, "a") as fh:
            fh.write(data)

    def _delivered(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for item in list(self.h.items):
            if isinstance(item, Chunk):
                for line in item.lines:
                    text = line.decode()
                    out.setdefault(text.split("-", 1)[0], []).append(text)
        return out

    def _wait(self, cond: Any, what: str, timeout: float = 5.0) -> None:
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting until {what}")
            time.sleep(0.005)

    def _held(self, name: str) -> bool:
        """Whether the tailer has the file now at ``name`` open."""

        async def files() -> list[TailedFile]:
            return self.h.tailer.files()

        st_ = (self.logs / name).stat()
        return any(
            (f.dev, f.ino) == (st_.st_dev, st_.st_ino) for f in LOOP.call(files(), timeout=5)
        )

    def _wait_held(self, name: str) -> None:
        self._wait(lambda: self._held(name), f"the tailer holds {name}")

    def _wait_delivered(self, inst: Instance) -> None:
        self._wait(
            lambda: self._delivered().get(inst.tag, []) == inst.lines,
            f"{inst.tag} is delivered",
        )

    # -------------------------------------------------------------- rules

    @rule(name=st.sampled_from(NAMES), n=st.integers(1, 4))
    def write_lines(self, name: str, n: int) -> None:
        self._write(name, n)

    @rule(name=st.sampled_from(NAMES), n=st.integers(0, 2))
    def write_partial(self, name: str, n: int) -> None:
        self._write(name, n, partial=True)

    @precondition(lambda self: any(self.current.values()))
    @rule(name=st.sampled_from(NAMES))
    def rename_rotate(self, name: str) -> None:
        inst = self.current[name]
        if inst is None:
            return
        self._wait_held(name)
        self.rotations += 1
        os.rename(self.logs / name, self.logs / f"{name}.{self.rotations}")
        inst.close()
        self.current[name] = None

    @precondition(lambda self: any(self.current.values()))
    @rule(name=st.sampled_from(NAMES), n=st.integers(0, 3))
    def copytruncate(self, name: str, n: int) -> None:
        inst = self.current[name]
        if inst is None or inst.partial is not None:
            return
        self._wait_delivered(inst)
        self.rotations += 1
        shutil.copyfile(self.logs / name, self.logs / f"{name}.{self.rotations}")
        os.truncate(self.logs / name, 0)
        inst.close()
        self.current[name] = None  # the content after the truncate is a new instance
        (self.logs / name).touch()
        self._write(name, n)

    @precondition(lambda self: any(self.current.values()))
    @rule(name=st.sampled_from(NAMES), recreate=st.integers(0, 3))
    def delete(self, name: str, recreate: int) -> None:
        inst = self.current[name]
        if inst is None:
            return
        self._wait_held(name)
        (self.logs / name).unlink()
        inst.close()
        self.current[name] = None
        if recreate:
            self._write(name, recreate)

    @rule(write_while_stopped=st.sampled_from((None, *NAMES)))
    def restart(self, write_while_stopped: str | None) -> None:
        LOOP.call(self.h.stop())
        if write_while_stopped is not None:
            self._write(write_while_stopped, 2)
        LOOP.call(self.h.start())

    # --------------------------------------------------------- invariants

    @invariant()
    def deliveries_are_prefixes_of_the_model(self) -> None:
        """At any time, each file's deliveries are a prefix of its lines: no duplicate,
        no reordering, nothing invented."""
        for tag, got in self._delivered().items():
            assert tag in self.instances, f"unknown line tag {tag}"
            want = self.instances[tag].lines
            assert got == want[: len(got)], (tag, got, want)

    def teardown(self) -> None:
        try:
            for inst in self.instances.values():
                self._wait_delivered(inst)
            LOOP.call(self.h.stop())
            delivered = self._delivered()
            for tag, inst in self.instances.items():
                assert delivered.get(tag, []) == inst.lines, tag
        finally:
            if not self.h.task.done():
                self.h.stop_event.set()
                LOOP.call(asyncio.wait_for(self.h.task, 10))
            shutil.rmtree(self.dir, ignore_errors=True)


TailerMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("LOGSUMD_SM_EXAMPLES", "60")),
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestTailerStateMachine = TailerMachine.TestCase
