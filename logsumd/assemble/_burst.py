"""Records of one burst: an error record that joins the event before it (pure).

Several ERROR records in the same second are separate failures unless one is more
severe than the event's first (a failure escalated at once), restates the event's last
record under another head (a failure passed up the call stack and logged again), or,
after a trace, quotes the failure the trace ended with and names the same run
(Prefect's ``Task run 'x' - Finished in state Failed("...")``).  A storm, one record
logged again and again within seconds by the same logger (a retry loop, the same request
with other parameters), is one alert too; so is HttpHook's response body after its
status.  :func:`same_burst`
is asked by the assembler for each error record while an event is open.
"""

from __future__ import annotations

import re

from logsumd.assemble._checks import JSON_TIME_KEYS, clock, same_second
from logsumd.assemble.multiline import M_GENERIC, P_CHECKS, P_TRACE, RuleSet
from logsumd.parse import LineInfo, Record, parse_line, parse_record, strip_ansi

__all__ = ["RESTATED_CHARS", "STORM_GAP_SECS", "STORM_SECS", "same_burst"]

_CAUSE_SEP = re.compile(r"[:\uff1a]\s*")
_INNER_SEP = re.compile(r"[:\uff1a]\s+")
"""A colon that ends a head (not a URL's ``https:``): what follows the last is the
innermost cause."""
RESTATED_CHARS = 12
"""Fewest characters of a cause that a record restating another's must repeat."""
_HTTP_ERROR = re.compile(r"\s*HTTP error: ")
_CODE_LINE = re.compile(r"(?P<file>[\w.-]+\.py):(?P<line>\d+)")


def _response_body(first: Record, first_line: str, last_line: str, rec: Record) -> bool:
    """Airflow's HttpHook logs ``HTTP error: <reason>`` from one line of its file and the
    response's body from the next one (``{http.py:154}``, ``{http.py:155}``): that one
    record is the status's detail.  Another line, a record of a logger that names no
    line, another status, a record after the body: failures of their own (red team:
    ``tests/attack32``)."""
    if last_line != first_line or _HTTP_ERROR.match(rec.message):
        return False
    if not _HTTP_ERROR.match(first.message):
        return False
    here, there = _CODE_LINE.fullmatch(rec.source or ""), _CODE_LINE.fullmatch(first.source or "")
    if here is None or there is None or here["file"] != there["file"]:
        return False
    return int(here["line"]) == int(there["line"]) + 1


STORM_GAP_SECS = 2.0
"""Most seconds between two records of a storm (one record logged again and again)."""
STORM_SECS = 10.0
"""A storm's record later than this after its first starts the next event: a failure
that goes on being logged still gets its alert within seconds."""
_TIME_OF_DAY = re.compile(r"\d\d:\d\d:\d\d(?:[.,]\d+)?")
_JSON_TIME = re.compile(rf'"{JSON_TIME_KEYS}"\s*:\s*"[^"]{{0,40}}"')
_QUERY = re.compile(r"(?<=\S)\?[^\s'\"<>]*")
"""A URL's query string: what a request per item changes (``?latitude=27.7``).  Numbers,
quoted names and paths elsewhere may be what tells two failures apart (exit code 1 or
137, table 'orders' or 'users'): they must be equal."""


def _cause_at(msg: str) -> int:
    sep = _CAUSE_SEP.search(msg)
    return sep.end() if sep else len(msg)


def _parallel(head: str, other: str) -> bool:
    """Two heads that differ only in an identifier (``Task a failed`` and ``Task b
    failed``, ``Load of orders failed`` and ``Load of order items failed``): parallel
    failures of several things, not one failure logged twice.  Half the words equal in
    place, or a shared start and end that make half the longer head (red team:
    ``tests/attack33``)."""
    a, b = head.split(), other.split()
    if len(a) == len(b) and sum(x == y for x, y in zip(a, b, strict=True)) * 2 >= len(a):
        return True
    short = min(len(a), len(b))
    start = next((i for i in range(short) if a[i] != b[i]), short)
    end = next((i for i in range(short - start) if a[-1 - i] != b[-1 - i]), short - start)
    return (start + end) * 2 >= max(len(a), len(b)) > 0


_BARE_FAILURE = re.compile(
    r"(?i)^[^:\uff1a]{0,60}\b(?:failed|failure|error|could not|unable to|aborted)\b"
    r"[^:\uff1a]{0,30}$"
)
"""A short message that reports a failure without any detail (``Extraction failed``,
``Could not connect to the database``): a caller's word on the failure just logged."""


def _kin(a: str | None, b: str | None) -> bool:
    """The same logger, or one a parent of the other (``etl`` and ``etl.load``)."""
    if a == b:
        return True
    return bool(a and b) and (f"{a}.".startswith(f"{b}.") or f"{b}.".startswith(f"{a}."))


