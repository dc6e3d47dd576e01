"""Render a :class:`~logsumd.train.templates.Failure` as the log of one ETL tool.

Formats: Airflow task logs (Python 3.11 tracebacks with ``^^^^`` lines), plain
Python ``logging``, Spark driver logs (log4j 1 and 2, ``Caused by:`` chains),
Airflow wrapping ``spark-submit`` (the Java trace printed by the subprocess
before Airflow's own traceback) and dbt run output (optionally with ANSI
colours).  A format only draws timestamps, line numbers and library frames
from the random generator; every name comes from the failure.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from logsumd.train.templates import Failure

FORMATS_BY_KIND: dict[str, tuple[str, ...]] = {
    "py": ("airflow", "python_logging"),
    "java": ("spark_log4j1", "spark_log4j2", "airflow_spark_submit"),
    "dbt": ("dbt",),
}

_AIRFLOW_FRAMES = (
    (
        "taskinstance.py",
        465,
        "_execute_task",
        "result = _execute_callable(context=context, **execute_callable_kwargs)",
    ),
    (
        "taskinstance.py",
        432,
        "_execute_callable",
        "return execute_callable(context=context, **execute_callable_kwargs)",
    ),
    ("baseoperator.py", 401, "wrapper", "return func(self, *args, **kwargs)"),
    ("python.py", 235, "execute", "return_value = self.execute_callable()"),
    (
        "python.py",
        252,
        "execute_callable",
        "return self.python_callable(*self.op_args, **self.op_kwargs)",
    ),
)
_SPARK_FRAMES = (
    "org.apache.spark.sql.execution.datasources.DataSource.checkAndGlobPathIfNecessary(DataSource.scala:{n})",
    "org.apache.spark.sql.execution.datasources.DataSource.resolveRelation(DataSource.scala:{n})",
    "org.apache.spark.sql.DataFrameReader.load(DataFrameReader.scala:{n})",
    "org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:{n})",
    "org.apache.spark.scheduler.DAGScheduler.$anonfun$abortStage$2(DAGScheduler.scala:{n})",
    "org.apache.spark.sql.execution.SparkPlan.executeQuery(SparkPlan.scala:{n})",
    "org.apache.spark.sql.Dataset.withAction(Dataset.scala:{n})",
    "org.apache.spark.rdd.RDD.iterator(RDD.scala:{n})",
    "org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:{n})",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:{n})",
)
_JAVA_LOGGERS = (
    "ApplicationMaster",
    "SparkContext",
    "TaskSetManager",
    "Executor",
    "FileFormatWriter",
)
_LOG4J2_LOGGERS = ("SparkContext", "deploy.yarn.ApplicationMaster", "sql.execution.QueryExecution")
_ESC = "\x1b"


def _stamp(rng: random.Random) -> tuple[int, int, int, int, int, int]:
    return (
        rng.randint(2022, 2025),
        rng.randint(1, 12),
        rng.randint(1, 28),
        rng.randint(0, 23),
        rng.randint(0, 59),
        rng.randint(0, 59),
    )


def _py_frames(f: Failure, rng: random.Random, app_path: str, carets: bool) -> list[str]:
    lines: list[str] = []
    code = f.code or "run()"
    lines += [f'  File "{app_path}", line {rng.randint(12, 400)}, in {f.func}', f"    {code}"]
    if carets:
        lines.append("    " + "^" * min(len(code), 60))
    for path, line, func, lib_code in f.lib:
        lines += [f'  File "{path}", line {line}, in {func}', f"    {lib_code}"]
    return lines


def _py_exc_lines(exc: str, message: str) -> list[str]:
    text = f"{exc}: {message}" if message else exc
    return text.split("\n")


def _python_trace(f: Failure, rng: random.Random, app_path: str, airflow: bool) -> list[str]:
    """A Python traceback; ``roots`` are raised first (``direct cause`` chain)."""
    out: list[str] = []
    carets = airflow and rng.random() < 0.7
    for root_exc, root_msg in reversed(f.roots):
        out.append("Traceback (most recent call last):")
        out += _py_frames(f, rng, app_path, carets)
        out += _py_exc_lines(root_exc, root_msg)
        out += ["", "The above exception was the direct cause of the following exception:", ""]
    out.append("Traceback (most recent call last):")
    if airflow:
        site = "/home/airflow/.local/lib/python3.11/site-packages/airflow/models"
        for name, line, func, code in _AIRFLOW_FRAMES[: rng.randint(2, 5)]:
            folder = site if name != "python.py" else site.replace("models", "operators")
            out += [f'  File "{folder}/{name}", line {line}, in {func}', f"    {code}"]
            if carets:
                out.append("    " + "^" * min(len(code), 60))
    out += _py_frames(f, rng, app_path, carets)
    out += _py_exc_lines(f.exc, f.message)
    return out


def render_airflow(f: Failure, rng: random.Random) -> str:
    y, mo, d, h, mi, s = _stamp(rng)
    prefix = f"[{y}-{mo:02d}-{d:02d}, {h:02d}:{mi:02d}:{s:02d} UTC]"
    lines = [f"{prefix} {{subprocess.py:93}} INFO - {b}" for b in f.before]
    if f.header:
        lines.append(f"{prefix} {{{f.module}.py:{rng.randint(20, 300)}}} INFO - {f.header}")
    lines.append(
        f"{prefix} {{taskinstance.py:{rng.randint(2000, 3100)}}} ERROR - Task failed with exception"
    )
    app = f"/opt/airflow/dags/{f.module}.py"
    lines += _python_trace(f, rng, app, airflow=True)
    return "\n".join(lines)


def render_python_logging(f: Failure, rng: random.Random) -> str:
    y, mo, d, h, mi, s = _stamp(rng)
    stamp = f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d},{rng.randint(0, 999):03d}"
    logger = rng.choice(("etl", "pipeline", "root", f"etl.{f.module}", "__main__"))
    lines = [f"{stamp} INFO {logger} - {b}" for b in f.before]
    header = f.header or f"{f.func} failed"
    lines.append(f"{stamp} ERROR {logger} - {header}")
    app = f"{rng.choice(('/srv/etl', '/opt/jobs', '/app'))}/{f.module}.py"
    lines += _python_trace(f, rng, app, airflow=False)
    return "\n".join(lines)


def _java_trace(f: Failure, rng: random.Random) -> list[str]:
    app = f"com.{rng.choice(('dataplat', 'etl', 'analytics', 'pipelines'))}.jobs.{f.module}"
    frame = f"\tat {app}.{f.func}({f.module}.scala:{rng.randint(20, 400)})"
    spark = [
        "\tat " + t.format(n=rng.randint(40, 3000))
        for t in rng.sample(_SPARK_FRAMES, rng.randint(2, 5))
    ]
    out = [f"{f.exc}: {f.message}".rstrip(": ") if f.message else f.exc, *spark, frame]
    for exc, msg in f.roots:
        text = f"Caused by: {exc}: {msg}" if msg else f"Caused by: {exc}"
        out += text.split("\n")
        out += ["\tat " + t.format(n=rng.randint(40, 3000)) for t in rng.sample(_SPARK_FRAMES, 2)]
        out.append(f"\t... {rng.randint(5, 60)} more")
    return out


def render_spark_log4j1(f: Failure, rng: random.Random) -> str:
    y, mo, d, h, mi, s = _stamp(rng)
    prefix = f"{y % 100:02d}/{mo:02d}/{d:02d} {h:02d}:{mi:02d}:{s:02d}"
    lines = [f"{prefix} INFO {rng.choice(_JAVA_LOGGERS)}: {b}" for b in f.before]
    header = f.header or f"Exception in {f.module}"
    lines.append(f"{prefix} ERROR {rng.choice(_JAVA_LOGGERS)}: {header}")
    return "\n".join(lines + _java_trace(f, rng))


def render_spark_log4j2(f: Failure, rng: random.Random) -> str:
    y, mo, d, h, mi, s = _stamp(rng)
    prefix = f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d},{rng.randint(0, 999):03d}"
    thread = rng.choice(("main", "Driver", "dag-scheduler-event-loop"))
    lines = [f"{prefix} INFO [{thread}] org.apache.spark.SparkContext: {b}" for b in f.before]
    header = f.header or f"Exception in {f.module}"
    logger = "org.apache.spark." + rng.choice(_LOG4J2_LOGGERS)
    lines.append(f"{prefix} ERROR [{thread}] {logger}: {header}")
    return "\n".join(lines + _java_trace(f, rng))


def render_airflow_spark_submit(f: Failure, rng: random.Random) -> str:
    """The driver's trace, printed through Airflow's SparkSubmitHook, then Airflow's traceback."""
    y, mo, d, h, mi, s = _stamp(rng)
    prefix = f"[{y}-{mo:02d}-{d:02d}, {h:02d}:{mi:02d}:{s:02d} UTC]"
    hook = f"{prefix} {{spark_submit.py:{rng.randint(480, 650)}}} INFO - "
    inner = render_spark_log4j1(f, rng).split("\n")
    lines = [hook + line for line in inner]
    job = f"{f.module.lower()}.jar"
    lines.append(
        f"{prefix} {{taskinstance.py:{rng.randint(2000, 3100)}}} ERROR - Task failed with exception"
    )
    lines.append("Traceback (most recent call last):")
    site = "/home/airflow/.local/lib/python3.11/site-packages/airflow"
    lines += [
        f'  File "{site}/providers/apache/spark/operators/spark_submit.py", line 156, in execute',
        "    self._hook.submit(self.application)",
        f'  File "{site}/providers/apache/spark/hooks/spark_submit.py", line 502, in submit',
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Cannot execute: spark-submit --master yarn "
        f"--name {f.module} --deploy-mode client /opt/jobs/{job}. Error code is: 1.",
    ]
    return "\n".join(lines)


