"""From an event to its findings and the summaries that need no model (pure).

:func:`examine` reads one redacted, classified event once: who failed
(:mod:`~logsumd.summarize.subject`), the message the headline quotes, and
the catalogue entries that match it.  :func:`catalogue_summary` writes the
summary of one entry; :func:`rules_summary` the summary without a diagnosis
(the headline and the category's generic advice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from logsumd.parse import Trace, parse
from logsumd.records import Classification, Event, Summary
from logsumd.summarize._anchor import anchored
from logsumd.summarize._command_output import COMMAND_FAILED
from logsumd.summarize._headline import clean_message, fit, headline
from logsumd.summarize.catalogue import (
    Candidate,
    Catalogue,
    EventView,
    is_stop_reason,
    matching_text,
    view_of,
)
from logsumd.summarize.condense import header_message
from logsumd.summarize.rule_summary import advice_of
from logsumd.summarize.subject import Subject, subject_of
from logsumd.understand import same_failure_context

_GENERIC_LINE = re.compile(
    r"(?i)^(?:Traceback \(most recent call last\)|Task failed with exception|Encountered an error"
    r"|(?:Database|Runtime|Compilation|Parsing) Error(?: in \w+ \S+ \([^)]*\))?|Script failed"
    r"|Failed to import: \S+|Output|Stacktrace|Exception follows|During handling of the above"
    r"|The above exception was the direct cause)\W*$"
)
_INFORMATIVE = re.compile(
    r"(?i)error|fail|exception|not found|does not exist|denied|refused|invalid|unable|cannot"
    r"|could not|timed? ?out|missing|unknown|exceeded|killed|no such"
)


@dataclass(frozen=True, slots=True)
class Findings:
    """What one event shows, ready to be written up."""

    subject: Subject
    message: str
    """The root message the headline quotes."""
    view: EventView
    candidates: tuple[Candidate, ...]
    """The best-ranked matching catalogue entries (empty: the catalogue is silent)."""
    category: str
    jvm: bool = False
    """The root cause is a JVM exception."""
    context: tuple[str, ...] = ()
    """The context lines of the event's own failure (``same_failure_context``)."""


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _root_message(trace: Trace, cls: Classification, subject: Subject, text: str) -> str:
    """The root exception's message, or the record's, or the first informative line."""
    root = trace.root
    if subject.exception and root is not None and root.lang != "log" and not root.message.strip():
        for k in trace.causal[1:]:  # a root without a message: say what it interrupted
            outer = trace.exceptions[k]
            if outer.message.strip():
                return f"{outer.type.rsplit('.', 1)[-1]}: {outer.message}"
    if subject.exception and cls.message.strip():
        return cls.message
    if root is not None and root.lang == "log" and root.message.strip():
        return header_message(root.message.strip().split("\n", 1)[0])
    for line in text.split("\n"):
        if line.strip() and not _GENERIC_LINE.match(line.strip()) and _INFORMATIVE.search(line):
            return header_message(line)
    message = header_message(cls.message.split("\n", 1)[0])
    if clean_message(message):
        return message
    return next((line.strip() for line in text.split("\n") if clean_message(line)), message)


_TYPED_LINE = re.compile(
    r"^(?P<type>(?:[\w$]+\.)*[A-Z][\w$]*(?:Error|Exception)\w*):\s+(?P<msg>.+)"
)


def headline_message(findings: Findings, candidate: Candidate | None) -> tuple[Subject, str]:
    """The subject and the message to quote: the root's, or the line the diagnosis matched.

    When that line is another exception of the chain (a ``NoOptionError`` raised
    while handling a ``KeyError``), the headline names that exception.
    """
    message = findings.message
    if candidate is None or not candidate.focus or is_stop_reason(candidate.focus):
        return findings.subject, message
    if _norm(candidate.evidence) in _norm(message):
        return findings.subject, message
    focus = header_message(candidate.focus)
    if _GENERIC_LINE.match(focus.strip()) and _printed_below(
        findings.view.text, candidate, message
    ):
        return findings.subject, message  # a title such as dbt's "Database Error in model x"
    typed = _TYPED_LINE.match(focus)
    if typed and findings.subject.exception:
        return replace(findings.subject, exception=typed["type"]), typed["msg"]
    return findings.subject, focus


