"""Mask secrets in log text before anything leaves the process.

What is masked (each value whole, as ``***``; key names stay):

* private keys: PEM blocks from ``BEGIN`` to ``END`` (or to the end of the
  text), also with ``\\n`` escapes, a lone ``END`` line, and base64 key lines
  logged one per record;
* tokens with a known shape, wherever they stand: AWS ``AKIA``/``ASIA`` ids,
  the secret key written after its id, session tokens, GitHub, GitLab, Slack
  (and webhooks), Stripe, Hugging Face, Databricks, Google (``ya29.``,
  ``AIza``, ``GOCSPX-``), SendGrid, OpenAI and Anthropic ``sk-``, npm, PyPI,
  Vault, Shopify, Atlassian, Telegram, Mailgun, Azure AD secrets, Twilio auth
  tokens, JWTs, ``Bearer`` tokens;
* values of credential keys in any quoting and syntax (see
  :mod:`~logsumd.understand._secret_values`): ``key=v``, JSON, Python
  ``repr``/``bytes``, YAML, XML, ``->`` maps, ``%3D`` URL-encoded, connection
  strings (``AccountKey``, ``SharedAccessSignature``, ``sig``, ``Pwd={..;..}``),
  headers (``Authorization``, ``Cookie``, ``X-Api-Key``), auth tuples, quoted
  subscripts (``os.environ["DB_PASSWORD"] = v``), cookie dicts; keys in other
  languages (``passwort``, ``senha``, ``пароль``, ``密码``); a value that is a cause
  (``secret: NoCredentialsError``) or a secret's name (``Secret a/b/c not found``)
  is kept (:mod:`~logsumd.understand._secret_causes`);
* the cells of a credential column in tabular output (pandas, psql, rich): see
  :mod:`~logsumd.understand._secret_tables`;
* command-line secrets (``--password v``, ``-P v``, ``-p<v>``, ``sshpass -p``,
  ``curl -u user:pw``) and URL/DSN passwords (``scheme://u:pw@host``, also with
  no host (``u:pw@/db``) or an IPv6 one, ``u:pw@host:port``, ``'u/pw@host'``,
  ``jdbc:oracle:thin:u/pw@host``); see :mod:`~logsumd.understand._secret_args`.

Speed: a detector runs only when one of its literals (case-folded) is in the
text, so an ordinary line costs a lowering and a few substring tests; the
literals are checked against every rule's matches by the tests.  Pure.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from urllib.parse import unquote

from logsumd.understand._literal_runs import RunWords, run_parts
from logsumd.understand._secret_args import cli_flags, userinfo
from logsumd.understand._secret_commands import COMMAND_FINDERS, TOOL_NAMES, tool_secrets
from logsumd.understand._secret_tables import table_columns
from logsumd.understand._secret_tokens import RULES, Rule
from logsumd.understand._secret_values import KEY_WORDS, Span, keyed_values
from logsumd.understand._secret_views import views

__all__ = [
    "MASK",
    "RULES",
    "Redactor",
    "Rule",
    "blobs",
    "long_tokens",
    "mask_spans",
    "redact",
    "secret_spans",
    "token_gate",
]

MASK = "***"


TOKEN_MIN = 16
_TOKEN_TABLE = bytes(
    ord("a") if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_.-") else 0x20
    for c in range(256)
)


_B64_TABLE = bytes(
    ord("a") if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "+/") else 0x20
    for c in range(256)
)
_RUN = b"a" * TOKEN_MIN


def _runs(marks: bytes) -> list[tuple[int, int]]:
    """(start, end) of each run of 16+ ``a`` in ``marks``, found with ``bytes.find``."""
    out: list[tuple[int, int]] = []
    at = marks.find(_RUN)
    while at >= 0:
        end = marks.find(b" ", at + TOKEN_MIN)
        end = len(marks) if end < 0 else end
        out.append((at, end))
        at = marks.find(_RUN, end)
    return out


def long_tokens(text: str) -> list[bytes]:
    """Runs of 16+ ``[A-Za-z0-9_.-]`` in ``text`` (the tokens that prefix rules look at).

    Found in C: the text's bytes are translated to ``a`` (token) and space, and
    each run is found by searching 16 ``a`` in a row.
    """
    data = text.encode("utf-8", "replace")
    return [data[a:b] for a, b in _runs(data.translate(_TOKEN_TABLE))]


Finder = Callable[[str, str, list[str]], list[Span]]
"""``(text, its lower case, the gate literals present)`` -> spans."""
FINDERS: tuple[tuple[tuple[str, ...], Finder], ...] = (
    (KEY_WORDS, keyed_values),
    (KEY_WORDS, table_columns),
    (("@",), lambda text, _folded, _present: userinfo(text)),
    (("-p", "-u"), lambda text, folded, _present: cli_flags(text, folded)),
    *((t, lambda text, folded, _p, f=f: f(text, folded)) for t, f in COMMAND_FINDERS),
)
"""Scanners over positions rather than one regex, each with the literals that gate it."""

_BLOB = re.compile(r"(?<![^\s'\"(\[=:>,])[A-Za-z0-9+/]{16,}={0,2}(?![\w+/=])")
_NOT_BLOB_CONTEXT = ("x-amz-id-2", "id-2:", "hostid", "etag", "request id", "requestid", "sha")
"""Words on a line (or the line before) that name a base64 value as an id or a checksum."""


def _entropy(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _is_blob(value: str) -> bool:
    """A base64 body: mixed case and digits, random, few slashes (not a path)."""
    body = value.rstrip("=")
    if not (any(c.isdigit() for c in body) and body.lower() != body != body.upper()):
        return False
    if body.count("/") > len(body) // 16 + 1:
        return False
    if len(body) >= 40:
        return _entropy(body) >= 4.2
    return value.endswith("=") and _entropy(body) >= 3.5


def blobs(text: str) -> list[Span]:
    """Base64 runs ending a line: PEM key lines logged one per record (no markers around)."""
    spans: list[Span] = []
    offset = 0
    before = ""
    for line in text.split("\n"):
        end = len(line.rstrip())
        start = max(line.rfind(" ", 0, end), line.rfind("\t", 0, end)) + 1
        if end - start >= TOKEN_MIN:
            low = before + line.lower()
            if not any(c in low for c in _NOT_BLOB_CONTEXT):
                for m in _BLOB.finditer(line, start, end):
                    if _is_blob(m.group()):
                        spans.append((offset + m.start(), offset + m.end()))
        offset += len(line) + 1
        before = line[-60:].lower()
    return spans


def _blob_token(token: bytes) -> bool:
    """A run of base64 characters that may be a key line: both cases and a digit."""
    if token.islower() or token.isupper():  # one case (paths, ids): the usual, cheap answer
        return False
    return token.translate(None, b"0123456789") != token


def _fold(text: str) -> str:
    """Lower case with the same length as ``text`` (positions are shared)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def mask_spans(text: str, spans: list[Span]) -> str:
    """``text`` with each (merged) span replaced by ``***``."""
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for first, end in sorted(spans):
        if first >= end:
            continue
        if first <= pos and out:  # overlaps or touches the previous mask
            pos = max(pos, end)
            continue
        out.append(text[pos:first])
        out.append(MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out)


