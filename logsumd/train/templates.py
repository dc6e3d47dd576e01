"""Failure templates of the training-data generator: 5 per category.

A template is a function of a :class:`Draw` (random picks from one split's
vocabularies) that returns a :class:`Failure`: the exception as a program would
print it, the lines around it, and the answer an on-call engineer would write
(``cause``, ``check``) using only names that the failure itself prints.  The
formats in ``logsumd.train._formats`` render a failure as a log.  Templates are
assigned to splits as a whole (:data:`TEMPLATE_SPLIT`), so the validation and
test splits hold kinds of failures never seen in training.

The registry (:class:`Draw`, :class:`Failure`, :func:`template`) is in
:mod:`logsumd.train.template_registry`; the templates themselves are in
``_templates_storage``, ``_templates_network``, ``_templates_data`` and
``_templates_runtime``.  This module imports them all, puts :data:`TEMPLATES`
in category order and assigns the splits.
"""

from __future__ import annotations

from logsumd.config import CATEGORIES

# Imported for their side effect: each template module registers its templates.
from logsumd.train import (  # noqa: F401
    _templates_data,
    _templates_network,
    _templates_runtime,
    _templates_storage,
)
from logsumd.train.template_registry import (
    TEMPLATES,
    Draw,
    Failure,
    Template,
    TemplateInfo,
    template,
)
from logsumd.train.vocab import SPLITS

__all__ = [
    "TEMPLATES",
    "TEMPLATE_SPLIT",
    "Draw",
    "Failure",
    "Template",
    "TemplateInfo",
    "template",
]

# The modules group categories by theme; keep the registry in the order of
# ``CATEGORIES`` (stable: templates of one category keep their order).
TEMPLATES.sort(key=lambda info: CATEGORIES.index(info.category))


def _assign_splits() -> dict[str, str]:
    """Per category: the last template is test, the one before validation, the rest train."""
    out: dict[str, str] = {}
    by_cat: dict[str, list[TemplateInfo]] = {}
    for info in TEMPLATES:
        by_cat.setdefault(info.category, []).append(info)
    for infos in by_cat.values():
        for i, info in enumerate(infos):
            rest = len(infos) - 1 - i
            out[info.id] = SPLITS[2] if rest == 0 else SPLITS[1] if rest == 1 else SPLITS[0]
    return out


TEMPLATE_SPLIT: dict[str, str] = _assign_splits()
"""Template id -> split."""
