"""A one- or two-sentence summary built only from the parsed facts of an event.

The fallback of the model-based summarizer, so it must always work and never
invent anything: every identifier it shows is copied from the event (file and
function of the application frame, the Airflow task id, the exception type and
a trimmed message).  The closing advice is generic per category and names no
identifier that is not in the event.  Log text that imitates the summary's own
labels (``Likely cause:``, ``Check:``) is cut where the label starts.
"""

from __future__ import annotations

import re

from logsumd.parse import parse, parse_record, strip_ansi
from logsumd.records import Classification, Event, Frame
from logsumd.summarize.output_check import cut_label_imitation
from logsumd.summarize.subject import task_of
from logsumd.understand import STRONG_RULES

MAX_CHARS = 300

# The category's advice when nothing more specific is known: it must be right for every
# error of the category (reviewers rated "compare the columns" for a syntax error and
# "install the package" for the project's own module wrong, "read the trace" useless).
ADVICE: dict[str, str] = {
    "file_io": "Check that the upstream step produced the file and the path is right.",
    "permission": "Check the permissions or grants of the account this job runs as.",
    "connection": "Check the service is up and reachable (host, port, network) from the worker.",
    "timeout": "Check the remote side's health; raise the timeout or retry with backoff.",
    "data_format": "Inspect the input for malformed or unexpected values (header, types).",
    "schema": "Fix the table, column or SQL that the database's message names.",
    "resource": "Check memory and disk on the worker and the job's resource limits.",
    "auth": "Check the credentials in the connection or secret, and that the account is active.",
    "dependency": "Install it where the job runs, or put the project's own folder on PYTHONPATH.",
    "http_api": "Check the request (URL, port, parameters) and the API's status and rate limits.",
    "cloud_storage": "Check that the bucket, stage or object exists and the job's role can use it.",
    "key_missing": "Define the missing key, connection, variable or env var for this environment.",
    "other": "Check the input and settings of the step that logged this error.",
}
_SPECIAL_ADVICE: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "other",
        re.compile(r"SIGTERM|SIGKILL|killed", re.IGNORECASE),
        "Check what stopped the task: a timeout, a manual kill, or a restarted worker.",
    ),
    (
        "auth",
        re.compile(r"locked|disabled", re.IGNORECASE),
        "Fix the stored credentials, then have the account unlocked.",
    ),
    (
        "dependency",
        re.compile(r"HADOOP_HOME|winutils"),
        "Install winutils and set HADOOP_HOME where the Spark driver runs.",
    ),
    (
        "resource",
        re.compile(
            r"(?:address|port)\b[^\n]{0,40}\balready (?:in use|allocated)|BindException"
            r"|EADDRINUSE|Connection in use",
            re.IGNORECASE,
        ),
        "Find and stop the process holding the port, or give this service a free port.",
    ),
)
_SPECIAL_ADVICE += (
    (
        "dependency",
        re.compile(
            r"command not found|exit(?:ed with)? (?:code|status) 127\b|non-zero exit code 127\b"
            r"|Cannot run program|executable file not found|No such file or directory: '[\w.+-]+'$",
            re.IGNORECASE | re.MULTILINE,
        ),
        "Install the program in the worker image, or put it on the PATH.",
    ),
    (
        "key_missing",
        re.compile(r"\bKeyError\b|not in index|\bcolumns?\b", re.IGNORECASE),
        "Check the data's keys or columns for that name (a typo or an upstream rename).",
    ),
)
_JVM_ADVICE = {
    "dependency": "Add the jar that provides the missing class to the job's classpath"
    " (spark.jars or --packages), in versions that match.",
}
"""Advice for a JVM trace where the category's advice speaks of Python (PYTHONPATH)."""
_NOISE_HEADER = re.compile(
    r"^(?:Task failed with exception|Traceback \(most recent call last\)|Exception in thread"
    r"|ERROR\s*$|Error\s*$|An error occurred)",
    re.IGNORECASE,
)
_LEVEL_NAMES = frozenset(
    {"ERROR", "ERR", "SEVERE", "CRITICAL", "CRIT", "FATAL", "WARNING", "WARN", "INFO", "DEBUG"}
)
_AIRFLOW_SOURCE = re.compile(r"^taskinstance\.py:\d+$|^standard_task_runner\.py:\d+$")
_SENTENCE_BREAK = re.compile(r"(?<=[\w)'\"])[.!?]\s+(?=[A-Z])")
_QUERY_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\s*")
_NONE_PREFIX = re.compile(r"(?<=: )None: ")
_IDENT = re.compile(r"['\"`][^'\"`]+['\"`]|[\w.-]+=[\w.'\"-]+|/[\w./-]+|\w+://\S+|:\d{2,5}\b")


def _frame_text(frame: Frame) -> str:
    name = frame.file.replace("\\", "/").rsplit("/", 1)[-1]
    if frame.line is None:
        return f"`{frame.file}` ({frame.function})"
    return f"`{name}` line {frame.line} in `{frame.function}`"


def _header_message(cls: Classification) -> str:
    """The introducing record's message, or "" when it says nothing of its own."""
    line = parse_record(strip_ansi(cls.header))
    msg = " ".join(line.message.split())
    if not msg or _NOISE_HEADER.match(msg) or msg in cls.message:
        return ""
    if any(msg.startswith(c.type) for c in cls.chain):
        return ""
    return msg