def _restates(earlier: Record, rec: Record, traced: bool) -> bool:
    """``rec`` is ``earlier`` logged again: by the same logger, the same message or one
    that ends ``earlier`` with the cause after its first colon, under another head
    (``Error processing stream: X`` then ``Main execution error: X``), or whose cause
    after its last colon, of at least :data:`QUOTED_CHARS`, ``earlier`` holds in quotes
    (``API request failed: {'message': "X"}`` then ``Error creating entry: API error:
    X``; a cause met unquoted may be a parallel item's: red team ``tests/attack33``);
    or, by the same
    logger or its parent or child, a bare report of a failure (``Extraction failed``)
    after an event without a trace (``traced``), whose head is not parallel to the
    earlier one's (``Task b failed`` after ``Task a failed: X`` is another task).
    Red teams: ``tests/attack5``, ``tests/attack6``."""
    msg, prev = rec.message.strip(), earlier.message.strip()
    if msg == prev and rec.source == earlier.source and len(msg) >= RESTATED_CHARS:
        return True
    if _BARE_FAILURE.match(msg):  # after a trace, a bare record heads the next one
        head = prev[: _cause_at(prev)].rstrip(": \uff1a")
        return _kin(earlier.source, rec.source) and not traced and not _parallel(msg, head)
    if rec.source != earlier.source or len(msg) < RESTATED_CHARS:
        return False
    at = _cause_at(msg)
    cause = msg[at:].strip()
    if len(cause) >= RESTATED_CHARS and prev.endswith(cause):
        return not _parallel(msg[:at], prev[: len(prev) - len(cause)])
    # the innermost cause in quotes inside the earlier record (an API's error body); after a
    # trace, the run-naming rule of _quotes_failure decides (red team: tests/attack21)
    inner = _INNER_SEP.split(msg)[-1].strip()
    quoted = next((q for q in (f'"{inner}"', f"'{inner}'") if q in prev), None)
    if traced or len(inner) < QUOTED_CHARS or quoted is None:
        return False
    return not _parallel(msg[: len(msg) - len(inner)], prev[: prev.index(quoted)])


def same_burst(
    rs: RuleSet,
    first_line: str,
    li: LineInfo,
    last_line: str = "",
    mode: int = M_GENERIC,
    phase: int = P_TRACE,
) -> bool:
    """``li`` is an error record of the same second as the event's first line that is
    more severe, or that restates the event's ``last_line`` (see :func:`_restates`;
    red team: ``tests/attack5``), the event being in ``mode`` (a trace or not).

    A failure escalated at once (``ERROR - Error inserting into series`` then
    ``CRITICAL - ETL load step failed``) or passed up the call stack and logged
    again is one event.  Other records of the same level in the same second stay
    apart: two tables failing together are two failures.  dbt debug's reasons
    (``P_CHECKS``) are INFO records: a failure in their second is another one.
    """
    if mode == M_GENERIC and phase == P_CHECKS:
        return False
    if not li.record or li.level < rs.threshold:
        return False
    if not same_second(first_line, li):
        return mode == M_GENERIC and _repeats(first_line, last_line, li)
    if li.level > parse_line(first_line.encode()).level:
        return True
    if not last_line:
        return False
    traced = mode != M_GENERIC
    last, rec = parse_record(last_line), parse_record(li.clean)
    if traced:
        return _quotes_failure(last, first_line, rec) or _restates(last, rec, traced)
    first = parse_record(first_line)
    if _response_body(first, first_line, last_line, rec):
        return True
    if not last.prefixed or _details(first, first_line, last_line, last):
        last = first  # after a message's lines or details, the failure itself is compared
    if _restates(last, rec, traced) or _details(first, first_line, li.clean, rec):
        return True
    return _repeats(first_line, last_line, li)


_DETAIL = re.compile(
    r"\s*(?P<label>[^\W\d][^:.=_/\\'\"\n]{0,39}?):\s+(?P<value>"
    r"[/~\\\[({'\"]|[A-Za-z]:[\\/]|\.{1,2}/|[a-z][a-z\d+.-]*://|\d{4}-\d\d-\d\d"
    r"|-?\d[\d.,]*\s*(?:%|ms|s|rows?|bytes?|[KMG]i?B)?\s*$"
    r"|[\w@+-]*[.:@_\d][\w.:@+-]*(?:\s+\([\w\s]{1,20}\))?\s*$)"
)
"""``Label: value`` whose value is data: a path, a URL, a list or tuple, a quoted
string, a date, a number or one identifier with a dot, colon, digit or underscore
(``Database: /data/etl.db``, ``Sample bad rows: [...]``, ``Host: db.internal:5432``,
``Warehouse: LOAD_WH``); not a logger's dotted name, a run's ``'x' - `` or prose or a
bare word (``Reason: column qty does not exist``, ``Ticket: expired`` may be failures
of their own)."""
_FAILURE_WORD = re.compile(
    r"(?i)error|fail|exception|traceback|unable|cannot|can't|could not|denied|refused|timed? ?out"
    r"|invalid|not found|missing|abort|fatal|crash|killed|\bno such\b|duplicate|incorrect"
    r"|out of range|violat|conflict|bad request|unauthori[sz]ed|forbidden|overflow"
    r"|\(\w{5}\):|\b(?:status|http|code)\W{0,3}[45]\d\d\b"
)
_LINE_NO = re.compile(r":\d+$")
_DIGITS = re.compile(r"\d+")


