"""Failure templates of the training-data generator: 5 per category.

A template is a function of a :class:`Draw` (random picks from one split's
vocabularies) that returns a :class:`Failure`: the exception as a program would
print it, the lines around it, and the answer an on-call engineer would write
(``cause``, ``check``) using only names that the failure itself prints.  The
formats in ``logsumd.train.formats`` render a failure as a log.  Templates are
assigned to splits as a whole (:data:`TEMPLATE_SPLIT`), so the validation and
test splits hold kinds of failures never seen in training.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from logsumd.train.vocab import SPLITS, vocab_for


@dataclass(frozen=True, slots=True)
class Failure:
    """One generated failure and the reference answer for it."""

    exc: str
    """Exception type as printed (``FileNotFoundError``, ``java.io.IOException``)."""
    message: str
    cause: str
    check: str
    facts: tuple[str, ...]
    """Key facts: strings that occur verbatim in the rendered log."""
    roots: tuple[tuple[str, str], ...] = ()
    """Inner exceptions (type, message), outermost first: Python chains, Java ``Caused by:``."""
    header: str = ""
    """The log message that introduces the error (logger line)."""
    before: tuple[str, ...] = ()
    """Lines printed just before the error (a subprocess, a client library)."""
    func: str = "run"
    """Application function of the innermost frame (Python) or method (Java)."""
    code: str = ""
    """Source line of the application frame (Python)."""
    module: str = "job"
    """Application module (Python file stem) or class (Java)."""
    lib: tuple[tuple[str, int, str, str], ...] = ()
    """Library frames below the application frame: (path, line, function, code)."""
    dbt_model: str = ""
    """dbt only: the failing model."""


@dataclass(slots=True)
class Draw:
    """Random picks from one split's vocabularies, remembering what was used."""

    rng: random.Random
    split: str
    used: set[str] = field(default_factory=set)
    vocab: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.vocab = vocab_for(self.split)

    def pick(self, key: str) -> str:
        """One item of vocabulary ``key``."""
        item = self.rng.choice(self.vocab[key])
        self.used.add(item)
        return item

    def num(self, low: int, high: int) -> int:
        """A random integer in [low, high]."""
        return self.rng.randint(low, high)

    def table(self) -> tuple[str, str]:
        """(schema, table)."""
        return self.pick("schema"), self.pick("noun")

    def host(self) -> str:
        """A host name of a made-up company network."""
        return f"{self.pick('role')}-{self.num(1, 9):02d}.{self.pick('company')}.{self.pick('tld')}"

    def date(self) -> str:
        """A date in ISO form."""
        return f"{self.num(2022, 2025)}-{self.num(1, 12):02d}-{self.num(1, 28):02d}"

    def path(self, ext: str) -> tuple[str, str, str]:
        """(directory, file name, full path) of a data file."""
        directory = f"{self.pick('mount')}/{self.pick('dir')}"
        name = f"{self.pick('noun')}_{self.date().replace('-', '')}.{ext}"
        return directory, name, f"{directory}/{name}"

    def bucket(self) -> str:
        """An object-store bucket name."""
        return f"{self.pick('company')}-{self.pick('bucket_word')}"

    def ip(self) -> str:
        """A private IPv4 address."""
        return f"10.{self.num(0, 255)}.{self.num(0, 255)}.{self.num(2, 254)}"


