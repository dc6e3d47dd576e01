"""Failure templates about the running job: resources, dependencies and other errors.

The ``resource``, ``dependency`` and ``other`` templates of the training-data
generator: memory and disk exhaustion, missing modules, classes or methods, and
plain program errors (a failed check, a non-zero exit, a division by zero, a null
value).  Each function registers itself with
:func:`~logsumd.train.template_registry.template` when the module is imported;
:mod:`logsumd.train.templates` imports it.
"""

from __future__ import annotations

from logsumd.train.template_registry import Draw, Failure, template

# ---------------------------------------------------------------- resource


@template("resource", "java")
def res_yarn_memory(d: Draw) -> Failure:
    limit = d.rng.choice([4, 8, 10, 12, 16])
    used = f"{limit}.{d.num(1, 9)}"
    executor = d.num(1, 60)
    job = d.pick("job")
    return Failure(
        "org.apache.spark.SparkException",
        f"Job aborted due to stage failure: Task {d.num(0, 200)} in stage {d.num(1, 30)}.0 "
        f"failed 4 times, most recent failure: ExecutorLostFailure (executor {executor} exited "
        f"caused by one of the running tasks) Reason: Container killed by YARN for exceeding "
        f"memory limits. {used} GB of {limit} GB physical memory used.",
        f"executor {executor} used more memory than its YARN container allows",
        f"the executor memory overhead and the largest partition of {job}",
        ("ExecutorLostFailure", f"{used} GB of {limit} GB"),
        header=f"Stage failed in {job}",
        module=job,
        func="aggregate",
    )


@template("resource", "py")
def res_disk(d: Draw) -> Failure:
    directory, _name, path = d.path(d.rng.choice(["parquet", "csv", "gz"]))
    return Failure(
        "OSError",
        f"[Errno 28] No space left on device: '{path}'",
        f"the disk holding {directory} has no free space",
        f"free space and old files under {directory}",
        ("No space left on device", path),
        func="stage_files",
        code=f'shutil.copyfileobj(src, open("{path}", "wb"))',
        module="stage",
    )


@template("resource", "java")
def res_heap(d: Draw) -> Failure:
    job = d.pick("job")
    return Failure(
        "java.lang.OutOfMemoryError",
        "Java heap space",
        f"the driver of {job} ran out of heap memory",
        f"whether {job} collects a large result on the driver and the driver memory size",
        ("OutOfMemoryError", "Java heap space"),
        header=f"Uncaught exception in thread driver of {job}",
        module=job,
        func="collectResults",
    )


@template("resource", "py")
def res_pg_disk(d: Draw) -> Failure:
    schema, noun = d.table()
    oid = d.num(16000, 99999)
    return Failure(
        "psycopg2.errors.DiskFull",
        f'could not extend file "base/{oid}/{d.num(100000, 999999)}": No space left on device\n'
        "HINT:  Check free disk space.",
        "the database server ran out of disk space while extending a table file",
        "the free disk space of the database server volume",
        ("DiskFull", "No space left on device"),
        header=f"Copying into {schema}.{noun}",
        func="copy_into",
        code=f'cur.copy_expert("COPY {schema}.{noun} FROM STDIN CSV", fh)',
        module="loader",
    )


@template("resource", "java")
def res_spark_oom(d: Draw) -> Failure:
    job = d.pick("job")
    return Failure(
        "org.apache.spark.memory.SparkOutOfMemoryError",
        f"Unable to acquire {d.rng.choice([65536, 262144, 1048576])} bytes of memory, got 0",
        f"a sort or aggregation in {job} found no free execution memory",
        f"the number of shuffle partitions and executor memory of {job}",
        ("SparkOutOfMemoryError", job),
        header=f"Task failed in {job}",
        module=job,
        func="sortAndAggregate",
    )


# ---------------------------------------------------------------- dependency


@template("dependency", "py")
def dep_module(d: Draw) -> Failure:
    mod = d.pick("pymodule")
    dag = d.pick("dag")
    return Failure(
        "ModuleNotFoundError",
        f"No module named '{mod}'",
        f"the package that provides {mod} is not installed in the worker image",
        f"the requirements of the image that runs {dag}",
        ("ModuleNotFoundError", mod),
        func="<module>",
        code=f"import {mod}",
        module=dag,
    )


