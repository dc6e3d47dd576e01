"""A catalogue entry's cause or next step with the event's values in its slots (pure)."""

from __future__ import annotations

from logsumd.config import alternatives, slot_names
from logsumd.understand import MASK

__all__ = ["fill_template"]

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
