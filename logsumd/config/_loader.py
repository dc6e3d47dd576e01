"""Load the YAML config file into ``logsumd.config._loader.settings.Settings``.

The accepted keys and their types come from the settings dataclasses
(``dataclasses.fields`` and their type hints), so a field added there is
accepted here without a change.  What cannot be derived (enumerations, regexes,
paths, numeric bounds) lives in ``logsumd.config._schema``; YAML node handling in
``logsumd.config._yaml_nodes``; ``${VAR}`` replacement in ``logsumd.config._interpolate``.

Every problem is collected with the line it comes from and raised at the end as
one ``ConfigError``; messages read ``config.yaml:14: sources[0].multiline.mode:
must be one of ...``.  ``${VAR}`` and ``${VAR:-default}`` are replaced inside
string values (``$$`` is a literal ``$``); a replaced value is never quoted in a
message, which names the variable instead.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from logsumd.config import settings as s
from logsumd.config._checks import (
    directory_problem,
    output_file_problem,
    read_regular_file,
    url_problem,
)
from logsumd.config._cross import CHECKS, PARTIAL_CHECKS, entry_of, join
from logsumd.config._interpolate import interpolate, value_from
from logsumd.config._schema import (
    CASE_INSENSITIVE,
    ENUMS,
    NON_EMPTY,
    NOTIFIER_TYPES,
    PATH_KEYWORDS,
    PATHS,
    PATTERNS,
    REGEXES,
    UNIQUE_NAMES,
    URLS,
    Key,
    bound_for,
    is_required,
    settable_fields,
    unknown_key,
    variants,
)
from logsumd.config._yaml_nodes import (
    STR_TAG,
    Entry,
    MappingProblem,
    ScalarError,
    YamlSyntaxError,
    compose,
    construct_plain,
    construct_scalar,
    is_null,
    kind_name,
    line_of,
    mapping_entries,
    value_kind_name,
)

__all__ = ["NOTIFIER_TYPES", "ConfigError", "load_config", "load_config_text"]

_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
}


class ConfigError(Exception):
    """The config cannot be used; ``errors`` lists every problem, one per line."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _Invalid:
    """Marks a value that could not be built (its error is already recorded)."""


INVALID: Final = _Invalid()


@dataclass(frozen=True, slots=True)
class _Text:
    """A string after interpolation, and the variables it came from."""

    text: str
    variables: tuple[str, ...] = ()

    def shown(self) -> str:
        return value_from(self.variables) if self.variables else f'"{self.text}"'


