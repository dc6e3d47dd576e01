# ruff: noqa: E501
"""Issue 12 retry (attack15): secrets of kinds the redactor misses, through `logsumd summarize`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.attack15._corpus_b import LINES


@pytest.mark.parametrize(("line", "secret"), LINES, ids=[f"b{i:02d}" for i in range(len(LINES))])
def test_secret_is_masked_in_summarize_json(tmp_path: Path, line: str, secret: str) -> None:
    """No secret of this ETL error line appears whole or as any 8-char fragment in summarize --json."""
    lvl, rest = line.split(" ", 1)
    log = tmp_path / "etl.log"
    log.write_text(
        f"2024-05-01 10:00:00,000 {lvl} etl.job {rest}\n2024-05-01 10:00:01,000 INFO next\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "logsumd",
            "summarize",
            "--json",
            "--all",
            "--backend",
            "rules",
            str(log),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert out.strip(), "no event"
    text = json.dumps([json.loads(x) for x in out.splitlines()])
    frags = [
        secret[i : i + 8]
        for i in range(len(secret) - 7)
        if secret[i : i + 8] in out or secret[i : i + 8] in text
    ]
    assert not frags, f"leaked {secret!r}: {frags[:3]}"
