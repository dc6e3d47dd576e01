"""Read a file of diagnoses (the catalogue shipped in the package) as a config file is read.

The same builder checks every entry, so a mistake in the shipped catalogue is
reported as ``diagnoses.yaml:LINE: key.path: message`` like one in a config.
"""

from __future__ import annotations

import os

from yaml.nodes import MappingNode

from logsumd.config import settings as s
from logsumd.config._loader import ConfigError, _Builder
from logsumd.config._yaml_nodes import YamlSyntaxError, compose, line_of


def load_diagnoses_text(text: str, filename: str) -> tuple[s.Diagnosis, ...]:
    """The entries of a diagnoses file (``diagnoses:`` and a list), checked like a config.

    Raises ``ConfigError`` listing every problem as ``filename:line: key.path: message``.
    """
    try:
        root = compose(text)
    except YamlSyntaxError as exc:
        raise ConfigError([f"{filename}:{exc.line}: {exc.message}"]) from None
    builder = _Builder(os.getcwd(), {})
    if not isinstance(root, MappingNode):
        line = line_of(root) if root is not None else 1
        raise ConfigError([f'{filename}:{line}: expected a mapping with "diagnoses"'])
    built = builder.mapping(s.DiagnosisFile, root, "")
    if builder.problems or not isinstance(built, s.DiagnosisFile):
        ordered = sorted(dict.fromkeys(builder.problems), key=lambda p: p[0])
        raise ConfigError([f"{filename}:{line}: {message}" for line, message in ordered])
    return built.diagnoses
