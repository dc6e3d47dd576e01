"""`logsumd summarize --json` on the example logs finds exactly the labelled events."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from logsumd.config import CATEGORIES
from tests.examples_expected import EXPECTED

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "examples" / "logs"
SECRET = "S3cr3tPass"

# The first line of a record in each example's format, and its level.
AIRFLOW = r"^\[\d{4}-\d\d-\d\dT[\d:.]+\+0000\] \{[^}]+\} (?P<level>[A-Z]+) - "
RECORD = {
    "airflow_task.log": AIRFLOW,
    "airflow_spark_submit.log": AIRFLOW,
    "spark_driver.log": r"^\d{4}-\d\d-\d\dT[\d:,]+ \[[^\]]+\] (?P<level>[A-Z]+) +\S+ \[\] - ",
    "etl_script.log": r"^\d{4}-\d\d-\d\d [\d:,]+ - \S+ - (?P<level>[A-Z]+) - ",
}

Span = tuple[int, int, str, str]


def _spans(events: list[dict[str, Any]]) -> list[Span]:
    return [
        (e["line_start"], e["line_end"], e["category"], e["exception_type"])
        for e in sorted(events, key=lambda e: (e["line_start"], e["line_end"]))
    ]


def test_every_example_is_labelled() -> None:
    """Each example log has a table entry, and each entry a file."""
    assert sorted(p.name for p in LOGS.glob("*.log")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_labels_match_the_file(name: str) -> None:
    """Labels are in bounds, ordered, valid, and cover every ERROR record exactly."""
    lines = (LOGS / name).read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert 60 <= len(lines) <= 300
    record = re.compile(RECORD[name])
    error_starts = [
        n
        for n, line in enumerate(lines, 1)
        if (m := record.match(line)) and m["level"] in ("ERROR", "CRITICAL")
    ]
    events = EXPECTED[name]
    # Traces wrapped in another program's INFO records start events too ("wrapped"),
    # and the task runner's failure report right after one joins it.
    # The runner's "Failed to execute job" report joins the failure it reports ("reported").
    joined = {
        n
        for e in events
        if e.get("wrapped") or e.get("reported")
        for n in range(e["line_start"] + (1 if e.get("reported") else 0), e["line_end"] + 1)
    }
    assert [e["line_start"] for e in events if not e.get("wrapped")] == [
        n for n in error_starts if n not in joined
    ]
    previous_end = 0
    for e in events:
        start, end = int(e["line_start"]), int(e["line_end"])
        assert previous_end < start <= end <= len(lines)
        previous_end = end
        assert e["category"] in CATEGORIES
        # The event runs up to the next record (or the end of the file); a wrapped
        # trace is made of records, so this holds for the others only.
        if not e.get("wrapped") and not e.get("reported"):
            assert not any(record.match(line) for line in lines[start:end])
        assert end == len(lines) or record.match(lines[end])
        # The type is printed in the event or in the context lines just before it.
        if e["exception_type"] != "ERROR":
            assert str(e["exception_type"]) in "\n".join(lines[max(0, start - 21) : end])


def _config(tmp_path: Path, log: Path) -> Path:
    config = {
        "sources": [{"include": [str(log)]}],
        "state_dir": str(tmp_path / "state"),
        "summarizer": {"backend": "rules"},
        "notifiers": [{"type": "file", "path": str(tmp_path / "out.jsonl")}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_summarize_finds_expected_events(tmp_path: Path, name: str) -> None:
    """Spans, categories and root-cause types from the CLI equal the labels."""
    log = LOGS / name
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "logsumd",
            "summarize",
            "--json",
            "--all",
            "-c",
            str(_config(tmp_path, log)),
            str(log),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    for rec in records:
        assert Path(rec["file"]).name == name
        for key in ("message", "fingerprint", "summary", "summarizer"):
            assert key in rec, key
    assert _spans(records) == _spans(EXPECTED[name])
    # Secrets never leave the process, whatever the event says.
    assert SECRET not in result.stdout
    out = tmp_path / "out.jsonl"
    if out.exists():
        assert SECRET not in out.read_text(encoding="utf-8")


def test_the_secret_is_inside_an_event() -> None:
    """The fake DSN password sits in a labelled event, so redaction is exercised."""
    lines = (LOGS / "etl_script.log").read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, 1) if SECRET in line]
    assert hits
    spans = [(int(e["line_start"]), int(e["line_end"])) for e in EXPECTED["etl_script.log"]]
    assert all(any(a <= n <= b for a, b in spans) for n in hits)