_SUBSTRING: tuple[tuple[tuple[str, ...], Finder], ...] = (
    *((r.triggers, lambda text, _f, _p, r=r: r.spans(text)) for r in RULES if r.triggers),
    *FINDERS,
)
_BY_TRIGGER: dict[str, list[int]] = {}
for _index, (_triggers, _) in enumerate(_SUBSTRING):
    for _trigger in _triggers:
        _BY_TRIGGER.setdefault(_trigger, []).append(_index)
_TRIGGERS = tuple(_BY_TRIGGER)
_PREFIXED = tuple(r for r in RULES if r.prefixes)
_PREFIXES = tuple(dict.fromkeys(p.encode() for r in _PREFIXED for p in r.prefixes))
_RULE_PREFIXES = tuple((r, tuple(p.encode() for p in r.prefixes)) for r in _PREFIXED)
_HEAD = min(map(len, _PREFIXES))
_HEADS = frozenset(p[:_HEAD] for p in _PREFIXES)
"""The first bytes of every prefix: a token that starts otherwise starts with none."""


_PARTS = {t: run_parts(t) if t.isascii() else () for t in _TRIGGERS}
_CHECKS = tuple((t, _PARTS[t], _PARTS[t] == (t,)) for t in _TRIGGERS)
"""Each trigger, its runs of letters and ``-``, and whether it is one run.  A trigger
with other than ASCII characters (``пароль``, ``lösenord``) is only searched, and only
in a text that has such characters: its ASCII runs (``l``, ``has``) are in most texts."""
_WORDS = RunWords([*(w for parts in _PARTS.values() for w in parts), *TOOL_NAMES])
_WHOLE = frozenset(t for t, _, whole in _CHECKS if whole)
_SPLIT = tuple((t, parts) for t, parts, whole in _CHECKS if not whole and t.isascii())
_SPLIT_WIDE = tuple((t, parts) for t, parts, whole in _CHECKS if not whole and not t.isascii())
_ORDER = {t: i for i, t in enumerate(_TRIGGERS)}
"""The one-run triggers (found as a set), the others (searched), those of them with
other than ASCII characters (never in an ASCII text), and the order of all."""
_NEEDS = {
    len(_SUBSTRING) - len(COMMAND_FINDERS) + k: TOOL_NAMES
    for k, (_, finder) in enumerate(COMMAND_FINDERS)
    if finder is tool_secrets
}
"""Finders (by index in ``_SUBSTRING``, which ends with ``COMMAND_FINDERS``) that find
nothing in a text that holds none of these words."""


