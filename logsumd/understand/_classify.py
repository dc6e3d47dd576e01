"""Classify an event: root cause, category, application frames and cause lines.

``classify`` is pure: it reads only the event (its text and the context lines
read before it that belong to the same failure: see
:func:`~logsumd.understand._cause_lines.same_failure_context`).  The root cause
is the innermost exception of the chain (Python prints it first, Java last as
``Caused by:``).  When that is a generic wrapper (Airflow's "Bash command
failed", ``Py4JJavaError``, Spark's "Job aborted", ``CalledProcessError``) and
a more specific cause is visible — an exception named inside the wrapper's
message, or printed by the subprocess just before the traceback — that specific
cause becomes the exception type, message and first signal of the category.

The category is decided on ordered evidence: the root cause's own signal first,
then the rest of the chain (for an ERROR record without a trace: its message,
then its other lines), then the cause lines read around the event, the header
last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from logsumd.parse import (
    ParsedException,
    Trace,
    embedded_exception,
    java_header,
    parse,
    parse_record,
    strip_ansi,
)
from logsumd.records import Classification, Event, ExceptionInfo, Frame
from logsumd.understand._cause_lines import cause_lines_of, same_failure_context
from logsumd.understand.categories import categorize, match

MAX_APP_FRAMES = 5
MAX_MESSAGE_CHARS = 2000
MAX_RECORD_LINES = 30
"""Most lines of an ERROR record (without a trace) read as evidence of its category."""

WRAPPER_TYPES = frozenset(
    {
        "AirflowException",
        "AirflowFailException",
        "Py4JJavaError",
        "SparkException",
        "CalledProcessError",
        "SparkSubmitException",
        "DbtRuntimeError",
        "ExecutionException",
        "UndeclaredThrowableException",
        "InvocationTargetException",
        "CompletionException",
        "StreamingQueryException",
    }
)
GENERIC_WRAPPER_MSG = re.compile(
    r"Bash command failed|non-zero exit|returned non-zero|Cannot execute|Job aborted"
    r"|An error occurred while calling|Task received SIGTERM|exit(?:ed)? (?:with )?code"
    r"|Error code is|return code|Process returned|Job \d+ cancelled|Writing job aborted"
    r"|^$|^None$",
    re.IGNORECASE,
)
_REPEAT_TYPE = re.compile(r"^((?:[\w$]+\.)*[\w$]+): ")


def _short(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1].rsplit("$", 1)[-1]


_AZURE_META = re.compile(
    r" Content: <\?xml[^\n]{0,4000}?</Error>"
    r"| RequestId:[\w-]+ Time:\d{4}-\d\d-\d\dT[\d:.]+Z?(?:</Message></Error>)?"
)
"""azure-core's request id and time and its XML body (which repeats the message), after
the message: noise in an alert and volatile in a fingerprint.  Only these shapes go, and
only where ``ErrorCode:`` says it is azure-core's (red team: ``tests/attack29``)."""


def clean_message(exc_type: str, message: str) -> str:
    """Whitespace collapsed, a repeated ``Type: `` prefix and azure-core's request
    metadata removed, capped in length."""
    msg = " ".join(message.split())
    if "RequestId:" in msg and "ErrorCode:" in msg:
        msg = _AZURE_META.sub("", msg).strip()
    while True:
        m = _REPEAT_TYPE.match(msg)
        if m is None or _short(m.group(1)) != _short(exc_type):
            break
        msg = msg[m.end() :]
    return msg[:MAX_MESSAGE_CHARS]


def _is_wrapper(exc: ParsedException) -> bool:
    return _short(exc.type) in WRAPPER_TYPES


def _specific_cause(
    trace: Trace, context_trace: Trace | None, cause_lines: Sequence[str]
) -> tuple[str, str, tuple[Frame, ...]] | None:
    """A more specific (type, message, frames) than a wrapper root, if the text has one."""
    for k in trace.causal:
        emb = embedded_exception(trace.exceptions[k].message)
        if emb is not None and _short(emb[0]) not in WRAPPER_TYPES:
            return emb[0], emb[1], ()
    if context_trace is not None and context_trace.root is not None:
        root = context_trace.root
        if root.lang in ("python", "java", "dbt") and not _is_wrapper(root):
            return root.type, root.message, context_trace.app_frames(MAX_APP_FRAMES)
    for line in cause_lines:
        text = line.removeprefix("Caused by:").strip()
        jh = java_header(text)
        if (
            jh
            and jh[1]
            and not (_short(jh[0]) in WRAPPER_TYPES and GENERIC_WRAPPER_MSG.search(jh[1]))
        ):
            return jh[0], jh[1], ()
        emb = embedded_exception(text)
        if emb is not None and _short(emb[0]) not in WRAPPER_TYPES:
            return emb[0], emb[1], ()
    return None