def render_dbt(f: Failure, rng: random.Random) -> str:
    """dbt's log lines (``HH:MM:SS.ffffff [level] [MainThread]: ...``), details unprefixed."""
    h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    colour = rng.random() < 0.5
    red, reset = (f"{_ESC}[31m", f"{_ESC}[0m") if colour else ("", "")
    lead = f"{_ESC}[0m" if colour else ""

    def stamp(level: str) -> str:
        return (
            f"{lead}{h:02d}:{mi:02d}:{s:02d}.{rng.randint(0, 999999):06d} [{level}] [MainThread]: "
        )

    total = rng.randint(3, 40)
    folder = rng.choice(("staging", "marts", "intermediate", "core"))
    lines = [
        stamp("error") + f"{red}Completed with 1 error and 0 warnings:{reset}",
        stamp("error")
        + f"{red}{f.exc} in model {f.dbt_model} (models/{folder}/{f.dbt_model}.sql){reset}",
    ]
    lines += [f"  {line}" for line in f.message.split("\n")]
    lines.append(f"  compiled Code at target/run/models/{folder}/{f.dbt_model}.sql")
    lines.append(
        stamp("info ") + f"Done. PASS={rng.randint(0, total - 1)} WARN=0 ERROR=1 "
        f"SKIP={rng.randint(0, 5)} TOTAL={total}"
    )
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[Failure, random.Random], str]] = {
    "airflow": render_airflow,
    "python_logging": render_python_logging,
    "spark_log4j1": render_spark_log4j1,
    "spark_log4j2": render_spark_log4j2,
    "airflow_spark_submit": render_airflow_spark_submit,
    "dbt": render_dbt,
}
