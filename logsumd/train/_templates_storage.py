"""Failure templates about stored data: local and network files, permissions, object stores.

The ``file_io``, ``permission`` and ``cloud_storage`` templates of the
training-data generator: a missing or stale file, a directory or table the job
may not write, an S3, GCS or Azure object or bucket that is missing or denied.
Each function registers itself with :func:`~logsumd.train.template_registry.template`
when the module is imported; :mod:`logsumd.train.templates` imports it.
"""

from __future__ import annotations

from logsumd.train.template_registry import Draw, Failure, template

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
