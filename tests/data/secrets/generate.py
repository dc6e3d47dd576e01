#!/usr/bin/env python3
"""Deterministic generator of the logsumd secret-redaction test corpus.

Writes, next to this file:
  secrets_dev.jsonl / secrets_test.jsonl  - multiline ETL error events with FAKE secrets
  clean_dev.jsonl / clean_test.jsonl      - real secret-free log lines (copied from
                                             clean_source.jsonl, see README.md)

Stdlib only, Python 3.11, fixed seed: running it twice gives byte-identical output.
Every secret value below is random and fake; it only has the shape (prefix, length,
alphabet) of the real thing.
"""
import base64
import datetime as _dt
import hashlib
import json
import os
import random
import shlex
import string
import sys
import urllib.parse
from xml.sax.saxutils import escape as _xml_escape

SEED = 20240611
R = random.Random(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DIG = string.digits
ALNUM = UP + LO + DIG
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
B32 = UP + "234567"
HARD = "@:/%&;{}'\"\\#"


# --------------------------------------------------------------------------- values
def rs(alpha, n):
    return "".join(R.choice(alpha) for _ in range(n))


def rbytes(n):
    return bytes(R.randrange(256) for _ in range(n))


def b64(n_bytes, url=False, pad=True):
    s = (base64.urlsafe_b64encode if url else base64.b64encode)(rbytes(n_bytes)).decode()
    return s if pad else s.rstrip("=")


def uuid4():
    h = rs(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{R.choice('89ab')}{h[17:20]}-{h[20:32]}"


WORDS = ["summer", "winter", "etl", "warehouse", "orders", "falcon", "tiger", "pipeline",
         "spark", "delta", "harbor", "crimson", "maple", "quartz", "nebula", "oracle",
         "kafka", "lake", "river", "cobalt", "saturn", "mango", "pepper", "glacier"]


def password(n=None, hard=2, exclude="", space=False, style=None):
    """Random password with 'hard' characters (@ : / % & ; { } ' \" \\ #)."""
    pool = [c for c in HARD if c not in exclude]
    style = style or R.choice(["random", "random", "words"])
    if style == "words":
        w = R.choice(WORDS).capitalize() + R.choice(WORDS)
        base = list(w + str(R.randint(10, 9999)))
    else:
        n = n or R.randint(12, 22)
        base = [R.choice(ALNUM) for _ in range(n)]
        base[0] = R.choice(UP + LO)
        base[1] = R.choice(DIG)
    for _ in range(hard if pool else 0):
        base.insert(R.randrange(1, len(base)), R.choice(pool))
    if space:
        base.insert(R.randrange(2, len(base) - 1), " ")
    return "".join(base)


def pw_shell(n=None):
    # survives shlex.quote + repr() of the whole command verbatim (no quote/backslash),
    # still has hard characters (@ : / % & ; { } #)
    return password(n, hard=R.randint(1, 3), exclude="'\"\\")


def pw_url_encoded(**kw):
    raw = password(**kw)
    return raw, urllib.parse.quote(raw, safe="")


def py_inner(s):
    return repr(s)[1:-1]


def bytes_inner(s):
    return repr(s.encode())[2:-1]


def json_inner(s):
    return json.dumps(s)[1:-1]


def xml_inner(s):
    return _xml_escape(s, {'"': "&quot;", "'": "&apos;"})


def aws_akid(prefix="AKIA"):
    return prefix + rs(B32, 16)


def aws_secret():
    return rs(ALNUM + "+/", 40)


def aws_session_token():
    # real STS tokens: base64 of a protobuf-ish blob starting with IQoJb3JpZ2luX2Vj
    return "IQoJb3JpZ2luX2Vj" + rs(ALNUM, 4) + "aDGV1LXdlc3QtMSJH" + b64(R.randint(560, 760))


def aws_session_token_old():
    return "FwoGZXIvYXdzE" + rs(ALNUM, 8) + b64(R.randint(230, 300))


def gh_classic():
    return "ghp_" + rs(ALNUM, 36)


def gh_fine():
    return "github_pat_11" + rs(UP + DIG, 20) + "_" + rs(ALNUM, 59)


def gh_other(p):
    return p + "_" + rs(ALNUM, 36)


def slack_tok(p):
    if p == "xoxb":
        return f"xoxb-{R.randint(10**10, 10**12)}-{R.randint(10**12, 10**13)}-{rs(ALNUM, 24)}"
    if p == "xoxp":
        return (f"xoxp-{R.randint(10**10, 10**12)}-{R.randint(10**10, 10**12)}-"
                f"{R.randint(10**12, 10**13)}-{rs(HEX, 32)}")
    if p == "xoxa":
        return f"xoxa-2-{R.randint(10**10, 10**12)}-{R.randint(10**12, 10**13)}-{rs(HEX, 64)}"
    if p == "xoxr":
        return f"xoxr-{R.randint(10**10, 10**12)}-{R.randint(10**12, 10**13)}-{rs(HEX, 64)}"
    if p == "xoxe":
        return f"xoxe.xoxp-1-{rs(ALNUM, 160)}"
    raise ValueError(p)


def slack_hook():
    t, b, s = "T" + rs(UP + DIG, 10), "B" + rs(UP + DIG, 10), rs(ALNUM, 24)
    return f"https://hooks.slack.com/services/{t}/{b}/{s}", s


def stripe(p):
    return p + "_51" + rs(ALNUM, 97)


def glpat():
    return "glpat-" + rs(B64URL, 20)


def hf():
    return "hf_" + rs(UP + LO, 34)


def dapi():
    return "dapi" + rs(HEX, 32) + R.choice(["", "", "-2", "-3"])


def ya29():
    return "ya29." + R.choice(["a0Ad52N3", "a0AfB_by", "c.b0Aaek", "a0AXooCg"]) + rs(B64URL, R.randint(140, 200))


def gocspx():
    return "GOCSPX-" + rs(B64URL, 28)


def aiza():
    return "AIza" + "Sy" + rs(B64URL, 33)


def sendgrid():
    return "SG." + rs(B64URL, 22) + "." + rs(B64URL, 43)


def openai_key():
    if R.random() < 0.5:
        return "sk-" + rs(ALNUM, 20) + "T3BlbkFJ" + rs(ALNUM, 20)
    return "sk-proj-" + rs(B64URL, 74) + "T3BlbkFJ" + rs(B64URL, 74)


def b64url_json(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def jwt(alg="HS256", sub=None):
    hdr = b64url_json({"alg": alg, "typ": "JWT"})
    now = 1714700000 + R.randint(0, 10**7)
    pl = {"sub": sub or uuid4(), "iss": R.choice(["https://auth.acme-data.io/", "etl-gateway", "https://login.example.com/oauth2"]),
          "aud": R.choice(["warehouse-api", "airflow", "ingest"]), "iat": now, "exp": now + 3600,
          "scope": R.choice(["read:orders write:orders", "etl", "openid profile"])}
    sig = b64(256 if alg.startswith("RS") else 32, url=True, pad=False)
    return f"{hdr}.{b64url_json(pl)}.{sig}"


def azure_account_key():
    return base64.b64encode(rbytes(64)).decode()  # 88 chars, ends with ==


def sas_sig_encoded():
    raw = base64.b64encode(rbytes(32)).decode()
    return urllib.parse.quote(raw, safe="")


def azure_client_secret():
    return rs(ALNUM, 3) + "8Q~" + rs(ALNUM + "-_.~", 34)


def twilio_token():
    return rs(HEX, 32)


def npm_tok():
    return "npm_" + rs(ALNUM, 36)


def pypi_tok():
    return "pypi-AgEIcHlwaS5vcmcCJD" + rs(B64URL, R.randint(130, 170))


def mailgun_key():
    return R.choice(["key-" + rs(HEX, 32), rs(HEX, 32) + "-" + rs(HEX, 8) + "-" + rs(HEX, 8)])


def heroku_key():
    return R.choice(["HRKU-AA" + rs(B64URL, 58), uuid4()])


def dd_api():
    return rs(HEX, 32)


def dd_app():
    return rs(HEX, 40)


def vault_tok():
    return "hvs." + "CAESI" + rs(B64URL, 90)


def telegram_tok():
    return f"{R.randint(10**8, 10**10)}:AA{rs(B64URL, 33)}"


def shopify_tok():
    return "shpat_" + rs(HEX, 32)


def atlassian_tok():
    return "ATATT3xFfGF0" + rs(B64URL, 170) + "=" + rs(UP + DIG, 8)


def opaque_token(n=None):
    return rs(ALNUM + "-_", n or R.randint(32, 64))


def hi_entropy(n=None):
    return rs(ALNUM, n or R.randint(24, 48))


# ------------------------------------------------------------------------- PEM keys
DER_PREFIX = {
    "RSA": bytes.fromhex("308204a40201000282010100"),
    "EC": bytes.fromhex("30770201010420"),
    "PKCS8": bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7308204a30201000282010100"),
}


def pem_key(kind="RSA"):
    """Returns (header, body_lines, footer); every body line is >= 12 chars."""
    while True:
        if kind == "OPENSSH":
            blob = (b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01"
                    b"\x00\x00\x003\x00\x00\x00\x0bssh-ed25519\x00\x00\x00 " + rbytes(R.randint(300, 330)))
            width = 70
            hdr, ftr = "-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----"
        elif kind == "RSA":
            blob = DER_PREFIX[kind] + rbytes(R.randint(1170, 1190))
            width = 64
            hdr, ftr = "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"
        elif kind == "EC":
            blob = DER_PREFIX[kind] + rbytes(R.randint(110, 114))
            width = 64
            hdr, ftr = "-----BEGIN EC PRIVATE KEY-----", "-----END EC PRIVATE KEY-----"
        else:
            blob = DER_PREFIX["PKCS8"] + rbytes(R.randint(1190, 1210))
            width = 64
            hdr, ftr = "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"
        body = base64.b64encode(blob).decode()
        lines = [body[i:i + width] for i in range(0, len(body), width)]
        if len(lines[-1]) >= 12:
            return hdr, lines, ftr


def pem_secrets(hdr, lines, ftr, sep="\n", trailing=""):
    block = sep.join([hdr] + lines + [ftr]) + trailing
    return [l for l in lines if len(l) >= 8], block


# --------------------------------------------------------------------- time / names
BASE = _dt.datetime(2023, 9, 1, 0, 0, 0)


def rdt():
    return BASE + _dt.timedelta(seconds=R.randint(0, 600 * 86400), microseconds=R.randint(0, 999999))


def af_ts(d, style):
    if style == "ui":
        return d.strftime("[%Y-%m-%d, %H:%M:%S UTC]")
    if style == "iso":
        return "[" + d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}+0000]"
    return "[" + d.strftime("%Y-%m-%d %H:%M:%S,") + f"{d.microsecond // 1000:03d}]"


def py_ts(d):
    return d.strftime("%Y-%m-%d %H:%M:%S,") + f"{d.microsecond // 1000:03d}"


def l4j_ts(d):
    return d.strftime("%y/%m/%d %H:%M:%S")


def iso_z(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond:06d}Z"


def later(d, s=1.0):
    return d + _dt.timedelta(seconds=R.uniform(0.01, s))


DAGS = ["orders_daily", "crm_sync", "s3_to_snowflake", "finance_ledger_load", "events_hourly",
        "customer_360", "marketing_attribution", "inventory_snapshot", "payments_recon",
        "clickstream_ingest", "hr_export", "gdpr_erasure", "dbt_nightly", "partner_feed_sftp"]
TASKS = ["extract", "load_raw", "transform", "upload_to_s3", "copy_into_stage", "notify_slack",
         "run_dbt", "export_report", "sync_accounts", "refresh_tokens", "push_metrics", "spark_submit_job"]
HOSTS = ["db-prod-01.internal", "warehouse.acme.local", "10.20.4.17", "pg-replica.eu-west-1.rds.amazonaws.com",
         "mysql-etl.corp", "analytics-db", "sql-prod.database.windows.net", "oracle-fin.corp.local"]
USERS = ["etl", "etl_user", "svc_airflow", "loader", "analytics", "dbt_runner", "sa", "report_ro", "ingest"]
BUCKETS = ["acme-raw-eu", "datalake-landing", "prod-etl-artifacts", "finance-exports", "clickstream-bronze"]
PYVER = ["3.8", "3.9", "3.10", "3.11", "3.12"]


def dag_task():
    return R.choice(DAGS), R.choice(TASKS)


def frame(path, line, fn, code):
    return f'  File "{path}", line {line}, in {fn}\n    {code}'


def af_site(pyv):
    return f"/home/airflow/.local/lib/python{pyv}/site-packages"


def af_python_frames(pyv):
    s = af_site(pyv)
    v = R.choice([("444", "414", "400", "235", "252"), ("465", "432", "401", "192", "209"),
                  ("767", "733", "406", "238", "256"), ("1518", "1681", "1751", "181", "198")])
    fr = [frame(f"{s}/airflow/models/taskinstance.py", v[0], "_execute_task",
                "result = _execute_callable(context=context, **execute_callable_kwargs)"),
          frame(f"{s}/airflow/models/taskinstance.py", v[1], "_execute_callable",
                "return execute_callable(context=context, **execute_callable_kwargs)"),
          frame(f"{s}/airflow/models/baseoperator.py", v[2], "wrapper", "return func(self, *args, **kwargs)"),
          frame(f"{s}/airflow/operators/python.py", v[3], "execute", "return_value = self.execute_callable()"),
          frame(f"{s}/airflow/operators/python.py", v[4], "execute_callable",
                "return self.python_callable(*self.op_args, **self.op_kwargs)")]
    return fr


def airflow_event(user_frames, exc_lines, pre=None, post=True, dag=None, task=None, style=None,
                  pyv=None, op_frames=None, header="Task failed with exception", fail_msg=None):
    """A whole Airflow task-log error event: optional pre lines, the ERROR header, the
    traceback, the final exception lines and the 'Marking task as FAILED' tail."""
    style = style or R.choice(["ui", "iso", "iso", "old"])
    pyv = pyv or R.choice(PYVER)
    if dag is None:  # keep dag_id consistent with the DAG file shown in the traceback
        for f in user_frames:
            if "/opt/airflow/dags/" in f:
                dag = f.split("/opt/airflow/dags/")[1].split(".py")[0]
                break
    dag, task = dag or R.choice(DAGS), task or R.choice(TASKS)
    d = rdt()
    out = []
    for (src, lvl, msg) in (pre or []):
        out.append(f"{af_ts(d, style)} {{{src}}} {lvl} - {msg}")
        d = later(d)
    tiline = R.choice(["2698", "2341", "1910", "1482", "2905", "3311", "1703"])
    out.append(f"{af_ts(d, style)} {{taskinstance.py:{tiline}}} ERROR - {header}")
    fr = (op_frames if op_frames is not None else af_python_frames(pyv)) + list(user_frames)
    out.append("Traceback (most recent call last):")
    out.extend(fr)
    out.extend(exc_lines)
    if post:
        d2 = later(d, 2)
        start = d - _dt.timedelta(seconds=R.randint(2, 90))
        rid = R.choice(["scheduled__", "manual__"]) + (d.date() - _dt.timedelta(days=1)).isoformat() + "T00:00:00+00:00"
        out.append(f"{af_ts(d2, style)} {{taskinstance.py:1206}} INFO - Marking task as "
                   f"{R.choice(['FAILED', 'UP_FOR_RETRY'])}. dag_id={dag}, task_id={task}, run_id={rid}, "
                   f"execution_date={(d.date() - _dt.timedelta(days=1)).strftime('%Y%m%d')}T000000, "
                   f"start_date={start.strftime('%Y%m%dT%H%M%S')}, end_date={d2.strftime('%Y%m%dT%H%M%S')}")
        if fail_msg is not None:
            out.append(f"{af_ts(later(d2), style)} {{standard_task_runner.py:{R.choice(['104', '107', '110', '124'])}}} "
                       f"ERROR - Failed to execute job {R.randint(100, 99999)} for task {task} ({fail_msg}; {R.randint(100, 9999)})")
    return "\n".join(out)


def user_frame(dag, code, func=None, line=None):
    return frame(f"/opt/airflow/dags/{dag}.py", line or R.randint(20, 240), func or R.choice(
        ["_extract", "_load", "run", "main", "load_to_warehouse", "_push", "upload", "sync"]), code)


def lib_frame(pyv, mod, line, fn, code, site=None):
    return frame(f"{site or af_site(pyv)}/{mod}", line, fn, code)


def pylog_event(lines_after, logger=None, level="ERROR", msg="", fmt=None):
    d = rdt()
    logger = logger or R.choice(["etl.loader", "__main__", "pipeline.extract", "root", "ingest.jobs", "app"])
    fmt = fmt or R.choice(["a", "b", "c"])
    if fmt == "a":
        head = f"{py_ts(d)} {level} [{logger}] {msg}"
    elif fmt == "b":
        head = f"{py_ts(d)} - {logger} - {level} - {msg}"
    else:
        head = f"{level}:{logger}:{msg}"
    return "\n".join([head] + list(lines_after))


def spark_lines(entries):
    d = rdt()
    out = []
    for e in entries:
        if isinstance(e, tuple):
            lvl, cls, msg = e
            out.append(f"{l4j_ts(d)} {lvl} {cls}: {msg}")
            d = later(d)
        else:
            out.append(e)
    return "\n".join(out)


def jframes(frames):
    return ["\tat " + f for f in frames]


def spring_line(d, lvl, logger, msg, pid=None, thread="main"):
    return (d.strftime("%Y-%m-%d %H:%M:%S.") + f"{d.microsecond // 1000:03d} {lvl:>5} {pid or R.randint(1, 99999)} --- "
            f"[{thread:>15}] {logger:<40} : {msg}")


def k8s_line(d, msg, stream="stderr"):
    return f"{iso_z(d)} {stream} F {msg}"


def cpe(cmd_list, code=1):
    return f"subprocess.CalledProcessError: Command '{cmd_list!r}' returned non-zero exit status {code}."


def bash_out(d, style, line):
    return f"{af_ts(d, style)} {{subprocess.py:{R.choice(['93', '106'])}}} INFO - {line}"


def dbt_ts(d):
    return d.strftime("%H:%M:%S")


# ------------------------------------------------------------------------ registry
KINDS = {}


def reg(kind, split):
    def deco(fn):
        KINDS.setdefault(kind, {"d": [], "t": []})[split].append(fn)
        return fn
    return deco


# =================================================================== AWS
@reg("aws_access_key_id", "d")
def _():
    akid = aws_akid()
    dag, task = dag_task()
    pyv = R.choice(PYVER)
    s = af_site(pyv)
    txt = airflow_event(
        [user_frame(dag, f"s3.download_file('{R.choice(BUCKETS)}', key, local_path)"),
         lib_frame(pyv, "boto3/s3/inject.py", 192, "download_file", "return transfer.download_file("),
         lib_frame(pyv, "botocore/client.py", 1021, "_make_api_call", "raise error_class(parsed_response, operation_name)")],
        ["botocore.exceptions.ClientError: An error occurred (InvalidAccessKeyId) when calling the HeadObject operation: "
         "The AWS Access Key Id you provided does not exist in our records."],
        pre=[("base.py:84", "INFO", f"Using connection ID 'aws_default' for task execution."),
             ("connection_wrapper.py:378", "INFO", f"AWS Connection (conn_id='aws_default', conn_type='aws') credentials "
              f"retrieved from login and password. aws_access_key_id={akid}")],
        dag=dag, task=task, pyv=pyv)
    return "airflow-traceback/boto3-ClientError/inline-key=value", txt, [akid]


@reg("aws_access_key_id", "d")
def _():
    akid = aws_akid()
    sig = rs(HEX, 64)
    d = rdt()
    b = R.choice(BUCKETS)
    url = (f"https://{b}.s3.eu-west-1.amazonaws.com/exports/{d:%Y/%m/%d}/part-0000.csv.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256"
           f"&X-Amz-Credential={akid}%2F{d:%Y%m%d}%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date={d:%Y%m%dT%H%M%S}Z"
           f"&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature={sig}")
    txt = pylog_event([
        "Traceback (most recent call last):",
        frame("/app/jobs/partner_export.py", 88, "push", "resp.raise_for_status()"),
        frame("/usr/local/lib/python3.11/site-packages/requests/models.py", 1021, "raise_for_status",
              "raise HTTPError(http_error_msg, response=self)"),
        f"requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: {url}"],
        msg="partner export failed, presigned upload rejected")
    return "python-logging/requests-HTTPError/presigned-url-query", txt, [akid, sig]


@reg("aws_access_key_id", "d")
def _():
    akid, sec = aws_akid(), aws_secret()
    txt = spark_lines([
        ("INFO", "SparkContext", "Running Spark version 3.4.1"),
        ("WARN", "SparkConf", f"Setting 'spark.hadoop.fs.s3a.access.key' to '{akid}' from SPARK_CONF"),
        ("ERROR", "FileFormatWriter", f"Aborting job {uuid4()}."),
        "java.nio.file.AccessDeniedException: s3a://" + R.choice(BUCKETS) + "/silver/orders/_temporary/0: getFileStatus on "
        "s3a://" + R.choice(BUCKETS) + "/silver/orders/_temporary/0: com.amazonaws.services.s3.model.AmazonS3Exception: "
        f"Forbidden (Service: Amazon S3; Status Code: 403; Error Code: 403 Forbidden; Request ID: {rs(UP + DIG, 16)}; "
        f"S3 Extended Request ID: {b64(60)}; Proxy: null), S3 Extended Request ID: {b64(60)}:403 Forbidden",
    ] + jframes(["org.apache.hadoop.fs.s3a.S3AUtils.translateException(S3AUtils.java:255)",
                 "org.apache.hadoop.fs.s3a.S3AFileSystem.s3GetFileStatus(S3AFileSystem.java:3796)"]))
    return "spark-log4j/SparkConf-warning", txt, [akid]


@reg("aws_access_key_id", "t")
def _():
    akid = aws_akid("ASIA")
    d = rdt()
    lines = [k8s_line(d, "Traceback (most recent call last):"),
             k8s_line(d, '  File "/app/main.py", line 41, in <module>'),
             k8s_line(d, "    raise RuntimeError(f\"STS credentials rejected for key {creds['AccessKeyId']}\")"),
             k8s_line(d, f"RuntimeError: STS credentials rejected for key {akid}")]
    return "k8s-container-log/message-positional", "\n".join(lines), [akid]


@reg("aws_access_key_id", "t")
def _():
    akid, sec = aws_akid(), aws_secret()
    d = rdt()
    txt = "\n".join([
        spring_line(d, "ERROR", "c.a.etl.export.S3Exporter", "Upload of batch 42 failed"),
        f"com.amazonaws.services.s3.model.AmazonS3Exception: The request signature we calculated does not match the signature you provided. "
        f"Check your key and signing method. (Service: Amazon S3; Status Code: 403; Error Code: SignatureDoesNotMatch; "
        f"Request ID: {rs(UP + DIG, 16)}; S3 Extended Request ID: {b64(60)}; Proxy: null)",
        f"\tat com.acme.etl.export.S3Exporter.<init>(S3Exporter.java:57) [credentials=BasicAWSCredentials(accessKey={akid}, secretKey={sec})]",
    ] + jframes(["com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse(AmazonHttpClient.java:1879)",
                 "com.amazonaws.services.s3.AmazonS3Client.putObject(AmazonS3Client.java:1860)"]))
    return "java-logback/toString-of-credentials", txt, [akid, sec]


@reg("aws_secret_access_key", "d")
def _():
    akid, sec = aws_akid(), aws_secret()
    pyv = R.choice(PYVER)
    txt = airflow_event(
        [user_frame("s3_to_snowflake", "session = boto3.Session(profile_name='etl')"),
         lib_frame(pyv, "botocore/configloader.py", 139, "raw_config_parse", "cp.read([path])"),
         frame(f"/usr/local/lib/python{pyv}/configparser.py", 713, "read", "self._read(fp, filename)"),
         frame(f"/usr/local/lib/python{pyv}/configparser.py", 1120, "_read", "raise e")],
        ["configparser.ParsingError: Source contains parsing errors: '/home/airflow/.aws/credentials'",
         f"\t[line  3]: 'aws_secret_access_key {sec}\\n'"],
        pyv=pyv)
    return "airflow-traceback/configparser-ParsingError-line", txt, [sec]


@reg("aws_secret_access_key", "d")
def _():
    akid, sec = aws_akid(), aws_secret()
    d = rdt()
    st = R.choice(["iso", "ui"])
    cmd = f"aws configure set aws_access_key_id {akid} && aws configure set aws_secret_access_key {sec} && aws s3 sync /data s3://{R.choice(BUCKETS)}/in"
    lines = [f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', '{cmd}']",
             f"{af_ts(d, st)} {{subprocess.py:86}} INFO - Output:",
             bash_out(d, st, "upload failed: /data/orders.csv to s3://bucket/in/orders.csv An error occurred (InvalidAccessKeyId) "
                             "when calling the PutObject operation: The AWS Access Key Id you provided does not exist in our records."),
             f"{af_ts(d, st)} {{subprocess.py:97}} INFO - Command exited with return code 1",
             f"{af_ts(d, st)} {{taskinstance.py:2698}} ERROR - Task failed with exception",
             "airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 1."]
    return "airflow-bashoperator/aws-configure-set", "\n".join(lines), [akid, sec]


@reg("aws_secret_access_key", "d")
def _():
    akid, sec = aws_akid(), aws_secret()
    cfg = {"aws_access_key_id": akid, "aws_secret_access_key": sec, "region_name": "eu-central-1"}
    txt = pylog_event([
        "Traceback (most recent call last):",
        frame("/srv/etl/jobs/s3_client.py", 33, "get_client", "return boto3.client('s3', **cfg)"),
        frame("/usr/local/lib/python3.10/site-packages/botocore/client.py", 980, "_make_api_call",
              "raise error_class(parsed_response, operation_name)"),
        "botocore.exceptions.ClientError: An error occurred (SignatureDoesNotMatch) when calling the ListObjectsV2 operation: "
        "The request signature we calculated does not match the signature you provided. Check your key and signing method."],
        msg=f"could not list objects with cfg={cfg}")
    return "python-logging/dict-repr-kwargs", txt, [akid, sec]


@reg("aws_secret_access_key", "t")
def _():
    akid, sec = aws_akid(), aws_secret()
    cmd = ["bash", "-xc", f"export AWS_ACCESS_KEY_ID={akid}; export AWS_SECRET_ACCESS_KEY={sec}; ./sync.sh"]
    lines = [f"+ export AWS_ACCESS_KEY_ID={akid}", f"+ AWS_ACCESS_KEY_ID={akid}",
             f"+ export AWS_SECRET_ACCESS_KEY={sec}", f"+ AWS_SECRET_ACCESS_KEY={sec}",
             "+ ./sync.sh", "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden",
             cpe(cmd)]
    return "bash-xtrace/export+CalledProcessError-list", pylog_event(lines, msg="sync step failed, stderr follows:"), [akid, sec]


@reg("aws_secret_access_key", "t")
def _():
    akid, sec = aws_akid(), aws_secret()
    d = rdt()
    lines = [f"{l4j_ts(d)} ERROR Main: job failed, dumping effective hadoop conf (filtered: fs.s3a.*)",
             "fs.s3a.endpoint=s3.eu-west-1.amazonaws.com", f"fs.s3a.access.key={akid}", f"fs.s3a.secret.key={sec}",
             "fs.s3a.path.style.access=false",
             "org.apache.hadoop.fs.s3a.AWSBadRequestException: doesBucketExist on acme-raw-eu: com.amazonaws.services.s3.model.AmazonS3Exception: "
             "Bad Request (Service: Amazon S3; Status Code: 400; Error Code: 400 Bad Request)"]
    return "spark-driver/hadoop-conf-dump", "\n".join(lines), [akid, sec]


@reg("aws_session_token", "d")
def _():
    akid, tok, sig = aws_akid("ASIA"), aws_session_token(), rs(HEX, 64)
    d = rdt()
    b = R.choice(BUCKETS)
    hdrs = (f"{{'User-Agent': b'Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.11.9 "
            f"md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.84', 'X-Amz-Date': b'{d:%Y%m%dT%H%M%S}Z', "
            f"'X-Amz-Security-Token': b'{tok}', 'X-Amz-Content-SHA256': b'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', "
            f"'Authorization': b'AWS4-HMAC-SHA256 Credential={akid}/{d:%Y%m%d}/eu-west-1/s3/aws4_request, "
            f"SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature={sig}'}}")
    lines = [f"{py_ts(d)} DEBUG botocore.endpoint: Sending http request: <AWSPreparedRequest stream_output=False, method=GET, "
             f"url=https://{b}.s3.eu-west-1.amazonaws.com/manifests/latest.json, headers={hdrs}>",
             f"{py_ts(later(d))} ERROR etl.manifest: failed to fetch manifest",
             "botocore.exceptions.ClientError: An error occurred (ExpiredToken) when calling the GetObject operation: "
             "The provided token has expired."]
    return "botocore-debug/bytes-repr-header", "\n".join(lines), [tok, akid, sig]


@reg("aws_session_token", "d")
def _():
    tok = aws_session_token_old()
    extra = json.dumps({"region_name": "us-east-1", "aws_session_token": tok, "role_arn": "arn:aws:iam::123456789012:role/etl"})
    txt = airflow_event(
        [user_frame("events_hourly", "hook = S3Hook(aws_conn_id='aws_sts')"),
         lib_frame("3.10", "airflow/providers/amazon/aws/hooks/base_aws.py", 655, "get_client_type",
                   "session, endpoint_url = self._get_credentials(region_name=region_name)")],
        ["botocore.exceptions.ClientError: An error occurred (ExpiredToken) when calling the AssumeRole operation: "
         "The security token included in the request is expired"],
        pre=[("logging_mixin.py:188", "INFO", f"conn extra: {extra}")], pyv="3.10")
    return "airflow-traceback/json-extra-in-print", txt, [tok]


@reg("aws_session_token", "d")
def _():
    akid, sec, tok = aws_akid("ASIA"), aws_secret(), aws_session_token()
    txt = pylog_event([
        "Traceback (most recent call last):",
        frame("/opt/jobs/loader.py", 71, "load", "conn = redshift_connector.connect(**params)"),
        "redshift_connector.error.InterfaceError: ('communication error', gaierror(-2, 'Name or service not known'))"],
        msg=f"connect failed with params {{'host': 'dw.cluster-1.eu-west-1.redshift.amazonaws.com', 'database': 'dw', "
            f"'iam': True, 'access_key_id': '{akid}', 'secret_access_key': '{sec}', 'session_token': '{tok}'}}")
    return "python-logging/dict-repr", txt, [akid, sec, tok]


@reg("aws_session_token", "t")
def _():
    akid, sec, tok = aws_akid("ASIA"), aws_secret(), aws_session_token()
    d = rdt()
    exp = d + _dt.timedelta(hours=1)
    resp = (f"{{'Credentials': {{'AccessKeyId': '{akid}', 'SecretAccessKey': '{sec}', 'SessionToken': '{tok}', "
            f"'Expiration': datetime.datetime({exp.year}, {exp.month}, {exp.day}, {exp.hour}, {exp.minute}, {exp.second}, tzinfo=tzutc())}}, "
            f"'AssumedRoleUser': {{'AssumedRoleId': 'AROA{rs(B32, 17)}:airflow', 'Arn': 'arn:aws:sts::123456789012:assumed-role/etl/airflow'}}}}")
    txt = airflow_event(
        [user_frame("finance_ledger_load", "s3 = boto3.client('s3', aws_access_key_id=c['AccessKeyId'])")],
        ["KeyError: 'SecretAccessKey '"],
        pre=[("logging_mixin.py:190", "INFO", f"assume_role response: {resp}")])
    return "airflow-traceback/sts-response-repr", txt, [akid, sec, tok]


@reg("aws_session_token", "t")
def _():
    tok = aws_session_token()
    d = rdt()
    cmd = ["env", f"AWS_SESSION_TOKEN={tok}", "aws", "s3", "cp", "out.parquet", f"s3://{R.choice(BUCKETS)}/gold/"]
    txt = "\n".join([f"{py_ts(d)} ERROR dagster - Step upload failed", cpe(cmd, 255)])
    return "CalledProcessError-list/env-assignment", txt, [tok]


# =================================================================== GitHub
@reg("github_pat_classic", "d")
def _():
    tok = gh_classic()
    repo = f"https://{tok}@github.com/acme-data/dbt-models.git"
    cmd = ["git", "clone", "--depth", "1", repo, "/tmp/dbt"]
    txt = airflow_event(
        [user_frame("dbt_nightly", "subprocess.run(cmd, check=True, capture_output=True)"),
         frame("/usr/local/lib/python3.11/subprocess.py", 571, "run",
               "raise CalledProcessError(retcode, process.args,")],
        [cpe(cmd, 128)], fail_msg=f"Command '{cmd!r}' returned non-zero exit status 128.", pyv="3.11")
    return "airflow-traceback/CalledProcessError-url-userinfo", txt, [tok]


@reg("github_pat_classic", "d")
def _():
    tok = gh_classic()
    d = rdt()
    lines = [f"{dbt_ts(d)}  Running with dbt=1.7.4",
             f"{dbt_ts(d)}  Encountered an error:",
             "Git error",
             f"  Error checking out spec='v2.3.1' for repo https://oauth2:{tok}@github.com/acme-data/dbt-internal-macros.git",
             "  fatal: could not read Username for 'https://github.com': terminal prompts disabled"]
    return "dbt-deps/error-with-git-url", "\n".join(lines), [tok]


@reg("github_pat_classic", "d")
def _():
    tok = gh_classic()
    d = rdt()
    st = "iso"
    lines = [f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', 'python /opt/airflow/scripts/publish_docs.py {tok} gh-pages']",
             bash_out(d, st, "Traceback (most recent call last):"),
             bash_out(d, st, '  File "/opt/airflow/scripts/publish_docs.py", line 12, in <module>'),
             bash_out(d, st, "    gh = Github(sys.argv[1])"),
             bash_out(d, st, "github.GithubException.BadCredentialsException: 401 {\"message\": \"Bad credentials\", \"documentation_url\": \"https://docs.github.com/rest\"}"),
             f"{af_ts(later(d), st)} {{subprocess.py:97}} INFO - Command exited with return code 1"]
    return "airflow-bashoperator/positional-cli-arg", "\n".join(lines), [tok]


@reg("github_pat_classic", "t")
def _():
    tok = gh_classic()
    txt = pylog_event([
        "Traceback (most recent call last):",
        frame("/app/release.py", 54, "create_release", "r.raise_for_status()"),
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.github.com/repos/acme-data/etl/releases"],
        msg=f"GitHub API call failed; request headers were {{'Accept': 'application/vnd.github+json', 'Authorization': 'token {tok}', 'User-Agent': 'python-requests/2.31.0'}}")
    return "python-logging/headers-dict-repr-token-scheme", txt, [tok]


@reg("github_pat_classic", "t")
def _():
    tok = gh_classic()
    d = rdt()
    lines = [k8s_line(d, f"Cloning into '/workspace/src'..."),
             k8s_line(d, f"remote: Support for password authentication was removed on August 13, 2021."),
             k8s_line(d, f"fatal: Authentication failed for 'https://ci-bot:{tok}@github.com/acme-data/etl.git/'")]
    return "k8s-log/git-fatal-url-password", "\n".join(lines), [tok]


@reg("github_pat_fine_grained", "d")
def _():
    tok = gh_fine()
    d = rdt()
    lines = [f"+ git remote set-url origin https://x-access-token:{tok}@github.com/acme-data/warehouse.git",
             "+ git push origin HEAD:refs/heads/auto/dbt-docs",
             "remote: Permission to acme-data/warehouse.git denied to acme-bot.",
             "fatal: unable to access 'https://github.com/acme-data/warehouse.git/': The requested URL returned error: 403"]
    return "bash-xtrace/url-userinfo", pylog_event(lines, msg="publish step failed with exit 128"), [tok]


@reg("github_pat_fine_grained", "d")
def _():
    tok = gh_fine()
    d = rdt()
    txt = "\n".join([k8s_line(d, "Environment:"), k8s_line(d, "  DBT_PROFILES_DIR=/app/profiles"),
                     k8s_line(d, f"  GITHUB_TOKEN={tok}"), k8s_line(d, "  PYTHONUNBUFFERED=1"),
                     k8s_line(d, "ERROR: package fetch failed: 401 Bad credentials")])
    return "k8s-log/env-dump", txt, [tok]


@reg("github_pat_fine_grained", "t")
def _():
    tok = gh_fine()
    cfg = json.dumps({"github": {"org": "acme-data", "token": tok, "repos": ["etl", "dbt"]}, "slack": {"channel": "#data-alerts"}}, indent=2)
    txt = pylog_event(["Loaded config:"] + cfg.splitlines() + ["github.GithubException.BadCredentialsException: 401 {\"message\": \"Bad credentials\"}"],
                      msg="sync_repos aborted")
    return "python-logging/json-config-dump", txt, [tok]


@reg("github_pat_fine_grained", "t")
def _():
    tok = gh_fine()
    cmd = ["pip", "install", f"git+https://{tok}@github.com/acme-data/etl-commons.git@v1.4.0"]
    txt = pylog_event(["  ERROR: Command errored out with exit status 128: git clone -q https://github.com/acme-data/etl-commons.git /tmp/pip-req-build-8x2k",
                       cpe(cmd)], msg="dependency bootstrap failed")
    return "CalledProcessError-list/pip-vcs-url", txt, [tok]


@reg("github_app_token", "d")
def _():
    tok = gh_other("ghs")
    d = rdt()
    lines = [k8s_line(d, "remote: Invalid username or password."),
             k8s_line(d, f"fatal: Authentication failed for 'https://x-access-token:{tok}@github.com/acme-data/etl.git/'")]
    return "k8s-log/git-fatal-url", "\n".join(lines), [tok]


@reg("github_app_token", "d")
def _():
    tok = gh_other("gho")
    txt = airflow_event(
        [user_frame("crm_sync", "resp = session.get(url, headers={'Authorization': f'token {GH_TOKEN}'})"),
         lib_frame("3.9", "requests/models.py", 1021, "raise_for_status", "raise HTTPError(http_error_msg, response=self)")],
        ["requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.github.com/orgs/acme-data/teams"],
        pre=[("logging_mixin.py:188", "INFO", f"using token={tok}")], pyv="3.9")
    return "airflow-traceback/inline-token=value", txt, [tok]


@reg("github_app_token", "t")
def _():
    tok = gh_other(R.choice(["ghu", "gho"]))
    d = rdt()
    lines = [f"{py_ts(d)} DEBUG urllib3.connectionpool: https://api.github.com:443 \"GET /user/installations HTTP/1.1\" 401 90",
             f"send: b'GET /user/installations HTTP/1.1\\r\\nHost: api.github.com\\r\\nAuthorization: Bearer {tok}\\r\\nAccept: */*\\r\\n\\r\\n'",
             f"{py_ts(later(d))} ERROR app: installation lookup failed: 401 Bad credentials"]
    return "http.client-debug/send-bytes-bearer", "\n".join(lines), [tok]


# =================================================================== Slack
@reg("slack_bot_token", "d")
def _():
    tok = slack_tok("xoxb")
    txt = airflow_event(
        [user_frame("orders_daily", "client.chat_postMessage(channel='#etl-alerts', text=summary)", "notify_slack"),
         lib_frame("3.11", "slack_sdk/web/base_client.py", 248, "api_call", "return self._sync_send(api_url=api_url, req_args=req_args)"),
         lib_frame("3.11", "slack_sdk/web/slack_response.py", 199, "validate", "raise e.SlackApiError(message=msg, response=self)")],
        ["slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://www.slack.com/api/chat.postMessage)",
         "The server responded with: {'ok': False, 'error': 'invalid_auth'}"],
        pre=[("notify.py:31", "INFO", f"posting summary with bot token {tok}")], pyv="3.11")
    return "airflow-traceback/message-positional", txt, [tok]


@reg("slack_bot_token", "d")
def _():
    tok = slack_tok("xoxb")
    cmd = ["curl", "-sS", "-X", "POST", "-H", f"Authorization: Bearer {tok}", "-H", "Content-type: application/json",
           "--data", '{"channel":"C04ETL0ALRT","text":"orders_daily failed"}', "https://slack.com/api/chat.postMessage"]
    txt = pylog_event([cpe(cmd, 22)], msg="notification hook failed")
    return "CalledProcessError-list/curl-header", txt, [tok]


@reg("slack_bot_token", "t")
def _():
    tok = slack_tok("xoxb")
    url = f"https://slack.com/api/conversations.history?token={tok}&channel=C02{rs(UP + DIG, 8)}&limit=200"
    txt = pylog_event([
        "Traceback (most recent call last):",
        frame("/opt/etl/slack_export.py", 47, "fetch", "r = requests.get(url, timeout=30)"),
        f"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='slack.com', port=443): Max retries exceeded with url: "
        f"{url[len('https://slack.com'):]} (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f2a1c3b9d50>: "
        "Failed to establish a new connection: [Errno -3] Temporary failure in name resolution'))"], msg="slack export failed")
    return "python-logging/url-query-token", txt, [tok]


@reg("slack_bot_token", "t")
def _():
    tok = slack_tok("xoxb")
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.a.alerts.SlackNotifier", f"Slack call failed for token={tok}: not_authed"),
                     "com.slack.api.methods.SlackApiException: status: 200, error: not_authed, needed: null, provided: null, warning: null"])
    return "java-logback/key=value", txt, [tok]


