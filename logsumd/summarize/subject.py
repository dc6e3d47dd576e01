"""What failed, in the event's own identifiers: the user's frame, task or model (pure).

The headline names "the user's own code": the innermost frame of the trace
that is not a library (pandas, pyarrow, py4j, Airflow or dbt internals, the
standard library, the JVM) and not module-level code when a named function is
on the stack.  Without a usable frame it names the Airflow task (its log file's
path names it: Airflow writes one file per task try; else the event's lines or
the lines before them) or the dbt model, else the logger of the error record.
A record that names an exception (``... failed: KafkaTimeoutError: x``) gives
the root exception.  :func:`error_text` is the event without its stack frames: what the
diagnosis catalogue's message patterns search and what the headline quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logsumd.parse import ERROR_LEVELS, FRAME_RE, Trace, is_exception_name, parse
from logsumd.records import Classification, Event, Frame

_LIBRARY_PATH = re.compile(
    r"/lib(?:64)?/python\d(?:\.\d+)?/|[/\\]Lib[/\\]|site-packages|dist-packages|\.egg[/\\]"
    r"|\.zip[/\\]|\.pyx$|\.pxi$|\.pxd$|^<"
)
_LIBRARY_DIRS = frozenset((
    "pandas", "pyarrow", "numpy", "py4j", "pyspark", "botocore", "boto3", "s3transfer",
    "urllib3", "requests", "sqlalchemy", "psycopg2", "pymysql", "mysql", "snowflake",
    "google", "dbt_common", "jinja2", "selenium", "kafka", "clickhouse_driver", "minio",
    "pika", "croniter", "great_expectations", "soda", "pendulum", "asyncio", "concurrent",
    "cassandra", "pymongo", "redis", "elasticsearch", "trino", "pyhive", "confluent_kafka",
    "pydantic", "httpx", "aiohttp", "duckdb", "polars", "dask", "psycopg", "pymssql", "oracledb",
    "multiprocessing", "importlib", "encodings", "json", "logging", "http", "email",
))  # fmt: skip
_FRAMEWORK_PACKAGES = {
    # a directory named airflow or dbt is a library only when one of its packages follows
    # (a user's DAGs live in /opt/airflow/dags)
    "airflow": frozenset((
        "models", "operators", "providers", "utils", "task", "executors", "sdk", "hooks",
        "jobs", "cli", "decorators", "sensors", "api", "serialization", "triggers", "secrets",
        "timetables", "template", "ti_deps", "dag_processing", "execution_time",
        "configuration.py", "settings.py", "__main__.py",
    )),
    "dbt": frozenset((
        "adapters", "cli", "task", "parser", "clients", "contracts", "events", "graph",
        "context", "compilation", "config", "deps", "include", "materializations", "runners",
        "main.py",
    )),
}  # fmt: skip
_JAVA_LIBRARY = re.compile(
    r"^(?:java|javax|jdk|sun|com\.sun|scala|org\.apache|io\.netty|io\.delta|py4j|com\.google"
    r"|com\.fasterxml|org\.slf4j|com\.amazonaws|software\.amazon|org\.postgresql|com\.mysql"
    r"|net\.snowflake|akka|kotlin|org\.eclipse|org\.glassfish|com\.databricks|org\.spring"
    r"|io\.grpc|okhttp3|com\.esotericsoftware|org\.jboss|com\.typesafe|org\.json|com\.zaxxer"
    r"|com\.datastax|org\.mongodb|redis\.clients|org\.elasticsearch|com\.microsoft|org\.xerial"
    r"|org\.hibernate|org\.openqa|io\.confluent|io\.debezium|org\.antlr|com\.twitter|kafka"
    r"|io\.airbyte|io\.trino|com\.facebook\.presto|org\.flywaydb|org\.neo4j)\."
)
_ANONYMOUS = re.compile(r"^<[^>]*>$|\$anonfun|^lambda\$|^apply$|^run$|^call$")
_TASK_PATHS = (
    re.compile(
        r"[/\\]task_id=([\w.-]+)[/\\]"
    ),  # Airflow 2: dag_id=d/run_id=r/task_id=t/attempt=1.log
    re.compile(
        r"[/\\][\w.-]+[/\\]([\w.-]+)[/\\]\d{4}-\d\d-\d\dT[^/\\]+[/\\]\d+\.log$"
    ),  # Airflow 1
)
_TASK_RES = (
    re.compile(r"\btask_id=([\w.-]+)"),
    re.compile(r"<Task(?:Instance)?\(\w+\): ([\w.-]+)>"),
    re.compile(r"<TaskInstance: [\w.-]+\.([\w-]+) "),
)
_DBT_NODE = re.compile(
    r"(?:Database|Runtime|Compilation) Error in (?:model|test|snapshot|seed) (?P<name>[\w.-]+) \("
    r"|Failure in test (?P<test>[\w.-]+) \("
)
_SCHEDULER_PATH = re.compile(r"(?i)[/\\](?:scheduler|dag_processor\w*)[/\\]")
_DONE = re.compile(r"(?i)\bsuccess|\bsucceeded\b|Marking task as")
"""A line about a task that ended (``Marking task as SUCCESS. ... task_id=x``): it
names no task that is running."""
_LOGGER = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*")
_LIBRARY_LOGGERS = frozenset((
    "airflow", "werkzeug", "gunicorn", "uvicorn", "celery", "dbt", "tornado", "distributed",
    "dagster", "prefect",
))  # fmt: skip
"""Frameworks whose loggers name no failing step, besides the ``_LIBRARY_DIRS`` packages."""
_FRAMEWORK_CLASSES = frozenset(
    ("Executor", "Worker", "Master", "Driver", "Client", "Utils", "Hive")
)
"""One-word classes of Spark and Hive that log4j names by their short name."""
_CLASS_NAME = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+(?:\$\w+)?")
"""A Java/Scala class's short name, as log4j prints it (``SparkContext``, ``DAGScheduler``
is upper-case first too): in a JVM log a framework's class, not the user's job."""
_THREAD_NAME = re.compile(r"(?:Main)?Thread\b|Thread-\d|ThreadPoolExecutor|(?:pool|Dummy)-\d")
_NOT_LOGGERS = frozenset(("root", "__main__", "main", "py", "java", "scala", "log", "logger"))
_CODE_AFTER_FRAME = re.compile(r"^\s{4,}\S")
_CARETS = re.compile(r"^\s*[\^~]+[\s^~]*$")
_JAVA_MORE = re.compile(r"^\s*\.\.\. \d+ (?:more|common frames omitted)\s*$")


@dataclass(frozen=True, slots=True)
class Subject:
    """The identifiers of what failed; empty strings where the event has none."""

    function: str
    """A named function of the user's code (never ``<module>`` or a lambda)."""
    file: str
    """File name (no directory) of the user's frame."""
    line: str
    task: str
    """Airflow task id."""
    model: str
    """dbt model or test."""
    exception: str
    """The root exception type as printed ("" for an ERROR record without one)."""
    logger: str = ""
    """The short name of the logger whose record reports the failure (``api_client`` of
    ``app.ingestion.api_client``), when the event names no frame, task or model."""

    @property
    def where(self) -> str:
        """``file:line`` of the user's frame, or ``""``."""
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file


