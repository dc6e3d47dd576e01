"""Stack frames: read from a frame line, and the one rule for "is this application code".

A frame of the application (the user's DAG, job or model) is what an on-call
engineer opens first; frames of site-packages, the standard library, Python
frameworks (Airflow, dbt, PySpark...) and JVM libraries (Spark, Hadoop, the JDK...)
are not; nor are the Cython sources of compiled libraries, while code kept in
``AIRFLOW_HOME`` (``/opt/airflow/utils``, ``/home/USER/airflow/plugins``) is the
user's.  :func:`is_app_frame` decides it for the trace parser, which marks each
exception's application frames once.  Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import re

from logsumd.records import Frame

__all__ = ["frame_of", "is_app_frame", "module_of"]

_PY_FRAMEWORK_SEGMENTS = frozenset(
    {"pyspark", "py4j", "celery", "concurrent", "asyncio", "multiprocessing", "importlib"}
)
_PY_FRAMEWORK_FILES = frozenset({"threading.py", "runpy.py", "subprocess.py"})
_COMPILED_SUFFIXES = (".pyx", ".pxi", ".pxd")
"""Cython sources of compiled libraries (pandas, pyarrow), printed with package-relative paths."""
_AIRFLOW_HOMES = (("opt",), ("usr", "local"), ("root",))
"""Where ``AIRFLOW_HOME`` conventionally is (also ``/home/USER/airflow``): user code lives there."""
_AIRFLOW_PKGS = frozenset(
    [
        "models",
        "operators",
        "providers",
        "utils",
        "task",
        "executors",
        "sdk",
        "hooks",
        "jobs",
        "cli",
        "decorators",
        "sensors",
        "api",
        "serialization",
        "callbacks",
        "listeners",
        "timetables",
        "io",
        "datasets",
        "assets",
        "www",
        "triggers",
        "secrets",
        "lineage",
        "ti_deps",
        "dag_processing",
        "execution_time",
        "bases",
        "exceptions.py",
        "__main__.py",
        "configuration.py",
        "settings.py",
    ]
)
_DBT_PKGS = frozenset(
    [
        "adapters",
        "cli",
        "task",
        "parser",
        "clients",
        "contracts",
        "events",
        "graph",
        "context",
        "compilation",
        "config",
        "artifacts",
        "deps",
        "include",
        "materializations",
        "runners",
        "main.py",
        "tracking.py",
        "exceptions.py",
    ]
)
_STDLIB_RE = re.compile(
    r"/lib/python\d(?:\.\d+)?/|/Lib/|site-packages/|dist-packages/|\.zip/|\.egg/"
)
_JAVA_FRAMEWORK = (
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "scala.", "org.apache.spark.",
    "org.apache.hadoop.", "org.apache.parquet.", "org.apache.kafka.", "org.apache.commons.",
    "org.apache.iceberg.", "org.apache.hive.", "org.apache.log4j.", "org.apache.logging.",
    "org.apache.http.", "io.delta.", "io.netty.", "py4j.", "com.google.", "com.fasterxml.",
    "org.slf4j.", "com.amazonaws.", "software.amazon.", "org.postgresql.", "com.mysql.",
    "net.snowflake.", "akka.", "kotlin.", "groovy.", "org.codehaus.", "org.eclipse.jetty.",
    "org.glassfish.", "com.databricks.", "org.springframework.", "io.grpc.", "okhttp3.",
)  # fmt: skip


def module_of(path: str) -> str:
    """``extract`` for ``/opt/etl/extract.py`` (also for Windows paths)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-3] if name.endswith(".py") else name.rsplit(".", 1)[0] or name


def frame_of(m: re.Match[str]) -> Frame | None:
    """The frame of a :data:`~logsumd.parse._lexicon.FRAME_RE` match (None for ``... N more``)."""
    file = m["file"]
    if file is not None:
        return Frame(file, int(m["line"]), (m["func"] or "").strip(), module_of(file))
    cls = m["cls"]
    if cls is None:
        return None
    src = m["src"]
    path, _, num = src.partition(":")
    return Frame(path or src, int(num) if num.isdigit() else None, m["meth"], cls)


def is_app_frame(frame: Frame) -> bool:
    """Not site-packages, the standard library, a framework or a JVM library."""
    return _is_app(frame.file, frame.module)


@functools.lru_cache(maxsize=4096)
def _is_app(path: str, module: str | None) -> bool:
    """:func:`is_app_frame` of a frame's file and module (all it reads), remembered:
    the same files and classes recur in every trace of a job."""
    file = path.replace("\\", "/")
    if module is not None and not file.endswith(".py") and "." in module:
        return not module.startswith(_JAVA_FRAMEWORK)
    if file.startswith("<") or _STDLIB_RE.search(file):
        return False
    parts = [p for p in file.split("/") if p]
    if parts and (parts[-1] in _PY_FRAMEWORK_FILES or parts[-1].endswith(_COMPILED_SUFFIXES)):
        return False
    for k, part in enumerate(parts[:-1]):
        if part in _PY_FRAMEWORK_SEGMENTS:
            return False
        nxt = parts[k + 1]
        if part == "airflow" and nxt in _AIRFLOW_PKGS and not _is_airflow_home(parts[:k]):
            return False
        if part == "dbt" and nxt in _DBT_PKGS:
            return False
    return True


def _is_airflow_home(above: list[str]) -> bool:
    """Whether an ``airflow`` folder under these folders is ``AIRFLOW_HOME``, not the package."""
    return tuple(above) in _AIRFLOW_HOMES or (len(above) == 2 and above[0] == "home")
