"""Every benchmark script runs from an installed checkout and prints its figures.

Small sizes: these check that the scripts work (a real daemon each), not the
figures, which the README reports from full-size runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"

CASES = {
    "throughput": (["--lines", "20000", "--rounds", "1"], "ratio daemon / ceiling detect"),
    "latency": (
        ["--events", "2", "--timeout-events", "1", "--summarizers", "rules"],
        "summaries: rules 3",
    ),
    "idle": (["--files", "20", "--secs", "2", "--settle", "1"], "of one core"),
    "storm": (
        ["--events", "2000", "--kinds", "4", "--secs", "3", "--summarizer", "rules"],
        "lost to the outbox cap: 0 of 2,000",
    ),
    "memory": (["--summarizers", "rules", "--idle", "1"], "VmRSS"),
    "summarize_grouped": (
        ["--events", "60", "--kinds", "6", "--backend", "rules"],
        "after (one call per fingerprint): 6 calls",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_bench_script_runs(name: str, tmp_path: Path) -> None:
    args, expected = CASES[name]
    proc = subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), *args, "--keep", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " cores, " in proc.stdout  # the machine line
    assert expected in proc.stdout, proc.stdout[-3000:]
