"""bench/probe_catalogue.py: the probe's figures, from messages written here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "probe_catalogue.py"


def test_the_probe_script_scores_each_message(tmp_path: Path) -> None:
    """A known failure is assembled and diagnosed; a message in no known shape is counted
    as a miss and listed; a wrong category label lowers the category figures."""
    rows = [
        {
            "id": "q1-1", "family": 5, "diagnosis": "table_missing", "category": "schema",
            "text": 'psycopg2.errors.UndefinedTable: relation "sales.orders" does not exist',
        },
        {
            "id": "q1-2", "family": 10, "diagnosis": "new:frobnication_failed",
            "category": "other", "text": "the frobnicator gave up quietly",
        },
        {
            "id": "q2-1", "family": 5, "diagnosis": "table_missing", "category": "auth",
            "text": 'psycopg2.errors.UndefinedTable: relation "sales.items" does not exist',
        },
    ]  # fmt: skip
    probe = tmp_path / "messages.jsonl"
    probe.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--probe", str(probe), "-v"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| all | 3 | 0.667 | 0.667 | 0.667 | 0.667 |" in proc.stdout
    assert "| round q2 | 1 | 1.000 | 1.000 | 0.000 | 0.000 |" in proc.stdout
    assert "q1-2: new:frobnication_failed -> -" in proc.stdout
    only = subprocess.run(
        [sys.executable, str(SCRIPT), "--probe", str(probe), "--rounds", "q2"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "| all | 1 |" in only.stdout