@reg("slack_user_token", "d")
def _():
    tok = slack_tok("xoxp")
    d = rdt()
    txt = "\n".join([k8s_line(d, "Traceback (most recent call last):"),
                     k8s_line(d, '  File "/app/archiver.py", line 19, in <module>'),
                     k8s_line(d, f'    client = WebClient(token="{tok}")'),
                     k8s_line(d, "slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://www.slack.com/api/auth.test)"),
                     k8s_line(d, "The server responded with: {'ok': False, 'error': 'token_revoked'}")])
    return "k8s-log/traceback-source-line", txt, [tok]


@reg("slack_user_token", "d")
def _():
    tok = slack_tok("xoxp")
    txt = airflow_event([user_frame("crm_sync", "users = slack.users_list()")],
                        ["slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://www.slack.com/api/users.list)",
                         "The server responded with: {'ok': False, 'error': 'missing_scope', 'needed': 'users:read', 'provided': 'chat:write'}"],
                        pre=[("base.py:84", "INFO", "Using connection ID 'slack_user' for task execution."),
                             ("logging_mixin.py:190", "INFO", f"conn.password='{tok}' conn.extra={{}}")])
    return "airflow-traceback/kwargs-repr", txt, [tok]


@reg("slack_user_token", "t")
def _():
    tok = slack_tok("xoxp")
    txt = pylog_event(["notifier:", "  backend: slack", f"  token: {tok}", "  channel: '#dwh'", "ValueError: channel_not_found"],
                      msg="invalid notifier configuration (yaml dump below)")
    return "python-logging/yaml-dump", txt, [tok]


@reg("slack_user_token", "t")
def _():
    tok = slack_tok("xoxe")
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} WARNING slack_bolt.oauth: token rotation failed for team T0{rs(UP + DIG, 8)}",
                     f"refresh attempt used xoxe token {tok}",
                     "slack_sdk.errors.SlackApiError: The server responded with: {'ok': False, 'error': 'invalid_refresh_token'}"])
    return "python-logging/message-positional", txt, [tok]


@reg("slack_legacy_token", "d")
def _():
    a, r = slack_tok("xoxa"), slack_tok("xoxr")
    resp = {"ok": True, "access_token": a, "token_type": "bot", "refresh_token": r, "expires_in": 43200}
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/app/oauth_refresh.py", 66, "store", "vault.write(path, **resp)"),
                       "hvac.exceptions.Forbidden: permission denied, on put http://vault.internal:8200/v1/secret/data/slack"],
                      msg=f"could not persist refreshed slack token: resp={resp}")
    return "python-logging/dict-repr", txt, [a, r]


@reg("slack_legacy_token", "d")
def _():
    r = slack_tok("xoxr")
    d = rdt()
    st = "ui"
    txt = "\n".join([f"{af_ts(d, st)} {{http.py:188}} ERROR - HTTP error: Bad Request",
                     f"{af_ts(d, st)} {{http.py:189}} ERROR - {{\"ok\":false,\"error\":\"invalid_refresh_token\",\"refresh_token\":\"{r}\"}}",
                     "airflow.exceptions.AirflowException: 400:Bad Request"])
    return "airflow-http-hook/json-response-body", txt, [r]


@reg("slack_legacy_token", "t")
def _():
    a = slack_tok("xoxa")
    d = rdt()
    txt = "\n".join([spring_line(d, "WARN", "c.a.notify.SlackClient", "retrying with workspace token"),
                     spring_line(later(d), "ERROR", "c.a.notify.SlackClient", f"POST https://slack.com/api/chat.postMessage?token={a}&channel=CDATA failed: account_inactive")])
    return "java-logback/url-query-token", txt, [a]


