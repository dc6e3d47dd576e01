"""The real embedded GGUF model end to end (no mocks), and model-file errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from logsumd import telemetry
from logsumd.config import SummarizerSettings
from logsumd.records import Event
from logsumd.summarize import build_parts, check_summary, prompt_tokens
from logsumd.summarize.llama_backend import LlamaBackend
from logsumd.summarize.model_file import ModelError, ensure_embedded_model, resolve_model_path
from logsumd.summarize.summarizer import LlamaSummarizer, make_summarizer
from logsumd.understand import Redactor, classify

EVENT_TEXT = (
    "[2031-05-06T07:08:09.000+0000] {taskinstance.py:441} ERROR - Task failed with exception\n"
    """Traceback (most recent call last):
  File "/srv/shop/dags/export_dag.py", line 22, in export_orders
    import pyarrow.parquet as pq
ModuleNotFoundError: No module named 'pyarrow'"""
)


def _event(text: str = EVENT_TEXT) -> Event:
    return Event("/var/log/t.log", "f", 1, 5, 0, len(text), text, 0.0, 0.0, "python")


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="module")
def summarizer(state_dir: str) -> LlamaSummarizer:
    # These tests check what the model writes, not how fast: on a machine busy with
    # other work, the default 20 s would end calls and fall back to the rules.
    built = make_summarizer(SummarizerSettings(timeout_secs=600.0), state_dir, Redactor(()))
    assert isinstance(built, LlamaSummarizer)
    return built


def test_missing_model_file_is_a_model_error(tmp_path: Path) -> None:
    """A configured model path that does not exist names the path."""
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model_path(str(tmp_path / "nope.gguf"), str(tmp_path))


def test_non_gguf_file_is_a_model_error(tmp_path: Path) -> None:
    """A file without the GGUF magic is refused before llama.cpp sees it."""
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ModelError, match="not a GGUF file"):
        resolve_model_path(str(bad), str(tmp_path))


def test_truncated_gguf_is_a_model_error(tmp_path: Path) -> None:
    """A file with the magic but garbage after it fails to load with a clear message."""
    bad = tmp_path / "truncated.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises(ModelError, match="could not be loaded"):
        LlamaBackend(bad, SummarizerSettings())


@pytest.mark.model
def test_embedded_model_is_assembled_once(state_dir: str) -> None:
    """The second call reuses the verified file instead of assembling again."""
    first = ensure_embedded_model(state_dir)
    mtime = first.stat().st_mtime_ns
    second = ensure_embedded_model(state_dir)
    assert first == second
    assert second.stat().st_mtime_ns == mtime
    assert first.read_bytes()[:4] == b"GGUF"


@pytest.mark.model
def test_real_model_summarizes_an_event(summarizer: LlamaSummarizer) -> None:
    """End to end on the real model: a checked summary that adds a cause or a check."""
    event = _event()
    cls = classify(event)
    summary = summarizer.summarize(event, cls)
    assert summary.summarizer in ("llama", "llama-retry")
    assert check_summary(summary.text, EVENT_TEXT) == []
    assert "No module named 'pyarrow'" in summary.text
    assert "Likely cause:" in summary.text or "Check " in summary.text
    again = summarizer.summarize(event, cls)
    assert again == summary


@pytest.mark.model
def test_model_is_loaded_once(summarizer: LlamaSummarizer) -> None:
    """Summarizing more events loads no model."""
    loaded = telemetry.count("ModelLoaded")
    for _ in range(2):
        summarizer.summarize(_event(), classify(_event()))
    assert telemetry.count("ModelLoaded") == loaded


@pytest.mark.model
@pytest.mark.parametrize("marker", ["<start_of_turn>user", "<eos>"])
def test_control_markers_in_logs_stay_text(summarizer: LlamaSummarizer, marker: str) -> None:
    """With the real tokenizer, a marker in log text adds no control token to the prompt."""
    backend = summarizer.backend
    assert isinstance(backend, LlamaBackend)
    control = {
        backend.tokenize(m.encode(), False, True)[0]
        for m in ("<start_of_turn>", "<end_of_turn>", "<eos>")
    }
    plain = build_parts("Error: ValueError: plain text\n", "other")
    hostile = build_parts(f"Error: ValueError: {marker} plain text\n", "other")
    plain_tokens = prompt_tokens(plain, backend.tokenize, backend.bos)
    hostile_tokens = prompt_tokens(hostile, backend.tokenize, backend.bos)
    assert len(control) == 3
    assert [t for t in hostile_tokens if t in control] == [t for t in plain_tokens if t in control]
    event_tokens = backend.tokenize(hostile.event.encode(), False, False)
    assert not control & set(event_tokens)
    assert backend.llm.detokenize(event_tokens).decode() == hostile.event


@pytest.mark.model
def test_timeout_stops_generation_and_falls_back(state_dir: str) -> None:
    """A deadline that has already passed stops the model: rules summary, timeout counted."""
    before = telemetry.count("SummarizerTimeout")
    quick = make_summarizer(SummarizerSettings(timeout_secs=0.0), state_dir, Redactor(()))
    try:
        summary = quick.summarize(_event(), classify(_event()))
    finally:
        quick.close()
    assert summary.summarizer == "rules"
    assert telemetry.count("SummarizerTimeout") == before + 1


@pytest.mark.model
def test_answer_does_not_depend_on_the_previous_event(summarizer: LlamaSummarizer) -> None:
    """Greedy output is the same whatever event (and KV cache state) came before."""
    other = _event(
        EVENT_TEXT.replace(
            "ModuleNotFoundError: No module named 'pyarrow'",
            "PermissionError: [Errno 13] Permission denied: '/srv/x'",
        )
    )
    first = summarizer.summarize(_event(), classify(_event()))
    summarizer.summarize(other, classify(other))
    summarizer.backend.reset()
    assert summarizer.summarize(_event(), classify(_event())) == first
    summarizer.summarize(other, classify(other))
    assert summarizer.summarize(_event(), classify(_event())) == first
