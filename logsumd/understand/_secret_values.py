"""Secrets found after a credential key, and the value syntax shared with ``_secret_args``.

Each finder returns the spans of secret values in a text; it is run only when
one of its literals is in the case-folded text (see ``_redact``).  A value is
masked whole, whatever its quoting: ``'...'``, ``"..."``, ``b'...'``,
``\\"...\\"`` (a closing quote counts only when a delimiter follows it, so
quotes and escapes inside a value do not end it), ``{...}`` (ODBC, with
``}}`` escapes) or bare (up to a space, or to a ``;``/``&``/``,`` that starts
the next ``key=``).  Keys keep their names; so do exception class names and
ordinary identifiers: a key that names something else than a secret
(``token_url``, ``kms_key_id``, ``TokenExpiredError``) is not a credential key,
and a bare value that is code (``credentials=credentials``) is not a secret, nor
is a cause or a secret's name (``_secret_causes``).  A key may be a quoted
subscript (``os.environ["X_PASSWORD"] = v``) or in another language
(``passwort``, ``contraseña``, ``пароль``); a cookie key's dict is masked whole;
an unquoted YAML value at the start of its line runs to the end of it.  Pure.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

from logsumd.understand._secret_causes import names_no_secret
from logsumd.understand._secret_layouts import (
    ATTR_NAME,
    YAML_GUTTER,
    attribute_value,
    bracket_end,
    xml_property_value,
    yaml_block,
    yaml_plain_end,
)

Span = tuple[int, int]

FOREIGN_STRONG = (
    *("passwort", "kennwort", "passord", "wachtwoord", "lösenord", "losenord", "contraseña"),
    *("contrasena", "contrasenya", "motdepasse", "salasana", "jelszo", "lozinka"),
    *("hasło", "пароль", "密码", "パスワード", "비밀번호"),
)
"""*Password* in other languages (de, no/da, nl, sv, es, ca, fr, fi, hu, hr/sr, pl, ru/uk, zh, ja,
ko), also as identifiers write them without accents (``contrasena``, ``losenord``), as a
part of a key (``db_passwort``, ``mot_de_passe``)."""
FOREIGN_WORDS = ("senha", "clave", "mdp", "haslo", "sifre", "şifre")
"""... and as a whole word of a key only (pt, es, fr, pl, tr: ``resenha`` and
``enclave`` are no keys)."""
KEY_WORDS = (
    *("pass", "pw", "secret", "token", "key", "cred", "auth", "cookie", "sig", "appid", "pat"),
    *("seed", "kennwort", "wachtwoord", "lösenord", "losenord", "contrase", "hasło", "пароль"),
    *("密码", "salasana", "jelszo", "lozinka"),
    *("パスワード", "비밀번호", *FOREIGN_WORDS),
)
"""Case-folded literals of which every credential key contains one (the finder's gate)."""

_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_STRONG = (
    "password", "passwd", "passphrase", "secret", "token", "apikey", "appkey", "accesskey",
    "accountkey", "privatekey", "secretkey", "clientkey", "authkey", "masterkey", "signingkey",
    "encryptionkey", "sessionkey", "servicekey", "storagekey", "sharedaccesskey", "sastoken",
    "applicationkey",
    "subscriptionkey", "licensekey", "consumerkey", "credential", "cookie", "signature",
    "fernetkey", "hmackey", "aeskey", "jwtkey", "cryptkey", "cryptokey", "cipherkey",
    "wrappingkey", "webhookkey", "storepass", "keypass", "requirepass", "masterauth",
    "routingkey", "integrationkey", "functionskey", "hostkey", "otpseed", "totpseed", "mfasecret",
)  # fmt: skip
_STRONG_RX = re.compile("|".join((*_STRONG, *FOREIGN_STRONG)))
_WORD_KEYS = frozenset(
    {"pass", "pwd", "pw", "sig", "appid", "auth", "authorization", "pat", *FOREIGN_WORDS}
)
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
        *("factory", "helper", "util", "utils", "result", "results", "response", "status"),
        *("request", "reply", "ref", "refs", "reference", "arn", "stdin", "fd", "prompt"),
        *("command", "cmd", "script", "selector", "mount", "engine", "role", "scope", "scopes"),
        *("py", "java", "scala", "jar", "json", "yaml", "yml", "log", "cfg", "conf", "ini"),
        *("txt", "sh", "sql", "xml", "properties", "enc"),
    }
)
"""Last words of keys that name something about a secret, or a file: not the secret."""
_NOT_SECRET_ENDINGS = (
    "error", "exception", "warning", "manager", "provider", "handler", "factory", "result",
    "response", "policy", "version", "endpoint",
)  # fmt: skip
"""Endings of a key's last word that make it the name of something else (``secretsmanager``)."""
_ALWAYS_RX = re.compile("privatekey|secretkeybase")
"""Keys that stay credentials whatever their last word (the GCP ``private_key_id``, Rails'
``SECRET_KEY_BASE``)."""
_BARE_WORDS = frozenset({"token", "secret", "secrets", "credential", "credentials", "key", "auth"})


def key_words(key: str) -> list[str]:
    """The lower-case words of a key name: ``apiKeyAuth`` -> api, key, auth."""
    return [w for w in _NON_WORD.split(_CAMEL.sub("_", key).lower()) if w]


