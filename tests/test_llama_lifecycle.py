"""Loading and freeing the real model: the AMX work-around, and a clean interpreter exit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import llama_cpp
import pytest

from logsumd.summarize.llama_backend import amx_present, load_llama
from tests.test_cli import ROOT

CLEAN_EXIT_MARKERS = ("Exception ignored", "Traceback", "sys.meta_path is None")


@pytest.fixture(scope="session")
def model_path(embedded_model: Path) -> Path:
    return embedded_model


@pytest.mark.model
def test_load_llama_restores_the_default_params_and_the_model_decodes(model_path: Path) -> None:
    """The AMX work-around puts llama_model_default_params back; the model loads and decodes."""
    low = llama_cpp.llama_cpp
    original = low.llama_model_default_params
    llm = load_llama(model_path=str(model_path), n_ctx=256, n_threads=1, verbose=False)
    try:
        assert low.llama_model_default_params is original
        assert bool(original().use_extra_bufts)  # later loads get llama.cpp's own default
        assert bool(llm.model_params.use_extra_bufts) is not amx_present()
        out = llm.create_completion("The capital of France is", max_tokens=4, temperature=0.0)
        assert out["usage"]["completion_tokens"] >= 1
        assert isinstance(out["choices"][0]["text"], str)
    finally:
        llm.close()


def test_load_llama_restores_the_default_params_when_loading_fails(tmp_path: Path) -> None:
    """A model that fails to load leaves llama_model_default_params as it was."""
    low = llama_cpp.llama_cpp
    original = low.llama_model_default_params
    bad = tmp_path / "truncated.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises((ValueError, RuntimeError)):
        load_llama(model_path=str(bad), verbose=False)
    assert low.llama_model_default_params is original


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.model
def test_a_model_still_loaded_at_exit_is_freed_without_noise(
    model_path: Path, tmp_path: Path
) -> None:
    """A process that ends with its model loaded prints nothing about ctypes callbacks."""
    result = _python(
        f"""
        from logsumd.config import SummarizerSettings
        from logsumd.summarize import make_summarizer
        from logsumd.understand import Redactor

        settings = SummarizerSettings(model_path={str(model_path)!r})
        summarizer = make_summarizer(settings, {str(tmp_path)!r}, Redactor())
        print("loaded, not closed")
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "loaded, not closed" in result.stdout
    for marker in CLEAN_EXIT_MARKERS:
        assert marker not in result.stderr, result.stderr[-2000:]


@pytest.mark.model
def test_summarize_with_the_model_exits_cleanly(model_path: Path, tmp_path: Path) -> None:
    """``logsumd summarize`` with the embedded model leaves stderr free of exit noise."""
    log = tmp_path / "job.log"
    log.write_text(
        "2025-03-02 04:15:01,001 - etl.load - ERROR - load failed\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/load.py", line 3, in main\n'
        "    import pyarrow\n"
        "ModuleNotFoundError: No module named 'pyarrow'\n"
    )
    config = tmp_path / "config.yaml"
    config.write_text(
        f"sources:\n  - include: [{log}]\nstate_dir: {tmp_path / 'state'}\n"
        f"summarizer:\n  model_path: {model_path}\n"
        f"notifiers:\n  - type: file\n    path: {tmp_path / 'out.jsonl'}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "logsumd", "summarize", "-c", str(config), str(log)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 error event found (1 distinct error)." in result.stdout
    for marker in CLEAN_EXIT_MARKERS:
        assert marker not in result.stderr, result.stderr[-2000:]