@template("dependency", "java")
def dep_class(d: Draw) -> Failure:
    cls = d.pick("jvm_dep")
    job = d.pick("job")
    return Failure(
        "java.lang.ClassNotFoundException",
        cls,
        f"the jar that provides {cls.rsplit('.', 1)[1]} is not on the classpath of {job}",
        f"the jars and packages passed to spark-submit for {job}",
        ("ClassNotFoundException", cls),
        header=f"Failed to start {job}",
        module=job,
        func="main",
    )


@template("dependency", "py")
def dep_import_name(d: Draw) -> Failure:
    mod = d.pick("pymodule")
    name = d.rng.choice(["Session", "read_table", "Client", "connect", "DataFrame", "Config"])
    return Failure(
        "ImportError",
        f"cannot import name '{name}' from '{mod}'",
        f"the installed version of {mod} has no {name}",
        f"the version of {mod} pinned in the worker requirements",
        ("ImportError", name, mod),
        func="<module>",
        code=f"from {mod} import {name}",
        module="pipeline",
    )


@template("dependency", "dbt")
def dep_dbt_deps(d: Draw) -> Failure:
    model = f"fct_{d.pick('noun')}"
    return Failure(
        "Compilation Error",
        "dbt found 1 package(s) specified in packages.yml, but only 0 package(s) installed "
        'in dbt_packages. Run "dbt deps" to install package dependencies.',
        "the dbt packages were not installed before the run",
        "that dbt deps fills dbt_packages before the run",
        ("dbt deps", "packages.yml"),
        dbt_model=model,
    )


@template("dependency", "java")
def dep_no_such_method(d: Draw) -> Failure:
    job = d.pick("job")
    return Failure(
        "java.lang.NoSuchMethodError",
        "'scala.collection.immutable.Seq org.apache.spark.sql.types.StructType.toSeq()'",
        f"{job} was built against a different Spark or Scala version",
        f"the Spark and Scala versions in the build of {job}",
        ("NoSuchMethodError", job),
        header=f"Exception in {job}",
        module=job,
        func="buildSchema",
    )


# ---------------------------------------------------------------- other


@template("other", "py")
def oth_row_count(d: Draw) -> Failure:
    schema, noun = d.table()
    got = d.num(0, 900)
    want = d.num(1000, 500000)
    return Failure(
        "AssertionError",
        f"row count check failed: {got} rows in {schema}.{noun}, expected at least {want}",
        f"the load of {noun} produced far fewer rows than usual",
        f"the upstream extract for {schema}.{noun} and its filters",
        ("AssertionError", f"{schema}.{noun}"),
        func="check_counts",
        code="assert got >= minimum, msg",
        module="quality",
    )


@template("other", "py")
def oth_bash_exit(d: Draw) -> Failure:
    script = f"{d.pick('task')}.sh"
    code = d.rng.choice([1, 2, 127, 3])
    return Failure(
        "airflow.exceptions.AirflowException",
        f"Bash command failed. The command returned a non-zero exit code {code}.",
        "the bash command of the task exited with an error code",
        "the output of the command just before the failure",
        ("non-zero exit code", script),
        before=(f"Running command: ['/usr/bin/bash', '-c', 'scripts/{script}']",),
        func="execute",
        code="raise AirflowException(msg)",
        module="bash",
    )


@template("other", "py")
def oth_zero_div(d: Draw) -> Failure:
    func = d.pick("func")
    col = d.pick("column")
    return Failure(
        "ZeroDivisionError",
        "division by zero",
        f"a total in {func} was zero, probably an empty batch",
        f"whether the batch had any rows before {func} divides",
        ("ZeroDivisionError", func),
        func=func,
        code=f'ratio = row["{col}"] / total',
        module="metrics",
    )


@template("other", "java")
def oth_npe(d: Draw) -> Failure:
    job = d.pick("job")
    return Failure(
        "java.lang.NullPointerException",
        "",
        f"a null value reached {job}, raising a NullPointerException",
        f"the null values in the input of {job}",
        ("NullPointerException", job),
        header=f"Exception in {job}",
        module=job,
        func="enrichRow",
    )


@template("other", "py")
def oth_type_none(d: Draw) -> Failure:
    func = d.pick("func")
    return Failure(
        "TypeError",
        "unsupported operand type(s) for +: 'NoneType' and 'int'",
        f"a value that {func} adds up was None, an unsupported operand",
        f"the rows that {func} sums for empty values",
        ("TypeError", "NoneType"),
        func=func,
        code="total = total + row.count",
        module="rollup",
    )
