"""Secrets found by their position: after a credential key, a CLI flag, or in a URL's userinfo.

Each finder returns the spans of secret values in a text; it is run only when
one of its literals is in the case-folded text (see ``_redact``).  A value is
masked whole, whatever its quoting: ``'...'``, ``"..."``, ``b'...'``,
``\\"...\\"`` (a closing quote counts only when a delimiter follows it, so
quotes and escapes inside a value do not end it), ``{...}`` (ODBC, with
``}}`` escapes) or bare (up to a space, or to a ``;``/``&``/``,`` that starts
the next ``key=``).  Keys keep their names; so do exception class names and
ordinary identifiers: a key that names something else than a secret
(``token_url``, ``kms_key_id``, ``TokenExpiredError``) is not a credential key,
and a bare value that is code (``credentials=credentials``) is not a secret.  Pure.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

Span = tuple[int, int]

KEY_WORDS = ("pass", "pw", "secret", "token", "key", "cred", "auth", "cookie", "sig", "appid")
"""Case-folded literals of which every credential key contains one (the finder's gate)."""

_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_STRONG = (
    "password", "passwd", "passphrase", "secret", "token", "apikey", "appkey", "accesskey",
    "accountkey", "privatekey", "secretkey", "clientkey", "authkey", "masterkey", "signingkey",
    "encryptionkey", "sessionkey", "servicekey", "storagekey", "sharedaccesskey", "sastoken",
    "applicationkey",
    "subscriptionkey", "licensekey", "consumerkey", "credential", "cookie", "signature",
)  # fmt: skip
_STRONG_RX = re.compile("|".join(_STRONG))
_WORD_KEYS = frozenset({"pass", "pwd", "pw", "sig", "appid", "auth", "authorization"})
"""Keys that are credentials only as a whole word of the key (``db_pass``, not ``bypass``)."""
_NOT_SECRET_LAST = frozenset(
    {
        *("id", "ids", "name", "names", "type", "types", "url", "uri", "urls", "file", "files"),
        *("path", "paths", "dir", "len", "length", "size", "count", "expires", "expiry"),
        *("expiration", "ttl", "version", "error", "errors", "exception", "required", "format"),
        *("field", "fields", "column", "header", "prefix", "suffix", "index", "policy"),
        *("provider", "env", "var", "hint", "mode", "scheme", "method", "endpoint", "source"),
        *("kind", "label", "enabled", "disabled", "valid", "invalid", "missing", "expired"),
        *("limit", "limits", "timeout", "window", "bucket", "refresh", "rotation", "location"),
        *("store", "lifetime", "duration", "cache", "backend", "manager", "base", "handler"),
        *("factory", "helper", "util", "utils"),
        *("py", "java", "scala", "jar", "json", "yaml", "yml", "log", "cfg", "conf", "ini"),
        *("txt", "sh", "sql", "xml", "properties", "enc"),
    }
)
"""Last words of keys that name something about a secret, or a file: not the secret."""
_ALWAYS_RX = re.compile("privatekey")
"""Keys that stay credentials even with a ``_id`` ending (the GCP ``private_key_id``)."""
_BARE_WORDS = frozenset({"token", "secret", "secrets", "credential", "credentials", "key", "auth"})


def key_words(key: str) -> list[str]:
    """The lower-case words of a key name: ``apiKeyAuth`` -> api, key, auth."""
    return [w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", key).lower()) if w]


@functools.lru_cache(maxsize=4096)
def credential_key(key: str) -> bool:
    """Whether a key (``PGPASSWORD``, ``X-Amz-Security-Token``, ``--api-key``) names a secret.

    Cached: logs repeat their keys (and their non-keys: ``passed``, ``KeyError``).
    """
    words = key_words(key)
    if not words:
        return False
    flat = "".join(words)
    if _ALWAYS_RX.search(flat):
        return True
    if words[-1] in _NOT_SECRET_LAST or words[-1].endswith(("error", "exception", "warning")):
        return False
    if _STRONG_RX.search(flat):
        return True
    # "db_pass", "auth" yes; a logger or module ("botocore.auth") no
    return "." not in key and any(w in _WORD_KEYS for w in words)


_NOT_SECRET = re.compile(
    r"^(?:\**|\*+\w*|<[\w -]*>|\[?redacted\]?|none|null|nil|true|false|yes|no|on|off"
    r"|\$\{?\w+\}?|%\(\w+\)s|\{\{.*\}\}|x{3,}|\.{3}|…|masked|hidden|\?+)$",
    re.I,
)
_CODE = re.compile(r"^(?:[A-Za-z_][\w.]*\(.*\)?|self\.\w+.*|os\.environ.*|kwargs.*|\w+\[.*\])$")
_PATHLIKE = re.compile(r"^(?:[/~]|\.{1,2}/|[A-Za-z]:\\|\w+://)|\.(?:json|ya?ml|ini|cfg|conf|txt)$")


def looks_secret(value: str) -> bool:
    """A token that is no word, path or ``key=value``: 8+ characters, letters with digits
    or symbols (or 16+ in mixed case)."""
    value = value.rstrip(".,;:!?)")
    if len(value) < 8 or "=" in value or _PATHLIKE.search(value) or len(value.split()) > 1:
        return False
    if not any(c.isalpha() for c in value):
        return False
    if any(c.isdigit() for c in value) or any(not c.isalnum() and c not in "-_." for c in value):
        return True
    return len(value) >= 16 and not (value.islower() or value.isupper() or value.istitle())


def is_secret_value(key: str, value: str, *, quoted: bool) -> bool:
    """Whether ``value`` given for credential ``key`` is a secret (not a placeholder or code)."""
    if not value or _NOT_SECRET.match(value):
        return False
    words = key_words(key)
    if "token" in words[-1:] and value.isdigit():
        return False  # max_tokens=96
    if quoted:
        return True
    if value.lower() == key.lower().lstrip("-") or _CODE.match(value):
        return False  # credentials=credentials, creds.get_frozen_credentials()
    if words[-1:] == ["pwd"] and value.startswith(("/", "~")):
        return False  # PWD=/home/airflow
    if value.isdigit() and len(value) <= 6 and words[-1:] != ["password"]:
        return False  # decrypt_credentials:48 (a code location), masterKeyId=177
    return not (value.isalpha() and value.isupper() and "_" not in value and len(value) < 5)


_QUOTES = ("\\'", '\\"', "'", '"')
_DELIM = re.compile(r"[\s,;)\]}>|]|$|\\[nrt]")
_BARE = re.compile(
    r"(?:[^\s;&,)\]}'\"<>]|[;&,](?![\w.-]+=|\s|$)|[)\]}](?=[^\s,;)\]}'\"]))+",
)
_BRACED = re.compile(r"\{(?:[^}\n]|\}\})*\}")


def quoted_end(text: str, start: int, quote: str) -> int:
    """End of a value opened by ``quote`` at ``start``: the closing quote followed by a delimiter.

    Quotes followed by something else are part of the value (``'it''s'``,
    ``"a\\"b"``); with no such closing quote the value runs to the end of the line.
    """
    pos = start
    while True:
        at = text.find(quote, pos)
        newline = text.find("\n", pos)
        if at < 0 or (0 <= newline < at):
            return newline if newline >= 0 else len(text)
        after = at + len(quote)
        if _DELIM.match(text, after):
            return at
        pos = after


def value_span(text: str, pos: int, *, strict: bool) -> tuple[int, int, bool] | None:
    """(start, end, quoted) of the value that starts at ``pos``; None when there is none.

    ``strict``: only a quoted value counts (after a phrase such as ``set to``).
    """
    if text.startswith(("b'", 'b"'), pos):
        pos += 1
    for quote in _QUOTES:
        if text.startswith(quote, pos):
            start = pos + len(quote)
            return start, quoted_end(text, start, quote), True
    if strict:
        return None
    if text.startswith(("[", "("), pos):
        return None  # a list or a call: its items are looked at on their own
    if text.startswith("{", pos):
        m = _BRACED.match(text, pos)
        if m and not text.startswith(("{'", '{"', "{{", "{\\"), pos):
            return pos, m.end(), True
        return None
    m = _BARE.match(text, pos)
    return (pos, m.end(), False) if m else None


_OPERATOR = re.compile(
    r"[ \t]*(?:(?P<op>:=|=>|->|==?|:(?![:/])|%(?:25)?3[Dd]|>)"
    r"|(?P<phrase>[ \t]+(?:(?:has[ \t]+been|was|is)[ \t]+)?(?:set[ \t]+to|is)[ \t]+)"
    r"|(?P<comma>,)|(?P<space>[ \t]+))[ \t]*"
)


def _key_bounds(text: str, at: int) -> tuple[int, int]:
    """The key name around position ``at`` (letters, digits, ``_ . -``)."""
    start, end = at, at
    while start > 0 and text[start - 1] in _KEY_CHARS:
        start -= 1
    while end < len(text) and text[end] in _KEY_CHARS:
        end += 1
    return start, end


def _opening_quote(text: str, start: int) -> str:
    for quote in _QUOTES:
        if text.startswith(quote, start - len(quote)):
            return quote
    return ""


def _cookie_end(text: str, pos: int) -> int:
    """A cookie header's value runs to the end of its line or its closing quote."""
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    for quote in "'\"":
        at = text.find(quote, pos, end)
        if at >= 0:
            end = at
    return end


_XML_VALUE = re.compile(r"\s*(?:<description>[^<]*</description>\s*)?<value>")


def _xml_property_value(text: str, pos: int) -> Span | None:
    m = _XML_VALUE.match(text, pos)
    if m is None:
        return None
    end = text.find("</value>", m.end())
    return (m.end(), end) if end > m.end() else None


_AUTH_SCHEME = re.compile(r"(?i:bearer|basic|token|digest|bot|negotiate|sharedkey)[ \t]+")
_TUPLE = re.compile(r"\(\s*(['\"])(?:(?!\1).)*\1\s*,\s*")


def keyed_values(text: str, folded: str, words: Sequence[str] = KEY_WORDS) -> list[Span]:
    """Values given for credential keys: ``key=v``, ``"key": "v"``, ``<Key>v</Key>``, ...

    The key may be quoted; the operator is ``= : := => -> %3D >`` (XML), a comma
    after a quoted key (``conf.set("k", "v")``, ``'--password', 'v'``), a phrase
    (``has been set to 'v'``, quoted values only) or white space (CLI flags,
    ``password e627...``: then only a value that looks like a secret).
    """
    spans: list[Span] = []
    seen: set[int] = set()
    for word in words:
        if word not in KEY_WORDS:
            continue
        at = folded.find(word)
        while at >= 0:
            ks, ke = _key_bounds(text, at)
            if ks not in seen:
                seen.add(ks)
                span = _value_of(text, ks, ke)
                if span is not None:
                    spans.append(span)
            at = folded.find(word, ke)
    return spans


def _value_of(text: str, ks: int, ke: int) -> Span | None:
    key = text[ks:ke]
    if not credential_key(key):
        return None
    if text.startswith("</name>", ke) and text.endswith("<name>", 0, ks):
        return _xml_property_value(text, ke + 7)  # Hadoop: <name>k</name><value>v</value>
    quote = _opening_quote(text, ks)
    pos = ke
    if quote and text.startswith(quote, pos):
        pos += len(quote)
    else:
        quote = ""  # '--password=x': the quote opens the whole argument
    m = _OPERATOR.match(text, pos)
    if m is None:
        return None
    if m.group("op") == ">" and not text.startswith("<", ks - 1):
        return None
    if m.group("comma") and not quote:
        return None
    line_start = text.rfind("\n", 0, ks) + 1
    at_line_start = text[line_start : ks - len(quote)].strip() in ("", "-")
    pos = m.end()
    flat = "".join(key_words(key))
    if "cookie" in flat and not m.group("space"):
        if text.startswith(("'", '"'), pos):
            pos += 1
        return pos, _cookie_end(text, pos)
    if m.group("op") == ">":
        end = text.find("<", pos)
        return (pos, end) if end > pos else None
    if flat.endswith(("auth", "authorization")):
        if text.startswith("(", pos):
            t = _TUPLE.match(text, pos)  # auth=('user', 'secret')
            pos = t.end() if t else pos
        s = _AUTH_SCHEME.match(text, pos)
        pos = s.end() if s else pos
    found = value_span(text, pos, strict=bool(m.group("phrase")))
    if found is None:
        return None
    start, end, quoted = found
    if m.group("op") and m.group("op").startswith("%"):  # URL-encoded: ends at %26 (&)
        amp = text.lower().find("%26", start, end)
        end = amp if amp > start else end
    value = text[start:end]
    flag = key.startswith("-") and value and not value.startswith("-")
    if (m.group("space") or m.group("comma")) and not flag and not looks_secret(value):
        return None  # "password authentication failed", get('api_keys', 'reddit_secret_key')
    bare = key.lower() in _BARE_WORDS and not quoted and not at_line_start
    if m.group("op") == ":" and bare and not looks_secret(value):
        return None  # "Invalid token: expected ','"
    if not is_secret_value(key, value, quoted=quoted):
        return None
    return start, end


# -- command lines -------------------------------------------------------------

_FLAG_START = " \t\n'\"[,="
"""What may stand before a flag: white space, a list item's quote, ``[`` or ``,``."""
_FLAG_AFTER = re.compile(r"(?P<sep>['\"]?,[ \t]*|[ \t]+|=)|(?P<attached>[^\s,'\"]|['\"](?![,\]]))")
_LONG_USER = re.compile(r"-(?:proxy-)?user(?=[= \t'\",])")


def shell_word_end(text: str, pos: int) -> int:
    """End of a shell word or list-repr item starting at ``pos`` (quoted parts included)."""
    if pos < len(text) and text[pos] in "'\"":
        return quoted_end(text, pos + 1, text[pos])
    while pos < len(text):
        c = text[pos]
        if c in " \t\n,]":
            return pos
        if c in "'\"":
            close = text.find(c, pos + 1)
            if close < 0 or "\n" in text[pos:close]:
                return pos
            pos = close + 1
            continue
        pos += 1
    return pos


def _strip_quotes(text: str, start: int, end: int) -> Span:
    if end - start >= 1 and text[start] in "'\"":
        start += 1
    if end > start and text[end - 1] in "'\"" and text[end - 1] != text[start - 1 : start]:
        end -= 1
    return start, end


def cli_flags(text: str, folded: str) -> list[Span]:
    """``-P pw``, ``-p<pw>``, ``sshpass -p pw``, ``curl -u user:pw``/``--user u:pw``.

    Also as items of a Python list (``'-P', 'pw'``).  Found from each ``-p`` and
    ``-u`` of the case-folded text, so a text without them costs two searches.
    """
    spans: list[Span] = []
    for needle in ("-p", "-u"):
        at = folded.find(needle)
        while at >= 0:
            span = _flag_value(text, at)
            if span is not None:
                spans.append(span)
            at = folded.find(needle, at + 2)
    return spans


def _flag_value(text: str, at: int) -> Span | None:
    """The secret given to the flag that starts at ``at`` (``-p``, ``-P``, ``-u``, ``--user``)."""
    flag = text[at + 1]
    pos = at + 2
    if flag in "uU" and text.startswith("-", at - 1):
        m = _LONG_USER.match(text, at)  # --user / --proxy-user
        if m is None or text[at - 2 : at - 1] not in ("", *_FLAG_START):
            return None
        flag, pos = "u", m.end()
    elif at > 0 and text[at - 1] not in _FLAG_START:
        return None
    after = _FLAG_AFTER.match(text, pos)
    if after is None or flag == "U":
        return None
    start = after.end() if after.group("sep") else pos
    end = shell_word_end(text, start)
    start, end = _strip_quotes(text, start, end)
    value = text[start:end]
    if not value or value.startswith("-") or value.isdigit():
        return None
    if flag == "u":
        colon = value.find(":")
        return _strip_quotes(text, start + colon + 1, end) if colon > 0 else None
    if after.group("attached"):
        # -pS3cret (mysql) yes; -print, -prune, -P3306 no
        word = value.rstrip(";,)")
        ok = flag == "p" and not (word.isalpha() and word.islower())
        return (start, end) if ok else None
    if flag == "P":
        return (start, end) if any(c.isalnum() for c in value) else None  # not "-P | ..."
    return (start, end) if looks_secret(value) else None


# -- URLs and DSNs -------------------------------------------------------------

_HOST = re.compile(r"(?://)?[A-Za-z0-9](?:[\w-]*[A-Za-z0-9])?(?:\.[\w-]+)*(?P<port>:\d{1,5})?")
_AFTER_HOST = re.compile(r"[/?#\s'\"),;\]>]|$")
_USER = re.compile(r"[\w.$+-]+")
_NOT_USERS = frozenset({"mailto", "error", "warning", "info", "debug", "root"})


def userinfo(text: str) -> list[Span]:
    """Passwords in ``scheme://user:pw@host``, ``user:pw@host:port`` and ``jdbc:oracle:thin:u/pw@``.

    The ``@`` that ends the userinfo is the one followed by a host (and a
    delimiter), so passwords with ``@ : / %40`` are masked whole.
    """
    spans: list[Span] = []
    at = text.find("@")
    while at >= 0:
        span = _password_before(text, at)
        if span is not None:
            spans.append(span)
        at = text.find("@", at + 1)
    return spans + _oracle_passwords(text)


_ORACLE = re.compile(r"jdbc:oracle:\w+:(?:[\w$#.-]+|\"[^\"\n]*\")/")


def _oracle_passwords(text: str) -> list[Span]:
    """``jdbc:oracle:thin:user/pw@host``, also with a double-quoted password (spaces, ``@``)."""
    spans: list[Span] = []
    for m in _ORACLE.finditer(text):
        start = m.end()
        if text.startswith('"', start):
            end = text.find('"', start + 1)
            if end > start:
                spans.append((start + 1, end))
            continue
        run = len(text)
        for c in " \t\n'\")":
            at = text.find(c, start)
            run = at if 0 <= at < run else run
        at = text.rfind("@", start, run)
        if at > start:
            spans.append((start, at))
    return spans


def _password_before(text: str, at: int) -> Span | None:
    host = _HOST.match(text, at + 1)
    if host is None or not _AFTER_HOST.match(text, host.end()):
        return None
    run = max(text.rfind(c, 0, at) for c in " \t\n") + 1
    segment = text[run:at]
    scheme = segment.rfind("://")
    oracle = segment.lower().rfind("jdbc:oracle:")
    if oracle >= 0:
        info = segment.find(":", segment.find(":", oracle + 12) + 1) + 1
        slash = segment.find("/", info)
        return (run + slash + 1, at) if slash > info else None
    if scheme >= 0:
        info = scheme + 3
        colon = segment.find(":", info)
        if colon < 0:
            token = segment[info:]  # https://<token>@github.com
            ok = len(token) >= 20 and looks_secret(token) and any(c.isdigit() for c in token)
            return (run + info, at) if ok else None
        return (run + colon + 1, at) if colon + 1 < len(segment) else None
    if host.group("port") is None:
        return None  # scheme-less: only user:pw@host:port (no emails, no "ERROR:root:a@b")
    lead = len(segment) - len(segment.lstrip("'\"(=[<"))
    name = _USER.match(segment, lead)
    if name is None or segment[name.end() : name.end() + 1] != ":":
        return None
    if name.group().lower() in _NOT_USERS or name.group().isdigit():
        return None
    start = run + name.end() + 1
    return (start, at) if at > start else None
