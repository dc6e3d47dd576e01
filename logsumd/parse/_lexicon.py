"""The lexicon of log text: every pattern that says what a line (or part of one) is.

One place for the regular expressions that the line classifier (what the
assembler asks of each line), the trace parser and the cause-line scorer share:
ANSI codes, stack frames (Python, JVM and the ``... N more`` elision), exception
lines and names, chain markers, dbt error titles and database message lines.
:func:`message_kind` sorts the message of a line (after any record prefix) into
one of the ``K_*`` kinds.  Pure, no I/O.
"""

from __future__ import annotations

import re

from logsumd.parse._advice import is_advice
from logsumd.parse._plan import is_plan_line

__all__ = [
    "ANSI_RE",
    "CARET_RE",
    "CAUSED_RE",
    "CHAIN_RE",
    "DBT_RE",
    "ELISION_RE",
    "EMBEDDED_EXC_RE",
    "EXC_LINE_RE",
    "FRAME_RE",
    "GROUP_BAR_RE",
    "IPY_FRAME_RE",
    "K_BLANK",
    "K_CAUSED",
    "K_CHAIN",
    "K_DBT",
    "K_EXC",
    "K_INDENT",
    "K_JFRAME",
    "K_MSGCONT",
    "K_OTHER",
    "K_PY4J",
    "K_PYFRAME",
    "K_TB",
    "K_THREAD",
    "TB_RE",
    "THREAD_RE",
    "database_error",
    "embedded_exception",
    "exception_line",
    "is_exception_name",
    "is_java_type",
    "is_jvm_exception",
    "java_header",
    "message_kind",
    "named_exception",
    "strip_ansi",
    "strip_type_prefixes",
]

# Kinds of message (what the text after any record prefix looks like).
K_OTHER = 0
K_BLANK = 1
K_TB = 2  # Traceback (most recent call last):  (also exception groups)
K_PYFRAME = 3  # File "x.py", line 3, in f
K_CHAIN = 4  # During handling of the above exception... / The above exception was...
K_JFRAME = 5  # \tat a.b.C.m(C.java:1)  /  ... 12 more  /  ... 3 common frames omitted
K_CAUSED = 6  # Caused by: ...  /  Suppressed: ...
K_PY4J = 7  # ": java.lang.RuntimeException: ..." after a Py4JJavaError line
K_EXC = 8  # an exception line: a.b.SomeError: message  /  KeyboardInterrupt
K_THREAD = 9  # Exception in thread "main" ...
K_DBT = 10  # "Database Error" / "Runtime Error in model x" (dbt's error titles)
K_MSGCONT = 11  # DETAIL:/HINT:/LINE 1:/[SQL: ...]/(Background on this error at: ...)
K_INDENT = 12  # any other line starting with whitespace

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][AB012]")
"""Colour (CSI), window-title (OSC) and character-set escape sequences."""

FRAME_RE = re.compile(
    r'[ \t|]*(?:File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?'
    r"|at\s+(?:[\w.-]++(?:@[\w.-]+)?/)*(?P<cls>[\w$.<>/-]+)\.(?P<meth>[\w$<>-]+) ?"
    r"\((?P<src>[^)]*)\)?"
    r"|\.\.\. (?P<more>\d+) (?:more|common frames omitted)\s*$)"
)
"""A stack frame: Python's ``File "x.py", line 3, in f``, the JVM's ``at a.B.m(B.java:3)``
(after a module such as ``java.base@17/``) or the JVM's ``... 12 more`` elision."""