Template = Callable[[Draw], Failure]


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A registered template: its id, category, kind of trace and function."""

    id: str
    category: str
    kind: str
    """``py`` (Python traceback), ``java`` (JVM trace) or ``dbt`` (dbt output)."""
    make: Template


TEMPLATES: list[TemplateInfo] = []


def template(category: str, kind: str) -> Callable[[Template], Template]:
    """Register a template function under its name."""

    def register(fn: Template) -> Template:
        TEMPLATES.append(TemplateInfo(fn.__name__, category, kind, fn))
        return fn

    return register


# ---------------------------------------------------------------- file_io


@template("file_io", "py")
def fio_missing_file(d: Draw) -> Failure:
    directory, name, path = d.path(d.rng.choice(["csv", "parquet", "json"]))
    func = d.pick("func")
    return Failure(
        "FileNotFoundError",
        f"[Errno 2] No such file or directory: '{path}'",
        f"the input {name} was not in {directory} when {func} ran",
        f"that the upstream export delivered {name} before this run",
        ("FileNotFoundError", path),
        func=func,
        code=f'frame = pd.read_{name.rsplit(".", 1)[1]}("{path}")',
        module="ingest",
    )


@template("file_io", "java")
def fio_spark_path(d: Draw) -> Failure:
    date = d.date()
    schema, noun = d.table()
    path = f"hdfs:///{schema}/{noun}/dt={date}"
    return Failure(
        "org.apache.spark.sql.AnalysisException",
        f"[PATH_NOT_FOUND] Path does not exist: {path}.",
        f"the {noun} partition for {date} has not been written yet",
        f"that the job writing {schema}/{noun} finished for {date}",
        ("PATH_NOT_FOUND", path),
        header="Failed to read input",
        module=d.pick("job"),
        func="readInput",
    )


@template("file_io", "py")
def fio_exists(d: Draw) -> Failure:
    _directory, name, path = d.path("csv")
    dag = d.pick("dag")
    return Failure(
        "FileExistsError",
        f"[Errno 17] File exists: '{path}'",
        f"an earlier run of {dag} left {name} at the output path",
        f"whether the old {name} can be removed or the export can overwrite it",
        ("FileExistsError", path),
        func="export_file",
        code=f'os.link(tmp_path, "{path}")',
        module=dag,
    )


@template("file_io", "java")
def fio_local_missing(d: Draw) -> Failure:
    directory, name, path = d.path(d.rng.choice(["csv", "json", "conf"]))
    job = d.pick("job")
    return Failure(
        "org.apache.spark.SparkException",
        f"Job aborted due to stage failure: Task 0 in stage {d.num(1, 40)}.0 failed 4 times",
        f"the file {name} exists on the driver but not on the executors",
        f"that {directory} is mounted on every worker node or ship {name} with the job",
        ("java.io.FileNotFoundException", path),
        roots=(("java.io.FileNotFoundException", f"File file:{path} does not exist"),),
        header=f"Job failed in {job}",
        module=job,
        func="loadLookup",
    )


@template("file_io", "py")
def fio_stale_nfs(d: Draw) -> Failure:
    mount = d.pick("mount")
    sub = d.pick("dir")
    name = f"{d.pick('noun')}.{d.rng.choice(['csv', 'parquet'])}"
    path = f"{mount}/{sub}/{name}"
    return Failure(
        "OSError",
        f"[Errno 116] Stale file handle: '{path}'",
        f"the network share behind {mount} went stale while {name} was open",
        f"that {mount} is still mounted on the worker and remount it",
        ("Stale file handle", path),
        func=d.pick("func"),
        code=f'shutil.copy("{path}", work_dir)',
        module="transfer",
    )


# ---------------------------------------------------------------- permission


@template("permission", "py")
def perm_write_dir(d: Draw) -> Failure:
    directory, _name, path = d.path(d.rng.choice(["csv", "parquet", "json"]))
    dag = d.pick("dag")
    return Failure(
        "PermissionError",
        f"[Errno 13] Permission denied: '{path}'",
        f"the task user is not allowed to write into {directory}",
        f"the owner and mode of {directory} for the user that runs {dag}",
        ("PermissionError", path),
        func="write_target",
        code=f'with open("{path}", "w") as out:',
        module=dag,
    )


@template("permission", "java")
def perm_hdfs(d: Draw) -> Failure:
    user = d.pick("user")
    schema, noun = d.table()
    inode = f"/warehouse/{schema}.db/{noun}"
    return Failure(
        "org.apache.hadoop.security.AccessControlException",
        f'Permission denied: user={user}, access=WRITE, inode="{inode}":hive:hadoop:drwxr-xr-x',
        f"user {user} has no write permission on the HDFS folder of {noun}",
        f"the HDFS owner and ACLs of {inode} for {user}",
        ("AccessControlException", user, inode),
        header=f"Failed to write {schema}.{noun}",
        module=d.pick("job"),
        func="saveTable",
    )


@template("permission", "py")
def perm_pg_table(d: Draw) -> Failure:
    schema, noun = d.table()
    user = d.pick("user")
    return Failure(
        "psycopg2.errors.InsufficientPrivilege",
        f"permission denied for table {noun}",
        f"the database role of the loader lacks privileges on table {noun}",
        f"the grants of the loading role on table {noun}",
        ("InsufficientPrivilege", noun),
        header=f"Loading {schema}.{noun} as {user}",
        func="upsert_rows",
        code=f'cur.execute("INSERT INTO {schema}.{noun} SELECT * FROM tmp_load")',
        module="loader",
        lib=(
            (
                "/usr/local/lib/python3.11/site-packages/psycopg2/extras.py",
                236,
                "execute",
                "return super().execute(query, vars)",
            ),
        ),
    )


@template("permission", "dbt")
def perm_dbt_schema(d: Draw) -> Failure:
    schema = d.pick("schema")
    model = f"{d.pick('noun')}_summary"
    return Failure(
        "Database Error",
        f"permission denied for schema {schema}",
        f"the dbt target user is not allowed to create objects in schema {schema}",
        f"the grants on schema {schema} for the user of the dbt profile",
        ("permission denied for schema", model),
        dbt_model=model,
    )


@template("permission", "java")
def perm_local_file(d: Draw) -> Failure:
    _directory, name, path = d.path(d.rng.choice(["csv", "json", "orc"]))
    job = d.pick("job")
    return Failure(
        "java.nio.file.AccessDeniedException",
        path,
        f"the spark user cannot open {name} for reading",
        f"the file mode of {path} and the user that runs {job}",
        ("AccessDeniedException", path),
        header=f"Could not read input of {job}",
        module=job,
        func="readFiles",
    )


# ---------------------------------------------------------------- connection


@template("connection", "py")
def conn_pg_refused(d: Draw) -> Failure:
    host = d.host()
    ip = d.ip()
    return Failure(
        "psycopg2.OperationalError",
        f'connection to server at "{host}" ({ip}), port 5432 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?",
        f"nothing is listening on port 5432 of {host}",
        f"that the database on {host} is up and reachable from the worker",
        ("OperationalError", host, "Connection refused"),
        func=d.pick("func"),
        code="conn = psycopg2.connect(dsn)",
        module="db",
        lib=(
            (
                "/usr/local/lib/python3.11/site-packages/psycopg2/__init__.py",
                122,
                "connect",
                "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
            ),
        ),
    )


@template("connection", "java")
def conn_java_refused(d: Draw) -> Failure:
    host = d.host()
    port = d.rng.choice([9092, 9083, 1521, 3306, 8020, 7077, 443])
    job = d.pick("job")
    return Failure(
        "org.apache.spark.SparkException",
        f"Exception thrown in awaitResult: Failed to connect to {host}:{port}",
        f"the service on {host} refused the connection on port {port}",
        f"whether {host} is running and its port {port} is open to the cluster",
        ("ConnectException", f"{host}:{port}"),
        roots=(("java.net.ConnectException", "Connection refused"),),
        header=f"Error in {job}",
        module=job,
        func="connect",
    )


@template("connection", "py")
def conn_dns(d: Draw) -> Failure:
    host = d.host()
    endpoint = d.pick("endpoint")
    return Failure(
        "requests.exceptions.ConnectionError",
        f"HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: "
        f'{endpoint} (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection '
        f"object at 0x7f{d.num(1000000, 9999999):x}>: Failed to resolve '{host}' "
        '([Errno -2] Name or service not known)"))',
        f"the host name {host} could not be resolved",
        f"the DNS record of {host} and the resolver settings of the worker",
        ("ConnectionError", host, "Name or service not known"),
        func="fetch_page",
        code=f'resp = session.get(f"https://{host}{endpoint}", timeout=30)',
        module="client",
    )


@template("connection", "java")
def conn_mysql_link(d: Draw) -> Failure:
    host = d.host()
    job = d.pick("job")
    return Failure(
        "java.sql.SQLException",
        f"Cannot create connection to jdbc:mysql://{host}:3306/{d.pick('schema')}",
        f"the connection to the MySQL server {host} dropped or never opened",
        f"the network path and firewall from the cluster to {host}",
        ("CommunicationsException", host),
        roots=(
            (
                "com.mysql.cj.jdbc.exceptions.CommunicationsException",
                "Communications link failure\n\nThe last packet sent successfully to the server "
                "was 0 milliseconds ago. The driver has not received any packets from the server.",
            ),
        ),
        header=f"JDBC read failed in {job}",
        module=job,
        func="readJdbc",
    )


@template("connection", "py")
def conn_redis(d: Draw) -> Failure:
    host = d.host()
    return Failure(
        "redis.exceptions.ConnectionError",
        f"Error 111 connecting to {host}:6379. Connection refused.",
        f"the Redis server on {host} is down or not listening",
        f"that the Redis service on {host} is running",
        ("redis.exceptions.ConnectionError", f"{host}:6379"),
        func="cache_lookup",
        code="cached = client.get(cache_key)",
        module="cache",
    )


# ---------------------------------------------------------------- timeout


@template("timeout", "py")
def to_airflow_task(d: Draw) -> Failure:
    task = d.pick("task")
    dag = d.pick("dag")
    pid = d.num(1000, 99999)
    return Failure(
        "airflow.exceptions.AirflowTaskTimeout",
        f"Timeout, PID: {pid}",
        f"the task {task} ran longer than its execution timeout",
        f"how long {task} of {dag} usually takes and whether its input grew",
        ("AirflowTaskTimeout", task),
        header=f"Running {task} for {dag}",
        func=task,
        code="time.sleep(poll_interval)",
        module=dag,
    )


@template("timeout", "py")
def to_read_timeout(d: Draw) -> Failure:
    host = d.host()
    seconds = d.rng.choice([10, 30, 60, 120])
    func = d.pick("func")
    return Failure(
        "requests.exceptions.ReadTimeout",
        f"HTTPSConnectionPool(host='{host}', port=443): Read timed out. (read timeout={seconds})",
        f"the API at {host} did not answer within {seconds} seconds",
        f"the response times of {host} and the timeout used by {func}",
        ("ReadTimeout", host),
        func=func,
        code=f"resp = session.get(url, timeout={seconds})",
        module="api_client",
    )


@template("timeout", "java")
def to_broadcast(d: Draw) -> Failure:
    job = d.pick("job")
    seconds = d.rng.choice([300, 600, 900])
    return Failure(
        "org.apache.spark.SparkException",
        "Could not execute broadcast in time. You can increase the timeout for broadcasts "
        "via spark.sql.broadcastTimeout or disable broadcast join by setting "
        "spark.sql.autoBroadcastJoinThreshold to -1",
        f"building the broadcast side of a join in {job} took too long",
        "the size of the broadcast table and spark.sql.broadcastTimeout",
        ("broadcast", job),
        roots=(
            (
                "java.util.concurrent.TimeoutException",
                f"Futures timed out after [{seconds} seconds]",
            ),
        ),
        header=f"Query failed in {job}",
        module=job,
        func="joinDimensions",
    )


@template("timeout", "py")
def to_statement(d: Draw) -> Failure:
    schema, noun = d.table()
    return Failure(
        "psycopg2.errors.QueryCanceled",
        "canceling statement due to statement timeout",
        "the query ran longer than the server statement timeout allows",
        "the plan of the slow statement and the timeout set for the role",
        ("QueryCanceled", f"{schema}.{noun}"),
        header=f"Refreshing {schema}.{noun}",
        func="run_query",
        code=f'cur.execute("REFRESH MATERIALIZED VIEW {schema}.{noun}")',
        module="refresh",
    )


@template("timeout", "py")
def to_sensor(d: Draw) -> Failure:
    dag = d.pick("dag")
    _directory, _name, path = d.path("csv")
    limit = d.rng.choice([1800, 3600, 7200])
    return Failure(
        "airflow.exceptions.AirflowSensorTimeout",
        f"Sensor has timed out; run duration of {limit}.{d.num(1, 9)} seconds exceeds the "
        f"specified timeout of {limit}.0.",
        "the sensor gave up because the awaited file never arrived",
        f"whether the upstream delivery for {dag} is late",
        ("AirflowSensorTimeout", path),
        before=(f"Poking for file {path}",),
        func="poke",
        code="return os.path.exists(self.filepath)",
        module=dag,
    )


# ---------------------------------------------------------------- data_format


@template("data_format", "py")
def df_float(d: Draw) -> Failure:
    col = d.pick("column")
    bad = d.rng.choice(["N/A", "12,50", "n.a.", "--", "1 200", "unknown", "TBD"])
    func = d.pick("func")
    return Failure(
        "ValueError",
        f"could not convert string to float: '{bad}'",
        f"a text value such as '{bad}' reached a field that must be a float",
        f"the rows with text values before {func} converts them to float",
        ("ValueError", col, bad),
        func=func,
        code=f'frame["{col}"] = frame["{col}"].astype(float)',
        module="clean",
    )


@template("data_format", "py")
def df_json(d: Draw) -> Failure:
    pos = d.num(200, 90000)
    endpoint = d.pick("endpoint")
    return Failure(
        "json.decoder.JSONDecodeError",
        f"Expecting ',' delimiter: line 1 column {pos + 1} (char {pos})",
        "the feed response is truncated JSON with a missing delimiter",
        f"the raw body received by parse_records around char {pos}",
        ("JSONDecodeError", endpoint),
        header=f"Parsing response of {endpoint}",
        func="parse_records",
        code="records = json.loads(body)",
        module="feed",
    )


@template("data_format", "java")
def df_malformed_csv(d: Draw) -> Failure:
    _directory, name, path = d.path("csv")
    job = d.pick("job")
    return Failure(
        "org.apache.spark.SparkException",
        "Malformed records are detected in record parsing. Parse Mode: FAILFAST. To process "
        "malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.",
        f"a malformed line of {name} does not match the declared schema",
        f"the malformed lines of {name} and the delimiter and quoting used",
        ("Malformed records", path),
        roots=(
            (
                "org.apache.spark.sql.catalyst.util.BadRecordException",
                'java.lang.NumberFormatException: For input string: ""',
            ),
        ),
        header=f"Reading {path} in {job}",
        module=job,
        func="readCsv",
    )


@template("data_format", "py")
def df_tokenizing(d: Draw) -> Failure:
    _directory, name, path = d.path("csv")
    expected = d.num(5, 30)
    line = d.num(100, 500000)
    return Failure(
        "pandas.errors.ParserError",
        f"Error tokenizing data. C error: Expected {expected} fields in line {line}, "
        f"saw {expected + d.num(1, 3)}",
        f"line {line} of the CSV file has an extra separator or an unquoted value",
        f"line {line} of the file read by read_source for stray separators",
        ("ParserError", str(line), name),
        func="read_source",
        code=f'frame = pd.read_csv("{path}", sep=",")',
        module="ingest",
    )


@template("data_format", "py")
def df_unicode(d: Draw) -> Failure:
    _directory, _name, path = d.path(d.rng.choice(["csv", "txt", "tsv"]))
    byte = d.rng.choice(["e9", "fc", "a3", "f6", "96", "92"])
    return Failure(
        "UnicodeDecodeError",
        f"'utf-8' codec can't decode byte 0x{byte} in position {d.num(10, 90000)}: "
        "invalid start byte",
        "the input file is in a legacy encoding that the UTF-8 codec cannot read",
        "which encoding the producer of the file read by read_source uses",
        ("UnicodeDecodeError", path),
        header=f"Reading {path}",
        func="read_source",
        code=f'with open("{path}", encoding="utf-8") as fh:',
        module="ingest",
    )


# ---------------------------------------------------------------- schema


@template("schema", "java")
def sc_unresolved(d: Draw) -> Failure:
    col = d.pick("column")
    other = d.pick("column")
    job = d.pick("job")
    return Failure(
        "org.apache.spark.sql.AnalysisException",
        f"[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
        f"`{col}` cannot be resolved. Did you mean one of the following? [`{other}`, `id`].",
        f"the input of {job} no longer has a column named {col}",
        f"whether the upstream table renamed or dropped {col}",
        ("UNRESOLVED_COLUMN", col),
        header=f"Query failed in {job}",
        module=job,
        func="transform",
    )


@template("schema", "py")
def sc_pg_column(d: Draw) -> Failure:
    schema, noun = d.table()
    col = d.pick("column")
    return Failure(
        "psycopg2.errors.UndefinedColumn",
        f'column "{col}" of relation "{noun}" does not exist',
        f"the target table {noun} has no column {col} yet",
        f"that the migration adding {col} to {noun} was applied",
        ("UndefinedColumn", col, noun),
        func="upsert_rows",
        code=f'cur.execute(insert_sql("{schema}.{noun}", columns))',
        module="loader",
    )


@template("schema", "dbt")
def sc_dbt_column(d: Draw) -> Failure:
    col = d.pick("column")
    model = f"stg_{d.pick('noun')}"
    return Failure(
        "Database Error",
        f'column "{col}" does not exist',
        f"the model {model} selects {col}, which its source table lacks",
        f"the current columns of the source of {model}",
        ("does not exist", col, model),
        dbt_model=model,
    )


@template("schema", "py")
def sc_arrow_type(d: Draw) -> Failure:
    col = d.pick("column")
    return Failure(
        "pyarrow.lib.ArrowTypeError",
        f"(\"Expected bytes, got a 'int' object\", 'Conversion failed for column {col} "
        "with type object')",
        f"column {col} mixes numbers and strings in one batch",
        f"the types of {col} in the source frame before writing parquet",
        ("ArrowTypeError", col),
        func="write_target",
        code="table = pa.Table.from_pandas(frame, schema=target_schema)",
        module="writer",
    )


@template("schema", "java")
def sc_arity(d: Draw) -> Failure:
    schema, noun = d.table()
    job = d.pick("job")
    cols = [d.pick("column") for _ in range(3)]
    return Failure(
        "org.apache.spark.sql.AnalysisException",
        f"[INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS] Cannot write to "
        f"`spark_catalog`.`{schema}`.`{noun}`, the reason is not enough data columns: "
        f"Table columns: `{cols[0]}`, `{cols[1]}`, `{cols[2]}`. "
        f"Data columns: `{cols[0]}`, `{cols[1]}`.",
        f"{job} writes fewer columns than the table {noun} declares",
        f"the select list of {job} against the columns of {schema}.{noun}",
        ("INSERT_COLUMN_ARITY_MISMATCH", noun),
        header=f"Insert into {schema}.{noun} failed",
        module=job,
        func="writeTable",
    )


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


# ---------------------------------------------------------------- auth


@template("auth", "py")
def auth_pg_password(d: Draw) -> Failure:
    host = d.host()
    user = d.pick("user")
    dag = d.pick("dag")
    return Failure(
        "psycopg2.OperationalError",
        f'connection to server at "{host}" ({d.ip()}), port 5432 failed: FATAL:  password '
        f'authentication failed for user "{user}"',
        f"the password stored for {user} is wrong or was rotated",
        f"the credentials of {user} in the connection used by {dag}",
        ("password authentication failed", user, host),
        header=f"Connecting for {dag}",
        func="get_conn",
        code="return psycopg2.connect(**params)",
        module=dag,
    )


@template("auth", "py")
def auth_http_401(d: Draw) -> Failure:
    host = d.host()
    endpoint = d.pick("endpoint")
    return Failure(
        "requests.exceptions.HTTPError",
        f"401 Client Error: Unauthorized for url: https://{host}{endpoint}",
        f"the API at {host} rejected the token of the job",
        f"that the API token for {host} is valid and not expired",
        ("401", "Unauthorized", host),
        func="fetch_page",
        code="resp.raise_for_status()",
        module="client",
    )


@template("auth", "java")
def auth_oracle(d: Draw) -> Failure:
    host = d.host()
    job = d.pick("job")
    return Failure(
        "java.sql.SQLException",
        "ORA-01017: invalid username/password; logon denied",
        "Oracle rejected the user name or password of the job",
        f"the Oracle credentials that {job} reads from its secret",
        ("ORA-01017", "logon denied"),
        header=f"Connecting to jdbc:oracle:thin:@{host}:1521 for {job}",
        module=job,
        func="openConnection",
    )


@template("auth", "py")
def auth_gcp_refresh(d: Draw) -> Failure:
    project = f"{d.pick('company')}-{d.pick('bucket_word')}"
    return Failure(
        "google.auth.exceptions.RefreshError",
        "('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant', "
        "'error_description': 'Invalid JWT Signature.'})",
        "the service account key was revoked or is invalid",
        "that the service account key behind the invalid_grant still exists",
        ("RefreshError", "invalid_grant"),
        header=f"Querying project {project}",
        func="run_query",
        code="job = client.query(sql)",
        module="bq",
    )


@template("auth", "py")
def auth_s3_token(d: Draw) -> Failure:
    bucket = d.bucket()
    return Failure(
        "botocore.exceptions.ClientError",
        "An error occurred (ExpiredToken) when calling the ListObjectsV2 operation: The "
        "provided token has expired.",
        "the temporary AWS credentials of the worker expired",
        "how the worker refreshes its AWS session token before list_keys runs",
        ("ExpiredToken", bucket),
        header=f"Listing s3://{bucket}/",
        func="list_keys",
        code=f'page = s3.list_objects_v2(Bucket="{bucket}", Prefix=prefix)',
        module="lake",
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


# ---------------------------------------------------------------- http_api


@template("http_api", "py")
def http_500(d: Draw) -> Failure:
    host = d.host()
    endpoint = d.pick("endpoint")
    page = d.num(2, 400)
    return Failure(
        "requests.exceptions.HTTPError",
        f"500 Server Error: Internal Server Error for url: https://{host}{endpoint}?page={page}",
        f"the API at {host} failed on its side for page {page}",
        f"the status of the service at {host} and retry {endpoint} later",
        ("500", host, endpoint),
        func="fetch_page",
        code="resp.raise_for_status()",
        module="client",
    )


@template("http_api", "py")
def http_429(d: Draw) -> Failure:
    host = d.host()
    endpoint = d.pick("endpoint")
    return Failure(
        "requests.exceptions.HTTPError",
        f"429 Client Error: Too Many Requests for url: https://{host}{endpoint}",
        f"the job sent requests faster than {host} allows",
        f"the rate limit of {host} and the backoff of the client",
        ("429", "Too Many Requests", host),
        func="fetch_page",
        code="resp.raise_for_status()",
        module="client",
    )


@template("http_api", "py")
def http_404(d: Draw) -> Failure:
    host = d.host()
    endpoint = d.pick("endpoint")
    ident = d.num(1000, 999999)
    return Failure(
        "requests.exceptions.HTTPError",
        f"404 Client Error: Not Found for url: https://{host}{endpoint}/{ident}",
        f"the record {ident} or the endpoint {endpoint} does not exist on {host}",
        f"whether {endpoint} moved to a new API version",
        ("404", endpoint, host),
        func="fetch_record",
        code="resp.raise_for_status()",
        module="client",
    )


@template("http_api", "java")
def http_503(d: Draw) -> Failure:
    host = d.host()
    job = d.pick("job")
    return Failure(
        "org.apache.http.client.HttpResponseException",
        "status code: 503, reason phrase: Service Unavailable",
        f"the HTTP service that {job} calls was unavailable",
        f"the health of the API at {host} and its maintenance windows",
        ("503", "Service Unavailable"),
        header=f"Calling https://{host}/v1/export from {job}",
        module=job,
        func="callApi",
    )


@template("http_api", "py")
def http_airflow_operator(d: Draw) -> Failure:
    host = d.host()
    code = d.rng.choice(["502:Bad Gateway", "504:Gateway Timeout", "400:Bad Request"])
    number, reason = code.split(":")
    return Failure(
        "airflow.exceptions.AirflowException",
        code,
        f"the HTTP endpoint answered {number} {reason}",
        f"the {reason} response body and the request payload",
        (number, host),
        before=(f"Sending 'POST' to url: https://{host}/api/trigger", f"HTTP error: {reason}"),
        func="execute",
        code="response = http.run(self.endpoint, self.data, self.headers)",
        module="http_call",
    )


# ---------------------------------------------------------------- cloud_storage


@template("cloud_storage", "py")
def cs_s3_nokey(d: Draw) -> Failure:
    bucket = d.bucket()
    key = f"{d.pick('dir')}/{d.pick('noun')}/{d.date()}.parquet"
    return Failure(
        "botocore.errorfactory.NoSuchKey",
        "An error occurred (NoSuchKey) when calling the GetObject operation: The specified "
        "key does not exist.",
        "the object requested by GetObject is not in the bucket yet",
        "that the producer wrote the expected key before download ran",
        ("NoSuchKey", key),
        header=f"Downloading s3://{bucket}/{key}",
        func="download",
        code=f'obj = s3.get_object(Bucket="{bucket}", Key="{key}")',
        module="lake",
    )


@template("cloud_storage", "py")
def cs_s3_put_denied(d: Draw) -> Failure:
    bucket = d.bucket()
    return Failure(
        "botocore.exceptions.ClientError",
        "An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
        "the IAM role of the worker is denied access for PutObject on the bucket",
        "the bucket policy and the role of the worker for PutObject",
        ("AccessDenied", "PutObject", bucket),
        header=f"Uploading results to s3://{bucket}/",
        func="upload",
        code=f's3.upload_file(local_path, "{bucket}", key)',
        module="publish",
    )


@template("cloud_storage", "java")
def cs_s3a_forbidden(d: Draw) -> Failure:
    bucket = d.bucket()
    prefix = f"{d.pick('dir')}/{d.pick('noun')}"
    url = f"s3a://{bucket}/{prefix}"
    return Failure(
        "java.nio.file.AccessDeniedException",
        f"{url}: getFileStatus on {url}: com.amazonaws.services.s3.model.AmazonS3Exception: "
        "Forbidden (Service: Amazon S3; Status Code: 403; Error Code: 403 Forbidden)",
        f"S3 answered 403 for {prefix} in {bucket}",
        f"the credentials provider of the s3a connector and the policy of {bucket}",
        ("403", url),
        header=f"Reading {url}",
        module=d.pick("job"),
        func="readLake",
    )


@template("cloud_storage", "py")
def cs_gcs_bucket(d: Draw) -> Failure:
    bucket = d.bucket()
    return Failure(
        "google.api_core.exceptions.NotFound",
        f"404 GET https://storage.googleapis.com/storage/v1/b/{bucket}?projection=noAcl: "
        "The specified bucket does not exist.",
        f"the bucket {bucket} does not exist in this project",
        f"the bucket name {bucket} in the configuration and the project of the job",
        ("NotFound", bucket),
        func="open_bucket",
        code=f'bucket = client.get_bucket("{bucket}")',
        module="gcs_export",
    )


@template("cloud_storage", "py")
def cs_azure_container(d: Draw) -> Failure:
    container = d.pick("bucket_word")
    account = f"{d.pick('company')}lake{d.num(1, 9)}"
    return Failure(
        "azure.core.exceptions.ResourceNotFoundError",
        "The specified container does not exist.\nRequestId:"
        f"{d.num(10000000, 99999999):08x}-0000\nErrorCode:ContainerNotFound",
        "the target blob container was deleted or never created",
        "that the container exists in the storage account named in the connection",
        ("ContainerNotFound", container),
        header=f"Uploading to {account}/{container}",
        func="upload_blob",
        code="client.upload_blob(name, data, overwrite=True)",
        module="azure_sink",
    )


# ---------------------------------------------------------------- key_missing


@template("key_missing", "py")
def km_record_field(d: Draw) -> Failure:
    col = d.pick("column")
    func = d.pick("func")
    return Failure(
        "KeyError",
        f"'{col}'",
        f"the incoming records no longer carry the field {col}",
        f"whether the source payload renamed {col}",
        ("KeyError", col),
        func=func,
        code=f'value = record["{col}"]',
        module="mapping",
    )


@template("key_missing", "py")
def km_airflow_variable(d: Draw) -> Failure:
    var = f"{d.pick('dag')}_config"
    return Failure(
        "KeyError",
        f"'Variable {var} does not exist'",
        f"the Airflow Variable {var} was never created here",
        f"that {var} is defined in the Variables of this Airflow",
        ("KeyError", var),
        func="get_settings",
        code=f'cfg = Variable.get("{var}", deserialize_json=True)',
        module="settings",
    )


@template("key_missing", "py")
def km_env(d: Draw) -> Failure:
    env = d.pick("env")
    dag = d.pick("dag")
    return Failure(
        "KeyError",
        f"'{env}'",
        f"the environment variable {env} is not set for the worker",
        f"the environment passed to {dag} for {env}",
        ("KeyError", env),
        func="load_config",
        code=f'target = os.environ["{env}"]',
        module=dag,
    )


@template("key_missing", "py")
def km_conn_id(d: Draw) -> Failure:
    conn = f"{d.pick('role')}_{d.pick('schema')}"
    return Failure(
        "airflow.exceptions.AirflowNotFoundException",
        f"The conn_id `{conn}` isn't defined",
        f"the Airflow connection {conn} does not exist in this environment",
        f"the Connections of this Airflow for {conn}",
        ("AirflowNotFoundException", conn),
        func="get_hook",
        code=f'hook = BaseHook.get_hook("{conn}")',
        module="hooks",
    )


@template("key_missing", "java")
def km_scala_map(d: Draw) -> Failure:
    key = f"{d.pick('noun')}.{d.rng.choice(['path', 'table', 'format', 'partitions'])}"
    job = d.pick("job")
    return Failure(
        "java.util.NoSuchElementException",
        f"key not found: {key}",
        f"the configuration of {job} has no entry {key}",
        f"the job properties passed to {job} for {key}",
        ("NoSuchElementException", key),
        header=f"Starting {job}",
        module=job,
        func="loadConf",
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


def _assign_splits() -> dict[str, str]:
    """Per category: the last template is test, the one before validation, the rest train."""
    out: dict[str, str] = {}
    by_cat: dict[str, list[TemplateInfo]] = {}
    for info in TEMPLATES:
        by_cat.setdefault(info.category, []).append(info)
    for infos in by_cat.values():
        for i, info in enumerate(infos):
            rest = len(infos) - 1 - i
            out[info.id] = SPLITS[2] if rest == 0 else SPLITS[1] if rest == 1 else SPLITS[0]
    return out


TEMPLATE_SPLIT: dict[str, str] = _assign_splits()
"""Template id -> split."""
