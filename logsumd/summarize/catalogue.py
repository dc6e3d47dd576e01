"""The diagnosis catalogue: specific failure modes matched against an event (pure).

The catalogue is data (``diagnoses.yaml`` in this package, plus the user's
``diagnoses:`` from the config, which win).  An entry matches an event when
every condition it gives holds: an exception type of the chain, a regex found
in the event's error text (:func:`~logsumd.summarize.subject.error_text`),
an application frame, a category.  Its cause and next step are filled from
the regex's named groups and the event's own identifiers (function, file,
task, model, exception).  A slot the event cannot fill removes the entry:
nothing is invented.  :meth:`Catalogue.candidates` returns the matches of the
highest rank (the user's entries first, then ``priority``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from logsumd.config import Diagnosis, alternatives, load_diagnoses_text, slot_names
from logsumd.parse import Trace
from logsumd.records import Classification
from logsumd.summarize._command_output import COMMAND_FAILED, command_causes
from logsumd.summarize._evidence import (
    frame_code,
    http_status,
    is_own_module,
    project_names,
    server_answered,
)
from logsumd.summarize._hosts import matched_lines, server_slots
from logsumd.summarize._slot_sources import conn_id, line_at, statement, virtualenv
from logsumd.summarize._templates import fill_template, tidy_value
from logsumd.summarize.subject import Subject, error_text, is_library_frame
from logsumd.understand import implied_exceptions

CATALOGUE_FILE = "diagnoses.yaml"
_EXC_NAME = re.compile(r"(?<![\w.$])((?:[a-z_][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Exceeded))\b")
_QUOTES = "'\"`"
_ALTERNATIVE = re.compile(r"^(?P<base>[a-z_]+?)\d+$")


@dataclass(frozen=True, slots=True)
class EventView:
    """What the matchers read of one event."""

    text: str
    """The error text: the event's lines without prefixes and stack frames."""
    exceptions: frozenset[str]
    """Exception type names of the event, qualified and short."""
    frames: tuple[str, ...]
    """Every frame of the trace as ``file:function``."""
    raised_in: str
    """``user`` or ``library``: where the root exception was raised (``anywhere``: unknown)."""
    category: str
    slots: dict[str, str]
    """The built-in slots the event can fill (empty values left out)."""
    http_status: str = ""
    """The 4xx/5xx HTTP status the event reports (``match.status``)."""
    answered: bool = False
    """A server answered (an HTTP 4xx/5xx, rejected credentials): no ``connection`` entry."""
    project: frozenset[str] = frozenset()
    """Folder and module names of the project's own files (``match.module``)."""
    code: tuple[str, ...] = ()
    """The source lines the root exception's Python traceback prints (``match.code``)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A catalogue entry that matches an event, with its slots filled."""

    id: str
    category: str
    cause: str
    next_step: str
    runbook: str
    priority: int
    user: bool
    """The entry comes from the user's config."""
    focus: str
    """The line of the error text that the entry's message regex matched ("" if none)."""
    evidence: str = ""
    """The text the message regex matched."""


@dataclass(frozen=True, slots=True)
class _Entry:
    diagnosis: Diagnosis
    user: bool
    exception: re.Pattern[str] | None
    message: re.Pattern[str] | None
    not_message: re.Pattern[str] | None
    frame: re.Pattern[str] | None
    code: re.Pattern[str] | None
    status: re.Pattern[str] | None
    server: frozenset[str]
    """The server slots (``{host}`` ...) its cause or next step use that no group of its
    message regex fills: the lines it matched are read for them."""


_SERVER = frozenset(("host", "url", "endpoint"))


def _server_slots(d: Diagnosis) -> frozenset[str]:
    used = {n for t in (d.cause, d.next_step) for a in alternatives(t) for n in slot_names(a) or []}
    own = set(re.compile(d.match.message).groupindex) if d.match.message else set()
    return frozenset(used & _SERVER - own)


def _compile(pattern: str) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


_STOPPED = re.compile(
    r"received SIGTERM|AirflowTaskTerminated|killed before it finished", re.IGNORECASE
)
"""A task runner's message that says only that the task was stopped."""
_STOP_REASON = re.compile(
    r"State of this instance has been externally set to \w+"
    r"|Recorded pid \d+ does not match the current pid \d+"
    r"|did not respond to SIGTERM\. Trying SIGKILL"
)
"""The runner's own line, just before, that says why it stopped the task."""
_REASON_LINES = 20


