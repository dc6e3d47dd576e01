"""Secrets given to particular commands and calls, found by the command's own syntax.

Each finder returns spans of ``text`` to mask and runs only when one of its
literals is in the case-folded text (see ``_redact``):

* tool flags whose letter means a password only for that tool: ``redis-cli -a``,
  ``ldapsearch -w`` (every ``ldap*`` client), ``vsql -w``;
* positional passwords: ``htpasswd -b [file] user pw``, ``rabbitmqctl add_user
  user pw``, ``openssl passwd pw``, ``vault login <token>``;
* a password piped to a command that reads it from standard input: ``echo pw |
  docker login --password-stdin``, ``... | chpasswd``, ``... | sudo -S``, and
  here-strings (``--password-stdin <<< pw``);
* SQL ``IDENTIFIED BY pw``; Oracle tools' ``user/pw[@db]`` (``sqlplus``,
  ``expdp``, ``impdp``, ``sqlldr``, ``rman``, ``userid=``);
* the second argument of a login call: ``login('user', 'pw')``, ``simple_bind_s``,
  ``HTTPBasicAuth``, ``PlainCredentials``, ...;
* PostgreSQL password-file lines ``host:port:db:user:pw`` (on a PostgreSQL port,
  or in a text that names ``pgpass``).

Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from logsumd.understand._secret_args import shell_word_end
from logsumd.understand._secret_values import Span, looks_secret, quoted_end

_END = re.compile(r"[|;&\n]|\s['\"](?:\s|$)|['\"]\s+(?:returned|failed|exited)")


def _command_end(text: str, pos: int) -> int:
    """Where the command that goes on at ``pos`` ends (a pipe, ``;``, ``&``, a newline)."""
    m = _END.search(text, pos)
    return m.start() if m else len(text)


def _words(text: str, pos: int, end: int) -> list[Span]:
    """The shell words between ``pos`` and ``end``, without their quotes."""
    words: list[Span] = []
    while True:
        while pos < end and text[pos] in " \t":
            pos += 1
        if pos >= end:
            return words
        if text[pos] in "'\"":
            close = min(quoted_end(text, pos + 1, text[pos]), end)
            words.append((pos + 1, close))
            pos = close + 1
            continue
        stop = max(min(shell_word_end(text, pos), end), pos + 1)
        words.append((pos, stop - 1 if text[stop - 1] in "'\"" else stop))
        pos = stop


# -- tools whose flags, or positions, take a password -------------------------

_TOOL = re.compile(
    r"(?<![\w./-])(?P<tool>redis-cli|valkey-cli|keydb-cli|ldap[a-z]+|vsql|htpasswd"
    r"|rabbitmqctl|openssl|vault)(?![\w-])",
    re.IGNORECASE,
)
_TOOL_FLAGS = {"redis-cli": ("-a", "--pass"), "ldap": ("-w",), "vsql": ("-w",)}
TOOL_TRIGGERS = ("-cli", "ldap", "vsql", "pass", "rabbitmqctl", "login")
"""``pass`` gates ``htpasswd``, ``openssl passwd`` and ``change_password`` (and is a
key word of ``_secret_values``: no extra search); ``login``, ``vault login``."""


TOOL_NAMES = (
    *("redis-cli", "valkey-cli", "keydb-cli", "ldap", "vsql", "htpasswd", "rabbitmqctl"),
    *("openssl", "vault"),
)
"""The case-folded names of which a text holds one wherever :func:`tool_secrets` finds
a secret (it returns at once otherwise)."""


def tool_secrets(text: str, folded: str) -> list[Span]:
    """Passwords given to the tools of ``_TOOL`` by flag or by position."""
    spans: list[Span] = []
    if not any(name in folded for name in TOOL_NAMES):
        return spans
    for m in _TOOL.finditer(text):
        tool = m.group("tool").lower()
        words = _words(text, m.end(), _command_end(text, m.end()))
        values = [text[a:b] for a, b in words]
        kind = "ldap" if tool.startswith("ldap") else tool.replace("valkey", "redis")
        kind = kind.replace("keydb", "redis")
        flags = _TOOL_FLAGS.get(kind)
        if flags is not None:
            spans += _flag_values(words, values, flags)
            continue
        index = _position(kind, values)
        if index is not None and index < len(words) and not values[index].startswith("$"):
            spans.append(words[index])
    return spans


def _flag_values(words: list[Span], values: list[str], flags: tuple[str, ...]) -> list[Span]:
    spans: list[Span] = []
    for i, value in enumerate(values):
        if value in flags and i + 1 < len(words) and not values[i + 1].startswith("-"):
            spans.append(words[i + 1])
        elif len(flags[0]) == 2 and value.startswith(flags[0]) and len(value) > 2:
            spans.append((words[i][0] + 2, words[i][1]))  # -wS3cret
    return spans


def _position(tool: str, values: list[str]) -> int | None:
    """Index among ``values`` of the password the command line gives ``tool``."""
    flags = "".join(v[1:] for v in values if v.startswith("-") and not v.startswith("--"))
    plain = [i for i, v in enumerate(values) if not v.startswith("-")]
    if tool == "htpasswd" and "b" in flags:
        if "C" in flags and plain:  # -C cost takes a value
            plain = plain[1:]
        want = 1 if "n" in flags else 2
        return plain[want] if len(plain) > want else None
    if tool == "rabbitmqctl" and plain and values[plain[0]] in ("add_user", "change_password"):
        return plain[2] if len(plain) > 2 else None
    if tool == "openssl" and plain and values[plain[0]] == "passwd":
        return plain[-1] if len(plain) > 1 else None
    if tool == "vault" and plain and values[plain[0]] == "login" and len(plain) > 1:
        token = values[plain[1]]
        return plain[1] if "=" not in token and len(token) >= 8 else None
    return None


# -- passwords piped in ---------------------------------------------------------

_PIPED = re.compile(
    r"\b(?:echo|printf)(?:[ \t]+-[neE]+)*(?:[ \t]+(['\"])%s(?:\\n)?\1)?[ \t]+"
    r"(?P<v>'[^'\n]*'|\"[^\"\n]*\"|[^\s|;&'\"]+)[ \t]*\|[ \t]*"
    r"(?=[^|\n;]*?(?:pass[\w-]*-stdin\b|\bpasswd\b[^|\n;]*--stdin\b|\bchpasswd\b"
    r"|\bsudo\b[^|\n;]*[ \t]-S\b))"
)
_HERE = re.compile(
    r"pass[\w-]*-stdin\b[^|\n;<]*<<<[ \t]*(?P<v>'[^'\n]*'|\"[^\"\n]*\"|[^\s|;&'\"]+)"
)
PIPE_TRIGGERS = ("pass", "sudo")


def piped_secrets(text: str, folded: str) -> list[Span]:
    """``echo pw | docker login --password-stdin`` and the like: the echoed word."""
    spans: list[Span] = []
    piped = "|" in text and ("echo" in folded or "printf" in folded)
    for rx in (_PIPED,) * piped + (_HERE,) * ("<<<" in text):
        for m in rx.finditer(text):
            if not m.group("v").strip("'\"").startswith("$"):
                spans.append(m.span("v"))
    return spans


# -- SQL and Oracle -------------------------------------------------------------

_IDENTIFIED = re.compile(
    r"\bidentified[ \t]+(?:with[ \t]+\S+[ \t]+)?by[ \t]+(?:password[ \t]+|values[ \t]+)?"
    r"(?:(?P<q>['\"`])(?P<quoted>[^\n]*?)(?P=q)|(?P<bare>[^\s;,)'\"]+))",
    re.IGNORECASE,
)
_ORACLE_TOOL = re.compile(
    r"(?<![\w./-])(?:sqlplus|expdp|impdp|sqlldr|rman)(?:[ \t]+-\w+)*[ \t]+"
    r"(?:(?:target|catalog|auxiliary)[ \t]+)?['\"]?[\w$#]+/(?P<v>[^\s@'\"/]+)"
    r"|\buserid[ \t]*=[ \t]*['\"]?[\w$#]+/(?P<u>[^\s@'\",]+)",
    re.IGNORECASE,
)
SQL_TRIGGERS = ("identified", "sqlplus", "pdp", "sqlldr", "rman", "userid")


def sql_secrets(text: str, _folded: str) -> list[Span]:
    """``IDENTIFIED BY pw`` (quoted, or a bare word that looks secret) and Oracle logins."""
    spans: list[Span] = []
    for m in _IDENTIFIED.finditer(text):
        if m.group("quoted"):
            spans.append(m.span("quoted"))
        elif m.group("bare") and looks_secret(m.group("bare")):
            spans.append(m.span("bare"))
    for m in _ORACLE_TOOL.finditer(text):
        group = "v" if m.group("v") else "u"
        if not m.group(group).startswith("$"):
            spans.append(m.span(group))
    return spans


# -- login calls ------------------------------------------------------------------

_LOGIN_CALL = re.compile(
    r"\b(?:login|simple_bind_s|simple_bind|bind_s|authenticate|HTTPBasicAuth|HTTPDigestAuth"
    r"|HTTPProxyAuth|BasicAuth|PlainCredentials|UsernamePasswordCredentials|set_credentials"
    r"|auth_plain)\(\s*(?:\w+\s*=\s*)?b?(['\"])[^'\"\n]*\1\s*,\s*(?:\w+\s*=\s*)?b?"
    r"(?P<q>['\"])(?P<v>[^\n]*?)(?P=q)\s*[,)]"
)
CALL_TRIGGERS = ("login", "bind", "auth", "cred")
"""``auth`` and ``cred`` are key words of ``_secret_values`` (no extra search)."""


_CALL_ENDS = ("login(", "bind(", "bind_s(", "auth(", "als(", "authenticate(", "auth_plain(")
"""How each name of ``_LOGIN_CALL`` ends, with its parenthesis (``PlainCredentials(``)."""


def call_secrets(text: str, folded: str) -> list[Span]:
    """The password argument of ``login('user', 'pw')`` and similar calls."""
    if not any(end in folded for end in _CALL_ENDS):
        return []
    return [m.span("v") for m in _LOGIN_CALL.finditer(text) if m.group("v")]


# -- PostgreSQL password files ----------------------------------------------------

_PG_PORTS = ("5432", "5439", "6432")
"""PostgreSQL's, Redshift's and PgBouncer's ports (any port in a text that names pgpass)."""
_PGPASS = re.compile(
    r"(?<![\w.:/*@-])(?P<host>[\w.*-]*[A-Za-z.*][\w.*-]*):(?P<port>\d{1,5}|\*)"
    r":(?P<db>(?:[^\s:\\]|\\.)+):(?P<user>(?:[^\s:\\]|\\.)+):(?P<v>[^\s'\"]+)"
)
PGPASS_TRIGGERS = (*(f":{p}:" for p in _PG_PORTS), "pgpass")


def pgpass_secrets(text: str, folded: str) -> list[Span]:
    """The password of ``host:port:db:user:pw`` lines (PostgreSQL's password file)."""
    anywhere = "pgpass" in folded
    spans: list[Span] = []
    for m in _PGPASS.finditer(text):
        if not anywhere and m.group("port") not in _PG_PORTS:
            continue
        if m.group("user").isdigit() or m.group("v").startswith("//"):
            continue
        spans.append(m.span("v"))
    return spans


Finder = Callable[[str, str], list[Span]]
COMMAND_FINDERS: tuple[tuple[tuple[str, ...], Finder], ...] = (
    (TOOL_TRIGGERS, tool_secrets),
    (PIPE_TRIGGERS, piped_secrets),
    (SQL_TRIGGERS, sql_secrets),
    (CALL_TRIGGERS, call_secrets),
    (PGPASS_TRIGGERS, pgpass_secrets),
)
"""Each finder with the case-folded literals of which every text it masks in holds one."""
