"""The real embedded GGUF model end to end (no mocks), and model-file errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from logsumd import telemetry
from logsumd.config import SummarizerSettings
from logsumd.records import Classification, Event, Summary
from logsumd.summarize import build_parts, check_summary, prompt_tokens
from logsumd.summarize._diagnosing import DiagnosingSummarizer
from logsumd.summarize._headline import MAX_WORDS
from logsumd.summarize.backend import Deadline, LocalModel
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.factory import make_llama
from logsumd.summarize.llama_backend import LlamaBackend
from logsumd.summarize.model_file import ModelError, ensure_embedded_model, resolve_model_path
from logsumd.summarize.prompts import Prompt, Segment
from logsumd.summarize.summarizer import LlamaSummarizer
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


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory, model_state: Callable[[Path], str]) -> str:
    return model_state(tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="session")
def summarizer(state_dir: str) -> LlamaSummarizer:
    # These tests check what the model writes, not how fast: on a machine busy with
    # other work, the default 20 s would end calls and fall back to the rules.
    return make_llama(SummarizerSettings(timeout_secs=600.0), state_dir, Redactor(()))


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
def test_embedded_model_is_assembled_once(embedded_model: Path) -> None:
    """The second call reuses the verified file instead of assembling again."""
    first = embedded_model
    mtime = first.stat().st_mtime_ns
    second = ensure_embedded_model(str(first.parent.parent))
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
    assert "\nCause: " in summary.text or "\nNext: " in summary.text
    assert len(summary.text.split()) <= MAX_WORDS
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
    quick = make_llama(SummarizerSettings(timeout_secs=0.0), state_dir, Redactor(()))
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


@pytest.mark.model
def test_score_prefers_the_answer_that_fits_the_prompt(summarizer: LlamaSummarizer) -> None:
    """Mean token log-probabilities: an answer about the prompt beats an unrelated one."""
    backend = summarizer.backend
    assert isinstance(backend, LocalModel)
    prompt = Prompt((Segment("Error: No space left on device\nCause:", trusted=False),))
    answers = [
        backend.tokenize(text.encode(), False, False)
        for text in (" the disk is full", " purple elephants sang loudly")
    ]
    scores = backend.score(prompt, answers, deadline=Deadline(600))
    assert scores is not None
    assert scores[0] > scores[1]
    again = backend.score(prompt, answers, deadline=Deadline(600))
    assert again is not None
    assert again == pytest.approx(scores, abs=1e-3)  # batch splits change the last digits


@pytest.mark.model
def test_model_ranks_tied_diagnoses(summarizer: LlamaSummarizer) -> None:
    """With ranking on, the model chooses among tied diagnoses without writing text."""
    event = _event()
    cls = classify(event)
    candidates = [
        Candidate("python_module_missing", "dependency", "pyarrow is not installed",
                  "add pyarrow to the image", "", 0, False, "", ""),
        Candidate("disk_full", "resource", "the disk is full", "free space on the disk",
                  "", 0, False, "", ""),
    ]  # fmt: skip
    chosen = summarizer.rank(event, cls, candidates)
    assert chosen in (0, 1)
    assert summarizer.rank(event, cls, candidates[:1]) is None


class Counting:
    """The real model summarizer behind a counter of the calls it gets."""

    name = "llama"

    def __init__(self, inner: LlamaSummarizer) -> None:
        self.inner = inner
        self.calls = 0

    def summarize(self, event: Event, cls: Classification) -> Summary:
        self.calls += 1
        return self.inner.summarize(event, cls)

    def close(self) -> None:
        pass


@pytest.mark.model
def test_catalogue_diagnosis_needs_no_model_call(summarizer: LlamaSummarizer) -> None:
    """The default summarizer answers a known failure from the catalogue, the model unasked."""
    counting = Counting(summarizer)
    default = DiagnosingSummarizer(load_catalogue(), counting)
    summary = default.summarize(_event(), classify(_event()))
    assert (summary.summarizer, summary.diagnosis) == ("catalogue", "python_module_missing")
    assert counting.calls == 0
    odd = _event(
        EVENT_TEXT.replace(
            "ModuleNotFoundError: No module named 'pyarrow'", "kiwi.errors.GizmoFault: misfired"
        )
    )
    assert default.summarize(odd, classify(odd)).summarizer in ("llama", "llama-retry", "rules")
    assert counting.calls == 1


@pytest.mark.model
def test_model_writes_short_clauses_under_its_grammar(summarizer: LlamaSummarizer) -> None:
    """Where the catalogue is silent the model's clauses are one line of at most 12 words."""
    odd = _event(
        EVENT_TEXT.replace(
            "ModuleNotFoundError: No module named 'pyarrow'",
            "ValueError: the flux capacitor of export_orders misfired",
        )
    )
    summarizer.summarize(odd, classify(odd))
    for attempt in summarizer.last_attempts:
        for completion in attempt.completions:
            assert "\n" not in completion.text.strip()
            assert len(completion.text.split()) <= 12
