"""Prompt templates per category, built as token lists, and parsing of the answer.

A prompt is ``[BOS] instructions | examples of the category | event facts | "Cause:"``.
The constant text comes first so that llama.cpp reuses the KV cache of the
instructions for every event and of the examples for events of the same
category.  Our own text is tokenized with ``special=True``; the event text, which
is untrusted, with ``special=False`` so that a log line containing
``<start_of_turn>`` or ``<eos>`` stays plain text.  The model writes two short
lines, ``Cause: ...`` and ``Check: ...``; :func:`compose_summary` joins them to the
deterministic "what failed" sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from logsumd.config import CATEGORIES
from logsumd.summarize.prompt_examples import EXAMPLES, GENERAL, Example

Tokenize = Callable[[bytes, bool, bool], list[int]]
"""``tokenize(text, add_bos, special)``, the signature of ``Llama.tokenize``."""

INSTRUCTIONS = (
    "Notes of an on-call data engineer. For each error report of an ETL job, the note gives "
    "the likely cause in a few words and one concrete thing to check. A note only uses "
    "names that appear in its own report.\n\n"
)
STRICT_INSTRUCTIONS = (
    "Notes of an on-call data engineer. For each error report of an ETL job, the note gives "
    "the likely cause in a few plain words and one thing to check. A note never names "
    "files, paths, hosts, tables, numbers or dates.\n\n"
)
ANSWER_PREFIX = "Cause:"
CHECK_LABEL = "Check:"
STOP = ("\n\n", "\nError:", "\nLog:", "\nWhere:")

CLAUSE_GRAMMAR = r"""
root ::= " " first (" " word){1,11} "\n"
first ::= [a-zA-Z] [a-zA-Z0-9_'./-]*
word ::= [a-zA-Z0-9_'"./:(),=-]+
"""
"""GBNF (llama.cpp grammar) of one clause the model writes: 2 to 12 words on one line.

The model's cause and next step stay short and scannable; what they name is
then checked against the event like any other answer."""

MAX_CLAUSE_CHARS = 160


@dataclass(frozen=True, slots=True)
class PromptParts:
    """The parts of a prompt, from the most constant to the event's own."""

    instructions: str
    """Instructions and the examples shared by every category."""
    examples: str
    """The category's examples, the one most like the event last."""
    event: str
    """The event's facts: untrusted text."""
    answer_prefix: str = ANSWER_PREFIX


@dataclass(frozen=True, slots=True)
class Answer:
    """What the model wrote: the likely cause and the thing to check (either may be empty)."""

    cause: str
    check: str


def example_text(example: Example) -> str:
    """One worked example in the prompt's format."""
    return f"{example.facts}{ANSWER_PREFIX} {example.cause}\n{CHECK_LABEL} {example.check}\n\n"


def examples_for(category: str) -> tuple[Example, ...]:
    """The examples of ``category`` (unknown categories use ``other``)."""
    return EXAMPLES.get(category, EXAMPLES["other"])


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z0-9]+", text.lower()))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the word sets of two texts."""
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def build_parts(
    facts_block: str, category: str, *, strict: bool = False, few_shot: bool = True
) -> PromptParts:
    """The prompt of one event: constant instructions and examples, then its facts.

    The category's examples are ordered by similarity to the event, the most
    similar last (nearest to the event, where a small model looks hardest).
    ``few_shot=False`` leaves every example out: the short prompt that a LoRA
    adapter is trained on (``logsumd.train``) and served with.
    """
    if category not in CATEGORIES:
        category = "other"
    instructions = STRICT_INSTRUCTIONS if strict else INSTRUCTIONS
    if not few_shot:
        return PromptParts(instructions, "", facts_block)
    ranked = sorted(
        examples_for(category), key=lambda e: (similarity(e.facts, facts_block), e.facts)
    )
    general = "".join(example_text(e) for e in GENERAL)
    examples = "".join(example_text(e) for e in ranked)
    return PromptParts(instructions + general, examples, facts_block)


def prompt_text(parts: PromptParts) -> str:
    """The whole prompt as text (for logs and for chat models)."""
    return parts.instructions + parts.examples + parts.event + parts.answer_prefix


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a completion prompt: our own text, or untrusted text from a log."""

    text: str
    trusted: bool
    """Our own text may hold control tokens; untrusted text (log lines, model output) never."""
    reusable: bool = False
    """The prompt up to the end of this piece recurs: a model may keep its KV cache there."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """A completion prompt as segments; each backend encodes it its own way.

    The in-process model tokenizes each segment (``special`` only for trusted
    ones) and reuses its KV cache at the ``reusable`` ends; an HTTP server gets
    the text with control-token strings in untrusted segments broken up.
    """

    segments: tuple[Segment, ...]

    def then(self, *segments: Segment) -> Prompt:
        """This prompt followed by ``segments``; its own end becomes reusable."""
        head = self.segments
        if head and not head[-1].reusable:
            last = head[-1]
            head = (*head[:-1], Segment(last.text, last.trusted, reusable=True))
        return Prompt(head + segments)

    def text(self, specials: tuple[str, ...] = ()) -> str:
        """The whole prompt as text; ``specials`` are neutralised in untrusted segments."""
        return "".join(
            s.text if s.trusted else neutralise_specials(s.text, specials) for s in self.segments
        )

    def tokens(self, tokenize: Tokenize, bos: int | None) -> tuple[list[int], tuple[int, ...]]:
        """The prompt as tokens, and the token positions where reusable segments end."""
        tokens = [bos] if bos is not None else []
        marks: list[int] = []
        for segment in self.segments:
            tokens += tokenize(segment.text.encode("utf-8"), False, segment.trusted)
            if segment.reusable:
                marks.append(len(tokens))
        return tokens, tuple(marks)


def completion_prompt(parts: PromptParts) -> Prompt:
    """The prompt of ``parts`` for a completion model: constant parts first, then the event."""
    return Prompt(
        (
            Segment(parts.instructions, trusted=True, reusable=True),
            Segment(parts.examples, trusted=True, reusable=True),
            Segment(parts.event, trusted=False),
            Segment(parts.answer_prefix, trusted=True),
        )
    )


def prompt_tokens(parts: PromptParts, tokenize: Tokenize, bos: int | None) -> list[int]:
    """The prompt as tokens: only the event part is tokenized with ``special=False``."""
    return marked_prompt_tokens(parts, tokenize, bos)[0]


def marked_prompt_tokens(
    parts: PromptParts, tokenize: Tokenize, bos: int | None
) -> tuple[list[int], tuple[int, ...]]:
    """The prompt tokens and where its constant parts end (instructions, examples)."""
    return completion_prompt(parts).tokens(tokenize, bos)


def _clause(text: str) -> str:
    """First sentence of a model line, without label, quotes or trailing punctuation."""
    text = " ".join(text.split())
    text = re.split(r"(?<=[a-z0-9)])[.!?](?:\s|$)", text, maxsplit=1)[0]
    if len(text) > MAX_CLAUSE_CHARS:
        text = text[:MAX_CLAUSE_CHARS].rsplit(" ", 1)[0]
    return text.strip(" .;:,-")


def parse_answer(completion: str) -> Answer | None:
    """The cause and check lines of a completion that followed ``Cause:``; None if empty."""
    lines = [ln.strip() for ln in completion.strip("\n").split("\n")]
    cause = _clause(lines[0].removeprefix(ANSWER_PREFIX)) if lines else ""
    check = ""
    for line in lines[1:]:
        if line.startswith(CHECK_LABEL):
            check = _clause(line[len(CHECK_LABEL) :])
            break
    check = re.sub(r"^(check|verify|confirm)\s+", "", check, flags=re.I)
    if not cause and not check:
        return None
    return Answer(cause, check)


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first.isalpha() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def compose_summary(what_failed: str, answer: Answer, advice: str = "") -> str:
    """Two sentences: what failed (copied facts), then the model's cause and/or check.

    ``advice`` (a generic imperative sentence) stands in for a missing check.
    """
    if answer.cause and answer.check:
        tail = f"Likely cause: {_lower_first(answer.cause)}; check {answer.check}."
    elif answer.cause and advice:
        tail = f"Likely cause: {_lower_first(answer.cause)}; {_lower_first(advice.strip())}"
        tail = tail.rstrip(".") + "."
    elif answer.cause:
        tail = f"Likely cause: {_lower_first(answer.cause)}."
    elif answer.check:
        tail = f"Check {answer.check}."
    else:
        return what_failed
    return f"{what_failed} {tail}"


def neutralise_specials(text: str, specials: tuple[str, ...]) -> str:
    """Break up special-token strings in untrusted text (for chat templates).

    Chat templates render messages to text that llama.cpp tokenizes with special
    tokens enabled; a zero-width space inside ``<eos>`` keeps it plain text.
    """
    for special in specials:
        if len(special) > 1 and special in text:
            text = text.replace(special, special[0] + "\u200b" + special[1:])
    return text
