"""Config keys for many hosts: ``summarizer.openai``, ``type: alertmanager``, ``metrics``.

Mistakes are reported like every other key: file, line, key path, one line each.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from logsumd.config import (
    AlertmanagerNotifierSettings,
    MetricsSettings,
    OpenAISettings,
)
from tests.test_config import MINIMAL, errors_of, load, one_error

BASE = MINIMAL  # sources (line 1-2), notifiers (3-5)


def test_fleet_keys_are_read(tmp_path: Path) -> None:
    """OpenAI server, Alertmanager HA pair with labels, and the metrics address are read."""
    settings = load(
        tmp_path,
        """\
        sources:
          - include: logs/*.log
        summarizer:
          backend: openai
          openai:
            base_url: http://gpu-box:8000/v1
            model: logsumd-etl
            api_key_env: MODEL_KEY
            max_concurrency: 4
        notifiers:
          - type: alertmanager
            url: [http://am-1:9093, http://am-2:9093]
            labels: {team: data, env: prod}
            resolve_after_secs: 1200
        metrics:
          listen: "9464"
        """,
        env={"MODEL_KEY": "sk-1"},
    )
    assert settings.summarizer.backend == "openai"
    assert settings.summarizer.openai == OpenAISettings(
        base_url="http://gpu-box:8000/v1",
        model="logsumd-etl",
        api_key_env="MODEL_KEY",
        max_concurrency=4,
    )
    [am] = settings.notifiers
    assert am == AlertmanagerNotifierSettings(
        url=("http://am-1:9093", "http://am-2:9093"),
        labels={"team": "data", "env": "prod"},
        resolve_after_secs=1200.0,
    )
    assert settings.metrics == MetricsSettings("9464")
    assert settings.metrics.address() == ("127.0.0.1", 9464)


def test_defaults_are_off(tmp_path: Path) -> None:
    """Without the keys: the catalogue without a model, no metrics endpoint."""
    settings = load(tmp_path, BASE)
    assert settings.summarizer.backend == "catalogue"
    assert settings.metrics.listen == ""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "summarizer:\n  backend: openai\n",
            'config.yaml:7: summarizer.openai: backend openai needs "base_url" and "model"',
        ),
        (
            "summarizer:\n  backend: openai\n  openai: {base_url: 'http://m/v1'}\n",
            'config.yaml:8: summarizer.openai: backend openai needs "model"',
        ),
        (
            "summarizer:\n  backend: openai\n  rank: true\n"
            "  openai: {base_url: 'http://m/v1', model: m}\n",
            "config.yaml:8: summarizer.rank: backend openai cannot rank (a model server scores "
            "nothing); use backend llama",
        ),
        (
            "summarizer:\n  openai: {base_url: gpu-box:8000}\n",
            "config.yaml:7: summarizer.openai.base_url: must be an http:// or https:// URL, "
            'got "gpu-box:8000"',
        ),
        (
            "summarizer:\n  openai: {api: responses}\n",
            "config.yaml:7: summarizer.openai.api: must be one of completions, chat",
        ),
        (
            "summarizer:\n  openai:\n    max_concurency: 2\n",
            "config.yaml:8: summarizer.openai.max_concurency: unknown key; did you mean "
            '"max_concurrency"?',
        ),
        (
            "summarizer:\n  openai: {max_concurrency: 0}\n",
            "config.yaml:7: summarizer.openai.max_concurrency: must be > 0, got 0",
        ),
        (
            "metrics:\n  listen: 'localhost:http'\n",
            "config.yaml:7: metrics.listen: expected host:port or a port number (0 to 65535)",
        ),
    ],
)
def test_fleet_key_mistakes(tmp_path: Path, body: str, expected: str) -> None:
    """Each mistake names the file, the line and the key."""
    assert one_error(tmp_path, BASE + body) == f"{tmp_path}/{expected}"


def test_unset_api_key_variable_is_a_config_error(tmp_path: Path) -> None:
    """``openai.api_key_env`` naming an unset variable: one line with the key and its line."""
    body = (
        "summarizer:\n  backend: openai\n  openai:\n    base_url: http://m/v1\n"
        "    model: m\n    api_key_env: MODEL_KEY\n"
    )
    assert one_error(tmp_path, BASE + body) == (
        f"{tmp_path}/config.yaml:11: summarizer.openai.api_key_env: "
        "environment variable MODEL_KEY (the API key) is not set"
    )
    assert load(tmp_path, BASE + body, env={"MODEL_KEY": "k"}).summarizer.openai.api_key_env


@pytest.mark.parametrize(
    ("notifier", "expected"),
    [
        ("  - type: alertmanager\n", 'notifiers[1]: missing required key "url"'),
        ("  - type: alertmanager\n    url: []\n", "notifiers[1].url: must list at least one"),
        (
            "  - type: alertmanager\n    url: am:9093\n",
            "notifiers[1].url: must be an http:// or https:// URL",
        ),
        (
            "  - type: alertmanager\n    url: http://am\n    labels: [a]\n",
            "notifiers[1].labels: expected a mapping, got a list",
        ),
        (
            "  - type: alertmanager\n    url: http://am\n    labels: {team-name: x}\n",
            "notifiers[1].labels.team-name: not a Prometheus label name",
        ),
        (
            "  - type: alertmanager\n    url: http://am\n    labels: {host: x}\n",
            "notifiers[1].labels.host: logsumd sets this label itself",
        ),
        (
            "  - type: alertmanager\n    url: http://am\n    labels: {team: 3}\n",
            "notifiers[1].labels.team: expected a string, got an integer",
        ),
    ],
)
def test_alertmanager_mistakes(tmp_path: Path, notifier: str, expected: str) -> None:
    """Alertmanager notifier mistakes: URL list, label names and values."""
    [error] = errors_of(tmp_path, BASE + notifier)
    assert expected in error
    assert error.startswith(f"{tmp_path}/config.yaml:")


def test_metrics_without_the_extra_is_a_config_error(tmp_path: Path) -> None:
    """Without prometheus-client installed, ``metrics.listen`` is an error naming key and extra."""
    path = tmp_path / "config.yaml"
    path.write_text(BASE + "metrics:\n  listen: '127.0.0.1:9464'\n")
    hide = "import sys; sys.modules['prometheus_client'] = None; "
    run = "from logsumd.cli import main; sys.exit(main(['check', '-c', sys.argv[1]]))"
    result = subprocess.run(
        [sys.executable, "-c", hide + run, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{path}:7: metrics.listen: needs the prometheus-client package: "
        "pip install 'logsumd[metrics]'"
    )
