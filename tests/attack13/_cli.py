# ruff: noqa: E501
"""Run the real ``logsumd summarize`` on a file and parse its JSON records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def summarize_all(log: Path, *args: str) -> list[dict[str, Any]]:
    """``logsumd summarize --backend rules --json --all LOG``: one record per event."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "logsumd",
            "summarize",
            "--backend",
            "rules",
            "--json",
            "--all",
            *args,
            str(log),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def small_limits_config(tmp: Path, max_lines: int, max_bytes: int) -> Path:
    """A config whose source has the given multiline limits."""
    cfg = tmp / "small.yaml"
    cfg.write_text(
        f"sources:\n  - include: ['{tmp}/*.log']\n    multiline: {{max_lines: {max_lines}, max_bytes: {max_bytes}}}\n"
        f"notifiers:\n  - {{type: file, path: '{tmp}/out.jsonl'}}\n"
        f"state_dir: '{tmp}/state'\nsummarizer: {{backend: rules}}\n"
    )
    return cfg
