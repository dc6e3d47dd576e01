"""Summarizers: a model (``llama`` in-process, ``openai`` on a server) and the rules.

A summarizer turns one classified event into a :class:`~logsumd.records.Summary`
synchronously; the caller runs it on a worker thread.  The model summarizer
writes the deterministic "what failed" sentence from the condensed facts, asks
the model for the likely cause and one check, verifies the result with
:func:`~logsumd.summarize.output_check.check_summary`, retries once with a stricter
prompt, and otherwise falls back to the rule-based summary.  The model is a
:class:`~logsumd.summarize.backend.ModelBackend`: the GGUF file loaded by
llama.cpp, or an OpenAI-compatible server
(:class:`~logsumd.summarize.openai_backend.OpenAIBackend`); everything else is
the same for both.
``Summary.summarizer`` says which path produced the text: ``llama``,
``llama-retry`` or ``rules``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from logsumd.config import SummarizerSettings
from logsumd.records import Classification, Event, Summary
from logsumd.summarize._refine import refine_answer
from logsumd.summarize.backend import (
    Completion,
    Deadline,
    LocalModel,
    ModelBackend,
    ModelUnavailable,
)
from logsumd.summarize.catalogue import Candidate
from logsumd.summarize.condense import Facts, RedactorLike, extract_facts, facts_block
from logsumd.summarize.diagnose import Findings, examine, rules_summary, written_summary
from logsumd.summarize.output_check import check_summary, extract_entities
from logsumd.summarize.prompt_examples import CANARY_STEMS
from logsumd.summarize.prompts import (
    CHECK_LABEL,
    CLAUSE_GRAMMAR,
    STOP,
    Answer,
    Prompt,
    PromptParts,
    Segment,
    build_parts,
    completion_prompt,
    neutralise_specials,
    parse_answer,
    prompt_text,
)
from logsumd.summarize.rule_summary import ADVICE
from logsumd.telemetry import emit

BACKENDS = ("llama", "openai", "catalogue", "rules")
CLAUSE_TOKENS = 36
"""Most tokens the model may write for the cause, and again for the check."""


class Summarizer(Protocol):
    """Writes the summary of one classified event (synchronous, one call at a time).

    ``cancel`` is set when nobody waits for the summary any more (the daemon
    stops, its caller was cancelled): a summarizer that takes long should stop
    and return what it has; a quick one may ignore it.
    """

    name: str

    def summarize(
        self, event: Event, cls: Classification, cancel: threading.Event | None = None
    ) -> Summary: ...

    def close(self) -> None: ...


class RulesSummarizer:
    """The rule-based summary: built only from parsed facts, never invents."""

    name = "rules"

    def summarize(
        self,
        event: Event,
        cls: Classification,
        cancel: threading.Event | None = None,  # noqa: ARG002 - it takes no time
    ) -> Summary:
        """The rule-based summary of ``event``: what failed and the category's advice."""
        return rules_summary(examine(event, cls, None))

    def close(self) -> None:
        """Nothing to free."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One model answer and what the checks found wrong with it."""

    text: str
    problems: tuple[str, ...]
    """Why the attempt cannot be used (empty: it can)."""
    timed_out: bool
    completions: tuple[Completion, ...]
    dropped: tuple[str, ...] = ()
    """Why clauses of the answer were left out of a usable attempt."""
    answer: Answer | None = None
    """The clauses kept."""


def uses_few_shot(settings: SummarizerSettings) -> bool:
    """Whether prompts carry few-shot examples: not with a LoRA adapter (trained without).

    A server's model says which prompt it expects in ``openai.prompt``.
    """
    if settings.backend == "openai":
        return settings.openai.prompt == "few_shot"
    return not settings.adapter or settings.adapter == "none"


def uses_chat(settings: SummarizerSettings) -> bool:
    """Whether the model is asked through its chat template (instruct models)."""
    if settings.backend == "openai":
        return settings.openai.api == "chat"
    return bool(settings.chat_format)