_NAME = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
EXC_LINE_RE = re.compile(rf"(?P<type>{_NAME})(?:(?P<sep>:\s?)(?P<msg>.*))?$", re.S)
"""``Type`` or ``pkg.Type: message`` (whether ``Type`` names an exception is asked apart)."""
_TYPE_PREFIX_RE = re.compile(rf"(?P<type>{_NAME}): ")
_EXC_SUFFIX = r"Error|Exception|Exit|Interrupt|Timeout|Failure|Fault|Throwable"
_EXC_SUFFIXES = tuple(_EXC_SUFFIX.split("|"))
_EXC_MODULE_RE = re.compile(r"(?:^|\.)(?:exceptions?|errors?|exc)\.")
_JAVA_TYPE = r"(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*"
_JAVA_TYPE_RE = re.compile(_JAVA_TYPE)
_JAVA_LOOSE_RE = re.compile(r"[a-z_$][\w$]*(?:\.[\w$]+)*\.[A-Z][\w$]*")
"""A JVM type whose package has capitals (``org.I0Itec.zkclient.ZkTimeoutException``)."""
THREAD_RE = re.compile(r'Exception in thread "[^"]*"\s+')
CAUSED_RE = re.compile(r"(?P<ind>\s*)(?P<kind>Caused by|Suppressed):\s+(?P<rest>\S.*)$", re.S)
TB_RE = re.compile(
    r"(?:[^\n]*?[\]|](?=\s*Traceback))?"
    r"[\s|+]*(?:Exception Group |[\w.]+\s{2,})?Traceback \(most recent call last\):?\s*$"
)
"""Python's traceback header; IPython's (Jupyter, papermill) names the exception first.
A progress bar the program left without a newline may come before it on the line
(tqdm's ``0%|    | 0/57 [00:00<?, ?cell/s]Traceback (most recent call last):``)."""
IPY_FRAME_RE = re.compile(
    r"(?:Cell In\s?\[\d*\], line \d+"
    r"|\[?<?ipython-input-[\w-]+>?(?:\]\([^)]*\))? in \S"
    r"|File \S[^\n]*?\.py:\d+, in \w"
    r"|\[?~?/[^\s\]]{1,400}?\.py(?:\]\([^)\s]{0,800}\))? in (?:\w+\(|<module>)"
    r"|<[\w. -]{1,80}> in (?:[\w.]+\(|<module>)"
    r"|(?:[\w.-]+/)*[\w.-]+\.(?:pyx|pxd|pxi) in [\w.]+\("
    r"|-+> ?\d+ "
    r"|\d+ frames\s*$)"
)
"""IPython's frame lines (``Cell In[3], line 2``, ``<ipython-input-3-ab> in <module>``,
``File /x/y.py:12, in f``, ``<decorator-gen-12> in f(...)``, a compiled module's
``pandas/_libs/index.pyx in pandas._libs.index.f()``), its arrow at the failing line
(``----> 2 df["x"]``) and Colab's ``5 frames`` where it folds the library's frames."""
CHAIN_RE = re.compile(
    r"[\s|]*(?P<kind>During handling of the above exception, another exception occurred"
    r"|The above exception was the direct cause of the following exception):?\s*$"
)
_PY4J_RE = re.compile(rf": {_JAVA_TYPE}")
DBT_RE = re.compile(
    r"\s*(?:>\s*)?(?:(?P<kind>Database|Runtime|Compilation|Parsing|Dependency|Internal|Validation)"
    r" Error(?: in (?P<rtype>\w+) (?P<name>\S+) \((?P<path>[^)]+)\))?\s*:?\s*$"
    r"|Failure in test (?P<test>\S+) \((?P<tpath>[^)]+)\)\s*$"
    r"|(?:[A-Z][a-z]+ )+Error(?: in \w.*)?\s*$)"
)
"""dbt's error titles: ``Database Error in model x (models/x.sql)``, ``Failure in test t (p)``,
and other ``Xxx Error`` titles (``kind`` is set only for dbt's own kinds)."""
_MSGCONT_RE = re.compile(
    r"\s*(?:DETAIL|HINT|CONTEXT|QUERY|WHERE|STATEMENT|LINE \d+):"
    r"|\[(?:SQL|parameters|generated in)\b"
    r"|\(Background on this error at:"
    r"|Driver stacktrace:"
    # azure-core's HttpResponseError: the request id, time, code and body on their own lines
    r"|(?:RequestId|ErrorCode):\S|Time:\d{4}-\d\d-\d\dT|Content: [<{]"
    r"|(?:AuthenticationErrorDetail|ExtendedErrorDetail|QueryParameter(?:Name|Value)"
    r"|Header(?:Name|Value)|Reason):\S"
    # pyarrow's schemas in a "Schema ... was different" message: one field a line, the
    # schema's metadata, and the "vs" between the two schemas (attack38)
    r"|[\w.-]+: (?:(?:u?int(?:8|16|32|64)|(?:large_)?(?:string|binary)(?:_view)?|double|float"
    r"|halffloat|bool|date(?:32|64)(?:\[\w+\])?)(?: not null)?\s*$"
    r"|(?:decimal\d*\(|time(?:stamp|32|64)\[|duration\[|(?:large_|fixed_size_)?list<|struct<"
    r"|map<|dictionary<|fixed_size_binary\[)[^\n]*[\])>](?: not null)?\s*$)"
    r"|-- schema metadata --|vs\s*$|pandas: '\{[^\n]*' \+ \d+\s*$"
)
GROUP_BAR_RE = re.compile(r"\s*(?:\+-[-+ \d.]*|\+-+)$")
"""The ``+---------------- 1 ----------------`` separators of exception groups."""
CARET_RE = re.compile(r"\s*[~^]+[\s~^]*$")
ELISION_RE = re.compile(r"\s*(?:\.{3,}|…|\[\.\.\.\])\s*$")
"""A reporter's cut in a pasted log (``...``): it stands for lines of whatever it is in."""
"""Python 3.11's ``~~~^^^`` markers under the failing expression."""
EMBEDDED_EXC_RE = re.compile(
    rf"(?:^|[\s(:])(?P<type>(?:[a-z_]\w*\.)*[A-Z]\w*(?:{_EXC_SUFFIX}))(?::\s*(?P<msg>.*))?"
)
"""An exception named inside a line of text (a log message, a wrapper's message)."""
_PAREN_EXC_RE = re.compile(r"\((?P<type>(?:[a-z_]\w*\.)+[A-Z]\w*)\)\s*(?P<msg>\S.*)")
"""SQLAlchemy's "(psycopg2.errors.UndefinedTable) relation ... does not exist"."""
_REPR_EXC_RE = re.compile(
    rf"(?:^|[\s(,:])(?P<type>(?:[a-z_]\w*\.)*[A-Z]\w*(?:{_EXC_SUFFIX}))\((?=\S)"
)
"""An exception printed as its repr inside a message: urllib3's ``(Caused by
ConnectTimeoutError(<...>, 'Connection to x timed out.'))``, requests'
``('Connection aborted.', ConnectionResetError(54, 'Connection reset by peer'))``."""
_QUALIFIED_EXC_RE = re.compile(rf"(?:^|[\s(:])((?:[a-z_]\w*\.)+[A-Z]\w*(?:{_EXC_SUFFIX})):\s*")
_JVM_PREFIX = re.compile(
    r"(?:Exception in thread \"[^\"]*\" )?"
    r"(?:java|javax|jdk|sun|org|com|scala|io|net|akka|kotlin|software|py4j)\.[\w$.]+"
)


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences and carriage returns."""
    if "\x1b" in text:
        text = ANSI_RE.sub("", text)
    return text.replace("\r", "") if "\r" in text else text


def is_exception_name(name: str) -> bool:
    """The one rule for a type name that names an exception.

    Its last part ends in ``Error``, ``Exception``, ``Timeout``... or it lives in
    an ``exceptions``/``errors``/``exc`` module (``requests.exceptions.ReadTimeout``,
    ``psycopg2.errors.UndefinedTable``); the last part starts with a capital.
    """
    last = name.rpartition(".")[2]
    if not last[:1].isupper():
        return False
    return last.endswith(_EXC_SUFFIXES) or ("." in name and _EXC_MODULE_RE.search(name) is not None)


def is_java_type(name: str) -> bool:
    """``pkg.sub.Type``: lower-case packages and a capitalised class (JVM style); a
    package with capitals is one when the class names an exception."""
    if _JAVA_TYPE_RE.fullmatch(name) is not None:
        return True
    return _JAVA_LOOSE_RE.fullmatch(name) is not None and is_exception_name(name)


STACK_TRACE_LABEL = ("Stack Trace: ", "Stacktrace: ")
"""The label Airbyte's and Dagster's failure reports put before the exception line."""


def _unlabelled(text: str) -> str:
    """``text`` without Airbyte's ``Stack Trace:`` label before its exception line."""
    return text.partition(": ")[2] if text.startswith(STACK_TRACE_LABEL) else text


