"""Exception types that a message names without printing them (pure).

Scripts often log only an exception's text: ``ERROR - Load failed: [Errno 21] Is a
directory: 'out.csv'``, ``Error processing row: list index out of range``.  The
interpreter words these messages one way only, so the text implies the type
(``IsADirectoryError``, ``IndexError``) and the catalogue's entries that ask for the
type apply to the logged text as they do to the traceback.  Only messages that
CPython itself (or the ``errno`` table) prints are listed; a library's wording stays a
matter for the entries' own ``message`` patterns.
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
_ERRNO_TEXT = re.compile(r"\[Errno \d+\] (" + "|".join(_ERRNO) + r")\b")

_MESSAGES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "IndexError",
        re.compile(
            r"\b(?:list|tuple|string|bytes|array|deque) index out of range\b"
            r"|\bpop from empty list\b"
        ),
    ),
    ("ModuleNotFoundError", re.compile(r"\bNo module named '[\w.]+'")),
    ("NameError", re.compile(r"\bname '\w+' is not defined\b")),
    ("ZeroDivisionError", re.compile(r"\b(?:float |integer )?division(?: or modulo)? by zero\b")),
    (
        "AttributeError",
        re.compile(
            r"'[\w.]+' object has no attribute '\w+'|\bmodule '[\w.]+' has no attribute '\w+'"
        ),
    ),
    (
        "TypeError",
        re.compile(
            r"'[\w.]+' object is not (?:subscriptable|iterable|callable)\b"
            r"|\bunsupported operand type\(s\) for\b"
            r"|\b\w+\(\) (?:takes|missing) (?:from )?\d+ (?:to \d+ )?(?:required )?"
            r"positional argument"
            r"|\b\w+\(\) got an unexpected keyword argument '\w+'"
            r"|\bcan only concatenate (?:str|list|tuple) \(not \"\w+\"\) to\b"
        ),
    ),
    (
        "ValueError",
        re.compile(
            r"\binvalid literal for int\(\) with base \d+: "
            r"|\bcould not convert string to float: "
        ),
    ),
    (
        "UnicodeDecodeError",
        re.compile(r"'[\w-]+' codec can't decode byte 0x[0-9a-f]{2} in position"),
    ),
    ("UnicodeEncodeError", re.compile(r"'[\w-]+' codec can't encode character")),
    ("RecursionError", re.compile(r"\bmaximum recursion depth exceeded\b")),
    ("JSONDecodeError", re.compile(r"\bExpecting value: line \d+ column \d+ \(char \d+\)")),
)


def implied_exceptions(text: str) -> set[str]:
    """The built-in exception types whose own message ``text`` holds."""
    found = {_ERRNO[m.group(1)] for m in _ERRNO_TEXT.finditer(text)}
    found.update(name for name, pattern in _MESSAGES if pattern.search(text))
    return found
