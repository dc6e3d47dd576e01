"""``logsumd check`` probes the endpoints a config names: Alertmanagers, model server, metrics."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.alertmanager_server import Alertmanager, Recorder, alertmanager_binary
from tests.model_server import free_port
from tests.test_cli import logsumd


def config(tmp_path: Path, **extra: object) -> Path:
    (tmp_path / "logs").mkdir(exist_ok=True)
    body = {
        "sources": [{"include": [str(tmp_path / "logs" / "*.log")]}],
        "state_dir": str(tmp_path / "state"),
        "summarizer": {"backend": "rules"},
        "notifiers": [{"type": "file", "path": str(tmp_path / "out" / "events.jsonl")}],
        **extra,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


@pytest.fixture(scope="session")
def alertmanager() -> Iterator[Alertmanager]:
    binary = alertmanager_binary()
    if binary is None:
        pytest.skip("prometheus-alertmanager is not installed (.ci/run installs it)")
    recorder = Recorder()
    am = Alertmanager(binary, recorder)
    try:
        am.wait_ready()
        yield am
    finally:
        am.stop()
        recorder.close()


def test_check_probes_each_alertmanager_url(alertmanager: Alertmanager, tmp_path: Path) -> None:
    """Each URL of an HA pair is probed: the live one passes, the dead one fails the check."""
    dead = f"http://127.0.0.1:{free_port()}"
    notifiers = [{"type": "alertmanager", "url": [alertmanager.url, dead], "timeout_secs": 3}]
    result = logsumd("check", "-c", str(config(tmp_path, notifiers=notifiers)))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(f"OK   notifiers[0] alertmanager {alertmanager.url}: ")
        and "Alertmanager" in line
        for line in lines
    ), result.stdout
    assert any(
        line.startswith(f"FAIL notifiers[0] alertmanager {dead}: cannot reach") for line in lines
    ), result.stdout


def test_check_binds_the_metrics_address(tmp_path: Path) -> None:
    """``metrics.listen`` passes when free and fails, naming the address, when taken."""
    pytest.importorskip("prometheus_client")
    port = free_port()
    ok = logsumd("check", "-c", str(config(tmp_path, metrics={"listen": f"127.0.0.1:{port}"})))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"OK   metrics.listen 127.0.0.1:{port}: 127.0.0.1:{port} can be bound" in ok.stdout
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        result = logsumd("check", "-c", str(config(tmp_path, metrics={"listen": str(busy)})))
    assert result.returncode == 1
    assert f"FAIL metrics.listen {busy}: cannot listen on 127.0.0.1:{busy}" in result.stdout


def test_check_reports_an_unreachable_model_server(tmp_path: Path) -> None:
    """``backend: openai`` with nothing at base_url fails the check with the URL."""
    url = f"http://127.0.0.1:{free_port()}/v1"
    summarizer = {"backend": "openai", "openai": {"base_url": url, "model": "m"}}
    result = logsumd("check", "-c", str(config(tmp_path, summarizer=summarizer)))
    assert result.returncode == 1
    assert f"FAIL summarizer openai {url}: " in result.stdout
    assert "cannot reach" in result.stdout
