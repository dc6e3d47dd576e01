"""Registry of the training-data generator's failure templates.

A template is a function of a :class:`Draw` (random picks from one split's
vocabularies) that returns a :class:`Failure`: the exception as a program would
print it, the lines around it, and the answer an on-call engineer would write
(``cause``, ``check``) using only names that the failure itself prints.  The
:func:`template` decorator records each one in :data:`TEMPLATES`; the template
functions live in the ``logsumd.train.templates_*`` modules, grouped by
category, and :mod:`logsumd.train.templates` imports them all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from logsumd.train.vocab import vocab_for


@dataclass(frozen=True, slots=True)
class Failure:
    """One generated failure and the reference answer for it."""

    exc: str
    """Exception type as printed (``FileNotFoundError``, ``java.io.IOException``)."""
    message: str
    cause: str
    check: str
    facts: tuple[str, ...]
    """Key facts: strings that occur verbatim in the rendered log."""
    roots: tuple[tuple[str, str], ...] = ()
    """Inner exceptions (type, message), outermost first: Python chains, Java ``Caused by:``."""
    header: str = ""
    """The log message that introduces the error (logger line)."""
    before: tuple[str, ...] = ()
    """Lines printed just before the error (a subprocess, a client library)."""
    func: str = "run"
    """Application function of the innermost frame (Python) or method (Java)."""
    code: str = ""
    """Source line of the application frame (Python)."""
    module: str = "job"
    """Application module (Python file stem) or class (Java)."""
    lib: tuple[tuple[str, int, str, str], ...] = ()
    """Library frames below the application frame: (path, line, function, code)."""
    dbt_model: str = ""
    """dbt only: the failing model."""


@dataclass(slots=True)
class Draw:
    """Random picks from one split's vocabularies, remembering what was used."""

    rng: random.Random
    split: str
    used: set[str] = field(default_factory=set)
    vocab: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.vocab = vocab_for(self.split)

    def pick(self, key: str) -> str:
        """One item of vocabulary ``key``."""
        item = self.rng.choice(self.vocab[key])
        self.used.add(item)
        return item

    def num(self, low: int, high: int) -> int:
        """A random integer in [low, high]."""
        return self.rng.randint(low, high)

    def table(self) -> tuple[str, str]:
        """(schema, table)."""
        return self.pick("schema"), self.pick("noun")

    def host(self) -> str:
        """A host name of a made-up company network."""
        return f"{self.pick('role')}-{self.num(1, 9):02d}.{self.pick('company')}.{self.pick('tld')}"

    def date(self) -> str:
        """A date in ISO form."""
        return f"{self.num(2022, 2025)}-{self.num(1, 12):02d}-{self.num(1, 28):02d}"

    def path(self, ext: str) -> tuple[str, str, str]:
        """(directory, file name, full path) of a data file."""
        directory = f"{self.pick('mount')}/{self.pick('dir')}"
        name = f"{self.pick('noun')}_{self.date().replace('-', '')}.{ext}"
        return directory, name, f"{directory}/{name}"

    def bucket(self) -> str:
        """An object-store bucket name."""
        return f"{self.pick('company')}-{self.pick('bucket_word')}"

    def ip(self) -> str:
        """A private IPv4 address."""
        return f"10.{self.num(0, 255)}.{self.num(0, 255)}.{self.num(2, 254)}"


Template = Callable[[Draw], Failure]


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A registered template: its id, category, kind of trace and function."""

    id: str
    category: str
    kind: str
    """``py`` (Python traceback), ``java`` (JVM trace) or ``dbt`` (dbt output)."""
    make: Template


TEMPLATES: list[TemplateInfo] = []


def template(category: str, kind: str) -> Callable[[Template], Template]:
    """Register a template function under its name."""

    def register(fn: Template) -> Template:
        TEMPLATES.append(TemplateInfo(fn.__name__, category, kind, fn))
        return fn

    return register
