"""Extension points: each implementation has the exact signature its Protocol declares.

Attributes (``name``, ``specials``) are set in ``__init__``; mypy checks them
where an implementation is used as its Protocol.
"""

from __future__ import annotations

import inspect

import pytest

from logsumd.notify._file import FileNotifier
from logsumd.notify.notifier import Notifier
from logsumd.notify.slack import SlackNotifier
from logsumd.summarize.condense import RedactorLike
from logsumd.summarize.llama_backend import LlamaBackend, ModelBackend
from logsumd.summarize.summarizer import LlamaSummarizer, RulesSummarizer, Summarizer
from logsumd.understand import Redactor

CASES = [
    (Summarizer, RulesSummarizer),
    (Summarizer, LlamaSummarizer),
    (ModelBackend, LlamaBackend),
    (Notifier, FileNotifier),
    (Notifier, SlackNotifier),
    (RedactorLike, Redactor),
]


def _methods(proto: type) -> list[str]:
    return [
        name
        for name, value in vars(proto).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    ]


@pytest.mark.parametrize(("proto", "impl"), CASES, ids=lambda c: c.__name__)
def test_implementation_matches_its_protocol(proto: type, impl: type) -> None:
    """Every method of the Protocol exists with the same parameters (names, kinds, defaults)."""
    methods = _methods(proto)
    assert methods
    for name in methods:
        declared, actual = getattr(proto, name), getattr(impl, name)
        if isinstance(declared, property):
            assert isinstance(actual, property), name
            continue
        want = [
            (p.name, p.kind, p.default) for p in inspect.signature(declared).parameters.values()
        ]
        got = [(p.name, p.kind, p.default) for p in inspect.signature(actual).parameters.values()]
        assert got == want, f"{impl.__name__}.{name}"