def _signal(exc_type: str, message: str) -> str:
    return f"{exc_type}: {message}" if message else exc_type


def _record_lines(trace: Trace, root: ParsedException) -> list[str]:
    """The other lines of an ERROR record event, which may name what its message does not."""
    if root.lang != "log":
        return []
    texts = (rec.message.strip() for rec in trace.records[:MAX_RECORD_LINES])
    return [t for t in texts if t and t not in root.message]


def classify(event: Event, *, full: bool = True) -> Classification:
    """What the rules understand of ``event``; see ``records.Classification``.

    ``full=False`` is the daemon's hot path, which needs the category,
    the exception and the fingerprint's parts only: the context lines are then
    scored only when they can decide those (no trace, a wrapper exception, or
    no category rule matching the chain), and ``Classification.cause_lines`` is
    empty otherwise, with ``cause_lines_scored`` false: :func:`with_cause_lines`
    scores them later, for the few events whose summary is written.  The result
    is the same in every other field.
    """
    trace = parse(event.text)
    header = next((h for h in strip_ansi(event.text).split("\n") if h.strip()), "").strip()
    chain = tuple(ExceptionInfo(e.type, clean_message(e.type, e.message)) for e in trace.exceptions)
    before = trace.before
    root, outer = trace.root, trace.outer
    chain_signals = [_signal(chain[k].type, chain[k].message) for k in trace.causal]
    # The category of an ordinary trace is its chain's first strong match, if any.
    chain_category = None
    if not full and root is not None and not _is_wrapper(root):
        chain_category = next(filter(None, map(match, chain_signals)), None)
    first_line = event.text.split("\n", 1)[0]
    context = () if chain_category else same_failure_context(event.context, first_line)
    cause_lines = () if chain_category else cause_lines_of(context, before)
    if root is None or outer is None:
        return Classification(
            category=categorize([*cause_lines, header])[0],
            exception_type="ERROR",
            outer_exception_type="ERROR",
            message=header,
            chain=(),
            app_frame=None,
            app_frames=(),
            cause_lines=cause_lines,
            header=header,
        )
    header_lines = len(trace.before)
    frames = trace.app_frames(MAX_APP_FRAMES)
    exc_type, message = root.type, clean_message(root.type, root.message)
    signals: list[str]
    if _is_wrapper(root):
        context_trace = parse("\n".join(context)) if context else None
        specific = _specific_cause(trace, context_trace, cause_lines)
        own = [] if GENERIC_WRAPPER_MSG.search(message) else chain_signals[:1]
        signals = [*own]
        if specific is not None:
            exc_type, message = specific[0], clean_message(specific[0], specific[1])
            signals.insert(0, _signal(exc_type, message))
            frames = frames or specific[2]
        signals += [*cause_lines, *chain_signals, header]
    else:
        signals = [*chain_signals, *_record_lines(trace, root), *cause_lines, header]
    category = chain_category or categorize(signals)[0]
    return Classification(
        category=category,
        exception_type=exc_type,
        outer_exception_type=outer.type,
        message=message,
        chain=chain,
        app_frame=frames[0] if frames else None,
        app_frames=frames,
        cause_lines=cause_lines,
        header=header,
        header_lines=header_lines,
        cause_lines_scored=not chain_category,
    )


def with_cause_lines(event: Event, cls: Classification) -> Classification:
    """``cls`` with its cause lines scored, if ``classify(full=False)`` left them for later.

    Equal to what ``classify(event)`` returns, without parsing the trace again:
    the lines scored are the same failure's context and the event's first
    ``header_lines``.
    """
    if cls.cause_lines_scored:
        return cls
    head = event.text.split("\n", cls.header_lines)[: cls.header_lines]
    before = (
        [parse_record(line) for line in strip_ansi("\n".join(head)).split("\n")] if head else []
    )
    context = same_failure_context(event.context, event.text.split("\n", 1)[0])
    return replace(cls, cause_lines=cause_lines_of(context, before), cause_lines_scored=True)
