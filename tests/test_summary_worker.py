"""The async summary worker with a hand-written fake summarizer."""

from __future__ import annotations

import asyncio
import threading

import pytest
from structlog.testing import capture_logs

from logsumd import telemetry
from logsumd.records import Classification, Event, Summary
from logsumd.summarize._worker import QueueFull, SummaryWorker
from logsumd.understand import classify

TEXT = 'Traceback (most recent call last):\n  File "/srv/a.py", line 1, in f\nValueError: bad'


def _event(n: int = 0) -> Event:
    return Event("/var/log/a.log", "f", n, n + 2, 0, 10, TEXT, 0.0, 0.0, "python")


class FakeSummarizer:
    """Blocks each call until released; records calls, threads and cancel flags."""

    name = "fake"

    def __init__(self, *, fail: bool = False) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls: list[int] = []
        self.threads: set[str] = set()
        self.cancels: list[threading.Event | None] = []
        self.fail = fail
        self.closed = False

    def summarize(
        self, event: Event, cls: Classification, cancel: threading.Event | None = None
    ) -> Summary:
        self.threads.add(threading.current_thread().name)
        self.calls.append(event.line_start)
        self.cancels.append(cancel)
        self.started.set()
        while not self.release.wait(0.01):
            if cancel is not None and cancel.is_set():
                return Summary("cancelled", "fake")
        if self.fail:
            raise RuntimeError("model crashed")
        return Summary(f"summary {event.line_start}", "fake")

    def close(self) -> None:
        self.closed = True


def test_calls_run_in_order_on_one_worker_thread() -> None:
    """Summaries come back in order, all computed on the single model thread."""
    fake = FakeSummarizer()
    fake.release.set()
    worker = SummaryWorker(fake, queue_size=4)

    async def main() -> list[Summary]:
        return list(
            await asyncio.gather(
                *(worker.summarize(_event(i), classify(_event(i))) for i in range(3))
            )
        )

    results = asyncio.run(main())
    worker.close()
    assert [r.text for r in results] == ["summary 0", "summary 1", "summary 2"]
    assert fake.calls == [0, 1, 2]
    assert fake.threads == {"logsumd-model"}
    assert fake.closed


def test_full_queue_refuses_or_waits() -> None:
    """submit_nowait raises QueueFull when every slot is taken; summarize waits instead."""
    fake = FakeSummarizer()
    worker = SummaryWorker(fake, queue_size=1)

    async def main() -> None:
        first = worker.submit_nowait(_event(1), classify(_event(1)))
        with pytest.raises(QueueFull):
            worker.submit_nowait(_event(2), classify(_event(2)))
        waiting = asyncio.ensure_future(worker.summarize(_event(3), classify(_event(3))))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        assert worker.pending == 1
        fake.release.set()
        assert (await first).text == "summary 1"
        assert (await waiting).text == "summary 3"

    asyncio.run(main())
    worker.close()


def test_cancelled_caller_stops_generation() -> None:
    """Cancelling the awaiting task sets the job's cancel flag seen by the summarizer."""
    fake = FakeSummarizer()
    worker = SummaryWorker(fake, queue_size=2)

    async def main() -> None:
        task = asyncio.ensure_future(worker.summarize(_event(1), classify(_event(1))))
        await asyncio.to_thread(fake.started.wait, 2.0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    cancel = fake.cancels[0]
    assert cancel is not None
    assert cancel.is_set()
    fake.release.set()
    worker.close()


def test_crash_falls_back_to_rules() -> None:
    """An exception in the summarizer yields the rule-based summary and is counted."""
    fake = FakeSummarizer(fail=True)
    fake.release.set()
    worker = SummaryWorker(fake, queue_size=1)
    before = telemetry.count("SummarizerFallback")

    async def main() -> Summary:
        return await worker.summarize(_event(), classify(_event()))

    with capture_logs() as logs:
        summary = asyncio.run(main())
        worker.close()
    assert summary.summarizer == "rules"
    assert "ValueError" in summary.text
    assert telemetry.count("SummarizerFallback") == before + 1
    [written] = [e for e in logs if e["event"] == "SummaryWritten"]
    assert (written["backend"], written["summarizer"]) == ("fake", "rules")


def test_each_summary_is_logged_with_backend_and_duration() -> None:
    """SummaryWritten is emitted once per call, naming the backend and who wrote it."""
    fake = FakeSummarizer()
    fake.release.set()
    worker = SummaryWorker(fake, queue_size=2)
    before = telemetry.count("SummaryWritten")

    async def main() -> Summary:
        return await worker.summarize(_event(), classify(_event()))

    with capture_logs() as logs:
        summary = asyncio.run(main())
        worker.close()
    assert summary.summarizer == "fake"
    assert telemetry.count("SummaryWritten") == before + 1
    [entry] = [e for e in logs if e["event"] == "SummaryWritten"]
    assert entry["backend"] == "fake"
    assert entry["summarizer"] == "fake"
    assert entry["category"] == classify(_event()).category
    assert entry["secs"] >= 0.0
    assert entry["log_level"] == "info"


class BarrierSummarizer:
    """Each call waits until ``parties`` calls are running at once (or times out)."""

    name = "barrier"

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=30)
        self.threads: set[str] = set()

    def summarize(
        self, event: Event, cls: Classification, cancel: threading.Event | None = None
    ) -> Summary:
        self.threads.add(threading.current_thread().name)
        self.barrier.wait()
        return Summary(f"summary {event.line_start}", "fake")

    def close(self) -> None:
        pass


def test_several_threads_write_summaries_at_once() -> None:
    """With ``threads=2`` (a model server), two summaries are written at the same time."""
    fake = BarrierSummarizer(2)
    worker = SummaryWorker(fake, queue_size=4, threads=2)

    async def main() -> list[Summary]:
        ev0, ev1 = _event(1), _event(2)
        return await asyncio.gather(
            worker.summarize(ev0, classify(ev0)), worker.summarize(ev1, classify(ev1))
        )

    try:
        summaries = asyncio.run(main())
    finally:
        worker.close()
    assert [s.text for s in summaries] == ["summary 1", "summary 2"]
    assert fake.threads == {"logsumd-model-0", "logsumd-model-1"}