def exception_line(text: str) -> tuple[str, str] | None:
    """``(type, message)`` when ``text`` is an exception line (``x.SomeError: msg``, also
    after Airbyte's ``Stack Trace:`` label, and SQLAlchemy's ``(pkg.SomeError) msg`` that a
    script printed as it is)."""
    if text.startswith("("):
        paren = _PAREN_EXC_RE.match(text)
        if paren is None or not is_exception_name(paren["type"]):
            return None
        return paren["type"], paren["msg"]
    m = EXC_LINE_RE.match(_unlabelled(text))
    if m is None or not is_exception_name(m["type"]):
        return None
    sep = m["sep"]
    if sep is not None and len(sep) == 1 and m["msg"]:
        return None  # "Error:x" is a word with a colon, not an exception line
    return m["type"], m["msg"] or ""


def strip_type_prefixes(message: str) -> str:
    """``java.io.X: java.io.X: text`` -> ``text`` (wrappers repeat the cause's type)."""
    while True:
        m = _TYPE_PREFIX_RE.match(message)
        if m is None or not is_exception_name(m["type"]):
            return message
        message = message[m.end() :]


def java_header(text: str) -> tuple[str, str] | None:
    """``(type, message)`` of a JVM exception line (``Exception in thread "x" a.b.C: msg``)."""
    m = THREAD_RE.match(text)
    text = text[m.end() :] if m is not None else _unlabelled(text)
    em = EXC_LINE_RE.match(text)
    if em is None or not is_java_type(em["type"]):
        return None
    return em["type"], em["msg"] or ""


