# ruff: noqa: E501
"""Red team attack45: the secret-masking fixes of fix43 (6342cdf, 2246483, 6202032).

Leaks are run through the real pipeline as ``tests/attack43/_pipe.py`` does (``logsumd
summarize`` report and ``--json --all``, the model's input and the redacted evidence; one
test also through the daemon's JSONL, Slack and state dir).  Each leak test also checks that
a neighbouring harmless word of the same lines reaches the outputs, so a pass means "masked",
not "dropped".  Over-masking tests say what the engineer loses.  Timing tests use texts within
the event limits (500 lines, 256 KB).  All secrets are made up.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from logsumd.understand import redact_event
from logsumd.understand._redact import Redactor
from tests.attack43._pipe import cli_outputs, daemon_outputs, where
from tests.events import make_event
from tests.log_lines import af, py

SECRET = "Zq8Wx2Lm5Tq"


def _record(*body: str) -> str:
    """A python-logging ERROR record followed by ``body`` lines, between two INFO records."""
    return "\n".join(
        [
            py(0, "INFO", "loader started"),
            py(1, "ERROR", "connection check failed:"),
            *body,
            py(3, "INFO", "loader stopped"),
            "",
        ]
    )


def _traceback_log(source: str, last: str) -> str:
    return "\n".join(
        [
            py(0, "INFO", "loader started"),
            py(1, "ERROR", "load failed"),
            "Traceback (most recent call last):",
            '  File "/opt/etl/jobs/load.py", line 42, in main',
            f"    {source}",
            last,
            py(3, "INFO", "loader stopped"),
            "",
        ]
    )


def _cli_leaks(tmp_path: Path, text: str, secret: str, seen: str) -> list[str]:
    outputs = cli_outputs(tmp_path, text)
    assert where(outputs, seen), f"{seen!r} reached no output: the lines were dropped, not masked"
    return where(outputs, secret)


def _clean(text: str) -> str:
    return redact_event(make_event(text, ()), Redactor()).text


# ======================================================================================
# HIGH: leaks the new rules still miss
# --------------------------------------------------------------------------------------
# finding 1: a credential column of a tab- or comma-separated table


@pytest.mark.parametrize(
    "rows",
    [
        # mysql --batch / mysql -e in a script, hive CLI: tab-separated with a header
        ["conn_id\thost\tlogin\tpassword\tport", f"crm_pg\tcrm-db.internal\tetl\t{SECRET}\t5432"],
        # psql --csv, airflow connections export --file-format csv
        ["conn_id,host,login,password,port", f"crm_pg,crm-db.internal,etl,{SECRET},5432"],
    ],
    ids=["tsv", "csv"],
)
def test_password_column_of_a_delimited_table_is_masked(tmp_path: Path, rows: list[str]) -> None:
    # The user needs: the alert shows the failed check, not the password of every connection.
    text = "\n".join(
        [
            "+ mysql -B -h airflow-db -e 'select conn_id, host, login, password, port from connection'",
            *rows,
            "ERROR 1045 (28000): Access denied for user 'etl'@'10.0.4.12' (using password: YES)",
            "",
        ]
    )
    assert _cli_leaks(tmp_path, text, SECRET, "crm-db.internal") == []


# --------------------------------------------------------------------------------------
# finding 2: a record-per-block layout (psql \x, Spark show(vertical=True))


@pytest.mark.parametrize(
    "block",
    [
        [
            "-[ RECORD 1 ]------------",
            "conn_id  | crm_pg",
            "login    | etl",
            f"password | {SECRET}",
        ],
        [
            "-RECORD 0-------------------",
            " conn_id  | crm_pg",
            " login    | etl",
            f" password | {SECRET}",
        ],
    ],
    ids=["psql-x", "spark-vertical"],
)
def test_password_row_of_an_expanded_record_is_masked(tmp_path: Path, block: list[str]) -> None:
    text = _record(
        *block, "psycopg2.errors.InsufficientPrivilege: permission denied for table connection"
    )
    assert _cli_leaks(tmp_path, text, SECRET, "crm_pg") == []


def test_held_bordered_and_aligned_tables_mask_the_password_column(tmp_path: Path) -> None:
    # psql aligned, markdown, MySQL grid, rich (heavy and light), tabulate simple, Spark show().
    tables = [
        [
            " conn_id | login |  password",
            "---------+-------+-------------",
            f" crm_pg  | etl   | {SECRET}",
        ],
        [
            "| conn_id | login | password    |",
            "|---------|-------|-------------|",
            f"| crm_pg  | etl   | {SECRET} |",
        ],
        [
            "+---------+-------+-------------+",
            "| conn_id | login | password    |",
            "+---------+-------+-------------+",
            f"| crm_pg  | etl   | {SECRET} |",
            "+---------+-------+-------------+",
        ],
        [
            "┏━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━┓",
            "┃ conn_id ┃ login ┃ password    ┃",
            "┡━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━┩",
            f"│ crm_pg  │ etl   │ {SECRET} │",
            "└─────────┴───────┴─────────────┘",
        ],
        [
            "╭─────────┬───────┬─────────────╮",
            "│ conn_id │ login │ password    │",
            "├─────────┼───────┼─────────────┤",
            f"│ crm_pg  │ etl   │ {SECRET} │",
            "╰─────────┴───────┴─────────────╯",
        ],
        [
            "conn_id    login    password",
            "---------  -------  -----------",
            f"crm_pg     etl      {SECRET}",
        ],
        [
            "+-------+-----+-----------+",
            "|conn_id|login|password   |",
            "+-------+-----+-----------+",
            f"|crm_pg |etl  |{SECRET}|",
            "+-------+-----+-----------+",
        ],
        [
            "   conn_id  login     password",
            f"0   crm_pg    etl  {SECRET}",
            "1   erp_ms  etl_r          NaN",
        ],
    ]
    for table in tables:
        assert _clean(_record(*table)).count(SECRET) == 0, table


# --------------------------------------------------------------------------------------
# finding 3: a YAML password that starts like an English cause


@pytest.mark.parametrize(
    "value",
    ["the eagle has landed 42", "no pain no gain 2024", "Forbidden"],
)
def test_dbt_profile_yaml_passphrase_is_masked(tmp_path: Path, value: str) -> None:
    # dbt quotes the profile's lines around a YAML error; a value in a mapping at the start
    # of its line is the password itself, whatever its first word is.
    text = "\n".join(
        [
            "04:10:01  Running with dbt=1.8.2",
            "04:10:01  Encountered an error:",
            "Runtime Error",
            "  Syntax error near line 8",
            "  ------------------------------",
            "  5  |       type: postgres",
            "  6  |       user: etl",
            f"  7  |       password: {value}",
            "  8  |       host: dwh-db.internal: 5432",
            "",
            "  Raw Error:",
            "  ------------------------------",
            "  mapping values are not allowed in this context",
            '    in "<unicode string>", line 8, column 34',
            "",
        ]
    )
    assert _cli_leaks(tmp_path, text, f"password: {value}", "dwh-db.internal") == []


def test_held_yaml_passwords_of_other_shapes(tmp_path: Path) -> None:
    for line in [
        "  7  |       password: Zq8 Wx2: Lm5Tq",
        "  7  |       - password: correct horse battery staple",
        "  7  |       password:\tZq8 Wx2 Lm5Tq",
        "  7  |       password: prod/etl/hunter2x9",
        "  7  |       password: Expired2024",
        "  7  |       password: Wrong2Token",
        "  7  |       password: 'Zq8Wx2 Lm5Tq",
    ]:
        value = line.split("password:", 1)[1].strip(" \t'")
        assert value not in _clean(line), line


# --------------------------------------------------------------------------------------
# finding 4: credential keys in other languages written in ASCII


@pytest.mark.parametrize(
    "message",
    [
        f"conexión rechazada: host=dwh-db usuario=etl contrasena={SECRET}",
        f"DB_CONTRASENA={SECRET} DB_USUARIO=etl",
        f"anslutning nekad: host=dwh-db anvandare=etl losenord={SECRET}",
        f"connexion refusée : utilisateur etl, mot de passe : {SECRET}",
    ],
    ids=["contrasena", "env-contrasena", "losenord", "mot-de-passe"],
)
def test_ascii_foreign_password_key_is_masked(tmp_path: Path, message: str) -> None:
    # Identifiers are written without accents (DB_CONTRASENA), as the fix's own
    # 'haslo' and 'sifre' already assume for Polish and Turkish.
    text = "\n".join([py(0, "INFO", "start"), py(1, "ERROR", message), py(2, "INFO", "end"), ""])
    assert _cli_leaks(tmp_path, text, SECRET, "etl") == []


def test_held_foreign_keys_with_their_own_letters() -> None:
    for key in [
        "Passwort",
        "KENNWORT",
        "mot_de_passe",
        "motDePasse",
        "CONTRASEÑA",
        "senha",
        "db_senha",
        "ПАРОЛЬ",
        "数据库密码",
        "パスワード",
        "비밀번호",
        "HASŁO",
        "haslo",
        "LÖSENORD",
        "wachtwoord",
        "passord",
        "ŞIFRE",
        "clave",
        "DB_MDP",
    ]:
        assert SECRET not in _clean(py(1, "ERROR", f"login failed: {key}={SECRET}")), key
    assert "resenha=muito" in _clean(py(1, "ERROR", "resenha=muito boa"))


# --------------------------------------------------------------------------------------
# finding 5: the AWS secret after its id, both quoted and apart


def test_quoted_aws_pair_in_a_rendered_bash_command_is_masked(tmp_path: Path) -> None:
    # Airflow's BashOperator logs the rendered command; the DAG quotes its arguments.
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZQWEXAMPL"
    text = "\n".join(
        [
            af(
                1,
                "subprocess.py:75",
                "INFO",
                "Running command: ['/usr/bin/bash', '-c', \"mc alias set lake"
                f" https://minio.acme.internal:9000 'AKIAZZZZ7QWERTY12345' '{secret}'\"]",
            ),
            af(
                2,
                "subprocess.py:93",
                "INFO",
                "mc: <ERROR> Unable to initialize new alias from the provided credentials.",
            ),
            af(2, "subprocess.py:97", "INFO", "Command exited with return code 1"),
            af(3, "taskinstance.py:1937", "ERROR", "Task failed with exception"),
            "Traceback (most recent call last):",
            '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/bash.py", line 243, in execute',
            "    raise AirflowException(",
            "airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 1.",
            af(4, "taskinstance.py:1400", "INFO", "Marking task as FAILED."),
            "",
        ]
    )
    outputs = cli_outputs(tmp_path, text)
    assert where(outputs, "minio.acme.internal")
    assert where(outputs, secret) == []


def test_held_aws_pairs_of_other_shapes() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZQWEXAMPL"
    for line in [
        f"+ mc alias set lake https://minio:9000 AKIAZZZZ7QWERTY12345\t{secret}",
        f's3 = boto3.Session("AKIAZZZZ7QWERTY12345" , "{secret}")',
        f"Command '['mc', 'alias', 'set', 'lake', 'https://minio:9000', 'AKIAZZZZ7QWERTY12345', '{secret}']' returned non-zero exit status 1.",
        f'["AKIAZZZZ7QWERTY12345","{secret}"]',
        f"AKIAZZZZ7QWERTY12345|{secret}",
        f"etl-loader,,AKIAZZZZ7QWERTY12345,{secret}",
    ]:
        assert secret not in _clean(py(1, "ERROR", line)), line


# --------------------------------------------------------------------------------------
# finding 6: Oracle's quoted forms of user/pw@


@pytest.mark.parametrize(
    ("source", "secret"),
    [
        (
            f"conn = cx_Oracle.connect('etl_reader/{SECRET}@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=orabi01)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=DWHPRD)))')",
            SECRET,
        ),
        # Oracle's documented quoting of a password with '@': user/"pw"@host
        (
            "conn = oracledb.connect('etl_reader/\"Zq8Wx@2Lm5Tq\"@orabi01:1521/DWHPRD')",
            "Zq8Wx@2Lm5Tq",
        ),
    ],
    ids=["descriptor", "double-quoted-pw"],
)
def test_quoted_oracle_login_variants_are_masked(tmp_path: Path, source: str, secret: str) -> None:
    text = _traceback_log(source, "oracledb.exceptions.DatabaseError: ORA-12541: TNS:no listener")
    assert _cli_leaks(tmp_path, text, secret, "ORA-12541") == []


def test_held_dsn_and_oracle_variants() -> None:
    for line in [
        f"create_engine('postgresql://etl:{SECRET}@/dwh?host=/var/run/postgresql')",
        f"url = 'postgresql://etl:{SECRET}@[fe80::1%eth0]:5432/dwh'",
        f"url = 'mongodb://etl:{SECRET}@[2001:db8::1]:27017,[2001:db8::2]:27017/?replicaSet=rs0'",
        f"DATABASE_URL=postgresql://etl:{SECRET}@:5432/dwh",
        f"url = 'redis://default:{SECRET}@'",
        f'cx_Oracle.connect("etl_reader/{SECRET}@orabi01:1521/DWHPRD")',
        f"oracledb.connect(dsn='etl_reader/{SECRET}@//orabi01:1521/DWHPRD')",
        f"cx_Oracle.connect('c##etl/{SECRET}@orabi01:1521/DWHPRD')",
        f"os.environ['SNOWFLAKE_PASSWORD']='{SECRET}'",
        f"settings.DATABASES['default']['PASSWORD'] = '{SECRET}'",
        f"r = requests.get(url, cookies={{'sessionid': '{SECRET}', 'csrftoken': 'abc'}})",
    ]:
        assert SECRET not in _clean(py(1, "ERROR", line)), line


def test_held_daemon_masks_a_pandas_password_column(tmp_path: Path) -> None:
    # The daemon path (JSONL, Slack, state) for the new table finder, right-aligned pandas print.
    text = _record(
        "   conn_id             host  login     password  port",
        "0   crm_pg  crm-db.internal    etl      hunter2x9  5432",
        f"1      erp           erp-db  etl_r  {SECRET}  1433",
        "ValueError: 2 connections failed validation",
    )
    outputs = daemon_outputs(tmp_path, text)
    assert where(outputs, "crm-db.internal")
    assert where(outputs, SECRET) == []
    assert where(outputs, "hunter2x9") == []


# ======================================================================================
# MEDIUM: over-masking that hides what the engineer needs
# --------------------------------------------------------------------------------------
# finding 7: columns named after a credential but holding no secret


@pytest.mark.parametrize(
    ("table", "kept"),
    [
        (
            [
                " user_id |      email       | password_changed_at",
                "---------+------------------+---------------------",
                "      42 | ana@acme.com     | 2024-05-01 10:22:11",
            ],
            "2024-05-01 10:22:11",
        ),
        (
            [
                "    model  prompt_tokens  completion_tokens  total_tokens",
                "0  gpt-4o          12000                300         12300",
            ],
            "12000",
        ),
        (["        test_suite  pass  fail", "0  orders_contract    41     3"], "41"),
    ],
    ids=["password_changed_at", "prompt_tokens", "pass-count"],
)
def test_non_secret_columns_named_like_credentials_are_kept(table: list[str], kept: str) -> None:
    # The engineer needs: when the password last changed, how many tokens a call used.
    assert kept in _clean(_record(*table))


def test_held_near_miss_columns() -> None:
    for table, kept in [
        (["    job  token_count", "0  load         1532"], "1532"),
        (
            [
                " conn_id | password_set | status",
                "---------+--------------+--------",
                " crm_pg  | True         | failed",
            ],
            "True",
        ),
        (
            [
                " test              | status | key",
                "-------------------+--------+-----------------",
                " not_null_orders   | FAIL   | order_id",
            ],
            "order_id",
        ),
        (["   partition_key  rows", "0     2024-05-01    12"], "2024-05-01"),
    ]:
        assert kept in _clean(_record(*table)), table


# --------------------------------------------------------------------------------------
# finding 8: a word 'password'/'token' inside a table's cells is read as a header


def test_auth_method_values_in_a_table_are_kept() -> None:
    # A login audit printed as a plain table: 'password' and 'token' are values of the
    # auth_method column.  The engineer needs to see which method failed.
    text = _record(
        "user_name    auth_method  result",
        "etl_loader   token        OK",
        "dbt_runner   password     FAILED",
        "airflow      password     FAILED",
    )
    assert _clean(text).count("password     FAILED") == 2


# --------------------------------------------------------------------------------------
# finding 9: causes after 'password:'/'token:' that do not open with a listed word


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("ValueError: password: Passwords must contain a digit", "Passwords must contain"),
        (
            "jwt.exceptions.ExpiredSignatureError: id_token: Signature has expired",
            "Signature has expired",
        ),
        (
            "1 validation error for Settings: db_password: String should have at least 12 characters",
            "String should have",
        ),
        ("settings error: api_key: Input should be a valid string", "Input should be"),
        ('Error: password: authentication failed for user "etl"', "authentication failed"),
    ],
    ids=["Passwords", "Signature", "pydantic-String", "pydantic-Input", "authentication"],
)
def test_english_cause_after_credential_colon_is_kept(message: str, kept: str) -> None:
    assert kept in _clean(py(1, "ERROR", message))


# --------------------------------------------------------------------------------------
# finding 10: the name of a secret, in a table column or as an ARN


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            _record(
                " name               | secret                  | status",
                "--------------------+-------------------------+--------",
                " snowflake_etl      | prod/etl/snowflake      | missing",
            ),
            "prod/etl/snowflake",
        ),
    ],
    ids=["table-column"],
)
@pytest.mark.xfail(strict=True, reason="finding 10: a secret's name is masked in a 'secret' column and as a Secrets Manager ARN")  # fmt: skip
def test_secret_name_is_kept(text: str, kept: str) -> None:
    # The engineer needs: which secret to create or grant.
    assert kept in _clean(text)


def test_secret_name_as_an_arn_is_kept() -> None:
    # finding 10, its ARN half (split out by the lead when it was fixed)
    text = py(
        1,
        "ERROR",
        "Secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/etl/snowflake-AbCdEf not found",
    )
    assert "prod/etl/snowflake" in _clean(text)


def test_held_causes_and_names_are_kept() -> None:
    for message, kept in [
        ("Error rotating secret: ResourceNotFoundException", "ResourceNotFoundException"),
        ("Failed to get token: HTTP 401 Unauthorized", "HTTP 401"),
        ("Failed to fetch secret: ThrottlingException", "ThrottlingException"),
        ("Vault token: permission denied", "permission denied"),
        ("Cannot refresh token: refresh_token expired", "refresh_token expired"),
        ("snowflake password: Incorrect username or password was specified.", "Incorrect username"),
        (
            "Secret projects/acme/secrets/etl-db-password/versions/latest not found",
            "etl-db-password",
        ),
        ("Secret kv/data/etl/snowflake not found", "kv/data/etl/snowflake"),
        ("secret 'prod/etl/snowflake' not found", "prod/etl/snowflake"),
        ("token: expired_token", "expired_token"),
    ]:
        assert kept in _clean(py(1, "ERROR", message)), message
    for message, secret in [
        ("password: Wrong2Token", "Wrong2Token"),
        ("secret: prod/etl/hunter2x9", "hunter2x9"),
        ("Secret prod/etl/hunter2x9 not found", "hunter2x9"),
        ("password=NoCredentialsError", "NoCredentialsError"),
    ]:
        assert secret not in _clean(py(1, "ERROR", message)), message


def test_held_addresses_without_userinfo_are_kept() -> None:
    for line in [
        "+ scp etl@bastion.acme.internal:/data/exports/orders.csv /tmp/",
        "+ rsync -av etl@[fd00::12]:/data/exports/ /tmp/exports/",
        "fatal: Could not read from remote repository. git@github.com:acme/etl-jobs.git",
        "+ git clone ssh://git@[2001:db8::5]:22/acme/etl-jobs.git",
        "Sending alert to oncall@acme.com failed: 550 mailbox unavailable",
        'connection to server at "fd00:10:96::a", port 5432 failed',
        "http://[2001:db8::1]:8080/api/v1/jobs failed",
        "http://proxy:3128/a@/b",
        "Error: postgresql://etl@:5432/dwh refused",
        "docker pull registry.acme.internal:5000/etl/loader@sha256:" + "ab" * 32,
        'ENV["PATH"] = "/usr/local/bin:/usr/bin"',
        'os.environ["SECRET_NAME"] = "prod/etl/snowflake"',
        "config['password_file'] = '/run/secrets/db_pw'",
    ]:
        assert _clean(py(1, "ERROR", line)).endswith(line), line


# ======================================================================================
# HIGH: slowness within the event limits (500 lines, 256 KB)


def _seconds(text: str) -> float:
    redactor = Redactor()
    start = time.perf_counter()
    redactor.redact(text)
    return time.perf_counter() - start


def test_table_of_auth_methods_is_redacted_fast() -> None:
    # 500 lines (the event limit) of a login audit: each row holds the word 'password' or
    # 'token' as a cell, so each is taken for a header and all rows below are re-read.
    users, dbs, apps = (
        ["etl_loader", "dbt_runner", "airflow", "reporting", "sync_crm"],
        ["dwh", "staging", "crm", "erp"],
        ["psql", "dbt", "airflow_worker", "superset"],
    )
    rows = ["user_name    database  application     auth_method  result"] + [
        f"{users[i % 5]:<11}  {dbs[i % 4]:<8}  {apps[i % 4]:<14}  {'password' if i % 3 else 'token':<11}  {'FAILED' if i % 2 else 'OK'}"
        for i in range(499)
    ]
    assert _seconds("\n".join(rows)) < 1.0


def test_long_line_of_cookie_brackets_is_redacted_fast() -> None:
    assert _seconds("cookies={'" * 6553) < 1.0


def test_minified_json_of_module_versions_is_redacted_fast() -> None:
    # A long JSON line without spaces (go list -json | jq -c, a dependency report): each
    # '"path@version"' made the new `\S*['"]` prefix of the Oracle rule rescan the line.
    mods = json.dumps(
        [f"github.com/acme/mod{i}@v1.{i}.0" for i in range(3300)], separators=(",", ":")
    )
    assert len(mods) < 256 * 1024
    assert _seconds(mods) < 1.0


def test_held_other_long_lines_are_fast() -> None:
    n = 64 * 1024
    for text in [
        "password |" * (n // 10),
        "cookies=" + "{" * n,
        "x://a:b@/" * (n // 9),
        "postgresql://u:p@[" + "0:" * (n // 2),
        'os.environ["' * (n // 12),
        "password: " + "a " * (n // 2),
        "ü" * n + "пароль=x",
        "AKIAZZZZ7QWERTY12345 " * (n // 21),
        "secret: " + "a/" * (n // 2),
        "secret: " + "a." * (n // 2) + "Ab",
        "\n".join(["password\tlogin\thost"] * 500),
        "\n".join(["password | " + " | ".join(f"c{i}" for i in range(10))] * 500),
    ]:
        assert _seconds(text) < 1.0, text[:40]
