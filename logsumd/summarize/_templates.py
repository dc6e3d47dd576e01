"""A catalogue entry's cause or next step with the event's values in its slots, and those
values as a regex group gives them, tidied (pure)."""

from __future__ import annotations

from logsumd.config import alternatives, slot_names
from logsumd.understand import MASK

__all__ = ["fill_template", "tidy_value"]

_REPEATED_CHARS = 40
"""A slot value at least this long that the cause shows already is not repeated by the
next step when a plainer alternative exists (a long path once is enough on a phone)."""


def fill_template(template: str, values: dict[str, str], shown: str = "") -> str | None:
    """``template`` with its slots filled: its first alternative (``a {or} b``) whose slots
    all have a value; None when none has, or only a masked secret (``ALTER ROLE "***"`` is
    no advice: a plainer entry answers).  An alternative that would repeat a long value of
    ``shown`` gives way to the next one, if there is one."""
    options = alternatives(template)
    for k, alternative in enumerate(options):
        names = slot_names(alternative) or []
        if any(values.get(n, "").strip("'\"` ") in ("", MASK) for n in names):
            continue
        repeats = any(len(values[n]) >= _REPEATED_CHARS and values[n] in shown for n in names)
        if repeats and k + 1 < len(options):
            continue
        return alternative.format_map({n: values[n] for n in names})
    return None


_PAIRS = {"'": "'", '"': '"', "`": "`", ")": "(", "]": "[", "}": "{"}


def _unbalanced(value: str, closing: str) -> bool:
    """``value``'s last character ``closing`` has no opening one of its own."""
    opening = _PAIRS[closing]
    if opening == closing:  # a quote: a value quoted whole keeps it ('5\'10"')
        return not value.startswith(closing) and value.count(closing) % 2 == 1
    return value.count(opening) < value.count(closing)


def tidy_value(value: str) -> str:
    """A slot's value without the punctuation that ends the sentence or the structure
    around it (``XYZ',`` of ``{'M': 'permission denied for database XYZ', ...}``): a
    closing quote or bracket without its opening one, a trailing comma or semicolon."""
    value = value.strip()
    while value:
        last = value[-1]
        if last in ",;" or (last in _PAIRS and _unbalanced(value, last)):
            value = value[:-1].rstrip()
        else:
            break
    return value
