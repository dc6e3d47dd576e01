"""Checks of one diagnosis entry that its field types cannot express.

A diagnosis must say when it applies (an ``exception`` or a ``message`` regex),
and every ``{slot}`` of its cause and next step must be fillable: a named group
of its ``message`` regex or one of the slots every event may have
(:data:`~logsumd.config.settings.DIAGNOSIS_SLOTS`).  A slot that nothing can
fill would make the entry print a placeholder, so it is a config error.
"""

from __future__ import annotations

import re
import string
from typing import Any, Protocol

from yaml.nodes import MappingNode, Node

from logsumd.config._yaml_nodes import mapping_entries
from logsumd.config.settings import DIAGNOSIS_SLOTS, Diagnosis


class Reporter(Protocol):
    """What the checks need of the config builder: a way to record a problem."""

    def error(self, where: Node | int, path: str, message: str) -> object: ...


_ID = re.compile(r"[a-z][a-z0-9_]*")


ALTERNATIVE_SEP = "{or}"
"""Between the alternatives of a cause or next step (``connecting to {host} timed out
{or} connecting to the server timed out``): the first whose slots the event fills is
used.  A directive in the slots' own syntax, so that no text (SQL's ``||``) is taken
for it."""


def alternatives(template: str) -> list[str]:
    """The alternatives of a cause or next step (``a {or} b``), stripped, in order."""
    return [part.strip() for part in template.split(ALTERNATIVE_SEP)]


def slot_names(template: str) -> list[str] | None:
    """The ``{slot}`` names of ``template``; None when its braces are malformed."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    names: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            return None
        names.append(name)
    return names


def diagnosis_problems(entry: Diagnosis) -> list[tuple[str, str]]:
    """(key, message) for each problem of ``entry``; empty when it can be used."""
    problems: list[tuple[str, str]] = []
    if not _ID.fullmatch(entry.id):
        problems.append(("id", "must be snake_case letters, digits and underscores"))
    if not entry.match.exception and not entry.match.message and not entry.match.status:
        problems.append(("match", 'needs an "exception", a "message" or a "status" regex'))
    groups: set[str] = set()
    if entry.match.message:
        groups = set(re.compile(entry.match.message).groupindex)
    if entry.match.module != "anywhere" and "module" not in groups:
        problems.append(("match.module", 'needs a "module" named group in match.message'))
    for key in ("cause", "next_step"):
        template: str = getattr(entry, key)
        if not template.strip():
            problems.append((key, "must not be empty"))
            continue
        if not all(alternatives(template)):
            problems.append((key, "an alternative before or after {or} is empty"))
            continue
        names = slot_names(template.replace(ALTERNATIVE_SEP, " "))
        if names is None:
            problems.append((key, "malformed {slot}: write {name}, or {{ and }} for braces"))
            continue
        unknown = sorted({n for n in names if n not in groups and n not in DIAGNOSIS_SLOTS})
        if unknown:
            known = ", ".join([*sorted(groups), *DIAGNOSIS_SLOTS])
            problems.append(
                (key, f"unknown slot {{{unknown[0]}}} (named groups of match.message and {known})")
            )
    return problems


def _node(node: Node, key: str) -> Node:
    """The value node of ``key`` in a mapping (for its line), else ``node``."""
    if isinstance(node, MappingNode):
        for entry in mapping_entries(node)[0]:
            if entry.key == key:
                return entry.value
    return node


def check_diagnosis(b: Reporter, built: Diagnosis, node: Node, path: str) -> bool:
    """Record the problems of a built diagnosis; True when there are none."""
    problems = diagnosis_problems(built)
    for key, message in problems:
        b.error(_node(node, key), f"{path}.{key}" if path else key, message)
    return not problems


def partial_diagnosis(b: Reporter, fields: dict[str, Any], node: Node, path: str) -> None:
    """The slot checks of a diagnosis some of whose other keys are wrong.

    So that every mistake of an entry is reported at once, not one per run.
    """
    if not {"match", "cause", "next_step"} <= set(fields):
        return
    entry = Diagnosis(**{"id": "x", "category": "other", **fields})
    for key, message in diagnosis_problems(entry):
        if key in fields:
            b.error(_node(node, key), f"{path}.{key}" if path else key, message)
