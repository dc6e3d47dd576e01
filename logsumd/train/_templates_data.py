"""Failure templates about the data itself: bad formats, schema mismatches, missing keys.

The ``data_format``, ``schema`` and ``key_missing`` templates of the
training-data generator: values that do not parse, columns or types that do not
match, and records, variables or settings that lack a key.  Each function
registers itself with :func:`~logsumd.train.template_registry.template` when the
module is imported; :mod:`logsumd.train.templates` imports it.
"""

from __future__ import annotations

from logsumd.train.template_registry import Draw, Failure, template

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
