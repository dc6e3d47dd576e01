# ruff: noqa: E501, PLW1510
"""A webhook URL that can never be called (port out of range) is a config error, not an endless retry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_check_rejects_webhook_with_invalid_port(tmp_path: Path) -> None:
    """``logsumd check`` exits 2 with one line naming webhook_url and file:line for port 99999."""
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.log").write_text("")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        f"sources:\n  - include: ['{tmp_path}/logs/*.log']\n"
        "notifiers:\n  - type: slack\n    webhook_url: 'https://hooks.slack.com:99999/services/T0/B0/XXXX'\n"
        f"state_dir: '{tmp_path}/state'\nsummarizer: {{backend: rules}}\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "logsumd", "check", "-c", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2, out.stdout + out.stderr
    assert "c.yaml:5" in out.stderr + out.stdout
    assert "webhook_url" in out.stderr + out.stdout