_NON_WORD = re.compile(r"[\W_]+")


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
    if words[-1] in _NOT_SECRET_LAST or words[-1].endswith(_NOT_SECRET_ENDINGS):
        return False  # token_url, secretsmanager, LDAPInvalidCredentialsResult
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
    if text.startswith("(", pos):
        return None  # a call: its arguments are looked at on their own
    if text.startswith("[", pos):  # a list: its first string is the value (a validator's)
        item = pos + 1 + (text[pos + 1 : pos + 2] == " ")
        quote = text[item : item + 1]
        return (item + 1, quoted_end(text, item + 1, quote), True) if quote in ("'", '"') else None
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


def key_bounds(text: str, at: int) -> tuple[int, int]:
    """The key name around position ``at`` (letters, digits, ``_ . -``)."""
    start, end = at, at
    while start > 0 and ((c := text[start - 1]) in _KEY_CHARS or (c > "~" and c.isalnum())):
        start -= 1  # any other letter too: contraseña, пароль
    while end < len(text) and ((c := text[end]) in _KEY_CHARS or (c > "~" and c.isalnum())):
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


def _random_key_value(text: str, ks: int, ke: int) -> Span | None:
    """The value of a ``..._key`` that is no credential key by name, when it is random.

    ``AIRFLOW__CORE__FERNET_KEY=<44 random characters>``; a ``partition_key``,
    an ``object_key`` path or a UUID is left alone.
    """
    if text[ke : ke + 1] not in ("=", ":") or not _ends_with_key(text[ks:ke]):
        return None
    pos = ke + 1
    if text.startswith(("'", '"'), pos):
        pos += 1
    m = _RANDOM.match(text, pos)
    return m.span() if m and random_value(m.group()) else None


@functools.lru_cache(maxsize=1024)
def _ends_with_key(key: str) -> bool:
    return key_words(key)[-1:] == ["key"]


_RANDOM = re.compile(r"[A-Za-z0-9+/=_-]{20,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def random_value(value: str) -> bool:
    """A long run of letters and digits with the entropy of a generated key.

    Hex, or both cases with digits; not a UUID, not a path.
    """
    if _UUID.fullmatch(value) or not any(c.isdigit() for c in value):
        return False
    if value.count("/") > len(value) // 16 + 1:
        return False  # a path: raw/orders/2025/part-0001
    hexadecimal = all(c in "0123456789abcdefABCDEF" for c in value)
    if not (hexadecimal or value.lower() != value != value.upper()):
        return False  # one case and not hex: a name with digits
    counts = [value.count(c) for c in set(value)]
    n = len(value)
    return -sum(k / n * math.log2(k / n) for k in counts) >= 3.5


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
        covered = 0  # a key inside a value masked already is part of that value
        while at >= 0:
            ks, ke = key_bounds(text, at)
            if ks not in seen and ks >= covered:
                seen.add(ks)
                span = _value_of(text, ks, ke)
                if span is not None:
                    spans.append(span)
                    covered = span[1]
            at = folded.find(word, ke)
    return spans


def _value_of(text: str, ks: int, ke: int) -> Span | None:
    key = text[ks:ke]
    if not credential_key(key):
        return _random_key_value(text, ks, ke)
    if text.startswith("</name>", ke) and text.endswith("<name>", 0, ks):
        return xml_property_value(text, ke + 7)  # Hadoop: <name>k</name><value>v</value>
    quote = _opening_quote(text, ks)
    pos = ke
    if quote and text.startswith(quote, pos):
        pos += len(quote)
        if ATTR_NAME.search(text, max(0, ks - len(quote) - 12), ks - len(quote)):
            return attribute_value(text, pos)  # <add key="DbPassword" value="v"/>
        if text.startswith("]", pos) and text.endswith("[", 0, ks - len(quote)):
            pos += 1  # a subscript: os.environ["DB_PASSWORD"] = "v", config['token']: v
    else:
        quote = ""  # '--password=x': the quote opens the whole argument
    m = _OPERATOR.match(text, pos)
    if m is None:
        return None
    if m.group("op") == ":" and text[ks - 1 : ks] == ":":
        return None  # a segment of a colon path: arn:aws:secretsmanager:eu-west-1:...
    if m.group("space") and text[ks - 1 : ks] in ("=", "/"):
        return None  # a value itself: ?p=BadCredentials d2e3f4
    if m.group("op") == ":" and (block := yaml_block(text, ks, m.end())) is not None:
        return block
    if m.group("op") == ">" and not text.startswith("<", ks - 1):
        return None
    if m.group("comma") and not quote:
        return None
    line_start = text.rfind("\n", 0, ks) + 1
    at_line_start = YAML_GUTTER.fullmatch(text, line_start, ks - len(quote)) is not None
    pos = m.end()
    flat = "".join(key_words(key))
    if "cookie" in flat and not m.group("space"):
        if text.startswith(("{", "["), pos):  # cookies={'sessionid': 'v'}: the names are no keys
            end = bracket_end(text, pos)
            return (pos, end) if text[pos + 1 : end - 1].strip() else None
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
    colon = m.group("op") == ":"
    if colon and bare and not looks_secret(value):
        return None  # "Invalid token: expected ','"
    after = text[end : end + 40]
    if names_no_secret(key, value, colon=colon, quoted=quoted, after=after, line=at_line_start):
        return None  # "fetching secret: botocore.exceptions.NoCredentialsError", "Secret a/b/c"
    if colon and at_line_start and not quoted:  # password: two words: and more (the line)
        end = yaml_plain_end(text, start)
        value = text[start:end]
    if not is_secret_value(key, value, quoted=quoted):
        return None
    return start, end
