"""The ``logsumd`` command line as a user runs it: exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def logsumd(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m logsumd ARGS``."""
    return subprocess.run(
        [sys.executable, "-m", "logsumd", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _config(tmp_path: Path, body: str) -> Path:
    (tmp_path / "logs").mkdir(exist_ok=True)
    path = tmp_path / "config.yaml"
    path.write_text(body)
    return path


VALID = """\
sources:
  - include: [logs/*.log]
state_dir: state
summarizer:
  backend: rules
notifiers:
  - type: file
    path: out/events.jsonl
"""

MISTAKES = {
    "unknown key": (
        VALID.replace("state_dir: state", "state_dri: state"),
        'config.yaml:3: state_dri: unknown key; did you mean "state_dir"?',
    ),
    "wrong type": (
        VALID + "queue_size: lots\n",
        "config.yaml:9: queue_size:",
    ),
    "out of range": (
        VALID + "checkpoint_interval_ms: -5\n",
        "config.yaml:9: checkpoint_interval_ms:",
    ),
    "bad enum": (
        VALID.replace(
            "  - include: [logs/*.log]", "  - include: [logs/*.log]\n    start_at: middle"
        ),
        "config.yaml:3: sources[0].start_at: must be one of",
    ),
    "bad regex": (
        VALID + "redaction:\n  patterns: ['(unclosed']\n",
        "config.yaml:10: redaction.patterns[0]:",
    ),
    "missing path": (
        VALID.replace("  backend: rules", "  backend: llama\n  model_path: no/such/model.gguf"),
        "config.yaml:6: summarizer.model_path: no such file",
    ),
    "bad mode": (
        VALID.replace(
            "  - include: [logs/*.log]",
            "  - include: [logs/*.log]\n    multiline:\n      custom:\n"
            "        - {name: r, start_pattern: '^x', condition_pattern: '^ ', mode: sideways}",
        ),
        "sources[0].multiline.custom[0].mode: must be one of continue_through, "
        "continue_past, halt_before, halt_with",
    ),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_check_reports_each_config_mistake_with_file_line_and_key(
    tmp_path: Path, name: str
) -> None:
    """`logsumd check` exits 2 and names file, line and key path of each mistake."""
    body, expected = MISTAKES[name]
    config = _config(tmp_path, body)
    result = logsumd("check", "-c", str(config))
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stderr.replace(str(tmp_path) + "/", ""), result.stderr


def test_check_reports_all_errors_at_once(tmp_path: Path) -> None:
    """Two mistakes in one file give two messages in one run."""
    body = VALID.replace("state_dir: state", "state_dri: state") + "queue_size: lots\n"
    result = logsumd("check", "-c", str(_config(tmp_path, body)))
    assert result.returncode == 2
    assert len([line for line in result.stderr.splitlines() if "config.yaml:" in line]) == 2


def test_check_passes_on_a_valid_config(tmp_path: Path) -> None:
    """A valid config with readable logs and writable directories passes."""
    config = _config(tmp_path, VALID)
    (tmp_path / "logs" / "a.log").write_text("hello\n")
    result = logsumd("check", "-c", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout


def test_check_fails_on_a_missing_log_directory(tmp_path: Path) -> None:
    """A source whose directory does not exist fails the health check (exit 1)."""
    config = _config(tmp_path, VALID.replace("logs/*.log", "nowhere/*.log"))
    result = logsumd("check", "-c", str(config))
    assert result.returncode == 1
    assert "FAIL sources[0]" in result.stdout


def test_check_fails_on_a_corrupt_model(tmp_path: Path) -> None:
    """A GGUF path that is not a model is a clear failure of `check`."""
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all" * 100)
    body = VALID.replace("  backend: rules", f"  backend: llama\n  model_path: {bad}")
    result = logsumd("check", "-c", str(_config(tmp_path, body)))
    assert result.returncode == 1
    assert "FAIL summarizer llama" in result.stdout


def test_summarize_json_rules_backend_without_config(tmp_path: Path) -> None:
    """`summarize --json --backend rules` works on a file without any config."""
    log = tmp_path / "job.log"
    log.write_text(
        "2025-03-02 04:15:00,001 - etl.load - INFO - start\n"
        "2025-03-02 04:15:01,001 - etl.load - ERROR - load failed\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/load.py", line 3, in main\n'
        "    open('/data/in.csv')\n"
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/in.csv'\n"
    )
    env_home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-m", "logsumd", "summarize", "--json", "--backend", "rules", str(log)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"HOME": str(env_home), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    (rec,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (rec["line_start"], rec["line_end"]) == (2, 6)
    assert rec["category"] == "file_io"
    assert rec["summarizer"] == "rules"


def test_summarize_report_indents_cause_and_next_under_the_summary(tmp_path: Path) -> None:
    """The text report shows a diagnosis's Cause: and Next: lines indented under the summary."""
    log = tmp_path / "job.log"
    log.write_text(
        "2025-03-02 04:15:01,001 - etl.load - ERROR - load failed\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/load.py", line 3, in main\n'
        "    open('/data/in.csv')\n"
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/in.csv'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "logsumd", "summarize", str(log)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("   summary: "))
    assert lines[start + 1].startswith("            Cause: ")
    assert lines[start + 2].startswith("            Next: ")


def test_summarize_missing_file_exits_1(tmp_path: Path) -> None:
    """A log file that does not exist is named and exits 1."""
    result = logsumd("summarize", "--backend", "rules", str(tmp_path / "nope.log"))
    assert result.returncode == 1
    assert "nope.log: no such file" in result.stderr


def test_help_lists_commands() -> None:
    """`logsumd -h` lists run, summarize, check and eval."""
    result = logsumd("-h")
    assert result.returncode == 0
    for command in ("run", "summarize", "check", "eval"):
        assert command in result.stdout


def test_train_dataset_adds_own_labelled_examples(tmp_path: Path) -> None:
    """`train dataset --add` puts a user's example in train; a bad one is rejected."""
    own = tmp_path / "own.jsonl"
    good = {
        "raw": "2025-01-01 10:00:00,000 - etl.job - ERROR - load failed\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/job.py", line 5, in load\n'
        "    open('/srv/in/feed.csv')\n"
        "FileNotFoundError: [Errno 2] No such file or directory: '/srv/in/feed.csv'",
        "category": "file_io",
        "key_facts": ["FileNotFoundError", "/srv/in/feed.csv"],
        "cause": "the input file /srv/in/feed.csv was not there when load ran",
        "check": "check that the upstream export wrote /srv/in/feed.csv before this job",
    }
    bad = {**good, "key_facts": ["not in the log"]}
    own.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    out = tmp_path / "data"
    result = logsumd(
        "train", "dataset", "-o", str(out), "--add", str(own),
        "--train-per-category", "1", "--validation-per-category", "1",
        "--test-per-category", "1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1 records added to train, 1 rejected" in result.stdout
    train = [json.loads(line) for line in (out / "train.jsonl").read_text().splitlines()]
    assert [r["cause"] for r in train if r["source"] == str(own)] == [good["cause"]]


def test_llama_cpp_log_lines_become_model_log_events() -> None:
    """llama.cpp's own log text goes through structlog (JSON), never raw to stderr."""
    import ctypes

    from structlog.testing import capture_logs

    from logsumd.summarize import _llama_log

    with capture_logs() as logs:
        _llama_log.callback(2, b"lora for 'blk.0.ffn_down.weight' ", ctypes.c_void_p(0))
        _llama_log.callback(5, b"cannot use buft 'CPU_REPACK'\n", ctypes.c_void_p(0))
    (rec,) = [e for e in logs if e["event"] == "ModelLog"]
    assert rec["level"] == "warn"
    assert rec["text"] == "lora for 'blk.0.ffn_down.weight' cannot use buft 'CPU_REPACK'"
