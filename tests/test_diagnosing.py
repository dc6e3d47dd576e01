"""The catalogue first, the model where it helps: which path writes each summary."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from logsumd.config import Diagnosis, DiagnosisMatch, SummarizerSettings
from logsumd.records import Classification, Event, Summary
from logsumd.summarize import make_summarizer
from logsumd.summarize._diagnosing import DiagnosingSummarizer
from logsumd.summarize._headline import MAX_WORDS
from logsumd.summarize.catalogue import Candidate, Catalogue
from logsumd.understand import Redactor, classify
from tests.events import make_event

LOCKED = "2031-05-06 02:14:07,311 ERROR loader - lock wait on table kiwi_orders exceeded\n"
ODD = "2031-05-06 02:14:07,311 ERROR loader - the flux capacitor of kiwi_orders misfired\n"


def _entry(entry_id: str, cause: str, priority: int = 0) -> Diagnosis:
    return Diagnosis(
        id=entry_id,
        category="timeout",
        match=DiagnosisMatch(message=r"lock wait on table (?P<table>\w+)"),
        cause=cause,
        next_step="find the session that holds {table}",
        priority=priority,
    )


class FakeModel:
    """A backend that writes a fixed summary and ranks by a canned choice; records calls."""

    name = "llama"

    def __init__(self, choice: int | None = 1) -> None:
        self.choice = choice
        self.ranked: list[list[str]] = []
        self.written = 0

    def summarize(self, event: Event, cls: Classification) -> Summary:
        self.written += 1
        return Summary("written by the model", "llama")

    def rank(
        self,
        event: Event,
        cls: Classification,
        candidates: Sequence[Candidate],
        cancel: threading.Event | None = None,
    ) -> int | None:
        self.ranked.append([c.id for c in candidates])
        return self.choice

    def close(self) -> None:
        pass


def _summarize(summarizer: DiagnosingSummarizer, text: str) -> Summary:
    event = make_event(text)
    return summarizer.summarize(event, classify(event))


def test_one_match_needs_no_model() -> None:
    """A single matching diagnosis is the summary; the model is neither asked nor ranked."""
    model = FakeModel()
    summarizer = DiagnosingSummarizer(
        Catalogue([_entry("row_lock", "table {table} is locked")]), model
    )
    summary = _summarize(summarizer, LOCKED)
    assert (summary.summarizer, summary.diagnosis) == ("catalogue", "row_lock")
    assert "\nCause: table kiwi_orders is locked.\n" in summary.text
    assert summary.text.endswith("Next: find the session that holds kiwi_orders.")
    assert model.ranked == []
    assert model.written == 0
    assert len(summary.text.split()) <= MAX_WORDS


def test_several_matches_are_ranked_by_the_model() -> None:
    """Several diagnoses of the same rank: the model's choice wins, labelled catalogue+model."""
    model = FakeModel(choice=1)
    catalogue = Catalogue(
        [_entry("row_lock", "table {table} is locked"), _entry("deadlock", "a deadlock on {table}")]
    )
    summary = _summarize(DiagnosingSummarizer(catalogue, model), LOCKED)
    assert model.ranked == [["row_lock", "deadlock"]]
    assert (summary.summarizer, summary.diagnosis) == ("catalogue+model", "deadlock")


def test_priority_decides_before_the_model() -> None:
    """Only the highest-priority matches reach the model; one left needs no ranking."""
    model = FakeModel()
    catalogue = Catalogue(
        [_entry("row_lock", "table {table} is locked"), _entry("deadlock", "deadlock", 5)]
    )
    summary = _summarize(DiagnosingSummarizer(catalogue, model), LOCKED)
    assert summary.diagnosis == "deadlock"
    assert model.ranked == []


def test_without_ranking_the_catalogue_order_decides() -> None:
    """With ranking off (or a model that cannot answer) the first entry wins."""
    catalogue = Catalogue(
        [_entry("row_lock", "table {table} is locked"), _entry("deadlock", "a deadlock on {table}")]
    )
    for summarizer in (
        DiagnosingSummarizer(catalogue, FakeModel(), rank=False),
        DiagnosingSummarizer(catalogue, FakeModel(choice=None)),
        DiagnosingSummarizer(catalogue, None),
    ):
        summary = _summarize(summarizer, LOCKED)
        assert (summary.summarizer, summary.diagnosis) == ("catalogue", "row_lock")


