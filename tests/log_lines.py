"""Log records written for the tests, in the shapes python-logging and Airflow print them."""

from __future__ import annotations


def py(n: int, level: str, msg: str) -> str:
    """A python-logging record at second ``n`` of a minute."""
    return f"2026-03-01 04:10:{n:02d},120 - loader - {level} - {msg}"


def af(sec: int, src: str, level: str, msg: str) -> str:
    """An Airflow task log record at second ``sec``, from ``{src}``."""
    return f"[2026-03-01T04:10:{sec:02d}.500+0000] {{{src}}} {level} - {msg}"


def around(line: str) -> str:
    """``line`` between two ordinary INFO records."""
    return "\n".join([py(1, "INFO", "loader started"), line, py(5, "INFO", "loader stopped")])
