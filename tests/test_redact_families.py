"""Redaction of the secret families the red team found leaking (issue 12), by rule.

Each case is a family written in forms the red-team corpus does not use, so
that what is tested is the rule, not one string; the lines that must stay
unchanged are the near misses of the same rules.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logsumd.understand import _secret_commands as commands
from logsumd.understand._redact import redact

MARKED = [
    # tools whose flag or position takes a password
    "valkey-cli -h cache -a '[[Vk#8812aa]]' PING",
    "ldapmodify -x -D cn=admin -w [[Adm1nPw]] -f a.ldif",
    "ldapwhoami -x -w[[S3cr3tX]]",
    "vsql -U dbadmin -w [[Vert1caPw]] -c 'select 1'",
    "rpcclient -U 'DOM\\etl%[[Rpc!Pw77]]' fs01",
    "lftp -u ftpuser,[[Ftp#Pw55]] ftp.x.io",
    "htpasswd -bB /etc/h/.htpasswd ops [[Ops-Pw-2291]]",
    "htpasswd -nbB ops [[Ops-Pw-3391]]",
    "rabbitmqctl add_user etl [[Rabb1tNew!]]",
    "vault login [[hvs_legacy_Tok3n99]]",
    "keytool -list -keystore k.jks -srcstorepass [[Src-Store-1]]",
    # passwords piped to a command that reads standard input
    "printf '%s' [['Pipe#Pw-1']] | podman login --password-stdin q.io",
    "echo [[etl:Ch-Pw-8812]] | chpasswd",
    "echo [[Sud0Pw!x]] | sudo -S systemctl restart etl",
    "helm registry login r.io --password-stdin <<< [[Here-Pw-4]]",
    # SQL and Oracle logins
    "CREATE USER etl IDENTIFIED WITH mysql_native_password BY '[[My-Pw-77]]';",
    "alter user scott identified by [[T1ger#Pw]]",
    "impdp 'sys/[[Imp0rtPw]] as sysdba' schemas=ETL",
    "sqlldr userid=etl/[[Ldr-Pw-55]]@ORCL control=x.ctl",
    "connect string etl_ro/[[R3adOnly-Pw]]@DWPROD failed",
    # login calls
    "ftplib.error_perm: 530 in ftp.login('etl', '[[Ftp-L0gin-Pw]]')",
    "conn.simple_bind_s('cn=etl,dc=x', \"[[Ld4p-Bind]]\")",
    "pika.PlainCredentials('etl', '[[Rabb1t-Cred]]')",
    # PostgreSQL password files
    "*:6432:*:etl:[[Pgb0uncer-Pw]]",
    "~/.pgpass: db.x.io:15432:dw:etl:[[PgPass-Odd-Port]]",
    # keys spelt with look-alike characters, percent-encoded URLs
    "pass\u200bword=[[ZeroW1dth-Pw]]",
    "\u0440\u0430ssword: [[Cyr1ll1c-Pw]]",  # Cyrillic er and a
    "ＡＰＩ＿ＫＥＹ=[[Fullw1dth-Key-88]]",
    "redirect=mysql%3A%2F%2Froot%3A[[Enc0ded-Pw]]%40db%3A3306",
    "u=https%253A%252F%252Fa%253A[[Double-Enc1]]%2540h.io",
    # values laid out by a format
    '<property name="jdbc.password" value="[[Spr1ng-Pw]]"/>',
    "db:\n  password: |\n    [[Bl0ck-Pw-1]]\n  host: x",
    "SIGNING_KEY=[[Zt8Qw2Lp0Xc7Vb5Nm3Kj1Hg9Fd6Sa4]]",
    "APP_FERNET_KEY: '[[b9Xc2Lq8Zr0Tw4Yp6Mn1Vs3Kd7Jh5Gf=]]'",
    # vendor tokens and webhook paths
    "doctl: [[doo_v1_ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12]]",
    "POST https://discordapp.com/api/webhooks/998877665544/[[Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_Ab3_]]",
    "https://acme.webhook.office.com/webhookb2/[[1a2b@3c4d/IncomingWebhook/9f/x1]]",
    "using [[dckr_pat_Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9]]",
    "azure devops PAT [[q3z7q3z7q3z7q3z7q3z7q3z7q3z7q3z7q3z7q3z7q3z7q3z7q3z7]] expired",
    # URLs whose '@' has no host after it (a Unix socket, Cloud SQL) or an IPv6 literal
    "DATABASE_URL=postgres://app:[[Kp3vQ9zL]]@/appdb?host=/var/run/postgresql",
    "celery broker redis://:[[Rd5!nW8q]]@/2 unreachable",
    "mysql://etl:[[Yt6Hb2Qw]]@:3307/stage refused",
    "broker amqp://loader:[[Am9Qx2Lw]]@[2001:db8::17]:5672/etl down",
    "pgbouncer etl:[[V6qLp9Xz]]@[::1]:6432 timeout",
    # a credential key as a quoted subscript, assigned
    "os.environ['DBT_ENV_SECRET_TOKEN'] = '[[tK8Lq2Wz9Pm]]'",
    'ENV["REDSHIFT_PASSWORD"]=[[Rs4Mn8Qx]]',
    # an Oracle user/password@host that opens a string literal
    'dsn = "reporting/[[Or4Kl9Zx]]@exa01-scan.acme.internal:1521/FINPRD"',
    "oracledb.connect('scott/[[T1gerPw9]]@localhost/XEPDB1')",
    # an AWS secret access key as the word after its key id
    "mc alias set s3 https://s3.amazonaws.com [[AKIAQ3EXAMPLE7VWXYZ1]]"
    " [[csSWj9DxQSYgDMFMbGBKxN28J4W8Bzld2g0hyjgk]]",
    "Minio('s3.acme.io', '[[ASIAQ3EXAMPLE7VWXYZ1]]',"
    ' "[[G1FiXyMGrKlyedLdl8d1ksr4eHNg20LP7PRd/2ND]]")',
    # a cookie key whose value is a dict or a list
    "session.get(u, cookies=[[{'csrftoken': 'YP5UvvHQSCk', 'sessionid': 'i2fXud4LrxUl'}]])",
    'auth_cookies: [[{"sid": "i2fXud4LrxUl"}]], retries: 3',
    # a credential column of tabular output (pandas, psql, rich, tabulate)
    "   name      user      api_key\n"
    "0  crm  svc_crm  [[i2fXud4LrxUl]]\n"
    "1  erp  svc_erp     [[YP5UvvHQSCk]]",
    " id | login | passwd\n----+-------+--------\n  1 | etl   | [[Yt6Hb2Qw]]\n(1 row)",
    "┃ conn_id ┃ password ┃\n┡━━━━━━━━━╇━━━━━━━━━━┩\n"
    "│ dwh     │ [[Kp3vQ9zL]] │\n└─────────┴──────────┘",
    "conn_id  login  client_secret\n-------  -----  -------------\n"
    "sf_prod  etl    [[Rd5 nW8q]]\ndone",
    # password in other languages
    "Verbindung: benutzer=etl kennwort=[[Kw7Lp2Qx]]",
    "wachtwoord: [[Wt5Mn3Zp]]",
    "connexion refusée: utilisateur=etl mot_de_passe=[[Mp9Xr4Tq]]",
    "пароль: [[Ps8Qw2Lz]]",
    "数据库密码=[[Sj6Kd3Wm]]",
    "パスワード=[[Jp4Nt7Qs]]",
    "logowanie: haslo=[[Hl3Vb8Qw]]",
    "senha: '[[Sn2Qx7Lp]]'",
    # an unquoted YAML value runs to the end of its line
    "  12  |     password: [[Ab1 cd2: ef3]]",
    "password: [[open sesame 42]]  # rotated",
    "- client_secret: [[correct horse battery staple]]",
    # a secret after a bare word, in a shape no cause or name has
    "ERROR token: [[Zt8Qw2Lp0Xc7]]",
    "ERROR secret: [[etl/prod/Zq8Wx2Lm]]",
    "[[AKIAQ3EXAMPLE7VWXYZ1]] is attached to arn:aws:iam::123456789012:user/etl",
]
"""Lines with their secret between ``[[`` and ``]]``."""
MASKED = [
    (m.replace("[[", "").replace("]]", ""), re.sub(r"\[\[.*?\]\]", "***", m, flags=re.S))
    for m in MARKED
]


UNCHANGED = [
    "ldap3.core.exceptions.LDAPInvalidCredentialsResult: invalidCredentials",
    "Secrets Manager Secret (arn:aws:secretsmanager:eu-west-1:123456789012:secret:etl/dw-AbCdEf)",
    "ValueError: secret_key_ref 'etl-dw/password' not found in vault mount 'kv'",
    "Learn more at https://support.google.com/mail/?p=BadCredentials d2e3f4a5b6c7.8 - gsmtp",
    "curl -w '%{http_code}' -a x; grep -w word; ls -a /tmp",
    "echo $DOCKER_PASSWORD | docker login --password-stdin",
    "the row identified by id 42 was skipped",
    "uses: actions/checkout@v4 and library/python@sha256:0a1b",
    "cache etl:2024:orders:daily:summary missed",
    "MAC 12:34:56:78:9a:bc and fe80:1234:5678:9abc::1 and 04:34:30,010",
    "partition_key=customer_id object_key=raw/orders/2025/part-0001.parquet",
    "idempotency_key=3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
    "docker login --password-stdin registry.acme.io failed: unauthorized",
    "sys.path was patched; dispatch pattern compat",
    "quota at 100%; 50%3 done",
    "naïve café résumé: encoding failed for column 'name'",
    # near misses of the rules for attack43
    'psycopg2.errors.UndefinedTable: relation "analytics.password_resets" does not exist',
    "token_url=https://login.acme.io/oauth2/token",
    'FATAL:  password authentication failed for user "etl"',
    "alert mail to ops@example.com bounced",
    "scp /data/out.csv etl@bastion.acme.internal:/srv/in/ failed",
    "see http://wiki.acme.io:8080/runbooks/a@/b",
    'config["password"] is required; os.environ["DB_PASSWORD"] was empty',
    "cookies: {} sent",
    " relname         | n_live_tup\n-----------------+-----------\n password_resets |         12",
    "  table            rows\n0  password_resets    12\n1  users              40",
    "Passwortänderung erforderlich",
    "la clave 'PRIMARY' está duplicada; enclave=eu-west",
    # causes and names after a credential word: what went wrong, which secret
    "Could not read secret: google.api_core.exceptions.PermissionDenied: 403",
    "Failed to refresh token: invalid_client",
    "Failed to decrypt password: InvalidSignature",
    "DB_PASSWORD: must be set",
    "client_secret: field required",
    "Secret prod/etl/redshift_password not found",
    "Could not fetch secret projects/123456/secrets/dwh-api-token/versions/3: 404",
]


@pytest.mark.parametrize(("line", "expected"), MASKED)
def test_family_is_masked(line: str, expected: str) -> None:
    """The secret of each family is masked whole; the rest of the line stays as it was."""
    assert redact(line) == expected


@pytest.mark.parametrize("line", UNCHANGED)
def test_near_misses_stay(line: str) -> None:
    """Lines that look like a family (exception names, ids, paths, times) are not masked."""
    assert redact(line) == line


_SHAPES: dict[commands.Finder, list[str | re.Pattern[str]]] = {
    commands.tool_secrets: [
        r"(redis-cli|ldapsearch|vsql|htpasswd|rabbitmqctl|openssl|vault)"
        r"( -[a-zA-Z]{1,3}| [a-z0-9_]{1,10}| passwd| login| add_user){0,6}"
    ],
    commands.piped_secrets: [commands._PIPED, commands._HERE],
    commands.sql_secrets: [commands._IDENTIFIED, commands._ORACLE_TOOL],
    commands.call_secrets: [commands._LOGIN_CALL],
    commands.pgpass_secrets: [commands._PGPASS],
}


@pytest.mark.parametrize(
    ("triggers", "finder"), commands.COMMAND_FINDERS, ids=lambda v: getattr(v, "__name__", "")
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_command_gate_never_hides_a_secret(
    triggers: tuple[str, ...], finder: commands.Finder, data: st.DataObject
) -> None:
    """Wherever a command finder masks something, one of its gate literals is in the text."""
    text = data.draw(st.one_of(*(st.from_regex(p, fullmatch=True) for p in _SHAPES[finder])))
    if finder(text, text.lower()):
        assert any(t in text.lower() for t in triggers)


# Tables after red team attack45 (fix45): delimited and per-record layouts, what a header
# is, which columns hold a credential, and linear time.
TABLES_MASKED = [
    ("login\tpassword\thost\netl\tPw9Tab!x\tdwh", "login\tpassword\thost\netl\t***\tdwh"),
    ("id;api_key\n7;k3yZ9xQ2w", "id;api_key\n7;***"),
    ('user,password\netl,"a,b Pw9x"', 'user,password\netl,"***"'),
    (
        "-[ RECORD 2 ]-+---\nuser   | etl\napi_key | k3yZ9xQ2w",
        "-[ RECORD 2 ]-+---\nuser   | etl\napi_key | ***",
    ),
    ("-RECORD 1----\n secret | S3cr3tVal9", "-RECORD 1----\n secret | ***"),
    # a header below a line that does not line up with it is still a header
    ("rows:\n  login  password\n  etl    Pw9Zq8x!", "rows:\n  login  password\n  etl    ***"),
]
TABLES_KEPT = [
    # a data row whose cell is a key word is no header (the line above lines up with it)
    "user  method    result\nann   token     OK\nbob   password  FAILED\ncid   password  OK",
    "user,method,result\nann,token,OK\nbob,password,FAILED\ncid,password,OK",
    "| user | method   |\n|------|----------|\n| bob  | password |\n"
    "|------|----------|\n| cid  | ok9zQ2x7 |",
    # columns named for something about a secret
    "id  password_updated  token_created_at\n1   2024-05-01        2024-05-02 10:00",
    "model  total_tokens\ngpt    12345678",
    "suite  pass  fail  skip\nall    12    3     0",
    "-[ RECORD 1 ]---\npassword_changed_at | 2024-05-01 10:22:11",
    # a CSV-looking pair of names above a log record (its time has a comma)
    "user,password\n2024-05-01 10:00:00,123 ERROR boom",
    # a record rule with no field lines; a 'key | value' line with no record rule
    "-[ RECORD 1 ]---\nno fields here: password",
    "password | Zq8Wx2Lm5Tq is not a record",
]


@pytest.mark.parametrize(("text", "expected"), TABLES_MASKED)
def test_table_column_is_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", TABLES_KEPT)
def test_table_near_misses_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "row",
    [
        "a  password  b{i}",
        "password\tx{i}\ty",
        "p,password,{i}",
        "| password | c{i} |",
        "x{i}  token",
    ],
)
def test_table_finder_is_linear(row: str) -> None:
    """Every row a header candidate: 2000 rows take about four times 500 rows, not sixteen."""

    def seconds(n: int) -> float:
        text = "\n".join(row.format(i=i) for i in range(n))
        start = time.perf_counter()
        redact(text)
        return time.perf_counter() - start

    small, large = min(seconds(500) for _ in range(3)), min(seconds(2000) for _ in range(3))
    assert small < 0.1
    assert large < 8 * small + 0.02