def _component(cls: Classification) -> str:
    src = parse_record(strip_ansi(cls.header)).source or ""
    if not src or re.search(r"\.py:\d+$", src) or src == "root":
        return ""
    return src.rsplit(".", 1)[-1]


def trim(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _clean(message: str) -> str:
    """Without query-id prefixes and inner sentence breaks (the summary stays 2 sentences)."""
    text = _NONE_PREFIX.sub("", _QUERY_ID.sub("", message)).strip()
    return _SENTENCE_BREAK.sub("; ", text)


def _outer_detail(cls: Classification) -> str:
    """The outer exception's message when it names more than the root's does."""
    if cls.outer_exception_type == cls.exception_type:
        return ""
    outer = next((c for c in reversed(cls.chain) if c.type == cls.outer_exception_type), None)
    if outer is None:
        return ""
    msg = _clean(outer.message)
    if not msg or msg in cls.message or cls.message in msg:
        return ""
    if len(_IDENT.findall(msg)) <= len(_IDENT.findall(cls.message)):
        return ""
    return msg


def _is_log_record(event: Event, cls: Classification) -> bool:
    """The event is an ERROR record without an exception (its "type" is a logger or level)."""
    root = parse(event.text).root
    return root is not None and root.lang == "log" and root.type == cls.exception_type


def advice_of(category: str, text: str, jvm: bool = False) -> str:
    """The generic advice for an error of ``category`` whose text is ``text``: a
    special case the text shows (a kill, a port in use...), the JVM's variant, else
    the category's."""
    for special, rx, advice in _SPECIAL_ADVICE:
        if special == category and rx.search(text):
            return advice
    if jvm and category in _JVM_ADVICE:
        return _JVM_ADVICE[category]
    return ADVICE.get(category, ADVICE["other"])


_JVM_TYPE = re.compile(r"^(?:java|javax|scala|org|com|io|net|kafka)\.\w")


def _advice(cls: Classification) -> str:
    text = " ".join([cls.message, *cls.cause_lines, cls.header])
    return advice_of(cls.category, text, _JVM_TYPE.match(cls.exception_type) is not None)


def rule_summary(event: Event, cls: Classification) -> str:
    """One or two sentences: where, the root exception and message, one check."""
    if cls.app_frame is not None:
        lead = f"{_frame_text(cls.app_frame)} failed"
    elif task := task_of(event.text):
        lead = f"Airflow task `{task}` failed"
    else:
        lead = ""
    header = cut_label_imitation(_header_message(cls))
    component = _component(cls)
    if not lead:
        if header:
            lead = f"{trim(header, 90).rstrip('.')}"
            lead += f" (`{component}`)" if component and component not in header else ""
        elif component:
            lead = f"`{component}` failed"
        elif _AIRFLOW_SOURCE.search(parse_record(strip_ansi(cls.header)).source or ""):
            lead = "Airflow task failed"
        else:
            lead = "Failed"
    exc = cls.exception_type
    if _is_log_record(event, cls):
        # an ERROR record without an exception: the type is its logger or level
        lead = f"`{exc}` reported" if exc not in _LEVEL_NAMES else "Error logged"
        exc = ""
    elif cls.outer_exception_type != exc and cls.outer_exception_type:
        exc += f" (raised as {cls.outer_exception_type})"
    message = cut_label_imitation(_clean(cls.message))
    outer = cut_label_imitation(_outer_detail(cls))
    cause = ""
    if cls.cause_lines and (cls.category == "other" or not message):
        first = cut_label_imitation(cls.cause_lines[0])
        if first not in message and first not in header:
            cause = first
    advice = _advice(cls)
    rule = next((r.pattern for r in STRONG_RULES if r.category == cls.category), None)
    lead = lead.rstrip(" :")
    budget = MAX_CHARS - len(lead) - len(exc) - len(advice) - 7
    while True:
        body = _body(message, outer, cause, max(budget, 30), rule)
        what = f"{exc} — {body}" if body and exc else body or exc
        text = f"{lead}: {what.rstrip('.')}. {advice}"
        if len(text) <= MAX_CHARS or budget <= 30:
            return text
        budget -= len(text) - MAX_CHARS


def _body(message: str, outer: str, cause: str, budget: int, rule: re.Pattern[str] | None) -> str:
    """The message, then the outer message and a cause line while room is left."""
    first = focus_trim(message, budget, rule) if message else ""
    parts = [first] if first else []
    left = budget - len(first) - 2
    for extra in (outer, cause):
        if extra and left >= 40:
            piece = focus_trim(extra, left, rule)
            parts.append(piece)
            left -= len(piece) + 2
    return "; ".join(parts)


def focus_trim(text: str, limit: int, rx: re.Pattern[str] | None) -> str:
    """Like ``trim``, but keep the clause that ``rx`` matches even when it is far in."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    m = rx.search(text) if rx is not None else None
    if m is None or m.end() <= limit - 1 or limit < 60:
        return trim(text, limit)
    clause = max(text.rfind(sep, 0, m.start()) for sep in (". ", ": ", ", ", "; "))
    start = clause + 2 if clause >= 0 and m.start() - clause < 80 else m.start()
    head = trim(text[:start], limit // 3)
    if not head.endswith("…"):
        head += " …"
    return f"{head} {trim(text[start:], limit - len(head) - 1)}"