@reg("slack_webhook_url", "d")
def _():
    url, s = slack_hook()
    txt = airflow_event([user_frame("payments_recon", "requests.post(SLACK_WEBHOOK, json=payload).raise_for_status()", "on_failure"),
                         lib_frame("3.10", "requests/models.py", 1021, "raise_for_status", "raise HTTPError(http_error_msg, response=self)")],
                        [f"requests.exceptions.HTTPError: 404 Client Error: Not Found for url: {url}"], pyv="3.10",
                        header="Error when executing on_failure_callback callback")
    return "airflow-callback-traceback/url", txt, [s]


@reg("slack_webhook_url", "d")
def _():
    url, s = slack_hook()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR alerting: webhook delivery failed (410 Gone) url={url}",
                     "Response body: no_active_hooks"])
    return "python-logging/key=value-url", txt, [s]


@reg("slack_webhook_url", "t")
def _():
    url, s = slack_hook()
    d = rdt()
    txt = "\n".join([spark_lines([("ERROR", "AlertListener", "failed to send stage failure alert")]),
                     f"java.io.IOException: Server returned HTTP response code: 403 for URL: {url}"]
                    + jframes(["sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:1997)",
                               "com.acme.spark.AlertListener.onStageCompleted(AlertListener.scala:44)"]))
    return "spark-log4j/java-IOException-url", txt, [s]


# =================================================================== Stripe
@reg("stripe_secret_key", "d")
def _():
    k = stripe("sk_live")
    txt = airflow_event([user_frame("payments_recon", f"stripe.api_key = '{k}'", "_extract", 14),
                         user_frame("payments_recon", "charges = stripe.Charge.list(limit=100, created={'gte': since})", "_extract"),
                         lib_frame("3.11", "stripe/api_requestor.py", 407, "handle_error_response", "raise err")],
                        ["stripe.error.AuthenticationError: Request req_" + rs(ALNUM, 14) + ": Expired API Key provided: sk_live_*********************" + k[-4:]],
                        pyv="3.11")
    return "airflow-traceback/source-line-assignment", txt, [k]


@reg("stripe_secret_key", "d")
def _():
    k = stripe("sk_live")
    d = rdt()
    st = "iso"
    txt = "\n".join([f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', 'python -m sync_stripe --since 2024-05-01 --api-key {k}']",
                     bash_out(d, st, "stripe.error.PermissionError: Request req_" + rs(ALNUM, 14) + ": The provided key does not have the required permissions for this endpoint"),
                     f"{af_ts(d, st)} {{subprocess.py:97}} INFO - Command exited with return code 1"])
    return "airflow-bashoperator/--api-key-space", txt, [k]


@reg("stripe_secret_key", "t")
def _():
    k = stripe("sk_live")
    d = rdt()
    txt = "\n".join([f"send: b'GET /v1/balance_transactions?limit=100 HTTP/1.1\\r\\nHost: api.stripe.com\\r\\nUser-Agent: Stripe/v1 PythonBindings/7.9.0\\r\\n"
                     f"Authorization: Bearer {k}\\r\\nStripe-Version: 2023-10-16\\r\\n\\r\\n'",
                     "reply: 'HTTP/1.1 401 Unauthorized\\r\\n'",
                     f"{py_ts(d)} ERROR stripe_sync: balance pull failed"])
    return "http.client-debug/bearer-bytes", txt, [k]


@reg("stripe_secret_key", "t")
def _():
    k = stripe("sk_live")
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.a.billing.StripeGateway", "Stripe call failed"),
                     f"com.stripe.exception.AuthenticationException: Invalid API Key provided: {k}; request-id: req_{rs(ALNUM, 14)}"]
                    + jframes(["com.stripe.net.LiveStripeResponseGetter.handleApiError(LiveStripeResponseGetter.java:215)"]))
    return "java-exception-message/bare-key", txt, [k]


@reg("stripe_restricted_key", "d")
def _():
    k = stripe("rk_live")
    d = rdt()
    txt = "\n".join([k8s_line(d, "Starting payout-export with env:"), k8s_line(d, f"STRIPE_API_KEY={k}"),
                     k8s_line(d, "stripe.error.PermissionError: The provided key 'rk_live_***' does not have access to account")])
    return "k8s-log/env-dump", txt, [k]


@reg("stripe_restricted_key", "d")
def _():
    k = stripe("rk_live")
    var = json.dumps({"stripe": {"key": k, "account": "acct_1" + rs(ALNUM, 15)}})
    txt = airflow_event([user_frame("payments_recon", "cfg = Variable.get('stripe_cfg', deserialize_json=True)['stripe']['secret']")],
                        ["KeyError: 'secret'"], pre=[("logging_mixin.py:188", "INFO", f"variable stripe_cfg = {var}")])
    return "airflow-traceback/json-in-print", txt, [k]


@reg("stripe_restricted_key", "t")
def _():
    k = stripe("rk_live")
    url = f"https://api.stripe.com/v1/payouts?limit=50&api_key={k}"
    txt = pylog_event([f"requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: {url}"], msg="payout export failed")
    return "python-logging/url-query-api_key", txt, [k]


# =================================================================== GitLab / HF / Databricks
@reg("gitlab_pat", "d")
def _():
    t = glpat()
    cmd = ["pip", "install", "--no-cache-dir", f"git+https://oauth2:{t}@gitlab.acme.io/data/etl-utils.git@main"]
    txt = airflow_event([user_frame("hr_export", "subprocess.check_call(cmd)"),
                         frame("/usr/local/lib/python3.10/subprocess.py", 369, "check_call", "raise CalledProcessError(retcode, cmd)")],
                        [cpe(cmd)], pyv="3.10")
    return "airflow-traceback/CalledProcessError-url-userinfo", txt, [t]


@reg("gitlab_pat", "d")
def _():
    t = glpat()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR release: artifact upload failed: 401 Unauthorized",
                     f"request: PUT https://gitlab.acme.io/api/v4/projects/42/packages/generic/etl/1.2.0/etl.whl headers={{'PRIVATE-TOKEN': '{t}'}}"])
    return "python-logging/headers-dict-repr", txt, [t]


@reg("gitlab_pat", "t")
def _():
    t = glpat()
    txt = "\n".join(["*   Trying 10.0.3.14:443...", "* Connected to gitlab.acme.io (10.0.3.14) port 443 (#0)",
                     "> GET /api/v4/projects/data%2Fwarehouse/pipelines?status=failed HTTP/2", "> Host: gitlab.acme.io",
                     f"> PRIVATE-TOKEN: {t}", "> user-agent: curl/8.4.0", ">", "< HTTP/2 401",
                     "{\"message\":\"401 Unauthorized\"}"])
    return "curl-verbose/header", txt, [t]


@reg("gitlab_pat", "t")
def _():
    t = glpat()
    txt = pylog_event(["gitlab.exceptions.GitlabAuthenticationError: 401: 401 Unauthorized"],
                      msg=f"cannot authenticate to gitlab.acme.io with {t}")
    return "python-logging/message-positional", txt, [t]


@reg("huggingface_token", "d")
def _():
    t = hf()
    txt = airflow_event([user_frame("customer_360", f"model = AutoModel.from_pretrained(MODEL, token='{t}')", "embed"),
                         lib_frame("3.10", "huggingface_hub/utils/_errors.py", 304, "hf_raise_for_status", "raise GatedRepoError(message, response) from e")],
                        ["huggingface_hub.utils._errors.GatedRepoError: 403 Client Error. (Request ID: Root=1-" + rs(HEX, 8) + "-" + rs(HEX, 24) + ")",
                         "Cannot access gated repo for url https://huggingface.co/acme/embedder-v2/resolve/main/config.json."], pyv="3.10")
    return "airflow-traceback/source-kwarg", txt, [t]


@reg("huggingface_token", "d")
def _():
    t = hf()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} INFO  embed-job: HF_TOKEN={t} HF_HOME=/cache/hf",
                     f"{py_ts(later(d))} ERROR embed-job: 401 Client Error: Unauthorized for url: https://huggingface.co/api/models/acme/embedder-v2"])
    return "python-logging/env-style", txt, [t]


@reg("huggingface_token", "t")
def _():
    t = hf()
    cmd = ["huggingface-cli", "login", "--token", t, "--add-to-git-credential"]
    txt = pylog_event(["Token is valid (permission: read).", "Cannot authenticate through git-credential as no helper is defined on your machine.", cpe(cmd)],
                      msg="model bootstrap failed")
    return "CalledProcessError-list/--token", txt, [t]


@reg("databricks_token", "d")
def _():
    t = dapi()
    host = f"adb-{R.randint(10**14, 10**15)}.{R.randint(1, 19)}.azuredatabricks.net"
    txt = airflow_event([user_frame("s3_to_snowflake", f"conn = sql.connect(server_hostname='{host}', http_path=HTTP_PATH, access_token='{t}')"),
                         lib_frame("3.11", "databricks/sql/client.py", 257, "__init__", "self._open_session_resp = self.thrift_backend.open_session("),
                         lib_frame("3.11", "databricks/sql/thrift_backend.py", 448, "_handle_request_error", "raise network_request_error")],
                        ["databricks.sql.exc.RequestError: Error during request to server: : Invalid access token."], pyv="3.11")
    return "airflow-traceback/source-kwarg", txt, [t]


@reg("databricks_token", "d")
def _():
    t = dapi()
    d = rdt()
    host = f"adb-{R.randint(10**14, 10**15)}.{R.randint(1, 19)}.azuredatabricks.net"
    lines = [f"\x1b[0m{dbt_ts(d)}.{R.randint(100000, 999999)} [debug] [MainThread]: Acquiring new databricks connection 'master'",
             f"\x1b[0m{dbt_ts(d)}.{R.randint(100000, 999999)} [debug] [MainThread]: profile: {{'host': '{host}', 'http_path': '/sql/1.0/warehouses/{rs(HEX, 16)}', 'schema': 'analytics', 'token': '{t}'}}",
             f"\x1b[0m{dbt_ts(d)}.{R.randint(100000, 999999)} [error] [MainThread]: Databricks adapter: Connection(session-id=Unknown) - Exception while trying to create connection: Error during request to server: : Invalid access token.."]
    return "dbt-debug-log/dict-repr", "\n".join(lines), [t]


@reg("databricks_token", "t")
def _():
    t = dapi()
    host = f"adb-{R.randint(10**14, 10**15)}.{R.randint(1, 19)}.azuredatabricks.net"
    d = rdt()
    url = f"jdbc:databricks://{host}:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=/sql/1.0/warehouses/{rs(HEX, 16)};UID=token;PWD={t}"
    txt = "\n".join([spring_line(d, "ERROR", "com.zaxxer.hikari.pool.HikariPool", "HikariPool-1 - Exception during pool initialization."),
                     f"java.sql.SQLException: [Databricks][JDBCDriver](500593) Communication link failure. Failed to connect to server. Reason: HTTP Response code: 401, url={url}"])
    return "java-jdbc/url-PWD", txt, [t]


@reg("databricks_token", "t")
def _():
    t = dapi()
    txt = pylog_event([f"> Authorization: Bearer {t}", "< HTTP/1.1 403 Forbidden",
                       'databricks.sdk.errors.platform.PermissionDenied: Invalid access token.'], msg="jobs/run-now failed")
    return "python-logging/bearer-header", txt, [t]


# =================================================================== Google
@reg("google_oauth_access_token", "d")
def _():
    t = ya29()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} WARNING google.auth.transport.requests: Refreshing credentials due to a 401 response. Attempt 1/2.",
                     f"{py_ts(later(d))} ERROR gsheets_export: token {t} rejected, re-auth required",
                     "google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.', {'error': 'invalid_grant', 'error_description': 'Token has been expired or revoked.'})"])
    return "python-logging/bare-token-in-message", txt, [t]


@reg("google_oauth_access_token", "d")
def _():
    t = ya29()
    txt = airflow_event([user_frame("marketing_attribution", "resp = requests.get(REPORT_URL, headers=headers, timeout=60)"),
                         lib_frame("3.9", "requests/models.py", 1021, "raise_for_status", "raise HTTPError(http_error_msg, response=self)")],
                        ["requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://analyticsreporting.googleapis.com/v4/reports:batchGet"],
                        pre=[("logging_mixin.py:188", "INFO", f"headers={{'Authorization': 'Bearer {t}', 'Content-Type': 'application/json'}}")], pyv="3.9")
    return "airflow-traceback/bearer-in-dict-repr", txt, [t]


@reg("google_oauth_access_token", "d")
def _():
    t = ya29()
    d = rdt()
    txt = "\n".join([spark_lines([("ERROR", "BigQueryRelationProvider", "read failed")]),
                     f"com.google.cloud.spark.bigquery.repackaged.com.google.api.client.googleapis.json.GoogleJsonResponseException: 401 Unauthorized",
                     f"GET https://bigquery.googleapis.com/bigquery/v2/projects/acme-dw/datasets/raw/tables/events",
                     "{", '  "code" : 401,', f'  "message" : "Request had invalid authentication credentials. Token: {t}"', "}"])
    return "spark-log4j/json-error-body", txt, [t]


@reg("google_oauth_access_token", "t")
def _():
    t = ya29()
    url = f"https://www.googleapis.com/drive/v3/files?q=name%3D%27daily.csv%27&access_token={t}&fields=files(id,name)"
    txt = pylog_event([f"urllib.error.HTTPError: HTTP Error 401: Unauthorized (url={url})"], msg="drive lookup failed")
    return "python-logging/url-query-access_token", txt, [t]


@reg("google_oauth_access_token", "t")
def _():
    t = ya29()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"credentials: <google.oauth2.credentials.Credentials token='{t}' expiry=None>"),
                     k8s_line(d, "google.api_core.exceptions.Unauthenticated: 401 Request had invalid authentication credentials.")])
    return "k8s-log/object-repr", txt, [t]


@reg("google_client_secret", "d")
def _():
    s = gocspx()
    cid = f"{R.randint(10**11, 10**12)}-{rs(LO + DIG, 32)}.apps.googleusercontent.com"
    js = json.dumps({"installed": {"client_id": cid, "project_id": "acme-dw", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                                   "token_uri": "https://oauth2.googleapis.com/token", "client_secret": s, "redirect_uris": ["http://localhost"]}})
    txt = airflow_event([user_frame("marketing_attribution", "flow = InstalledAppFlow.from_client_config(json.loads(raw), SCOPES)")],
                        ["ValueError: Client secrets must be for a web or installed app."],
                        pre=[("logging_mixin.py:188", "INFO", f"client config: {js}")])
    return "airflow-traceback/json-client-secrets", txt, [s]


@reg("google_client_secret", "d")
def _():
    s = gocspx()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR oauthlib: token request failed with body client_id=8812&client_secret={s}&grant_type=refresh_token&refresh_token=1%2F%2F0g{rs(B64URL, 40)}",
                     "oauthlib.oauth2.rfc6749.errors.InvalidClientError: (invalid_client) The OAuth client was not found."])
    refresh = txt.split("refresh_token=")[1].split()[0]
    return "python-logging/urlencoded-form", txt, [s, refresh]


@reg("google_client_secret", "t")
def _():
    s = gocspx()
    txt = pylog_event(["google.auth.exceptions.RefreshError: ('unauthorized_client: Unauthorized', {'error': 'unauthorized_client'})"],
                      msg=f"refresh failed for Credentials(client_id='...apps.googleusercontent.com', client_secret='{s}', scopes=['https://www.googleapis.com/auth/drive.readonly'])")
    return "python-logging/kwargs-repr", txt, [s]


@reg("google_client_secret", "t")
def _():
    s = gocspx()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"GOOGLE_CLIENT_SECRET={s}"), k8s_line(d, "error: oauth2: cannot fetch token: 401 Unauthorized")])
    return "k8s-log/env-line", txt, [s]


@reg("google_api_key", "d")
def _():
    k = aiza()
    url = f"https://maps.googleapis.com/maps/api/geocode/json?address=Rue+de+Rivoli%2C+Paris&key={k}"
    txt = airflow_event([user_frame("customer_360", "r = requests.get(url); r.raise_for_status()", "geocode"),
                         lib_frame("3.11", "requests/models.py", 1021, "raise_for_status", "raise HTTPError(http_error_msg, response=self)")],
                        [f"requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: {url}"], pyv="3.11")
    return "airflow-traceback/url-query-key", txt, [k]


@reg("google_api_key", "d")
def _():
    k = aiza()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR youtube_ingest: quotaExceeded using key {k}",
                     "googleapiclient.errors.HttpError: <HttpError 403 when requesting https://youtube.googleapis.com/youtube/v3/search?part=snippet&maxResults=50&alt=json returned \"The request cannot be completed because you have exceeded your quota.\">"])
    return "python-logging/bare-key-in-message", txt, [k]


@reg("google_api_key", "t")
def _():
    k = aiza()
    d = rdt()
    txt = "\n".join([spring_line(d, "WARN", "c.a.geo.GeocodeClient", f"x-goog-api-key: {k} -> HTTP 400 API_KEY_INVALID")])
    return "java-logback/header-style", txt, [k]


@reg("gcp_service_account_key", "d")
def _():
    hdr, lines, ftr = pem_key("PKCS8")
    kid = rs(HEX, 40)
    pk = "\\n".join([hdr] + lines + [ftr]) + "\\n"
    sa = (f'{{"type": "service_account", "project_id": "acme-dw", "private_key_id": "{kid}", "private_key": "{pk}", '
          f'"client_email": "etl-runner@acme-dw.iam.gserviceaccount.com", "client_id": "{R.randint(10**20, 10**21)}", '
          f'"auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token"}}')
    txt = airflow_event([user_frame("s3_to_snowflake", "creds = service_account.Credentials.from_service_account_info(json.loads(sa_json))"),
                         lib_frame("3.10", "google/oauth2/service_account.py", 232, "from_service_account_info", "signer = _service_account_info.from_dict("),
                         lib_frame("3.10", "google/auth/_service_account_info.py", 57, "from_dict", "raise ValueError(")],
                        ["ValueError: Service account info was not in the expected format, missing fields token_uri, client_email."],
                        pre=[("logging_mixin.py:188", "INFO", f"sa_json={sa}")], pyv="3.10")
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n", trailing="\\n")
    return "airflow-traceback/gcp-sa-json-escaped-newlines", txt, body + [block, kid]


@reg("gcp_service_account_key", "d")
def _():
    hdr, lines, ftr = pem_key("PKCS8")
    kid = rs(HEX, 40)
    pk = "\\n".join([hdr] + lines + [ftr]) + "\\n"
    sa = json.dumps({"type": "service_account", "project_id": "acme-analytics", "private_key_id": kid, "private_key": pk.replace("\\n", "\n"),
                     "client_email": "dbt@acme-analytics.iam.gserviceaccount.com"}, indent=2)
    d = rdt()
    lines_out = [f"{dbt_ts(d)}  Encountered an error:", "Runtime Error",
                 "  Credentials in profile \"bigquery\", target \"prod\" invalid: keyfile_json must be a dict, got str:"] + ["  " + x for x in sa.splitlines()]
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n", trailing="\\n")
    return "dbt-error/pretty-json-escaped-newlines", "\n".join(lines_out), body + [block, kid]


@reg("gcp_service_account_key", "t")
def _():
    hdr, lines, ftr = pem_key("PKCS8")
    kid = rs(HEX, 40)
    pk = "\\n".join([hdr] + lines + [ftr]) + "\\n"
    d = rdt()
    env = f"GOOGLE_APPLICATION_CREDENTIALS_JSON={{\"type\":\"service_account\",\"private_key_id\":\"{kid}\",\"private_key\":\"{pk}\",\"client_email\":\"spark@acme-dw.iam.gserviceaccount.com\"}}"
    txt = "\n".join([k8s_line(d, "+ env | sort"), k8s_line(d, env),
                     k8s_line(d, "Exception in thread \"main\" java.io.IOException: Error reading credential file from environment variable GOOGLE_APPLICATION_CREDENTIALS")])
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n", trailing="\\n")
    return "k8s-log/env-json-escaped-newlines", txt, body + [block, kid]


@reg("gcp_service_account_key", "t")
def _():
    hdr, lines, ftr = pem_key("PKCS8")
    kid = rs(HEX, 40)
    pk = "\\n".join([hdr] + lines + [ftr]) + "\\n"
    info = {"type": "service_account", "private_key_id": kid, "private_key": pk.replace("\\n", "\n")}
    r = repr(info)  # python repr escapes the newlines as \n too
    txt = pylog_event(["google.auth.exceptions.MalformedError: Service account info was not in the expected format, missing fields client_email."],
                      msg=f"bad SA info {r}")
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n", trailing="\\n")
    return "python-logging/dict-repr-escaped-newlines", txt, body + [block, kid]


@reg("gcp_private_key_id", "d")
def _():
    kid = rs(HEX, 40)
    txt = pylog_event(["google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant', 'error_description': 'Invalid JWT Signature.'})"],
                      msg=f"token exchange failed for etl-runner@acme-dw.iam.gserviceaccount.com (private_key_id={kid})")
    return "python-logging/key=value-in-parens", txt, [kid]


@reg("gcp_private_key_id", "d")
def _():
    kid = rs(HEX, 40)
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{credentials_provider.py:353}} INFO - Getting connection using JSON key file.",
                     f"{af_ts(d, 'iso')} {{logging_mixin.py:188}} INFO - {{\"private_key_id\": \"{kid}\", \"client_email\": \"composer@acme.iam.gserviceaccount.com\"}}",
                     f"{af_ts(later(d), 'iso')} {{taskinstance.py:2698}} ERROR - Task failed with exception",
                     "google.api_core.exceptions.Forbidden: 403 Access Denied: Table acme-dw:raw.events: Permission bigquery.tables.getData denied"])
    return "airflow-log/json-fragment", txt, [kid]


@reg("gcp_private_key_id", "t")
def _():
    kid = rs(HEX, 40)
    d = rdt()
    txt = spark_lines([("WARN", "GoogleHadoopFileSystemBase", f"Using service account key {kid} from /secrets/gcs/key.json"),
                       ("ERROR", "Executor", "Exception in task 3.0 in stage 1.0 (TID 4)"),
                       "java.io.IOException: Error accessing gs://acme-landing/events/dt=2024-05-01: 403 Forbidden"])
    return "spark-log4j/bare-hex-id", txt, [kid]


# =================================================================== SendGrid / OpenAI / JWT
@reg("sendgrid_api_key", "d")
def _():
    k = sendgrid()
    txt = airflow_event([user_frame("hr_export", f"sg = SendGridAPIClient(api_key=\"{k}\")", "email_report", 18),
                         user_frame("hr_export", "sg.send(message)", "email_report"),
                         lib_frame("3.9", "python_http_client/client.py", 262, "_make_request", "raise exc")],
                        ["python_http_client.exceptions.UnauthorizedError: HTTP Error 401: Unauthorized"], pyv="3.9")
    return "airflow-traceback/source-line-kwarg", txt, [k]


