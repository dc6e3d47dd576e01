"""JSON-lines log records: the fields a record parser needs, read from one JSON object.

python-json-logger, structlog, pino, zap, logrus, loguru (``serialize=True``), ECS,
Cloud Logging, CloudWatch and AWS Lambda exports, Docker's json-file driver and dbt's
``--log-format json`` each name the level, the message, the logger and the
traceback their own way; :func:`json_fields` reads them (at the top level and one
object down).  :mod:`logsumd.parse._records` turns them into a record.  Pure.
Red team: ``tests/attack7``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from logsumd.parse._json_errors import field as _field
from logsumd.parse._json_errors import with_error_fields

__all__ = ["json_fields"]

_LEVEL_KEYS = ("level", "levelname", "severity", "log.level", "lvl", "loglevel", "log_level")
_MESSAGE_KEYS = ("msg", "message", "event", "textPayload", "log", "exc", "text")
_CAUSE_KEYS = ("error", "err", "errorMessage", "error.message")
_TRACE_KEYS = (
    *("exc_info", "exception", "stack_trace", "stacktrace", "traceback", "stack"),
    *("error.stack_trace", "stackTrace"),
)
_SOURCE_KEYS = ("logger", "name", "logger_name", "module", "stream")
_LEVEL_FIELDS = tuple(
    re.compile(rf'"{key}"\s*:\s*"(\w+)"')
    for key in ("level", "levelname", r"log\.level", "severity")
)
_MESSAGE_FIELD = re.compile(r'"(?:msg|message|event)"\s*:\s*"((?:[^"\\\n]|\\.){0,4000})(?:"|$)')
_ERROR_WORDS = frozenset(("ERROR", "ERR", "CRITICAL", "FATAL", "ALERT", "EMERGENCY", "SEVERE"))
_PINO_LEVELS = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARNING", 50: "ERROR", 60: "FATAL"}

JsonFields = tuple[str | None, str | None, str, bool]
"""(level word, logger, message, whether the object is a container's line: Docker's
``log`` or Cloud Logging's ``textPayload``)."""


def _level_word(raw: Any) -> str | None:
    if isinstance(raw, dict):  # loguru: {"name": "ERROR", "no": 40}
        raw = raw.get("name")
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _PINO_LEVELS.get(raw - raw % 10)
    return raw if isinstance(raw, str) and raw.isalpha() else None


_MAX_STACKS = 10
_MAX_FRAMES = 200


def _frame_line(frame: Any) -> str:
    if not isinstance(frame, dict):
        return ""
    name, line, func = frame.get("filename"), frame.get("lineno"), frame.get("name")
    return f'  File "{name}", line {line}, in {func}' if isinstance(name, str) else ""


def _error_detail(details: list[Any]) -> str:
    """Airflow 3's (structlog's) ``error_detail``: the chain of exceptions, outermost
    first, each with ``exc_type``, ``exc_value``, ``frames`` and ``is_cause``; written
    back as Python prints it, the cause first."""
    if len(details) > _MAX_STACKS:  # keep the outermost two and the innermost (the root)
        details = [*details[:2], *details[2 - _MAX_STACKS :]]
    stacks = [d for d in details if isinstance(d, dict)]
    parts: list[str] = []
    for k in range(len(stacks) - 1, -1, -1):
        stack = stacks[k]
        kind, value = stack.get("exc_type"), stack.get("exc_value")
        if not isinstance(kind, str):
            continue
        frames = stack.get("frames")
        lines = ["Traceback (most recent call last):"]
        if isinstance(frames, list):
            lines += [x for x in map(_frame_line, frames[:_MAX_FRAMES]) if x]
        lines.append(f"{kind}: {value}" if isinstance(value, str) and value else kind)
        if parts:
            linked = stacks[k + 1].get("is_cause") is True
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n"
                if linked
                else "\nDuring handling of the above exception, another exception occurred:\n"
            )
        parts.append("\n".join(lines))
    return "\n".join(parts)


def _trace(layers: list[dict[str, Any]]) -> str:
    """The traceback a record carries: a text field, loguru's ``exception`` object (its
    type and value), Airflow 3's ``error_detail`` chain or structlog's dict tracebacks."""
    details = _field(layers, ("error_detail",))
    if isinstance(details, list) and (text := _error_detail(details)):
        return text
    trace = _field(layers, _TRACE_KEYS)
    if isinstance(trace, list) and all(isinstance(t, str) for t in trace):
        trace = "".join(trace)
    elif isinstance(trace, list):  # structlog's dict_tracebacks: error_detail's shape
        trace = _error_detail(trace)
    if isinstance(trace, dict):
        kind, value = trace.get("type"), trace.get("value")
        trace = f"{kind}: {value}" if isinstance(kind, str) else None
    return trace if isinstance(trace, str) else ""


def _unquote(body: str) -> str:
    """A JSON string's body decoded (as it is, when its escapes are not JSON's)."""
    try:
        text = json.loads(f'"{body}"')
    except ValueError:
        return body
    return text if isinstance(text, str) else body


def _partial(line: str) -> JsonFields | None:
    """The level and message of a JSON record that does not parse (cut, or nested too
    deep), read with bounded regexes; None when it shows neither.  The level keys are
    tried in order (``level`` before ``severity``, which nested objects often carry)."""
    word = next((m[1] for rx in _LEVEL_FIELDS if (m := rx.search(line)) is not None), None)
    msg = _MESSAGE_FIELD.search(line, 0, 500)
    if word is None and msg is None:
        return None
    return word, None, _unquote(msg[1]) if msg else line, False


def json_fields(line: str) -> JsonFields | None:
    """The level word, logger and message of a JSON-lines record (the ``error`` field
    after the message, the traceback a field carries on its next lines); None when
    ``line`` is no JSON object with a message.  A line cut or nested past the
    parser's depth is read with two bounded regexes."""
    if not line.rstrip().endswith("}"):
        return _partial(line) if line.startswith('{"') else None  # cut at max_line_bytes
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return _partial(line)
    if not isinstance(obj, dict):
        return None
    layers = [obj, *(v for v in obj.values() if isinstance(v, dict))]
    message = _field(layers, _MESSAGE_KEYS)
    message = message.rstrip("\n") if isinstance(message, str) else ""
    had_message = bool(message)
    cause = _field(layers, _CAUSE_KEYS)
    if isinstance(cause, str) and cause not in message:
        message = f"{message}: {cause}" if message else cause
    message, trace, named = with_error_fields(layers, message, _trace(layers))
    word = _level_word(_field(layers, _LEVEL_KEYS))
    if not message:
        # no message: the record is worth reading only as an uncaught error (Lambda's own
        # record); its exception line, not a trace's first line, stands for the message
        if not named or (word is not None and word.upper() not in _ERROR_WORDS):
            return None
        message = trace.rsplit("\n", 1)[-1]
    if word is None and named and not had_message:
        word = "ERROR"  # an error response printed by `aws lambda invoke`: fields only
    if trace and trace not in message:
        message = f"{message}\n{trace}"
    source = _field(layers, _SOURCE_KEYS)
    container = "log" in obj or "textPayload" in obj
    return word, source if isinstance(source, str) else None, message, container