def is_stop_reason(line: str) -> bool:
    """``line`` is a runner's reason for a stop that :func:`matching_text` added from
    the lines before the event (the headline goes on quoting the event itself)."""
    return _STOP_REASON.fullmatch(line.strip()) is not None


def matching_text(
    trace: Trace, cls: Classification, context: Sequence[str] = (), own: Sequence[str] = ()
) -> str:
    """The error text, plus the root cause the classifier found outside it.

    A wrapper exception (``Bash command failed``, ``Cannot execute: spark-submit``)
    is classified by the cause its subprocess printed just before the trace;
    that root cause is added so the entries can match it.  A task stopped by
    SIGTERM gets the runner's reason from ``own``, the context lines of its own
    failure (its state set from outside, a pid that does not match; an earlier
    attempt's reason is not this one's).
    """
    text = error_text(trace)
    root = f"{cls.exception_type}: {cls.message}" if cls.message else ""
    if root and " ".join(cls.message.split()) not in " ".join(text.split()):
        text = f"{text}\n{root}" if text else root
    if COMMAND_FAILED.search(cls.message):
        # a wrapper that only says its command failed: the command's output says why
        found = command_causes(cls.message, cls.cause_lines, context, own)
        text = "\n".join((text, *found))
    if _STOPPED.search(cls.message):
        # a task stopped from outside: the runner said why just before the signal
        reasons = (m.group(0) for r in own[-_REASON_LINES:] if (m := _STOP_REASON.search(r)))
        text = "\n".join((text, *reasons))
    return text


def view_of(
    trace: Trace, cls: Classification, subject: Subject, text: str, context: Sequence[str] = ()
) -> EventView:
    """The matchers' view of an event whose error text is ``text`` (``context``: the
    context lines of the event's own failure, where Airflow names the connection a task
    uses)."""
    names: set[str] = set()
    for name in [cls.exception_type, cls.outer_exception_type, *(c.type for c in cls.chain)]:
        names.add(name)
    names.update(e.type for e in trace.exceptions)
    names.update(m.group(1) for m in _EXC_NAME.finditer(text))
    names.update(implied_exceptions(cls.message))  # the record's own failure only
    names |= {n.rsplit(".", 1)[-1].rsplit("$", 1)[-1] for n in names}
    frames = tuple(f"{f.file}:{f.function}" for e in trace.exceptions for f in e.frames)
    raised_in = "anywhere"
    for k in trace.causal:
        if trace.exceptions[k].frames:
            innermost = trace.exceptions[k].frames[0]
            raised_in = "library" if is_library_frame(innermost) else "user"
            break
    slots = {
        "function": subject.function,
        "file": subject.file,
        "where": subject.where,
        "task": subject.task,
        "model": subject.model,
        "exception": subject.exception,
    }
    names.discard("")
    status = http_status(text)
    slots["status"] = status
    code, raising = frame_code(trace)
    if raised_in == "user":
        slots["statement"] = statement(raising)
    slots["conn_id"] = conn_id(text, context)
    slots["venv"] = virtualenv(trace, cls.exception_type)
    slots.update(server_slots(cls.message))  # the root's; a matched line may name its own
    filled = {k: v for k, v in slots.items() if v}
    return EventView(
        text,
        frozenset(names),
        frames,
        raised_in,
        cls.category,
        filled,
        status,
        server_answered(text),
        project_names(trace, text),
        code,
    )


