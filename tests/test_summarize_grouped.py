"""``logsumd summarize`` groups events by fingerprint: one model call per distinct error."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

from logsumd.config import SourceSettings
from logsumd.records import Classification, Event, Summary
from logsumd.understand import Redactor
from tests.test_cli import ROOT

FAILURES = (
    "KafkaTimeoutError: Failed to update metadata after {n}.0 secs.",
    "KeyError: 'customer_id'",
    "FileNotFoundError: [Errno 2] No such file or directory: '/data/outbox/batch-{n}.json'",
    "ValueError: invalid literal for int() with base 10: 'N/A{n}'",
    "PermissionError: [Errno 13] Permission denied: '/var/spool/producer/{n}.tmp'",
    "TimeoutError: timed out after {n} ms waiting for db-{n}.internal:5432",
    "ConnectionRefusedError: [Errno 111] Connection refused",
    "MemoryError",
    "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position {n}: invalid start byte",
    "ZeroDivisionError: division by zero",
)


def repeated_failures(events: int = 500, kinds: int = 10) -> str:
    """``events`` tracebacks of ``kinds`` failures, their volatile numbers varying."""
    lines: list[str] = []
    for k in range(events):
        t = f"2026-11-03 10:{k // 60 % 60:02d}:{k % 60:02d},{k % 1000:03d}"
        lines += [
            f"{t} INFO producer - sent batch {k * 7919 % 100000}",
            f"{t} ERROR producer - step {k % kinds} failed",
            "Traceback (most recent call last):",
            f'  File "/opt/producer/app/step{k % kinds}.py", line 12, in run',
            "    step()",
            FAILURES[k % kinds].format(n=k * 31 % 997 + 3),
        ]
    return "\n".join(lines) + "\n"


class CountingSummarizer:
    """A fake summarizer that records each event it is asked about."""

    name = "fake"

    def __init__(self) -> None:
        self.asked: list[int] = []

    def summarize(self, event: Event, cls: Classification) -> Summary:
        self.asked.append(event.line_start)
        return Summary(f"{cls.exception_type} at line {event.line_start}", "fake")

    def close(self) -> None:
        pass


def test_the_summarizer_runs_once_per_fingerprint(tmp_path: Path) -> None:
    """500 events of 10 fingerprints: 10 summarizer calls, each on its error's first event."""
    from logsumd.cli._summarize import Progress, group_events, summarize_groups, understood_events

    log = tmp_path / "producer.log"
    log.write_text(repeated_failures())
    items = understood_events(str(log), SourceSettings(include=(str(log),)), Redactor())
    groups = group_events(items)
    fake = CountingSummarizer()
    summaries = summarize_groups(groups, fake, {}, Progress(io.StringIO()))
    assert len(items) == 500
    assert len(groups) == 10
    assert fake.asked == [2 + 6 * k for k in range(10)]
    assert [g.count for g in groups] == [50] * 10
    assert [(g.first[0].line_start, g.last.line_start) for g in groups[:2]] == [
        (2, 2 + 6 * 490),
        (8, 8 + 6 * 490),
    ]
    assert set(summaries) == {g.fingerprint for g in groups}


def test_a_fingerprint_seen_in_an_earlier_file_is_not_summarized_again(tmp_path: Path) -> None:
    """The summaries of one run are shared by its files."""
    from logsumd.cli._summarize import Progress, group_events, summarize_groups, understood_events

    fake = CountingSummarizer()
    cache: dict[str, Summary] = {}
    for name in ("a.log", "b.log"):
        log = tmp_path / name
        log.write_text(repeated_failures(40, 4))
        items = understood_events(str(log), SourceSettings(include=(str(log),)), Redactor())
        summarize_groups(group_events(items), fake, cache, Progress(io.StringIO()))
    assert len(fake.asked) == 4


def summarize(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "logsumd", "summarize", "--backend", "rules", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_report_shows_each_distinct_error_once_with_count_and_lines(tmp_path: Path) -> None:
    """The report has one block per fingerprint: its count, first and last line."""
    log = tmp_path / "producer.log"
    log.write_text(repeated_failures())
    result = summarize(str(log))
    assert result.returncode == 0, result.stderr
    headers = [ln for ln in result.stdout.splitlines() if ln.startswith("── ")]
    assert len(headers) == 10
    assert headers[0].endswith(f"×50, lines 2 to {2 + 6 * 490}")
    assert result.stdout.rstrip().endswith("500 error events found (10 distinct errors).")
    assert "summarizing" not in result.stderr  # no progress bar when stderr is not a terminal


def test_all_prints_every_event_with_its_errors_summary(tmp_path: Path) -> None:
    """``--all`` prints each of the 500 events, those of one fingerprint with one summary."""
    log = tmp_path / "producer.log"
    log.write_text(repeated_failures())
    result = summarize("--all", "--json", str(log))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 500
    by_fp: dict[str, set[str]] = {}
    for rec in records:
        by_fp.setdefault(rec["fingerprint"], set()).add(rec["summary"])
    assert len(by_fp) == 10
    assert all(len(texts) == 1 for texts in by_fp.values())


def test_json_has_one_record_per_distinct_error(tmp_path: Path) -> None:
    """``--json`` prints one object per fingerprint: ``count``, ``first_line``, ``last_line``."""
    log = tmp_path / "producer.log"
    log.write_text(repeated_failures())
    result = summarize("--json", str(log))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["count"] for r in records] == [50] * 10
    assert (records[1]["first_line"], records[1]["last_line"]) == (8, 8 + 6 * 490)
    assert records[1]["line_start"] == 8


def test_progress_bar_is_drawn_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    """On a terminal, stderr shows ``summarizing N/M [###...]``, then the line is cleared."""
    log = tmp_path / "producer.log"
    log.write_text(repeated_failures(50, 5))
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "logsumd", "summarize", "--backend", "rules", str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    drawn = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    text = drawn.decode()
    assert re.search(r"summarizing 5/5 \[#+\]", text), text
    assert "\x1b[2K" in text
    assert "summarizing" not in stdout
