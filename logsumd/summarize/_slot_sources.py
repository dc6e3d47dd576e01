"""Identifiers a catalogue entry's slots take from around the event (pure): the
Airflow connection the task used, the virtual environment that raised an import error,
a source line fit to quote as code."""

from __future__ import annotations

import re
from collections.abc import Sequence

from logsumd.parse import Trace

__all__ = ["conn_id", "line_at", "statement", "virtualenv"]


_CONN_ID = re.compile(
    r"Using connection (?:ID '(?P<a>[\w.-]{1,100})'|to: id: (?P<b>[\w.-]{1,100})\.)"
)
"""Airflow's record of the connection a task uses (2.x, and 1.10's older wording)."""
_CONN_ID_LINES = 30


def conn_id(text: str, context: Sequence[str]) -> str:
    """The Airflow connection the event's task used: the last one named before it."""
    for line in (*reversed(text.split("\n")), *reversed(context[-_CONN_ID_LINES:])):
        if "Using connection" in line and (m := _CONN_ID.search(line)):
            return m["a"] or m["b"]
    return ""


_SITE_PACKAGES = re.compile(
    r"^(?P<env>[^\n]+?)[\\/][Ll]ib[\\/](?:python[\d.]+[\\/])?(?:site|dist)-packages[\\/]"
)
_VENV = re.compile(r"(?i)(?:^|[\\/])(?:\.?\w*[-_]?v?env\w*|(?:virtualenvs|envs)[\\/][^\\/]+)$")
"""A virtual or conda environment's folder (``.venv``, ``etl_env``, ``envs/etl``), not
an image's own Python (``/usr/local``, ``/home/airflow/.local``: install into the image)."""


_IMPORT_ERRORS = ("ModuleNotFoundError", "ImportError")


def virtualenv(trace: Trace, raised: str) -> str:
    """The virtual environment that raised the import error, else ``raised`` (the root
    exception): the prefix of its installed packages' frames (``/home/etl/venv`` of
    ``/home/etl/venv/lib/python3.11/site-packages/x.py``); a wrapper's frames (Airflow's,
    the PySpark driver's) may be another environment's."""
    imports = [e for e in trace.exceptions if e.type.endswith(_IMPORT_ERRORS)]
    found = imports or [e for e in trace.exceptions if e.type == raised]
    exc = found[-1] if found else trace.root
    for frame in exc.frames if exc is not None else ():
        if m := _SITE_PACKAGES.match(frame.file):
            return m["env"] if _VENV.search(m["env"]) else ""
    return ""


_STATEMENT_CHARS = 60
"""The longest source line ``{statement}`` quotes whole (a longer one is left out)."""


def statement(line: str) -> str:
    """A source line fit to quote as code: short, one statement, no backtick of its own."""
    line = line.strip().removesuffix(",").rstrip()  # an item of a literal spread over lines
    if (
        not line
        or len(line) > _STATEMENT_CHARS
        or "`" in line
        or line.endswith(("(", "[", "{", "\\"))
    ):
        return ""  # too long, or the first line of a call the traceback cut
    return f"`{line}`"


def line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()
