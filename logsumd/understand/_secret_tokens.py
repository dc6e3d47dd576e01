"""Secrets with a shape of their own: vendor tokens by prefix, keys, webhook paths.

Each :class:`Rule` is a regex and its literal gate (see ``_redact``): a token
rule runs only when a long token of the text starts with one of its prefixes,
any other rule only when one of its trigger literals is in the case-folded
text.  The prefixes follow the vendors' documented formats (and gitleaks' rule
set where a vendor documents none).  Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]

_B = r"(?<![A-Za-z0-9_.-])"
"""Where a token starts: no token character before (see ``_redact.long_tokens``)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A regex whose matches (or their group ``v``) are secrets, and its gate.

    The gate is ``prefixes`` (every match contains a long token that starts with
    one of them, exact case) or ``triggers`` (lower-case literals of which every
    match contains one).
    """

    name: str
    pattern: re.Pattern[str]
    prefixes: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()

    def spans(self, text: str) -> list[Span]:
        """Where the rule finds secrets in ``text``."""
        groups: list[str | int] = [g for g in ("v", "t") if g in self.pattern.groupindex] or [0]
        return [m.span(g) for m in self.pattern.finditer(text) for g in groups if m.group(g)]


def _token_rule(name: str, prefixes: str, pattern: str) -> Rule:
    return Rule(name, re.compile(_B + pattern, re.ASCII), prefixes=tuple(prefixes.split()))


def _rule(name: str, triggers: tuple[str, ...], pattern: str, flags: int = 0) -> Rule:
    return Rule(name, re.compile(pattern, flags), triggers=triggers)


RULES: tuple[Rule, ...] = (
    _rule(
        "private key block",
        ("-----",),
        r"-----BEGIN (?P<kind>[A-Z0-9 ]*)PRIVATE KEY(?: BLOCK)?-----.*?"
        r"(?:-----END (?P=kind)PRIVATE KEY(?: BLOCK)?-----|\Z)",
        re.DOTALL,
    ),
    _rule("private key end", ("-----",), r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"),
    _token_rule("aws key id", "AKIA ASIA ABIA ACCA", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    _rule(
        "aws key pair",
        ("akia", "asia"),
        r"\b(?:AKIA|ASIA)[A-Z0-9]{16}(?:[:/,;|][ \t]*|['\"]?[ \t]*,[ \t]*['\"]?|['\"]?[ \t]+['\"]?)"
        r"(?P<v>[A-Za-z0-9/+=]{30,64})(?![A-Za-z0-9/+=])",
    ),  # id:secret, id,secret, 'id', 'secret', 'id' 'secret' and id secret (mc alias set, boto3)
    _rule(
        "password phrase",
        ("mot de passe",),
        r"\bmot de passe ?[:=] ?(?P<v>[^\s,;'\"]+)",
        re.IGNORECASE,
    ),  # French prose puts a space before the colon: "mot de passe : v"
    _token_rule(
        "aws session token",
        "IQoJb3JpZ2luX2Vj FwoGZXIvYXdz",
        r"(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz[A-Za-z0-9]{4})[A-Za-z0-9+/=%]{16,}",
    ),
    _token_rule(
        "github",
        "ghp_ gho_ ghu_ ghs_ ghr_ github_pat_",
        r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,})",
    ),
    _token_rule("slack", "xox xapp-", r"(?:xox[abprseo][.-][\w.-]{11,}|xapp-[\w-]{11,})"),
    _rule(
        "slack webhook",
        ("hooks.slack",),
        r"hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/(?P<v>[\w/-]+)",
    ),
    _token_rule(
        "stripe", "sk_live_ sk_test_ rk_live_ rk_test_", r"[rs]k_(?:live|test)_[A-Za-z0-9]{10,}"
    ),
    _token_rule("gitlab", "glpat- glptt- gldt- glrt-", r"gl(?:pat|ptt|dt|rt)-[\w-]{20,}"),
    _token_rule("hugging face", "hf_", r"hf_[A-Za-z0-9]{30,}"),
    _token_rule("databricks", "dapi", r"dapi[0-9a-f]{32}(?:-\d+)?"),
    _token_rule("google oauth", "ya29.", r"ya29\.[\w.-]{20,}"),
    _token_rule("google api key", "AIza", r"AIza[\w-]{35}"),
    _token_rule("google client secret", "GOCSPX-", r"GOCSPX-[\w-]{20,}"),
    _token_rule("sendgrid", "SG.", r"SG\.[\w-]{16,}\.[\w-]{16,}"),
    _token_rule("openai/anthropic", "sk-", r"sk-(?:[a-z]+-)*[A-Za-z0-9_-]{20,}"),
    _token_rule("jwt", "eyJ", r"eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*"),
    _token_rule("npm", "npm_", r"npm_[A-Za-z0-9]{36}"),
    _token_rule("pypi", "pypi-AgE", r"pypi-AgE[\w-]{20,}"),
    _token_rule("vault", "hvs. hvb. hvr.", r"hv[sbr]\.[\w-]{20,}"),
    _token_rule("shopify", "shpat_ shpss_ shpca_ shppa_", r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"),
    _token_rule("atlassian", "ATATT3", r"ATATT3[\w-]{10}[\w=-]*"),
    _rule("telegram", (":aa",), r"(?:(?<=bot)|\b)\d{6,12}:AA[\w-]{30,}"),
    _token_rule("mailgun", "key-", r"key-[0-9a-f]{32}\b"),
    _rule("azure ad secret", ("q~",), r"(?<![\w~.-])[\w~.-]{3}\d[Qq]~[\w~.-]{31,34}"),
    _token_rule(
        "twilio auth token",
        "AC SK",
        r"(?:AC|SK)[0-9a-f]{32}['\"]?\s*,\s*['\"]?(?P<v>[0-9A-Za-z]{32})\b",
    ),
    _rule("bearer", ("bearer",), r"\b(?i:bearer)[ \t]+(?P<v>[\w.~+/=-]{16,})"),
    _rule("okta ssws", ("ssws",), r"\bSSWS[ \t]+(?P<v>[\w-]{20,})"),
    _rule("oauth code", ("code=",), r"[?&]code=(?P<v>[\w./~%-]{16,})(?=[&#\s\"']|$)"),
    _token_rule("digitalocean", "dop_v1_ doo_v1_ dor_v1_", r"do[opr]_v1_[a-f0-9]{64}"),
    _token_rule("stripe webhook secret", "whsec_", r"whsec_[A-Za-z0-9]{10}[A-Za-z0-9+/=]{14,}"),
    _token_rule("age secret key", "AGE-SECRET-KEY-1", r"AGE-SECRET-KEY-1[0-9A-Z]{58}"),
    _token_rule("pulumi", "pul-", r"pul-[a-f0-9]{40}"),
    _token_rule("notion", "ntn_ secret_", r"(?:ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43})\b"),
    _token_rule("doppler", "dp.pt. dp.st. dp.sa. dp.ct.", r"dp\.(?:pt|st|sa|ct)\.[A-Za-z0-9]{40,}"),
    _token_rule(
        "grafana",
        "glsa_ glc_",
        r"(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9]{12}[A-Za-z0-9+/]{20,}=*)",
    ),
    _token_rule("linear", "lin_api_", r"lin_api_[A-Za-z0-9]{40}"),
    _token_rule("postman", "PMAK-", r"PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}"),
    _token_rule("docker hub", "dckr_pat_ dckr_oat_", r"dckr_(?:pat|oat)_[\w-]{27,}"),
    _token_rule("planetscale", "pscale_", r"pscale_(?:tkn|pw|oauth)_[\w.-]{32,}"),
    _token_rule("sentry", "sntrys_ sntryu_", r"sntry[su]_[\w-]{10}[\w+/=-]{30,}"),
    _token_rule("heroku", "HRKU-", r"HRKU-[\w-]{30,}"),
    _token_rule(
        "square", "sq0atp- sq0csp- EAAA", r"(?:sq0atp-[\w-]{22,}|sq0csp-[\w-]{43}|EAAA[\w-]{60})"
    ),
    _token_rule("supabase", "sbp_", r"sbp_[a-f0-9]{40}"),
    _token_rule("groq", "gsk_", r"gsk_[A-Za-z0-9]{52}"),
    _token_rule("replicate", "r8_", r"r8_[A-Za-z0-9]{37}"),
    _token_rule("tailscale", "tskey-", r"tskey-(?:api|auth|client|scim|webhook)-[\w-]{16,}"),
    _token_rule("new relic", "NRAK- NRII- NRJS-", r"NR(?:AK|II|JS)-[A-Za-z0-9]{19,}"),
    _token_rule("prefect", "pnu_ pnb_", r"pn[ub]_[A-Za-z0-9]{36}"),
    _token_rule("dbt cloud", "dbtc_ dbtu_", r"dbt[cu]_[\w-]{30,}"),
    _token_rule("buildkite", "bkua_", r"bkua_[a-f0-9]{40}"),
    _token_rule("rubygems", "rubygems_", r"rubygems_[a-f0-9]{48}"),
    _token_rule("contentful", "CFPAT-", r"CFPAT-[\w-]{43}"),
    _token_rule("figma", "figd_", r"figd_[\w-]{40,}"),
    _token_rule("hubspot", "pat-na1- pat-eu1-", r"pat-(?:na|eu)1-[a-f0-9-]{36}"),
    _token_rule("airtable", "pat", r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}"),
    _token_rule("brevo", "xkeysib-", r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}"),
    _token_rule("mapbox secret", "sk.eyJ", r"sk\.eyJ[\w-]{20,}\.[\w-]{20,}"),
    _token_rule("dropbox", "sl.", r"sl\.[\w-]{130,}"),
    _token_rule("bitbucket", "ATBB", r"ATBB[A-Za-z0-9_.-]{32,}=*"),
    _rule("terraform cloud", ("atlasv1",), r"\b[A-Za-z0-9]{14}\.atlasv1\.[\w-]{60,}"),
    _rule(
        "webhook path",
        ("/webhook",),
        r"/(?:api/)?webhooks?/\d{5,}/(?P<v>[\w-]{20,})|/webhookb2/(?P<t>[^\s'\"<>)]+)",
    ),
)
