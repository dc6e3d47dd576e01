"""Internal events: every name has a level, and an unknown name fails type checking."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from mypy import api as mypy_api

from logsumd import telemetry
from logsumd.telemetry import EVENTS, EventName

SNIPPET = """\
from logsumd import telemetry

telemetry.emit("FileRotated", path="/var/log/a.log")
telemetry.emit("FileRotatd", path="/var/log/a.log")
telemetry.count("OutboxCompacted")
telemetry.count("OutboxCompact")
"""


def test_every_event_name_has_a_level_and_every_level_a_name() -> None:
    """The ``EventName`` literal and the ``EVENTS`` levels list the same names."""
    assert set(get_args(EventName)) == set(EVENTS)
    assert len(get_args(EventName)) == len(EVENTS)


def test_an_unknown_event_name_fails_type_checking(tmp_path: Path) -> None:
    """mypy --strict rejects emit() and count() of a name that is not an event."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    out, err, status = mypy_api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "mypy_cache"),
            "--config-file",
            "",
            str(snippet),
        ]
    )
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1, err
    assert [line.split(":")[1] for line in errors] == ["4", "6"], out
    assert "'FileRotatd'" in errors[0]
    assert "'OutboxCompact'" in errors[1]


def test_emit_counts_and_logs_the_named_event() -> None:
    """``emit`` adds one to the event's count."""
    before = telemetry.count("OutboxCompacted")
    telemetry.emit("OutboxCompacted", path="/tmp/x", journal_bytes=0)
    assert telemetry.count("OutboxCompacted") == before + 1
