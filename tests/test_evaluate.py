"""The evaluation harness on a small self-written dataset (rules backend, no model)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from logsumd.config import MultilineSettings, SummarizerSettings
from logsumd.eval import add_eval_parser, eval_main
from logsumd.eval.evaluate import (
    events_of_raw,
    format_markdown,
    format_text,
    load_dataset,
    run_eval,
)

RECORDS = [
    {
        "id": "r1",
        "raw": (
            "[2031-01-01T00:00:00.000+0000] {taskinstance.py:441} ERROR - Task failed with"
            " exception\n"
            "Traceback (most recent call last):\n"
            '  File "/srv/shop/etl/stock.py", line 14, in read_stock\n'
            "    with open(path) as fh:\n"
            "FileNotFoundError: [Errno 2] No such file or directory: '/data/shop/stock.csv'"
        ),
        "category": "file_io",
        "key_facts": ["FileNotFoundError", "/data/shop/stock.csv", "an absent fact"],
        "summary": "read_stock failed: FileNotFoundError for /data/shop/stock.csv.",
    },
    {
        "id": "r2",
        "raw": (
            "Traceback (most recent call last):\n"
            '  File "/srv/shop/etl/push.py", line 3, in <module>\n'
            "    import zorbtools\n"
            "ModuleNotFoundError: No module named 'zorbtools'"
        ),
        "category": "dependency",
        "key_facts": ["ModuleNotFoundError", "No module named 'zorbtools'"],
    },
    {"id": "r3", "raw": "all good here\nnothing failed", "category": "other", "key_facts": []},
]


@pytest.fixture
def dataset(tmp_path: Path) -> str:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return str(path)


def test_load_dataset_requires_fields(tmp_path: Path) -> None:
    """A record without ``raw``, ``category`` or ``key_facts`` is an error naming its line."""
    path = tmp_path / "bad.jsonl"
    path.write_text('{"raw": "x", "category": "other"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1"):
        load_dataset(str(path))


def test_events_of_raw_assembles_the_traceback() -> None:
    """The raw text goes through the real assembler and yields its event."""
    events = events_of_raw("r1", str(RECORDS[0]["raw"]), MultilineSettings())
    assert events
    assert max(e.line_end - e.line_start for e in events) >= 3


def test_run_eval_rules(dataset: str, tmp_path: Path) -> None:
    """Metrics of the rules backend: detection, accuracy, recall, entity precision."""
    result = run_eval(dataset, [("rules", SummarizerSettings(backend="rules"))], str(tmp_path))
    variant = result.variants[0]
    assert len(variant.records) == 3
    assert variant.detected == 2
    by_id = {r.id: r for r in variant.records}
    assert by_id["r1"].predicted == "file_io"
    assert by_id["r1"].recall == pytest.approx(2 / 3)
    assert by_id["r1"].rouge_l is not None
    assert by_id["r2"].rouge_l is None
    assert variant.entity_precision == 1.0
    assert variant.paths["rules"] == 3
    text = format_text(result)
    assert "key-fact recall" in text
    assert "rules" in text
    markdown = format_markdown(result)
    assert markdown.startswith("# logsumd eval")
    assert "| events detected | 2/3 |" in markdown


def test_eval_cli(dataset: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``logsumd eval DATASET --backend rules --markdown OUT`` prints and writes a report."""
    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "report.md"
    args = parser.parse_args(
        [
            "eval",
            dataset,
            "--backend",
            "rules",
            "--markdown",
            str(out),
            "--state-dir",
            str(tmp_path),
        ]
    )
    assert eval_main(args) == 0
    assert "category accuracy" in capsys.readouterr().out
    assert "## Summaries: rules" in out.read_text(encoding="utf-8")


def test_eval_cli_missing_dataset(tmp_path: Path) -> None:
    """A missing dataset is a clean error, not a traceback."""
    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", str(tmp_path / "none.jsonl"), "--backend", "rules"])
    assert eval_main(args) == 2