def _present(folded: str) -> tuple[list[str], set[str]]:
    """The triggers that are substrings of ``folded`` (in ``_TRIGGERS`` order), and the
    words of ``_WORDS`` that are.

    A trigger of letters and ``-`` is found through the text's runs of those
    (:mod:`~logsumd.understand._literal_runs`), in less time than a search of the
    whole text for each; another trigger is searched in the text when each of its
    runs is part of one of the text's.
    """
    found = _WORDS.found(folded)
    present = [*(found & _WHOLE)]
    split = _SPLIT if folded.isascii() else _SPLIT + _SPLIT_WIDE
    present += [t for t, parts in split if found.issuperset(parts) and t in folded]
    present.sort(key=_ORDER.__getitem__)
    return present, found


def token_gate(text: str) -> tuple[list[Rule], bool]:
    """The prefix rules that may match ``text``, and whether it may hold a base64 key line.

    A prefix rule may match only where a long token starts with its prefix; a
    key line needs a run of 16+ base64 characters in both cases with a digit.
    """
    data = text.encode("utf-8", "replace")
    rules: list[Rule] = []
    for at, _ in _runs(data.translate(_TOKEN_TABLE)):
        if data[at : at + _HEAD] in _HEADS and data.startswith(_PREFIXES, at):
            rules += [r for r, p in _RULE_PREFIXES if r not in rules and data.startswith(p, at)]
    blob = any(_blob_token(data[a:b]) for a, b in _runs(data.translate(_B64_TABLE)))
    return rules, blob


def _scan(text: str, folded: str) -> list[Span]:
    """Every span of ``text`` (case-folded: ``folded``) that a detector takes for a secret."""
    present, words = _present(folded)
    gated = {i for t in present for i in _BY_TRIGGER[t]}
    spans: list[Span] = []
    for index in sorted(gated):
        if index in _NEEDS and words.isdisjoint(_NEEDS[index]):
            continue
        spans += _SUBSTRING[index][1](text, folded, present)
    rules, blob = token_gate(text)
    for rule in rules:
        spans += rule.spans(text)
    if blob:
        spans += blobs(text)
    return spans