class LlamaSummarizer:
    """Summaries from a model, checked, with retry and rule-based fallback.

    Thread-safe when its backend is (the OpenAI backend is): ``last_attempts``
    is per thread.
    """

    name = "llama"

    def __init__(
        self,
        backend: ModelBackend,
        settings: SummarizerSettings,
        redactor: RedactorLike,
        *,
        name: str = "llama",
    ) -> None:
        self.name = name
        self.backend = backend
        self.settings = settings
        self.redactor = redactor
        self._example_token_cache: dict[str, frozenset[int]] = {}
        self._local = threading.local()
        self.few_shot = uses_few_shot(settings)
        """Few-shot prompts for the base model; the short prompt an adapter was trained on."""
        self.chat = uses_chat(settings)
        """Ask through the model's chat template (instruct models) rather than a completion."""

    @property
    def last_attempts(self) -> tuple[Attempt, ...]:
        """The attempts of this thread's latest call (for evaluation, benchmarks, metrics)."""
        attempts: tuple[Attempt, ...] = getattr(self._local, "attempts", ())
        return attempts

    @last_attempts.setter
    def last_attempts(self, attempts: tuple[Attempt, ...]) -> None:
        self._local.attempts = attempts

    def summarize(
        self, event: Event, cls: Classification, cancel: threading.Event | None = None
    ) -> Summary:
        """Summary of ``event``: model answer if it passes the checks, else the rules."""
        with Deadline(self.settings.timeout_secs, cancel) as deadline:
            summary, attempts = self._summarize(event, cls, deadline)
        self.last_attempts = attempts
        return summary

    def _summarize(
        self, event: Event, cls: Classification, deadline: Deadline
    ) -> tuple[Summary, tuple[Attempt, ...]]:
        facts = extract_facts(event, cls, self.redactor)
        findings = examine(event, cls, None)
        # what a summary may name: the event and the context lines of its own failure
        evidence = self.redactor.redact("\n".join([event.text, *findings.context]))
        attempts: list[Attempt] = []
        if facts.error or facts.header:
            for strict in (False, True):
                try:
                    attempt = self._attempt(facts, findings, evidence, strict, deadline)
                except ModelUnavailable as exc:
                    attempts.append(Attempt("", (f"model unavailable: {exc}",), False, ()))
                    break
                attempts.append(attempt)
                if attempt.timed_out:
                    emit(
                        "SummarizerTimeout",
                        path=event.path,
                        line=event.line_start,
                        timeout_secs=self.settings.timeout_secs,
                    )
                    break
                if not attempt.problems and attempt.answer is not None:
                    summary = written_summary(
                        findings,
                        attempt.answer.cause,
                        attempt.answer.check,
                        "llama-retry" if strict else "llama",
                        ADVICE.get(facts.category, ""),
                    )
                    return summary, tuple(attempts)
        reasons = [p for a in attempts for p in a.problems] or ["no facts to summarize"]
        emit(
            "SummarizerFallback",
            path=event.path,
            line=event.line_start,
            reasons=reasons[:6],
            timed_out=any(a.timed_out for a in attempts),
        )
        return rules_summary(findings), tuple(attempts)

    def rank(
        self,
        event: Event,
        cls: Classification,
        candidates: Sequence[Candidate],
        cancel: threading.Event | None = None,
    ) -> int | None:
        """The index of the likeliest candidate given the event's facts (None: no answer).

        Each candidate's filled cause and next step is scored as the answer the
        model would write after the event's prompt: its mean token log-probability.
        No text is generated.  Only a model in this process scores
        (:class:`~logsumd.summarize.backend.LocalModel`); chat-format models
        and a model server are not asked.
        """
        backend = self.backend
        if not isinstance(backend, LocalModel) or self.chat or len(candidates) < 2:
            return None
        facts = extract_facts(event, cls, self.redactor)
        parts = build_parts(facts_block(facts), facts.category, few_shot=self.few_shot)
        answers = [
            backend.tokenize(f" {c.cause}\n{CHECK_LABEL} {c.next_step}\n".encode(), False, False)
            for c in candidates
        ]
        with Deadline(self.settings.timeout_secs, cancel) as deadline:
            scores = backend.score(completion_prompt(parts), answers, deadline=deadline)
        if scores is None:
            return None
        return max(range(len(scores)), key=lambda k: (scores[k], -k))

    def _attempt(
        self, facts: Facts, findings: Findings, evidence: str, strict: bool, deadline: Deadline
    ) -> Attempt:
        parts = build_parts(
            facts_block(facts), facts.category, strict=strict, few_shot=self.few_shot
        )
        if self.chat:
            completions = [self._ask_chat(parts, deadline)]
            answer = parse_answer(completions[0].text.strip().removeprefix("Cause:"))
        else:
            completions = self._ask_completion(parts, deadline)
            answer = (
                parse_answer(f"{completions[0].text}\n{CHECK_LABEL}{completions[1].text}")
                if len(completions) == 2
                else None
            )
        timed_out = any(c.timed_out for c in completions)
        kept, notes = refine_answer(answer, facts, evidence)
        if kept is None:
            return Attempt("", tuple(notes), timed_out, tuple(completions))
        advice = ADVICE.get(facts.category, "")
        text = written_summary(findings, kept.cause, kept.check, "llama", advice).text
        problems = check_summary(text, evidence)
        return Attempt(text, tuple(problems), timed_out, tuple(completions), tuple(notes), kept)

    def _example_tokens(self, parts: PromptParts) -> frozenset[int]:
        """Tokens of the names in the prompt's examples (cached per prompt prefix)."""
        key = parts.instructions + parts.examples
        cached = self._example_token_cache.get(key)
        if cached is not None:
            return cached
        values = {e.value for e in extract_entities(key)} | set(CANARY_STEMS)
        ids: set[int] = set()
        for value in values:
            for variant in (value, f" {value}"):
                ids.update(self.backend.tokenize(variant.encode("utf-8"), False, False))
        result = frozenset(ids)
        deadline = Deadline.current()
        if deadline is None or not deadline.fired:  # a server that ran out of time told nothing
            self._example_token_cache[key] = result
        return result

    def banned_tokens(self, parts: PromptParts) -> list[int]:
        """Example-name tokens that the event does not contain: the model may not write them."""
        event: set[int] = set()
        for variant in (parts.event, f" {parts.event}"):
            event.update(self.backend.tokenize(variant.encode("utf-8"), False, False))
        return sorted(self._example_tokens(parts) - event)

    def _ask_completion(self, parts: PromptParts, deadline: Deadline) -> list[Completion]:
        """Two short greedy completions: the cause line, then the check line."""
        prompt = completion_prompt(parts)
        budget = max(8, min(self.settings.max_tokens // 2, CLAUSE_TOKENS))
        banned = self.banned_tokens(parts)
        cause = self._complete(prompt, budget, ["\n"], deadline, banned)
        if cause.timed_out or not cause.text.strip():
            return [cause]
        follow = prompt.then(
            Segment(cause.text.rstrip("\n"), trusted=False),
            Segment(f"\n{CHECK_LABEL}", trusted=True),
        )
        check = self._complete(follow, budget, ["\n", *STOP], deadline, banned)
        return [cause, check]

    def _complete(
        self, prompt: Prompt, budget: int, stop: list[str], deadline: Deadline, banned: list[int]
    ) -> Completion:
        """One clause; a model in this process writes it under :data:`CLAUSE_GRAMMAR`.

        A model server is asked without a grammar (the OpenAI API has none); its
        clause is cut to the same length by the summary's word limit.
        """
        backend = self.backend
        if isinstance(backend, LocalModel):
            return backend.complete(
                prompt,
                max_tokens=budget,
                stop=stop,
                deadline=deadline,
                banned=banned,
                grammar=CLAUSE_GRAMMAR,
            )
        return backend.complete(
            prompt, max_tokens=budget, stop=stop, deadline=deadline, banned=banned
        )

    def _ask_chat(self, parts: PromptParts, deadline: Deadline) -> Completion:
        """Instruct models: instructions and examples as system text, the facts as user text."""
        system = (
            parts.instructions
            + "Answer with two lines, 'Cause: ...' and 'Check: ...'.\n\n"
            + parts.examples
        )
        user = neutralise_specials(parts.event, self.backend.specials)
        return self.backend.chat(
            [{"role": "system", "content": system}, {"role": "user", "content": user}],
            max_tokens=self.settings.max_tokens,
            stop=["\n\n"],
            deadline=deadline,
        )

    def prompt_preview(self, event: Event, cls: Classification) -> str:
        """The first prompt this summarizer would send for ``event`` (for debugging)."""
        facts = extract_facts(event, cls, self.redactor)
        return prompt_text(build_parts(facts_block(facts), facts.category, few_shot=self.few_shot))

    def close(self) -> None:
        """Free the model."""
        self.backend.close()