def is_library_frame(frame: Frame) -> bool:
    """A frame of a library, the standard library, a framework or the JVM."""
    file = frame.file.replace("\\", "/")
    if frame.module and not file.endswith(".py") and _JAVA_LIBRARY.match(frame.module):
        return True
    if _LIBRARY_PATH.search(frame.file):
        return True
    parts = [p for p in file.split("/") if p]
    for k, part in enumerate(parts[:-1]):
        if part in _LIBRARY_DIRS or parts[k + 1] in _FRAMEWORK_PACKAGES.get(part, ()):
            return True
    return False


def user_frames(trace: Trace) -> list[Frame]:
    """The user's frames, innermost first, from the root cause outwards."""
    seen: set[Frame] = set()
    out: list[Frame] = []
    order = [*trace.causal, *(k for k in range(len(trace.exceptions)) if k not in trace.causal)]
    for k in order:
        for frame in trace.exceptions[k].frames:
            if frame not in seen and not is_library_frame(frame):
                seen.add(frame)
                out.append(frame)
    return out


def _base(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _pick(frames: list[Frame]) -> tuple[str, Frame | None]:
    """(named function, its frame) or ("", the innermost frame) when none is named."""
    for frame in frames:
        function = frame.function.rsplit(".", 1)[-1] if frame.module else frame.function
        if function and not _ANONYMOUS.search(function):
            return function, frame
    return "", frames[0] if frames else None


def task_of(text: str) -> str:
    """The Airflow task id named in ``text``, or ``""``."""
    for rx in _TASK_RES:
        m = rx.search(text)
        if m:
            return m.group(1)
    return ""


def task_of_event(event: Event) -> str:
    """The Airflow task of ``event``: its file's path names it (Airflow writes one log
    file per task try), else the event's lines or the lines before them."""
    for rx in _TASK_PATHS:
        m = rx.search(event.path)
        if m:
            return m.group(1)
    if task := task_of(event.text):
        return task
    if _SCHEDULER_PATH.search(event.path):
        return ""  # the scheduler's log names every task it handles
    for line in reversed(event.context):  # the task started last is the one running
        if not _DONE.search(line) and (task := task_of(line)):
            return task
    return ""


def logger_of(trace: Trace) -> str:
    """The short name of the logger of the event's first error record (``""`` for the
    root logger, ``__main__``, a level word or a source-file position)."""
    records = trace.records
    rec = next((r for r in records if r.level in ERROR_LEVELS), records[0] if records else None)
    source = rec.source or "" if rec is not None and rec.prefixed else ""
    if not _LOGGER.fullmatch(source):
        return ""
    name = source.rsplit(".", 1)[-1]
    if name.lower() in _NOT_LOGGERS or name.upper() in ERROR_LEVELS or _library_logger(source):
        return ""
    return name


def _library_logger(source: str) -> bool:
    """A library's or framework's logger (``sqlalchemy.engine.Engine``, ``kafka.conn``,
    log4j's short class names ``SparkContext``, ``Executor``), or a thread name."""
    top = source.split(".", 1)[0].lower()
    if top in _LIBRARY_DIRS or top in _LIBRARY_LOGGERS or _JAVA_LIBRARY.match(f"{source}."):
        return True
    if source in _FRAMEWORK_CLASSES or source.rsplit(".", 1)[-1] in _FRAMEWORK_CLASSES:
        return True
    return bool(_CLASS_NAME.fullmatch(source) or _THREAD_NAME.match(source))


def model_of(text: str) -> str:
    """The dbt model or test named in ``text``, or ``""``."""
    m = _DBT_NODE.search(text)
    return (m.group("name") or m.group("test")) if m else ""


def subject_of(event: Event, cls: Classification, trace: Trace | None = None) -> Subject:
    """The user's frame, task, model and root exception of ``event``."""
    trace = trace if trace is not None else parse(event.text)
    function, frame = _pick(user_frames(trace))
    if frame is None and cls.app_frame is not None and not is_library_frame(cls.app_frame):
        function, frame = _pick([cls.app_frame])
    file = _base(frame.file) if frame is not None else ""
    line = str(frame.line) if frame is not None and frame.line is not None else ""
    root = trace.root
    if root is None:
        exception = ""
    elif root.lang == "log":  # a record that names an exception (``...: KafkaTimeoutError: x``)
        exception = root.type if is_exception_name(root.type) else ""
    else:
        exception = cls.exception_type
    task, model = task_of_event(event), model_of(event.text)
    logger = "" if function or file or task or model else logger_of(trace)
    return Subject(function, file, line, task, model, exception, logger)


def error_text(trace: Trace) -> str:
    """The event's lines without log prefixes, stack frames and the code lines under them."""
    out: list[str] = []
    after_frame = False
    for record in trace.records:
        text = record.message
        frame = FRAME_RE.match(text)
        if frame is not None and frame["file"] is not None:
            after_frame = True
            continue
        if after_frame and _CODE_AFTER_FRAME.match(text):
            after_frame = False
            continue
        after_frame = False
        if frame is not None or _JAVA_MORE.match(text) or _CARETS.match(text):
            continue
        if text.strip():
            out.append(text.rstrip())
    return "\n".join(out)
