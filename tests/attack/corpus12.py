"""An independent secret corpus for attacking issue 12 (red team).

Written without looking at ``tests/data/secrets/`` or the redactor's rule
lists. Every value is fake. Values are derived deterministically from a label
(``tok``) so the corpus is stable and every secret is unique.

``EVENTS``: realistic multiline ETL error events, each with the secrets it holds
as ``(kind, value)``. ``CLEAN``: secret-free error lines that look sensitive.
"""

from __future__ import annotations

import base64
import hashlib
import string
from dataclasses import dataclass
from urllib.parse import quote

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def tok(label: str, n: int, alphabet: str = ALNUM) -> str:
    """``n`` characters from ``alphabet``, fixed by ``label``."""
    out: list[str] = []
    counter = 0
    while len(out) < n:
        digest = hashlib.sha256(f"{label}:{counter}".encode()).digest()
        out.extend(alphabet[b % len(alphabet)] for b in digest)
        counter += 1
    return "".join(out[:n])


@dataclass(frozen=True)
class Event:
    name: str
    text: str
    secrets: tuple[tuple[str, str], ...]


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


# ---------------------------------------------------------------- secrets

PG_PW = "Vx9#mQ2!pLr7Kd"
MYSQL_PW = "p@ssW0rd@2024:x/y"
MSSQL_PWD = "Zq8;r}}T2xw!mN4"  # ODBC braced: '}}' is an escaped '}'
MSSQL_PWD_RAW = "Zq8;r}T2xw!mN4"
ORA_PW = "Tiger4Oracle#91"
SNOW_PW = "Sn0wFlake-Pa55-2291"
SNOW_PW2 = "W1nterIsC0ming!88"
MONGO_PW = "M0ng0-S3cr3t-7781"
REDIS_PW = "R3d1sAuthT0ken9921"
AMQP_PW = "Rabb1tPw-55aaQz"
KAFKA_PW = "K4fk@Sasl!Pw-8831"
KAFKA_SCRAM_PW = "ScramSha512-Pw-4471xx"
AIRFLOW_CONN_PW_RAW = "Airfl0w@Conn/Pw77"
AIRFLOW_CONN_PW = quote(AIRFLOW_CONN_PW_RAW, safe="")
BASIC_USERPW = "etl_svc:BasicAuthPw123!"
BASIC_B64 = _b64(BASIC_USERPW)
BEARER = tok("bearer", 40, URLSAFE)
GOOGLE_REFRESH = "1//0g" + tok("grefresh", 98, URLSAFE)
GENERIC_REFRESH = tok("refresh", 64, URLSAFE)
STRIPE_LIVE = "sk_live_51" + tok("stripe", 97, ALNUM)
STRIPE_RK = "rk_live_51" + tok("stripe_rk", 60, ALNUM)
TWILIO_SID = "AC" + tok("twsid", 32, HEX)
TWILIO_TOKEN = tok("twtoken", 32, HEX)
TWILIO_API_SECRET = tok("twapisecret", 32, ALNUM)
SLACK_BOT = (
    "xoxb-"
    + tok("sl1", 12, "0123456789")
    + "-"
    + tok("sl2", 13, "0123456789")
    + "-"
    + tok("sl3", 24, ALNUM)
)
SLACK_USER = (
    "xoxp-"
    + tok("slu1", 12, "0123456789")
    + "-"
    + tok("slu2", 12, "0123456789")
    + "-"
    + tok("slu3", 13, "0123456789")
    + "-"
    + tok("slu4", 32, HEX)
)
SLACK_HOOK_SECRET = tok("slhook", 24, ALNUM)
SLACK_HOOK = f"https://hooks.slack.com/services/T0{tok('slT', 8, UPPER_DIGITS)}/B0{tok('slB', 8, UPPER_DIGITS)}/{SLACK_HOOK_SECRET}"
GH_PAT = "ghp_" + tok("ghp", 36, ALNUM)
GH_FINE = "github_pat_11A" + tok("ghfine1", 19, UPPER_DIGITS) + "_" + tok("ghfine2", 59, ALNUM)
GH_INSTALL = "ghs_" + tok("ghs", 36, ALNUM)
GITLAB = "glpat-" + tok("glpat", 20, URLSAFE)
GITLAB_RUNNER = "glrt-" + tok("glrt", 20, URLSAFE)
NPM = "npm_" + tok("npm", 36, ALNUM)
PYPI = "pypi-AgEIcHlwaS5vcmcCJD" + tok("pypi", 150, URLSAFE)
DOCKERHUB = "dckr_pat_" + tok("dckr", 27, URLSAFE)
AWS_AKID = "AKIA" + tok("akid", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
AWS_SECRET = tok("awssecret", 40, B64)
AWS_AKID2 = "ASIA" + tok("asia", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
AWS_SESSION = "IQoJb3JpZ2luX2VjE" + tok("awssess", 300, B64)
AWS_SECRET_CLI = tok("awssecretcli", 40, B64)
AWS_SECRET_ENV = tok("awssecretenv", 40, B64)
AZ_ACCOUNT_KEY = tok("azkey", 86, B64) + "=="
AZ_SAS_SIG = quote(tok("azsig", 43, B64) + "=", safe="")
AZ_CLIENT_SECRET = tok("azcs1", 3, ALNUM) + "8Q~" + tok("azcs2", 34, URLSAFE)
AZ_FS_KEY = tok("azfskey", 86, B64) + "=="
GCP_PK_BODY = [tok(f"gcppk{i}", 64, B64) for i in range(6)]
GCP_PK_ID = tok("gcppkid", 40, HEX)
GCP_API_KEY = "AIza" + tok("aiza", 35, URLSAFE)
GCP_OAUTH_SECRET = "GOCSPX-" + tok("gocspx", 28, URLSAFE)
GCP_ACCESS = "ya29.a0" + tok("ya29", 150, URLSAFE)
DATABRICKS = "dapi" + tok("dapi", 32, HEX)
HF = "hf_" + tok("hf", 34, ALNUM)
OPENAI = "sk-proj-" + tok("openai", 120, URLSAFE)
ANTHROPIC = "sk-ant-api03-" + tok("anthropic", 93, URLSAFE) + "AA"
SENDGRID = "SG." + tok("sg1", 22, URLSAFE) + "." + tok("sg2", 43, URLSAFE)
MAILGUN = "key-" + tok("mailgun", 32, HEX)
DATADOG = tok("datadog", 32, HEX)
DATADOG_APP = tok("datadogapp", 40, HEX)
SENTRY_KEY = tok("sentry", 32, HEX)
NEWRELIC = "NRAK-" + tok("nrak", 27, UPPER_DIGITS)
VAULT = "hvs." + tok("vault", 90, URLSAFE)
K8S_DB_PW = "K8sSecr3tDbPw-9917"
K8S_DB_PW_B64 = _b64(K8S_DB_PW)
K8S_TOKEN_B64 = _b64(tok("k8stoken", 40, ALNUM))
DOCKER_RUN_PW = "DockerRunPg!Pw5530"
DOCKER_RUN_AWS = tok("dockerrunaws", 40, B64)
TF_DB_PW = "TfOutputDbPw#2291zz"
TF_VAR_PW = "TfVarPass_88231kk"
SPRING_PW = "SpringDsPw!7723"
KEYSTORE_PW = "KeyStorePw%4471"
HADOOP_S3A_SECRET = tok("s3asecret", 40, B64)
INI_PW = "IniFilePassw0rd!6621"
PGPASS_PW = "PgPassFilePw_4412"
MYSQL_PWD_ENV = "MysqlPwdEnv-77120"
PGPASSWORD_ENV = "PgPasswordEnv_55192"
SPACED_PW = "SpacedEqPw_90022a"
SPACED_PW2 = "Wide Open Gate 71!"
CYRILLIC_PW = "CyrillicKeyPw-31337"
FULLWIDTH_PW = "FullwidthKeyPw-4242"
PCT_PW_RAW = "Pa$$w0rd!&more=1"
PCT_PW = quote(PCT_PW_RAW, safe="")
PCT_URL_PW = "UrlEncDsn!Pw-8800"
B64_CRED = _b64("svc_loader:B64EncodedCredPw!99")
TB_SRC_PW = "TracebackSrcPw!42x"
TB_LOCAL_PW = "L0calsDumpPw#7aa"
TB_LOCAL_TOKEN = tok("tblocaltok", 48, ALNUM)
RICH_LOCAL_PW = "RichLocalsPw_6655"
CPE_PW = "MyCl1Pw99Qx"
SQLCMD_PW = "SqlCmd!Pw-2204"
PGDUMP_PW = "PgDumpUrlPw_7781"
SPARK_SUBMIT_KEY = tok("sparksubmit", 40, B64)
SNOW_PASSPHRASE = "SnowPkPassphrase-55xx"
QS_TOKEN = tok("qstoken", 40, URLSAFE)
QS_APIKEY = tok("qsapikey", 32, HEX)
LDAP_PW = "LdapBindPw!4402"
SMTP_PW = "SmtpAppPw-aabbccdd1"
COOKIE_SESSION = tok("cookie", 48, ALNUM)
XAPIKEY = tok("xapikey", 40, ALNUM)
JDBC_MSSQL_PW = "SqlSrv!Pw2291"
JDBC_PG_PW = "JdbcPgPw-55xyz"
JDBC_SNOW_PW = "JdbcSnowPw_6617"
CLICKHOUSE_PW = "ClickHousePw-8812"
ELASTIC_PW = "ElasticPw2291q"
SFTP_PW = "SftpPw!9912aa"
DISCORD_HOOK_TOKEN = tok("discord", 68, URLSAFE)
SHOPIFY = "shpat_" + tok("shopify", 32, HEX)
OKTA = "00" + tok("okta", 40, URLSAFE)
NETRC_PW = "NetrcMachinePw77x"
OPENSSL_PASSIN = "OpensslPassin99z"
KEYTOOL_PW = "KeytoolStore-2291"
AZ_SP_SECRET = tok("azsp1", 3, ALNUM) + "8Q~" + tok("azsp2", 34, URLSAFE)
DOCKER_LOGIN_PW = "DockerLoginPw-6612"
HELM_PW = "HelmSetPw_99812"
KUBECTL_LIT_PW = "KubectlLiteralPw_221"
DICT_PASS = "DictPass-8812zz"
DICT_BYTES = "BytesPw99-qqzz"
JSON_ESC_PW = 'Esc\\"aped\\"Pw77'  # as printed inside JSON (backslash-escaped quotes)
JSON_ESC_PW_CORE = 'aped\\"Pw77'
XML_PW = "XmlElemPw-44129"
SCALA_PW = "ScalaArrowPw_7781"
PG_KW_PW = "KwDsnPw_3381q"
SSH_BODY = [tok(f"sshkey{i}", 70, B64) for i in range(5)]
PGP_BODY = [tok(f"pgpkey{i}", 64, B64) for i in range(5)]
JWT_HEADER = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjEifQ"
JWT_PAYLOAD = "eyJzdWIiOiJzdmMtZXRsIiwiaXNzIjoiaHR0cHM6Ly9pZHAuYWNtZS5pbyJ9" + tok(
    "jwtp", 20, URLSAFE
)
JWT_SIG = tok("jwtsig", 86, URLSAFE)
JWT_ONE = f"{JWT_HEADER}.{JWT_PAYLOAD}.{JWT_SIG}"
JWT2_PAYLOAD = "eyJ1c2VyIjoiYWlyZmxvdyIsInJvbGUiOiJhZG1pbiJ9" + tok("jwt2p", 10, URLSAFE)
JWT2_SIG = tok("jwt2sig", 43, URLSAFE)
JWT_TWO = f"{JWT_HEADER}.{JWT2_PAYLOAD}.{JWT2_SIG}"
AZ_DEVOPS_PAT = tok("adopat", 52, "abcdefghijklmnopqrstuvwxyz234567")
HEROKU_KEY = "HRKU-" + tok("heroku", 36, URLSAFE)
SPARK_AUTH_SECRET = tok("sparkauth", 32, HEX)
GENERIC_API_SECRET = tok("genericapisecret", 32, ALNUM)
PRIVATE_TOKEN_HDR = tok("privtokhdr", 20, URLSAFE)
CONFIG_DUMP_TOKEN = tok("cfgdumptok", 36, ALNUM)

P = "[2025-03-02T04:10:{s:02d}.{ms:03d}+0000]"


def af(sec: int, where: str, level: str, msg: str) -> str:
    """An Airflow task log record."""
    return f"[2025-03-02T04:10:{sec:02d}.{(sec * 37) % 1000:03d}+0000] {{{where}}} {level} - {msg}"


TB_TAIL_AF = """Traceback (most recent call last):
  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py", line 767, in _execute_task
    result = _execute_callable(context=context, **execute_callable_kwargs)
  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/python.py", line 238, in execute
    return_value = self.execute_callable()"""


def ev(name: str, text: str, *secrets: tuple[str, str]) -> Event:
    return Event(name, text.strip("\n") + "\n", tuple(secrets))


EVENTS: list[Event] = [
    ev(
        "psycopg2_dsn_url",
        af(12, "taskinstance.py:3311", "ERROR", "Task failed with exception")
        + "\n"
        + TB_TAIL_AF
        + f"""
  File "/opt/airflow/dags/etl/load.py", line 64, in write_staging
    engine = create_engine(os.environ["DW_URL"])
  File "/home/airflow/.local/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
psycopg2.OperationalError: could not connect using dsn "postgresql://etl_loader:{PG_PW}@pg-warehouse.etl.internal:5432/dw": connection to server at "pg-warehouse.etl.internal" (10.20.1.15), port 5432 failed: Connection refused
""",
        ("postgres url password", PG_PW),
    ),
    ev(
        "mysql_at_in_password",
        f"""2025-03-02 04:11:02,118 ERROR etl.jobs.customers: load failed for mysql://root:{MYSQL_PW}@mysql-prod-01.etl.internal:3306/crm
Traceback (most recent call last):
  File "/srv/etl/jobs/customers.py", line 88, in run
    cnx = mysql.connector.connect(**cfg)
mysql.connector.errors.DatabaseError: 2003 (HY000): Can't connect to MySQL server on 'mysql-prod-01.etl.internal:3306' (111)
""",
        ("mysql url password with @ : /", MYSQL_PW),
    ),
    ev(
        "mssql_odbc_braced",
        f"""2025-03-02 04:12:19,004 ERROR etl.mssql: pyodbc.connect failed
Traceback (most recent call last):
  File "/srv/etl/sources/mssql.py", line 41, in connect
    return pyodbc.connect(conn_str, timeout=30)
pyodbc.OperationalError: ('08001', '[08001] [Microsoft][ODBC Driver 18 for SQL Server]TCP Provider: Error code 0x2749 (10057) (SQLDriverConnect)') conn_str='Driver={{ODBC Driver 18 for SQL Server}};Server=tcp:sql-erp.acme.local,1433;Database=ERP;Uid=etl_reader;Pwd={{{MSSQL_PWD}}};Encrypt=yes;TrustServerCertificate=no'
""",
        ("odbc braced Pwd with ; and }}", MSSQL_PWD),
        ("odbc braced Pwd (unescaped prefix)", "Zq8;r}}T2"),
    ),
    ev(
        "oracle_jdbc_thin",
        f"""25/03/02 04:13:01 ERROR JdbcUtils: Failed to connect to jdbc:oracle:thin:scott/{ORA_PW}@//ora-prod.acme.local:1521/ORCLPDB1
java.sql.SQLRecoverableException: IO Error: The Network Adapter could not establish the connection (CONNECTION_ID=Xk2bEJ9sQ1qv4v8x0A==)
\tat oracle.jdbc.driver.T4CConnection.logon(T4CConnection.java:854)
\tat oracle.jdbc.driver.PhysicalConnection.connect(PhysicalConnection.java:793)
\tat org.apache.spark.sql.execution.datasources.jdbc.JdbcUtils$.createConnectionFactory(JdbcUtils.scala:64)
Caused by: java.net.ConnectException: Connection refused
\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)
\t... 24 more
""",
        ("oracle thin user/pw@", ORA_PW),
    ),
    ev(
        "snowflake_url_and_kwarg",
        af(
            21,
            "snowflake_hook.py:211",
            "INFO",
            f"Connecting with snowflake://svc_etl:{SNOW_PW}@acme-xy12345/ANALYTICS/PUBLIC?warehouse=ETL_WH&role=LOADER",
        )
        + "\n"
        + af(22, "taskinstance.py:3311", "ERROR", "Task failed with exception")
        + "\n"
        + TB_TAIL_AF
        + f"""
  File "/opt/airflow/dags/etl/snow.py", line 19, in load
    ctx = snowflake.connector.connect(user="svc_etl", password="{SNOW_PW2}", account="acme-xy12345", private_key_passphrase="{SNOW_PASSPHRASE}")
snowflake.connector.errors.DatabaseError: 250001 (08001): Failed to connect to DB: acme-xy12345.snowflakecomputing.com:443. Incorrect username or password was specified.
""",
        ("snowflake url password (context line)", SNOW_PW),
        ("python kwarg password= in traceback source", SNOW_PW2),
        ("private_key_passphrase kwarg", SNOW_PASSPHRASE),
    ),
    ev(
        "mongo_srv",
        f"""2025-03-02 04:14:40,551 ERROR etl.events: ServerSelectionTimeoutError for uri mongodb+srv://app_rw:{MONGO_PW}@cluster0.abcde.mongodb.net/events?retryWrites=true&w=majority
Traceback (most recent call last):
  File "/srv/etl/sinks/mongo.py", line 30, in write
    coll.insert_many(docs)
pymongo.errors.ServerSelectionTimeoutError: cluster0-shard-00-01.abcde.mongodb.net:27017: timed out, Timeout: 30s, Topology Description: <TopologyDescription id: 65e2b3f0c9a1d2e3f4a5b6c7, topology_type: ReplicaSetNoPrimary>
""",
        ("mongodb+srv password", MONGO_PW),
    ),
    ev(
        "redis_empty_user",
        f"""2025-03-02 04:15:03,900 ERROR celery.backends.redis: Connection to Redis lost: Retry (0/20) now.
redis.exceptions.AuthenticationError: invalid username-password pair or user is disabled. (url=redis://:{REDIS_PW}@redis-cache.etl.internal:6379/0)
""",
        ("redis url password with empty user", REDIS_PW),
    ),
    ev(
        "amqp",
        f"""[2025-03-02 04:15:44,010: ERROR/MainProcess] consumer: Cannot connect to amqp://celery:{AMQP_PW}@mq-broker.etl.internal:5672//: [Errno 111] Connection refused.
Trying again in 4.00 seconds... (2/100)
""",
        ("amqp url password", AMQP_PW),
    ),
    ev(
        "kafka_jaas",
        f"""25/03/02 04:16:10 INFO ProducerConfig: ProducerConfig values:
\tbootstrap.servers = [b-1.kafka-prod.acme.local:9096]
\tsasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="etl-producer" password="{KAFKA_PW}";
\tsasl.mechanism = PLAIN
\tsecurity.protocol = SASL_SSL
25/03/02 04:16:11 ERROR KafkaProducer: [Producer clientId=etl-1] Connection to node -1 (b-1.kafka-prod.acme.local/10.1.2.3:9096) failed authentication due to: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN
org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN
\tat org.apache.kafka.clients.NetworkClient.initiateConnect(NetworkClient.java:1012)
""",
        ("kafka JAAS password= (context config dump)", KAFKA_PW),
    ),
    ev(
        "kafka_scram_props",
        f"""2025-03-02 04:16:30,010 ERROR etl.stream: failed to start consumer with props {{'bootstrap.servers': 'b-2.kafka-prod.acme.local:9096', 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'etl-consumer', 'sasl.password': '{KAFKA_SCRAM_PW}', 'group.id': 'orders-v2'}}
confluent_kafka.error.KafkaException: KafkaError{{code=_AUTHENTICATION,val=-169,str="SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"}}
""",
        ("sasl.password in dict", KAFKA_SCRAM_PW),
    ),
    ev(
        "airflow_conn_env",
        f"""2025-03-02 04:17:00,001 ERROR airflow.models.connection: Failed to parse AIRFLOW_CONN_WAREHOUSE_PG=postgres://airflow:{AIRFLOW_CONN_PW}@pg-dw.etl.internal:5432/dw?sslmode=require
airflow.exceptions.AirflowException: Invalid connection string: postgres://airflow:{AIRFLOW_CONN_PW}@pg-dw.etl.internal:5432/dw?sslmode=require.
""",
        ("airflow conn URI percent-encoded password", AIRFLOW_CONN_PW),
    ),
    ev(
        "requests_basic_auth_header",
        f"""2025-03-02 04:18:10,220 DEBUG urllib3.connectionpool: https://api.partner.io:443 "GET /v2/export HTTP/1.1" 401 87
2025-03-02 04:18:10,221 DEBUG etl.http: request headers: {{'User-Agent': 'python-requests/2.32.3', 'Accept': '*/*', 'Authorization': 'Basic {BASIC_B64}', 'Cookie': 'sessionid={COOKIE_SESSION}; csrftoken=abc'}}
2025-03-02 04:18:10,223 ERROR etl.http: export failed
Traceback (most recent call last):
  File "/srv/etl/sources/partner.py", line 55, in fetch
    resp.raise_for_status()
requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.partner.io/v2/export?since=2025-03-01
""",
        ("basic auth header base64", BASIC_B64),
        ("cookie sessionid in dict", COOKIE_SESSION),
    ),
    ev(
        "bearer_and_xapikey",
        f"""2025-03-02 04:18:40,001 ERROR etl.http: POST https://ingest.acme.io/v1/batch failed: 403 Forbidden
> POST /v1/batch HTTP/1.1
> Host: ingest.acme.io
> Authorization: Bearer {BEARER}
> X-API-Key: {XAPIKEY}
> PRIVATE-TOKEN: {PRIVATE_TOKEN_HDR}
< HTTP/1.1 403 Forbidden
""",
        ("bearer header", BEARER),
        ("X-API-Key header", XAPIKEY),
        ("PRIVATE-TOKEN header (GitLab)", PRIVATE_TOKEN_HDR),
    ),
    ev(
        "oauth_refresh",
        f"""2025-03-02 04:19:00,333 ERROR etl.google_ads: token refresh failed
Traceback (most recent call last):
  File "/srv/etl/sources/ads.py", line 77, in refresh
    creds.refresh(Request())
google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.', {{'error': 'invalid_grant', 'error_description': 'Token has been expired or revoked.'}}) refresh_token={GOOGLE_REFRESH} client_secret={GCP_OAUTH_SECRET}
""",
        ("google refresh token 1//", GOOGLE_REFRESH),
        ("GOCSPX client secret", GCP_OAUTH_SECRET),
    ),
    ev(
        "oauth_refresh_json",
        f"""2025-03-02 04:19:20,100 ERROR etl.salesforce: token endpoint said 400: {{"error":"invalid_grant","error_description":"expired access/refresh token"}} request body was {{"grant_type": "refresh_token", "refresh_token": "{GENERIC_REFRESH}", "client_id": "3MVG9abc"}}
""",
        ("generic refresh_token JSON", GENERIC_REFRESH),
    ),
    ev(
        "stripe",
        f"""2025-03-02 04:20:00,010 ERROR etl.billing: stripe.error.AuthenticationError: Invalid API Key provided: {STRIPE_LIVE}
2025-03-02 04:20:00,011 ERROR etl.billing: restricted key {STRIPE_RK} lacks permission rak_charge_read
""",
        ("stripe sk_live", STRIPE_LIVE),
        ("stripe rk_live", STRIPE_RK),
    ),
    ev(
        "twilio",
        f"""2025-03-02 04:20:30,010 ERROR etl.sms: HTTP 401 error: Unable to create record: Authenticate
twilio.base.exceptions.TwilioRestException: HTTP 401 error: Unable to create record: Authenticate (client=Client({TWILIO_SID}, {TWILIO_TOKEN}))
2025-03-02 04:20:30,020 ERROR etl.sms: retry with api key SK{tok("twapikey", 32, HEX)} secret {TWILIO_API_SECRET} failed
""",
        ("twilio auth token after AC sid", TWILIO_TOKEN),
        ("twilio api key secret after 'secret'", TWILIO_API_SECRET),
    ),
    ev(
        "slack_tokens",
        f"""2025-03-02 04:21:00,010 ERROR airflow.providers.slack: SlackApiError: The request to the Slack API failed. (url: https://slack.com/api/chat.postMessage) The server responded with: {{'ok': False, 'error': 'invalid_auth'}} token={SLACK_BOT}
2025-03-02 04:21:00,011 ERROR airflow.providers.slack: fallback webhook {SLACK_HOOK} returned 404 no_service; user token {SLACK_USER}
""",
        ("slack bot token", SLACK_BOT),
        ("slack webhook secret path", SLACK_HOOK_SECRET),
        ("slack user token", SLACK_USER),
    ),
    ev(
        "github_gitlab",
        f"""+ git clone https://x-access-token:{GH_INSTALL}@github.com/acme/etl-dags.git /tmp/dags
fatal: unable to access 'https://github.com/acme/etl-dags.git/': The requested URL returned error: 403
2025-03-02 04:22:00,010 ERROR etl.deploy: git clone failed (exit 128); GITHUB_TOKEN={GH_PAT}
2025-03-02 04:22:00,011 ERROR etl.deploy: gh api repos/acme/etl-dags -H "Authorization: token {GH_FINE}" returned HTTP 401
2025-03-02 04:22:00,012 ERROR etl.deploy: pip install from gitlab failed: https://oauth2:{GITLAB}@gitlab.acme.io/data/etl-libs.git
2025-03-02 04:22:00,013 ERROR etl.deploy: gitlab-runner register --token {GITLAB_RUNNER} failed: 403
""",
        ("github ghs_ in clone url", GH_INSTALL),
        ("github ghp_ env", GH_PAT),
        ("github fine-grained pat", GH_FINE),
        ("gitlab glpat in url", GITLAB),
        ("gitlab runner glrt-", GITLAB_RUNNER),
    ),
    ev(
        "npm_pypi_docker",
        f"""#12 [build 4/9] RUN npm ci
#12 0.812 npm ERR! code E401
#12 0.813 npm ERR! Unable to authenticate, your authentication token seems to be invalid. //registry.npmjs.org/:_authToken={NPM}
#14 [build 6/9] RUN twine upload dist/*
#14 1.201 ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/ (TWINE_PASSWORD={PYPI})
#15 ERROR: docker login -u acmeetl -p {DOCKERHUB} failed: unauthorized: incorrect username or password
ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1
""",
        ("npm token", NPM),
        ("pypi token", PYPI),
        ("docker hub pat via -p", DOCKERHUB),
    ),
    ev(
        "ssh_key_in_error",
        f"""2025-03-02 04:23:00,010 ERROR etl.sftp: paramiko.ssh_exception.SSHException: not a valid RSA private key file; key material was:
-----BEGIN OPENSSH PRIVATE KEY-----
{SSH_BODY[0]}
{SSH_BODY[1]}
{SSH_BODY[2]}
{SSH_BODY[3]}
{SSH_BODY[4]}
-----END OPENSSH PRIVATE KEY-----
""",
        *[("openssh private key line", line) for line in SSH_BODY],
    ),
    ev(
        "pgp_key",
        f"""2025-03-02 04:23:30,010 ERROR etl.gpg: gnupg import failed: status=IMPORT_PROBLEM data follows
-----BEGIN PGP PRIVATE KEY BLOCK-----

{PGP_BODY[0]}
{PGP_BODY[1]}
{PGP_BODY[2]}
{PGP_BODY[3]}
={PGP_BODY[4][:4]}
-----END PGP PRIVATE KEY BLOCK-----
""",
        *[("pgp private key line", line) for line in PGP_BODY[:4]],
    ),
    ev(
        "jwt_one_line",
        f"""2025-03-02 04:24:00,010 ERROR etl.api: jwt.exceptions.ExpiredSignatureError: Signature has expired for token {JWT_ONE}
""",
        ("jwt signature", JWT_SIG),
        ("jwt payload", JWT_PAYLOAD),
    ),
    ev(
        "jwt_split",
        f"""2025-03-02 04:24:30,010 ERROR etl.api: 401 from https://api.acme.io/v1/runs, sent id_token:
    {JWT_HEADER}.
    {JWT2_PAYLOAD}.
    {JWT2_SIG}
""",
        ("jwt split payload", JWT2_PAYLOAD),
        ("jwt split signature", JWT2_SIG),
    ),
    ev(
        "boto3_keys",
        f"""2025-03-02 04:25:00,010 DEBUG botocore.credentials: Found credentials in environment variables. AWS_ACCESS_KEY_ID={AWS_AKID} AWS_SECRET_ACCESS_KEY={AWS_SECRET_ENV}
2025-03-02 04:25:00,512 ERROR etl.s3: upload to s3://acme-dw-landing/orders/2025-03-01/part-0000.parquet failed
Traceback (most recent call last):
  File "/srv/etl/sinks/s3.py", line 42, in put
    s3.upload_file(local, bucket, key)
botocore.exceptions.ClientError: An error occurred (InvalidAccessKeyId) when calling the PutObject operation: The AWS Access Key Id you provided does not exist in our records.
""",
        ("aws access key id", AWS_AKID),
        ("aws secret env", AWS_SECRET_ENV),
    ),
    ev(
        "boto3_session_bytes",
        f"""2025-03-02 04:25:30,010 DEBUG botocore.endpoint: Making request for OperationModel(name=GetObject) with params: {{'headers': {{'X-Amz-Security-Token': b'{AWS_SESSION}', 'User-Agent': b'Boto3/1.34.0'}}}}
2025-03-02 04:25:30,400 ERROR etl.s3: botocore.exceptions.ClientError: An error occurred (ExpiredToken) when calling the GetObject operation: The provided token has expired. key_id={AWS_AKID2}
""",
        ("aws session token bytes", AWS_SESSION),
        ("aws ASIA id", AWS_AKID2),
    ),
    ev(
        "aws_cli_configure",
        f"""+ aws configure set aws_secret_access_key {AWS_SECRET_CLI} --profile etl
+ aws s3 cp /data/out s3://acme-dw-landing/out --recursive
upload failed: /data/out/a.parquet to s3://acme-dw-landing/out/a.parquet An error occurred (SignatureDoesNotMatch) when calling the PutObject operation: The request signature we calculated does not match the signature you provided. Check your key and signing method.
2025-03-02 04:26:00,010 ERROR etl.sync: aws cli exited 1
""",
        ("aws configure set secret", AWS_SECRET_CLI),
    ),
    ev(
        "configparser_aws",
        f"""2025-03-02 04:26:20,010 ERROR etl.creds: could not read /home/etl/.aws/credentials
configparser.ParsingError: Source contains parsing errors: '/home/etl/.aws/credentials'
\t[line  3]: 'aws_secret_access_key {AWS_SECRET}\\n'
""",
        ("configparser aws secret", AWS_SECRET),
    ),
    ev(
        "azure_conn_str",
        f"""2025-03-02 04:27:00,010 ERROR etl.azure: upload failed
Traceback (most recent call last):
  File "/srv/etl/sinks/adls.py", line 23, in put
    svc = BlobServiceClient.from_connection_string("DefaultEndpointsProtocol=https;AccountName=acmedwlake;AccountKey={AZ_ACCOUNT_KEY};EndpointSuffix=core.windows.net")
azure.core.exceptions.ClientAuthenticationError: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.
ErrorCode:AuthenticationFailed
""",
        ("azure AccountKey", AZ_ACCOUNT_KEY),
    ),
    ev(
        "azure_sas",
        f"""2025-03-02 04:27:30,010 ERROR etl.azure: GET https://acmedwlake.blob.core.windows.net/landing/orders.csv?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2025-03-03T04:00:00Z&st=2025-03-02T04:00:00Z&spr=https&sig={AZ_SAS_SIG} -> 403 AuthorizationFailure
""",
        ("azure SAS sig", AZ_SAS_SIG),
    ),
    ev(
        "azure_spark_conf",
        f"""25/03/02 04:28:00 INFO SparkContext: Spark configuration:
spark.app.name=orders_to_lake
spark.hadoop.fs.azure.account.key.acmedwlake.dfs.core.windows.net={AZ_FS_KEY}
spark.hadoop.fs.azure.account.oauth2.client.secret={AZ_CLIENT_SECRET}
25/03/02 04:28:05 ERROR FileFormatWriter: Aborting job 7f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b.
org.apache.hadoop.fs.azurebfs.contracts.exceptions.AbfsRestOperationException: Operation failed: "Server failed to authenticate the request.", 403, HEAD, https://acmedwlake.dfs.core.windows.net/landing/?upn=false&action=getAccessControl&timeout=90
\tat org.apache.hadoop.fs.azurebfs.services.AbfsRestOperation.execute(AbfsRestOperation.java:231)
""",
        ("fs.azure.account.key", AZ_FS_KEY),
        ("azure oauth2 client.secret", AZ_CLIENT_SECRET),
    ),
    ev(
        "gcp_sa_json",
        f"""2025-03-02 04:28:30,010 ERROR etl.bq: invalid service account info: {{"type": "service_account", "project_id": "acme-dw", "private_key_id": "{GCP_PK_ID}", "private_key": "-----BEGIN PRIVATE KEY-----\\n{GCP_PK_BODY[0]}\\n{GCP_PK_BODY[1]}\\n{GCP_PK_BODY[2]}\\n-----END PRIVATE KEY-----\\n", "client_email": "etl@acme-dw.iam.gserviceaccount.com"}}
google.auth.exceptions.MalformedError: Service account info was not in the expected format, missing fields token_uri.
""",
        ("gcp private_key_id (json key)", GCP_PK_ID),
        *[("gcp private key body \\n-escaped", line) for line in GCP_PK_BODY[:3]],
    ),
    ev(
        "gcp_api_key_and_ya29",
        f"""2025-03-02 04:29:00,010 ERROR etl.geo: googlemaps.exceptions.ApiError: REQUEST_DENIED (The provided API key is invalid.) url=https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key={GCP_API_KEY}
2025-03-02 04:29:00,050 ERROR etl.gcs: 401 Unauthorized: credentials were {GCP_ACCESS}
""",
        ("google AIza api key", GCP_API_KEY),
        ("google ya29 access token bare", GCP_ACCESS),
    ),
    ev(
        "databricks_hf_openai",
        f"""2025-03-02 04:30:00,010 ERROR etl.ml: databricks-cli failed: Error: Authorization failed. Your token may be expired or lack the valid scope (host https://adb-1234567890123456.7.azuredatabricks.net, {DATABRICKS})
2025-03-02 04:30:00,020 ERROR etl.ml: huggingface_hub.utils._errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-65e2b3f0) using {HF}
2025-03-02 04:30:00,030 ERROR etl.ml: subprocess.CalledProcessError: Command '['python', 'embed.py', '--model', 'text-embedding-3-small', '{OPENAI}']' returned non-zero exit status 2.
2025-03-02 04:30:00,040 ERROR etl.ml: anthropic.AuthenticationError: Error code: 401 - invalid x-api-key ({ANTHROPIC})
""",
        ("databricks dapi bare", DATABRICKS),
        ("huggingface hf_ bare", HF),
        ("openai sk-proj positional arg", OPENAI),
        ("anthropic sk-ant", ANTHROPIC),
    ),
    ev(
        "sendgrid_mailgun",
        f"""2025-03-02 04:30:30,010 ERROR etl.notify: python_http_client.exceptions.UnauthorizedError: HTTP Error 401: Unauthorized (sendgrid client created with {SENDGRID})
2025-03-02 04:30:30,020 ERROR etl.notify: mailgun POST https://api.mailgun.net/v3/mg.acme.io/messages as api:{MAILGUN} -> 401 Forbidden
""",
        ("sendgrid SG. bare", SENDGRID),
        ("mailgun key- in user:pw", MAILGUN),
    ),
    ev(
        "datadog_sentry_newrelic",
        f"""2025-03-02 04:31:00,010 ERROR etl.metrics: datadog.api failed: 403 Forbidden {{"errors":["Forbidden"]}} (DD_API_KEY={DATADOG}, DD_APP_KEY={DATADOG_APP})
2025-03-02 04:31:00,020 ERROR etl.metrics: sentry_sdk init failed for dsn https://{SENTRY_KEY}@o450123.ingest.sentry.io/5501234
2025-03-02 04:31:00,030 ERROR etl.metrics: NerdGraph 401 with API-Key: {NEWRELIC}
""",
        ("datadog api key env", DATADOG),
        ("datadog app key env", DATADOG_APP),
        ("sentry dsn public key", SENTRY_KEY),
        ("new relic NRAK", NEWRELIC),
    ),
    ev(
        "vault",
        f"""2025-03-02 04:31:30,010 ERROR etl.secrets: hvac.exceptions.Forbidden: permission denied, on get https://vault.acme.local:8200/v1/secret/data/etl/dw (VAULT_TOKEN={VAULT})
""",
        ("vault hvs token", VAULT),
    ),
    ev(
        "k8s_secret_yaml",
        f"""2025-03-02 04:32:00,010 ERROR etl.deploy: kubectl apply failed, manifest was:
apiVersion: v1
kind: Secret
metadata:
  name: etl-db
type: Opaque
data:
  password: {K8S_DB_PW_B64}
  token: {K8S_TOKEN_B64}
Error from server (Forbidden): secrets "etl-db" is forbidden: User "system:serviceaccount:etl:runner" cannot patch resource "secrets" in API group "" in the namespace "etl"
""",
        ("k8s secret data base64 password", K8S_DB_PW_B64),
        ("k8s secret data base64 token", K8S_TOKEN_B64),
    ),
    ev(
        "docker_run_e",
        f"""2025-03-02 04:32:30,010 ERROR etl.runner: Command 'docker run --rm -e POSTGRES_PASSWORD={DOCKER_RUN_PW} -e AWS_SECRET_ACCESS_KEY={DOCKER_RUN_AWS} -e AWS_REGION=eu-west-1 acme/etl-loader:1.42 load --date 2025-03-01' returned non-zero exit status 125.
docker: Error response from daemon: pull access denied for acme/etl-loader, repository does not exist or may require 'docker login'.
""",
        ("docker -e POSTGRES_PASSWORD", DOCKER_RUN_PW),
        ("docker -e AWS_SECRET_ACCESS_KEY", DOCKER_RUN_AWS),
    ),
    ev(
        "terraform_output",
        f"""2025-03-02 04:33:00,010 ERROR etl.infra: terraform apply failed
Outputs:

db_endpoint = "dw-prod.cluster-c1x2y3.eu-west-1.rds.amazonaws.com"
db_password = "{TF_DB_PW}"

Error: error creating RDS Cluster (dw-prod): DBClusterAlreadyExistsFault: DB Cluster already exists
  with aws_rds_cluster.dw, on main.tf line 12, in resource "aws_rds_cluster" "dw":
  12: resource "aws_rds_cluster" "dw" {{
+ export TF_VAR_db_password={TF_VAR_PW}
""",
        ("terraform output db_password", TF_DB_PW),
        ("TF_VAR_db_password", TF_VAR_PW),
    ),
    ev(
        "java_properties",
        f"""2025-03-02 04:33:30.010 ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed with properties:
spring.datasource.url=jdbc:postgresql://pg-dw.etl.internal:5432/dw
spring.datasource.username=etl_app
spring.datasource.password={SPRING_PW}
javax.net.ssl.keyStorePassword={KEYSTORE_PW}
org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource': Failed to initialize pool: FATAL: password authentication failed for user "etl_app"
\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1786)
""",
        ("spring.datasource.password", SPRING_PW),
        ("javax keyStorePassword", KEYSTORE_PW),
    ),
    ev(
        "hadoop_xml",
        f"""25/03/02 04:34:00 ERROR Configuration: error parsing conf core-site.xml near:
<property>
  <name>fs.s3a.secret.key</name>
  <value>{HADOOP_S3A_SECRET}</value>
</property>
<Password>{XML_PW}</Password>
com.ctc.wstx.exc.WstxParsingException: Unexpected close tag </configuration>; expected </property>.
\tat com.ctc.wstx.sr.StreamScanner.constructWfcException(StreamScanner.java:634)
""",
        ("hadoop xml name/value s3a secret", HADOOP_S3A_SECRET),
        ("xml <Password>", XML_PW),
    ),
    ev(
        "ini_and_pgpass",
        f"""2025-03-02 04:34:30,010 ERROR etl.config: bad config /etc/etl/my.cnf:
[client]
user = etl
password = {INI_PW}
host = mysql-prod-01
2025-03-02 04:34:30,011 WARNING etl.config: /home/etl/.pgpass line 2 ignored: pg-dw.etl.internal:5432:dw:etl_loader:{PGPASS_PW}
""",
        ("ini password =", INI_PW),
        ("pgpass line", PGPASS_PW),
    ),
    ev(
        "env_dump",
        f"""2025-03-02 04:35:00,010 ERROR etl.runner: child failed, environment was:
HOME=/home/etl
PATH=/usr/local/bin:/usr/bin
MYSQL_PWD={MYSQL_PWD_ENV}
PGPASSWORD={PGPASSWORD_ENV}
DD_SITE=datadoghq.eu
SPARK_AUTH_SECRET={SPARK_AUTH_SECRET}
API_SECRET={GENERIC_API_SECRET}
subprocess.CalledProcessError: Command '/srv/etl/bin/load.sh' returned non-zero exit status 1.
""",
        ("MYSQL_PWD env", MYSQL_PWD_ENV),
        ("PGPASSWORD env", PGPASSWORD_ENV),
        ("SPARK_AUTH_SECRET env", SPARK_AUTH_SECRET),
        ("API_SECRET env", GENERIC_API_SECRET),
    ),
    ev(
        "spaces_around_eq",
        f"""2025-03-02 04:35:30,010 ERROR etl.settings: invalid settings: db_host = pg-dw , db_password   =   {SPACED_PW} , db_port = five
2025-03-02 04:35:30,011 ERROR etl.settings: smtp_password = "{SPACED_PW2}" rejected by server
""",
        ("password with spaces around =", SPACED_PW),
        ("quoted password containing spaces", SPACED_PW2),
    ),
    ev(
        "unicode_lookalike_keys",
        f"""2025-03-02 04:36:00,010 ERROR etl.settings: unknown option p\u0430ssword={CYRILLIC_PW} (did you mean password?)
2025-03-02 04:36:00,011 ERROR etl.settings: unknown option \uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44={FULLWIDTH_PW}
""",
        ("cyrillic-a password key", CYRILLIC_PW),
        ("fullwidth password key", FULLWIDTH_PW),
    ),
    ev(
        "percent_encoded",
        f"""2025-03-02 04:36:30,010 ERROR etl.http: GET https://legacy.partner.io/export.php?user=acme&password={PCT_PW}&fmt=csv failed: 500 Internal Server Error
2025-03-02 04:36:30,011 ERROR etl.http: callback was https://etl.acme.io/cb?next=postgresql%3A%2F%2Fetl%3A{quote(PCT_URL_PW, safe="")}%40pg-dw%3A5432%2Fdw
""",
        ("percent-encoded password query", PCT_PW),
        ("percent-encoded DSN inside url", quote(PCT_URL_PW, safe="")),
    ),
    ev(
        "base64_basic_in_curl",
        f"""+ curl -sS -f -H 'Authorization: Basic {B64_CRED}' https://nexus.acme.local/repository/raw/etl.tar.gz -o /tmp/etl.tar.gz
curl: (22) The requested URL returned error: 401
2025-03-02 04:37:00,010 ERROR etl.fetch: download failed with exit 22
""",
        ("base64 basic credential in curl -H", B64_CRED),
    ),
    ev(
        "traceback_source_and_locals",
        f"""2025-03-02 04:37:30,010 ERROR etl.load: unhandled
Traceback (most recent call last):
  File "/srv/etl/jobs/load.py", line 31, in main
    conn = psycopg2.connect(host="pg-dw", user="etl", password="{TB_SRC_PW}")
  File "/srv/etl/.venv/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
    Locals:
        dsn = 'host=pg-dw user=etl password={TB_LOCAL_PW}'
        api_token = '{TB_LOCAL_TOKEN}'
psycopg2.OperationalError: FATAL:  password authentication failed for user "etl"
""",
        ("traceback source password=", TB_SRC_PW),
        ("locals dsn password", TB_LOCAL_PW),
        ("locals api_token", TB_LOCAL_TOKEN),
    ),
    ev(
        "rich_locals",
        f"""2025-03-02 04:38:00,010 ERROR etl.cli: crashed
╭───────────────────── Traceback (most recent call last) ─────────────────────╮
│ /srv/etl/cli.py:44 in main                                                  │
│ ╭──────────────────────────── locals ────────────────────────────╮          │
│ │ db_password = '{RICH_LOCAL_PW}'                                │          │
│ │    username = 'etl'                                            │          │
│ ╰────────────────────────────────────────────────────────────────╯          │
╰─────────────────────────────────────────────────────────────────────────────╯
ConnectionError: could not reach pg-dw
""",
        ("rich locals db_password", RICH_LOCAL_PW),
    ),
    ev(
        "subprocess_cmds",
        f"""2025-03-02 04:38:30,010 ERROR etl.export: export step failed
Traceback (most recent call last):
  File "/srv/etl/jobs/export.py", line 12, in run
    subprocess.run(cmd, check=True)
subprocess.CalledProcessError: Command '['mysql', '-h', 'mysql-prod-01', '-uroot', '-p{CPE_PW}', '-e', 'SELECT 1']' returned non-zero exit status 1.
2025-03-02 04:38:30,020 ERROR etl.export: sqlcmd -S sql-erp.acme.local -U etl_reader -P "{SQLCMD_PW}" -Q "EXEC dbo.export" failed (exit 1)
2025-03-02 04:38:30,030 ERROR etl.export: pg_dump --dbname=postgresql://etl:{PGDUMP_PW}@pg-dw:5432/dw -Fc -f /backup/dw.dump exited 1
""",
        ("mysql -p<pw> in list", CPE_PW),
        ("sqlcmd -P quoted", SQLCMD_PW),
        ("pg_dump --dbname url", PGDUMP_PW),
    ),
    ev(
        "spark_submit_conf",
        f"""[2025-03-02T04:39:00.010+0000] {{spark_submit.py:521}} INFO - Spark-Submit cmd: spark-submit --master yarn --conf spark.hadoop.fs.s3a.access.key={AWS_AKID} --conf spark.hadoop.fs.s3a.secret.key={SPARK_SUBMIT_KEY} --name orders_agg /opt/jobs/orders_agg.py
[2025-03-02T04:39:40.010+0000] {{taskinstance.py:3311}} ERROR - Task failed with exception
airflow.exceptions.AirflowException: Cannot execute: spark-submit --master yarn --conf spark.hadoop.fs.s3a.access.key={AWS_AKID} --conf spark.hadoop.fs.s3a.secret.key={SPARK_SUBMIT_KEY} --name orders_agg /opt/jobs/orders_agg.py. Error code is: 1.
""",
        ("spark-submit s3a secret.key", SPARK_SUBMIT_KEY),
    ),
    ev(
        "query_string_tokens",
        f"""2025-03-02 04:40:00,010 ERROR etl.http: requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.weather.io', port=443): Max retries exceeded with url: /v1/history?access_token={QS_TOKEN}&apikey={QS_APIKEY}&day=2025-03-01 (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f3a2b1c4d90>: Failed to establish a new connection: [Errno -2] Name or service not known'))
""",
        ("access_token query", QS_TOKEN),
        ("apikey query", QS_APIKEY),
    ),
    ev(
        "ldap_smtp",
        f"""2025-03-02 04:40:30,010 ERROR etl.auth: ldap3.core.exceptions.LDAPBindError: automatic bind not successful - invalidCredentials for Connection(server=Server(host='ldap.acme.local', port=636, use_ssl=True), user='cn=etl,ou=svc,dc=acme,dc=local', password='{LDAP_PW}', auto_bind='DEFAULT')
2025-03-02 04:40:30,020 ERROR etl.notify: smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted.') login('alerts@acme.io', '{SMTP_PW}')
""",
        ("ldap3 Connection password=", LDAP_PW),
        ("smtplib login positional password", SMTP_PW),
    ),
    ev(
        "jdbc_urls",
        f"""25/03/02 04:41:00 ERROR DriverManager: No suitable driver for jdbc:sqlserver://sql-erp.acme.local:1433;databaseName=ERP;user=sa;password={JDBC_MSSQL_PW};encrypt=true
25/03/02 04:41:00 ERROR DriverManager: also failed: jdbc:postgresql://pg-dw.etl.internal:5432/dw?user=etl&password={JDBC_PG_PW}&ssl=true
25/03/02 04:41:00 ERROR DriverManager: also failed: jdbc:snowflake://acme-xy12345.snowflakecomputing.com/?user=svc_etl&password={JDBC_SNOW_PW}&db=ANALYTICS
java.sql.SQLException: No suitable driver
\tat java.sql/java.sql.DriverManager.getDriver(DriverManager.java:299)
""",
        ("jdbc sqlserver password=", JDBC_MSSQL_PW),
        ("jdbc postgres password= query", JDBC_PG_PW),
        ("jdbc snowflake password= query", JDBC_SNOW_PW),
    ),
    ev(
        "misc_urls",
        f"""2025-03-02 04:41:30,010 ERROR etl.sinks: clickhouse_driver.errors.NetworkError: Code: 210. Connection refused (clickhouse://default:{CLICKHOUSE_PW}@ch-prod:9000/analytics)
2025-03-02 04:41:30,020 ERROR etl.sinks: elasticsearch.exceptions.ConnectionError: ConnectionError(<urllib3.connection.HTTPConnection object at 0x7f1e>) caused by: NewConnectionError(http://elastic:{ELASTIC_PW}@es-prod:9200)
2025-03-02 04:41:30,030 ERROR etl.sinks: pysftp failed for sftp://partner_ftp:{SFTP_PW}@sftp.partner.com:22/outbound
2025-03-02 04:41:30,040 ERROR etl.sinks: discord webhook https://discord.com/api/webhooks/1212121212121212121/{DISCORD_HOOK_TOKEN} returned 401
""",
        ("clickhouse url password", CLICKHOUSE_PW),
        ("elastic url password", ELASTIC_PW),
        ("sftp url password", SFTP_PW),
        ("discord webhook token path", DISCORD_HOOK_TOKEN),
    ),
    ev(
        "shopify_okta_heroku",
        f"""2025-03-02 04:42:00,010 ERROR etl.sources: shopify.ApiAccessError: [API] Invalid API key or access token (X-Shopify-Access-Token: {SHOPIFY})
2025-03-02 04:42:00,020 ERROR etl.sources: okta GET /api/v1/users 401 with Authorization: SSWS {OKTA}
2025-03-02 04:42:00,030 ERROR etl.sources: heroku pg:backups failed, HEROKU_API_KEY={HEROKU_KEY}
2025-03-02 04:42:00,040 ERROR etl.sources: az devops: TF400813: The user is not authorized (pat {AZ_DEVOPS_PAT})
""",
        ("shopify shpat", SHOPIFY),
        ("okta SSWS", OKTA),
        ("heroku api key env", HEROKU_KEY),
        ("azure devops pat after 'pat'", AZ_DEVOPS_PAT),
    ),
    ev(
        "netrc_openssl_keytool",
        f"""2025-03-02 04:42:30,010 ERROR etl.tools: netrc.NetrcParseError: bad follower token 'protocol' (/home/etl/.netrc, line 1): machine api.partner.io login etl_bot password {NETRC_PW} protocol https
2025-03-02 04:42:30,020 ERROR etl.tools: openssl pkcs12 -export -in etl.crt -inkey etl.key -passin pass:{OPENSSL_PASSIN} -out etl.p12 exited 1
2025-03-02 04:42:30,030 ERROR etl.tools: keytool -importcert -keystore /etc/etl/truststore.jks -storepass {KEYTOOL_PW} -noprompt failed
""",
        ("netrc password", NETRC_PW),
        ("openssl -passin pass:", OPENSSL_PASSIN),
        ("keytool -storepass", KEYTOOL_PW),
    ),
    ev(
        "az_login_docker_login_helm_kubectl",
        f"""+ az login --service-principal -u 3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9 -p {AZ_SP_SECRET} --tenant acme.onmicrosoft.com
ERROR: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID
+ echo {DOCKER_LOGIN_PW} | docker login --username acmeetl --password-stdin registry.acme.io
+ helm upgrade --install etl acme/etl --set postgresql.auth.password={HELM_PW} --set image.tag=1.42
Error: UPGRADE FAILED: context deadline exceeded
+ kubectl create secret generic etl-db --from-literal=username=etl --from-literal=password={KUBECTL_LIT_PW}
error: failed to create secret secrets "etl-db" already exists
""",
        ("az login -p secret", AZ_SP_SECRET),
        ("echo pw | docker login --password-stdin", DOCKER_LOGIN_PW),
        ("helm --set ...password=", HELM_PW),
        ("kubectl --from-literal=password=", KUBECTL_LIT_PW),
    ),
    ev(
        "dict_repr_pass_bytes",
        f"""2025-03-02 04:43:00,010 ERROR etl.db: connect() failed with kwargs {{'host': 'pg-dw', 'user': 'etl', 'pass': '{DICT_PASS}', 'db_pass': b'{DICT_BYTES}', 'port': 5432}}
TypeError: connect() got an unexpected keyword argument 'pass'
""",
        ("dict 'pass'", DICT_PASS),
        ("dict 'db_pass' bytes", DICT_BYTES),
    ),
    ev(
        "json_escaped_quotes",
        f"""2025-03-02 04:43:30,010 ERROR etl.config: could not load settings {{"db": {{"host": "pg-dw", "password": "{JSON_ESC_PW}", "port": 5432}}, "debug": false}}
json.decoder.JSONDecodeError: Expecting ',' delimiter: line 1 column 88 (char 87)
""",
        ("json password with escaped quotes", JSON_ESC_PW_CORE),
    ),
    ev(
        "scala_arrow",
        f"""25/03/02 04:44:00 ERROR Main$: failed with options Map(url -> jdbc:postgresql://pg-dw:5432/dw, user -> etl, password -> "{SCALA_PW}", dbtable -> public.orders)
org.postgresql.util.PSQLException: FATAL: password authentication failed for user "etl"
\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
""",
        ('scala password -> "..."', SCALA_PW),
    ),
    ev(
        "psycopg2_kw_dsn",
        f"""2025-03-02 04:44:30,010 ERROR etl.db: psycopg2.OperationalError: invalid dsn: invalid connection option "sslmodee"
 (dsn was: dbname=dw user=etl_loader password={PG_KW_PW} host=pg-dw.etl.internal port=5432 sslmodee=require)
""",
        ("libpq keyword password=", PG_KW_PW),
    ),
    ev(
        "dbt_profiles_dump",
        f"""04:45:01  Encountered an error:
Runtime Error
  Credentials in profile "acme_dw", target "prod" invalid: 'port' is a required property
  Profile dump:
    type: snowflake
    account: acme-xy12345
    user: DBT_PROD
    password: '{SNOW_PW2[:4]}-dbt-{tok("dbtpw", 12)}'
    token: {CONFIG_DUMP_TOKEN}
""",
        ("dbt profile yaml password", f"{SNOW_PW2[:4]}-dbt-{tok('dbtpw', 12)}"),
        ("dbt profile yaml token", CONFIG_DUMP_TOKEN),
    ),
]


def all_secrets() -> list[tuple[str, str, str]]:
    """(event name, kind, value) for every secret in the corpus."""
    return [(e.name, kind, value) for e in EVENTS for kind, value in e.secrets]


# ---------------------------------------------------------------- clean lines

_CLEAN_LINES = """\
jwt.exceptions.InvalidTokenError: Not enough segments
google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.', {'error': 'invalid_grant'})
authlib.integrations.base_client.errors.TokenExpiredError: token_expired
oauthlib.oauth2.rfc6749.errors.TokenExpiredError: (token_expired)
botocore.exceptions.NoCredentialsError: Unable to locate credentials
botocore.exceptions.PartialCredentialsError: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY
KeyError: 'password'
KeyError: 'api_key'
KeyError: 'AWS_SECRET_ACCESS_KEY'
cryptography.exceptions.InvalidKey
nacl.exceptions.BadSignatureError: Signature was forged or corrupt
psycopg2.OperationalError: FATAL:  password authentication failed for user "etl_loader"
sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) FATAL:  password authentication failed for user "airflow"
snowflake.connector.errors.DatabaseError: 250001 (08001): Failed to connect to DB: acme-xy12345.snowflakecomputing.com:443. Incorrect username or password was specified.
pymysql.err.OperationalError: (1045, "Access denied for user 'etl'@'10.20.1.15' (using password: YES)")
pymysql.err.OperationalError: (1045, "Access denied for user 'root'@'localhost' (using password: NO)")
java.sql.SQLInvalidAuthorizationSpecException: Access denied for user 'etl'@'10.0.3.17' (using password: YES)
org.postgresql.util.PSQLException: The server requested password-based authentication, but no password was provided.
ldap3.core.exceptions.LDAPInvalidCredentialsResult: invalidCredentials
paramiko.ssh_exception.PasswordRequiredException: Private key file is encrypted
paramiko.ssh_exception.AuthenticationException: Authentication failed.
paramiko.ssh_exception.SSHException: Error reading SSH protocol banner
keyring.errors.PasswordDeleteError: Password not found
hvac.exceptions.InvalidPath: no handler for route "secret/data/etl/dw". route entry not found., on get https://vault.acme.local:8200/v1/secret/data/etl/dw
azure.core.exceptions.ClientAuthenticationError: DefaultAzureCredential failed to retrieve a token from the included credentials.
azure.identity.CredentialUnavailableError: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.
google.api_core.exceptions.PermissionDenied: 403 Permission 'secretmanager.versions.access' denied for resource 'projects/acme-dw/secrets/dw-password/versions/latest'
google.api_core.exceptions.NotFound: 404 Secret [projects/123456789012/secrets/etl-api-key] not found or has no versions.
botocore.errorfactory.ResourceNotFoundException: An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.
botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::123456789012:assumed-role/etl-runner/i-0abc123def4567890 is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied (RequestId: 4442587FB7D0A2F9, HostId: vXyZ0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefGhIjKlMn=)
botocore.exceptions.ClientError: An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist. s3://acme-dw-landing/orders/2025-03-01/part-00000-3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9-c000.snappy.parquet
FileNotFoundError: [Errno 2] No such file or directory: '/etc/etl/secrets/dw_password.txt'
FileNotFoundError: [Errno 2] No such file or directory: '/home/airflow/.ssh/id_rsa'
PermissionError: [Errno 13] Permission denied: '/var/run/secrets/kubernetes.io/serviceaccount/token'
ValueError: Could not deserialize key data. The data may be in an incorrect format or it may be encrypted with an unsupported algorithm.
ValueError: password_file must be set when password_command is empty
ValueError: invalid literal for int() with base 10: 'token_count'
TypeError: __init__() missing 1 required positional argument: 'api_key'
TypeError: connect() got an unexpected keyword argument 'passwd'
AttributeError: 'NoneType' object has no attribute 'access_token'
RuntimeError: token_url https://login.microsoftonline.com/acme.onmicrosoft.com/oauth2/v2.0/token returned 503
requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.partner.io/oauth/token
requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://api.github.com/repos/acme/etl-dags/commits/9fceb02d0ae598e95dc970b74767f19372d61af8
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='secrets.acme.local', port=443): Max retries exceeded with url: /v1/token (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f3a2b1c4d90>: Failed to establish a new connection: [Errno 111] Connection refused'))
urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='keycloak.acme.local', port=8443): Max retries exceeded with url: /realms/etl/protocol/openid-connect/token
ssl.SSLError: [SSL: KEY_VALUES_MISMATCH] key values mismatch (_ssl.c:4063)
ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)
OSError: [Errno 28] No space left on device: '/data/spool/3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9.tmp'
airflow.exceptions.AirflowNotFoundException: The conn_id `snowflake_default` isn't defined
airflow.exceptions.AirflowException: Task received SIGTERM signal
airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 1.
airflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 3600.1 seconds exceeds the specified timeout of 3600.0.
KeyError: 'Variable etl_api_token does not exist'
dbt.exceptions.DbtProjectError: Runtime Error at path ['models', 'staging'] has no key 'password'
  Database Error in model stg_orders (models/staging/stg_orders.sql)
  column "api_key_hash" does not exist
  Compilation Error in model fct_sessions (models/marts/fct_sessions.sql)
  'secret_name' is undefined. This can happen when calling a macro that does not exist.
org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 12.0 failed 4 times, most recent failure: Lost task 3.3 in stage 12.0 (TID 881) (10.20.4.33 executor 7): java.io.IOException: No space left on device
org.apache.spark.sql.AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `token_id` cannot be resolved. Did you mean one of the following? [`token_type`, `session_id`].
java.lang.IllegalArgumentException: AWS Access Key ID and Secret Access Key must be specified by setting the fs.s3a.access.key and fs.s3a.secret.key properties
com.amazonaws.services.s3.model.AmazonS3Exception: The AWS Access Key Id you provided does not exist in our records. (Service: Amazon S3; Status Code: 403; Error Code: InvalidAccessKeyId; Request ID: 8A7B6C5D4E3F2A1B; S3 Extended Request ID: abcDEF123ghiJKL456mnoPQR789stuVWX0yz=)
org.apache.hadoop.security.AccessControlException: Permission denied: user=etl, access=WRITE, inode="/warehouse/orders":hive:hadoop:drwxr-xr-x
javax.crypto.BadPaddingException: Given final block not properly padded. Such issues can arise if a bad key is used during decryption.
java.security.UnrecoverableKeyException: Cannot recover key
java.security.KeyStoreException: Uninitialized keystore
javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target
org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders.v2]
org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512
io.jsonwebtoken.ExpiredJwtException: JWT expired at 2025-03-02T04:00:00Z. Current time: 2025-03-02T04:10:12Z, a difference of 612345 milliseconds.
com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException: Unrecognized field "secretKey" (class com.acme.etl.S3Config), not marked as ignorable
git checkout failed: reference is not a tree: 9fceb02d0ae598e95dc970b74767f19372d61af8
fatal: couldn't find remote ref refs/heads/feature/rotate-api-keys
error: RPC failed; HTTP 401 curl 22 The requested URL returned error: 401
Error: No such container: 3f2a1b0c9d8e4f7ab6c5d4e3f2a1b0c9d8e4f7ab6c5d4e3f2a1b0c9d8e4f7ab6
Error response from daemon: manifest for acme/etl-loader@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 not found
kubernetes.client.exceptions.ApiException: (403) Reason: Forbidden: secrets "etl-db-credentials" is forbidden: User "system:serviceaccount:etl:runner" cannot get resource "secrets"
Error from server (NotFound): secrets "airflow-fernet-key" not found
Error: INSTALLATION FAILED: execution error at (etl/templates/secret.yaml:9:21): A valid .Values.postgresql.auth.existingSecret entry required!
Error: Invalid value for input variable: The given value is not suitable for var.db_password_secret_arn declared at variables.tf:12,1-32
Error: reading Secrets Manager Secret (arn:aws:secretsmanager:eu-west-1:123456789012:secret:etl/dw-AbCdEf): couldn't find resource
ERROR: (gcloud.auth.activate-service-account) Unable to read file [/secrets/gcp/etl-sa.json]: [Errno 2] No such file or directory
ERROR: AADSTS700016: Application with identifier '3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9' was not found in the directory 'acme.onmicrosoft.com'.
redis.exceptions.AuthenticationError: Authentication required.
redis.exceptions.ConnectionError: Error 111 connecting to redis-cache.etl.internal:6379. Connection refused.
pymongo.errors.OperationFailure: Authentication failed., full error: {'ok': 0.0, 'errmsg': 'Authentication failed.', 'code': 18, 'codeName': 'AuthenticationFailed'}
pika.exceptions.ProbableAuthenticationError: ConnectionClosedByBroker: (403) 'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN.'
smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials d2e3f4a5b6c7.8 - gsmtp')
slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://slack.com/api/chat.postMessage) The server responded with: {'ok': False, 'error': 'token_revoked'}
stripe.error.AuthenticationError: No API key provided. (HINT: set your API key using "stripe.api_key = <API-KEY>")
twilio.base.exceptions.TwilioRestException: HTTP 404 error: Unable to fetch record: The requested resource /2010-04-01/Accounts/ACxxxxxxxx/Messages/SMxxxxxxxx.json was not found
github.GithubException.BadCredentialsException: 401 {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
huggingface_hub.errors.GatedRepoError: 403 Client Error. Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.2-1B/resolve/main/config.json.
openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-********************abcd.', 'type': 'invalid_request_error'}}
databricks.sdk.errors.platform.PermissionDenied: User does not have permission to use token on cluster 0302-041012-abcd1234
KeyError: 'refresh_token'
ValueError: Missing required parameter: client_secret
ValueError: token_uri must be set in the service account info
ValueError: The passphrase for the private key at /secrets/snowflake/rsa_key.p8 is required
ValueError: secret_key_ref 'etl-dw/password' not found in vault mount 'kv'
AssertionError: expected sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 got 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
AssertionError: row count mismatch for partition dt=2025-03-01: expected 120443 got 120441
pandas.errors.ParserError: Error tokenizing data. C error: Expected 12 fields in line 8812, saw 13
pyarrow.lib.ArrowInvalid: Could not convert 'N/A' with type str: tried to convert to double
great_expectations.exceptions.ExpectationNotFoundError: expect_column_values_to_not_be_null for column password_reset_at
sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column "secret_hash" does not exist
sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "api_keys_pkey" DETAIL:  Key (id)=(8812) already exists.
psycopg2.errors.InsufficientPrivilege: permission denied for table user_passwords
psycopg2.errors.UndefinedTable: relation "auth.tokens" does not exist
snowflake.connector.errors.ProgrammingError: 002003 (42S02): SQL compilation error: Object 'ANALYTICS.PUBLIC.API_TOKENS' does not exist or not authorized.
google.api_core.exceptions.BadRequest: 400 Unrecognized name: session_token at [3:12]
Exception: Unable to find key 'orders/2025-03-01/_SUCCESS' in bucket acme-dw-landing
Exception: dag_id=token_rotation task_id=rotate_keys run_id=scheduled__2025-03-01T04:00:00+00:00 failed on host airflow-worker-7.etl.internal
TimeoutError: timed out waiting for lock /var/lock/etl/password-rotation.lock after 300s
ConnectionResetError: [Errno 104] Connection reset by peer (host=sftp.partner.com port=22 user=partner_ftp)
socket.gaierror: [Errno -2] Name or service not known: 'pg-warehouse.etl.internal'
MemoryError: Unable to allocate 12.4 GiB for an array with shape (1663122, 1000) and data type float64
subprocess.CalledProcessError: Command '['dbt', 'run', '--select', 'tag:nightly', '--target', 'prod', '--profiles-dir', '/etc/dbt']' returned non-zero exit status 2.
subprocess.CalledProcessError: Command '['pg_dump', '-h', 'pg-dw', '-U', 'etl', '--no-password', '-Fc', '-f', '/backup/dw.dump', 'dw']' returned non-zero exit status 1.
subprocess.TimeoutExpired: Command '['aws', 's3', 'sync', '/data/out', 's3://acme-dw-landing/out', '--sse', 'aws:kms', '--sse-kms-key-id', 'alias/etl-landing']' timed out after 1800 seconds
ERROR: relation "stg_orders__dbt_tmp" already exists (SQLSTATE 42P07), session_id=7f1c2d3e4b5a6978
ERROR: Could not find a version that satisfies the requirement apache-airflow-providers-snowflake==9.9.9 (from versions: 5.0.0, 5.1.0)
WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError("HTTPSConnectionPool(host='pypi.org', port=443): Read timed out. (read timeout=15)")': /simple/pyyaml/
"""

CLEAN: list[str] = [line for line in _CLEAN_LINES.splitlines() if line.strip()]


# ---------------------------------------------------------------- second wave
# Phrasings written after the first run, to probe the families around what leaked.

SB_KEY = tok("servicebus", 43, B64) + "="
EH_KAFKA_KEY = tok("eventhubkafka", 43, B64) + "="
COSMOS_KEY = tok("cosmos", 86, B64) + "=="
SNOW_STAGE_SECRET = tok("snowstage", 40, B64)
REDSHIFT_SECRET = tok("redshiftcopy", 40, B64)
REDSHIFT_SECRET2 = tok("redshiftcopy2", 40, B64)
ORA_IDENT_PW = "OraIdentBy_Pw5512"
PG_CREATE_USER_PW = "PgCreateUserPw-7714"
SQLPLUS_PW = "SqlPlusPw_8821z"
EXPDP_PW = "ExpdpSysPw_4471"
REDIS_CLI_PW = "RedisCliAuth-8812"
LDAPSEARCH_PW = "LdapSearchPw_3319"
SMBCLIENT_PW = "SmbClientPw-1177"
LFTP_PW = "LftpUserPw-9921"
BEELINE_PW = "BeelinePw_6612q"
HIVE_CONN_PW = "HiveMetastorePw-2281"
FERNET = tok("fernet", 43, URLSAFE) + "="
WEB_SECRET_KEY = tok("websecret", 32, HEX)
AIRFLOW_SQLA_PW = "AirflowMetaDbPw-991"
MINIO_SECRET = "MinioRootSecret-44812"
RABBIT_DEFAULT_PASS = "RabbitDefaultPass-7712"
AWS_SESSION_ENV = "FwoGZXIvYXdzE" + tok("awssessenv", 200, B64)
CAMEL_CLIENT_SECRET = tok("camelclientsecret", 34, URLSAFE)
CAMEL_SECRET_ACCESS_KEY = tok("camelsak", 40, B64)
CAMEL_DB_PASSWORD = "CamelDbPw-55910"
LOMBOK_PW = "LombokToStringPw_66"
GO_STRUCT_PW = "GoStructPw-88812"
DOTNET_XML_PW = "DotnetAddValuePw-41"
XML_ATTR_PW = "XmlAttrPw_99120"
YAML_NEXTLINE_PW = "YamlNextLinePw-7781"
JSON_SPACED_PW = "JsonSpacedColonPw-22"
OCP_APIM_KEY = tok("ocpapim", 32, HEX)
X_AUTH_TOKEN = tok("xauthtoken", 40, ALNUM)
VAULT_HDR = "hvs." + tok("vaulthdr", 90, URLSAFE)
DRF_TOKEN = tok("drftoken", 40, HEX)
SET_COOKIE = tok("setcookie", 40, ALNUM)
PROXY_BASIC = _b64("proxyuser:ProxyBasicPw-221")
SLACK_APP = (
    "xapp-1-A0"
    + tok("xapp1", 9, UPPER_DIGITS)
    + "-"
    + tok("xapp2", 13, "0123456789")
    + "-"
    + tok("xapp3", 64, HEX)
)
GITLAB_DEPLOY = "gldt-" + tok("gldt", 20, URLSAFE)
SENTRY_AUTH = "sntrys_" + tok("sntrys", 120, URLSAFE)
DIGITALOCEAN = "dop_v1_" + tok("dop", 64, HEX)
STRIPE_WHSEC = "whsec_" + tok("whsec", 32, ALNUM)
STRIPE_TEST = "sk_test_51" + tok("sktest", 97, ALNUM)
TFC_TOKEN = tok("tfc1", 14, ALNUM) + ".atlasv1." + tok("tfc2", 67, ALNUM)
AGE_KEY = "AGE-SECRET-KEY-1" + tok("age", 58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")
PULUMI = "pul-" + tok("pulumi", 40, HEX)
NOTION = "ntn_" + tok("notion", 46, ALNUM)
VAULT_LEGACY = "s." + tok("vaultlegacy", 24, ALNUM)
MONGO_ROOT_PW = "MongoInitRootPw-6621"
ENVIRON_PW = "OsEnvironDbPw-7781"
PASSPHRASE_GPG = "GpgPassphraseCli-66"
PASSOUT_PW = "OpensslPassout-7712"
WGET_PW = "WgetHttpPw_55213"
MOUNT_CIFS_PW = "CifsMountPw-8812"
MYSQLDUMP_PW = "MysqlDumpLong-9912"
SECRET_ACCESS_FLAG = tok("secretaccessflag", 40, B64)
AZ_OPENAI_KEY = tok("azopenai", 32, HEX)
GOOGLE_CREDS_B64 = _b64(
    '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQ'
    + tok("gcb64", 60, B64)
    + '"}'
)
HTPASSWD_PW = "HtpasswdBatchPw-41"

EVENTS2: list[Event] = [
    ev(
        "azure_servicebus",
        f"""2025-03-02 04:46:00,010 ERROR etl.events: azure.servicebus.exceptions.ServiceBusAuthenticationError: Unauthorized access. 'Send' claim(s) are required to perform this operation. conn=Endpoint=sb://acme-etl.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={SB_KEY};EntityPath=orders
2025-03-02 04:46:00,011 ERROR etl.events: kafka client for Event Hubs failed: sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ConnectionString" password="Endpoint=sb://acme-etl.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={EH_KAFKA_KEY}";
2025-03-02 04:46:00,012 ERROR etl.events: azure.cosmos.exceptions.CosmosHttpResponseError: (Unauthorized) for AccountEndpoint=https://acme-cosmos.documents.azure.com:443/;AccountKey={COSMOS_KEY};
""",
        ("azure service bus SharedAccessKey", SB_KEY),
        ("event hubs kafka password=connection string", EH_KAFKA_KEY),
        ("cosmos AccountKey", COSMOS_KEY),
    ),
    ev(
        "sql_echo_credentials",
        f"""2025-03-02 04:46:30,010 ERROR etl.snowflake: snowflake.connector.errors.ProgrammingError: 001003 (42000): SQL compilation error: syntax error line 1 at position 88 unexpected 'STORAGE'. Query: CREATE OR REPLACE STAGE raw.orders_stage URL='s3://acme-dw-landing/orders/' CREDENTIALS=(AWS_KEY_ID='{AWS_AKID}' AWS_SECRET_KEY='{SNOW_STAGE_SECRET}') FILE_FORMAT=(TYPE=PARQUET)
2025-03-02 04:46:30,020 ERROR etl.redshift: psycopg2.errors.InternalError_: S3ServiceException:Access Denied,Status 403. Query: COPY staging.orders FROM 's3://acme-dw-landing/orders/2025-03-01/' CREDENTIALS 'aws_access_key_id={AWS_AKID};aws_secret_access_key={REDSHIFT_SECRET}' FORMAT AS PARQUET
2025-03-02 04:46:30,030 ERROR etl.redshift: psycopg2.errors.InternalError_: S3ServiceException:Access Denied. Query: UNLOAD ('select * from orders') TO 's3://acme-dw-landing/unload/' ACCESS_KEY_ID '{AWS_AKID}' SECRET_ACCESS_KEY '{REDSHIFT_SECRET2}' PARQUET
2025-03-02 04:46:30,040 ERROR etl.oracle: cx_Oracle.DatabaseError: ORA-00922: missing or invalid option. Statement: ALTER USER etl_loader IDENTIFIED BY "{ORA_IDENT_PW}" ACCOUNT UNLOCK
2025-03-02 04:46:30,050 ERROR etl.pg: psycopg2.errors.DuplicateObject: role "etl_ro" already exists. Statement: CREATE ROLE etl_ro WITH LOGIN PASSWORD '{PG_CREATE_USER_PW}' VALID UNTIL 'infinity'
""",
        ("snowflake stage CREDENTIALS AWS_SECRET_KEY", SNOW_STAGE_SECRET),
        ("redshift COPY CREDENTIALS aws_secret_access_key", REDSHIFT_SECRET),
        ("redshift UNLOAD SECRET_ACCESS_KEY '...'", REDSHIFT_SECRET2),
        ("oracle IDENTIFIED BY", ORA_IDENT_PW),
        ("postgres CREATE ROLE ... PASSWORD '...'", PG_CREATE_USER_PW),
    ),
    ev(
        "cli_tools",
        f"""2025-03-02 04:47:00,010 ERROR etl.export: Command 'sqlplus -s etl_loader/{SQLPLUS_PW}@ORCLPDB1 @/srv/etl/sql/export.sql' returned non-zero exit status 1.
2025-03-02 04:47:00,020 ERROR etl.export: Command 'expdp system/{EXPDP_PW}@ORCLPDB1 schemas=ETL directory=DP_DIR dumpfile=etl.dmp' returned non-zero exit status 5.
2025-03-02 04:47:00,030 ERROR etl.cache: Command 'redis-cli -h redis-cache.etl.internal -p 6379 -a {REDIS_CLI_PW} FLUSHDB' returned non-zero exit status 1.
2025-03-02 04:47:00,040 ERROR etl.users: Command 'ldapsearch -x -H ldaps://ldap.acme.local -D cn=etl,ou=svc,dc=acme,dc=local -w {LDAPSEARCH_PW} -b dc=acme,dc=local' returned non-zero exit status 49.
2025-03-02 04:47:00,050 ERROR etl.share: Command 'smbclient //fs01.acme.local/exports -U etl%{SMBCLIENT_PW} -c "get orders.csv"' returned non-zero exit status 1.
2025-03-02 04:47:00,060 ERROR etl.ftp: Command 'lftp -u partner_ftp,{LFTP_PW} sftp://sftp.partner.com -e "mirror /outbound /data/in; bye"' returned non-zero exit status 1.
2025-03-02 04:47:00,070 ERROR etl.hive: Command 'beeline -u jdbc:hive2://hive.acme.local:10000/default -n etl -p {BEELINE_PW} -f /srv/etl/hql/load.hql' returned non-zero exit status 2.
2025-03-02 04:47:00,080 ERROR etl.hive: Command 'hive --hiveconf javax.jdo.option.ConnectionPassword={HIVE_CONN_PW} -f /srv/etl/hql/ddl.hql' returned non-zero exit status 1.
2025-03-02 04:47:00,090 ERROR etl.gpg: Command 'gpg --batch --yes --passphrase {PASSPHRASE_GPG} --decrypt /data/in/orders.csv.gpg' returned non-zero exit status 2.
2025-03-02 04:47:00,100 ERROR etl.tls: Command 'openssl pkcs12 -export -in etl.crt -inkey etl.key -passout pass:{PASSOUT_PW} -out etl.p12' returned non-zero exit status 1.
2025-03-02 04:47:00,110 ERROR etl.fetch: Command 'wget --http-user=etl --http-password={WGET_PW} https://files.partner.io/orders.csv' returned non-zero exit status 6.
2025-03-02 04:47:00,120 ERROR etl.share: Command 'mount -t cifs //fs01.acme.local/exports /mnt/exports -o username=etl,password={MOUNT_CIFS_PW},vers=3.0' returned non-zero exit status 32.
2025-03-02 04:47:00,130 ERROR etl.backup: Command 'mysqldump --user=root --password {MYSQLDUMP_PW} --single-transaction crm' returned non-zero exit status 2.
2025-03-02 04:47:00,140 ERROR etl.sync: Command 'aws s3 sync /data/out s3://acme-dw-landing/out --aws-access-key-id {AWS_AKID} --aws-secret-access-key {SECRET_ACCESS_FLAG}' returned non-zero exit status 255.
2025-03-02 04:47:00,150 ERROR etl.web: Command 'htpasswd -b -c /etc/nginx/.htpasswd etl {HTPASSWD_PW}' returned non-zero exit status 1.
""",
        ("sqlplus user/pw@db", SQLPLUS_PW),
        ("expdp user/pw@db", EXPDP_PW),
        ("redis-cli -a", REDIS_CLI_PW),
        ("ldapsearch -w", LDAPSEARCH_PW),
        ("smbclient -U user%pw", SMBCLIENT_PW),
        ("lftp -u user,pw", LFTP_PW),
        ("beeline -p pw", BEELINE_PW),
        ("hiveconf ConnectionPassword=", HIVE_CONN_PW),
        ("gpg --passphrase", PASSPHRASE_GPG),
        ("openssl -passout pass:", PASSOUT_PW),
        ("wget --http-password=", WGET_PW),
        ("mount -o password=", MOUNT_CIFS_PW),
        ("mysqldump --password <space>", MYSQLDUMP_PW),
        ("--aws-secret-access-key flag", SECRET_ACCESS_FLAG),
        ("htpasswd -b user pw", HTPASSWD_PW),
    ),
    ev(
        "airflow_env_keys",
        f"""2025-03-02 04:47:30,010 ERROR airflow.configuration: Failed to validate config from environment:
AIRFLOW__CORE__FERNET_KEY={FERNET}
AIRFLOW__WEBSERVER__SECRET_KEY={WEB_SECRET_KEY}
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgresql+psycopg2://airflow:{AIRFLOW_SQLA_PW}@pg-meta.etl.internal:5432/airflow
MINIO_ROOT_PASSWORD={MINIO_SECRET}
RABBITMQ_DEFAULT_PASS={RABBIT_DEFAULT_PASS}
MONGO_INITDB_ROOT_PASSWORD={MONGO_ROOT_PW}
AWS_SESSION_TOKEN={AWS_SESSION_ENV}
GOOGLE_CREDENTIALS_B64={GOOGLE_CREDS_B64}
airflow.exceptions.AirflowConfigException: error: cannot use sqlite with the CeleryExecutor
""",
        ("AIRFLOW__CORE__FERNET_KEY", FERNET),
        ("AIRFLOW__WEBSERVER__SECRET_KEY", WEB_SECRET_KEY),
        ("airflow SQL_ALCHEMY_CONN url", AIRFLOW_SQLA_PW),
        ("MINIO_ROOT_PASSWORD", MINIO_SECRET),
        ("RABBITMQ_DEFAULT_PASS", RABBIT_DEFAULT_PASS),
        ("MONGO_INITDB_ROOT_PASSWORD", MONGO_ROOT_PW),
        ("AWS_SESSION_TOKEN env (FwoG)", AWS_SESSION_ENV),
        ("base64 service account json env", GOOGLE_CREDS_B64),
    ),
    ev(
        "object_reprs",
        f"""2025-03-02 04:48:00,010 ERROR etl.auth: msal.ConfidentialClientApplication failed with config {{"clientId": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9", "clientSecret": "{CAMEL_CLIENT_SECRET}", "authority": "https://login.microsoftonline.com/acme.onmicrosoft.com"}}
2025-03-02 04:48:00,020 ERROR etl.s3: S3Config{{endpoint='https://s3.eu-west-1.amazonaws.com', accessKeyId='{AWS_AKID}', secretAccessKey='{CAMEL_SECRET_ACCESS_KEY}', region='eu-west-1'}} rejected: SignatureDoesNotMatch
2025-03-02 04:48:00,030 ERROR etl.db: DbSettings(host=pg-dw, port=5432, dbPassword={CAMEL_DB_PASSWORD}, poolSize=10) invalid
2025-03-02 04:48:00,040 ERROR com.acme.etl.Loader: HikariConfig(jdbcUrl=jdbc:postgresql://pg-dw:5432/dw, username=etl, password={LOMBOK_PW}, maximumPoolSize=10) failed to init
2025-03-02 04:48:00,050 ERROR etl.go: config: &{{Host:pg-dw Port:5432 User:etl Password:{GO_STRUCT_PW} SSLMode:require}}: dial tcp 10.20.1.15:5432: connect: connection refused
2025-03-02 04:48:00,060 ERROR etl.env: KeyError in environ({{'PATH': '/usr/bin', 'DB_PASSWORD': '{ENVIRON_PW}', 'HOME': '/home/etl'}})
""",
        ("camelCase clientSecret JSON", CAMEL_CLIENT_SECRET),
        ("camelCase secretAccessKey java toString", CAMEL_SECRET_ACCESS_KEY),
        ("camelCase dbPassword=", CAMEL_DB_PASSWORD),
        ("lombok toString password=", LOMBOK_PW),
        ("go struct Password:", GO_STRUCT_PW),
        ("os.environ repr DB_PASSWORD", ENVIRON_PW),
    ),
    ev(
        "config_formats",
        f"""2025-03-02 04:48:30,010 ERROR etl.config: could not parse app.config:
<appSettings>
  <add key="WarehousePassword" value="{DOTNET_XML_PW}" />
</appSettings>
<datasource jndi-name="java:/dw" user="etl" password="{XML_ATTR_PW}" url="jdbc:postgresql://pg-dw/dw"/>
2025-03-02 04:48:30,020 ERROR etl.config: yaml.scanner.ScannerError: mapping values are not allowed here in "/etc/etl/dw.yaml", line 7, column 14:
    warehouse:
      password: >-
        {YAML_NEXTLINE_PW}
2025-03-02 04:48:30,030 ERROR etl.config: settings rejected: {{ "user" : "etl", "password" : "{JSON_SPACED_PW}" }}
""",
        ("dotnet <add key=...Password value=>", DOTNET_XML_PW),
        ('xml attribute password=""', XML_ATTR_PW),
        ("yaml folded value on next line", YAML_NEXTLINE_PW),
        ("json spaced colon", JSON_SPACED_PW),
    ),
    ev(
        "http_headers2",
        f"""2025-03-02 04:49:00,010 ERROR etl.http: HTTP 401 from https://apim.acme.io/orders/v1 with headers {{'Ocp-Apim-Subscription-Key': '{OCP_APIM_KEY}', 'X-Auth-Token': '{X_AUTH_TOKEN}', 'X-Vault-Token': '{VAULT_HDR}', 'api-key': '{AZ_OPENAI_KEY}'}}
2025-03-02 04:49:00,020 ERROR etl.http: DRF API said 403; sent Authorization: Token {DRF_TOKEN}
2025-03-02 04:49:00,030 ERROR etl.http: response had Set-Cookie: remember_token={SET_COOKIE}; Path=/; HttpOnly
2025-03-02 04:49:00,040 ERROR etl.http: proxy said 407; sent Proxy-Authorization: Basic {PROXY_BASIC}
""",
        ("Ocp-Apim-Subscription-Key", OCP_APIM_KEY),
        ("X-Auth-Token", X_AUTH_TOKEN),
        ("X-Vault-Token hvs", VAULT_HDR),
        ("azure openai api-key header", AZ_OPENAI_KEY),
        ("Authorization: Token", DRF_TOKEN),
        ("Set-Cookie remember_token", SET_COOKIE),
        ("Proxy-Authorization Basic", PROXY_BASIC),
    ),
    ev(
        "vendor_tokens2",
        f"""2025-03-02 04:49:30,010 ERROR etl.bots: slack socket mode failed to connect with {SLACK_APP}
2025-03-02 04:49:30,020 ERROR etl.deploy: git clone https://gitlab+deploy-token-12:{GITLAB_DEPLOY}@gitlab.acme.io/data/dags.git failed
2025-03-02 04:49:30,030 ERROR etl.release: sentry-cli releases new 1.42 failed: auth token {SENTRY_AUTH} invalid
2025-03-02 04:49:30,040 ERROR etl.infra: doctl auth init failed for {DIGITALOCEAN}
2025-03-02 04:49:30,050 ERROR etl.billing: webhook signature check failed with {STRIPE_WHSEC}
2025-03-02 04:49:30,060 ERROR etl.billing: stripe test mode key {STRIPE_TEST} used in prod
2025-03-02 04:49:30,070 ERROR etl.infra: terraform login: token {TFC_TOKEN} rejected by app.terraform.io
2025-03-02 04:49:30,080 ERROR etl.secrets: sops could not decrypt with {AGE_KEY}
2025-03-02 04:49:30,090 ERROR etl.infra: pulumi login failed with {PULUMI}
2025-03-02 04:49:30,100 ERROR etl.docs: notion API 401 for {NOTION}
2025-03-02 04:49:30,110 ERROR etl.secrets: vault read failed: permission denied (token {VAULT_LEGACY})
""",
        ("slack app token xapp-", SLACK_APP),
        ("gitlab deploy token gldt-", GITLAB_DEPLOY),
        ("sentry auth token sntrys_", SENTRY_AUTH),
        ("digitalocean dop_v1_", DIGITALOCEAN),
        ("stripe whsec_", STRIPE_WHSEC),
        ("stripe sk_test_", STRIPE_TEST),
        ("terraform cloud atlasv1", TFC_TOKEN),
        ("age secret key", AGE_KEY),
        ("pulumi pul-", PULUMI),
        ("notion ntn_", NOTION),
        ("vault legacy s. token", VAULT_LEGACY),
    ),
]

EVENTS.extend(EVENTS2)
