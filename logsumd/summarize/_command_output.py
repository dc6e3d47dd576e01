"""What a failed command printed: the lines that say why a wrapper's command failed.

A wrapper exception (``Bash command failed``, ``Cannot execute: spark-submit``) only says
its command failed; the command's own output, relayed by the runner just before, says
why.  :func:`command_causes` picks those lines for the catalogue's matching text
(:func:`logsumd.summarize.catalogue.matching_text`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from logsumd.parse import ERROR_LEVELS, is_relay_source, split_record, strip_ansi

COMMAND_FAILED = re.compile(
    r"Bash command failed|non-zero exit|returned non-zero|Cannot execute|exit(?:ed)? (?:with )?code"
    r"|Error code is|return code|Process returned",
    re.IGNORECASE,
)
"""A wrapper's message that says only that the command it ran failed."""
_EXIT_CODE = re.compile(r"(?:exit code|return code|exit status|Error code is:?)\s+(\d{1,3})\b")
_CURL_ERROR = re.compile(r"curl: \((\d{1,3})\) [^\n]{1,300}")
"""curl's own error line: its number is curl's exit code."""
_TOKENISH = re.compile(
    r"(?=[\w-]{24,})(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?=[\w-]*\d)[\w-]+|\b[0-9a-f]{32,}\b"
)
"""A long word mixing cases and digits, or a long hex run: a token the redactor may not
know (curl prints an unquoted ``Bearer $TOKEN`` header's token as a host)."""


def _curl_cause(message: str, own: Sequence[str]) -> list[str]:
    """curl's error line whose number is the failed command's exit code (a curl error
    the command retried past has another), unless it holds a token-like word."""
    code = _EXIT_CODE.search(message)
    if code is None:
        return []
    for raw in reversed(own):
        m = _CURL_ERROR.search(raw)
        if m is not None and m.group(1) == code.group(1):
            return [] if _TOKENISH.search(m.group(0)) else [m.group(0)]
    return []


def _level_of(raw: str) -> str | None:
    """The level the command itself gave a context line: a relay's own (Airflow's
    subprocess logs each child line at INFO) is none; None for plain output."""
    outer = split_record(raw) if raw else None
    if outer is None:
        return None
    if is_relay_source(outer[1]):
        inner = split_record(outer[2], inner=True)
        return inner[0] if inner else None
    return outer[0]


def _command_output(cause_lines: Sequence[str], context: Sequence[str]) -> list[str]:
    """The cause lines that may say why a command failed: not an exit code restated, and
    not a record the command logged below ERROR (a warning it retried past, a metrics push
    it went on without); the entries then weigh them (a cleanup's complaint after the
    failure does not outrank the failure's own message)."""
    out: list[str] = []
    for line in cause_lines:
        if COMMAND_FAILED.search(line):
            continue
        raw = next((r for r in reversed(context) if line in r), "")
        if _level_of(strip_ansi(raw)) in (None, *ERROR_LEVELS):
            out.append(line)
    return out


def command_causes(
    message: str, cause_lines: Sequence[str], context: Sequence[str], own: Sequence[str]
) -> list[str]:
    """The lines of a failed command's output that may say why it failed (``message`` is
    the wrapper's): the classifier's cause lines, then curl's own error line."""
    return _command_output(cause_lines, context) + _curl_cause(message, own)
