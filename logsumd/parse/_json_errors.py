"""The exception a JSON log record names in fields of its own (pure).

AWS Lambda writes ``errorType`` / ``errorMessage``, formatters ``exception_type`` /
``exception_message`` (or ``error_type`` with ``error_message`` or ``error``), ECS
``error.type`` / ``error.message`` flattened or an ``error`` object, pino an ``err``
object, an HTTP API its error body ``{"type": ..., "message" | "reason": ...}``
(Elasticsearch's innermost ``caused_by``).  :func:`with_error_fields` writes that
exception as Python prints it, so the trace parser finds the root.  A type field that
holds a label (``unknown``, ``timeout``, OpenAI's ``requests``) names no exception: its
message is then the record's cause.  An exception with no message of its own (a bare
``assert``) or with data for a message (marshmallow's dict of errors) takes the record's
wording, so two checks failing alike stay two alerts.  Red teams: ``tests/attack47``,
``tests/attack49``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["field", "with_error_fields"]

_TYPE_KEYS = ("errorType", "exception_type", "error_type", "error.type")
_VALUE_KEYS = ("errorMessage", "exception_message", "error_message", "error.message")
_CAUSE_VALUE_KEYS = ("error", "err")
"""structlog's ``error=str(e), error_type=type(e).__name__``."""
_ERROR_OBJECTS = ("error", "err", "exception")
_TYPE_NAME = re.compile(r"[A-Za-z_][\w.$]{0,200}")
_CLASS = re.compile(r"[A-Z]\w*")
_CLASS_WORDS = re.compile(r"[A-Z][a-z0-9]+[A-Z]|Error|Exception|Exit|Interrupt|Timeout|Fault")
"""A class name: two words or more (``UniqueViolation``), or one that says error."""
_SNAKE_TYPE = re.compile(r"[a-z0-9_]*(?:error|exception)")
"""A type spelled in snake case must say so (``index_not_found_exception``)."""
_LABELS = frozenset(("None", "Null", "Unknown", "Undefined", "Errors"))
_NOT_EXCEPTIONS = frozenset(
    ("str", "bytes", "int", "float", "bool", "dict", "list", "tuple", "object", "NoneType")
)
_VALUE_CHARS = 2000
_CAUSE_DEPTH = 8


def _is_type(kind: str) -> bool:
    """``kind`` names an exception class, not a label or a plain value's type."""
    if not _TYPE_NAME.fullmatch(kind) or kind in _NOT_EXCEPTIONS:
        return False
    last = kind.rsplit(".", 1)[-1]
    if _CLASS.fullmatch(last):
        return last not in _LABELS and (
            last in ("Exception", "Error", "Warning") or _CLASS_WORDS.search(last) is not None
        )
    return _SNAKE_TYPE.fullmatch(last) is not None and last not in ("error", "exception")


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
    """An exception's message: a string as it is; a dict or list written out flat."""
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, dict | list) and raw:
        return _flat(raw)[:_VALUE_CHARS]
    return None


def field(layers: list[dict[str, Any]], keys: tuple[str, ...]) -> Any:
    """The first value, neither null nor empty, of one of ``keys`` in the record's layers
    (the object itself first, then the objects one level down)."""
    for layer in layers:
        for key in keys:
            value = layer.get(key)
            if value not in (None, ""):
                return value
    return None


def _innermost(obj: dict[str, Any]) -> dict[str, Any]:
    """Elasticsearch's ``caused_by`` chain, followed to its end (``all shards failed``
    says nothing of why)."""
    for _ in range(_CAUSE_DEPTH):
        cause = obj.get("caused_by")
        if not isinstance(cause, dict) or not isinstance(cause.get("type"), str):
            break
        obj = cause
    return obj


def _error_object(layers: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The type and message of an error object, one level into a wrapper's own ``error``
    when the outer type is a label (Anthropic's ``{"type": "error", "error": {...}}``)."""
    inner = next(
        (v for layer in layers for k in _ERROR_OBJECTS if isinstance(v := layer.get(k), dict)),
        None,
    )
    if inner is None:
        return None, None
    outer = inner.get("type") or inner.get("name")
    nested = inner.get("error")
    if not (isinstance(outer, str) and _is_type(outer)) and isinstance(nested, dict):
        inner = nested
    inner = _innermost(inner)
    kind = inner.get("type") or inner.get("name")
    return kind, inner.get("message") or inner.get("reason")


def _fields(layers: list[dict[str, Any]]) -> tuple[str | None, str | None, bool]:
    """(type, message, whether the message is a dict or list written out): the type
    None when the record names no exception class."""
    kind, value = field(layers, _TYPE_KEYS), field(layers, _VALUE_KEYS)
    if isinstance(kind, str) and value is None:
        value = field(layers, _CAUSE_VALUE_KEYS)
        value = value if isinstance(value, str) else None
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


def _written(trace: str, kind: str, value: str) -> str:
    head = f"Traceback (most recent call last):\n{trace.rstrip()}".rstrip()
    return f"{head}\n{kind}: {value}" if value else f"{head}\n{kind}"


def with_error_fields(
    layers: list[dict[str, Any]], message: str, trace: str
) -> tuple[str, str, bool]:
    """(message, trace, whether the fields name an exception class) of a record whose
    message and traceback text (maybe empty) are given, with what its error fields add:
    a trace that already prints the type stays as it is; a message that is itself a
    traceback (``traceback.format_exc()``) is the trace; else the exception line is written
    under the frames.  A label's message becomes the record's cause."""
    kind, value, structured = _fields(layers)
    trace = trace.rstrip()
    if kind is None:
        if value is not None and value not in message:
            message = f"{message}: {value}" if message else value
        return message, trace, False
    if _prints(trace, kind):
        return message, trace, True
    if value is not None and not structured and _prints(value, kind):
        return message, (f"{trace}\n{value.rstrip()}" if trace else value.rstrip()), True
    if value is None or structured:  # the record's own wording is the exception's message
        value = ": ".join(x for x in (message, value) if x)
    return message, _written(trace, kind, value or ""), True