class Catalogue:
    """Compiled diagnoses: the user's entries, then the shipped ones.

    An id may have several entries (one per message shape).  A matching user
    entry outranks every shipped entry, whatever the priorities.
    """

    def __init__(self, shipped: Sequence[Diagnosis], user: Sequence[Diagnosis] = ()) -> None:
        entries = [(d, True) for d in user] + [(d, False) for d in shipped]
        self._entries = [
            _Entry(
                d,
                is_user,
                _compile(d.match.exception),
                _compile(d.match.message),
                _compile(d.match.not_message),
                _compile(d.match.frame),
                _compile(d.match.code),
                _compile(d.match.status),
                _server_slots(d),
            )
            for d, is_user in entries
        ]

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def diagnoses(self) -> tuple[Diagnosis, ...]:
        """Every entry, the user's first."""
        return tuple(e.diagnosis for e in self._entries)

    def matches(self, view: EventView) -> list[Candidate]:
        """Every entry that matches ``view`` with all its slots filled, best first."""
        found: list[tuple[int, Candidate]] = []
        for order, entry in enumerate(self._entries):
            candidate = self._match(entry, view)
            if candidate is not None:
                found.append((order, candidate))
        found.sort(key=lambda oc: (not oc[1].user, -oc[1].priority, oc[0]))
        return [c for _, c in found]

    def candidates(self, view: EventView) -> list[Candidate]:
        """The matches of the highest rank: the user's entries first, then by priority."""
        matches = self.matches(view)
        if not matches:
            return []
        best = matches[0]
        return [c for c in matches if c.user == best.user and c.priority == best.priority]

    @staticmethod
    def _match(entry: _Entry, view: EventView) -> Candidate | None:
        d = entry.diagnosis
        if d.match.category and view.category not in d.match.category:
            return None
        if d.match.raised_in not in ("anywhere", view.raised_in):
            return None
        if view.answered and d.category == "connection" and entry.status is None:
            return None  # the server answered: its status or rejection says what is wrong
        if entry.exception is not None and not any(
            entry.exception.fullmatch(name) for name in view.exceptions
        ):
            return None
        if entry.frame is not None and not any(entry.frame.search(f) for f in view.frames):
            return None
        if entry.code is not None and not any(entry.code.search(c) for c in view.code):
            return None
        if entry.status is not None and not entry.status.fullmatch(view.http_status or "-"):
            return None
        if entry.not_message is not None and entry.not_message.search(view.text):
            return None
        if entry.message is None:
            return _candidate(entry, dict(view.slots), "", "")
        own = entry.message.groupindex  # its own groups fill {host} / {url}, or nothing does
        for m in entry.message.finditer(view.text):  # the first match whose slots all fill
            # the server the matched lines name, not the root's (another exception's:
            # red team attack40); an entry's own groups fill {host} / {url} instead
            values = {k: v for k, v in view.slots.items() if k not in own and k not in _SERVER}
            groups = m.groupdict()
            if d.match.module != "anywhere" and not _module_fits(d.match.module, groups, view):
                continue
            for name, value in groups.items():
                if not value or not value.strip(_QUOTES).strip():
                    continue
                values[name] = tidy_value(value)
                alt = _ALTERNATIVE.match(name)  # path2 fills {path} in another alternative
                if alt and alt["base"] in groups and not groups[alt["base"]]:
                    values[alt["base"]] = values[name]
            if entry.server:
                for name, value in server_slots(matched_lines(view.text, m)).items():
                    if value and name in entry.server:
                        values[name] = value
            evidence = m.group(0).split("\n", 1)[0]
            found = _candidate(entry, values, line_at(view.text, m.start()), evidence)
            if found is not None:
                return found
        return None


def _module_fits(owner: str, groups: dict[str, str | None], view: EventView) -> bool:
    """Whether the ``module`` group names the project's own code (``own``) or not."""
    module = groups.get("module") or ""
    return bool(module) and is_own_module(module, view.project) == (owner == "own")


def _candidate(
    entry: _Entry, values: dict[str, str], focus: str, evidence: str
) -> Candidate | None:
    """The candidate of ``entry`` with these slot values; None when a slot stays empty."""
    d = entry.diagnosis
    cause = fill_template(d.cause, values)
    step = fill_template(d.next_step, values, cause or "")
    if cause is None or step is None:
        return None
    return Candidate(
        d.id, d.category, cause, step, d.runbook or "", d.priority, entry.user, focus, evidence
    )


@cache
def shipped_diagnoses() -> tuple[Diagnosis, ...]:
    """The catalogue shipped in the package (checked like a config file)."""
    text = resources.files("logsumd.summarize").joinpath(CATALOGUE_FILE).read_text("utf-8")
    return load_diagnoses_text(text, CATALOGUE_FILE)


def load_catalogue(user: Sequence[Diagnosis] = ()) -> Catalogue:
    """The shipped catalogue with the user's entries added (theirs win)."""
    return Catalogue(shipped_diagnoses(), user)