@reg("sendgrid_api_key", "d")
def _():
    k = sendgrid()
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'old')} {{email.py:270}} INFO - Email alerting: attempt 1",
                     f"{af_ts(d, 'old')} {{configuration.py:1050}} WARNING - smtp_password={k} found in [smtp] section; please use a secrets backend",
                     f"{af_ts(later(d), 'old')} {{taskinstance.py:1908}} ERROR - Failed to send email to: ['data-team@acme.io']",
                     "smtplib.SMTPAuthenticationError: (535, b'Authentication failed: Bad username / password')"])
    return "airflow-log/key=value", txt, [k]


@reg("sendgrid_api_key", "t")
def _():
    k = sendgrid()
    cmd = ["curl", "--fail", "--request", "POST", "--url", "https://api.sendgrid.com/v3/mail/send", "--header", f"Authorization: Bearer {k}",
           "--header", "Content-Type: application/json", "--data", "@/tmp/mail.json"]
    return "CalledProcessError-list/curl-bearer", pylog_event([cpe(cmd, 22)], msg="mail step failed"), [k]


@reg("openai_api_key", "d")
def _():
    k = openai_key()
    txt = airflow_event([user_frame("customer_360", f'client = OpenAI(api_key="{k}")', "summarize", 9),
                         user_frame("customer_360", "resp = client.chat.completions.create(model=MODEL, messages=msgs)", "summarize"),
                         lib_frame("3.11", "openai/_base_client.py", 1020, "_request", "raise self._make_status_error_from_response(err.response) from None")],
                        ["openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-********************" + k[-4:] + ". You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}"],
                        pyv="3.11")
    return "airflow-traceback/source-line-kwarg", txt, [k]


@reg("openai_api_key", "d")
def _():
    k = openai_key()
    d = rdt()
    txt = "\n".join([k8s_line(d, "Loaded settings: LLMSettings(model='gpt-4o-mini', temperature=0.0, api_key='" + k + "', timeout=30)"),
                     k8s_line(d, "openai.RateLimitError: Error code: 429 - {'error': {'message': 'You exceeded your current quota', 'type': 'insufficient_quota'}}")])
    return "k8s-log/dataclass-repr", txt, [k]


@reg("openai_api_key", "t")
def _():
    k = openai_key()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR enrich: OPENAI_API_KEY={k} is set but the request failed",
                     "httpx.HTTPStatusError: Client error '401 Unauthorized' for url 'https://api.openai.com/v1/embeddings'"])
    return "python-logging/env-style", txt, [k]


@reg("openai_api_key", "t")
def _():
    k = openai_key()
    cmd = ["curl", "https://api.openai.com/v1/models", "-H", f"Authorization: Bearer {k}"]
    return "CalledProcessError-list/curl-bearer", pylog_event([cpe(cmd, 22)], msg="preflight check failed"), [k]


@reg("jwt", "d")
def _():
    t = jwt()
    txt = airflow_event([user_frame("crm_sync", "payload = jwt.decode(token, PUBLIC_KEY, algorithms=['HS256'], audience='warehouse-api')", "verify"),
                         lib_frame("3.10", "jwt/api_jwt.py", 168, "decode", "decoded = self.decode_complete("),
                         lib_frame("3.10", "jwt/api_jwt.py", 363, "_validate_exp", 'raise ExpiredSignatureError("Signature has expired")')],
                        ["jwt.exceptions.ExpiredSignatureError: Signature has expired"],
                        pre=[("logging_mixin.py:188", "INFO", f"decoding token {t}")], pyv="3.10")
    return "airflow-traceback/bare-jwt", txt, [t]


@reg("jwt", "d")
def _():
    t = jwt("RS256")
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} DEBUG urllib3.connectionpool: Starting new HTTPS connection (1): api.partner.io:443",
                     f"{py_ts(d)} DEBUG etl.partner: request headers: {{'Authorization': 'Bearer {t}', 'Accept': 'application/json'}}",
                     f"{py_ts(later(d))} ERROR etl.partner: 401 Unauthorized: {{\"error\":\"invalid_token\",\"error_description\":\"The access token expired\"}}"])
    return "python-logging/bearer-in-dict-repr", txt, [t]


@reg("jwt", "d")
def _():
    t = jwt()
    d = rdt()
    txt = "\n".join([spring_line(d, "WARN", "o.s.s.o.s.r.a.JwtAuthenticationProvider", f"Failed to authenticate since the JWT was invalid: {t}"),
                     "org.springframework.security.oauth2.jwt.JwtValidationException: An error occurred while attempting to decode the Jwt: Jwt expired at 2024-05-03T02:14:07Z"])
    return "java-logback/bare-jwt", txt, [t]


@reg("jwt", "t")
def _():
    t = jwt()
    txt = pylog_event([f"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://ingest.acme.io/v1/batches?jwt={t}&dry_run=false"],
                      msg="batch submit failed")
    return "python-logging/url-query-jwt", txt, [t]


@reg("jwt", "t")
def _():
    t, r = jwt(), opaque_token(43)
    d = rdt()
    txt = "\n".join([k8s_line(d, f"upstream request failed: GET /internal/metrics Cookie: access_token={t}; refresh_token={r}; theme=dark"),
                     k8s_line(d, "error: 403 Forbidden")])
    return "k8s-log/cookie-header", txt, [t, r]


# =================================================================== PEM private keys
@reg("pem_rsa_private_key", "d")
def _():
    hdr, lines, ftr = pem_key("RSA")
    key = "\n".join([hdr] + lines + [ftr]) + "\n"
    r = repr(key)
    txt = airflow_event([user_frame("partner_feed_sftp", "pkey = paramiko.RSAKey.from_private_key(io.StringIO(key_data))", "_connect"),
                         lib_frame("3.9", "paramiko/pkey.py", 436, "from_private_key", "key = cls(file_obj=file_obj, password=password)"),
                         lib_frame("3.9", "paramiko/pkey.py", 640, "_read_private_key", 'raise SSHException("not a valid {} private key file".format(tag))')],
                        ["paramiko.ssh_exception.SSHException: not a valid RSA private key file"],
                        pre=[("logging_mixin.py:188", "INFO", f"key_data = {r}")], pyv="3.9")
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n", trailing="\\n")
    return "airflow-traceback/python-repr-escaped-newlines", txt, body + [block]


@reg("pem_rsa_private_key", "d")
def _():
    hdr, lines, ftr = pem_key("RSA")
    d = rdt()
    out = [f"{py_ts(d)} ERROR sftp_push: connection setup failed, effective settings follow", "SFTP_HOST=sftp.partner.example", "SFTP_USER=acme_drop",
           f"SFTP_PRIVATE_KEY={hdr}"] + lines + [ftr, "SFTP_PORT=22",
                                                "paramiko.ssh_exception.AuthenticationException: Authentication failed."]
    body, block = pem_secrets(hdr, lines, ftr)
    return "python-logging/env-dump-raw-multiline", "\n".join(out), body + [block]


@reg("pem_rsa_private_key", "d")
def _():
    hdr, lines, ftr = pem_key("RSA")
    d = rdt()
    out = [spring_line(d, "ERROR", "c.a.etl.sftp.SftpConfig", "Could not parse private key:"), hdr] + lines + [ftr,
           "com.jcraft.jsch.JSchException: invalid privatekey: [B@6d06d69c"] + jframes(["com.jcraft.jsch.KeyPair.load(KeyPair.java:747)",
                                                                                     "com.jcraft.jsch.JSch.addIdentity(JSch.java:398)"])
    body, block = pem_secrets(hdr, lines, ftr)
    return "java-logback/raw-multiline-block", "\n".join(out), body + [block]


@reg("pem_rsa_private_key", "t")
def _():
    hdr, lines, ftr = pem_key("RSA")
    pk = "\\n".join([hdr] + lines + [ftr])
    extra = f'{{"private_key_content": "{pk}", "no_host_key_check": true}}'
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{base.py:84}} INFO - Using connection ID 'sftp_partner' for task execution.",
                     f"{af_ts(d, 'iso')} {{logging_mixin.py:190}} WARNING - could not load extra {extra}",
                     f"{af_ts(later(d), 'iso')} {{taskinstance.py:2905}} ERROR - Task failed with exception",
                     "airflow.exceptions.AirflowException: SSH connection failed: not a valid RSA private key file"])
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n")
    return "airflow-log/connection-extra-json", txt, body + [block]


@reg("pem_rsa_private_key", "t")
def _():
    hdr, lines, ftr = pem_key("PKCS8")
    d = rdt()
    out = [f"{dbt_ts(d)}  Encountered an error:", "Runtime Error", "  Database error while listing schemas in database \"ANALYTICS\"",
           "  Database Error", "    250001: Could not connect to Snowflake backend after 0 attempt(s).Aborting",
           f"  private_key_path content was: {hdr}"] + ["  " + l for l in lines] + ["  " + ftr]
    body, block = pem_secrets(hdr, lines, ftr, sep="\n  ")
    return "dbt-error/indented-block", "\n".join(out), body + [block]


@reg("pem_ec_private_key", "d")
def _():
    hdr, lines, ftr = pem_key("EC")
    d = rdt()
    out = [f"{py_ts(d)} ERROR apns.push: cannot load signing key ---"] + [hdr] + lines + [ftr] + [
        "ValueError: Could not deserialize key data. The data may be in an incorrect format or it may be encrypted with an unsupported algorithm."]
    body, block = pem_secrets(hdr, lines, ftr)
    return "python-logging/raw-multiline-block", "\n".join(out), body + [block]


@reg("pem_ec_private_key", "d")
def _():
    hdr, lines, ftr = pem_key("EC")
    key = "\n".join([hdr] + lines + [ftr])
    txt = airflow_event([user_frame("events_hourly", "signer = serialization.load_pem_private_key(KEY.encode(), password=None)", "sign_batch"),
                         lib_frame("3.11", "cryptography/hazmat/backends/openssl/backend.py", 1432, "_handle_key_loading_error", "raise ValueError(")],
                        ["ValueError: ('Could not deserialize key data.', [<OpenSSLError(code=503841036, lib=60, reason=524556, reason_text=unsupported)>])"],
                        pre=[("logging_mixin.py:188", "INFO", f"KEY={key!r}")], pyv="3.11")
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n")
    return "airflow-traceback/python-repr-escaped-newlines", txt, body + [block]


@reg("pem_ec_private_key", "t")
def _():
    hdr, lines, ftr = pem_key("EC")
    y = ["tls:", "  cert_file: /etc/etl/tls.crt", "  key: |"] + ["    " + x for x in [hdr] + lines + [ftr]]
    txt = pylog_event(y + ["ssl.SSLError: [SSL] PEM lib (_ssl.c:3900)"], msg="failed to build SSL context from config:")
    body, block = pem_secrets(hdr, lines, ftr, sep="\n    ")
    return "python-logging/yaml-literal-block", txt, body + [block]


@reg("pem_openssh_private_key", "d")
def _():
    hdr, lines, ftr = pem_key("OPENSSH")
    d = rdt()
    st = R.choice(["iso", "ui"])
    out = [f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', 'cat ~/.ssh/id_ed25519 && scp -i ~/.ssh/id_ed25519 out.csv drop@sftp.partner.example:/in/']",
           f"{af_ts(d, st)} {{subprocess.py:86}} INFO - Output:"] + [bash_out(d, st, x) for x in [hdr] + lines + [ftr]] + [
           bash_out(d, st, "drop@sftp.partner.example: Permission denied (publickey)."),
           f"{af_ts(later(d), st)} {{subprocess.py:97}} INFO - Command exited with return code 1"]
    body, block = pem_secrets(hdr, lines, ftr)
    return "airflow-bashoperator/key-printed-line-by-line-INFO", "\n".join(out), body


@reg("pem_openssh_private_key", "d")
def _():
    hdr, lines, ftr = pem_key("OPENSSH")
    key = "\n".join([hdr] + lines + [ftr]) + "\n"
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/opt/deploy/ssh_tunnel.py", 29, "open", "k = paramiko.Ed25519Key(file_obj=io.StringIO(os.environ['TUNNEL_KEY']))"),
                       "paramiko.ssh_exception.SSHException: Invalid key"], msg=f"tunnel setup failed, TUNNEL_KEY={key!r}")
    body, block = pem_secrets(hdr, lines, ftr, sep="\\n", trailing="\\n")
    return "python-logging/python-repr-escaped-newlines", txt, body + [block]


@reg("pem_openssh_private_key", "t")
def _():
    hdr, lines, ftr = pem_key("OPENSSH")
    d = rdt()
    out = [k8s_line(d, "Load key \"/root/.ssh/id_ed25519\": invalid format"), k8s_line(d, "debug: key file content:")] + \
          [k8s_line(d, x) for x in [hdr] + lines + [ftr]] + [k8s_line(d, "git@github.com: Permission denied (publickey).")]
    body, block = pem_secrets(hdr, lines, ftr)
    return "k8s-log/key-line-by-line", "\n".join(out), body


def _pem_per_line_records(prefix_fn, kind):
    hdr, lines, ftr = pem_key(kind)
    out = [prefix_fn(x) for x in [hdr] + lines + [ftr]]
    return "\n".join(out), [l for l in lines if len(l) >= 8]


@reg("pem_key_logged_per_line", "d")
def _():
    d = rdt()
    st = R.choice(["iso", "ui", "old"])
    txt, sec = _pem_per_line_records(lambda x: f"{af_ts(d, st)} {{logging_mixin.py:188}} ERROR - {x}", "RSA")
    return "airflow-log/each-key-line-own-ERROR-record", txt, sec


@reg("pem_key_logged_per_line", "d")
def _():
    d = rdt()
    hdr, lines, ftr = pem_key("RSA")
    x = R.choice(lines[1:-1])
    return "airflow-log/single-key-line-event", f"{af_ts(d, 'iso')} {{logging_mixin.py:188}} ERROR - {x}", [x]


@reg("pem_key_logged_per_line", "d")
def _():
    d = rdt()
    hdr, lines, ftr = pem_key("PKCS8")
    x = lines[0]
    return "airflow-log/single-key-line-event-first", f"{af_ts(d, 'ui')} {{logging_mixin.py:190}} ERROR - {x}", [x]


@reg("pem_key_logged_per_line", "d")
def _():
    d = rdt()
    hdr, lines, ftr = pem_key("RSA")
    x = lines[-1]
    return "airflow-log/single-key-line-event-last", f"{af_ts(d, 'old')} {{logging_mixin.py:109}} ERROR - {x}", [x]


@reg("pem_key_logged_per_line", "t")
def _():
    d = rdt()
    txt, sec = _pem_per_line_records(lambda x: f"{py_ts(d)} ERROR [root] {x}", "PKCS8")
    return "python-logging/each-key-line-own-record", txt, sec


@reg("pem_key_logged_per_line", "t")
def _():
    d = rdt()
    hdr, lines, ftr = pem_key("OPENSSH")
    x = R.choice(lines[1:-1])
    return "k8s-log/single-key-line-event", k8s_line(d, x), [x]


@reg("pem_key_logged_per_line", "t")
def _():
    d = rdt()
    hdr, lines, ftr = pem_key("EC")
    x = lines[1]
    return "spark-log4j/single-key-line-event", f"{l4j_ts(d)} ERROR KeyLoader: {x}", [x]


# =================================================================== Azure
def _acct():
    return R.choice(["acmedatalake", "stetlprod01", "finexportsa", "clickstreamadls", "dwstaging"])


@reg("azure_storage_account_key", "d")
def _():
    k, a = azure_account_key(), _acct()
    cs = f"DefaultEndpointsProtocol=https;AccountName={a};AccountKey={k};EndpointSuffix=core.windows.net"
    txt = airflow_event([user_frame("clickstream_ingest", "svc = BlobServiceClient.from_connection_string(CONN_STR)"),
                         lib_frame("3.10", "azure/storage/blob/_blob_client.py", 787, "upload_blob", "return upload_block_blob(**options)"),
                         lib_frame("3.10", "azure/storage/blob/_shared/response_handlers.py", 184, "process_storage_error", "exec(\"raise error from None\")   # pylint: disable=exec-used # nosec")],
                        ["azure.core.exceptions.ClientAuthenticationError: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
                         f"RequestId:{uuid4()}", f"Time:{rdt().isoformat()}Z", "ErrorCode:AuthenticationFailed"],
                        pre=[("logging_mixin.py:188", "INFO", f"connecting with {cs}")], pyv="3.10")
    return "airflow-traceback/connection-string", txt, [k]


@reg("azure_storage_account_key", "d")
def _():
    k, a = azure_account_key(), _acct()
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.a.etl.blob.BlobWriter", f"Upload failed using AccountName={a};AccountKey={k}"),
                     "com.azure.storage.blob.models.BlobStorageException: Status code 403, \"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message></Error>\""])
    return "java-logback/connection-string-fragment", txt, [k]


@reg("azure_storage_account_key", "t")
def _():
    k, a = azure_account_key(), _acct()
    cmd = ["az", "storage", "blob", "upload-batch", "--account-name", a, "--account-key", k, "-d", "landing", "-s", "/data/out"]
    return "CalledProcessError-list/--account-key", pylog_event([cpe(cmd, 1)], msg="az upload failed"), [k]


@reg("azure_storage_account_key", "t")
def _():
    k, a = azure_account_key(), _acct()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"AZURE_STORAGE_KEY={k}"), k8s_line(d, f"AZURE_STORAGE_ACCOUNT={a}"),
                     k8s_line(d, "ERROR: Server failed to authenticate the request. ErrorCode:AuthenticationFailed")])
    return "k8s-log/env-dump", txt, [k]


@reg("azure_sas_signature", "d")
def _():
    sig, a = sas_sig_encoded(), _acct()
    d = rdt()
    se = (d + _dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = (f"https://{a}.blob.core.windows.net/landing/orders/{d:%Y/%m/%d}/orders.parquet?sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx"
           f"&se={se}&st={d:%Y-%m-%dT%H:%M:%SZ}&spr=https&sig={sig}")
    txt = airflow_event([user_frame("clickstream_ingest", "requests.put(url, data=fh, headers={'x-ms-blob-type': 'BlockBlob'}).raise_for_status()"),
                         lib_frame("3.11", "requests/models.py", 1021, "raise_for_status", "raise HTTPError(http_error_msg, response=self)")],
                        [f"requests.exceptions.HTTPError: 403 Client Error: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. for url: {url}"],
                        pyv="3.11")
    return "airflow-traceback/url-query-sig", txt, [sig]


@reg("azure_sas_signature", "d")
def _():
    sig, a = sas_sig_encoded(), _acct()
    d = rdt()
    txt = "\n".join([f"{d:%Y/%m/%d %H:%M:%S} ERROR: 1 Errors occurred during transfer",
                     f"INFO: Authentication failed, it is either not correct, or expired, or does not have the correct permission -> "
                     f"github.com/Azure/azure-storage-azcopy/v10/common.NewAzError, https://{a}.blob.core.windows.net/export/?se=2024-06-30T00%3A00%3A00Z&sig={sig}&sp=racwdl&spr=https&sr=c&sv=2022-11-02"])
    return "azcopy-log/url-query-sig", txt, [sig]


@reg("azure_sas_signature", "t")
def _():
    sig, a = sas_sig_encoded(), _acct()
    cs = f"BlobEndpoint=https://{a}.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=co&sp=rl&se=2024-12-31T23:59:59Z&spr=https&sig={sig}"
    txt = pylog_event(["azure.core.exceptions.HttpResponseError: This request is not authorized to perform this operation using this permission."],
                      msg=f"list_blobs failed (conn={cs})")
    return "python-logging/connection-string-SAS", txt, [sig]


@reg("azure_sas_signature", "t")
def _():
    sig, a = sas_sig_encoded(), _acct()
    cmd = ["azcopy", "copy", "/data/out/*", f"https://{a}.dfs.core.windows.net/gold?sv=2022-11-02&sr=c&sp=cw&se=2024-09-01T00%3A00%3A00Z&sig={sig}", "--recursive"]
    return "CalledProcessError-list/azcopy-url", pylog_event([cpe(cmd, 1)], msg="azcopy step failed"), [sig]


@reg("azure_ad_client_secret", "d")
def _():
    s = azure_client_secret()
    cfg = {"authority": "https://login.microsoftonline.com/" + uuid4(), "client_id": uuid4(), "client_credential": s}
    txt = pylog_event(["msal: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."],
                      msg=f"token acquisition failed for app config {cfg}")
    return "python-logging/dict-repr", txt, [s]


@reg("azure_ad_client_secret", "d")
def _():
    s = azure_client_secret()
    txt = airflow_event([user_frame("finance_ledger_load", "cred = ClientSecretCredential(TENANT, CLIENT_ID, client_secret)")],
                        ["azure.identity._exceptions.CredentialUnavailableError: ClientSecretCredential authentication failed: AADSTS7000222: The provided client secret keys for app are expired."],
                        pre=[("logging_mixin.py:188", "INFO", f"client_secret={s}")])
    return "airflow-traceback/key=value", txt, [s]


@reg("azure_ad_client_secret", "t")
def _():
    s = azure_client_secret()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"AZURE_CLIENT_SECRET={s}"), k8s_line(d, "EnvironmentCredential.get_token failed: Authentication failed: AADSTS7000215: Invalid client secret provided.")])
    return "k8s-log/env-line", txt, [s]


@reg("azure_ad_client_secret", "t")
def _():
    s = azure_client_secret()
    d = rdt()
    txt = "\n".join([spark_lines([("ERROR", "AzureBlobFileSystem", "Failed to acquire token")]),
                     f"Caused by: org.apache.hadoop.fs.azurebfs.oauth2.AzureADAuthenticator$HttpException: HTTP Error 401; url='https://login.microsoftonline.com/{uuid4()}/oauth2/token' AADToken: HTTP connection to https://login.microsoftonline.com failed for getting token from AzureAD.; requestId='{uuid4()}'; contentType='application/json; charset=utf-8'; response '{{\"error\":\"invalid_client\"}}' (client secret used: {s})"])
    return "spark-log4j/message-in-parens", txt, [s]


@reg("spark_azure_account_key_conf", "d")
def _():
    k, a = azure_account_key(), _acct()
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} INFO SparkContext: Spark configuration:", "spark.app.name=adls_ingest", "spark.master=yarn",
                     f"spark.hadoop.fs.azure.account.key.{a}.dfs.core.windows.net={k}", "spark.sql.shuffle.partitions=200",
                     f"{l4j_ts(later(d))} ERROR FileFormatWriter: Aborting job {uuid4()}.",
                     f"Operation failed: \"Server failed to authenticate the request. Please refer to the information in the www-authenticate header.\", 403, HEAD, https://{a}.dfs.core.windows.net/bronze/?upn=false&action=getAccessControl&timeout=90"])
    return "spark-conf-dump/key=value", txt, [k]


