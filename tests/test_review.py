"""The blinded review: a packet that hides who wrote what, and scores of the ratings."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from logsumd.eval._review import (
    RatingError,
    ReviewItem,
    format_scores,
    make_packet,
    marked_text,
    read_ratings,
    score_ratings,
)

TEXT = "INFO start\nERROR load failed\nTraceback\nValueError: bad\nINFO after"


def _items() -> list[ReviewItem]:
    return [
        ReviewItem(f"ev{i}", TEXT, (2, 4), {"default": f"default {i}", "rules": f"rules {i}"})
        for i in range(6)
    ]


def test_span_is_marked() -> None:
    """The event's lines are marked; the lines around it are not."""
    lines = marked_text(TEXT, (2, 4)).split("\n")
    assert [line[:3] for line in lines] == ["   ", ">> ", ">> ", ">> ", "   "]


def test_packet_hides_the_configurations(tmp_path: Path) -> None:
    """The packet names no configuration; the key, kept apart, maps letters to them."""
    make_packet(_items(), tmp_path / "packet", tmp_path / "key", seed=1)
    packet = (tmp_path / "packet" / "packet.md").read_text()
    assert "default" not in packet.replace("default ", "")
    assert "rules" not in packet.replace("rules ", "")
    key = json.loads((tmp_path / "key" / "key.json").read_text())
    assert len(key) == 6
    orders = {tuple(v["letters"].values()) for v in key.values()}
    assert orders == {("default", "rules"), ("rules", "default")}
    rows = list(csv.DictReader((tmp_path / "packet" / "ratings.csv").open()))
    assert len(rows) == 12
    assert {r["summary"] for r in rows} == {"A", "B"}
    assert not (tmp_path / "packet" / "key.json").exists()


def test_ratings_are_unblinded_and_scored(tmp_path: Path) -> None:
    """Each configuration gets its shares and usefulness; pairs count wins and losses."""
    make_packet(_items(), tmp_path / "p", tmp_path / "k", seed=1)
    key = json.loads((tmp_path / "k" / "key.json").read_text())
    path = tmp_path / "p" / "ratings.csv"
    rows = list(csv.DictReader(path.open()))
    for row in rows:
        config = key[row["item"]]["letters"][row["summary"]]
        good = config == "default"
        row.update(
            cause="correct-specific" if good else "wrong",
            next_step="correct-generic" if good else "missing",
            invented="no" if good else "yes",
            usefulness="5" if good else "2",
        )
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    scores, pairs = score_ratings(read_ratings(path), key)
    assert scores["default"].share("cause", "correct-specific") == 1.0
    assert scores["rules"].share("next_step", "missing") == 1.0
    assert scores["rules"].invented_share == 1.0
    assert scores["default"].mean_usefulness == 5.0
    assert pairs[("default", "rules")] == (6, 0, 0)
    assert "| cause correct-specific | 100% | 0% |" in format_scores(scores, pairs)


def test_a_bad_rating_names_its_line() -> None:
    """A verdict outside the four values is an error with the ratings file's line."""
    key = {"001": {"event": "e", "letters": {"A": "default"}}}
    row = {"item": "001", "summary": "A", "cause": "kinda", "next_step": "wrong"}
    with pytest.raises(RatingError, match="line 2: cause must be one of"):
        score_ratings([{**row, "invented": "no", "usefulness": "3"}], key)


def test_packet_shows_the_log_file(tmp_path: Path) -> None:
    """The reviewer sees the log file's path (the Slack message shows it; Airflow's names
    the task a summary may name)."""
    path = "logs/dag_id=kiwi/run_id=r1/task_id=load_orders/attempt=1.log"
    item = ReviewItem("ev", TEXT, (2, 4), {"default": "d", "rules": "r"}, path)
    make_packet([item], tmp_path / "p", tmp_path / "k", seed=1)
    assert f"Log file: `{path}`" in (tmp_path / "p" / "packet.md").read_text()


def test_merge_keeps_each_block_owners_rating_and_counts_agreement(tmp_path: Path) -> None:
    """``bench/review.py merge`` joins the reviewers' block files: each item once, rated by
    the reviewer who owns its block; rows rated twice give the agreement."""
    header = "item,summary,cause,next_step,invented,usefulness,comment\n"

    def row(item: str, cause: str) -> str:
        return f"{item},A,{cause},missing,no,2,\n"

    # two reviewers, items 001-004: r1 owns 001-002 and also rated 003; r2 owns 003-004
    (tmp_path / "ratings-r1.csv").write_text(
        header + row("001", "wrong") + row("002", "wrong") + row("003", "missing")
    )
    (tmp_path / "ratings-r2.csv").write_text(
        header + row("003", "correct-generic") + row("004", "wrong") + row("001", "wrong")
    )
    script = Path(__file__).resolve().parent.parent / "bench" / "review.py"
    proc = subprocess.run(
        [sys.executable, str(script), "merge", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    merged = list(csv.DictReader((tmp_path / "ratings-merged.csv").open()))
    assert [(r["item"], r["cause"]) for r in merged] == [
        ("001", "wrong"), ("002", "wrong"), ("003", "correct-generic"), ("004", "wrong"),
    ]  # fmt: skip
    assert "rows rated twice 2" in proc.stdout
    assert "'cause': 0.5" in proc.stdout
