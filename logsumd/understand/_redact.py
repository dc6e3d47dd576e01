"""Mask secrets in log text before anything leaves the process.

Each rule has trigger substrings (checked on the case-folded text) and a
compiled pattern; a rule whose triggers are absent is skipped, so ordinary
lines cost one ``casefold()`` and a substring test per trigger.  Secrets become ``***``;
text that is already masked stays as it is.  Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MASK = "***"

_KEY_WORDS = (
    r"password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key"
    r"|private[_-]?key|client[_-]?secret|auth[_-]?key|credentials?|session[_-]?key|passphrase"
)
# a key name that contains one of the key words: PGPASSWORD, aws_secret_access_key, x-api-key
_KEY = rf"[A-Za-z0-9_.-]*(?:{_KEY_WORDS})[A-Za-z0-9_-]*"
_NOT_SECRET = re.compile(
    r"^(?:\*+\w*|<[\w -]*>|\[?redacted\]?|none|null|nil|true|false|\$\{?\w+\}?)$", re.I
)
_BARE_KEYS = frozenset({"token", "secret", "credential", "credentials", "key"})

Replacer = Callable[[re.Match[str]], str]


def _is_secret(key: str, value: str) -> bool:
    """Whether ``value`` given for ``key`` looks like a secret (not a count or a path)."""
    if not value or _NOT_SECRET.match(value):
        return False
    low = key.lower().strip("\"'-")
    if low.endswith(_NOT_KEY_ENDINGS):
        return False  # an exception type ("TokenExpiredError: ..."), not a key
    if "token" in low and value.isdigit():
        return False
    return not (low == "pwd" and value.startswith(("/", "~")))


def _mask_group(name: str) -> Replacer:
    """Replace the named group of a match with ``***`` unless it is no secret."""

    def repl(m: re.Match[str]) -> str:
        value = m.group(name)
        key = m.groupdict().get("k") or ""
        if not _is_secret(key, value):
            return m.group(0)
        start, end = m.start(name) - m.start(0), m.end(name) - m.start(0)
        whole = m.group(0)
        return whole[:start] + MASK + whole[end:]

    return repl


def _colon_repl(m: re.Match[str]) -> str:
    """YAML/header ``key: value``: bare keys (``token:``) only at the start of a line."""
    key = m.group("k")
    if key.lower() in _BARE_KEYS and not m.group("bol"):
        return m.group(0)
    return _mask_group("v")(m)


@dataclass(frozen=True, slots=True)
class _Rule:
    triggers: tuple[str, ...]
    pattern: re.Pattern[str]
    repl: Replacer | str
    shape: Callable[[str], bool] | None = None
    """A cheap test of the case-folded text that every match passes (None: none)."""


def _rule(
    triggers: str,
    pattern: str,
    group: str | None = "v",
    flags: int = 0,
    repl: Replacer | None = None,
    shape: Callable[[str], bool] | None = None,
) -> _Rule:
    action: Replacer | str = repl or (_mask_group(group) if group else MASK)
    return _Rule(tuple(triggers.split()), re.compile(pattern, flags), action, shape)


_KV_TRIGGERS = "pass pwd secret token key credential"
_KV_WORDS = tuple(_KV_TRIGGERS.split())
# What every key/value rule below needs, on the case-folded text: a key word, the
# rest of the key, an optional quote, then "=" or ":"; or "--" before the key.
# "passed", "KeyError" and "primary key" have the word but not the shape.
_KV_AFTER_WORD = re.compile(r"([a-z0-9_.-]*)(?:\\?[\"'])?\s*[=:]")
_NOT_KEY_ENDINGS = ("error", "exception", "warning")
_KV_DASHES = re.compile(r"--[a-z0-9_.-]*(?:" + "|".join(_KV_WORDS) + ")")


def kv_shaped(folded: str) -> bool:
    """Whether the case-folded text has a ``key=``/``key:``/``--key`` shape anywhere."""
    for word in _KV_WORDS:
        at = folded.find(word)
        while at >= 0:
            m = _KV_AFTER_WORD.match(folded, at)
            # "TokenExpiredError:" is an exception type; _is_secret never masks it
            if m and not m.group(1).endswith(_NOT_KEY_ENDINGS):
                return True
            at = folded.find(word, at + 1)
    return "--" in folded and _KV_DASHES.search(folded) is not None


def _kv_rule(pattern: str, flags: int = re.I, repl: Replacer | None = None) -> _Rule:
    """A key/value rule: the key words trigger it, and it runs only on the key/value shape."""
    return _rule(_KV_TRIGGERS, pattern, flags=flags, repl=repl, shape=kv_shaped)


def _has(pattern: str) -> Callable[[str], bool]:
    rx = re.compile(pattern)
    return lambda folded: rx.search(folded) is not None


_BUILTIN: tuple[_Rule, ...] = (
    _rule(
        "private",
        r"-----BEGIN (?P<kind>[A-Z0-9 ]*)PRIVATE KEY(?: BLOCK)?-----(?P<v>.*?)"
        r"(?:-----END (?P=kind)PRIVATE KEY(?: BLOCK)?-----|\Z)",
        flags=re.DOTALL,
    ),
    # scheme://user:password@host (greedy to the last @ of the authority)
    _rule(
        "://",
        r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]*:(?P<v>[^\s'\"/]*)@(?=[^\s@/'\"]+)",
        flags=re.I,
        shape=_has(r"://[^\s:/@'\"]*:[^\s'\"/]*@"),
    ),
    _rule("hooks.slack.com", r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[\w/-]+)"),
    _rule(
        "authorization",
        r"\bAuthorization[\"']?\s*[:=]\s*[\"']?(?:(?:Bearer|Basic|Token|Digest|Bot)\s+)?"
        r"(?P<v>[^\s'\",;]+)",
        flags=re.I,
    ),
    _rule("bearer", r"\bBearer\s+(?P<v>(?=[\w.~+/=-]*\d)[\w.~+/=-]{8,})", flags=re.I),
    _rule("eyj", r"\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*", group=None),
    _rule("xox xapp", r"\b(?:xox[abprsoe]|xapp)-[A-Za-z0-9-]{8,}", group=None),
    _rule("gh github_pat", r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,})", group=None),
    _rule(
        "akia asia agpa aida aroa anpa",
        r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b",
        group=None,
    ),
    _rule("aiza", r"\bAIza[\w-]{35}(?![\w-])", group=None),
    _rule("sk_live sk_test rk_live", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}", group=None),
    # "password": "x"   'password': 'x'   \"token\": \"x\"
    _kv_rule(
        rf"(?P<q>\\?[\"'])(?P<k>{_KEY})(?P=q)\s*:\s*(?P<q2>\\?[\"'])(?P<v>.*?)(?P=q2)",
    ),
    # key="quoted value" / key = 'quoted value'
    _kv_rule(
        rf"(?<![\w-])(?P<k>{_KEY})\s*=\s*(?P<q>[\"'])(?P<v>[^\"'\n]*)(?P=q)",
    ),
    # key=value, PGPASSWORD=value, Password=x; in ODBC strings
    _kv_rule(
        rf"(?<![\w-])(?P<k>{_KEY})\s*=\s*(?P<v>[^\s,;&'\")\]}}]+)",
    ),
    # command lines: --password value, --api-key=value
    _kv_rule(rf"(?<![\w-])--(?P<k>{_KEY})(?:=|\s+)(?P<v>[^\s'\"]+)"),
    # YAML / header style "password: value"
    _kv_rule(
        rf"(?:(?P<bol>^[ \t]*(?:- )?)|(?<=[\s{{,(]))(?P<k>{_KEY}):[ \t]+(?P<v>[^\s,;'\"}}]+)",
        flags=re.I | re.MULTILINE,
        repl=_colon_repl,
    ),
)


_TRIGGERS = tuple(dict.fromkeys(t for r in _BUILTIN for t in r.triggers))


class Redactor:
    """Masks built-in kinds of secrets and the user's extra regexes."""

    def __init__(self, extra_patterns: Sequence[str] = ()) -> None:
        self._extra: list[re.Pattern[str]] = [re.compile(p) for p in extra_patterns]

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        if not text:
            return text
        folded = text.casefold()
        present = {t for t in _TRIGGERS if t in folded}
        if present:
            shaped: dict[Callable[[str], bool], bool] = {}
            for rule in _BUILTIN:
                if present.isdisjoint(rule.triggers):
                    continue
                if rule.shape is not None:
                    ok = shaped.get(rule.shape)
                    if ok is None:
                        ok = shaped[rule.shape] = rule.shape(folded)
                    if not ok:
                        continue
                text = rule.pattern.sub(rule.repl, text)
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
