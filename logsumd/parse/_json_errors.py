"""The exception a JSON log record names in fields of its own (pure).

AWS Lambda writes ``errorType`` / ``errorMessage``, formatters ``exception_type`` /
``exception_message`` (or ``error_type`` / ``error_message``), ECS ``error.type`` /
``error.message`` flattened or an ``error`` object, pino an ``err`` object, an HTTP API's
error body ``{"type": ..., "message" | "reason": ...}``.  :func:`error_trace` writes that
exception as Python prints it, so the trace parser finds the root; a type field that
holds a label (``unknown``, ``None``, OpenAI's ``requests``) names no exception, and its
message is then the record's cause (:func:`error_cause`).  Red team: ``tests/attack47``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["error_cause", "error_trace"]

_TYPE_KEYS = ("errorType", "exception_type", "error_type", "error.type")
_VALUE_KEYS = ("errorMessage", "exception_message", "error_message", "error.message")
_ERROR_OBJECTS = ("error", "err", "exception")
_TYPE_NAME = re.compile(r"[A-Za-z_][\w.$]{0,200}")
_ERROR_WORD = re.compile(
    r"(?i)error|exception|fault|failure|timeout|interrupt|exit|violation|denied|refused"
    r"|notfound|invalid|warning"
)
_CAMEL = re.compile(r"[A-Z][a-z0-9]+[A-Z]")
"""A class name of two words or more (``UniqueViolation``, ``StopIteration``)."""
_LABELS = frozenset(("none", "null", "unknown", "undefined", "error", "errors", "exception"))
_NOT_EXCEPTIONS = frozenset(
    ("str", "bytes", "int", "float", "bool", "dict", "list", "tuple", "object", "NoneType")
)
_VALUE_CHARS = 2000


def _is_type(kind: str) -> bool:
    """``kind`` names an exception class, not a label or a plain value's type."""
    if not _TYPE_NAME.fullmatch(kind) or kind in _NOT_EXCEPTIONS:
        return False
    last = kind.rsplit(".", 1)[-1]
    if last.lower() in _LABELS:
        return False
    return _ERROR_WORD.search(last) is not None or _CAMEL.match(last) is not None


def _flat(raw: Any, depth: int = 0) -> str:
    """A dict or list of errors as plain text (``amount: must be positive; email: ...``):
    the names stay readable, and in the fingerprint (which masks quoted values)."""
    if depth > 4:
        return "..."
    if isinstance(raw, dict):
        return "; ".join(f"{k}: {_flat(v, depth + 1)}" for k, v in list(raw.items())[:20])
    if isinstance(raw, list):
        return ", ".join(_flat(v, depth + 1) for v in raw[:20])
    return str(raw)


def _value(raw: Any) -> str | None:
    """An exception's message: a string as it is; a dict or list (marshmallow's errors)
    written out flat; nothing else."""
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, dict | list) and raw:
        return _flat(raw)[:_VALUE_CHARS]
    return None


def _first(layers: list[dict[str, Any]], keys: tuple[str, ...]) -> Any:
    for layer in layers:
        for key in keys:
            if layer.get(key) not in (None, ""):
                return layer[key]
    return None


def _error_object(layers: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The type and message of an error object, one level into a wrapper's own ``error``
    when the outer type is a label (Anthropic's ``{"type": "error", "error": {...}}``)."""
    inner = next(
        (v for layer in layers for k in _ERROR_OBJECTS if isinstance(v := layer.get(k), dict)),
        None,
    )
    if inner is None:
        return None, None
    kind = inner.get("type") or inner.get("name")
    nested = inner.get("error")
    if not (isinstance(kind, str) and _is_type(kind)) and isinstance(nested, dict):
        inner, kind = nested, nested.get("type") or nested.get("name")
    return kind, inner.get("message") or inner.get("reason")


def _fields(layers: list[dict[str, Any]]) -> tuple[str | None, str | None, bool]:
    """(type, message, whether the message is a dict or list written out): the type
    None when the record names no exception class."""
    kind, value = _first(layers, _TYPE_KEYS), _first(layers, _VALUE_KEYS)
    if not isinstance(kind, str):
        kind, value = _error_object(layers)
    message = _value(value)
    if not isinstance(kind, str) or not _is_type(kind):
        return None, message, False
    return kind, message, not isinstance(value, str)


def _prints(trace: str, kind: str) -> bool:
    """``trace`` holds the exception line of ``kind`` (at a line's start, not in a frame's
    code such as ``raise ValueError(...)``)."""
    last = re.escape(kind.rsplit(".", 1)[-1])
    return re.search(rf"(?m)^(?:[\w.$]+\.)?{last}(?::|\s*$)", trace) is not None


def error_trace(layers: list[dict[str, Any]], trace: str) -> str:
    """``trace`` (the record's traceback text, maybe empty) with the exception that the
    record's fields name: a trace that already prints it stays as it is; a message that is
    itself a traceback (``traceback.format_exc()``) is the trace; else the exception line
    is written under the frames.  A type with no message, or with data for a message, is
    left to :func:`error_cause`."""
    kind, value, structured = _fields(layers)
    if kind is None or value is None or structured or _prints(trace, kind):
        return trace.rstrip()
    if _prints(value, kind):
        return value.rstrip() if not trace else f"{trace.rstrip()}\n{value.rstrip()}"
    return f"Traceback (most recent call last):\n{trace.rstrip()}\n{kind}: {value}".replace(
        "\n\n", "\n", 1
    )


def error_cause(layers: list[dict[str, Any]]) -> str | None:
    """What the record's error fields add to its message when they make no trace: the
    message of a type field that names no exception class, a bare type (an exception
    with no message, ``AssertionError``), or a type with errors that are data
    (marshmallow's ``ValidationError`` and its dict): the record's own wording stays in
    its root, so two checks failing alike are two alerts."""
    kind, value, structured = _fields(layers)
    if kind is None:
        return value
    if value is None:
        return kind
    return f"{kind}: {value}" if structured else None
