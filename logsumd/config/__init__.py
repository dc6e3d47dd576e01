"""Configuration: the YAML file, checked and typed.

``load_config`` reads a config file into frozen ``Settings`` dataclasses
(:mod:`logsumd.config.settings`), keeping the file:line of every key so that each
mistake is reported with its place; ``${VAR}`` is interpolated from the
environment.
"""

from __future__ import annotations

from logsumd.config._checks import directory_problem, output_file_problem, webhook_url_problem
from logsumd.config._loader import ConfigError, load_config
from logsumd.config.settings import (
    BUILTIN_RULESETS,
    CATEGORIES,
    MULTILINE_MODES,
    AlertmanagerNotifierSettings,
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
    "MULTILINE_MODES",
    "AlertmanagerNotifierSettings",
    "ConfigError",
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
    "directory_problem",
    "load_config",
    "output_file_problem",
    "webhook_url_problem",
]
