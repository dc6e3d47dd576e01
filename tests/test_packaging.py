"""Packaging: a plain ``pip install .`` brings everything the daemon imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL_PACKAGES = {"train"}
"""Subpackages of ``logsumd`` that only an extra needs (``train``: the ``train`` extra)."""
OPTIONAL_IMPORTS = {
    "matplotlib": ("eval/_plot.py", "test"),
    "prometheus_client": ("daemon/_metrics.py", "metrics"),
    "uvicorn": ("summarize/serve.py", "server"),
}
"""Third-party modules that one optional feature imports when asked for (``logsumd eval
--plot``, ``metrics.listen``, the model-server launcher; without them it is a one-line
error): the one file that may import each, and the extra that brings it."""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match is not None, requirement
    return _norm(match.group(1))


def _imported_modules() -> dict[str, list[str]]:
    """Top-level third-party modules imported by the runtime code, with the files."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "logsumd").rglob("*.py")):
        rel = path.relative_to(ROOT / "logsumd")
        if rel.parts[0] in OPTIONAL_PACKAGES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "logsumd" and top not in sys.stdlib_module_names:
                    found.setdefault(top, []).append(str(rel))
    return found


def test_every_runtime_import_is_a_runtime_dependency() -> None:
    """Each third-party module the daemon imports is in ``[project].dependencies``; an
    optional feature's module is imported by its one file and brought by an extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_requirement_name(r) for r in project["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    imported = _imported_modules()
    assert "aiohttp" in imported  # slack-sdk's async client needs it
    extras = project["optional-dependencies"]
    for module, (allowed, extra) in OPTIONAL_IMPORTS.items():
        assert set(imported.pop(module, [allowed])) == {allowed}, module
        assert _norm(module) in {_requirement_name(r) for r in extras[extra]}, module
    missing = {
        module: files
        for module, files in imported.items()
        if not {_norm(d) for d in distributions.get(module, [module])} & runtime
    }
    assert not missing, f"imported but only in an extra (or nowhere): {missing}"


def test_plain_install_e2e_script_delivers_one_slack_message() -> None:
    """``.ci/plain_e2e.py`` (CI runs it in a venv without extras) passes ``check`` and delivers."""
    import subprocess

    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "plain_e2e.py"), "--allow-extras"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "one Slack message delivered" in result.stdout
