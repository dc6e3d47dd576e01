"""``${VAR}`` interpolation inside config strings.

``${VAR}`` is the variable's value; ``${VAR:-default}`` is the default when the
variable is unset or empty; ``$$`` is a literal ``$``.  A ``$`` followed by
anything else is kept as is, so regex anchors such as ``error$`` need no escape.
Interpolated values may be secrets: messages name the variables
(``value_from``), never the values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_REFERENCE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Interpolated:
    """The text after interpolation, the variables used, and any errors."""

    text: str
    variables: tuple[str, ...]
    errors: tuple[str, ...]


def value_from(variables: Sequence[str]) -> str:
    """What a message says instead of an interpolated value."""
    return "(value from " + ", ".join(f"${{{name}}}" for name in variables) + ")"


def interpolate(raw: str, env: Mapping[str, str]) -> Interpolated:
    """Replace ``${VAR}``, ``${VAR:-default}`` and ``$$`` in ``raw``."""
    out: list[str] = []
    variables: list[str] = []
    errors: list[str] = []
    i = 0
    while i < len(raw):
        start = raw.find("$", i)
        if start < 0 or start == len(raw) - 1:
            out.append(raw[i:])
            break
        out.append(raw[i:start])
        after = raw[start + 1]
        if after != "{":
            out.append("$")
            i = start + (2 if after == "$" else 1)
            continue
        end = raw.find("}", start)
        if end < 0:
            errors.append('unterminated "${" (write $$ for a literal $)')
            break
        reference = _REFERENCE.fullmatch(raw, start + 2, end)
        i = end + 1
        if reference is None:
            errors.append(f'invalid variable reference "{raw[start:i]}" (write $$ for a literal $)')
            continue
        name, default = reference.group(1), reference.group(2)
        value = env.get(name)
        if not value and default is not None:
            value = default
        if value is None:
            errors.append(f"environment variable ${{{name}}} is not set and has no default")
            continue
        out.append(value)
        variables.append(name)
    return Interpolated("".join(out), tuple(variables), tuple(errors))
