"""Categories by rules: ordered regexes over exception types and messages (the rule
tables are :mod:`logsumd.understand._category_rules`).

Each signal (an exception's ``type: message``, a cause line, the header) is
matched against the rules in order; the first rule that matches names the
category.  Order encodes precedence: the more specific kind of failure comes
first (an authentication failure reported as "failed to connect" is ``auth``;
a missing bucket reported as "not authorized" is ``cloud_storage``).

``classify`` asks the strong rules about every signal (root cause first) before
it asks the weak ones (bare generic types such as ``ValueError``, or the bare
kind of a dbt error), so a precise message anywhere in the chain beats a vague
type at its root.

The categories follow the labelling taxonomy of the real-log corpus
(``eval/real/diagnoses.txt``): a missing pandas column is ``key_missing``, a
duplicate key or an SQL syntax error is ``schema``, an S3 access denial on an
object operation is ``cloud_storage``, a task killed by SIGTERM is ``other``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from logsumd.understand._category_rules import STRONG_RULES, WEAK_RULES, Rule
from logsumd.understand.literal_gate import FirstMatch

__all__ = ["STRONG_RULES", "WEAK_RULES", "Rule", "categorize", "match"]

_INDEXES = {
    id(STRONG_RULES): FirstMatch([r.pattern for r in STRONG_RULES]),
    id(WEAK_RULES): FirstMatch([r.pattern for r in WEAK_RULES]),
}


def match(text: str, rules: Sequence[Rule] = STRONG_RULES, folded: str | None = None) -> str | None:
    """The category of the first rule that matches ``text``, or None.

    ``folded`` is ``text.casefold()`` when the caller has it already.
    """
    if folded is None:
        folded = text.casefold()
    index = _INDEXES.get(id(rules))
    if index is None:
        return next((r.category for r in rules if r.gate.search(text, folded)), None)
    k = index.first(text, folded)
    return None if k is None else rules[k].category


def categorize(signals: Iterable[str]) -> tuple[str, int]:
    """Category of the first signal a strong rule matches, else a weak one, else ``other``.

    Also returns the index of the deciding signal (``-1`` for ``other``).
    """
    seq = [(text, text.casefold()) for text in signals]
    for rules in (STRONG_RULES, WEAK_RULES):
        for k, (text, folded) in enumerate(seq):
            found = match(text, rules, folded)
            if found is not None:
                return found, k
    return "other", -1
