"""Failure templates about talking to other services: connections, timeouts, HTTP, auth.

The ``connection``, ``timeout``, ``http_api`` and ``auth`` templates of the
training-data generator: refused connections and unknown hosts, task, read and
statement timeouts, HTTP error statuses, and rejected passwords or tokens.  Each
function registers itself with :func:`~logsumd.train.template_registry.template`
when the module is imported; :mod:`logsumd.train.templates` imports it.
"""

from __future__ import annotations

from logsumd.train.template_registry import Draw, Failure, template

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
