"""Fixtures shared by the test modules: one embedded model for the whole session.

The embedded GGUF is 253 MB once assembled.  Each test that needs a state directory
with the model gets the session's verified file linked into its ``models/`` (a hard
link, or a symbolic link across file systems) instead of a fresh copy, so that a
full run writes the model once, not once per module (a run that assembled seven
copies filled a nearly full disk).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import structlog

from logsumd.summarize.model_file import _STAMP_SUFFIX, ensure_embedded_model


@pytest.fixture(autouse=True)
def _structlog_as_before() -> object:
    """Each test leaves structlog configured as it found it: a test that runs the CLI in
    process (``main([...])``) sets its level filter and stream, and the tests after it
    must not depend on whether it ran first."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture(scope="session")
def embedded_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded model, assembled from its package and verified once per session."""
    return ensure_embedded_model(str(tmp_path_factory.mktemp("embedded-model")))


def link_model(model: Path, state_dir: Path) -> None:
    """Put ``model`` (and its checksum stamp) into ``state_dir/models`` without copying it."""
    models = state_dir / "models"
    models.mkdir(parents=True, exist_ok=True)
    target = models / model.name
    if not target.exists():
        try:
            os.link(model, target)
        except OSError:
            target.symlink_to(model)
    stamp = model.with_name(model.name + _STAMP_SUFFIX)
    if stamp.exists():
        shutil.copy2(stamp, models / stamp.name)


@pytest.fixture(scope="session")
def model_state(embedded_model: Path) -> Callable[[Path], str]:
    """``seed(state_dir)``: a state directory that already holds the session's model."""

    def seed(state_dir: Path) -> str:
        link_model(embedded_model, state_dir)
        return str(state_dir)

    return seed