@reg("spark_azure_account_key_conf", "d")
def _():
    k, a = azure_account_key(), _acct()
    pyv = "3.10"
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/databricks/driver/ingest.py", 12, "<module>", f'spark.conf.set("fs.azure.account.key.{a}.dfs.core.windows.net", "{k}")'),
                       frame("/databricks/driver/ingest.py", 15, "<module>", f'df = spark.read.parquet("abfss://raw@{a}.dfs.core.windows.net/events/")'),
                       "pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does not exist: abfss://raw@" + a + ".dfs.core.windows.net/events/."],
                      msg="notebook run failed", logger="py4j.clientserver")
    return "pyspark-traceback/source-line-conf-set", txt, [k]


@reg("spark_azure_account_key_conf", "t")
def _():
    k, a = azure_account_key(), _acct()
    cmd = ["spark-submit", "--master", "yarn", "--conf", f"spark.hadoop.fs.azure.account.key.{a}.blob.core.windows.net={k}", "--py-files", "deps.zip", "jobs/daily.py"]
    txt = airflow_event([lib_frame("3.11", "airflow/providers/apache/spark/hooks/spark_submit.py", 491, "submit", "raise AirflowException(")],
                        [f"airflow.exceptions.AirflowException: Cannot execute: {' '.join(cmd)}. Error code is: 1."],
                        op_frames=[], pyv="3.11")
    return "airflow-traceback/spark-submit-cmdline", txt, [k]


@reg("spark_azure_account_key_conf", "t")
def _():
    k, a = azure_account_key(), _acct()
    d = rdt()
    txt = "\n".join([f"{d:%Y-%m-%d %H:%M:%S},{R.randint(100, 999)} WARN  [main] conf.Configuration: fs.azure.account.key.{a}.blob.core.windows.net -> {k} (source: core-site.xml)",
                     "org.apache.hadoop.fs.azure.AzureException: com.microsoft.azure.storage.StorageException: Server failed to authenticate the request."])
    return "hadoop-log/arrow-mapping", txt, [k]


# =================================================================== misc SaaS tokens
@reg("twilio_auth_token", "d")
def _():
    t = twilio_token()
    sid = "AC" + rs(HEX, 32)
    txt = airflow_event([user_frame("gdpr_erasure", f"client = Client('{sid}', '{t}')", "sms_alert", 11),
                         user_frame("gdpr_erasure", "client.messages.create(to=ONCALL, from_=FROM, body=msg)", "sms_alert"),
                         lib_frame("3.9", "twilio/base/api_response.py", 0 or 130, "raise_for_status", "raise self.exception(method, uri, response, \"Unable to create record\")")],
                        [f"twilio.base.exceptions.TwilioRestException: HTTP 401 error: Unable to create record: Authenticate"], pyv="3.9")
    return "airflow-traceback/source-line-positional-args", txt, [t]


@reg("twilio_auth_token", "d")
def _():
    t = twilio_token()
    sid = "AC" + rs(HEX, 32)
    txt = pylog_event([f"requests.exceptions.HTTPError: 401 Client Error: UNAUTHORIZED for url: https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"],
                      msg=f"twilio call failed with auth=('{sid}', '{t}')")
    return "python-logging/auth-tuple-repr", txt, [t]


@reg("twilio_auth_token", "t")
def _():
    t = twilio_token()
    sid = "AC" + rs(HEX, 32)
    d = rdt()
    txt = "\n".join([k8s_line(d, f"TWILIO_ACCOUNT_SID={sid}"), k8s_line(d, f"TWILIO_AUTH_TOKEN={t}"),
                     k8s_line(d, "Error: 20003 Authentication Error - invalid username")])
    return "k8s-log/env-dump", txt, [t]


@reg("twilio_api_key_secret", "d")
def _():
    key, sec = "SK" + rs(HEX, 32), rs(ALNUM, 32)
    txt = pylog_event(["twilio.base.exceptions.TwilioRestException: HTTP 401 error: Unable to fetch record: Authentication Error - invalid username"],
                      msg=f"Client(username='{key}', password='{sec}', account_sid='AC{rs(HEX, 32)}') failed")
    return "python-logging/kwargs-repr", txt, [sec]


@reg("twilio_api_key_secret", "t")
def _():
    key, sec = "SK" + rs(HEX, 32), rs(ALNUM, 32)
    cmd = ["curl", "-X", "POST", f"https://api.twilio.com/2010-04-01/Accounts/AC{rs(HEX, 32)}/Messages.json", "-u", f"{key}:{sec}", "--data-urlencode", "Body=ETL failed"]
    return "CalledProcessError-list/curl-u", pylog_event([cpe(cmd, 22)], msg="sms fallback failed"), [sec]


@reg("npm_token", "d")
def _():
    t = npm_tok()
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{subprocess.py:93}} INFO - + echo //registry.npmjs.org/:_authToken={t}",
                     f"{af_ts(d, 'iso')} {{subprocess.py:93}} INFO - + npm ci",
                     f"{af_ts(d, 'iso')} {{subprocess.py:93}} INFO - npm ERR! code E401",
                     f"{af_ts(d, 'iso')} {{subprocess.py:93}} INFO - npm ERR! Unable to authenticate, your authentication token seems to be invalid.",
                     f"{af_ts(later(d), 'iso')} {{subprocess.py:97}} INFO - Command exited with return code 1"])
    return "airflow-bashoperator/npmrc-line", txt, [t]


@reg("npm_token", "d")
def _():
    t = npm_tok()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"NPM_TOKEN={t}"), k8s_line(d, "npm ERR! 403 403 Forbidden - GET https://registry.npmjs.org/@acme%2fdash-widgets")])
    return "k8s-log/env-line", txt, [t]


@reg("npm_token", "t")
def _():
    t = npm_tok()
    txt = pylog_event(["npm ERR! code E401", "npm ERR! Incorrect or missing password.",
                       cpe(["npm", "publish", "--//registry.npmjs.org/:_authToken=" + t, "--access", "restricted"])],
                      msg="publishing dashboard bundle failed")
    return "CalledProcessError-list/npm-cli-flag", txt, [t]


@reg("pypi_token", "d")
def _():
    t = pypi_tok()
    cmd = ["twine", "upload", "--non-interactive", "-u", "__token__", "-p", t, "dist/etl_commons-1.4.0-py3-none-any.whl"]
    txt = airflow_event([user_frame("dbt_nightly", "subprocess.run(cmd, check=True)", "publish"),
                         frame("/usr/local/lib/python3.11/subprocess.py", 571, "run", "raise CalledProcessError(retcode, process.args,")],
                        [cpe(cmd)], pyv="3.11")
    return "airflow-traceback/CalledProcessError-list-p", txt, [t]


@reg("pypi_token", "d")
def _():
    t = pypi_tok()
    txt = pylog_event(["[global]", f"index-url = https://__token__:{t}@pypi.acme.io/simple/", "trusted-host = pypi.acme.io",
                       "ERROR: Could not find a version that satisfies the requirement etl-commons==1.4.0 (from versions: none)"],
                      msg="pip config in effect:")
    return "python-logging/ini-url-userinfo", txt, [t]


@reg("pypi_token", "t")
def _():
    t = pypi_tok()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"TWINE_PASSWORD={t}"), k8s_line(d, "HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/")])
    return "k8s-log/env-line", txt, [t]


@reg("mailgun_api_key", "d")
def _():
    k = mailgun_key()
    txt = airflow_event([user_frame("hr_export", "r = requests.post(MG_URL, auth=('api', MG_KEY), data=msg); r.raise_for_status()", "send_mail")],
                        ["requests.exceptions.HTTPError: 401 Client Error: UNAUTHORIZED for url: https://api.mailgun.net/v3/mg.acme.io/messages"],
                        pre=[("logging_mixin.py:188", "INFO", f"sending via mailgun auth=('api', '{k}')")])
    return "airflow-traceback/auth-tuple-repr", txt, [k]


@reg("mailgun_api_key", "t")
def _():
    k = mailgun_key()
    cmd = ["curl", "-s", "--user", f"api:{k}", "https://api.eu.mailgun.net/v3/mg.acme.io/messages", "-F", "to=data@acme.io"]
    return "CalledProcessError-list/curl--user", pylog_event([cpe(cmd, 22)], msg="mail fallback failed"), [k]


@reg("heroku_api_key", "d")
def _():
    k = heroku_key()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"HEROKU_API_KEY={k}"), k8s_line(d, " ▸    Invalid credentials provided.")])
    return "k8s-log/env-line", txt, [k]


@reg("heroku_api_key", "d")
def _():
    k = heroku_key()
    txt = pylog_event(["machine api.heroku.com", "  login deploy@acme.io", f"  password {k}", "machine git.heroku.com", "  login deploy@acme.io", f"  password {k}",
                       "heroku3.exceptions.InvalidNameException: 401 Unauthorized"], msg="~/.netrc used for deploy:")
    return "python-logging/netrc-dump", txt, [k]


@reg("heroku_api_key", "t")
def _():
    k = heroku_key()
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.a.deploy.HerokuClient", f"GET https://api.heroku.com/apps failed (Authorization: Bearer {k}): 401")])
    return "java-logback/bearer-inline", txt, [k]


@reg("datadog_api_key", "d")
def _():
    k = dd_api()
    url = f"https://api.datadoghq.eu/api/v1/series?api_key={k}"
    txt = airflow_event([user_frame("events_hourly", "requests.post(url, json=series, timeout=10).raise_for_status()", "push_metrics")],
                        [f"requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: {url}"])
    return "airflow-traceback/url-query-api_key", txt, [k]


@reg("datadog_api_key", "d")
def _():
    k = dd_api()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR datadog.api: {{\"errors\": [\"Forbidden\"]}} (DD_API_KEY={k}, site=datadoghq.eu)"])
    return "python-logging/env-style-in-parens", txt, [k]


@reg("datadog_api_key", "t")
def _():
    k = dd_api()
    txt = "\n".join(["> POST /api/v2/logs HTTP/1.1", "> Host: http-intake.logs.datadoghq.com", f"> DD-API-KEY: {k}", "> Content-Type: application/json",
                     "< HTTP/1.1 403 Forbidden", "{\"errors\":[{\"status\":\"403\",\"title\":\"Forbidden\",\"detail\":\"API key is invalid\"}]}"])
    return "curl-verbose/header", txt, [k]


@reg("datadog_app_key", "d")
def _():
    k, a = dd_api(), dd_app()
    txt = pylog_event(["datadog_api_client.exceptions.ForbiddenException: (403)", "Reason: Forbidden"],
                      msg=f"Configuration(api_key={{'apiKeyAuth': '{k}', 'appKeyAuth': '{a}'}}) rejected")
    return "python-logging/nested-dict-repr", txt, [k, a]


@reg("datadog_app_key", "t")
def _():
    k, a = dd_api(), dd_app()
    cmd = ["curl", "-X", "GET", "https://api.datadoghq.com/api/v1/monitor", "-H", f"DD-API-KEY: {k}", "-H", f"DD-APPLICATION-KEY: {a}"]
    return "CalledProcessError-list/curl-headers", pylog_event([cpe(cmd, 22)], msg="monitor sync failed"), [k, a]


@reg("vault_token", "d")
def _():
    t = vault_tok()
    txt = airflow_event([user_frame("crm_sync", "secret = client.secrets.kv.v2.read_secret_version(path='etl/crm')", "_creds"),
                         lib_frame("3.10", "hvac/utils.py", 44, "raise_for_error", "raise exceptions.VaultError.from_status(")],
                        ["hvac.exceptions.Forbidden: permission denied, on get http://vault.internal:8200/v1/secret/data/etl/crm"],
                        pre=[("logging_mixin.py:188", "INFO", f"vault client: url=http://vault.internal:8200 token={t}")], pyv="3.10")
    return "airflow-traceback/key=value", txt, [t]


@reg("vault_token", "d")
def _():
    t = vault_tok()
    txt = "\n".join(["* Connected to vault.internal (10.0.8.3) port 8200 (#0)", "> GET /v1/secret/data/etl/snowflake HTTP/1.1",
                     f"> X-Vault-Token: {t}", "< HTTP/1.1 403 Forbidden", "{\"errors\":[\"permission denied\"]}"])
    return "curl-verbose/header", txt, [t]


@reg("vault_token", "t")
def _():
    t = vault_tok()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"VAULT_TOKEN={t}"), k8s_line(d, "Error reading secret/data/etl/db: Error making API request. Code: 403. Errors: * permission denied")])
    return "k8s-log/env-line", txt, [t]


@reg("vault_token", "t")
def _():
    t = vault_tok()
    txt = pylog_event(["hvac.exceptions.InvalidRequest: missing client token"], msg=f"hvac.Client(url='https://vault.acme.io', token='{t}', verify=True) init failed")
    return "python-logging/kwargs-repr", txt, [t]


@reg("telegram_bot_token", "d")
def _():
    t = telegram_tok()
    url = f"https://api.telegram.org/bot{t}/sendMessage"
    txt = airflow_event([user_frame("orders_daily", "requests.post(url, data={'chat_id': CHAT, 'text': msg}).raise_for_status()", "alert")],
                        [f"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {url}"])
    return "airflow-traceback/url-path-token", txt, [t]


@reg("telegram_bot_token", "t")
def _():
    t = telegram_tok()
    d = rdt()
    txt = f"{py_ts(d)} ERROR telegram.ext.Updater: Error while getting Updates: Conflict (token {t}): terminated by other getUpdates request"
    return "python-logging/message-positional", txt, [t]


@reg("shopify_access_token", "d")
def _():
    t = shopify_tok()
    txt = pylog_event([f"headers: {{'X-Shopify-Access-Token': '{t}', 'Content-Type': 'application/json'}}",
                       "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://acme-store.myshopify.com/admin/api/2024-01/orders.json?status=any&limit=250"],
                      msg="orders pull failed")
    return "python-logging/headers-dict-repr", txt, [t]


@reg("shopify_access_token", "t")
def _():
    t = shopify_tok()
    d = rdt()
    txt = spring_line(d, "ERROR", "c.a.ingest.ShopifyClient", f"GET /admin/api/2024-01/products.json?access_token={t} -> 401 Unauthorized")
    return "java-logback/url-query-access_token", txt, [t]


@reg("atlassian_api_token", "d")
def _():
    t = atlassian_tok()
    txt = airflow_event([user_frame("hr_export", "jira = JIRA(server=JIRA_URL, basic_auth=(JIRA_USER, JIRA_TOKEN))", "open_ticket")],
                        ["jira.exceptions.JIRAError: JiraError HTTP 401 url: https://acme.atlassian.net/rest/api/2/serverInfo",
                         "\ttext: Client must be authenticated to access this resource."],
                        pre=[("logging_mixin.py:188", "INFO", f"basic_auth=('etl-bot@acme.io', '{t}')")])
    return "airflow-traceback/auth-tuple-repr", txt, [t]


@reg("atlassian_api_token", "t")
def _():
    t = atlassian_tok()
    cmd = ["curl", "-u", f"etl-bot@acme.io:{t}", "-X", "POST", "https://acme.atlassian.net/rest/api/3/issue", "-H", "Content-Type: application/json", "-d", "@issue.json"]
    return "CalledProcessError-list/curl-u-email", pylog_event([cpe(cmd, 22)], msg="incident ticket creation failed"), [t]


# =================================================================== DB URIs / DSNs
@reg("postgres_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    u, h = R.choice(USERS), R.choice(HOSTS)
    url = f"postgresql+psycopg2://{u}:{enc}@{h}:5432/dw"
    txt = airflow_event([user_frame("orders_daily", f"engine = create_engine('{url}')", "_load", 22),
                         user_frame("orders_daily", "df.to_sql('orders', engine, if_exists='append', index=False)", "_load"),
                         lib_frame("3.11", "sqlalchemy/engine/default.py", 622, "connect", "return self.loaded_dbapi.connect(*cargs, **cparams)"),
                         lib_frame("3.11", "psycopg2/__init__.py", 122, "connect", "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)")],
                        [f"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"{h}\" (10.20.4.17), port 5432 failed: FATAL:  password authentication failed for user \"{u}\"",
                         "", "(Background on this error at: https://sqlalche.me/e/20/e3q8)"], pyv="3.11")
    return "airflow-traceback/source-line-url-percent-encoded", txt, [enc]


@reg("postgres_uri_password", "d")
def _():
    pw = password(exclude="@:/%#?&{}'\"\\ ", hard=0) + R.choice("!$*-_.~")
    d = rdt()
    conn = f"postgresql+psycopg2://airflow:{pw}@postgres:5432/airflow"
    txt = "\n".join([f"{af_ts(d, 'old')} {{configuration.py:2092}} ERROR - sql_alchemy_conn = {conn}",
                     f"{af_ts(d, 'old')} {{db.py:1541}} ERROR - Could not connect to the metadata database",
                     "psycopg2.OperationalError: could not translate host name \"postgres\" to address: Temporary failure in name resolution"])
    return "airflow-scheduler/config-line-url", txt, [pw]


@reg("postgres_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{base.py:84}} INFO - Using connection ID 'dwh' for task execution.",
                     f"{af_ts(d, 'iso')} {{logging_mixin.py:188}} INFO - AIRFLOW_CONN_DWH=postgres://loader:{enc}@dw.internal:5432/analytics?sslmode=require",
                     f"{af_ts(later(d), 'iso')} {{taskinstance.py:2698}} ERROR - Task failed with exception",
                     "psycopg2.OperationalError: connection to server at \"dw.internal\" (10.4.0.12), port 5432 failed: FATAL:  no pg_hba.conf entry for host \"10.4.3.9\", user \"loader\", database \"analytics\", SSL encryption"])
    return "airflow-log/env-conn-uri", txt, [enc]


@reg("postgres_uri_password", "t")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = "\n".join([spark_lines([("ERROR", "Executor", "Exception in task 0.0 in stage 2.0 (TID 5)")]),
                     f"org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"spark\" (url: postgresql://spark:{enc}@pg-replica.eu-west-1.rds.amazonaws.com/events)"]
                    + jframes(["org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)",
                               "org.postgresql.Driver.connect(Driver.java:297)"]))
    return "spark-log4j/exception-message-url", txt, [enc]


@reg("postgres_uri_password", "t")
def _():
    pw = password(hard=2, exclude="'")
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR loader: psql exited 2",
                     f"psql: error: connection to server at \"db-prod-01.internal\" (10.20.4.17), port 5432 failed: FATAL:  password authentication failed for user \"etl\"",
                     f"command was: psql 'postgresql://etl:{pw}@db-prod-01.internal:5432/dw' -c '\\copy staging.orders from /tmp/orders.csv csv header'"])
    return "python-logging/raw-unencoded-password-in-url", txt, [pw]


@reg("mysql_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    u = R.choice(USERS)
    txt = airflow_event([user_frame("inventory_snapshot", f"engine = sa.create_engine(\"mysql+pymysql://{u}:{enc}@mysql-etl.corp:3306/inventory\")", "_extract", 17),
                         lib_frame("3.10", "pymysql/connections.py", 772, "_request_authentication", "auth_packet = self._read_packet()"),
                         lib_frame("3.10", "pymysql/err.py", 150, "raise_mysql_exception", "raise errorclass(errno, errval)")],
                        [f"sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (1045, \"Access denied for user '{u}'@'10.20.4.33' (using password: YES)\")",
                         "(Background on this error at: https://sqlalche.me/e/14/e3q8)"], pyv="3.10")
    return "airflow-traceback/source-line-url", txt, [enc]


@reg("mysql_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.z.h.p.HikariPool", "HikariPool-1 - Exception during pool initialization."),
                     f"java.sql.SQLException: Access denied for user 'report_ro'@'172.18.0.5' (using password: YES) [jdbcUrl=jdbc:mysql://report_ro:{enc}@mysql-etl.corp:3306/reports?useSSL=true]"]
                    + jframes(["com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:130)"]))
    return "java-logback/jdbc-url-userinfo", txt, [enc]


@reg("mysql_uri_password", "t")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"DATABASE_URL=mysql://app:{enc}@10.0.2.15:3306/shop"),
                     k8s_line(d, "django.db.utils.OperationalError: (2003, \"Can't connect to MySQL server on '10.0.2.15' ([Errno 111] Connection refused)\")")])
    return "k8s-log/env-url", txt, [enc]


@reg("mongodb_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    uri = f"mongodb+srv://etl_user:{enc}@cluster0.{rs(LO + DIG, 5)}.mongodb.net/events?retryWrites=true&w=majority"
    txt = airflow_event([user_frame("clickstream_ingest", "client = MongoClient(MONGO_URI, serverSelectionTimeoutMS=5000)", "_extract"),
                         lib_frame("3.11", "pymongo/uri_parser.py", 552, "parse_uri", "nodes = dns_resolver.get_hosts()"),
                         lib_frame("3.11", "pymongo/srv_resolver.py", 89, "_resolve_uri", "raise ConfigurationError(str(exc))")],
                        [f"pymongo.errors.ConfigurationError: The DNS query name does not exist: _mongodb._tcp.{uri.split('@')[1].split('/')[0]}."],
                        pre=[("logging_mixin.py:188", "INFO", f"connecting to {uri}")], pyv="3.11")
    return "airflow-traceback/srv-uri-in-message", txt, [enc]


@reg("mongodb_uri_password", "d")
def _():
    pw = password(exclude="@:/%", hard=1)
    d = rdt()
    txt = f"{py_ts(d)} ERROR extract: pymongo.errors.OperationFailure: Authentication failed., full error: {{'ok': 0.0, 'errmsg': 'Authentication failed.', 'code': 18, 'codeName': 'AuthenticationFailed'}} (uri=mongodb://reader:{pw}@mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0&authSource=admin)"
    return "python-logging/uri-in-parens", txt, [pw]


@reg("mongodb_uri_password", "t")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = "\n".join([spark_lines([("WARN", "MongoSpark", f"using connection.uri=mongodb+srv://spark:{enc}@analytics.{rs(LO + DIG, 5)}.mongodb.net/")]),
                     "com.mongodb.MongoSecurityException: Exception authenticating MongoCredential{mechanism=SCRAM-SHA-256, userName='spark', source='admin', password=<hidden>, mechanismProperties=<hidden>}"])
    return "spark-log4j/key=value-uri", txt, [enc]


@reg("redis_uri_password", "d")
def _():
    pw = password(exclude="@:/%#?&{}'\"\\ ", hard=0, style="random") + R.choice("!*-_.")
    d = rdt()
    txt = "\n".join([f"[{d:%Y-%m-%d %H:%M:%S},{R.randint(100, 999)}: ERROR/MainProcess] consumer: Cannot connect to redis://:{pw}@redis:6379/0: Authentication required..",
                     "Trying again in 4.00 seconds... (2/100)"])
    return "celery-worker/broker-url", txt, [pw]


@reg("redis_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    txt = airflow_event([user_frame("events_hourly", "r = redis.Redis.from_url(REDIS_URL)", "dedupe"),
                         lib_frame("3.10", "redis/connection.py", 950, "on_connect", "raise AuthenticationError(\"Invalid Username or Password\")")],
                        ["redis.exceptions.AuthenticationError: invalid username-password pair or user is disabled."],
                        pre=[("logging_mixin.py:188", "INFO", f"REDIS_URL=rediss://default:{enc}@cache.acme.io:6380/2")], pyv="3.10")
    return "airflow-traceback/env-style-url", txt, [enc]