def secret_spans(text: str) -> list[Span]:
    """Every span of ``text`` that the built-in detectors take for a secret.

    The text is also scanned as read through its views (look-alike letters made
    ASCII, percent-encoding decoded: see ``_secret_views``); what is found
    there is masked at the characters it came from.
    """
    folded = _fold(text)
    spans = _scan(text, folded)
    for view in views(text, folded):
        for a, b in _scan(view.text, _fold(view.text)):
            mapped = view.span_in_source(a, b)
            if mapped is not None:
                spans.append(mapped)
    spans = [s for s in spans if text[s[0] : s[1]].strip("*'\"")]  # not already masked
    return spans + _echoes(text, spans)


ECHO_MIN_CHARS = 6
"""A secret found once is masked wherever else its value recurs, from this length on."""


def _echoes(text: str, spans: list[Span]) -> list[Span]:
    """The other places of ``text`` where a found secret's value recurs as a token of its
    own: a shell that ran a password as a command (``bash: line 1: <value>: command not
    found``), an echo, also percent-decoded or JSON-unescaped.  Not inside a longer name
    (a password ``airflow`` leaves ``airflow.exceptions`` and ``/opt/airflow`` alone)."""
    values: set[str] = set()
    for a, b in spans:
        value = text[a:b].strip("'\" ")
        values |= {value, unquote(value), value.replace('\\"', '"').replace("\\\\", "\\")}
    out: list[Span] = []
    for value in values:
        if len(value) < ECHO_MIN_CHARS:
            continue
        at = text.find(value)
        while at >= 0:
            end = at + len(value)
            alone_before = at == 0 or not _IN_NAME.match(text, at - 1)
            if alone_before and (end >= len(text) or not _IN_NAME.match(text, end)):
                out.append((at, end))
            at = text.find(value, end)
    return out


_IN_NAME = re.compile(r"[\w./\\@-]")
"""A character that continues a name, a path or an address around an echo."""


class Redactor:
    """Masks built-in kinds of secrets and the user's extra regexes."""

    def __init__(self, extra_patterns: Sequence[str] = ()) -> None:
        self._extra: list[re.Pattern[str]] = [re.compile(p) for p in extra_patterns]

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        if not text:
            return text
        return self._extras(mask_spans(text, secret_spans(text)))

    def redact_parts(self, parts: Sequence[str]) -> list[str]:
        """Each part redacted, the parts read as one text joined by newlines.

        A secret that starts in one part and goes on in the next (a private key
        whose ``BEGIN`` line is in an event's context and its body in the event)
        is masked in both; scanning once is also cheaper than once per part.
        """
        joined = "\n".join(parts)
        spans = secret_spans(joined) if joined else []
        out: list[str] = []
        offset = 0
        for part in parts:
            end = offset + len(part)
            mine = [(max(a, offset) - offset, min(b, end) - offset) for a, b in spans]
            out.append(self._extras(mask_spans(part, [(a, b) for a, b in mine if a < b])))
            offset = end + 1
        return out

    def _extras(self, text: str) -> str:
        for rx in self._extra:
            text = rx.sub(_mask_first_group, text)
        return text


def _mask_first_group(m: re.Match[str]) -> str:
    """The whole match masked, or only group 1 when the pattern has one."""
    if m.re.groups == 0 or m.group(1) is None:
        return MASK
    start, end = m.start(1) - m.start(0), m.end(1) - m.start(0)
    whole = m.group(0)
    return whole[:start] + MASK + whole[end:]


_DEFAULT = Redactor()


def redact(text: str) -> str:
    """``text`` with the built-in kinds of secrets masked."""
    return _DEFAULT.redact(text)
