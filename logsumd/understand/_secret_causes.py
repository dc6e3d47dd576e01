"""Values after a credential key that say what went wrong, or which secret: not secrets.

``Error while fetching secret: botocore.exceptions.NoCredentialsError``,
``Failed to refresh access_token: invalid_grant``, ``SNOWFLAKE_PASSWORD: cannot
connect``, ``Secret etl/prod/snowflake_password not found``: the word after the key
is the cause or the secret's name that the engineer needs.  Told by shape: an
exception class (dotted, or CamelCase with an error-like last word), an error code
of the OAuth specifications, a word that opens an English cause, a path of
lower-case names.  A value with digits mixed into a name, or in mixed case without
such a shape, is no cause and stays a secret.  Pure.
"""

from __future__ import annotations

import re

_HUMP = r"[A-Z]+[a-z]*"
_EXCEPTION = re.compile(
    rf"(?:[a-z_][a-z0-9_]*\.)+(?:{_HUMP}){{2,}}"
    rf"|(?:{_HUMP})*(?:Error|Exception|Warning|Fault|Failure|Denied|Expired|Token|Timeout"
    r"|NotFound|Required|Invalid)"
    rf"|Invalid(?:{_HUMP})+"
)
"""A class name: ``pkg.mod.Name``, ``AccessDeniedException``, ``InvalidToken``."""
OAUTH_ERRORS = frozenset(
    {
        # RFC 6749 4.1.2.1 and 5.2; RFC 6750 3.1; RFC 8628 3.5; OpenID Connect Core 3.1.2.6
        *("invalid_request", "invalid_client", "invalid_grant", "unauthorized_client"),
        *("unsupported_grant_type", "invalid_scope", "access_denied", "server_error"),
        *("unsupported_response_type", "temporarily_unavailable", "invalid_token"),
        *("insufficient_scope", "authorization_pending", "slow_down", "expired_token"),
        *("interaction_required", "login_required", "account_selection_required"),
        *("consent_required", "invalid_request_uri", "invalid_request_object"),
        *("request_not_supported", "request_uri_not_supported", "registration_not_supported"),
        # RFC 7009 2.2.1; RFC 9449 (DPoP)
        *("unsupported_token_type", "invalid_dpop_proof", "use_dpop_nonce"),
    }
)
"""The error codes of the OAuth 2.0 specifications (``error=invalid_grant``)."""
CAUSE_WORDS = frozenset(
    {
        *("cannot", "can't", "could", "couldn't", "unable", "failed", "failure", "field"),
        *("not", "no", "missing", "invalid", "expired", "required", "denied", "access"),
        *("permission", "unknown", "empty", "is", "was", "must", "should", "does", "did"),
        *("doesn't", "the", "a", "an", "error", "timeout", "timed", "too", "bad", "wrong"),
        *("incorrect", "unauthorized", "forbidden", "malformed", "undefined", "unset"),
        *("revoked", "rejected", "mismatch", "has", "have", "will", "unsupported"),
        *("insufficient", "please", "expected", "got", "unrecognized", "unexpected"),
        *("are", "were", "needs", "need", "contains", "contain", "requires"),
    }
)
"""Words that open an English cause after ``key:`` (``api_key: field required``)."""
_AUXILIARIES = frozenset({"be", "set", "found", "provided", "given", "defined", "allowed"})
"""Second words of a cause at a line's start (``must be set``, ``not found``)."""
_NAME = r"(?:[a-z]+(?:[_.-][a-z0-9]+)*|\d+)"
_SECRET_PATH = re.compile(rf"{_NAME}(?:/{_NAME})+/?")
"""A secret's id in a store: ``etl/prod/snowflake_password``, ``projects/acme/secrets/x``."""
_NAMING_KEYS = frozenset({"secret", "secrets", "token", "credential", "credentials", "key"})
"""Bare words after which a path names a secret (``Secret a/b/c not found``)."""


_SECRET_ARN = re.compile(r"arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+")
"""A Secrets Manager secret's ARN: its name, not its value."""


def names_no_secret(
    key: str, value: str, *, colon: bool, quoted: bool, after: str = "", line: bool = False
) -> bool:
    """Whether ``value`` after credential ``key`` is a cause or a secret's name.

    ``colon``: the key is followed by ``:`` (``secret: <cause>``); an unquoted value
    is then looked at by its first word, and by the word ``after`` it (``password:
    Passwords must ...``, ``id_token: Signature has expired``: a word of letters, then
    a cause word). ``line``: the key opens its line (YAML), where a value is a value
    unless two words of a cause open it.
    """
    bare = value.rstrip(":.,;")
    if key.lower() in _NAMING_KEYS and any(
        rx.fullmatch(bare) for rx in (_SECRET_PATH, _SECRET_ARN)
    ):
        return True
    if not colon or quoted:
        return False
    word = value.split(maxsplit=1)[0].rstrip(":.,;") if value.strip() else ""
    following = after.split(maxsplit=1)
    second = following[0].lower().rstrip(":.,;") if following else ""
    if line:  # a YAML line's value (a passphrase: "no pain no gain 2024"), unless two
        # words of a cause open it ("DB_PASSWORD: must be set", "api_key: field required")
        return word.lower() in CAUSE_WORDS and second in CAUSE_WORDS | _AUXILIARIES
    if _EXCEPTION.fullmatch(word) or word in OAUTH_ERRORS or word.lower() in CAUSE_WORDS:
        return True
    return word.isalpha() and second in CAUSE_WORDS