class _Builder:
    """Builds settings from nodes, recording every problem with its line."""

    def __init__(self, base_dir: str, env: Mapping[str, str]) -> None:
        self.base_dir = base_dir
        self.env = env
        self.problems: list[tuple[int, str]] = []
        self.key_lines: dict[str, int] = {}

    def error(self, where: Node | int, path: str, message: str) -> _Invalid:
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append((line, f"{path}: {message}" if path else message))
        return INVALID

    # -- structure ---------------------------------------------------------------

    def typed(self, key: Key, tp: Any, node: Node, path: str) -> Any:
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is tuple:
            return self.sequence(key, args[0], node, path)
        if origin is dict:
            return self.string_map(key, args[1], node, path)
        tags = variants(tp)
        if tags is not None:
            return self.tagged(tags, node, path)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self.mapping(tp, node, path)
        if origin in (typing.Union, types.UnionType):
            members = [a for a in args if a is not types.NoneType]
            if len(members) == 1 and len(args) == 2:
                if is_null(node):
                    return None
                if members[0] not in _TYPE_NAMES:
                    return self.typed(key, members[0], node, path)
                return self.scalar(key, members[0], node, path, optional=True)
        if tp in _TYPE_NAMES:
            return self.scalar(key, tp, node, path, optional=False)
        raise TypeError(f"settings field {key[0].__name__}.{key[1]}: unsupported type {tp!r}")

    def sequence(self, key: Key, item_tp: Any, node: Node, path: str) -> Any:
        if isinstance(node, SequenceNode):
            items = [(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        elif is_null(node):
            items = []
        elif item_tp is str and isinstance(node, ScalarNode):
            items = [(node, path)]
        else:
            wanted = "a string or a list" if item_tp is str else "a list"
            return self.error(node, path, f"expected {wanted}, got {kind_name(node)}")
        if not items and key in NON_EMPTY:
            return self.error(node, path, NON_EMPTY[key])
        values = [self.typed(key, item_tp, item, item_path) for item, item_path in items]
        unique = key not in UNIQUE_NAMES or self.unique_names(values, items, UNIQUE_NAMES[key])
        if not unique or any(v is INVALID for v in values):
            return INVALID
        return tuple(values)

    def string_map(self, key: Key, value_tp: Any, node: Node, path: str) -> Any:
        """A mapping of free-form string keys (labels) to values of ``value_tp``."""
        if is_null(node):
            return {}
        if not isinstance(node, MappingNode):
            return self.error(node, path, f"expected a mapping, got {kind_name(node)}")
        entries, problems = mapping_entries(node)
        for problem in problems:
            self.error(
                problem.line, join(path, problem.key) if problem.key else path, problem.message
            )
        out: dict[str, Any] = {}
        for entry in entries:
            value = self.typed(key, value_tp, entry.value, join(path, entry.key))
            if value is not INVALID:
                out[entry.key] = value
        if problems or len(out) != len(entries):
            return INVALID
        return out

    def unique_names(self, values: list[Any], items: list[tuple[Node, str]], field: str) -> bool:
        """Items of the list that have a non-empty ``field`` (name, id) must not share it."""
        first: dict[str, str] = {}
        ok = True
        for value, (node, path) in zip(values, items, strict=True):
            at = entry_of(node, field)
            raw = str(at.value) if isinstance(at, ScalarNode) and at.tag == STR_TAG else ""
            name = getattr(value, field, None) or raw
            if not name:
                continue
            if name in first:
                shown = "" if "$" in raw else f' "{name}"'
                message = f"duplicate {field}{shown} (also {first[name]})"
                self.error(at or node, f"{path}.{field}", message)
                ok = False
            first.setdefault(name, path)
        return ok

    def tagged(self, tags: dict[str, type], node: Node, path: str) -> Any:
        choices = ", ".join(tags)
        if not isinstance(node, MappingNode):
            return self.error(node, path, f"expected a mapping, got {kind_name(node)}")
        entries, _ = mapping_entries(node)
        entry = next((e for e in entries if e.key == "type"), None)
        if entry is None:
            return self.error(node, path, f'missing required key "type" (one of {choices})')
        tag = self.scalar((dict, "type"), str, entry.value, join(path, "type"), optional=False)
        if tag is INVALID:
            return INVALID
        if tag not in tags:
            return self.error(entry.value, join(path, "type"), f"must be one of {choices}")
        return self.mapping(tags[tag], node, path)

    def mapping(self, cls: type, node: Node, path: str) -> Any:
        entries: list[Entry] = []
        problems: list[MappingProblem] = []
        if isinstance(node, MappingNode):
            entries, problems = mapping_entries(node)
        elif not is_null(node):
            return self.error(node, path, f"expected a mapping, got {kind_name(node)}")
        ok = not problems
        for problem in problems:
            where = join(path, problem.key) if problem.key else path
            self.error(problem.line, where, problem.message)
        fields = settable_fields(cls)
        kwargs: dict[str, Any] = {}
        for entry in entries:
            self.key_lines[join(path, entry.key)] = line_of(entry.key_node)
            if entry.key not in fields:
                ok = False
                self.error(entry.key_node, join(path, entry.key), unknown_key(cls, entry.key))
                continue
            value = self.typed(
                (cls, entry.key), fields[entry.key][1], entry.value, join(path, entry.key)
            )
            if value is INVALID:
                ok = False
            else:
                kwargs[entry.key] = value
        for name, (f, _) in fields.items():
            if is_required(f) and all(e.key != name for e in entries):
                self.error(node, path, f'missing required key "{name}"')
                ok = False
        if not ok:
            partial = PARTIAL_CHECKS.get(cls)
            if partial is not None:  # report the check's problems along with the others
                partial(self, kwargs, node, path)
            return INVALID
        built = cls(**kwargs)
        check = CHECKS.get(cls)
        if check is not None and not check(self, built, node, path):
            return INVALID
        return built

    # -- scalars -----------------------------------------------------------------

    def scalar(self, key: Key, tp: type, node: Node, path: str, *, optional: bool) -> Any:
        wanted = _TYPE_NAMES[tp]
        if not isinstance(node, ScalarNode):
            return self.error(node, path, f"expected {wanted}, got {kind_name(node)}")
        variables: tuple[str, ...] = ()
        if node.tag == STR_TAG and "$" in node.value:
            text = interpolate(str(node.value), self.env)
            for message in text.errors:
                self.error(node, path, message)
            if text.errors:
                return INVALID
            variables = text.variables
            value: object = text.text
            if variables and (tp is not str or optional):
                value = self.construct(node, path, text.text)
                if tp is str and value is not None and value is not INVALID:
                    value = text.text
        else:
            value = self.construct(node, path, None)
        if value is INVALID:
            return INVALID
        if value is None and optional:
            return None
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            got = value_kind_name(value)
            if variables:
                got += f" {value_from(variables)}"
            elif isinstance(value, str):
                got += f' "{value}"'
            return self.error(node, path, f"expected {wanted}, got {got}")
        if isinstance(value, str):
            return self.string(key, _Text(value, variables), node, path)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self.number(key, value, variables, node, path)
        return value

    def construct(self, node: ScalarNode, path: str, text: str | None) -> object:
        try:
            return construct_scalar(node) if text is None else construct_plain(text, node)
        except ScalarError as exc:
            return self.error(node, path, f"invalid value: {exc}")

    def string(self, key: Key, text: _Text, node: Node, path: str) -> Any:
        choices = ENUMS.get(key)
        value = text.text
        if choices is not None:
            if key in CASE_INSENSITIVE:
                value = next((c for c in choices if c.lower() == value.lower()), value)
            if value not in choices:
                return self.error(node, path, f"must be one of {', '.join(choices)}")
        if key in REGEXES:
            try:
                re.compile(value)
            except re.error as exc:
                detail = exc.msg if not text.variables else "error"
                if exc.pos is not None:
                    detail += f" at position {exc.pos}"
                shown = f" {value_from(text.variables)}" if text.variables else ""
                return self.error(node, path, f"invalid regular expression{shown}: {detail}")
        shape = PATTERNS.get(key)
        if shape is not None and not re.fullmatch(shape[0], value):
            return self.error(node, path, f"{shape[1]}, got {text.shown()}")
        if key in URLS and (problem := url_problem(value)):
            return self.error(node, path, f"{problem}, got {text.shown()}")
        kind = PATHS.get(key)
        if kind is not None and value not in PATH_KEYWORDS.get(key, ()):
            return self.path(kind, _Text(value, text.variables), node, path)
        return value

    def path(self, kind: str, text: _Text, node: Node, path: str) -> Any:
        if not text.text.strip():
            return self.error(node, path, "must not be empty")
        resolved = os.path.abspath(os.path.join(self.base_dir, os.path.expanduser(text.text)))
        if kind in ("dir", "output"):
            check = directory_problem if kind == "dir" else output_file_problem
            problem = check(resolved)
            if problem is not None:
                shown = f" {value_from(text.variables)}" if text.variables else f": {resolved}"
                return self.error(node, path, problem + shown)
        if kind == "file":
            shown = f" {value_from(text.variables)}" if text.variables else f": {resolved}"
            if not os.path.exists(resolved):
                return self.error(node, path, f"no such file{shown}")
            if os.path.isdir(resolved):
                return self.error(node, path, f"is a directory, not a file{shown}")
        return resolved

    def number(
        self, key: Key, value: float, variables: tuple[str, ...], node: Node, path: str
    ) -> Any:
        shown = f" {value_from(variables)}" if variables else f", got {value!r}"
        if isinstance(value, float) and not math.isfinite(value):
            return self.error(node, path, f"must be a finite number{shown}")
        bound = bound_for(key[1])
        if bound is not None and not bound.ok(value):
            return self.error(node, path, f"{bound.text()}{shown}")
        return value


def load_config_text(
    text: str, filename: str, base_dir: str, env: Mapping[str, str] | None = None
) -> s.Settings:
    """Build settings from YAML ``text``; relative paths resolve against ``base_dir``.

    Raises ``ConfigError`` listing every problem as ``filename:line: key.path: message``.
    """
    try:
        root = compose(text)
    except YamlSyntaxError as exc:
        raise ConfigError([f"{filename}:{exc.line}: {exc.message}"]) from None
    builder = _Builder(os.path.abspath(base_dir), os.environ if env is None else env)
    if root is None:
        fields = settable_fields(s.Settings).items()
        required = ", ".join(f'"{name}"' for name, (f, _) in fields if is_required(f))
        raise ConfigError([f"{filename}:1: config is empty; expected a mapping with {required}"])
    if not isinstance(root, MappingNode):
        message = f"expected a mapping at the top level, got {kind_name(root)}"
        raise ConfigError([f"{filename}:{line_of(root)}: {message}"])
    built = builder.mapping(s.Settings, root, "")
    if builder.problems or not isinstance(built, s.Settings):
        ordered = sorted(dict.fromkeys(builder.problems), key=lambda p: p[0])
        raise ConfigError([f"{filename}:{line}: {message}" for line, message in ordered])
    key_lines = tuple(builder.key_lines.items())
    return dataclasses.replace(built, source_file=filename, key_lines=key_lines)


def load_config(path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> s.Settings:
    """Read and build the config file at ``path`` (see ``load_config_text``)."""
    filename = os.fspath(path)
    try:
        data = read_regular_file(filename)
    except OSError as exc:
        raise ConfigError([f"{filename}: cannot read config: {exc.strerror or exc}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError([f"{filename}:{line}: config is not valid UTF-8"]) from None
    base_dir = os.path.dirname(os.path.abspath(filename))
    return load_config_text(text, filename, base_dir, env)
