"""YAML parsing that keeps positions: composed nodes, line numbers, scalars.

``logsumd.config._loader`` walks the node graph that PyYAML's composer builds (so every
value keeps the line it came from) and builds plain values itself.  This module
holds the YAML-specific part of that walk: composing with syntax errors turned
into ``(line, message)``, merging ``<<`` keys and spotting duplicate keys in a
mapping, and constructing scalars with YAML 1.1 implicit typing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"

_TAG_NAMES = {
    "tag:yaml.org,2002:str": "a string",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "a timestamp",
    "tag:yaml.org,2002:binary": "binary data",
}


class YamlSyntaxError(Exception):
    """The text is not well-formed YAML; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class ScalarError(Exception):
    """A scalar could not be constructed (unknown tag, bad binary...)."""


MAX_DEPTH = 100
"""Deepest nesting of lists and mappings accepted (PyYAML composes recursively)."""


def _check_depth(text: str) -> None:
    """Raise ``YamlSyntaxError`` at the first collection nested deeper than ``MAX_DEPTH``.

    The event parser is iterative, so a document nested 20,000 levels is
    rejected with its line before the recursive composer could overflow.
    """
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark is not None else 1
                raise YamlSyntaxError(line, f"YAML nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def compose(text: str) -> Node | None:
    """Compose one YAML document into nodes; ``None`` for an empty document."""
    try:
        _check_depth(text)
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise YamlSyntaxError(line, f"invalid YAML text: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"invalid YAML: {exc}") from None
    except RecursionError:  # pragma: no cover - _check_depth rejects deep documents first
        raise YamlSyntaxError(1, f"YAML nested more than {MAX_DEPTH} levels deep") from None


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    parts = [p for p in (exc.problem, exc.context) if p]
    if len(parts) == 2 and exc.context_mark is not None and exc.context_mark.line + 1 != line:
        parts[1] += f" (line {exc.context_mark.line + 1})"
    if len(parts) == 2 and not parts[1].startswith("while"):
        parts.reverse()
    return YamlSyntaxError(line, "YAML syntax error: " + (", ".join(parts) or "invalid document"))


def line_of(node: Node) -> int:
    """The 1-based line where ``node`` starts."""
    mark = node.start_mark
    return mark.line + 1 if mark is not None else 1


def kind_name(node: Node) -> str:
    """What a node is, for messages: ``a list``, ``a mapping``, ``an integer``..."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    return _TAG_NAMES.get(node.tag, f"a {node.tag} value")


def value_kind_name(value: object) -> str:
    """What a constructed scalar is, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__} value"


def is_null(node: Node) -> bool:
    """Whether ``node`` is a null scalar (``~``, ``null`` or nothing)."""
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


class _Constructor(yaml.SafeLoader):
    """A SafeLoader used only for its scalar constructors and resolver."""

    def __init__(self) -> None:
        super().__init__("")


_LOADER = _Constructor()
_LOADER_LOCK = threading.Lock()


def construct_scalar(node: ScalarNode) -> object:
    """The Python value of a scalar node, typed as PyYAML's SafeLoader would."""
    with _LOADER_LOCK:
        try:
            value: object = _LOADER.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            raise ScalarError(str(problem)) from None
        finally:
            _LOADER.constructed_objects.clear()
    return value


def construct_plain(text: str, like: ScalarNode) -> object:
    """The value of ``text`` as if it had been written unquoted where ``like`` is."""
    with _LOADER_LOCK:
        tag: str = _LOADER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return construct_scalar(ScalarNode(tag, text, like.start_mark, like.end_mark, style=None))


@dataclass(frozen=True, slots=True)
class Entry:
    """One key of a mapping: its name, the key node and the value node."""

    key: str
    key_node: Node
    value: Node


@dataclass(frozen=True, slots=True)
class MappingProblem:
    """Something wrong with a mapping's keys: at ``line``, about ``key``."""

    line: int
    key: str | None
    message: str


def mapping_entries(node: MappingNode) -> tuple[list[Entry], list[MappingProblem]]:
    """The entries of a mapping after ``<<`` merges, and problems with its keys.

    Explicit keys win over merged ones; among merged mappings the first wins
    (YAML merge-key semantics).  A key written twice in the same mapping is a
    problem naming both lines.  Keys must be strings.
    """
    return _entries(node, frozenset({id(node)}))


def _entries(
    node: MappingNode, ancestors: frozenset[int]
) -> tuple[list[Entry], list[MappingProblem]]:
    entries: dict[str, Entry] = {}
    problems: list[MappingProblem] = []
    merged: list[Entry] = []
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.tag == MERGE_TAG:
            merged.extend(_merge_sources(value_node, problems, ancestors))
            continue
        if not isinstance(key_node, ScalarNode) or key_node.tag != STR_TAG:
            problems.append(
                MappingProblem(
                    line_of(key_node), None, f"keys must be strings, got {kind_name(key_node)}"
                )
            )
            continue
        key = str(key_node.value)
        first = entries.get(key)
        if first is not None:
            problems.append(
                MappingProblem(
                    line_of(key_node),
                    key,
                    f"duplicate key (first defined on line {line_of(first.key_node)})",
                )
            )
            continue
        entries[key] = Entry(key, key_node, value_node)
    for entry in merged:
        entries.setdefault(entry.key, entry)
    return list(entries.values()), problems


def _merge_sources(
    node: Node, problems: list[MappingProblem], ancestors: frozenset[int]
) -> Iterator[Entry]:
    """Entries that a ``<<`` value contributes, in priority order."""
    sources = node.value if isinstance(node, SequenceNode) else [node]
    for source in sources:
        if not isinstance(source, MappingNode):
            problems.append(
                MappingProblem(
                    line_of(source), "<<", f"can only merge mappings, got {kind_name(source)}"
                )
            )
            continue
        if id(source) in ancestors:
            problems.append(MappingProblem(line_of(source), "<<", "recursive merge"))
            continue
        inner, inner_problems = _entries(source, ancestors | {id(source)})
        problems.extend(inner_problems)
        yield from inner
