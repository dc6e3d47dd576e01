# ruff: noqa: E501
"""Red team attack43: secrets leaving the host, through the whole pipeline as a user runs it.

Every log below is written here in the shape the tool prints; every secret is made up in
its vendor's shape.  Each leak test runs the log through ``logsumd summarize`` (report and
``--json --all``), the model's input (``condense``), and the real daemon with a JSONL sink
and a local Slack server, and then reads every file of the daemon's state dir.  A test
marked xfail shows a problem a user meets; an unmarked test is an attack that held.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logsumd.understand import redact_event
from logsumd.understand._redact import Redactor
from tests.attack43._pipe import cli_outputs, daemon_outputs, where
from tests.events import make_event
from tests.log_lines import af, py

pytestmark = pytest.mark.slow


def _traceback(source: str, last: str, where_: str = "/opt/etl/jobs/load.py") -> str:
    return "\n".join(
        [
            "Traceback (most recent call last):",
            f'  File "{where_}", line 42, in main',
            f"    {source}",
            last,
        ]
    )


def _script_log(source: str, last: str) -> str:
    """A python-logging ERROR record with a traceback whose source line is ``source``."""
    return "\n".join(
        [
            py(0, "INFO", "loader started"),
            py(1, "ERROR", "load failed"),
            _traceback(source, last),
            py(3, "INFO", "loader stopped"),
            "",
        ]
    )


def _leaks(tmp_path: Path, text: str, secret: str) -> list[str]:
    """Every user-visible output that still holds ``secret`` (CLI, model, JSONL, Slack, state)."""
    outputs = cli_outputs(tmp_path, text)
    outputs.update(daemon_outputs(tmp_path, text))
    return where(outputs, secret)


# --------------------------------------------------------------------------------------
# finding 1: a DSN with an empty host (Unix socket, Cloud SQL connector) keeps its password


def test_cloud_sql_unix_socket_dsn_password_is_masked(tmp_path: Path) -> None:
    # The user needs: the alert says the engine could not connect, without the warehouse
    # password.  Google's documented Cloud SQL form has no host between '@' and '/'.
    secret = "Zq8Wx2Lm5Tq"
    text = _script_log(
        'engine = create_engine("postgresql+pg8000://etl:Zq8Wx2Lm5Tq@/dwh'
        '?unix_sock=/cloudsql/acme-etl:europe-west1:dwh/.s.PGSQL.5432")',
        "sqlalchemy.exc.InterfaceError: (pg8000.exceptions.InterfaceError) Can't create a"
        " connection to host localhost and port 5432 (timeout is None and source_address is"
        " None).",
    )
    assert _leaks(tmp_path, text, secret) == []


def test_mysql_unix_socket_dsn_password_is_masked(tmp_path: Path) -> None:
    secret = "Rt5Vn8QpX2"
    text = _script_log(
        "engine = sa.create_engine('mysql+pymysql://loader:Rt5Vn8QpX2@/shop"
        "?unix_socket=/var/run/mysqld/mysqld.sock')",
        "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2002, \"Can't"
        " connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\")",
    )
    assert _leaks(tmp_path, text, secret) == []


# --------------------------------------------------------------------------------------
# finding 2: a password assigned into os.environ on a traceback's source line


def test_os_environ_assignment_in_traceback_is_masked(tmp_path: Path) -> None:
    # The user needs: a TypeError at load.py:42, not the Snowflake password that line sets.
    secret = "Zq8Wx2Lm5Tq"
    text = _script_log(
        'os.environ["SNOWFLAKE_PASSWORD"] = "Zq8Wx2Lm5Tq"',
        "TypeError: str expected, not NoneType",
    )
    assert _leaks(tmp_path, text, secret) == []


# --------------------------------------------------------------------------------------
# finding 3: Oracle's user/password@host connect string inside quotes


def test_oracle_easy_connect_string_in_quotes_is_masked(tmp_path: Path) -> None:
    # cx_Oracle's and python-oracledb's one-string form; `sqlplus etl/pw@ORCL` is masked,
    # the same string in a connect() call on the traceback's source line is not.
    secret = "Zq8Wx2Lm5Tq"
    text = _script_log(
        "conn = cx_Oracle.connect('etl_reader/Zq8Wx2Lm5Tq@orabi01.acme.internal:1521/DWHPRD')",
        "cx_Oracle.DatabaseError: ORA-12541: TNS:no listener",
    )
    assert _leaks(tmp_path, text, secret) == []


# --------------------------------------------------------------------------------------
# finding 4: an AWS secret access key written as a word after its AKIA id


def test_aws_secret_key_after_its_access_key_id_is_masked(tmp_path: Path) -> None:
    # MinIO's client takes the pair as two words; a CI script run with `set -x` echoes it.
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZQWEXAMPL"
    text = "\n".join(
        [
            af(
                1,
                "subprocess.py:93",
                "INFO",
                "+ mc alias set lake https://minio.acme.internal:9000"
                " AKIAZZZZ7QWERTY12345 wJalrXUtnFEMI/K7MDENG/bPxRfiCYZQWEXAMPL",
            ),
            af(
                2,
                "subprocess.py:93",
                "INFO",
                "mc: <ERROR> Unable to initialize new alias from the"
                " provided credentials. The Access Key Id you provided does not exist in our"
                " records.",
            ),
            af(2, "subprocess.py:97", "INFO", "Command exited with return code 1"),
            af(3, "taskinstance.py:1937", "ERROR", "Task failed with exception"),
            "Traceback (most recent call last):",
            '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/bash.py",'
            " line 243, in execute",
            "    raise AirflowException(",
            "airflow.exceptions.AirflowException: Bash command failed. The command returned a"
            " non-zero exit code 1.",
            af(4, "taskinstance.py:1400", "INFO", "Marking task as FAILED."),
            "",
        ]
    )
    assert _leaks(tmp_path, text, secret) == []


def test_aws_secret_key_as_positional_argument_is_masked(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZQWEXAMPL"
    text = _script_log(
        "s3 = boto3.client('s3', 'eu-west-1', None, True, None, None,"
        " 'AKIAZZZZ7QWERTY12345', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYZQWEXAMPL')",
        "botocore.exceptions.ClientError: An error occurred (InvalidAccessKeyId) when calling"
        " the ListObjectsV2 operation: The AWS Access Key Id you provided does not exist in our"
        " records.",
    )
    assert _leaks(tmp_path, text, secret) == []


# --------------------------------------------------------------------------------------
# finding 5: session cookies in requests' dict and cookie-jar shapes


def test_requests_cookies_dict_is_masked(tmp_path: Path) -> None:
    secret = "Zq8Wx2Lm5TqAb12Cd34"
    text = _script_log(
        "r = requests.get(EXPORT_URL, cookies={'sessionid': 'Zq8Wx2Lm5TqAb12Cd34'})",
        "requests.exceptions.HTTPError: 403 Client Error: Forbidden for url:"
        " https://crm.acme.com/export/contacts.csv",
    )
    assert _leaks(tmp_path, text, secret) == []


def test_held_requests_cookie_jar_repr_is_masked(tmp_path: Path) -> None:
    secret = "Zq8Wx2Lm5TqAb12Cd34"
    text = "\n".join(
        [
            py(0, "INFO", "export started"),
            py(
                1,
                "ERROR",
                "export rejected: status=401 cookies=<RequestsCookieJar[<Cookie"
                " sessionid=Zq8Wx2Lm5TqAb12Cd34 for crm.acme.com/>]>",
            ),
            py(2, "INFO", "export stopped"),
            "",
        ]
    )
    assert _leaks(tmp_path, text, secret) == []


# --------------------------------------------------------------------------------------
# finding 6: a password column in tabular output (pandas, psql, Airflow's table format)


def test_password_column_of_a_dataframe_print_is_masked(tmp_path: Path) -> None:
    secret = "Zq8Wx2Lm5Tq"
    text = "\n".join(
        [
            py(0, "INFO", "sync of source connections started"),
            py(1, "ERROR", "connections rejected by target:"),
            "  conn_id            host  login     password  port",
            "0  crm_pg  crm-db.internal    etl  Zq8Wx2Lm5Tq  5432",
            "1  erp_ms  erp-db.internal  etl_r       (none)  1433",
            "ValueError: 2 connections failed validation",
            py(3, "INFO", "sync stopped"),
            "",
        ]
    )
    assert _leaks(tmp_path, text, secret) == []


def test_password_column_of_a_psql_table_is_masked(tmp_path: Path) -> None:
    secret = "Zq8Wx2Lm5Tq"
    text = "\n".join(
        [
            "+ psql -h airflow-db -U airflow -c 'select conn_id, login, password from connection'",
            " conn_id | login |  password",
            "---------+-------+-------------",
            " crm_pg  | etl   | Zq8Wx2Lm5Tq",
            "(1 row)",
            "ERROR:  permission denied for table connection",
            "",
        ]
    )
    assert _leaks(tmp_path, text, secret) == []


# --------------------------------------------------------------------------------------
# finding 7: credential keys in other languages


@pytest.mark.parametrize(
    "message",
    [
        "Anmeldung fehlgeschlagen: host=dwh-db benutzer=etl passwort=Zq8Wx2Lm5Tq",
        "falha ao conectar: host=dwh-db usuario=etl senha=Zq8Wx2Lm5Tq",
        "не удалось подключиться: host=dwh-db пользователь=etl пароль=Zq8Wx2Lm5Tq",
        "conexión rechazada: host=dwh-db usuario=etl contraseña=Zq8Wx2Lm5Tq",
    ],
)
def test_non_english_password_key_is_masked(tmp_path: Path, message: str) -> None:
    text = "\n".join([py(0, "INFO", "start"), py(1, "ERROR", message), py(2, "INFO", "end"), ""])
    leaks = where(cli_outputs(tmp_path, text), "Zq8Wx2Lm5Tq")
    assert leaks == []


# --------------------------------------------------------------------------------------
# finding 8: an unquoted YAML password with spaces or ': ' (dbt prints the profile's line)


def test_dbt_profile_yaml_error_masks_the_whole_password(tmp_path: Path) -> None:
    # The ': ' inside the password is what breaks the YAML, and dbt quotes the line.
    text = "\n".join(
        [
            "04:10:01  Running with dbt=1.8.2",
            "04:10:01  Encountered an error:",
            "Runtime Error",
            "  Syntax error near line 7",
            "  ------------------------------",
            "  5  |       type: postgres",
            "  6  |       user: etl",
            "  7  |       password: Zq8 Wx2: Lm5Tq",
            "  8  |       host: dwh-db.internal",
            "",
            "  Raw Error:",
            "  ------------------------------",
            "  mapping values are not allowed in this context",
            '    in "<unicode string>", line 7, column 25',
            "",
        ]
    )
    assert _leaks(tmp_path, text, "Wx2: Lm5Tq") == []


# --------------------------------------------------------------------------------------
# finding 9: a URL whose host is an IPv6 literal keeps its password


def test_ipv6_host_dsn_password_is_masked(tmp_path: Path) -> None:
    secret = "Zq8Wx2Lm5Tq"
    text = _script_log(
        "engine = create_engine('postgresql://etl:Zq8Wx2Lm5Tq@[fd00:10:96::a]:5432/dwh')",
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at"
        ' "fd00:10:96::a", port 5432 failed: Connection refused',
    )
    assert _leaks(tmp_path, text, secret) == []


# --------------------------------------------------------------------------------------
# finding 10 (MEDIUM): "<credential word>: <cause>" masks the cause the engineer needs


def test_cause_after_secret_colon_is_kept(tmp_path: Path) -> None:
    # The user needs: boto3 found no credentials.  Nothing in the line is a secret.
    text = "\n".join(
        [
            py(0, "INFO", "start"),
            py(
                1,
                "ERROR",
                "Error while fetching secret: botocore.exceptions.NoCredentialsError:"
                " Unable to locate credentials",
            ),
            py(2, "INFO", "end"),
            "",
        ]
    )
    out = cli_outputs(tmp_path, text)
    assert "NoCredentialsError" in out["summarize report"]


def test_oauth_error_after_token_colon_is_kept() -> None:
    line = py(1, "ERROR", "Failed to refresh access_token: invalid_grant")
    clean = redact_event(make_event(line, ()), Redactor())
    assert "invalid_grant" in clean.text


# --------------------------------------------------------------------------------------
# finding 11 (MEDIUM): the name of a missing secret is masked


def test_name_of_a_missing_secret_is_kept() -> None:
    line = py(1, "ERROR", "Secret etl/prod/snowflake_password not found in backend vault")
    clean = redact_event(make_event(line, ()), Redactor())
    assert "etl/prod/snowflake_password" in clean.text


# --------------------------------------------------------------------------------------
# What held


def test_held_many_vendor_secrets_through_the_daemon(tmp_path: Path) -> None:
    secrets = {
        "xoxb-2716536437-4917353628-Qz8xL1pVn0rT3wY6uK9sA2bD": "slack",
        "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12": "openai",
        "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345": "hf",
        "glpat-Ab12Cd34Ef56Gh78Ij90": "gitlab",
        "Kf4Zq8Wm9Lx": "jaas",
        "AbCdEf0123456789GhIjKlMnOpQrStUvWxYz": "sas",
        "0123456789abcdef0123456789abcdef": "sentry",
        "AAHfZq8Wx2Lm9Pk3Ab12Cd34Ef56Gh78Ij9": "telegram",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC": "gcp key",
        "Sf8Kq3ZxW": "jdbc",
    }
    text = "\n".join(
        [
            py(0, "INFO", "sync started"),
            py(1, "ERROR", "sync failed with settings:"),
            "  slack token xoxb-2716536437-4917353628-Qz8xL1pVn0rT3wY6uK9sA2bD",
            "  openai: Incorrect API key provided: sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12",
            "  hf token hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345 gitlab glpat-Ab12Cd34Ef56Gh78Ij90",
            "  sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
            ' username="etl" password="Kf4Zq8Wm9Lx";',
            "  https://acct.blob.core.windows.net/raw/f.csv?sv=2022-11-02&sp=r&sig=AbCdEf0123456789GhIjKlMnOpQrStUvWxYz%3D",
            "  SENTRY_DSN=https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/4504",
            "  https://api.telegram.org/bot123456789:AAHfZq8Wx2Lm9Pk3Ab12Cd34Ef56Gh78Ij9/sendMessage",
            '  {"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"}',
            "  jdbc:snowflake://acme.snowflakecomputing.com/?user=ETL&password=Sf8Kq3ZxW&warehouse=WH",
            "RuntimeError: sync failed",
            py(3, "INFO", "sync stopped"),
            "",
        ]
    )
    outputs = cli_outputs(tmp_path, text)
    outputs.update(daemon_outputs(tmp_path, text))
    assert {s: where(outputs, s) for s in secrets if where(outputs, s)} == {}


@pytest.mark.parametrize(
    ("source", "secret"),
    [
        (
            "AIRFLOW_CONN_AWS_DEFAULT='aws://AKIAZZZZ7QWERTY12345:wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYZQWEXAMPL@/?region_name=eu-central-1'",
            "wJalrXUtnFEMI",
        ),
        (
            "client = SchemaRegistryClient({'url': 'https://psrc-abc12.eu-central-1.aws.confluent.cloud', 'basic.auth.user.info': 'SRKEYAB12CD34EF5:Zq8Wx2Lm5TqAb12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12Wx34'})",
            "Zq8Wx2Lm5TqAb12",
        ),
        (
            "conn = snowflake.connector.connect(user='ETL', password='Zq8Wx2Lm5Tq', account='acme')",
            "Zq8Wx2Lm5Tq",
        ),
        (
            "cred = ClientSecretCredential(tenant_id=TENANT, client_id=CLIENT, client_secret='Xyz8Q~AbCdEfGhIjKlMnOpQrStUvWxYz0123456789')",
            "Xyz8Q~AbCdEf",
        ),
        ("r = requests.get(url, auth=HTTPBasicAuth('etl', 'Zq8Wx2Lm5Tq'))", "Zq8Wx2Lm5Tq"),
        ("ssh.connect('bastion', username='etl', password='Zq8Wx2Lm5Tq')", "Zq8Wx2Lm5Tq"),
        ("cur.execute(\"CREATE USER loader WITH PASSWORD 'Zq8Wx2Lm5Tq'\")", "Zq8Wx2Lm5Tq"),
        (
            "cur.execute(\"copy into @s from t credentials=(aws_key_id='AKIAZZZZ7QWERTY12345' aws_secret_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYZQWEXAMPL')\")",
            "wJalrXUtnFEMI",
        ),
        (
            "hook = SlackWebhookHook(webhook_token='https://hooks.slack.com/services/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')",
            "q1W2e3R4t5Y6u7I8o9P0a1S2",
        ),
        (
            "requests.post('https://discord.com/api/webhooks/123456789012345678/Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12Wx34Yz56Ab12Cd34Ef56Gh78', json=msg)",
            "Ab12Cd34Ef56Gh78Ij90",
        ),
    ],
)
def test_held_source_line_secrets_through_summarize(
    tmp_path: Path, source: str, secret: str
) -> None:
    text = _script_log(source, "RuntimeError: upload failed")
    assert where(cli_outputs(tmp_path, text), secret) == []


def test_held_secret_free_messages_keep_their_identifiers(tmp_path: Path) -> None:
    # False positives: a table, a path, a conn id and a secret-manager id named in an error.
    lines = [
        'psycopg2.errors.UndefinedTable: relation "analytics.password_resets" does not exist',
        "FileNotFoundError: [Errno 2] No such file or directory: '/run/secrets/db_password'",
        "airflow.exceptions.AirflowNotFoundException: The conn_id `snowflake_password_auth`"
        " isn't defined",
        "botocore.exceptions.ClientError: An error occurred (ResourceNotFoundException) when"
        " calling the GetSecretValue operation: Secrets Manager can't find the specified secret."
        " SecretId=prod/etl/snowflake",
    ]
    for line in lines:
        clean = redact_event(make_event(line, ()), Redactor())
        assert clean.text == line
