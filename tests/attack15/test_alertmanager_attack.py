# ruff: noqa: E501, PLW1510, PT018
"""Issue 15 attack: Alertmanager URLs that pass the config check but break at run time."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from logsumd.config import AlertmanagerNotifierSettings
from logsumd.notify._alertmanager import AlertmanagerNotifier
from logsumd.records import Notification  # noqa: F401  (shape reference)
from tests.attack15._servers import serve


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://[::1", "http://"])
def test_malformed_alertmanager_url_is_a_config_error(tmp_path: Path, url: str) -> None:
    """An Alertmanager URL with no host, a bad port or a broken IPv6 literal is a one-line config error (exit 2)."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        f"state_dir: {tmp_path}/state\nsources: [{{include: ['{tmp_path}/*.log']}}]\n"
        f"notifiers: [{{type: alertmanager, url: ['{url}']}}]\nsummarizer: {{backend: rules}}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "logsumd", "check", "-c", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2 and "url" in out and "raised ValueError" not in out, out


def test_send_to_pair_with_bad_port_peer_is_accepted() -> None:
    """send() succeeds when one peer accepts, even if the other URL cannot be parsed."""
    with serve("ok") as good:
        n = AlertmanagerNotifier(AlertmanagerNotifierSettings(url=(good, "http://127.0.0.1:99999")))
        health = asyncio.run(n.health_check())
        assert "ValueError" not in health.detail
