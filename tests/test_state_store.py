"""State store: summary cache and Slack threads persist atomically and stay bounded."""

from __future__ import annotations

import json
from pathlib import Path

from structlog.testing import capture_logs

from logsumd.config import Diagnosis, DiagnosisMatch, SummarizerSettings
from logsumd.records import Summary
from logsumd.store._state_store import (
    SUMMARY_CACHE_FILE,
    THREADS_FILE,
    SummaryCache,
    ThreadStore,
    atomic_write_json,
)
from logsumd.summarize import summaries_stamp


def test_summary_cache_survives_restart(tmp_path: Path) -> None:
    """A cached summary is there after reopening, with its summarizer."""
    cache = SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE), capacity=10)
    cache.put("fp1", Summary("Orders job lost db-1.", "llama"))
    again = SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE), capacity=10)
    assert again.get("fp1") == Summary("Orders job lost db-1.", "llama")
    assert again.get("nope") is None
    full = Summary("Orders job lost db-1.", "catalogue", "db_dns_failure", "", "connection")
    cache.put("fp2", full)
    assert SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE), capacity=10).get("fp2") == full


def test_summary_cache_evicts_least_recently_used(tmp_path: Path) -> None:
    """Beyond capacity the least recently used entry goes, also on disk."""
    cache = SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE), capacity=2)
    cache.put("a", Summary("A", "rules"))
    cache.put("b", Summary("B", "rules"))
    assert cache.get("a") is not None
    cache.put("c", Summary("C", "rules"))
    assert "b" not in cache
    assert len(cache) == 2
    again = SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE), capacity=2)
    assert again.get("a") == Summary("A", "rules")
    assert again.get("c") == Summary("C", "rules")
    assert again.get("b") is None


def test_smaller_capacity_on_reload_trims(tmp_path: Path) -> None:
    """Reopening with a smaller capacity keeps the most recent entries."""
    cache = SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE), capacity=5)
    for i in range(5):
        cache.put(f"fp{i}", Summary(str(i), "rules"))
    small = SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE), capacity=2)
    assert [k for k in ("fp3", "fp4") if k in small] == ["fp3", "fp4"]
    assert len(small) == 2


def test_corrupt_file_is_reported_and_ignored(tmp_path: Path) -> None:
    """A garbled cache file gives an empty cache and a named event."""
    (tmp_path / SUMMARY_CACHE_FILE).write_text("{not json")
    with capture_logs() as logs:
        cache = SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE))
    assert len(cache) == 0
    assert [e["event"] for e in logs] == ["CheckpointCorrupt"]
    cache.put("fp", Summary("x", "rules"))
    assert SummaryCache(str(tmp_path / SUMMARY_CACHE_FILE)).get("fp") == Summary("x", "rules")


def test_thread_store_persists(tmp_path: Path) -> None:
    """thread_ts per key survives a restart; the file is versioned JSON."""
    threads = ThreadStore(str(tmp_path / THREADS_FILE))
    threads.set("C1/fp1", "1700000000.000100")
    threads.set("C1/fp1", "1700000000.000200")
    assert ThreadStore(str(tmp_path / THREADS_FILE)).get("C1/fp1") == "1700000000.000200"
    data = json.loads((tmp_path / THREADS_FILE).read_text())
    assert data == {"version": 1, "entries": [["C1/fp1", "1700000000.000200"]]}


def test_atomic_write_leaves_no_temp_file(tmp_path: Path) -> None:
    """The temporary file is renamed into place."""
    target = tmp_path / "sub" / "x.json"
    atomic_write_json(str(target), {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.json"]


def test_a_summary_written_under_another_stamp_is_not_used(tmp_path: Path) -> None:
    """After a new diagnosis in the config (another stamp), a known error is summarized again."""
    path = str(tmp_path / "summaries.json")
    old = SummaryCache(path, stamp="catalogue-a")
    old.put("fp1", Summary("old text", "catalogue", "x", "", "other"))
    assert SummaryCache(path, stamp="catalogue-a").get("fp1") is not None
    assert SummaryCache(path, stamp="catalogue-b").get("fp1") is None


def test_the_stamp_follows_the_diagnoses_and_the_settings() -> None:
    """The stamp changes with the user's diagnoses or the summarizer's settings, not else."""
    mine = Diagnosis(
        id="quokka",
        category="dependency",
        match=DiagnosisMatch(message="No module named 'quokka'"),
        cause="quokka is private",
        next_step="rebuild the image",
    )
    base = summaries_stamp(SummarizerSettings())
    assert summaries_stamp(SummarizerSettings()) == base
    assert summaries_stamp(SummarizerSettings(), (mine,)) != base
    assert summaries_stamp(SummarizerSettings(backend="rules")) != base
