"""Configuration: the YAML file, checked and typed.

``load_config`` reads a config file into frozen ``Settings`` dataclasses
(:mod:`logsumd.config.settings`), keeping the file:line of every key so that each
mistake is reported with its place; ``${VAR}`` is interpolated from the
environment.
"""

from __future__ import annotations

from logsumd.config._checks import directory_problem, output_file_problem, webhook_url_problem
from logsumd.config._diagnoses import alternatives, slot_names
from logsumd.config._diagnoses_file import load_diagnoses_text
from logsumd.config._loader import ConfigError, load_config
from logsumd.config.settings import (
    BUILTIN_RULESETS,
    CATEGORIES,
    DIAGNOSIS_SLOTS,
    MULTILINE_MODES,
    AlertmanagerNotifierSettings,
    Diagnosis,
    DiagnosisMatch,
    FileNotifierSettings,
    GroupingSettings,
    MetricsSettings,
    MultilineSettings,
    NotifierSettings,
    OpenAISettings,
    Settings,
    SlackNotifierSettings,
    SourceSettings,
    SummarizerSettings,
    UserRule,
)

__all__ = [
    "BUILTIN_RULESETS",
    "CATEGORIES",
    "DIAGNOSIS_SLOTS",
    "MULTILINE_MODES",
    "AlertmanagerNotifierSettings",
    "ConfigError",
    "Diagnosis",
    "DiagnosisMatch",
    "FileNotifierSettings",
    "GroupingSettings",
    "MetricsSettings",
    "MultilineSettings",
    "NotifierSettings",
    "OpenAISettings",
    "Settings",
    "SlackNotifierSettings",
    "SourceSettings",
    "SummarizerSettings",
    "UserRule",
    "alternatives",
    "directory_problem",
    "load_config",
    "load_diagnoses_text",
    "output_file_problem",
    "slot_names",
    "webhook_url_problem",
]
