"""Tests of the YAML config loader: shapes, defaults, paths, env and error messages."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from logsumd.config._interpolate import interpolate
from logsumd.config._loader import NOTIFIER_TYPES, ConfigError, load_config, load_config_text
from logsumd.config.settings import (
    AlertmanagerNotifierSettings,
    FileNotifierSettings,
    GroupingSettings,
    LoggingSettings,
    MultilineSettings,
    RedactionSettings,
    Settings,
    SlackNotifierSettings,
    SourceSettings,
    SummarizerSettings,
    UserRule,
)

MINIMAL = """\
sources:
  - include: logs/*.log
notifiers:
  - type: file
    path: out/events.jsonl
"""


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Settings:
    return load_config(write(tmp_path, text), env={} if env is None else env)


def errors_of(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={} if env is None else env)
    assert str(info.value) == "\n".join(info.value.errors)
    return info.value.errors


def one_error(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    errors = errors_of(tmp_path, text, env)
    assert len(errors) == 1, errors
    return errors[0]


# -- valid configs -------------------------------------------------------------


def test_full_config_round_trips(tmp_path: Path) -> None:
    """Every section is read into the settings dataclasses, absent keys keep defaults."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.gguf").write_bytes(b"GGUF")
    settings = load(
        tmp_path,
        """\
        sources:
          - include: [logs/*.log, /abs/other/*.log]
            exclude: logs/*.gz
            name: etl
            start_at: beginning
            max_line_bytes: 1024
            multiline:
              rules: [python, java]
              level: warning
              flush_timeout_ms: 0
              custom:
                - name: dbt
                  start_pattern: '^\\d+ Error'
                  condition_pattern: '^\\s'
                  mode: halt_before
                  negate: true
        notifiers:
          - type: file
            path: out/events.jsonl
            fsync: false
          - type: slack
            bot_token: ${TOKEN}
            channel: "#etl"
        state_dir: state
        shutdown_timeout_secs: 3
        summarizer:
          backend: rules
          model_path: models/m.gguf
          chat_format: gemma
          n_threads: 2
        grouping:
          group_wait_secs: 0.5
          max_notifications_per_minute: 5
        redaction:
          patterns: ['customer=\\S+']
        logging:
          level: DEBUG
          format: console
        """,
        env={"TOKEN": "xoxb-1"},
    )
    assert settings == Settings(
        sources=(
            SourceSettings(
                include=(str(tmp_path / "logs" / "*.log"), "/abs/other/*.log"),
                exclude=(str(tmp_path / "logs" / "*.gz"),),
                name="etl",
                start_at="beginning",
                max_line_bytes=1024,
                multiline=MultilineSettings(
                    rules=("python", "java"),
                    level="WARNING",
                    flush_timeout_ms=0,
                    custom=(
                        UserRule(
                            name="dbt",
                            start_pattern=r"^\d+ Error",
                            condition_pattern=r"^\s",
                            mode="halt_before",
                            negate=True,
                        ),
                    ),
                ),
            ),
        ),
        notifiers=(
            FileNotifierSettings(path=str(tmp_path / "out" / "events.jsonl"), fsync=False),
            SlackNotifierSettings(bot_token="xoxb-1", channel="#etl"),
        ),
        state_dir=str(tmp_path / "state"),
        shutdown_timeout_secs=3.0,
        summarizer=SummarizerSettings(
            backend="rules",
            model_path=str(tmp_path / "models" / "m.gguf"),
            chat_format="gemma",
            n_threads=2,
        ),
        grouping=GroupingSettings(group_wait_secs=0.5, max_notifications_per_minute=5),
        redaction=RedactionSettings(patterns=(r"customer=\S+",)),
        logging=LoggingSettings(level="debug", format="console"),
        source_file=str(tmp_path / "config.yaml"),
    )
    assert isinstance(settings.shutdown_timeout_secs, float)


def test_minimal_config_uses_defaults(tmp_path: Path) -> None:
    """Absent sections and keys take the dataclass defaults."""
    settings = load(tmp_path, MINIMAL)
    assert settings.sources == (SourceSettings(include=(str(tmp_path / "logs" / "*.log"),)),)
    assert settings.summarizer == SummarizerSettings()
    assert settings.grouping == GroupingSettings()
    assert settings.logging == LoggingSettings()
    assert settings.state_dir == Settings(sources=(), notifiers=()).state_dir


def test_defaults_written_as_yaml_load_back(tmp_path: Path) -> None:
    """Every settings field's type is supported: the defaults as YAML load to equal settings."""
    expected = Settings(
        sources=(SourceSettings(include=("/logs/*.log",)),),
        notifiers=(FileNotifierSettings(path="/out/events.jsonl"),),
    )
    data = dataclasses.asdict(expected)
    del data["source_file"], data["key_lines"]
    text = yaml.safe_dump(data)
    settings = load_config_text(text, "inline.yaml", str(tmp_path), env={})
    assert settings == dataclasses.replace(expected, source_file="inline.yaml")


def test_notifier_registry_is_derived_from_settings() -> None:
    """The ``type:`` registry lists every NotifierSettings variant."""
    assert dict(NOTIFIER_TYPES) == {
        "file": FileNotifierSettings,
        "slack": SlackNotifierSettings,
        "alertmanager": AlertmanagerNotifierSettings,
    }


def test_include_accepts_string_and_rules_accept_one_name(tmp_path: Path) -> None:
    """A single string stands for a one-element list."""
    settings = load(
        tmp_path,
        """\
        sources:
          - include: /var/log/etl/*.log
            multiline: {rules: java}
        notifiers: [{type: file, path: /tmp/out.jsonl}]
        """,
    )
    assert settings.sources[0].include == ("/var/log/etl/*.log",)
    assert settings.sources[0].multiline.rules == ("java",)


def test_anchors_aliases_and_merge_keys(tmp_path: Path) -> None:
    """Anchors, aliases and ``<<`` merges work; explicit keys win over merged ones."""
    path = write(
        tmp_path,
        """\
        sources:
          - include: /a/*.log
            multiline: &ml {max_lines: 50, level: WARNING}
          - include: /b/*.log
            multiline:
              <<: *ml
              max_lines: 7
        notifiers: [{type: file, path: /tmp/out.jsonl}]
        """,
    )
    loaded = load_config(path, env={})
    assert loaded.sources[0].multiline == MultilineSettings(max_lines=50, level="WARNING")
    assert loaded.sources[1].multiline == MultilineSettings(max_lines=7, level="WARNING")


def test_null_section_means_defaults(tmp_path: Path) -> None:
    """A section key with nothing under it keeps the defaults."""
    settings = load(tmp_path, MINIMAL + "summarizer:\nredaction: ~\n")
    assert settings.summarizer == SummarizerSettings()
    assert settings.redaction == RedactionSettings()


def test_source_file_is_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``source_file`` and messages use the path as passed; paths resolve against its dir."""
    write(tmp_path, MINIMAL, name="etl.yaml")
    monkeypatch.chdir(tmp_path)
    settings = load_config("etl.yaml", env={})
    assert settings.source_file == "etl.yaml"
    assert settings.notifiers[0] == FileNotifierSettings(path=str(tmp_path / "out/events.jsonl"))


# -- paths ---------------------------------------------------------------------


def test_relative_paths_resolve_against_config_dir(tmp_path: Path) -> None:
    """Globs, state_dir, notifier path, model and adapter become absolute from the file's dir."""
    conf = tmp_path / "conf"
    (conf / "m").mkdir(parents=True)
    (conf / "m" / "model.gguf").write_bytes(b"")
    (conf / "m" / "lora.gguf").write_bytes(b"")
    settings = load_config(
        write(
            conf,
            """\
            sources:
              - include: ../logs/**/*.log
                exclude: [./old/*.log]
            notifiers: [{type: file, path: out.jsonl}]
            state_dir: var/state
            summarizer: {model_path: m/model.gguf, adapter: ./m/lora.gguf}
            """,
        ),
        env={},
    )
    assert settings.sources[0].include == (str(tmp_path / "logs" / "**" / "*.log"),)
    assert settings.sources[0].exclude == (str(conf / "old" / "*.log"),)
    assert settings.notifiers[0] == FileNotifierSettings(path=str(conf / "out.jsonl"))
    assert settings.state_dir == str(conf / "var" / "state")
    assert settings.summarizer.model_path == str(conf / "m" / "model.gguf")
    assert settings.summarizer.adapter == str(conf / "m" / "lora.gguf")


def test_home_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``~`` in a path is the user's home directory."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings = load(tmp_path, MINIMAL + "state_dir: ~/logsumd\n")
    assert settings.state_dir == str(tmp_path / "home" / "logsumd")


def test_load_config_text_uses_base_dir(tmp_path: Path) -> None:
    """``load_config_text`` resolves against ``base_dir`` and names ``filename``."""
    settings = load_config_text(MINIMAL, "inline.yaml", str(tmp_path), env={})
    assert settings.source_file == "inline.yaml"
    assert settings.sources[0].include == (str(tmp_path / "logs" / "*.log"),)


def test_missing_model_and_adapter_files(tmp_path: Path) -> None:
    """A model_path or adapter path that does not exist is an error naming the resolved path."""
    errors = errors_of(
        tmp_path,
        MINIMAL + "summarizer:\n  model_path: nope.gguf\n  adapter: lora/x.gguf\n",
    )
    assert errors == [
        f"{tmp_path}/config.yaml:7: summarizer.model_path: no such file: {tmp_path}/nope.gguf",
        f"{tmp_path}/config.yaml:8: summarizer.adapter: no such file: {tmp_path}/lora/x.gguf",
    ]


def test_model_path_directory_is_an_error(tmp_path: Path) -> None:
    """A model_path naming a directory is rejected."""
    (tmp_path / "models").mkdir()
    message = one_error(tmp_path, MINIMAL + "summarizer: {model_path: models}\n")
    assert message.endswith(f"summarizer.model_path: is a directory, not a file: {tmp_path}/models")


# -- mistakes: one class each ----------------------------------------------------


def test_unknown_key_suggests_closest(tmp_path: Path) -> None:
    """An unknown key is an error at its line, with the closest known key."""
    message = one_error(
        tmp_path,
        """\
        sources:
          - include: /a/*.log
            multiline:
              flush_timeout: 10
        notifiers: [{type: file, path: /tmp/o}]
        """,
    )
    assert message == (
        f"{tmp_path}/config.yaml:4: sources[0].multiline.flush_timeout: unknown key; "
        'did you mean "flush_timeout_ms"?'
    )


def test_unknown_key_suggests_nested_key(tmp_path: Path) -> None:
    """A key that belongs one level down is pointed there."""
    message = one_error(tmp_path, MINIMAL.replace("  - include", "  - max_lines: 9\n    include"))
    assert message.endswith(
        'sources[0].max_lines: unknown key; did you mean "multiline.max_lines"?'
    )


def test_unknown_key_without_close_match_lists_keys(tmp_path: Path) -> None:
    """With nothing close, the message lists the known keys."""
    message = one_error(tmp_path, MINIMAL + "logging: {colour: red}\n")
    assert (
        message
        == f"{tmp_path}/config.yaml:6: logging.colour: unknown key; known keys: level, format"
    )


def test_source_file_is_not_a_config_key(tmp_path: Path) -> None:
    """``source_file`` is set by the loader, not by the file."""
    message = one_error(tmp_path, MINIMAL + "source_file: x\n")
    assert "source_file: unknown key" in message


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("queue_size: ten", 'queue_size: expected an integer, got a string "ten"'),
        ("queue_size: true", "queue_size: expected an integer, got a boolean"),
        ("queue_size: 1.5", "queue_size: expected an integer, got a number"),
        (
            "shutdown_timeout_secs: soon",
            'shutdown_timeout_secs: expected a number, got a string "soon"',
        ),
        ("summarizer: [llama]", "summarizer: expected a mapping, got a list"),
        ("state_dir: {a: 1}", "state_dir: expected a string, got a mapping"),
        ("state_dir: 42", "state_dir: expected a string, got an integer"),
        (
            "redaction: {patterns: {a: b}}",
            "redaction.patterns: expected a string or a list, got a mapping",
        ),
        ("notifiers: {type: file}", "notifiers: expected a list, got a mapping"),
        ("logging: {format: null}", "logging.format: expected a string, got null"),
    ],
)
def test_wrong_type(tmp_path: Path, extra: str, expected: str) -> None:
    """A value of the wrong YAML type is an error at the value's line."""
    text = MINIMAL + extra + "\n"
    if extra.startswith("notifiers"):
        text = "sources: [{include: /a}]\n" + extra + "\n"
    message = one_error(tmp_path, text)
    line = text.count("\n")
    assert message == f"{tmp_path}/config.yaml:{line}: {expected}"


@pytest.mark.parametrize(
    ("section", "key", "value", "rule"),
    [
        ("multiline", "max_lines", "0", "must be > 0, got 0"),
        ("multiline", "max_bytes", "-1", "must be > 0, got -1"),
        ("multiline", "flush_timeout_ms", "-5", "must be >= 0, got -5"),
        ("multiline", "context_lines", "-1", "must be >= 0, got -1"),
        ("", "fingerprint_bytes", "0", "must be > 0, got 0"),
        ("", "poll_interval_ms", "0", "must be > 0, got 0"),
    ],
)
def test_out_of_range_in_source(
    tmp_path: Path, section: str, key: str, value: str, rule: str
) -> None:
    """Sizes and counts must be positive, timeouts non-negative."""
    nested = f"    {section}:\n      {key}: {value}\n" if section else f"    {key}: {value}\n"
    path = f"sources[0].{section + '.' if section else ''}{key}"
    message = one_error(tmp_path, MINIMAL.replace("notifiers:", nested + "notifiers:"))
    assert message.endswith(f": {path}: {rule}")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("summarizer: {n_threads: 0}", "summarizer.n_threads: must be >= 1, got 0"),
        ("summarizer: {timeout_secs: -0.5}", "summarizer.timeout_secs: must be >= 0, got -0.5"),
        (
            "summarizer: {timeout_secs: .inf}",
            "summarizer.timeout_secs: must be a finite number, got inf",
        ),
        ("summarizer: {seed: -1}", None),
        (
            "grouping: {max_notifications_per_minute: 0}",
            "grouping.max_notifications_per_minute: must be >= 1, got 0",
        ),
        ("queue_size: 0", "queue_size: must be > 0, got 0"),
        ("checkpoint_interval_ms: 0", "checkpoint_interval_ms: must be > 0, got 0"),
    ],
)
def test_out_of_range(tmp_path: Path, extra: str, expected: str | None) -> None:
    """Numbers outside their range are errors; the seed may be negative."""
    if expected is None:
        assert load(tmp_path, MINIMAL + extra + "\n").summarizer.seed == -1
        return
    assert one_error(tmp_path, MINIMAL + extra + "\n") == f"{tmp_path}/config.yaml:6: {expected}"


def test_bad_enum_multiline_mode(tmp_path: Path) -> None:
    """A mode outside Vector's four is an error naming them."""
    message = one_error(
        tmp_path,
        """\
        sources:
          - include: /a/*.log
            multiline:
              custom:
                - name: r
                  start_pattern: x
                  condition_pattern: y
                  mode: continue
        notifiers: [{type: file, path: /tmp/o}]
        """,
    )
    assert message == (
        f"{tmp_path}/config.yaml:8: sources[0].multiline.custom[0].mode: must be one of "
        "continue_through, continue_past, halt_before, halt_with"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "summarizer: {backend: gpt}",
            "summarizer.backend: must be one of llama, openai, catalogue, rules",
        ),
        ("logging: {format: xml}", "logging.format: must be one of json, console"),
        ("logging: {level: loud}", "logging.level: must be one of debug, info, warning, error"),
    ],
)
def test_bad_enum(tmp_path: Path, extra: str, expected: str) -> None:
    """Enumerated options list their choices."""
    assert one_error(tmp_path, MINIMAL + extra + "\n") == f"{tmp_path}/config.yaml:6: {expected}"


def test_bad_enum_in_source(tmp_path: Path) -> None:
    """start_at, multiline.level and rule-set names are enumerations too."""
    errors = errors_of(
        tmp_path,
        """\
        sources:
          - include: /a/*.log
            start_at: middle
            multiline:
              level: info
              rules: [python, ruby]
        notifiers: [{type: file, path: /tmp/o}]
        """,
    )
    path = f"{tmp_path}/config.yaml"
    assert errors == [
        f"{path}:3: sources[0].start_at: must be one of beginning, end",
        f"{path}:5: sources[0].multiline.level: "
        "must be one of WARNING, ERROR, CRITICAL, FATAL, SEVERE",
        f"{path}:6: sources[0].multiline.rules[1]: must be one of python, java, generic, auto",
    ]


def test_bad_regex(tmp_path: Path) -> None:
    """Invalid user-rule and redaction regexes are errors carrying the regex error."""
    errors = errors_of(
        tmp_path,
        """\
        sources:
          - include: /a/*.log
            multiline:
              custom:
                - {name: r, start_pattern: '(unclosed', condition_pattern: ok}
        notifiers: [{type: file, path: /tmp/o}]
        redaction:
          patterns: [fine, 'a[']
        """,
    )
    path = f"{tmp_path}/config.yaml"
    assert errors == [
        f"{path}:5: sources[0].multiline.custom[0].start_pattern: invalid regular expression: "
        "missing ), unterminated subpattern at position 0",
        f"{path}:8: redaction.patterns[1]: invalid regular expression: "
        "unterminated character set at position 1",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("notifiers: [{type: file, path: /o}]\n", '1: missing required key "sources"'),
        (
            "sources: [{name: x}]\nnotifiers: [{type: file, path: /o}]\n",
            '1: sources[0]: missing required key "include"',
        ),
        (
            "sources: [{include: /a}]\nnotifiers:\n  - type: file\n    fsync: false\n",
            '3: notifiers[0]: missing required key "path"',
        ),
        (
            "sources: [{include: /a}]\nnotifiers:\n  - path: /o\n",
            '3: notifiers[0]: missing required key "type" (one of file, slack, alertmanager)',
        ),
        (
            "sources: [{include: /a, multiline: {custom: [{start_pattern: a}]}}]\n"
            "notifiers: [{type: file, path: /o}]\n",
            '1: sources[0].multiline.custom[0]: missing required key "name"',
        ),
    ],
)
def test_missing_required_key(tmp_path: Path, text: str, expected: str) -> None:
    """A missing required key is reported at the line of the mapping lacking it."""
    errors = errors_of(tmp_path, text)
    assert f"{tmp_path}/config.yaml:{expected}" in errors


def test_missing_user_rule_keys_all_reported(tmp_path: Path) -> None:
    """A user rule needs name, start_pattern and condition_pattern."""
    errors = errors_of(
        tmp_path,
        "sources: [{include: /a, multiline: {custom: [{mode: halt_with}]}}]\n"
        "notifiers: [{type: file, path: /o}]\n",
    )
    assert [e.rsplit(": ", 1)[1] for e in errors] == [
        'missing required key "name"',
        'missing required key "start_pattern"',
        'missing required key "condition_pattern"',
    ]


def test_empty_lists_are_errors(tmp_path: Path) -> None:
    """No sources, no include pattern, no notifier: each is an error."""
    errors = errors_of(tmp_path, "sources:\n  - include: []\nnotifiers: []\n")
    path = f"{tmp_path}/config.yaml"
    assert errors == [
        f"{path}:2: sources[0].include: must list at least one glob pattern",
        f"{path}:3: notifiers: must list at least one notifier (a daemon that tells nobody)",
    ]
    assert errors_of(tmp_path, "sources: []\nnotifiers: [{type: file, path: /o}]\n") == [
        f"{path}:1: sources: must list at least one source"
    ]


def test_unknown_notifier_type(tmp_path: Path) -> None:
    """A notifier type outside the registry is an error listing the supported ones."""
    message = one_error(
        tmp_path, "sources: [{include: /a}]\nnotifiers:\n  - type: email\n    to: x\n"
    )
    assert (
        message
        == f"{tmp_path}/config.yaml:3: notifiers[0].type: must be one of file, slack, alertmanager"
    )


def test_slack_needs_token_and_channel_or_webhook(tmp_path: Path) -> None:
    """A Slack notifier needs bot_token and channel, or webhook_url, not both."""
    base = "sources: [{include: /a}]\nnotifiers:\n  - type: slack\n"
    assert one_error(tmp_path, base + "    bot_token: t\n").endswith(
        'notifiers[0]: missing required key "channel" (or set webhook_url instead)'
    )
    assert one_error(tmp_path, base + "    webhook_url: https://h/x\n    channel: c\n").endswith(
        "notifiers[0]: set webhook_url, or bot_token and channel, not both"
    )
    assert one_error(tmp_path, base + "    webhook_url: ftp://h/x\n").endswith(
        'notifiers[0].webhook_url: must be an http:// or https:// URL, got "ftp://h/x"'
    )


def test_duplicate_names(tmp_path: Path) -> None:
    """Two sources, or two user rules of a source, may not share a name."""
    errors = errors_of(
        tmp_path,
        """\
        sources:
          - include: /a
            name: etl
            multiline:
              custom:
                - {name: r, start_pattern: a, condition_pattern: b}
                - {name: r, start_pattern: a, condition_pattern: b}
          - include: /b
            name: etl
        notifiers: [{type: file, path: /o}]
        """,
    )
    path = f"{tmp_path}/config.yaml"
    assert errors == [
        f'{path}:7: sources[0].multiline.custom[1].name: duplicate name "r" '
        "(also sources[0].multiline.custom[0])",
        f'{path}:9: sources[1].name: duplicate name "etl" (also sources[0])',
    ]


# -- YAML-level problems -----------------------------------------------------------


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    """A syntax error is one message with the file and line."""
    message = one_error(tmp_path, "sources:\n  - include: /a\n notifiers: [\n")
    assert message.startswith(f"{tmp_path}/config.yaml:3: YAML syntax error: ")


def test_unclosed_flow_sequence_is_a_syntax_error(tmp_path: Path) -> None:
    """An unterminated flow collection names where it was found."""
    message = one_error(tmp_path, "sources: [{include: /a}\nnotifiers: []\n")
    assert message.startswith(f"{tmp_path}/config.yaml:")
    assert "YAML syntax error" in message


def test_control_character_is_reported(tmp_path: Path) -> None:
    """A non-printable character is reported with its line."""
    message = one_error(tmp_path, "sources: []\nstate_dir: a\x07b\n")
    assert message.startswith(f"{tmp_path}/config.yaml:2: invalid YAML text")


def test_empty_file(tmp_path: Path) -> None:
    """An empty file says what it should contain."""
    assert one_error(tmp_path, "# nothing yet\n") == (
        f'{tmp_path}/config.yaml:1: config is empty; expected a mapping with "sources", "notifiers"'
    )


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    """The document must be a mapping."""
    assert one_error(tmp_path, "- a\n- b\n") == (
        f"{tmp_path}/config.yaml:1: expected a mapping at the top level, got a list"
    )


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    """A key given twice is an error at the second, naming the first."""
    message = one_error(tmp_path, MINIMAL + "queue_size: 5\nlogging: {}\nqueue_size: 6\n")
    assert (
        message == f"{tmp_path}/config.yaml:8: queue_size: duplicate key (first defined on line 6)"
    )


def test_non_string_key(tmp_path: Path) -> None:
    """Mapping keys must be strings."""
    message = one_error(tmp_path, MINIMAL + "logging: {1: x}\n")
    assert message == f"{tmp_path}/config.yaml:6: logging: keys must be strings, got an integer"


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    """A missing file raises ConfigError, not OSError."""
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "absent.yaml", env={})


def test_invalid_utf8(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are reported with their line."""
    path = tmp_path / "config.yaml"
    path.write_bytes(b"sources: []\nname: \xff\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert info.value.errors == [f"{path}:2: config is not valid UTF-8"]


# -- all at once -------------------------------------------------------------------


def test_several_errors_reported_at_once(tmp_path: Path) -> None:
    """Every problem is reported in one ConfigError, in line order."""
    errors = errors_of(
        tmp_path,
        """\
        sources:
          - include: /a/*.log
            start_at: now
            multiline:
              max_line: 3
        notifiers:
          - type: file
        summarizer:
          n_threads: zero
        logging:
          format: xml
        state_dir: ${STATE}
        """,
    )
    path = f"{tmp_path}/config.yaml"
    assert errors == [
        f"{path}:3: sources[0].start_at: must be one of beginning, end",
        f'{path}:5: sources[0].multiline.max_line: unknown key; did you mean "max_lines"?',
        f'{path}:7: notifiers[0]: missing required key "path"',
        f'{path}:9: summarizer.n_threads: expected an integer, got a string "zero"',
        f"{path}:11: logging.format: must be one of json, console",
        f"{path}:12: state_dir: environment variable ${{STATE}} is not set and has no default",
    ]


# -- environment -------------------------------------------------------------------


def test_env_interpolation_with_and_without_default(tmp_path: Path) -> None:
    """``${VAR}`` reads the environment; ``${VAR:-default}`` falls back when unset or empty."""
    settings = load(
        tmp_path,
        """\
        sources:
          - include: ${LOG_DIR}/*.log
            name: ${NAME:-etl}
            exclude: ['${EMPTY:-none}', '$${literal}', 'a$$b', 'end$']
        notifiers: [{type: file, path: "${OUT}/events.jsonl"}]
        """,
        env={"LOG_DIR": "/var/log/etl", "OUT": "/srv", "EMPTY": ""},
    )
    source = settings.sources[0]
    assert source.include == ("/var/log/etl/*.log",)
    assert source.name == "etl"
    assert source.exclude == (
        str(tmp_path / "none"),
        str(tmp_path / "${literal}"),
        str(tmp_path / "a$b"),
        str(tmp_path / "end$"),
    )
    assert settings.notifiers[0] == FileNotifierSettings(path="/srv/events.jsonl")


def test_env_defaults_to_os_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``env`` the process environment is used."""
    monkeypatch.setenv("LOGSUMD_TEST_DIR", "/from/environ")
    settings = load_config(write(tmp_path, MINIMAL + "state_dir: ${LOGSUMD_TEST_DIR}\n"))
    assert settings.state_dir == "/from/environ"


def test_env_values_are_typed_for_typed_fields(tmp_path: Path) -> None:
    """``${VAR}`` in a number or boolean field is read as YAML reads an unquoted value."""
    settings = load(
        tmp_path,
        """\
        sources:
          - include: /a
            name: ${NAME}
        notifiers: [{type: file, path: /o, fsync: "${FSYNC:-false}"}]
        grouping: {group_wait_secs: "${WAIT}"}
        queue_size: ${QUEUE}
        summarizer:
          timeout_secs: ${TIMEOUT}
          model_path: ${MODEL:-}
        """,
        env={"NAME": "123", "QUEUE": "64", "TIMEOUT": "2.5", "WAIT": "1"},
    )
    assert settings.sources[0].name == "123"
    assert settings.notifiers[0] == FileNotifierSettings(path="/o", fsync=False)
    assert settings.queue_size == 64
    assert settings.summarizer.timeout_secs == 2.5
    assert settings.summarizer.model_path is None
    assert settings.grouping.group_wait_secs == 1.0


def test_undefined_variable_without_default(tmp_path: Path) -> None:
    """An unset variable without a default is an error naming it."""
    message = one_error(tmp_path, MINIMAL + "state_dir: /x/${NOPE}/y\n")
    assert message == (
        f"{tmp_path}/config.yaml:6: state_dir: environment variable ${{NOPE}} "
        "is not set and has no default"
    )


def test_malformed_references(tmp_path: Path) -> None:
    """A bad or unterminated reference is an error that suggests ``$$``."""
    errors = errors_of(tmp_path, MINIMAL + "state_dir: a${1x}\nlogging: {format: '${oops'}\n")
    assert errors == [
        f'{tmp_path}/config.yaml:6: state_dir: invalid variable reference "${{1x}}" '
        "(write $$ for a literal $)",
        f'{tmp_path}/config.yaml:7: logging.format: unterminated "${{" (write $$ for a literal $)',
    ]


SECRET = "s3cr3t-V4lue("


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "queue_size: ${TOKEN}",
            "queue_size: expected an integer, got a string (value from ${TOKEN})",
        ),
        ("logging: {format: '${TOKEN}'}", "logging.format: must be one of json, console"),
        (
            "redaction: {patterns: ['x${TOKEN}']}",
            "redaction.patterns[0]: invalid regular expression (value from ${TOKEN}): "
            "error at position 13",
        ),
        (
            "summarizer: {model_path: '/m/${TOKEN}'}",
            "summarizer.model_path: no such file (value from ${TOKEN})",
        ),
        (
            "notifiers: [{type: slack, webhook_url: '${TOKEN}'}]",
            "notifiers[0].webhook_url: must be an http:// or https:// URL, "
            "got (value from ${TOKEN})",
        ),
        (
            "grouping: {group_wait_secs: '${NEG}'}",
            "grouping.group_wait_secs: must be >= 0 (value from ${NEG})",
        ),
    ],
)
def test_secret_values_never_appear_in_errors(tmp_path: Path, extra: str, expected: str) -> None:
    """Messages about interpolated values name the variable, not the value."""
    text = MINIMAL + extra + "\n"
    if extra.startswith("notifiers"):
        text = "sources: [{include: /a}]\n" + extra + "\n"
    message = one_error(tmp_path, text, env={"TOKEN": SECRET, "NEG": "-4242"})
    assert SECRET not in message
    assert "4242" not in message
    assert message.endswith(expected)
    assert f"config.yaml:{text.count(chr(10))}: " in message


# -- interpolation unit ----------------------------------------------------------------


def test_interpolate_reports_each_undefined_variable() -> None:
    """Every unset variable of a string is reported; used variables are listed."""
    result = interpolate("${A}-${B}-${C:-c}-$$", {"A": "a"})
    assert result.variables == ("A", "C")
    assert result.errors == ("environment variable ${B} is not set and has no default",)


def test_interpolate_keeps_lone_dollars() -> None:
    """A ``$`` not starting ``${`` or ``$$`` is literal (regex anchors need no escape)."""
    assert interpolate("^a$|b$c", {}).text == "^a$|b$c"
    assert interpolate("${X:-a:-b}", {}).text == "a:-b"


# -- robustness ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "redaction: {patterns: &x [a, *x]}",
            "redaction.patterns[1]: expected a string, got a list",
        ),
        ("logging: &m {<<: *m}", "logging.<<: recursive merge"),
        ("logging: {<<: 5}", "logging.<<: can only merge mappings, got an integer"),
        ("logging: *nope", "YAML syntax error: found undefined alias 'nope'"),
        ("queue_size: 2024-13-45", "queue_size: invalid value: month must be in 1..12"),
        ("queue_size: !foo 5", "queue_size: invalid value: could not determine a constructor"),
        ("state_dir: 2024-01-01", "state_dir: expected a string, got a date value"),
    ],
)
def test_odd_yaml_is_an_error_not_a_crash(tmp_path: Path, extra: str, expected: str) -> None:
    """Recursive aliases, bad merges, bad timestamps and unknown tags are reported at their line."""
    message = one_error(tmp_path, MINIMAL + extra + "\n")
    assert message.startswith(f"{tmp_path}/config.yaml:6: {expected}")


def test_duplicate_interpolated_names_are_not_shown(tmp_path: Path) -> None:
    """A duplicate name that came from the environment is not quoted."""
    message = one_error(
        tmp_path,
        "sources: [{include: /a, name: '${N}'}, {include: /b, name: '${N}'}]\n"
        "notifiers: [{type: file, path: /o}]\n",
        env={"N": SECRET},
    )
    assert message.endswith("sources[1].name: duplicate name (also sources[0])")


_YAML_BITS = st.sampled_from(
    [
        "sources", "notifiers", "include", "type", "file", "path", "multiline", "rules",
        ":", ": ", "- ", "\n", "  ", "{", "}", "[", "]", ",", "&a ", "*a", "<<", "~", "null",
        "1", "-1", "1.5", "true", "'", '"', "${X}", "${X:-d}", "$$", "#", "!!str ", "!!int ",
        "2024-01-01", "?", "|", ">", "---", "\t", "(",
    ]
)  # fmt: skip


def problems(text: str, filename: str) -> list[str]:
    """The loader's errors for ``text`` ([] when it loads); anything else propagates."""
    try:
        load_config_text(text, filename, "/tmp", env={"X": "v"})
    except ConfigError as exc:
        return exc.errors
    return []


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_YAML_BITS, max_size=40))
def test_any_text_gives_settings_or_config_error(bits: list[str]) -> None:
    """Whatever the text, the loader returns settings or raises ConfigError, nothing else."""
    assert all(e.startswith("fuzz.yaml:") for e in problems("".join(bits), "fuzz.yaml"))


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(MINIMAL) - 1), _YAML_BITS)
def test_mutated_config_gives_settings_or_config_error(at: int, bit: str) -> None:
    """A valid config with one insertion still loads or fails cleanly."""
    text = MINIMAL[:at] + bit + MINIMAL[at:]
    assert all(e.startswith("m.yaml:") for e in problems(text, "m.yaml"))


def test_example_config_loads() -> None:
    """The shipped config.example.yaml is a valid config."""
    example = Path(__file__).resolve().parent.parent / "config.example.yaml"
    if not example.exists():
        pytest.skip("no config.example.yaml in this checkout")
    settings = load_config(example, env={})
    assert settings.sources
    assert settings.notifiers


def test_umask_and_follow_symlinks_are_read_and_checked(tmp_path: Path) -> None:
    """``umask`` must be quoted octal; ``follow_symlinks`` is a per-source boolean."""
    settings = load(tmp_path, MINIMAL + 'umask: "027"\n')
    assert settings.umask == "027"
    assert settings.sources[0].follow_symlinks is False
    text = MINIMAL.replace("logs/*.log\n", "logs/*.log\n    follow_symlinks: true\n")
    assert load(tmp_path, text).sources[0].follow_symlinks is True
    error = one_error(tmp_path, MINIMAL + 'umask: "0x7"\n')
    assert error.endswith('such as "077" (the first digit 0), got "0x7"')
    assert "config.yaml:6:" in error
    assert "umask: must be a quoted octal umask" in error


@pytest.mark.parametrize("umask", ["0777", "700", "0100", "0400", "200"])
def test_umask_that_takes_the_owners_bits_is_refused(tmp_path: Path, umask: str) -> None:
    """A umask that would lock the daemon out of its own files is one config error, not a crash."""
    error = one_error(tmp_path, MINIMAL + f'umask: "{umask}"\n')
    assert "config.yaml:6:" in error
    assert error.endswith(
        f'leaves the owner read, write and search, such as "077" (the first digit 0), got "{umask}"'
    )
    assert "\n" not in error


DIAGNOSIS = """\
diagnoses:
  - id: quokka_index
    category: dependency
    match:
      message: "No module named '(?P<m>quokka_\\\\w+)'"
    cause: "{m} comes from the private index"
    next_step: "rebuild the image"
    runbook: https://runbooks.example.invalid/quokka
"""


def test_diagnoses_are_loaded(tmp_path: Path) -> None:
    """Your own diagnoses load with their matcher, slots and runbook."""
    settings = load(tmp_path, MINIMAL + DIAGNOSIS)
    (entry,) = settings.diagnoses
    assert entry.id == "quokka_index"
    assert entry.match.message == r"No module named '(?P<m>quokka_\w+)'"
    assert entry.runbook == "https://runbooks.example.invalid/quokka"
    assert entry.priority == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("{m} comes", "{module} comes"), "6: diagnoses[0].cause: unknown slot {module}"),
        (("category: dependency", "category: deps"), "3: diagnoses[0].category: must be one of"),
        (("(?P<m>quokka", "(?P<m>[quokka"), "5: diagnoses[0].match.message: invalid regular"),
        (("https://runbooks", "ftp://runbooks"), "8: diagnoses[0].runbook: must be an http://"),
        (
            ("    match:\n      message:", "    match:\n      mesage:"),
            "5: diagnoses[0].match.mesage",
        ),
        (('next_step: "rebuild the image"', 'next_step: "rebuild {"'), "7: diagnoses[0].next_step"),
    ],
)
def test_bad_diagnoses_are_reported_with_file_and_line(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    """Each mistake in a diagnosis names the file, the line and the key."""
    text = MINIMAL + DIAGNOSIS.replace(*change)
    error = one_error(tmp_path, text)
    prefix = f"{tmp_path}/config.yaml:"
    assert error.startswith(prefix)
    line = int(expected.split(":", 1)[0]) + MINIMAL.count("\n")
    assert error.startswith(f"{prefix}{line}:{expected.split(':', 1)[1]}"), error


def test_a_diagnosis_needs_a_matcher(tmp_path: Path) -> None:
    """An entry without an exception or message regex would match everything: an error."""
    text = MINIMAL + DIAGNOSIS.replace(
        "      message: \"No module named '(?P<m>quokka_\\\\w+)'\"\n",
        "      category: [dependency]\n",
    ).replace("{m} comes", "it comes")
    assert one_error(tmp_path, text).endswith(
        'diagnoses[0].match: needs an "exception", a "message" or a "status" regex'
    )


def test_every_mistake_of_a_diagnosis_is_reported_at_once(tmp_path: Path) -> None:
    """A bad slot is reported along with a bad runbook, each with its line."""
    text = MINIMAL + DIAGNOSIS.replace("{m} comes", "{module} comes").replace(
        "https://runbooks", "ftp://runbooks"
    )
    errors = errors_of(tmp_path, text)
    lines = MINIMAL.count("\n")
    assert [e.split(": ", 2)[1] for e in errors] == ["diagnoses[0].cause", "diagnoses[0].runbook"]
    assert errors[0].startswith(f"{tmp_path}/config.yaml:{lines + 6}:")
