"""The command line: ``logsumd run | summarize | check | eval | train``.

:func:`main` parses the arguments and maps every user mistake to a one-line
message and an exit code; ``check`` probes what the config names, and
``summarize`` runs whole files once through the daemon's own stages.
"""

from __future__ import annotations

from logsumd.cli._main import main

__all__ = ["main"]
