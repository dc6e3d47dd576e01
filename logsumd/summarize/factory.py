"""Which summarizer ``summarizer.backend`` builds, with its model loaded once.

Every backend but ``rules`` runs behind the diagnosis catalogue
(:class:`~logsumd.summarize._diagnosing.DiagnosingSummarizer`); ``catalogue`` is
the catalogue with no model, ``llama`` and ``openai`` put the model summarizer
(:class:`~logsumd.summarize.summarizer.LlamaSummarizer`) behind it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from logsumd import __version__
from logsumd.config import Diagnosis, SummarizerSettings
from logsumd.summarize._diagnosing import DiagnosingSummarizer
from logsumd.summarize.backend import ModelUnavailable
from logsumd.summarize.catalogue import load_catalogue, shipped_diagnoses
from logsumd.summarize.condense import RedactorLike
from logsumd.summarize.llama_backend import LlamaBackend
from logsumd.summarize.model_file import ModelError, resolve_model_path
from logsumd.summarize.summarizer import LlamaSummarizer, RulesSummarizer, Summarizer
from logsumd.telemetry import emit


def make_llama(
    settings: SummarizerSettings, state_dir: str, redactor: RedactorLike
) -> LlamaSummarizer:
    """The llama summarizer with its model loaded once (ModelError if it cannot be)."""
    path = resolve_model_path(settings.model_path, state_dir)
    backend = LlamaBackend(path, settings)
    emit(
        "ModelLoaded",
        path=str(path),
        seconds=round(backend.load_seconds, 3),
        chat_format=settings.chat_format,
        adapter=settings.adapter,
    )
    return LlamaSummarizer(backend, settings, redactor)


def make_openai(
    settings: SummarizerSettings,
    state_dir: str,  # noqa: ARG001 - the factory signature
    redactor: RedactorLike,
) -> Summarizer:
    """The model summarizer on an OpenAI-compatible server (nothing is loaded here)."""
    from logsumd.summarize.openai_backend import OpenAIBackend

    try:
        backend = OpenAIBackend(settings)
    except ModelUnavailable as exc:
        raise ModelError(str(exc)) from None
    return LlamaSummarizer(backend, settings, redactor, name="openai")


def make_rules(
    settings: SummarizerSettings,  # noqa: ARG001 - the factory signature
    state_dir: str,  # noqa: ARG001
    redactor: RedactorLike,  # noqa: ARG001
) -> Summarizer:
    """The rule-based summarizer (no model)."""
    return RulesSummarizer()


FACTORIES: dict[str, Callable[[SummarizerSettings, str, RedactorLike], Summarizer]] = {
    "llama": make_llama,
    "openai": make_openai,
    "rules": make_rules,
}
"""Model backends by ``summarizer.backend``.

Every backend but ``rules`` runs behind the diagnosis catalogue
(:class:`~logsumd.summarize._diagnosing.DiagnosingSummarizer`); ``catalogue`` is the
catalogue with no model."""


def summaries_stamp(settings: SummarizerSettings, diagnoses: Sequence[Diagnosis] = ()) -> str:
    """What a summary depends on besides its event, as a short hash: the package's
    version, the shipped catalogue, the user's diagnoses and the summarizer's settings."""
    parts = (__version__, repr(shipped_diagnoses()), repr(tuple(diagnoses)), repr(settings))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def make_summarizer(
    settings: SummarizerSettings,
    state_dir: str,
    redactor: RedactorLike,
    diagnoses: Sequence[Diagnosis] = (),
) -> Summarizer:
    """The summarizer chosen by ``settings.backend``; ``diagnoses`` are the user's entries."""
    if settings.backend == "catalogue":
        return DiagnosingSummarizer(load_catalogue(diagnoses), None)
    factory = FACTORIES.get(settings.backend)
    if factory is None:
        raise ModelError(
            f"unknown summarizer backend {settings.backend!r} (expected one of "
            f"{', '.join(sorted([*FACTORIES, 'catalogue']))})"
        )
    backend = factory(settings, state_dir, redactor)
    if settings.backend == "rules":
        return backend
    return DiagnosingSummarizer(load_catalogue(diagnoses), backend, rank=settings.rank)