def is_jvm_exception(msg: str) -> bool:
    """An exception line whose class lives in a JVM package (``java.``, ``org.``...)."""
    return _JVM_PREFIX.match(msg) is not None


_TB_WORDS = "Traceback (most recent call last)"
_CHAIN_WORDS = "above exception"
"""Literals in every match of ``TB_RE`` and ``CHAIN_RE``: :func:`message_kind` tries a
pattern only when the message holds its literal (``Caused by``/``Suppressed`` for
``CAUSED_RE``, `` Error``/``Failure in test`` for ``DBT_RE``, ``:``/``[`` for the
message continuations), which spares most lines a dozen regex calls."""


def message_kind(msg: str) -> int:
    """Classify a message (or an unprefixed line) into one of the ``K_*`` kinds."""
    if not msg or msg.isspace():
        return K_BLANK
    first = msg[0]
    if first in " \t|+":
        m = FRAME_RE.match(msg)
        if m is not None and (m["file"] is not None or first in " \t"):
            return K_PYFRAME if m["file"] is not None else K_JFRAME
        if _TB_WORDS in msg and TB_RE.match(msg):
            return K_TB
        if ("Caused by" in msg or "Suppressed" in msg) and CAUSED_RE.match(msg):
            return K_CAUSED
        if _CHAIN_WORDS in msg and CHAIN_RE.match(msg):
            return K_CHAIN
        if (" Error" in msg or "Failure in test" in msg) and DBT_RE.match(msg):
            return K_DBT
        if (":" in msg or "[" in msg) and _MSGCONT_RE.match(msg):
            return K_MSGCONT
        if "- " in msg and is_plan_line(msg):
            return K_MSGCONT
        if is_advice(msg):
            return K_MSGCONT
        return K_INDENT if first in " \t" else K_OTHER
    if first == ":":
        if _PY4J_RE.match(msg):
            return K_PY4J
        return K_MSGCONT if is_plan_line(msg) else K_OTHER
    if (first == "." or msg.startswith("at ")) and FRAME_RE.match(msg):
        return K_JFRAME  # "... 12 more"; a JVM frame whose indent a relay dropped
    if first in ".…[" and ELISION_RE.match(msg):
        return K_INDENT  # a cut continues what it cuts, like an indented line
    if _TB_WORDS in msg and TB_RE.match(msg):
        return K_TB
    if ("Caused by" in msg or "Suppressed" in msg) and CAUSED_RE.match(msg):
        return K_CAUSED
    if _CHAIN_WORDS in msg and CHAIN_RE.match(msg):
        return K_CHAIN
    if (first in "CF<[/-~" or first.isdigit() or ".p" in msg) and IPY_FRAME_RE.match(msg):
        return K_INDENT  # a frame of IPython's traceback: it continues the trace
    if msg.startswith("Exception in thread") and THREAD_RE.match(msg):
        return K_THREAD
    if exception_line(msg) is not None:
        return K_EXC
    if (" Error" in msg or "Failure in test" in msg) and DBT_RE.match(msg):
        return K_DBT
    if (":" in msg or "[" in msg or msg[:2] in ("vs", "--")) and _MSGCONT_RE.match(msg):
        return K_MSGCONT
    if (first == "'" or "#" in msg) and is_plan_line(msg):
        return K_MSGCONT
    if is_advice(msg):
        return K_MSGCONT
    return K_OTHER


