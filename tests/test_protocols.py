"""Extension points: each implementation has the exact signature its Protocol declares.

Attributes (``name``, ``specials``) are set in ``__init__``; mypy checks them
where an implementation is used as its Protocol.
"""

from __future__ import annotations

import inspect
from typing import Generic, Protocol

import pytest

from logsumd.notify._file import FileNotifier
from logsumd.notify.notifier import Notifier
from logsumd.notify.slack import SlackNotifier
from logsumd.summarize.backend import LocalModel, ModelBackend
from logsumd.summarize.condense import RedactorLike
from logsumd.summarize.llama_backend import LlamaBackend
from logsumd.summarize.openai_backend import OpenAIBackend
from logsumd.summarize.summarizer import LlamaSummarizer, RulesSummarizer, Summarizer
from logsumd.understand import Redactor

CASES = [
    (Summarizer, RulesSummarizer),
    (Summarizer, LlamaSummarizer),
    (LocalModel, LlamaBackend),
    (ModelBackend, OpenAIBackend),
    (Notifier, FileNotifier),
    (Notifier, SlackNotifier),
    (RedactorLike, Redactor),
]


def _methods(proto: type) -> list[str]:
    """The Protocol's methods, its base Protocols' included (getattr finds the nearest)."""
    names: dict[str, None] = {}
    for cls in proto.__mro__:
        if cls in (object, Protocol, Generic):
            continue
        for name, value in vars(cls).items():
            if not name.startswith("_") and (callable(value) or isinstance(value, property)):
                names.setdefault(name)
    return list(names)


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