@reg("redis_uri_password", "t")
def _():
    pw = password(exclude="@:/%#?&{}'\"\\ ", hard=0) + "!"
    d = rdt()
    txt = k8s_line(d, f"Error 111 connecting to redis://:{pw}@10.0.7.21:6379/1. Connection refused.")
    return "k8s-log/message-url", txt, [pw]


@reg("amqp_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = "\n".join([f"[{d:%Y-%m-%d %H:%M:%S},{R.randint(100, 999)}: ERROR/MainProcess] consumer: Cannot connect to amqp://etl:{enc}@rabbitmq:5672//: [Errno 111] Connection refused.",
                     "Trying again in 2.00 seconds... (1/100)"])
    return "celery-worker/broker-url", txt, [enc]


@reg("amqp_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    txt = pylog_event(["pika.exceptions.ProbableAuthenticationError: ConnectionClosedByBroker: (403) 'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.'"],
                      msg=f"pika.URLParameters('amqps://ingest:{enc}@mq.acme.io:5671/%2Fetl?heartbeat=30') failed")
    return "python-logging/call-repr-url", txt, [enc]


@reg("amqp_uri_password", "t")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = spring_line(d, "ERROR", "o.s.a.r.l.SimpleMessageListenerContainer", f"Failed to check/redeclare auto-delete queue(s). (addresses=amqp://orders:{enc}@rabbit-0.rabbit:5672/prod)")
    return "java-logback/url-in-parens", txt, [enc]


@reg("snowflake_uri_password", "d")
def _():
    raw, enc = pw_url_encoded()
    acct = R.choice(["xy12345.eu-west-1", "acme-prod", "ab98765.us-east-1"])
    url = f"snowflake://LOADER:{enc}@{acct}/ANALYTICS/RAW?warehouse=LOAD_WH&role=LOADER"
    txt = airflow_event([user_frame("s3_to_snowflake", "engine = create_engine(SNOWFLAKE_URL)", "_copy"),
                         lib_frame("3.10", "snowflake/connector/connection.py", 1283, "_authenticate", "raise error.DatabaseError(")],
                        [f"sqlalchemy.exc.DatabaseError: (snowflake.connector.errors.DatabaseError) 250001 (08001): Failed to connect to DB: {acct}.snowflakecomputing.com:443. Incorrect username or password was specified."],
                        pre=[("logging_mixin.py:188", "INFO", f"SNOWFLAKE_URL={url}")], pyv="3.10")
    return "airflow-traceback/url-percent-encoded", txt, [enc]


@reg("snowflake_uri_password", "d")
def _():
    pw = password(exclude="@:/%#?&{}'\"\\ ", hard=0) + "$"
    d = rdt()
    lines = [f"{dbt_ts(d)}  Encountered an error:", "Database Error",
             f"  250001 (08001): None: Failed to connect to DB: acme-prod.snowflakecomputing.com:443. Incorrect username or password was specified. (connection: snowflake://DBT_RUNNER:{pw}@acme-prod/ANALYTICS)"]
    return "dbt-error/url-in-message", "\n".join(lines), [pw]


@reg("snowflake_uri_password", "t")
def _():
    raw, enc = pw_url_encoded()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"SNOWFLAKE_CONN=snowflake://SVC_SPARK:{enc}@xy12345.eu-central-1/RAW/PUBLIC?warehouse=SPARK_WH"),
                     k8s_line(d, "net.snowflake.client.jdbc.SnowflakeSQLException: Incorrect username or password was specified.")])
    return "k8s-log/env-url", txt, [enc]


@reg("schemeless_userinfo_password", "d")
def _():
    pw = password(hard=3, exclude="'\"\\ ")
    pw = pw[:3] + R.choice("@:/") + pw[3:]
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} WARNING loader: retrying connection to etl:{pw}@db-prod-01.internal:5432 (attempt 3/5)",
                     f"{py_ts(later(d, 5))} ERROR loader: giving up: connection to server at \"db-prod-01.internal\" (10.20.4.17), port 5432 failed: timeout expired"])
    return "python-logging/raw-user:pw@host:port", txt, [pw]


@reg("schemeless_userinfo_password", "d")
def _():
    pw = password(hard=2, exclude="'\"\\ ")
    d = rdt()
    st = "iso"
    txt = "\n".join([f"{af_ts(d, st)} {{logging_mixin.py:190}} INFO - source: {R.choice(USERS)}:{pw}@mysql-etl.corp:3306/sales",
                     f"{af_ts(d, st)} {{taskinstance.py:2698}} ERROR - Task failed with exception",
                     "Traceback (most recent call last):",
                     frame("/opt/airflow/dags/orders_daily.py", 58, "_extract", "user, rest = SOURCE.split(':', 1)"),
                     "ValueError: not enough values to unpack (expected 3, got 2)"])
    return "airflow-traceback/raw-user:pw@host", txt, [pw]


@reg("schemeless_userinfo_password", "t")
def _():
    pw = password(hard=3, exclude="'\"\\ ")
    pw = pw[:4] + "@" + pw[4:] + ":/"
    d = rdt()
    txt = "\n".join([spring_line(d, "WARN", "c.a.replicator.Source", f"connecting to replicator:{pw}@oracle-fin.corp.local:1521"),
                     "java.sql.SQLRecoverableException: IO Error: The Network Adapter could not establish the connection"])
    return "java-logback/raw-user:pw@host", txt, [pw]


# =================================================================== JDBC / ODBC
@reg("jdbc_postgres_password", "d")
def _():
    raw, enc = pw_url_encoded(hard=3)
    if "%26" not in enc:
        raw = raw[:3] + "&" + raw[3:]
        enc = urllib.parse.quote(raw, safe="")
    url = f"jdbc:postgresql://pg-replica.eu-west-1.rds.amazonaws.com:5432/events?user=spark&password={enc}&ssl=true&sslmode=require"
    txt = spark_lines([("INFO", "JDBCRelation", "Number of partitions: 8"),
                       ("ERROR", "Executor", "Exception in task 2.0 in stage 0.0 (TID 2)"),
                       "org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"spark\""]
                      + jframes(["org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)",
                                 "org.apache.spark.sql.execution.datasources.jdbc.JdbcUtils$.$anonfun$createConnectionFactory$1(JdbcUtils.scala:64)"])
                      + [("WARN", "TaskSetManager", f"Lost task 2.0 in stage 0.0 (TID 2) (10.0.3.44 executor 1): jdbc url={url}")])
    return "spark-log4j/jdbc-query-params-encoded-&", txt, [enc]


@reg("jdbc_postgres_password", "d")
def _():
    raw, enc = pw_url_encoded(hard=2)
    url = f"jdbc:postgresql://warehouse.acme.local/dw?user=loader&password={enc}&ssl=true"
    cmd = ["java", "-jar", "/opt/loader/loader.jar", "--url", url, "--table", "staging.orders"]
    txt = airflow_event([user_frame("orders_daily", "subprocess.run(cmd, check=True)", "_load"),
                         frame("/usr/local/lib/python3.11/subprocess.py", 571, "run", "raise CalledProcessError(retcode, process.args,")],
                        [cpe(cmd)], pyv="3.11")
    return "airflow-traceback/CalledProcessError-jdbc-url", txt, [enc]


@reg("jdbc_postgres_password", "t")
def _():
    raw, enc = pw_url_encoded(hard=2)
    pyv = "3.10"
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/jobs/export.py", 31, "<module>", f"df.write.jdbc(url=\"jdbc:postgresql://analytics-db:5432/mart?user=writer&password={enc}\", table=\"mart.daily\", mode=\"overwrite\")"),
                       "py4j.protocol.Py4JJavaError: An error occurred while calling o142.jdbc.",
                       ": org.postgresql.util.PSQLException: The connection attempt failed."], msg="export failed", logger="py4j")
    return "pyspark-traceback/source-line-jdbc", txt, [enc]


@reg("jdbc_oracle_thin_password", "d")
def _():
    pw = password(exclude="@/:%&;{}'\"\\ ", hard=0) + R.choice("#$_")
    url = f"jdbc:oracle:thin:FIN_ETL/{pw}@oracle-fin.corp.local:1521/FINPRD"
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "o.s.boot.SpringApplication", "Application run failed"),
                     f"java.sql.SQLException: ORA-01017: invalid username/password; logon denied (url={url})"]
                    + jframes(["oracle.jdbc.driver.T4CTTIoer11.processError(T4CTTIoer11.java:509)",
                               "oracle.jdbc.driver.PhysicalConnection.connect(PhysicalConnection.java:1074)"]))
    return "java-logback/oracle-thin-user/pw@host", txt, [pw]


@reg("jdbc_oracle_thin_password", "d")
def _():
    pw = password(exclude="@/:%&;{}'\"\\ ", hard=0) + "#1"
    url = f"jdbc:oracle:thin:ODS/{pw}@//oracle-fin.corp.local:1521/ODSPRD"
    txt = spark_lines([("INFO", "SparkContext", "Running Spark version 3.3.2"),
                       ("ERROR", "Executor", "Exception in task 0.0 in stage 1.0 (TID 1)"),
                       "java.sql.SQLRecoverableException: IO Error: Connection timed out, connect lapse 60001 ms., Authentication lapse 0 ms."]
                      + jframes(["oracle.jdbc.driver.T4CConnection.logon(T4CConnection.java:894)"])
                      + [("INFO", "DAGScheduler", f"Job 0 failed: jdbc at NativeMethodAccessorImpl.java:0, url {url}")])
    return "spark-log4j/oracle-thin-ezconnect", txt, [pw]


@reg("jdbc_oracle_thin_password", "t")
def _():
    pw = password(exclude="\"\\'", hard=2)
    url = f'jdbc:oracle:thin:RPT/"{pw}"@oracle-fin.corp.local:1521:FINPRD'
    txt = pylog_event([f"jaydebeapi.DatabaseError: java.sql.SQLException: ORA-28000: The account is locked. (url: {url})"], msg="report extract failed")
    return "python-logging/oracle-thin-quoted-password", txt, [pw]


@reg("jdbc_sqlserver_password", "d")
def _():
    pw = password(exclude=";{}'\"\\ ", hard=2)
    url = f"jdbc:sqlserver://sql-prod.database.windows.net:1433;database=dw;user=etl@sql-prod;password={pw};encrypt=true;trustServerCertificate=false;loginTimeout=30;"
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.z.h.p.HikariPool", "HikariPool-1 - Exception during pool initialization."),
                     "com.microsoft.sqlserver.jdbc.SQLServerException: Login failed for user 'etl'. ClientConnectionId:" + uuid4(),
                     f"\tat com.acme.etl.Config.dataSource(Config.java:41) [url={url}]"])
    return "java-logback/sqlserver-semicolon-props", txt, [pw]


@reg("jdbc_sqlserver_password", "t")
def _():
    pw = password(exclude=";{}'\"\\ ", hard=2)
    url = f"jdbc:sqlserver://10.20.4.50:1433;databaseName=crm;user=sa;password={pw}"
    txt = spark_lines([("ERROR", "JdbcUtils", f"Failed to create connection with {url}"),
                       "com.microsoft.sqlserver.jdbc.SQLServerException: The TCP/IP connection to the host 10.20.4.50, port 1433 has failed."])
    return "spark-log4j/sqlserver-url", txt, [pw]


@reg("odbc_braced_pwd", "d")
def _():
    raw = password(hard=1, exclude="'\"\\") + ";" + rs(ALNUM, 3) + R.choice(["}", "=", "{"]) + rs(ALNUM, 2)
    inner = raw.replace("}", "}}")
    cs = f"Driver={{ODBC Driver 18 for SQL Server}};Server=tcp:sql-prod.database.windows.net,1433;Database=dw;Uid=etl;Pwd={{{inner}}};Encrypt=yes;TrustServerCertificate=no;Connection Timeout=30;"
    txt = airflow_event([user_frame("finance_ledger_load", "conn = pyodbc.connect(CONN_STR)", "_extract")],
                        ["pyodbc.InterfaceError: ('28000', \"[28000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'etl'. (18456) (SQLDriverConnect)\")"],
                        pre=[("logging_mixin.py:188", "INFO", f"CONN_STR={cs}")])
    return "airflow-traceback/odbc-braced-value-with-semicolon", txt, [inner]


@reg("odbc_braced_pwd", "d")
def _():
    raw = password(hard=1, exclude="'\"\\") + ";" + rs(ALNUM, 4)
    inner = raw.replace("}", "}}")
    cs = f"DRIVER={{PostgreSQL Unicode}};SERVER=analytics-db;PORT=5432;DATABASE=mart;UID=report_ro;PWD={{{inner}}};SSLmode=require"
    txt = pylog_event([f"pyodbc.OperationalError: ('08001', '[08001] FATAL:  password authentication failed for user \"report_ro\" (101) (SQLDriverConnect)')"],
                      msg=f"connect({cs!r}) failed")
    return "python-logging/odbc-braced-in-repr", txt, [inner]


@reg("odbc_braced_pwd", "t")
def _():
    raw = password(hard=2, exclude="'\"\\") + ";Encrypt=" + rs(ALNUM, 3)
    inner = raw.replace("}", "}}")
    d = rdt()
    txt = "\n".join([f"{d:%Y-%m-%d %H:%M:%S.%f}"[:-3] + f" ERROR [ssis-runner] OLE DB connection failed: Provider=MSOLEDBSQL;Data Source=sql-prod;Initial Catalog=dw;User ID=etl;Password={{{inner}}};",
                     "Login timeout expired"])
    return "app-log/oledb-braced-password", txt, [inner]


@reg("odbc_pwd_plain", "d")
def _():
    pw = password(exclude=";{}'\"\\ ", hard=2)
    cs = f"DRIVER={{ODBC Driver 17 for SQL Server}};SERVER=10.20.4.50;DATABASE=crm;UID=sa;PWD={pw};"
    txt = airflow_event([user_frame("crm_sync", "cnxn = pyodbc.connect(cs, timeout=15)", "_extract")],
                        ["pyodbc.OperationalError: ('HYT00', '[HYT00] [Microsoft][ODBC Driver 17 for SQL Server]Login timeout expired (0) (SQLDriverConnect)')"],
                        pre=[("logging_mixin.py:188", "INFO", f"cs={cs}")])
    return "airflow-traceback/odbc-PWD=;", txt, [pw]


@reg("odbc_pwd_plain", "d")
def _():
    pw = password(exclude=";{}'\"\\ ", hard=1)
    d = rdt()
    txt = f"{py_ts(d)} ERROR odbc: [unixODBC][Driver Manager]Data source name not found and no default driver specified (DSN=dw_prod;UID=etl;PWD={pw};APP=airflow)"
    return "python-logging/odbc-dsn-in-parens", txt, [pw]


@reg("odbc_pwd_plain", "t")
def _():
    pw = password(exclude=";{}'\"\\ ", hard=2)
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/opt/etl/extract_sage.py", 20, "<module>", f"conn = pyodbc.connect('DSN=SAGE;Uid=reader;Pwd={pw};')"),
                       "pyodbc.Error: ('IM002', '[IM002] [unixODBC][Driver Manager]Data source name not found and no default driver specified (0) (SQLDriverConnect)')"],
                      msg="sage extract failed")
    return "python-traceback/source-line-Pwd=", txt, [pw]


# =================================================================== HTTP headers / query strings
@reg("http_bearer_token", "d")
def _():
    t = opaque_token()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} DEBUG urllib3.connectionpool: https://api.partner.io:443 \"GET /v2/orders?page=3 HTTP/1.1\" 401 61",
                     f"{py_ts(d)} ERROR partner_sync: request failed",
                     f"  > GET /v2/orders?page=3", f"  > Authorization: Bearer {t}", "  > Accept: application/json",
                     "  < 401 {\"error\":\"invalid_token\"}"])
    return "python-logging/header-lines", txt, [t]


@reg("http_bearer_token", "d")
def _():
    t = opaque_token()
    txt = airflow_event([user_frame("partner_feed_sftp", "resp = requests.get(url, headers=self.headers)", "fetch_page")],
                        ["requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.partner.io/v2/orders?page=1"],
                        pre=[("http.py:175", "INFO", f"Sending 'GET' to url: https://api.partner.io/v2/orders?page=1 with headers {{'Authorization': 'Bearer {t}'}}")])
    return "airflow-traceback/headers-dict-repr", txt, [t]


@reg("http_bearer_token", "t")
def _():
    t = opaque_token()
    cmd = ["curl", "-fsS", "-H", f"authorization: bearer {t}", "https://metrics.internal/api/v1/push"]
    return "CalledProcessError-list/lowercase-bearer", pylog_event([cpe(cmd, 22)], msg="metrics push failed"), [t]


@reg("http_bearer_token", "t")
def _():
    t = opaque_token()
    d = rdt()
    txt = spring_line(d, "DEBUG", "o.a.http.headers", f"http-outgoing-3 >> Authorization: Bearer {t}") + "\n" + \
        spring_line(later(d), "ERROR", "c.a.ingest.PartnerClient", "401 Unauthorized from https://api.partner.io/v2/orders")
    return "java-httpclient-wire-log/header", txt, [t]


@reg("http_basic_auth", "d")
def _():
    pw = password(hard=2)
    b = base64.b64encode(f"etl_user:{pw}".encode()).decode()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR sftpgo_client: upload failed: 401",
                     f"request headers: {{'User-Agent': 'python-requests/2.31.0', 'Accept-Encoding': 'gzip, deflate', 'Accept': '*/*', 'Connection': 'keep-alive', 'Authorization': 'Basic {b}'}}"])
    return "python-logging/headers-dict-repr-basic", txt, [b]


@reg("http_basic_auth", "d")
def _():
    pw = password(hard=1)
    b = base64.b64encode(f"airflow:{pw}".encode()).decode()
    txt = "\n".join(["*   Trying 10.0.0.21:8080...", "> POST /api/v1/dags/orders_daily/dagRuns HTTP/1.1", "> Host: airflow-web:8080",
                     f"> Authorization: Basic {b}", "> Content-Type: application/json", "< HTTP/1.1 403 FORBIDDEN"])
    return "curl-verbose/basic-header", txt, [b]


@reg("http_basic_auth", "t")
def _():
    pw = password(hard=2)
    b = base64.b64encode(f"svc_es:{pw}".encode()).decode()
    d = rdt()
    txt = spring_line(d, "WARN", "o.e.c.RestClient", f"request [POST http://es-0:9200/_bulk] returned 1 warnings: [401 Unauthorized] (header authorization=Basic {b})")
    return "java-logback/lowercase-header-key=value", txt, [b]


@reg("cookie_session", "d")
def _():
    sid, csrf = rs(LO + DIG, 32), rs(ALNUM, 64)
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR scraper: 403 on https://portal.partner.io/export/orders.csv",
                     f"sent headers: {{'Cookie': 'sessionid={sid}; csrftoken={csrf}', 'X-CSRFToken': '{csrf}', 'Referer': 'https://portal.partner.io/'}}"])
    return "python-logging/cookie-header-dict", txt, [sid, csrf]


@reg("cookie_session", "d")
def _():
    sid = rs(ALNUM, 40)
    d = rdt()
    txt = "\n".join(["> GET /reports/daily HTTP/1.1", f"> Cookie: JSESSIONID={rs(HEX.upper(), 32)}; remember_token={sid}", "< HTTP/1.1 302 Found", "< Location: /login"])
    jid = txt.split("JSESSIONID=")[1].split(";")[0]
    return "curl-verbose/cookie", txt, [jid, sid]


@reg("cookie_session", "t")
def _():
    sid = b64(48, url=True, pad=False)
    d = rdt()
    txt = k8s_line(d, f"proxy error: upstream returned 500 for GET /api/export (cookie: session={sid}; Path=/; HttpOnly)")
    return "k8s-log/cookie-in-parens", txt, [sid]


@reg("x_api_key_header", "d")
def _():
    k = hi_entropy(40)
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} ERROR weather_ingest: 403 Forbidden", f"request: GET https://api.weather.example/v1/hourly?lat=48.85&lon=2.35",
                     f"headers: X-Api-Key: {k}"])
    return "python-logging/X-Api-Key", txt, [k]


@reg("x_api_key_header", "d")
def _():
    k = hi_entropy(32)
    txt = airflow_event([user_frame("marketing_attribution", "r = http.run('/v3/reports', headers={'x-api-key': API_KEY})", "pull")],
                        ["airflow.exceptions.AirflowException: 403:Forbidden"],
                        pre=[("http.py:175", "INFO", f"Sending 'GET' to url: https://ads.partner.io/v3/reports with headers {{'x-api-key': '{k}'}}")])
    return "airflow-traceback/lowercase-header-dict", txt, [k]


@reg("x_api_key_header", "t")
def _():
    k = hi_entropy(36)
    cmd = ["curl", "-H", f"X-API-KEY:{k}", "https://api.partner.io/v1/export"]
    return "CalledProcessError-list/header-no-space", pylog_event([cpe(cmd, 22)], msg="export trigger failed"), [k]


@reg("proxy_authorization", "d")
def _():
    pw = password(hard=1, exclude="'")
    b = base64.b64encode(f"svc_proxy:{pw}".encode()).decode()
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} DEBUG urllib3.connectionpool: Starting new HTTPS connection (1): proxy.corp:3128",
                     f"send: b'CONNECT api.partner.io:443 HTTP/1.0\\r\\nProxy-Authorization: Basic {b}\\r\\n\\r\\n'",
                     "urllib3.exceptions.ProxyError: ('Unable to connect to proxy', OSError('Tunnel connection failed: 407 Proxy Authentication Required'))"])
    return "http.client-debug/proxy-authorization", txt, [b]


@reg("proxy_authorization", "t")
def _():
    pw = password(hard=0) + "!"
    b = base64.b64encode(f"etl:{pw}".encode()).decode()
    d = rdt()
    txt = spring_line(d, "ERROR", "c.a.net.ProxySelector", f"407 from proxy.corp:3128, sent Proxy-Authorization=Basic {b}")
    return "java-logback/key=value", txt, [b]


