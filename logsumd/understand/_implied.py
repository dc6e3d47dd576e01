"""Exception types that a message names without printing them (pure).

Scripts often log only an exception's text: ``ERROR - Load failed: [Errno 21] Is a
directory: 'out.csv'``, ``Error processing row: list index out of range``.  The
interpreter words these messages one way only, so the text implies the type
(``IsADirectoryError``, ``IndexError``) and the catalogue's entries that ask for the
type apply to the logged text as they do to the traceback.

Only the record's own failure counts: the wording must end the message (less a quoted
argument or a path after a colon) and open a clause of it (at its start or after ``: ``,
`` - ``, ``] ``), outside quotes and braces, so a notifier that quotes another alert, an
API's JSON error body or a list of earlier attempts implies nothing (red team attack44).
Only messages that CPython itself (or the ``errno`` table) prints are listed, and none
that another program prints the same way (PostgreSQL and awk also say ``division by
zero``); a library's wording stays a matter for the entries' own ``message`` patterns.
"""

from __future__ import annotations

import re

__all__ = ["implied_exceptions"]

_ERRNO: dict[str, str] = {
    "No such file or directory": "FileNotFoundError",
    "Permission denied": "PermissionError",
    "File exists": "FileExistsError",
    "Not a directory": "NotADirectoryError",
    "Is a directory": "IsADirectoryError",
    "Broken pipe": "BrokenPipeError",
    "Connection reset by peer": "ConnectionResetError",
    "Connection timed out": "TimeoutError",
    "Connection refused": "ConnectionRefusedError",
}
"""The OSError subclass Python raises for an errno's text (PEP 3151)."""

_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "IndexError",
        r"(?:list|tuple|string|bytes|array|deque) index out of range|pop from empty list",
    ),
    ("ModuleNotFoundError", r"No module named '[\w.]+'"),
    ("NameError", r"name '\w+' is not defined"),
    # not the bare "division by zero": PostgreSQL and awk print it too
    (
        "ZeroDivisionError",
        r"float (?:division|modulo|divmod\(\)) by zero|integer (?:division or )?modulo by zero",
    ),
    ("AttributeError", r"(?:'[\w.]+' object|module '[\w.]+') has no attribute '\w+'"),
    (
        "TypeError",
        r"'[\w.]+' object is not (?:subscriptable|iterable|callable)"
        r"|unsupported operand type\(s\) for [^'\"\n]{1,6}: '[\w.]+' and '[\w.]+'"
        r"|\w+\(\) (?:takes|missing) [^'\"{}\n]{0,160}"
        r"|\w+\(\) got an unexpected keyword argument '\w+'"
        r"|can only concatenate \w+ \(not \"\w+\"\) to \w+",
    ),
    (
        "ValueError",
        r"(?:invalid literal for int\(\) with base \d+|could not convert string to float)",
    ),
    (
        "UnicodeDecodeError",
        r"'[\w-]+' codec can't decode byte 0x[0-9a-f]{2} in position \d+(?:: [\w ()]+)?",
    ),
    (
        "UnicodeEncodeError",
        r"'[\w-]+' codec can't encode characters? [^{}\n]*?in position [\d-]+(?:: [\w ()]+)?",
    ),
    ("RecursionError", r"maximum recursion depth exceeded(?: [\w ]+)?"),
    ("JSONDecodeError", r"Expecting value: line \d+ column \d+ \(char \d+\)"),
    *((name, r"\[Errno \d+\] " + re.escape(text)) for text, name in _ERRNO.items()),
)
_OPENS = r"(?:^|(?<=: )|(?<= - )|(?<=\] ))"
"""Where the record's own failure may start: the message's start or a clause's."""
_ENDS = r"""(?=(?::\s*(?:'[^'\n]*'|"[^"\n]*"|[^\s'"{}]+))?[\s.]*$)"""
"""What may follow it to the end of the message: an argument after a colon (a path, a
value), nothing else."""
_IMPLIED = tuple(
    (name, re.compile(_OPENS + f"(?:{pattern})" + _ENDS, re.M)) for name, pattern in _MESSAGES
)


def _outside_quotes(line: str, at: int) -> bool:
    before = line[:at]
    return before.count('"') % 2 == 0 and before.count("{") == before.count("}")


def implied_exceptions(message: str) -> set[str]:
    """The built-in exception types whose own wording ends ``message``."""
    found: set[str] = set()
    for name, pattern in _IMPLIED:
        for m in pattern.finditer(message):
            start = message.rfind("\n", 0, m.start()) + 1
            if _outside_quotes(message[start : m.start()], m.start() - start):
                found.add(name)
                break
    return found
