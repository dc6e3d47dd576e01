"""``logsumd check`` tells the truth, and ``check`` and ``run`` reject the same configs.

Every probe is printed as ``OK`` or ``FAIL`` and the exit status is 0 only when
all pass.  A config that cannot work (a directory as a file path, an unusable
``state_dir``, YAML nested 20,000 levels, a webhook URL that is not Slack's, a
FIFO as the config file) is one line naming the file, line and key, from both
commands, without a traceback and without hanging.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import pytest

from logsumd.notify import Notifier
from logsumd.notify._file import FileNotifier
from logsumd.notify.slack import SlackNotifier
from tests.slack_server import SlackServer
from tests.test_cli import VALID, _config, logsumd

SLACK_BOT = """\
sources:
  - include: [logs/*.log]
state_dir: state
summarizer:
  backend: rules
notifiers:
  - type: file
    path: out/events.jsonl
  - type: slack
    bot_token: {token}
    channel: "#etl"
    base_url: {url}
    max_retries: 1
    timeout_secs: 3
"""


def test_every_notifier_implements_the_protocols_health_check() -> None:
    """The file and Slack notifiers' ``health_check`` have the Protocol's signature."""
    from logsumd.notify import Probe

    expected = inspect.signature(Notifier.health_check)
    for cls in (FileNotifier, SlackNotifier):
        got = inspect.signature(cls.health_check)
        assert got == expected, cls
        assert inspect.iscoroutinefunction(cls.health_check), cls
    assert expected.return_annotation in (Probe, "Probe")


def test_check_passes_with_a_valid_slack_bot_token(tmp_path: Path) -> None:
    """A token Slack accepts is an OK line; every check passes, exit 0."""
    with SlackServer() as server:
        body = SLACK_BOT.format(token=server.token, url=server.url)
        result = logsumd("check", "-c", str(_config(tmp_path, body)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK   notifiers[1] slack: slack bot logsumd in team" in result.stdout
    assert "all checks passed" in result.stdout


def test_check_passes_with_a_slack_webhook(tmp_path: Path) -> None:
    """A webhook URL of the right shape is an OK line (nothing is posted), exit 0."""
    with SlackServer() as server:
        body = VALID + f"  - type: slack\n    webhook_url: {server.webhook_url}\n"
        result = logsumd("check", "-c", str(_config(tmp_path, body)))
        assert server.requests == []
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK   notifiers[1] slack: slack webhook URL looks valid" in result.stdout


@pytest.mark.parametrize("case", ["bad token", "unreachable"])
def test_slack_failure_is_a_fail_line_and_the_other_checks_still_run(
    tmp_path: Path, case: str
) -> None:
    """A bad token or a dead server is a FAIL line, not a traceback; exit 1."""
    with SlackServer() as server:
        token, url = server.token, server.url
        if case == "bad token":
            token = "xoxb-not-the-right-one"
            result = logsumd("check", "-c", str(_config(tmp_path, SLACK_BOT.format(**locals()))))
    if case == "unreachable":  # the server has stopped: nothing listens on its port
        result = logsumd("check", "-c", str(_config(tmp_path, SLACK_BOT.format(**locals()))))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [line] = [ln for ln in result.stdout.splitlines() if "notifiers[1]" in ln]
    assert line.startswith("FAIL notifiers[1] slack: slack auth.test failed: ")
    if case == "bad token":
        assert "invalid_auth" in line
    assert "xoxb-not-the-right-one" not in result.stdout + result.stderr
    assert "OK   notifiers[0] file" in result.stdout
    assert "OK   state_dir: " in result.stdout
    assert "1 check(s) failed" in result.stdout


def _unusable_configs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (config text, the message expected after ``config.yaml:``)."""
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "outdir").mkdir()
    deep = "sources: " + "[" * 20_000 + "]" * 20_000 + "\n"
    return {
        "notifier path is a directory": (
            VALID.replace("path: out/events.jsonl", "path: outdir"),
            f"8: notifiers[0].path: is a directory, not a file: {tmp_path}/outdir",
        ),
        "state_dir is a file": (
            VALID.replace("state_dir: state", "state_dir: a_file"),
            f"3: state_dir: is not a directory: {tmp_path}/a_file",
        ),
        "state_dir under a file": (
            VALID.replace("state_dir: state", "state_dir: a_file/state"),
            f"3: state_dir: cannot be created, {tmp_path}/a_file is not a directory: "
            f"{tmp_path}/a_file/state",
        ),
        "state_dir under /proc": (
            VALID.replace("state_dir: state", "state_dir: /proc/logsumd"),
            "3: state_dir: is under /proc, where nothing can be stored: /proc/logsumd",
        ),
        "state_dir under /sys": (
            VALID.replace("state_dir: state", "state_dir: /sys/logsumd"),
            "3: state_dir: is under /sys, where nothing can be stored: /sys/logsumd",
        ),
        "YAML nested 20,000 levels": (deep, "1: YAML nested more than 100 levels deep"),
        "webhook_url not Slack": (
            VALID + "  - type: slack\n    webhook_url: https://example.com/hook\n",
            "10: notifiers[1].webhook_url: is not a Slack webhook URL (it has no token path)",
        ),
    }


UNUSABLE = [
    "notifier path is a directory",
    "state_dir is a file",
    "state_dir under a file",
    "state_dir under /proc",
    "state_dir under /sys",
    "YAML nested 20,000 levels",
    "webhook_url not Slack",
]


@pytest.mark.parametrize("command", ["check", "run"])
@pytest.mark.parametrize("name", UNUSABLE)
def test_unusable_config_is_one_line_from_check_and_run(
    tmp_path: Path, name: str, command: str
) -> None:
    """The same one-line error, naming file, line and key, from ``check`` and ``run``."""
    body, expected = _unusable_configs(tmp_path)[name]
    config = _config(tmp_path, body)
    result = logsumd(command, "-c", str(config))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip() == f"{config}:{expected}"
    assert "Traceback" not in result.stdout


@pytest.mark.parametrize("command", ["check", "run"])
def test_fifo_as_config_is_refused_without_waiting(tmp_path: Path, command: str) -> None:
    """A FIFO (or any special file) as the config is an error at once, never a hang."""
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    result = logsumd(command, "-c", str(fifo))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip() == f"{fifo}: cannot read config: a FIFO, not a regular file"


@pytest.mark.parametrize("command", ["check", "run"])
def test_state_dir_that_cannot_be_created_is_reported(tmp_path: Path, command: str) -> None:
    """A state_dir that passes the config checks but cannot be made: FAIL, or one line from run."""
    name = "s" * 300  # longer than a file name may be, for root too
    config = _config(tmp_path, VALID.replace("state_dir: state", f"state_dir: {name}"))
    result = logsumd(command, "-c", str(config))
    assert "Traceback" not in result.stdout + result.stderr
    if command == "check":
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"FAIL state_dir: cannot write in {tmp_path}/{name}: File name too long" in (
            result.stdout
        )
    else:
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.strip() == (
            f"{config}:3: state_dir: cannot write in {tmp_path}/{name}: File name too long"
        )
