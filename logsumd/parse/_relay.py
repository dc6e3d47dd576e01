"""Airflow's relays of a child process's output: which record sources they are (pure).

Airflow 2 relays a child's lines as records of the module that runs it
(``{subprocess.py:93}``), Airflow 3 as records of that module's logger; the relay's own
status lines (``Command exited with return code 1``) come under the same source.
"""

from __future__ import annotations

import re

__all__ = ["RELAY_LOGGER", "RELAY_SOURCES", "is_relay_source", "is_relay_status", "relay_exit_code"]

RELAY_SOURCES = (
    "subprocess", "spark_submit", "logging_mixin", "bash", "docker", "pod_manager",
    "kubernetes_pod", "ssh", "process_utils", "python_virtualenv", "dbt",
)  # fmt: skip
"""Airflow modules whose records relay a child process's output (``{subprocess.py:93}``)."""
RELAY_LOGGER = (
    rf"airflow\.(?:task\.[\w.]*?\.|providers\.[\w.]*?\.|utils\.)(?:{'|'.join(RELAY_SOURCES)})"
    r"(?:\.[A-Z]\w*)?"
)
"""Airflow 3's logger of a relay module: a hook's (``airflow.task.hooks.airflow.providers.
standard.hooks.subprocess.SubprocessHook``), a provider's utility class (``airflow.
providers.cncf.kubernetes.utils.pod_manager.PodManager``) or a module's own logger."""
_RELAY_SOURCE = re.compile(rf"(?:{'|'.join(RELAY_SOURCES)})\.py:\d+|{RELAY_LOGGER}")
_EXIT = re.compile(r"Command exited with return code (-?\d+)")
_RELAY_STATUS = re.compile(rf"{_EXIT.pattern}|Running command: |Output:\s*$")
"""A relay's own word on the child it runs (Airflow's SubprocessHook): no line of the
child's output, whatever logger it comes under."""


def is_relay_source(source: str | None) -> bool:
    """Whether a record's source is one of :data:`RELAY_SOURCES` (``subprocess.py:93``,
    or Airflow 3's logger of that module's hook, ``airflow.task.hooks.airflow.providers.
    standard.hooks.subprocess.SubprocessHook``): its message is a child process's
    output, and its level the relay's, not the child's."""
    return bool(source) and _RELAY_SOURCE.fullmatch(source or "") is not None


def relay_exit_code(message: str) -> int | None:
    """The exit code of the child the relay reports (``Command exited with return code
    1``), or None when ``message`` is no such report."""
    m = _EXIT.match(message)
    return None if m is None else int(m.group(1))


def is_relay_status(message: str) -> bool:
    """The relay's own status line (``Command exited with return code 1``, ``Output:``)."""
    return _RELAY_STATUS.match(message) is not None
