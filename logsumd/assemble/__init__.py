"""Assembling: complete lines in, multiline error events out.

:class:`Assembler` is a pure state machine with the clock passed in, one buffer
per file (like Vector's line_agg): the built-in rule sets for Python, Java/Spark,
dbt and generic ERROR records, plus user rules, say which lines start an event
and which continue it; silence, limits and file closes flush it.
"""

from __future__ import annotations

from logsumd.assemble._assembler import Assembler

__all__ = [
    "Assembler",
]