def named_exception(message: str) -> tuple[str, str] | None:
    """``(type, message)`` of the exception a log message names (``... failed: KeyError: 'x'``,
    SQLAlchemy's ``(pkg.SomeError) text``, the innermost repr ``ConnectionResetError(54,
    ...)`` or a bare name that ends the message; then the message is the whole text), if any."""
    emb = next((m for m in EMBEDDED_EXC_RE.finditer(message) if m["msg"] is not None), None)
    if emb is not None:  # a stated ``Type: message`` wins over a repr met before it
        return emb["type"], emb["msg"].strip()
    paren = _PAREN_EXC_RE.search(message)
    if paren is not None and is_exception_name(paren["type"]):
        return paren["type"], paren["msg"].strip()
    nested = _innermost_repr(message)
    if nested:
        return nested, message.strip()
    head, sep, last = message.rstrip().rpartition(": ")
    bare = last.strip().rstrip(".")
    if sep and head and _BARE_NAME.fullmatch(bare) and is_exception_name(bare):
        return bare, message.strip()  # ``Unexpected error: KafkaTimeoutError``
    return None


_BARE_NAME = re.compile(r"(?:[a-z_]\w*\.)*[A-Z]\w*")


def _innermost_repr(message: str) -> str:
    """The type of the first exception repr in ``message`` or, when another repr is printed
    inside its parentheses (urllib3's ``MaxRetryError(... Caused by ConnectTimeoutError(
    ...))``), of the innermost one; a repr printed after it is a sibling, no cause."""
    found = list(_REPR_EXC_RE.finditer(message))
    if not found:
        return ""
    closing = _closings(message)
    inner = found[0]
    end = closing.get(inner.end() - 1, len(message))
    for m in found[1:]:
        if m.start() >= end:
            break
        inner, end = m, closing.get(m.end() - 1, len(message))
    return inner["type"]


def _closings(text: str) -> dict[int, int]:
    """Opening parenthesis -> the index after the one that closes it, in one pass (an
    unclosed one is absent: it runs to the end)."""
    out: dict[int, int] = {}
    stack: list[int] = []
    for k, ch in enumerate(text):
        if ch == "(":
            stack.append(k)
        elif ch == ")" and stack:
            out[stack.pop()] = k + 1
    return out


def embedded_exception(message: str) -> tuple[str, str] | None:
    """The last qualified ``pkg.SomeError: msg`` inside a wrapper's message (Spark, Py4J)."""
    for m in reversed(list(_QUALIFIED_EXC_RE.finditer(message))):
        rest = message[m.end() :].strip()
        if rest:
            return m.group(1), rest
    return None


_DB_ERROR = re.compile(
    r"(?:Runtime Error: )?(?P<type>(?:(?:[A-Z][A-Za-z]*|of|implemented) ){1,3}Error"
    r"|[A-Z]\w*(?:Error|Exception))"
    r":\s+(?P<msg>\S.*)|(?P<ctype>[A-Z]\w*(?:Error|Exception))\((?P<args>.*)\)$"
)
"""A database's own typed error as the first line of a dbt block's message."""
_CALL_MESSAGE = re.compile(r'\bmessage="(?P<m>.*?)"(?=, \w+=|\)?$)')
"""Trino's ``message="..."``: its quotes are not escaped, so it ends before the next
``, field=`` or the call's end."""
_DBT_OWN = frozenset((
    "Database Error", "Runtime Error", "Compilation Error", "Parsing Error", "Dependency Error",
    "Internal Error", "Env Error",
))  # fmt: skip


def database_error(line: str) -> tuple[str, str] | None:
    """``(type, message)`` of a database's own typed error that a dbt block's message
    starts with: DuckDB's ``Binder Error: ...``, Trino's ``TrinoUserError(...,
    message="...")``; None for dbt's own titles (``Database Error: ...``) and plain text."""
    m = _DB_ERROR.match(line)
    kind = (m["type"] or m["ctype"]) if m is not None else None
    if m is None or not kind or kind in _DBT_OWN:
        return None
    said = _CALL_MESSAGE.search(m["args"] or "")
    return kind, m["msg"] or (said["m"] if said else m["args"]) or ""