_RUN_SUMMARY = re.compile(r"(?i)^Completed with \d+ errors?\b|^Done\. PASS=")


def _printed_below(text: str, candidate: Candidate, message: str) -> bool:
    """``message`` is printed below the title line ``candidate`` matched, in its block
    (not a wrapper's verdict such as Airflow's "Bash command failed", nor dbt's run tally)."""
    head = _norm(message)[:40]
    at = text.find(candidate.focus)
    if not head or at < 0 or _RUN_SUMMARY.match(message) or COMMAND_FAILED.search(message):
        return False
    return head in _norm(text[at + len(candidate.focus) :])


def examine(event: Event, cls: Classification, catalogue: Catalogue | None) -> Findings:
    """The findings of a redacted, classified event."""
    trace = parse(event.text)
    subject = subject_of(event, cls, trace)
    own = same_failure_context(event.context, event.text.split("\n", 1)[0])
    text = matching_text(trace, cls, event.context, own)
    view = view_of(trace, cls, subject, text, own)
    candidates = tuple(catalogue.candidates(view)) if catalogue is not None else ()
    message = _root_message(trace, cls, subject, text)
    root = trace.root
    jvm = root is not None and root.lang == "java"
    return Findings(subject, message, view, candidates, cls.category, jvm, own)


CATEGORY_PRIORITY = 70
"""An entry of at least this priority (a specific message shape, see the catalogue's
header) names the alert's category; below it, the entry only says the cause."""


def catalogue_summary(findings: Findings, candidate: Candidate, source: str) -> Summary:
    """The summary of ``candidate``: headline, its cause and its next step."""
    subject, message = headline_message(findings, candidate)
    shown = headline(subject, message, candidate.evidence)
    sources = (message, candidate.focus, findings.message)
    cause = anchored(candidate.cause, candidate.category, sources, shown, findings.view.text)
    text = fit(subject, message, candidate.evidence, cause, candidate.next_step)
    decides = candidate.user or candidate.priority >= CATEGORY_PRIORITY
    category = candidate.category if decides else ""
    return Summary(text, source, candidate.id, candidate.runbook, category)


_IMPERATIVE = re.compile(
    r"(?i)^(?:add|check|create|define|delete|drop|enable|fix|give|grant|increase|install|look"
    r"|make|move|pass|point|put|raise|read|reduce|remove|rerun|restart|retry|run|set|start"
    r"|update|use|verify|wait)\b"
)


def next_step_of(check: str) -> str:
    """A model's ``Check:`` clause as a next step (``the volume`` -> ``check the volume``)."""
    check = check.strip()
    return check if not check or _IMPERATIVE.match(check) else f"check {check}"


def written_summary(
    findings: Findings, cause: str, check: str, source: str, advice: str = ""
) -> Summary:
    """The summary with the cause and ``Check:`` clause that the model wrote.

    Without a check clause, ``advice`` (an imperative sentence) is the next step.
    """
    step = next_step_of(check) if check else advice
    return Summary(fit(findings.subject, findings.message, "", cause, step), source)


def rules_summary(findings: Findings) -> Summary:
    """The headline and the category's generic advice: no diagnosis.

    For an error of no known kind the advice points at what the event shows: the
    user's frame (``Start at load.py:40 ...``), else, for a record of the job's own
    logger without an exception, the code that logs it.
    """
    advice = advice_of(findings.category, findings.view.text, findings.jvm)
    subject = findings.subject
    if findings.category == "other":
        if subject.where and not findings.jvm and "py4j" not in subject.exception.lower():
            advice = f"Start at {subject.where} and check the values it received."
        elif subject.logger and not subject.exception:  # the job's own logger said it
            advice = "Find where the job's code logs this message and check what it reports."
    return Summary(fit(subject, clean_message(findings.message), "", "", advice), "rules")
