"""Which clauses of the model's answer are kept: those that add something and invent nothing.

A cause that only repeats the error, a check that repeats the cause, a clause
that copies the error message or names nothing of the event, and any clause
naming something absent from the event are dropped, each with a problem noted.
The summarizer and the training set builder (which drops examples the
summarizer would reject) use the same rules.
"""

from __future__ import annotations

import re

from logsumd.summarize.condense import Facts
from logsumd.summarize.output_check import check_summary, label_problems, normalise
from logsumd.summarize.prompts import Answer

_WORD_RE = re.compile(r"[a-z0-9_]+")


def _words(text: str) -> set[str]:
    return set(_WORD_RE.findall(normalise(text)))


_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "that this with from have were when what which there their then than into onto "
        "about after before while does done will would could should been being each other "
        "some more most only also just like make made used uses using "
        "error errors exception exceptions failed fail fails failure issue problem",
    )
)


def _content_words(text: str) -> set[str]:
    return {w for w in _words(text) if len(w) >= 4 and w not in _STOPWORDS}


ECHO_WORDS = 5
"""A clause sharing this many consecutive words with the error only repeats it."""


def echo_length(clause: str, text: str) -> int:
    """Longest run of consecutive words of ``clause`` that also occurs in ``text``."""
    words = _WORD_RE.findall(normalise(clause))
    haystack = " " + " ".join(_WORD_RE.findall(normalise(text))) + " "
    best = 0
    for start in range(len(words)):
        for end in range(start + best + 1, len(words) + 1):
            if f" {' '.join(words[start:end])} " not in haystack:
                break
            best = end - start
    return best


def _message_part(error: str) -> str:
    """``type: message`` -> ``message`` (the words of the type name say little)."""
    head, sep, tail = error.partition(": ")
    return tail if sep and " " not in head else error


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def refine_answer(
    answer: Answer | None, facts: Facts, evidence: str
) -> tuple[Answer | None, list[str]]:
    """Keep the clauses of the model's answer that add something and invent nothing.

    A cause that only repeats the error, a check that repeats the cause, and any
    clause naming something absent from ``evidence`` are dropped (with a
    problem noted); None when no clause is left.
    """
    if answer is None:
        return None, ["the model wrote neither a cause nor a check"]
    problems: list[str] = []
    known = _words(f"{facts.error} {facts.root} {facts.header}")
    cause, check = answer.cause, answer.check
    cause_words, check_words = _words(cause), _words(check)
    if cause and (len(cause_words) < 3 or len(cause_words - known) <= 1):
        problems.append("the cause only repeats the error message")
        cause = ""
    if check and len(check_words) < 2:
        problems.append("the check is too short")
        check = ""
    if cause and check and _jaccard(cause_words, check_words) > 0.6:
        problems.append("the check repeats the cause")
        check = ""
    grounding = {
        # a cause must echo the error's own words; a check may name any fact
        "cause": _content_words(" ".join([_message_part(facts.error), facts.root, *facts.causes])),
        "check": _content_words(
            " ".join([facts.header, facts.error, facts.root, facts.where, *facts.causes])
        ),
    }
    error_text = f"{facts.error} {facts.root} {facts.header}"
    kept: dict[str, str] = {}
    for label, clause in (("cause", cause), ("check", check)):
        clause_problems = check_summary(clause, evidence) if clause else []
        if clause and echo_length(clause, error_text) >= ECHO_WORDS:
            clause_problems.append("copies the error message")
        if clause and not _content_words(clause) & grounding[label]:
            clause_problems.append("names nothing of this event")
        if clause:
            clause_problems += label_problems(clause, evidence)
        problems += [f"{label}: {p}" for p in clause_problems]
        kept[label] = "" if clause_problems else clause
    if not kept["cause"] and not kept["check"]:
        return None, problems
    return Answer(kept["cause"], kept["check"]), problems
