# ruff: noqa: E501
"""Two ERROR records logged in the same millisecond are two events; the second is not swallowed."""

from __future__ import annotations

from pathlib import Path

from tests.attack13._cli import summarize_all


def test_two_loggers_same_millisecond_are_two_events(tmp_path: Path) -> None:
    """Two ERROR records of different loggers with the same timestamp give two events."""
    log = tmp_path / "a.log"
    log.write_text(
        "2024-06-03 02:14:01,123 ERROR orders - load of orders failed: connection refused\n"
        "2024-06-03 02:14:01,123 ERROR customers - permission denied: /data/customers.csv\n"
        "2024-06-03 02:14:05,000 INFO etl - done\n"
    )
    recs = summarize_all(log)
    assert len(recs) == 2, recs
    assert "customers" in recs[1]["message"]


def test_same_logger_same_millisecond_different_errors_are_two_events(tmp_path: Path) -> None:
    """A second, different error of the same logger in the same millisecond is its own event."""
    log = tmp_path / "a.log"
    log.write_text(
        "2024-06-03 02:14:01,000 ERROR etl - load failed 0\n"
        "some output\n"
        "2024-06-03 02:14:01,000 ERROR etl - disk full on /data\n"
    )
    recs = summarize_all(log)
    assert any("disk full" in r["message"] for r in recs), recs


def _tb(func: str, exc: str) -> str:
    return (
        f"2024-06-03 02:14:20,140 ERROR etl - {func} failed\n"
        "Traceback (most recent call last):\n"
        f'  File "/opt/etl/{func}.py", line 12, in {func}\n'
        "    step()\n"
        f"{exc}\n"
    )


def test_two_tracebacks_in_the_same_millisecond_are_two_events(tmp_path: Path) -> None:
    """Two different ``logger.exception`` tracebacks stamped with the same millisecond are two events."""
    log = tmp_path / "a.log"
    log.write_text(_tb("load", "KeyError: 'orders_id'") + _tb("enrich", "ValueError: bad"))
    recs = summarize_all(log)
    assert [r["exception_type"] for r in recs] == ["KeyError", "ValueError"], recs
