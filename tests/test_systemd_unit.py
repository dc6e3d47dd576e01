"""The shipped systemd unit: `systemd-analyze verify` clean, key settings present."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent.parent / "systemd" / "logsumd.service"
EXEC_START = "/opt/logsumd/venv/bin/logsumd"

# Lines that only describe the machine running the test, never the unit:
# the config and secrets of a real install, and systemd not being PID 1.
HARMLESS = (
    re.compile(r"/etc/logsumd/(config\.yaml|env)\b"),
    re.compile(r"System has not been booted with systemd"),
    re.compile(r"Failed to connect to (system scope )?bus"),
)


def _systemd_analyze() -> str | None:
    """Path of systemd-analyze, installing Debian's systemd package if root can."""
    found = shutil.which("systemd-analyze")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=300, check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "systemd"],
            env=env,
            capture_output=True,
            timeout=600,
            check=True,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    return shutil.which("systemd-analyze")


def _directives(text: str) -> dict[str, list[str]]:
    """Every `Key=value` of the unit, keys as written, values in order."""
    out: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        out.setdefault(key.strip(), []).append(value.strip())
    return out


@pytest.mark.timeout(900)
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    """`systemd-analyze verify` reports nothing but known environment noise."""
    analyze = _systemd_analyze()
    if analyze is None:
        pytest.skip("systemd-analyze is not available and could not be installed")
    text = UNIT.read_text()
    assert text.count(f"ExecStart={EXEC_START} ") == 1
    # verify insists that ExecStart's binary exists: point it at a real one.
    unit = tmp_path / UNIT.name
    unit.write_text(text.replace(f"ExecStart={EXEC_START} ", f"ExecStart={sys.executable} "))
    result = subprocess.run(
        [analyze, "verify", str(unit)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = (result.stdout + result.stderr).splitlines()
    problems = [ln for ln in lines if ln.strip() and not any(p.search(ln) for p in HARMLESS)]
    assert problems == []
    if not lines:
        assert result.returncode == 0


def test_unit_settings() -> None:
    """The settings the daemon relies on are in the unit, with their values."""
    d = _directives(UNIT.read_text())
    expected = {
        "Type": "notify",
        "NotifyAccess": "main",
        "ExecStart": f"{EXEC_START} run -c /etc/logsumd/config.yaml",
        "ExecReload": "/bin/kill -HUP $MAINPID",
        "WatchdogSec": "30",
        "Restart": "on-failure",
        "RestartSec": "5",
        "KillSignal": "SIGTERM",
        "TimeoutStopSec": "30",
        "DynamicUser": "yes",
        "SupplementaryGroups": "adm",
        "StateDirectory": "logsumd",
        "CacheDirectory": "logsumd",
        "ReadOnlyPaths": "/var/log/etl",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "MemoryMax": "1G",
        "CPUQuota": "50%",
        "Nice": "10",
        "EnvironmentFile": "-/etc/logsumd/env",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
    }
    for key, value in expected.items():
        assert d.get(key) == [value], key
    assert "OMP_WAIT_POLICY=passive" in d["Environment"]
    assert "MemoryDenyWriteExecute" not in d