@reg("url_query_token", "d")
def _():
    t = opaque_token(40)
    url = f"https://api.partner.io/v1/export?format=csv&token={t}"
    txt = airflow_event([user_frame("partner_feed_sftp", "urllib.request.urlretrieve(url, dest)", "download")],
                        [f"urllib.error.HTTPError: HTTP Error 403: Forbidden"],
                        pre=[("logging_mixin.py:188", "INFO", f"downloading {url}")])
    return "airflow-traceback/?token=", txt, [t]


@reg("url_query_token", "d")
def _():
    t = rs(HEX, 32)
    d = rdt()
    txt = f"{py_ts(d)} ERROR extract: HTTPSConnectionPool(host='api.openweathermap.example', port=443): Read timed out. (read timeout=30) url=https://api.openweathermap.example/data/2.5/forecast?q=Paris&units=metric&api_key={t}"
    return "python-logging/&api_key=", txt, [t]


@reg("url_query_token", "d")
def _():
    t = opaque_token(60)
    d = rdt()
    txt = spark_lines([("WARN", "HttpSource", f"GET https://graph.partner.io/v18.0/act_123/insights?fields=spend,clicks&access_token={t}&limit=500 -> 400"),
                       ("ERROR", "MicroBatchExecution", f"Query ads_ingest [id = {uuid4()}, runId = {uuid4()}] terminated with error")])
    return "spark-log4j/&access_token=", txt, [t]


@reg("url_query_token", "t")
def _():
    t = hi_entropy(32)
    d = rdt()
    txt = k8s_line(d, f"time=\"{d:%Y-%m-%dT%H:%M:%SZ}\" level=error msg=\"fetch failed\" url=\"https://feeds.partner.io/prices.json?apikey={t}&region=eu\" status=429")
    return "k8s-logfmt/?apikey=", txt, [t]


@reg("url_query_token", "t")
def _():
    t = opaque_token(48)
    txt = pylog_event([f"requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='hooks.partner.io', port=443): Read timed out. (read timeout=10)",
                       f"while calling https://hooks.partner.io/ingest?sig=v1&auth_token={t}"], msg="webhook delivery failed")
    return "python-logging/&auth_token=", txt, [t]


# =================================================================== structured dumps
@reg("python_dict_repr_password", "d")
def _():
    pw, bpw = password(hard=3), password(hard=2)
    cfg = {"host": R.choice(HOSTS), "port": 5432, "user": "etl", "pass": pw, "db_pass": bpw.encode(), "sslmode": "require"}
    txt = airflow_event([user_frame("finance_ledger_load", "conn = psycopg2.connect(**DB)", "_load"),
                         lib_frame("3.11", "psycopg2/__init__.py", 121, "connect", "dsn = _ext.make_dsn(dsn, **kwargs)")],
                        ["TypeError: 'db_pass' is an invalid keyword argument for this function"],
                        pre=[("logging_mixin.py:190", "INFO", f"DB config: {cfg}")], pyv="3.11")
    return "airflow-traceback/dict-repr-str-and-bytes", txt, [py_inner(pw), bytes_inner(bpw)]


@reg("python_dict_repr_password", "d")
def _():
    pw = password(hard=3)
    cfg = {"user": R.choice(USERS), "password": pw, "host": R.choice(HOSTS), "database": "dw"}
    txt = pylog_event(["mysql.connector.errors.ProgrammingError: 1045 (28000): Access denied for user 'loader'@'10.20.4.33' (using password: YES)"],
                      msg=f"cannot connect with {cfg}")
    return "python-logging/dict-repr", txt, [py_inner(pw)]


@reg("python_dict_repr_password", "d")
def _():
    pw = password(hard=2)
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{logging_mixin.py:188}} INFO - {{'conn_id': 'mssql_crm', 'login': 'sa', 'password': {pw!r}, 'schema': 'crm', 'port': 1433}}",
                     f"{af_ts(later(d), 'iso')} {{taskinstance.py:2698}} ERROR - Task failed with exception",
                     "pymssql.exceptions.OperationalError: (18456, b\"Login failed for user 'sa'.DB-Lib error message 20018, severity 14:\\nGeneral SQL Server error: Check messages from the SQL Server\\n\")"])
    return "airflow-log/dict-repr", txt, [py_inner(pw)]


@reg("python_dict_repr_password", "t")
def _():
    pw = password(hard=3)
    params = {"dbname": "dw", "user": "etl", "host": "10.20.4.17", "passwd": pw}
    txt = pylog_event([f"KeyError: 'password' (params={params!r})"], msg="could not build DSN")
    return "python-logging/dict-repr-passwd", txt, [py_inner(pw)]


@reg("python_dict_repr_password", "t")
def _():
    pw = password(hard=2)
    txt = pylog_event(["OrderedDict([('driver', 'postgresql'), ('username', 'etl'), ('password', " + repr(pw) + "), ('host', 'pg-replica.eu-west-1.rds.amazonaws.com')])",
                       "sqlalchemy.exc.ArgumentError: Could not parse SQLAlchemy URL from string ''"], msg="bad URL parts:")
    return "python-logging/ordereddict-repr", txt, [py_inner(pw)]


@reg("python_bytes_password", "d")
def _():
    pw = password(hard=3)
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} DEBUG pymysql: auth plugin mysql_native_password, scramble for password {pw.encode()!r}",
                     "pymysql.err.OperationalError: (1045, \"Access denied for user 'etl'@'10.20.4.33' (using password: YES)\")"])
    return "python-logging/bytes-repr", txt, [bytes_inner(pw)]


@reg("python_bytes_password", "d")
def _():
    t = hi_entropy(40)
    txt = airflow_event([user_frame("events_hourly", "sig = hmac.new(SECRET, body, hashlib.sha256).hexdigest()", "_sign")],
                        ["TypeError: Strings must be encoded before hashing"],
                        pre=[("logging_mixin.py:188", "INFO", f"SECRET={t.encode()!r} body_len=5121")])
    return "airflow-traceback/bytes-repr-secret", txt, [bytes_inner(t)]


@reg("python_bytes_password", "t")
def _():
    pw = password(hard=2)
    txt = pylog_event([f"paramiko.ssh_exception.AuthenticationException: Authentication failed. (password=b{pw!r})"], msg="sftp login failed")
    return "python-logging/bytes-literal-in-parens", txt, [py_inner(pw)]


@reg("python_kwargs_repr_password", "d")
def _():
    pw = password(hard=3)
    txt = airflow_event([user_frame("inventory_snapshot", "return pymysql.connect(**self.conn_kwargs)", "_conn")],
                        ["pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'mysql-etl.corp' (timed out)\")"],
                        pre=[("logging_mixin.py:188", "INFO", f"MySQLConfig(host='mysql-etl.corp', port=3306, user='loader', password={pw!r}, database='inventory')")])
    return "airflow-traceback/dataclass-repr", txt, [py_inner(pw)]


@reg("python_kwargs_repr_password", "d")
def _():
    pw = password(hard=2)
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/srv/etl/db.py", 14, "connect", f"return psycopg2.connect(host=HOST, user='etl', password={pw!r}, dbname='dw')"),
                       "psycopg2.OperationalError: connection to server at \"10.20.4.17\", port 5432 failed: Connection refused"], msg="db connect failed")
    return "python-traceback/source-line-kwarg", txt, [py_inner(pw)]


@reg("python_kwargs_repr_password", "t")
def _():
    pw = password(hard=2)
    d = rdt()
    txt = k8s_line(d, f"ConnectionError: connect(host='10.0.5.5', port=5439, user='rs_loader', password={pw!r}, database='dw') failed: timeout")
    return "k8s-log/call-repr", txt, [py_inner(pw)]


@reg("json_escaped_password", "d")
def _():
    pw = password(hard=2)
    if '"' not in pw:
        pw = pw[:4] + '"' + pw[4:]
    js = json.dumps({"host": "db-prod-01.internal", "login": "etl", "password": pw, "schema": "dw"})
    txt = airflow_event([user_frame("orders_daily", "conn = Connection(conn_id='dwh', uri=build_uri(json.loads(raw)))", "_conn")],
                        ["ValueError: port must be int"], pre=[("logging_mixin.py:188", "INFO", f"raw connection json: {js}")])
    return "airflow-traceback/json-escaped-quote", txt, [json_inner(pw)]


@reg("json_escaped_password", "d")
def _():
    pw = password(hard=3)
    if "\\" not in pw:
        pw = pw[:5] + "\\" + pw[5:]
    d = rdt()
    line = json.dumps({"ts": iso_z(d), "level": "error", "logger": "loader", "msg": "auth failed", "config": {"db_password": pw, "db_user": "etl"}})
    return "json-log-line/escaped-backslash", line, [json_inner(pw)]


@reg("json_escaped_password", "t")
def _():
    pw = password(hard=3)
    if '"' not in pw:
        pw = pw[:3] + '"' + pw[3:]
    d = rdt()
    cfg = json.dumps({"sources": [{"type": "mysql", "user": "cdc", "pwd": pw}]}, indent=2)
    txt = "\n".join([spring_line(d, "ERROR", "i.d.e.EmbeddedEngine", "Unable to initialize connector with config:")] + cfg.splitlines())
    return "java-logback/pretty-json-escaped", txt, [json_inner(pw)]


@reg("yaml_password", "d")
def _():
    pw = password(hard=2, exclude="'")
    inner = pw
    y = ["outputs:", "  prod:", "    type: postgres", "    host: warehouse.acme.local", "    user: dbt_runner", f"    password: '{inner}'", "    port: 5432", "    dbname: analytics", "    schema: marts", "    threads: 4"]
    d = rdt()
    txt = "\n".join([f"{dbt_ts(d)}  Encountered an error while reading profiles:", "  ERROR: Runtime Error", "    Could not find profile named 'acme'", "  Profile found:"] + ["    " + x for x in y])
    return "dbt-error/yaml-single-quoted", txt, [inner]


@reg("yaml_password", "d")
def _():
    pw = password(hard=2, exclude="'#: ") + "'"
    inner = pw.replace("'", "''")
    txt = pylog_event(["database:", "  host: pg-replica.eu-west-1.rds.amazonaws.com", "  user: loader", f"  password: '{inner}'",
                       "yaml.scanner.ScannerError: mapping values are not allowed here", "  in \"/etc/etl/config.yaml\", line 7, column 14"],
                      msg="config parse failed; dump:")
    return "python-logging/yaml-doubled-single-quote", txt, [inner]


@reg("yaml_password", "t")
def _():
    pw = password(hard=0, style="random") + "!" + rs(ALNUM, 2)
    d = rdt()
    txt = "\n".join([k8s_line(d, "kafka-connect config:"), k8s_line(d, "  connection.user: cdc"), k8s_line(d, f"  connection.password: {pw}"),
                     k8s_line(d, "org.apache.kafka.connect.errors.ConnectException: Error configuring an instance of PostgresConnector")])
    return "k8s-log/yaml-plain-scalar", txt, [pw]


@reg("dotenv_password", "d")
def _():
    pw = password(hard=2, exclude="'\"\\ #")
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{subprocess.py:93}} INFO - + cat .env",
                     bash_out(d, "iso", "DB_HOST=db-prod-01.internal"), bash_out(d, "iso", "DB_USER=etl"), bash_out(d, "iso", f"DB_PASSWORD={pw}"),
                     bash_out(d, "iso", "python load.py: error: DB_PORT is required"),
                     f"{af_ts(later(d), 'iso')} {{subprocess.py:97}} INFO - Command exited with return code 2"])
    return "airflow-bashoperator/dotenv", txt, [pw]


@reg("dotenv_password", "d")
def _():
    pw = password(hard=2, exclude="\"\\")
    inner = pw
    txt = pylog_event([f'POSTGRES_PASSWORD="{inner}"', "POSTGRES_DB=dw", "python-dotenv could not parse statement starting at line 4"],
                      msg="failed to load /opt/etl/.env:")
    return "python-logging/dotenv-double-quoted", txt, [inner]


@reg("dotenv_password", "t")
def _():
    pw = password(hard=2, exclude="'\"\\ ")
    d = rdt()
    txt = "\n".join([k8s_line(d, f"MYSQL_ROOT_PASSWORD={pw}"), k8s_line(d, "2024-05-03 02:14:07 0 [ERROR] mariadbd: Can't lock aria control file '/var/lib/mysql/aria_log_control'")])
    return "k8s-log/env-ROOT_PASSWORD", txt, [pw]


@reg("java_properties_password", "d")
def _():
    pw = password(hard=2, exclude="\\ ")
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "o.s.b.d.LoggingFailureAnalysisReporter", ""), "", "***************************", "APPLICATION FAILED TO START",
                     "***************************", "", "Description:", "", "Failed to bind properties under 'spring.datasource' with:",
                     "    spring.datasource.url=jdbc:postgresql://warehouse.acme.local:5432/dw", "    spring.datasource.username=etl",
                     f"    spring.datasource.password={pw}", "    Reason: org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"etl\""])
    return "spring-boot/properties-dump", txt, [pw]


@reg("java_properties_password", "d")
def _():
    pw = password(hard=2, exclude="\\ ")
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} ERROR HiveMetaStore: MetaException: Unable to open a test connection to the given database.",
                     "javax.jdo.option.ConnectionURL=jdbc:mysql://metastore-db:3306/hive", "javax.jdo.option.ConnectionUserName=hive",
                     f"javax.jdo.option.ConnectionPassword={pw}"])
    return "hive-metastore/properties", txt, [pw]


@reg("java_properties_password", "t")
def _():
    pw = password(hard=2, exclude="\\ ")
    d = rdt()
    txt = "\n".join([spring_line(d, "WARN", "o.a.k.c.c.ConsumerConfig", "unexpected property override:"),
                     f"ssl.truststore.password={pw}", "ssl.truststore.location=/etc/kafka/truststore.jks",
                     "org.apache.kafka.common.KafkaException: Failed to load SSL keystore /etc/kafka/truststore.jks of type JKS"])
    return "java-logback/ssl-truststore-password", txt, [pw]


@reg("scala_conf_password", "d")
def _():
    pw = password(hard=2, exclude='"\\')
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} ERROR ApplicationMaster: User class threw exception: java.sql.SQLException: No suitable driver",
                     f"Map(url -> jdbc:postgresql://warehouse.acme.local/dw, dbtable -> public.orders, user -> etl, password -> \"{pw}\", driver -> org.postgresql.Driver)"])
    return "spark-yarn/scala-map-toString", txt, [pw]


@reg("scala_conf_password", "d")
def _():
    pw = password(hard=2, exclude='"\\')
    txt = spark_lines([("ERROR", "Main$", "job failed"),
                       "Exception in thread \"main\" java.lang.IllegalArgumentException: requirement failed: Option 'dbtable' is required.",
                       f"\tat com.acme.jobs.Export$.run(Export.scala:41) // options = Map(\"url\" -> \"jdbc:sqlserver://10.20.4.50\", \"user\" -> \"sa\", \"password\" -> \"{pw}\")"])
    return "spark-log4j/scala-map-literal", txt, [pw]


@reg("scala_conf_password", "t")
def _():
    pw = password(hard=2, exclude='"\\')
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} WARN JdbcOptions: options: CaseInsensitiveMap(password -> {pw}, user -> spark, url -> jdbc:mysql://mysql-etl.corp/sales)",
                     "java.sql.SQLSyntaxErrorException: Unknown database 'sales'"])
    return "spark-log4j/CaseInsensitiveMap-unquoted", txt, [pw]


@reg("xml_password", "d")
def _():
    pw = password(hard=3)
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.a.soap.ErpClient", "SOAP fault, request was:"),
                     f"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Header><Auth><UserName>etl_erp</UserName><Password>{xml_inner(pw)}</Password></Auth></soapenv:Header><soapenv:Body><GetOrders><Since>2024-05-01</Since></GetOrders></soapenv:Body></soapenv:Envelope>",
                     "javax.xml.ws.soap.SOAPFaultException: Invalid credentials"])
    return "java-logback/xml-entity-escaped", txt, [xml_inner(pw)]


@reg("xml_password", "d")
def _():
    pw = password(hard=2, exclude="&<>\"'")
    txt = pylog_event(["<settings>", "  <servers>", "    <server>", "      <id>acme-nexus</id>", "      <username>deploy</username>",
                       f"      <password>{pw}</password>", "    </server>", "  </servers>", "</settings>",
                       "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy: status code: 401, reason phrase: Unauthorized (401)"],
                      msg="maven settings.xml in use:")
    return "python-logging/maven-settings-xml", txt, [pw]


@reg("xml_password", "t")
def _():
    pw = password(hard=2)
    d = rdt()
    txt = f"{l4j_ts(d)} WARN HiveConf: HiveConf of name hive.metastore.local does not exist; <property><name>javax.jdo.option.ConnectionPassword</name><value>{xml_inner(pw)}</value></property>"
    return "hadoop-log/xml-property", txt, [xml_inner(pw)]


@reg("urlencoded_password", "d")
def _():
    pw = password(hard=3)
    enc = urllib.parse.quote(pw, safe="")
    body = f"grant_type=password&username=etl%40acme.io&password={enc}&client_id=etl-cli"
    d = rdt()
    txt = "\n".join([f"{py_ts(d)} DEBUG urllib3.connectionpool: https://auth.acme.io:443 \"POST /oauth/token HTTP/1.1\" 400 74",
                     f"{py_ts(d)} ERROR auth: token request failed, body={body}",
                     "oauthlib.oauth2.rfc6749.errors.InvalidGrantError: (invalid_grant) Invalid user credentials"])
    return "python-logging/form-body", txt, [enc]


@reg("urlencoded_password", "d")
def _():
    pw = password(hard=2)
    enc = urllib.parse.quote(pw, safe="")
    dbl = urllib.parse.quote(f"password={enc}&", safe="")
    txt = airflow_event([user_frame("crm_sync", "r = session.get(LOGIN_URL + '?next=' + quote(query))", "login")],
                        [f"requests.exceptions.TooManyRedirects: Exceeded 30 redirects. (url: https://crm.partner.io/login?next=%2Fexport%3Fuser%3Detl%26{dbl}format%3Dcsv)"])
    inner = urllib.parse.quote(enc, safe="")
    return "airflow-traceback/double-urlencoded-password%3D...%26", txt, [inner]


@reg("urlencoded_password", "t")
def _():
    pw = password(hard=2)
    enc = urllib.parse.quote_plus(pw)
    d = rdt()
    txt = spring_line(d, "WARN", "o.s.w.s.m.s.DefaultHandlerExceptionResolver", f"Resolved [HttpMessageNotReadableException] for POST /login payload: username=svc_report&password={enc}&remember=true")
    return "java-logback/form-body-quote_plus", txt, [enc]


# =================================================================== command lines
@reg("sqlcmd_P_password", "d")
def _():
    pw = password(hard=3)
    cmd = ["sqlcmd", "-S", "sql-prod.database.windows.net", "-d", "dw", "-U", "sa", "-P", pw, "-i", "/opt/sql/merge_orders.sql", "-b"]
    txt = airflow_event([user_frame("finance_ledger_load", "subprocess.run(cmd, check=True, capture_output=True, text=True)", "merge"),
                         frame("/usr/local/lib/python3.10/subprocess.py", 526, "run", "raise CalledProcessError(retcode, process.args,")],
                        [cpe(cmd)], fail_msg=f"Command '{cmd!r}' returned non-zero exit status 1.", pyv="3.10")
    return "airflow-traceback/CalledProcessError-list-repr", txt, [py_inner(pw)]


@reg("sqlcmd_P_password", "d")
def _():
    pw = pw_shell()
    d = rdt()
    st = "ui"
    line = " ".join(shlex.quote(x) for x in ["/opt/mssql-tools18/bin/sqlcmd", "-S", "10.20.4.50", "-U", "sa", "-P", pw, "-Q", "EXEC dbo.refresh_marts"])
    txt = "\n".join([f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', {line!r}]",
                     bash_out(d, st, "Sqlcmd: Error: Microsoft ODBC Driver 18 for SQL Server : Login failed for user 'sa'.."),
                     f"{af_ts(d, st)} {{subprocess.py:97}} INFO - Command exited with return code 1"])
    return "airflow-bashoperator/sqlcmd-shell-quoted", txt, [pw]


@reg("sqlcmd_P_password", "t")
def _():
    pw = password(hard=2)
    cmd = ["bcp", "dw.dbo.orders", "in", "/tmp/orders.dat", "-S", "sql-prod", "-U", "loader", "-P", pw, "-c", "-t|"]
    txt = pylog_event(["SQLState = 28000, NativeError = 18456", "Error = [Microsoft][ODBC Driver 17 for SQL Server][SQL Server]Login failed for user 'loader'.",
                       cpe(cmd)], msg="bcp load failed")
    return "python-logging/bcp-CalledProcessError", txt, [py_inner(pw)]


@reg("cli_password_flag", "d")
def _():
    pw = password(hard=2)
    cmd = ["pg_dump", "--host", "db-prod-01.internal", "--username", "etl", "--password", pw, "--format", "custom", "dw"]
    txt = pylog_event(["pg_dump: error: too many command-line arguments (first is \"" + "custom" + "\")", cpe(cmd)], msg="backup failed")
    return "python-logging/--password-space", txt, [py_inner(pw)]


@reg("cli_password_flag", "d")
def _():
    pw = pw_shell()
    d = rdt()
    st = "iso"
    cmdline = " ".join(shlex.quote(x) for x in ["dbt", "run", "--vars", "{env: prod}", f"--password={pw}"])
    txt = "\n".join([f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', {cmdline!r}]",
                     bash_out(d, st, "Usage: dbt run [OPTIONS]"), bash_out(d, st, "Try 'dbt run -h' for help."),
                     bash_out(d, st, "Error: No such option: --password"),
                     f"{af_ts(d, st)} {{subprocess.py:97}} INFO - Command exited with return code 2"])
    return "airflow-bashoperator/--password=", txt, [pw]


@reg("cli_password_flag", "d")
def _():
    pw = password(hard=2)
    cmd = ["sling", "run", "--src-conn", "MYSQL", "--src-stream", "sales.orders", "--tgt-conn", "SNOWFLAKE", f"--tgt-password={pw}"]
    txt = airflow_event([user_frame("orders_daily", "subprocess.check_output(cmd, stderr=subprocess.STDOUT)", "replicate"),
                         frame("/usr/local/lib/python3.9/subprocess.py", 528, "run", "raise CalledProcessError(retcode, process.args,")],
                        [cpe(cmd, 2)], pyv="3.9")
    return "airflow-traceback/--flag=pw-in-list", txt, [py_inner(pw)]


