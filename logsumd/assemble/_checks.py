"""dbt debug's failed checks and the clock of a record.

``dbt debug`` prints its verdict (``2 checks failed:``, ``Connection test: [ERROR]``) as an
INFO record and its reasons after it, in INFO records and unprefixed lines: the
assembler's rules (:mod:`logsumd.assemble.multiline`) keep them in one event while
:func:`in_checks` says so.  :func:`clock` and :func:`same_second` read the time of a
record's prefix (or of a JSON record's time field), for these and the burst rules.
"""

from __future__ import annotations

import re

from logsumd.parse import K_EXC, K_TB, K_THREAD, LineInfo, level_rank, parse_record

__all__ = ["CHECKS_SECS", "JSON_TIME_KEYS", "clock", "in_checks", "opens_checks", "same_second"]

_INFO_RANK = level_rank("INFO")
_CHECKS = re.compile(r"\s*(?:\d+ checks? failed:|Connection test: \[ERROR\])\s*$")
"""dbt debug's verdict (``2 checks failed:``, ``Connection test: [ERROR]``), an INFO
record: the reasons it gives next, in INFO records and unprefixed lines (``Profile loading
failed for the following reason:``, ``Runtime Error``, the database's message, the docs
link), are one failure."""
_CHECKS_END = re.compile(
    r"\s*(?:Command `dbt|Resource report|Command exited with return code|Finished running)"
)
"""What dbt (or Airflow's subprocess hook around it) prints once the reasons are done."""


_CHECK_FAILED = "Connection test: [ERROR]"
"""dbt's console shape (``09:14:02    Connection test: [ERROR]``) reads as an ERROR
record with no message: the line's end says what it is."""
_STATUS = re.compile(r"\[(?:ERROR|OK)\b[^\]\n]{0,40}\]\s*$")
"""A check's status (``profiles.yml file [ERROR invalid]``), read as a level in the
console shape: one of the reasons, not a failure of its own."""
_CLOCK = re.compile(r"(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?")
CHECKS_SECS = 1.5
"""dbt prints the verdict and its reasons at once: a record later than this is not one."""


def opens_checks(li: LineInfo) -> bool:
    """dbt debug's verdict: the reasons it gives next are one failure (see ``_CHECKS``)."""
    msg = li.msg
    if li.record and ("check" in msg or "test: [" in msg) and _CHECKS.match(msg) is not None:
        return True
    return li.record and not msg.strip() and li.clean.rstrip().endswith(_CHECK_FAILED)


_STAMP = re.compile(r".{0,30}?\d\d:\d\d:\d\d")


def same_second(first_line: str, li: LineInfo) -> bool:
    """``li`` is stamped with the same second as ``first_line`` (up to its seconds)."""
    stamp = _STAMP.match(li.text)
    return stamp is not None and first_line.startswith(stamp.group())


JSON_TIME_KEYS = "(?:ts|timestamp|time|@timestamp|asctime)"
"""The keys of a JSON record's time field."""
_JSON_CLOCK = re.compile(
    rf'"{JSON_TIME_KEYS}"\s*:\s*"[^"]{{0,20}}?' r"(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?"
)
"""The time of a JSON record (``dbt --log-format json``'s ``ts``, its last field)."""


def clock(text: str) -> float | None:
    """Seconds of the day of the first ``HH:MM:SS[.ffffff]`` in the line's prefix, or of
    a JSON record's time field."""
    m = _CLOCK.search(text, 0, 80)
    if m is None or text.lstrip().startswith("{"):
        m = _JSON_CLOCK.search(text) or m
    if m is None:
        return None
    frac = float(f"0.{m.group(4)}") if m.group(4) else 0.0
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + frac


def in_checks(li: LineInfo, first_line: str) -> bool:
    """A record goes on with dbt debug's reasons: at INFO or without a level (or a check's
    status the console shape reads as a level), from the verdict's logger, printed within
    :data:`CHECKS_SECS` of it (or with no time of its own).  DEBUG, a warning or worse, a
    traceback or exception, another logger, a later time and the command's end close
    them: a job that goes on logging after ``dbt debug`` does not feed the event, and a
    second failure is its own (red team: ``tests/attack26``)."""
    if _CHECKS_END.match(li.msg) is not None or li.kind in (K_TB, K_EXC, K_THREAD):
        return False
    if li.level not in (0, _INFO_RANK) and _STATUS.search(li.clean) is None:
        return False
    verdict = parse_record(first_line)
    source = parse_record(li.clean).source
    named = not li.text.lstrip().startswith("{")  # a JSON record's name is per message
    if named and source and verdict.source and source != verdict.source:
        return False
    at, start = clock(li.text), clock(first_line)
    if at is None:
        return bool(source) and source == verdict.source
    # modulo 12 hours: a 12-hour clock goes from 12:59:59 to 01:00:00
    return start is not None and (at - start) % 43200 <= CHECKS_SECS