def test_no_match_goes_to_the_model_or_the_rules() -> None:
    """A silent catalogue hands the event to the model, or without one to the rules."""
    catalogue = Catalogue([_entry("row_lock", "table {table} is locked")])
    model = FakeModel()
    assert _summarize(DiagnosingSummarizer(catalogue, model), ODD).summarizer == "llama"
    assert model.written == 1
    rules = _summarize(DiagnosingSummarizer(catalogue, None), ODD)
    assert rules.summarizer == "rules"
    assert rules.diagnosis == ""
    assert "the flux capacitor of kiwi_orders misfired" in rules.text


def test_backends_by_name() -> None:
    """``catalogue`` needs no model; ``rules`` never consults the catalogue."""
    redactor = Redactor(())
    catalogue = make_summarizer(SummarizerSettings(backend="catalogue"), "/nonexistent", redactor)
    rules = make_summarizer(SummarizerSettings(backend="rules"), "/nonexistent", redactor)
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/run.py", line 2, in <module>\n    import quokka_sync\n'
        "ModuleNotFoundError: No module named 'quokka_sync'\n"
    )
    event = make_event(text)
    by_catalogue = catalogue.summarize(event, classify(event))
    by_rules = rules.summarize(event, classify(event))
    assert (by_catalogue.summarizer, by_catalogue.diagnosis) == (
        "catalogue",
        "python_module_missing",
    )
    assert (by_rules.summarizer, by_rules.diagnosis) == ("rules", "")
    user = Diagnosis(
        id="quokka_wheel",
        category="dependency",
        match=DiagnosisMatch(message="No module named 'quokka_"),
        cause="the quokka wheel is not on the private index",
        next_step="publish the wheel and rebuild the image",
    )
    mine = make_summarizer(
        SummarizerSettings(backend="catalogue"), "/nonexistent", redactor, [user]
    ).summarize(event, classify(event))
    assert mine.diagnosis == "quokka_wheel"


def test_a_specific_diagnosis_names_the_alerts_category() -> None:
    """A catalogue entry of a specific message shape (priority >= 70) or the user's own
    entry gives the alert its category, so the title and the cause agree; a broad entry
    and the rules backend leave the classifier's."""
    from logsumd.decide import build_notification

    redactor = Redactor(())
    text = (
        "2031-05-06 02:14:07,311 ERROR dbt - Runtime Error: The packages.yml file in this "
        "project is malformed. Please double check the contents of this file.\n"
    )
    event = make_event(text)
    cls = classify(event)
    catalogue = make_summarizer(SummarizerSettings(backend="catalogue"), "/nonexistent", redactor)
    rules = make_summarizer(SummarizerSettings(backend="rules"), "/nonexistent", redactor)
    by_catalogue = catalogue.summarize(event, cls)
    assert (by_catalogue.diagnosis, by_catalogue.category) == ("config_file_invalid", "other")
    assert cls.category != "other"
    assert rules.summarize(event, cls).category == ""

    def alert(summary: Summary) -> str:
        return build_notification(
            notification_id="n1", kind="new", event=event, cls=cls, fp="f", summary=summary,
            host="h", count=1, first_seen=0.0, last_seen=0.0,
        ).category  # fmt: skip

    assert alert(by_catalogue) == "other"
    assert alert(rules.summarize(event, cls)) == cls.category
    broad = Diagnosis(
        id="dbt_any", category="schema",
        match=DiagnosisMatch(message="Runtime Error"), cause="dbt failed",
        next_step="read dbt's log", priority=10,
    )  # fmt: skip
    low = DiagnosingSummarizer(Catalogue([broad]), None).summarize(event, cls)
    assert low.diagnosis == "dbt_any"
    assert low.category == ""
    mine = make_summarizer(
        SummarizerSettings(backend="catalogue"), "/nonexistent", redactor, [broad]
    ).summarize(event, cls)
    assert (mine.diagnosis, mine.category) == ("dbt_any", "schema")