@reg("cli_password_flag", "t")
def _():
    pw = pw_shell()
    d = rdt()
    txt = "\n".join([k8s_line(d, f"+ mongodump --uri mongodb://backup@mongo-0:27017 --password {shlex.quote(pw)} --archive=/backup/{d:%Y%m%d}.gz"),
                     k8s_line(d, "Failed: can't create session: failed to connect to mongodb://mongo-0:27017/: connection() error occurred during connection handshake: auth error")])
    return "k8s-log/xtrace-shell-quoted", txt, [pw]


@reg("cli_password_flag", "t")
def _():
    pw = password(hard=1, exclude="'\"\\ ")
    d = rdt()
    txt = spring_line(d, "ERROR", "c.a.runner.ProcessRunner", f"process [liquibase, --url=jdbc:postgresql://warehouse.acme.local/dw, --username=migrator, --password={pw}, update] exited with 1")
    return "java-logback/process-args-list", txt, [pw]


@reg("mysql_p_password", "d")
def _():
    pw = pw_shell()
    d = rdt()
    st = R.choice(["iso", "old"])
    cmd = f"mysql -h mysql-etl.corp -u loader -p{shlex.quote(pw)} sales < /opt/sql/load.sql"
    txt = "\n".join([f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', {cmd!r}]",
                     bash_out(d, st, "mysql: [Warning] Using a password on the command line interface can be insecure."),
                     bash_out(d, st, "ERROR 1045 (28000): Access denied for user 'loader'@'10.20.4.33' (using password: YES)"),
                     f"{af_ts(d, st)} {{subprocess.py:97}} INFO - Command exited with return code 1"])
    return "airflow-bashoperator/-p<pw>-attached", txt, [pw]


@reg("mysql_p_password", "d")
def _():
    pw = password(hard=2)
    cmd = ["mysqldump", "-h", "10.20.4.33", "-uroot", f"-p{pw}", "--single-transaction", "inventory"]
    txt = pylog_event(["mysqldump: Got error: 2005: Unknown MySQL server host '10.20.4.33' (-2) when trying to connect", cpe(cmd, 2)], msg="dump failed")
    return "python-logging/-p<pw>-in-list", txt, [py_inner(pw)]


@reg("mysql_p_password", "t")
def _():
    pw = pw_shell()
    d = rdt()
    txt = k8s_line(d, f"+ mysql --host=$DB_HOST -uetl -p{shlex.quote(pw)} -e 'SELECT 1'") + "\n" + k8s_line(d, "ERROR 2003 (HY000): Can't connect to MySQL server on 'mysql-etl.corp:3306' (111)")
    return "k8s-log/xtrace-p<pw>", txt, [pw]


@reg("curl_user_password", "d")
def _():
    pw = password(hard=2)
    cmd = ["curl", "-sf", "-u", f"etl:{pw}", "-T", "/tmp/orders.csv", "https://nexus.acme.io/repository/exports/orders.csv"]
    txt = airflow_event([user_frame("hr_export", "subprocess.run(cmd, check=True)", "upload"),
                         frame("/usr/local/lib/python3.11/subprocess.py", 571, "run", "raise CalledProcessError(retcode, process.args,")],
                        [cpe(cmd, 22)], pyv="3.11")
    return "airflow-traceback/curl-u-list", txt, [py_inner(pw)]


@reg("curl_user_password", "d")
def _():
    pw = pw_shell()
    d = rdt()
    st = "iso"
    cmd = f"curl --fail --user admin:{shlex.quote(pw)} -X POST http://airflow-web:8080/api/v1/dags/orders_daily/dagRuns -d '{{}}'"
    txt = "\n".join([f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', {cmd!r}]",
                     bash_out(d, st, "curl: (22) The requested URL returned error: 401"),
                     f"{af_ts(d, st)} {{subprocess.py:97}} INFO - Command exited with return code 22"])
    return "airflow-bashoperator/curl--user", txt, [pw]


@reg("curl_user_password", "t")
def _():
    pw = pw_shell()
    d = rdt()
    txt = "\n".join([f"+ curl -u 'svc_export:{pw}' https://sftp.partner.example/api/upload -F file=@out.zip" if "'" not in pw else "",
                     "curl: (67) Access denied: 530"]).lstrip("\n")
    return "bash-xtrace/curl-u-quoted", pylog_event(txt.splitlines(), msg="upload step stderr:"), [pw]


@reg("pgpassword_env", "d")
def _():
    pw = pw_shell()
    d = rdt()
    st = "iso"
    cmd = f"PGPASSWORD={shlex.quote(pw)} psql -h warehouse.acme.local -U loader -d dw -f /opt/sql/merge.sql"
    txt = "\n".join([f"{af_ts(d, st)} {{subprocess.py:75}} INFO - Running command: ['/usr/bin/bash', '-c', {cmd!r}]",
                     bash_out(d, st, "psql: error: connection to server at \"warehouse.acme.local\" (10.0.1.9), port 5432 failed: FATAL:  password authentication failed for user \"loader\""),
                     f"{af_ts(d, st)} {{subprocess.py:97}} INFO - Command exited with return code 2"])
    return "airflow-bashoperator/PGPASSWORD-prefix", txt, [pw]


@reg("pgpassword_env", "d")
def _():
    pw = password(hard=2)
    cmd = ["env", f"PGPASSWORD={pw}", "pg_restore", "-h", "db-prod-01.internal", "-U", "etl", "-d", "dw", "/backup/dw.dump"]
    return "python-logging/env-PGPASSWORD-list", pylog_event(["pg_restore: error: could not execute query: ERROR:  role \"etl_ro\" does not exist", cpe(cmd)], msg="restore failed"), [py_inner(pw)]


@reg("pgpassword_env", "t")
def _():
    pw = pw_shell()
    d = rdt()
    txt = k8s_line(d, f"+ PGPASSWORD={shlex.quote(pw)} pg_isready -h pg-replica -U monitor") + "\n" + k8s_line(d, "pg-replica:5432 - no response")
    return "k8s-log/xtrace-PGPASSWORD", txt, [pw]


@reg("sshpass_password", "d")
def _():
    pw = pw_shell()
    d = rdt()
    st = "old"
    cmd = f"sshpass -p {shlex.quote(pw)} scp -o StrictHostKeyChecking=no /data/out/*.csv drop@sftp.partner.example:/incoming/"
    txt = "\n".join([f"{af_ts(d, st)} {{bash_operator.py:146}} INFO - Running command: {cmd}",
                     f"{af_ts(d, st)} {{bash_operator.py:153}} INFO - Output:",
                     f"{af_ts(d, st)} {{bash_operator.py:157}} INFO - Permission denied, please try again.",
                     f"{af_ts(d, st)} {{bash_operator.py:161}} INFO - Command exited with return code 5",
                     f"{af_ts(d, st)} {{taskinstance.py:1150}} ERROR - Bash command failed"])
    return "airflow1-bash_operator/sshpass-p", txt, [pw]


@reg("sshpass_password", "t")
def _():
    pw = password(hard=2)
    cmd = ["sshpass", "-p", pw, "rsync", "-az", "/data/export/", "etl@10.0.9.4:/srv/drop/"]
    return "python-logging/sshpass-list", pylog_event(["rsync: connection unexpectedly closed (0 bytes received so far) [sender]", cpe(cmd, 5)], msg="rsync failed"), [py_inner(pw)]


@reg("spark_s3a_secret_conf", "d")
def _():
    akid, sec = aws_akid(), aws_secret()
    cmd = ["spark-submit", "--master", "k8s://https://10.0.0.1:443", "--deploy-mode", "cluster",
           "--conf", f"spark.hadoop.fs.s3a.access.key={akid}", "--conf", f"spark.hadoop.fs.s3a.secret.key={sec}",
           "--conf", "spark.kubernetes.container.image=acme/spark:3.5.1", "local:///opt/jobs/compact.py"]
    txt = airflow_event([lib_frame("3.11", "airflow/providers/apache/spark/hooks/spark_submit.py", 502, "submit", "raise AirflowException(")],
                        [f"airflow.exceptions.AirflowException: Cannot execute: {' '.join(cmd)}. Error code is: 1."],
                        op_frames=[], pyv="3.11",
                        pre=[("spark_submit.py:341", "INFO", f"Spark-Submit cmd: {' '.join(cmd)}")])
    return "airflow-SparkSubmitOperator/--conf-secret.key", txt, [akid, sec]


@reg("spark_s3a_secret_conf", "d")
def _():
    sec = aws_secret()
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} INFO SparkContext: Submitted application: compaction",
                     f"{l4j_ts(d)} WARN SparkConf: The configuration key 'spark.hadoop.fs.s3a.secret.key' has been set to '{sec}' which looks like a literal credential",
                     f"{l4j_ts(later(d))} ERROR SparkContext: Error initializing SparkContext.",
                     "java.nio.file.AccessDeniedException: s3a://acme-raw-eu/checkpoints: getFileStatus on s3a://acme-raw-eu/checkpoints: com.amazonaws.services.s3.model.AmazonS3Exception: Forbidden"])
    return "spark-log4j/quoted-conf-value", txt, [sec]


@reg("spark_s3a_secret_conf", "t")
def _():
    sec = aws_secret()
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} INFO SparkContext: Spark configuration:", "spark.app.name=orders_compaction",
                     "spark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
                     f"spark.hadoop.fs.s3a.secret.key={sec}", "spark.hadoop.fs.s3a.endpoint=http://minio:9000",
                     f"{l4j_ts(later(d))} ERROR Utils: Aborting task", "org.apache.hadoop.fs.s3a.AWSBadRequestException: getFileStatus on s3a://lake/bronze: 400 Bad Request"])
    return "spark-conf-dump/secret.key", txt, [sec]


@reg("spark_s3a_secret_conf", "t")
def _():
    sec = aws_secret()
    pyv = "3.10"
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/jobs/compact.py", 9, "<module>", f'spark = SparkSession.builder.config("spark.hadoop.fs.s3a.secret.key", "{sec}").getOrCreate()'),
                       "pyspark.errors.exceptions.base.PySparkRuntimeError: [JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number."],
                      msg="driver failed", logger="py4j")
    return "pyspark-traceback/builder-config-source-line", txt, [sec]


@reg("java_D_password", "d")
def _():
    pw = password(hard=2, exclude=" '\"")
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} INFO Client: Submitting application application_{R.randint(10**12, 10**13)}_{R.randint(1, 9999):04d} to ResourceManager",
                     f"{l4j_ts(d)} ERROR Client: Application diagnostics: User class threw exception; extraJavaOptions=-Dlog4j.configuration=file:log4j.properties -Ddb.password={pw} -Dfile.encoding=UTF-8",
                     "Exception in thread \"main\" org.apache.spark.SparkException: Application finished with failed status"])
    return "spark-yarn/-D<prop>=pw", txt, [pw]


@reg("java_D_password", "d")
def _():
    pw = password(hard=2, exclude=" '\"")
    cmd = ["java", f"-Djavax.net.ssl.keyStorePassword={pw}", "-Djavax.net.ssl.keyStore=/etc/etl/client.p12", "-jar", "/opt/kafka-export.jar"]
    txt = airflow_event([user_frame("events_hourly", "subprocess.run(cmd, check=True)", "export")], [cpe(cmd)])
    return "airflow-traceback/-Djavax...Password", txt, [py_inner(pw)]


@reg("java_D_password", "t")
def _():
    pw = password(hard=2, exclude=" '\"")
    d = rdt()
    txt = "\n".join([k8s_line(d, f"JAVA_TOOL_OPTIONS=-Xmx2g -Dpassword={pw}"), k8s_line(d, f"Picked up JAVA_TOOL_OPTIONS: -Xmx2g -Dpassword={pw}"),
                     k8s_line(d, "Exception in thread \"main\" java.lang.IllegalStateException: Failed to load ApplicationContext")])
    return "k8s-log/JAVA_TOOL_OPTIONS", txt, [pw]


# =================================================================== keyword-adjacent high entropy
@reg("keyword_high_entropy_secret", "d")
def _():
    s = hi_entropy()
    txt = airflow_event([user_frame("crm_sync", "token = oauth.fetch_token(TOKEN_URL, client_id=CID, client_secret=CSECRET)", "_auth")],
                        ["oauthlib.oauth2.rfc6749.errors.InvalidClientError: (invalid_client) Client authentication failed."],
                        pre=[("logging_mixin.py:188", "INFO", f"client_id='etl-crm' client_secret='{s}'")])
    return "airflow-traceback/client_secret='...'", txt, [s]


@reg("keyword_high_entropy_secret", "d")
def _():
    s = hi_entropy()
    d = rdt()
    txt = f"{py_ts(d)} ERROR weather: request rejected, apikey=\"{s}\" status=401"
    return "python-logging/apikey=\"...\"", txt, [s]


@reg("keyword_high_entropy_secret", "d")
def _():
    s = hi_entropy(32)
    txt = pylog_event([f"ValueError: invalid credential {{{s}}}"], msg="secret manager returned malformed payload")
    return "python-logging/credential-{...}", txt, [s]


@reg("keyword_high_entropy_secret", "d")
def _():
    s = hi_entropy(40)
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{logging_mixin.py:188}} WARNING - token: b'{s}' (len 40) will expire soon",
                     f"{af_ts(d, 'iso')} {{taskinstance.py:2698}} ERROR - Task failed with exception", "KeyError: 'expires_in'"])
    return "airflow-log/token:-b'...'", txt, [s]


@reg("keyword_high_entropy_secret", "t")
def _():
    s = hi_entropy()
    d = rdt()
    txt = spring_line(d, "ERROR", "c.a.ingest.Config", f"invalid api_key '{s}' for tenant 42")
    return "java-logback/api_key-'...'", txt, [s]


@reg("keyword_high_entropy_secret", "t")
def _():
    s = hi_entropy(28)
    d = rdt()
    txt = k8s_line(d, f"level=error msg=\"auth failed\" passwd={s} user=replicator")
    return "k8s-logfmt/passwd=", txt, [s]


@reg("keyword_high_entropy_secret", "t")
def _():
    s = hi_entropy(30)
    txt = pylog_event([f"pwd: \"{s}\"", "ERROR: relation \"staging.orders\" does not exist"], msg="loader settings")
    return "python-logging/pwd:-\"...\"", txt, [s]


@reg("keyvalue_case_variants", "d")
def _():
    a, b_, c = hi_entropy(32), hi_entropy(40), hi_entropy(24)
    d = rdt()
    txt = "\n".join([spring_line(d, "ERROR", "c.a.cfg.Binder", "Failed to bind properties:"),
                     f"    clientSecret={a}", f"    accessToken={b_}", f"    apiKey={c}", "    tenantId=acme"])
    return "java-logback/camelCase-key=value", txt, [a, b_, c]


@reg("keyvalue_case_variants", "d")
def _():
    a, b_ = hi_entropy(32), password(hard=2, exclude=" '\"\\")
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'iso')} {{subprocess.py:93}} INFO - + env | grep -E 'TOKEN|PASS'",
                     bash_out(d, "iso", f"API_TOKEN={a}"), bash_out(d, "iso", f"DB_PASS={b_}"),
                     bash_out(d, "iso", "./load.sh: line 12: DB_HOST: unbound variable"),
                     f"{af_ts(d, 'iso')} {{subprocess.py:97}} INFO - Command exited with return code 1"])
    return "airflow-bashoperator/UPPER_CASE=", txt, [a, b_]


@reg("keyvalue_case_variants", "d")
def _():
    a, b_ = hi_entropy(36), hi_entropy(28)
    txt = pylog_event([f"  api-token: {a}", f"  client-secret: {b_}", "  base-url: https://api.partner.io",
                       "pydantic_core._pydantic_core.ValidationError: 1 validation error for PartnerSettings"], msg="partner config (kebab-case) rejected:")
    return "python-logging/kebab-case-yaml", txt, [a, b_]


@reg("keyvalue_case_variants", "t")
def _():
    a, b_ = hi_entropy(32), hi_entropy(32)
    d = rdt()
    txt = k8s_line(d, f"msg=\"config loaded\" X-Auth-Token={a} appSecret={b_} region=eu-west-1") + "\n" + k8s_line(d, "panic: runtime error: invalid memory address or nil pointer dereference")
    return "k8s-logfmt/mixed-case-keys", txt, [a, b_]


@reg("keyvalue_case_variants", "t")
def _():
    a, b_ = hi_entropy(40), password(hard=1, exclude=" '\"\\;")
    d = rdt()
    txt = spark_lines([("WARN", "ConfigLoader", f"SECRET_KEY={a}; DB-PASSWORD={b_}; LOG_LEVEL=INFO"),
                       ("ERROR", "Main", "Exception in thread \"main\" java.lang.NullPointerException")])
    return "spark-log4j/semicolon-separated-mixed-case", txt, [a, b_]


@reg("kafka_sasl_jaas_password", "d")
def _():
    pw = password(hard=1, exclude='"\\')
    jaas = f'org.apache.kafka.common.security.plain.PlainLoginModule required username="etl-consumer" password="{pw}";'
    txt = pylog_event(["Traceback (most recent call last):",
                       frame("/jobs/stream_orders.py", 18, "<module>", f".option(\"kafka.sasl.jaas.config\", '{jaas}') \\"),
                       "pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] Query [id = " + uuid4() + ", runId = " + uuid4() + "] terminated with exception: Failed to construct kafka consumer"],
                      msg="stream failed", logger="py4j")
    return "pyspark-traceback/jaas-config-source-line", txt, [pw]


@reg("kafka_sasl_jaas_password", "d")
def _():
    pw = password(hard=1, exclude='"\\')
    d = rdt()
    txt = "\n".join([f"{l4j_ts(d)} ERROR MicroBatchExecution: Query orders_ingest [id = {uuid4()}, runId = {uuid4()}] terminated with error",
                     "org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed: Invalid username or password",
                     f"{l4j_ts(d)} INFO KafkaSourceProvider: kafka params: Map(kafka.bootstrap.servers -> b-1.msk.acme.io:9096, kafka.security.protocol -> SASL_SSL, kafka.sasl.mechanism -> SCRAM-SHA-512, kafka.sasl.jaas.config -> org.apache.kafka.common.security.scram.ScramLoginModule required username=\"spark\" password=\"{pw}\";)"])
    return "spark-log4j/kafka-params-map", txt, [pw]


@reg("kafka_sasl_jaas_password", "t")
def _():
    pw = password(hard=1, exclude='"\\')
    d = rdt()
    txt = k8s_line(d, f"KAFKA_SASL_JAAS_CONFIG=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"connect\" password=\"{pw}\";") + "\n" + \
        k8s_line(d, "[2024-05-03 02:14:07,123] ERROR [Worker clientId=connect-1, groupId=connect-cluster] Uncaught exception in herder work thread, exiting:  (org.apache.kafka.connect.runtime.distributed.DistributedHerder)")
    return "k8s-log/env-jaas", txt, [pw]


@reg("kafka_sasl_jaas_password", "t")
def _():
    key, sec = rs(UP + DIG, 16), rs(ALNUM + "+/", 64)
    conf = {"bootstrap.servers": "pkc-4r297.europe-west1.gcp.confluent.cloud:9092", "security.protocol": "SASL_SSL", "sasl.mechanisms": "PLAIN",
            "sasl.username": key, "sasl.password": sec, "group.id": "etl"}
    txt = pylog_event(["cimpl.KafkaException: KafkaError{code=_AUTHENTICATION,val=-169,str=\"SASL authentication error: Authentication failed (after 5085ms in state AUTH_REQ)\"}"],
                      msg=f"Consumer({conf}) failed")
    return "python-logging/confluent-config-dict", txt, [sec]


@reg("smtp_password", "d")
def _():
    pw = password(hard=2)
    txt = airflow_event([user_frame("hr_export", "server.login(SMTP_USER, SMTP_PASS)", "send_report"),
                         frame("/usr/local/lib/python3.11/smtplib.py", 750, "login", "raise last_exception"),
                         frame("/usr/local/lib/python3.11/smtplib.py", 739, "login", "(code, resp) = self.auth(")],
                        ["smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted. For more information, go to\\n5.7.8  https://support.google.com/mail/?p=BadCredentials')"],
                        pre=[("logging_mixin.py:188", "INFO", f"smtp login as reports@acme.io with SMTP_PASS={pw!r}")], pyv="3.11")
    return "airflow-traceback/SMTP_PASS=repr", txt, [py_inner(pw)]


@reg("smtp_password", "t")
def _():
    pw = password(hard=2, exclude=" ")
    d = rdt()
    txt = "\n".join([f"{af_ts(d, 'old')} {{configuration.py:1050}} WARNING - [smtp] smtp_password = {pw}",
                     f"{af_ts(d, 'old')} {{email.py:289}} ERROR - Failed to send email to: ['oncall@acme.io']",
                     "smtplib.SMTPServerDisconnected: Connection unexpectedly closed"])
    return "airflow-log/ini-key = value", txt, [pw]


# ========================================================================= assembly
def n_records(kind):
    d, t = len(KINDS[kind]["d"]), len(KINDS[kind]["t"])
    return min(4, max(3, d)), min(3, max(2, t))


def build():
    dev, test = [], []
    for kind in KINDS:
        nd, nt = n_records(kind)
        for split, n, out in (("d", nd, dev), ("t", nt, test)):
            fns = KINDS[kind][split]
            for i in range(n):
                fmt, text, secrets = fns[i % len(fns)]()
                seen, uniq = set(), []
                for s in secrets:
                    if s not in seen:
                        seen.add(s)
                        uniq.append(s)
                out.append({"kind": kind, "format": fmt, "text": text, "secrets": uniq})
    for prefix, rows in (("dev", dev), ("test", test)):
        for i, r in enumerate(rows):
            r_id = f"sec-{prefix}-{i:04d}"
            rows[i] = {"id": r_id, **r}
    return dev, test


def clean_split():
    src = os.path.join(HERE, "clean_source.jsonl")
    rows = [json.loads(l) for l in open(src, encoding="utf-8")]
    dev, test = [], []
    for r in rows:
        h = int(hashlib.sha256(r["source"]["repo"].encode()).hexdigest(), 16)
        (test if h % 5 < 2 else dev).append(r)
    for prefix, rs_ in (("dev", dev), ("test", test)):
        for i, r in enumerate(rs_):
            rs_[i] = {"id": f"clean-{prefix}-{i:04d}", "text": r["text"], "source": r["source"]}
    return dev, test


def write_jsonl(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    dev, test = build()
    write_jsonl("secrets_dev.jsonl", dev)
    write_jsonl("secrets_test.jsonl", test)
    cdev, ctest = clean_split()
    write_jsonl("clean_dev.jsonl", cdev)
    write_jsonl("clean_test.jsonl", ctest)
    print(f"secrets: dev={len(dev)} test={len(test)} kinds={len(KINDS)}; clean: dev={len(cdev)} test={len(ctest)}")


if __name__ == "__main__":
    main()
