"""Secrets found by their place rather than a key: command-line arguments and URL userinfo.

Each finder returns spans of ``text`` to mask (see ``_redact`` for the gates):
``-P pw``, ``-p<pw>``, ``sshpass -p pw``, ``curl -u user:pw``, also as Python
list items; passwords in ``scheme://user:pw@host`` (also ``@/db``, ``@:port``, ``@[ipv6]``),
``user:pw@host:port``, ``user/pw@db`` (also opening a string: ``'user/pw@host'``) and
``jdbc:oracle:thin:user/pw@host``; ``smbclient -U user%pw``, ``lftp -u user,pw``.  Pure.
"""

from __future__ import annotations

import re

from logsumd.understand._secret_values import Span, looks_secret, quoted_end

# -- command lines -------------------------------------------------------------

_FLAG_START = " \t\n'\"[,="
"""What may stand before a flag: white space, a list item's quote, ``[`` or ``,``."""
_FLAG_AFTER = re.compile(r"(?P<sep>['\"]?,[ \t]*|[ \t]+|=)|(?P<attached>[^\s,'\"]|['\"](?![,\]]))")
_LIST_GAP = ("", " ", "\t", "'", '"')
"""What follows the comma of a list item (``'-u', 'x'``), not of a ``user,pw`` pair."""
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
    if after is None:
        return None
    start = after.end() if after.group("sep") else pos
    end = shell_word_end(text, start)
    start, end = _strip_quotes(text, start, end)
    value = text[start:end]
    if not value or value.startswith("-") or value.isdigit():
        return None
    if flag == "U":  # smbclient -U user%pw (and the other Samba tools)
        cut = value.find("%")
        return (start + cut + 1, end) if cut > 0 and end > start + cut + 1 else None
    if flag == "u":
        colon = value.find(":")
        if colon < 0 and text[end : end + 1] == "," and text[end + 1 : end + 2] not in _LIST_GAP:
            return end + 1, shell_word_end(text, end + 1)  # lftp -u user,pw
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

_HOST = re.compile(
    r"(?://)?(?:[A-Za-z0-9](?:[\w-]*[A-Za-z0-9])?(?:\.[\w-]+)*|\[[0-9A-Fa-f:.]+(?:%\w+)?\])"
    r"(?P<port>:\d{1,5})?"
)
"""A host name, an IPv4 address or a bracketed IPv6 literal (``[fd00::a]``), and its port."""
_AFTER_HOST = re.compile(r"[/?#\s'\"),;\]>]|$")
_NO_HOST = re.compile(r"(?::\d{1,5})?(?:[/?#\s'\"),;\]>]|$)")
"""What follows the ``@`` of a URL without a host: a Unix socket or Cloud SQL DSN
(``postgresql://u:pw@/db?host=/cloudsql/...``), ``redis://:pw@/0``, ``u:pw@:5432/db``."""
_PORT_PATH = re.compile(r"\d{1,5}(?:/|$)")
_USER = re.compile(r"[\w.$+-]+")
_SLASH_LOGIN = re.compile(r"['\"(=]*[\w$#]+/(?P<pw>[^/\s'\"]+)")
"""``user/pw`` before an ``@``: a word of its own, or one that opens a string literal
(``cx_Oracle.connect('etl/pw@host:1521/svc')``)."""
_QUOTED_SLASH_LOGIN = re.compile(r"[\w$#]+/\"(?P<pw>[^\"\n]+)\"")
_LOGIN_REACH = 512
"""How far back from an ``@`` a login is looked for: userinfo is short, and a bounded
look keeps a long line of ``@`` (minified JSON of module versions) linear (attack45)."""


def _login_start(text: str, at: int) -> int:
    """Where the word that ends at the ``@`` at ``at`` starts, at most ``_LOGIN_REACH`` back."""
    reach = max(0, at - _LOGIN_REACH)
    return max(max(text.rfind(c, reach, at) for c in " \t\n") + 1, reach)


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
    descriptor = text.startswith("(", at + 1)  # Oracle: user/pw@(DESCRIPTION=...)
    if (host is None or not _AFTER_HOST.match(text, host.end())) and not descriptor:
        return _hostless_password(text, at) if _NO_HOST.match(text, at + 1) else None
    run = _login_start(text, at)
    segment = text[run:at]
    if descriptor or host is None:
        return _slash_login(segment, run, at)
    scheme = segment.rfind("://")
    oracle = segment.lower().rfind("jdbc:oracle:")
    if oracle >= 0:
        info = segment.find(":", segment.find(":", oracle + 12) + 1) + 1
        slash = segment.find("/", info)
        return (run + slash + 1, at) if slash > info else None
    if scheme >= 0:
        info = scheme + 3
        colon = segment.find(":", info)
        if "/" in segment[info : colon if colon >= 0 else len(segment)]:
            return None  # the "@" is in the path: no userinfo
        if colon < 0:
            token = segment[info:]  # https://<token>@github.com
            ok = len(token) >= 20 and looks_secret(token) and any(c.isdigit() for c in token)
            return (run + info, at) if ok else None
        return (run + colon + 1, at) if colon + 1 < len(segment) else None
    login = _slash_login(segment, run, at)
    if login is not None:
        return login
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


def _slash_login(segment: str, run: int, at: int) -> Span | None:
    """The password of an Oracle-style ``user/pw@db`` that ends ``segment``: a word of
    its own or one that opens a string literal (``cx_Oracle.connect('etl/pw@...')``), also
    with the password in double quotes (``'etl/"p@ss"@host'``)."""
    quoted = _QUOTED_SLASH_LOGIN.search(segment)
    if quoted is not None and quoted.end() == len(segment):
        return run + quoted.start("pw"), at - 1
    cut = max(segment.rfind("'"), segment.rfind('"')) + 1
    login = _SLASH_LOGIN.fullmatch(segment, max(0, cut - 1))
    if login is not None and looks_secret(login.group("pw")):
        return run + login.start("pw"), at
    return None


def _hostless_password(text: str, at: int) -> Span | None:
    """The password of ``scheme://user:pw@`` whose ``@`` has no host after it.

    Only with a scheme and a colon in the userinfo (an e-mail address or a
    ``user@`` has none); not when what follows the colon is a port and a path
    (``http://host:8080/a@/b``: the ``@`` is in the path).
    """
    run = _login_start(text, at)
    segment = text[run:at]
    scheme = segment.rfind("://")
    if scheme < 0:
        return None
    colon = segment.find(":", scheme + 3)
    if colon < 0 or "/" in segment[scheme + 3 : colon] or _PORT_PATH.match(segment, colon + 1):
        return None
    return (run + colon + 1, at) if colon + 1 < len(segment) else None