def _prefix(line: str, rec: Record) -> str:
    """What comes before a record's message, digits masked (its shape)."""
    at = line.rfind(rec.message) if rec.message else -1
    return _DIGITS.sub("0", line[:at] if at > 0 else line[:40])


def _details(first: Record, first_line: str, line: str, rec: Record) -> bool:
    """``rec`` (of ``line``) gives a detail of the failure the event's first record
    (``first``, of ``first_line``) states: a short label and a value that is data (see
    ``_DETAIL``), no failure word, from the same logger (its ``{file.py:N}`` line number
    aside), or, where the records name none, with the same prefix.  A job that logs
    where it failed after the failure is one alert, not one per detail (red team:
    ``tests/attack28``)."""
    m = _DETAIL.match(rec.message)
    if m is None or len(m["label"].split()) > 6 or _FAILURE_WORD.search(rec.message, 0, 300):
        return False
    if not _FAILURE_WORD.search(first.message, 0, 300):
        return False
    mine, theirs = _LINE_NO.sub("", rec.source or ""), _LINE_NO.sub("", first.source or "")
    if mine or theirs:
        return mine == theirs
    return _prefix(line, rec) == _prefix(first_line, first)


QUOTED_CHARS = 24
"""Fewest characters of a trace's failure that a record quoting it must repeat."""
_ENTITY = re.compile(r"(.{1,80}?) - ")


def _quotes_failure(last: Record, first_line: str, rec: Record) -> bool:
    """After a trace, ``rec`` reports the failure the event ended with: it quotes the
    start of the message after the last line's first colon (the exception's message,
    or the cause a record restating it gave) and names the same thing as the event's
    first record (the part before `` - ``: Prefect's ``Task run 'load-1a2'``).  Prefect
    logs ``Task run 'x' - Finished in state Failed("... HTTPError: HTTP 500 ...")``
    after the traceback; a flow run's or another task's report is another event, and
    so is a record that names no run."""
    msg = last.message.strip()
    cause = msg[_cause_at(msg) :].strip()
    if len(cause) < QUOTED_CHARS or cause[:40] not in rec.message:
        return False
    mine = _ENTITY.match(rec.message)
    theirs = _ENTITY.match(parse_record(first_line).message) if mine is not None else None
    # without a named run on both, a quoted cause may be a parallel job's (red team:
    # tests/attack21): the older restatement rule decides those
    return mine is not None and theirs is not None and mine.group(1) == theirs.group(1)


def _shape(line: str) -> str | None:
    """The record of ``line`` with its time of day (and a URL's query string) masked: two
    records of one storm have the same shape.  None when the time is not the record's own
    (a prefix or a JSON time field; a time in the message says nothing of when it was
    logged: red team ``tests/attack31``)."""
    line = line.rstrip()
    if line.startswith("{"):
        field = _JSON_TIME.search(line)
        if field is None:
            return None
        masked = _TIME_OF_DAY.sub("#", field.group())
        return _QUERY.sub("?", line[: field.start()] + masked + line[field.end() :])
    rec = parse_record(line)
    prefix = rec.prefix
    time = _TIME_OF_DAY.search(prefix)
    if time is None or len(rec.message.strip()) < RESTATED_CHARS:
        return None
    return prefix[: time.start()] + "#" + prefix[time.end() :] + _QUERY.sub("?", rec.message)


def _repeats(first_line: str, last_line: str, li: LineInfo) -> bool:
    """``li``'s record is the event's last record logged again, word for word but for its
    time of day and a URL's query string (a retry loop, the same request for another
    item): the same logger, host, service and fields, the same date, at most
    :data:`STORM_GAP_SECS` after it and :data:`STORM_SECS` after the event's first line.
    Another logger or another wording is another failure, however close in time: the
    same cause under another head (``Fetch a: X``, ``Fetch b: X``) stays apart (red
    teams: ``tests/attack5``, ``tests/attack31``)."""
    at, prev, start = clock(li.text), clock(last_line), clock(first_line)
    if at is None or prev is None or start is None:
        return False
    if (at - prev) % 86400 > STORM_GAP_SECS or (at - start) % 86400 > STORM_SECS:
        return False
    shape = _shape(li.clean)
    return shape is not None and shape == _shape(strip_ansi(last_line))
