"""The catalogue first, the model where it helps: the summarizer the daemon runs.

For each event :class:`DiagnosingSummarizer` collects the best-ranked
catalogue entries that match (:mod:`logsumd.summarize.catalogue`):

- one diagnosis: its cause and next step, no model needed (``catalogue``);
- several: the backend scores each filled cause and next step given the
  event's facts and the likeliest wins (``catalogue+model``); a backend that
  cannot score keeps the catalogue's order (``catalogue``);
- none: the backend writes the cause and next step (``llama``), checked as
  always, else the rule-based summary (``rules``).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from logsumd.records import Classification, Event, Summary
from logsumd.summarize.catalogue import Candidate, Catalogue
from logsumd.summarize.diagnose import Findings, catalogue_summary, examine, rules_summary
from logsumd.telemetry import emit


class Backend(Protocol):
    """What :class:`DiagnosingSummarizer` needs of the summarizer behind it."""

    name: str

    def summarize(self, event: Event, cls: Classification) -> Summary: ...

    def close(self) -> None: ...


@runtime_checkable
class Ranker(Protocol):
    """A backend that can score catalogue candidates (the local model can)."""

    def rank(
        self,
        event: Event,
        cls: Classification,
        candidates: Sequence[Candidate],
        cancel: threading.Event | None = None,
    ) -> int | None: ...


def distinct(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The first candidate of each diagnosis id, in order."""
    seen: set[str] = set()
    out: list[Candidate] = []
    for candidate in candidates:
        if candidate.id not in seen:
            seen.add(candidate.id)
            out.append(candidate)
    return out


class DiagnosingSummarizer:
    """Summaries from the diagnosis catalogue; ``backend`` ranks ties and fills its gaps."""

    def __init__(self, catalogue: Catalogue, backend: Backend | None, *, rank: bool = True) -> None:
        self.catalogue = catalogue
        self.backend = backend
        self.name = backend.name if backend is not None else "catalogue"
        self.rank = rank and isinstance(backend, Ranker)
        """Whether the backend chooses among several matching diagnoses."""
        self._backend_cancel = backend is not None and _accepts_cancel(backend)

    def summarize(
        self, event: Event, cls: Classification, cancel: threading.Event | None = None
    ) -> Summary:
        """The summary of ``event``: a diagnosis of the catalogue, else the backend's."""
        findings = examine(event, cls, self.catalogue)
        candidates = distinct(findings.candidates)
        if len(candidates) == 1:
            return catalogue_summary(findings, candidates[0], "catalogue")
        if candidates:
            return self._choose(event, cls, findings, candidates, cancel)
        if self.backend is None:
            return rules_summary(findings)
        if self._backend_cancel:
            return self.backend.summarize(event, cls, cancel=cancel)  # type: ignore[call-arg]
        return self.backend.summarize(event, cls)

    def _choose(
        self,
        event: Event,
        cls: Classification,
        findings: Findings,
        candidates: list[Candidate],
        cancel: threading.Event | None,
    ) -> Summary:
        if self.rank and isinstance(self.backend, Ranker):
            index = self.backend.rank(event, cls, candidates, cancel)
            if index is not None:
                emit(
                    "DiagnosisRanked",
                    path=event.path,
                    line=event.line_start,
                    candidates=[c.id for c in candidates],
                    chosen=candidates[index].id,
                )
                return catalogue_summary(findings, candidates[index], "catalogue+model")
        return catalogue_summary(findings, candidates[0], "catalogue")

    def close(self) -> None:
        """Free the backend."""
        if self.backend is not None:
            self.backend.close()


def _accepts_cancel(backend: Backend) -> bool:
    try:
        return "cancel" in inspect.signature(backend.summarize).parameters
    except (TypeError, ValueError):
        return False
