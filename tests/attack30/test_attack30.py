"""Red team attack30: the fifteen library wordings added to the category rules.

Every line here is written for these tests, in the shapes the tools print.  The
category wanted is the ROOT cause's, by eval/real/diagnoses.txt.
"""

from __future__ import annotations

import pytest

from logsumd.understand import classify
from tests.events import make_event
from tests.test_category_taxonomy import java_trace, record
from tests.test_classify import py_tb


def cat(text: str) -> str:
    return classify(make_event(text)).category


# --- finding 1: "Unable to generate access token" outranks the cause it quotes --------


# The on-call engineer must see "the token endpoint is unreachable" (connection), not
# "the credentials are wrong" (auth): rotating a secret does not fix a refused socket.
def test_token_helper_quoting_connection_refused_is_connection() -> None:
    text = py_tb(
        "etl.auth.TokenError: Unable to generate access token: [Errno 111] Connection refused"
    )
    assert cat(text) == "connection"


def test_token_helper_quoting_dns_failure_is_connection() -> None:
    text = py_tb(
        "etl.auth.TokenError: Unable to generate access token: HTTPSConnectionPool("
        "host='login.microsoftonline.com', port=443): Max retries exceeded with url: "
        '/tenant/oauth2/v2.0/token (Caused by NameResolutionError("Failed to resolve '
        "'login.microsoftonline.com' ([Errno -3] Temporary failure in name resolution)\"))"
    )
    assert cat(text) == "connection"


def test_token_record_quoting_tls_failure_is_connection() -> None:
    text = record(
        "Unable to generate access token: SSLError(SSLCertVerificationError(1, '[SSL: "
        "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in "
        "certificate chain (_ssl.c:1006)'))"
    )
    assert cat(text) == "connection"


def test_token_record_quoting_503_is_http_api() -> None:
    text = record(
        "Unable to generate access token: 503 Server Error: Service Unavailable for url: "
        "https://sts.shop.example/oauth/token"
    )
    assert cat(text) == "http_api"


def test_token_record_quoting_429_is_http_api() -> None:
    text = record(
        "Unable to generate access token: 429 Client Error: Too Many Requests for url: "
        "https://login.shop.example/oauth2/token"
    )
    assert cat(text) == "http_api"


def test_token_record_quoting_unset_env_var_is_key_missing() -> None:
    text = record(
        "Unable to generate access token: environment variable AZURE_CLIENT_SECRET is not set"
    )
    assert cat(text) == "key_missing"


# impersonation refused because the caller lacks an IAM role: cloud_permission_denied
def test_token_record_quoting_iam_permission_is_permission() -> None:
    text = record(
        "Unable to generate access token; Permission 'iam.serviceAccounts.getAccessToken' "
        "denied on resource (or it may not exist)."
    )
    assert cat(text) == "permission"


def test_token_record_quoting_read_timeout_is_timeout() -> None:
    """Held: the record's embedded ``ReadTimeout`` exception is its first signal."""
    text = record(
        "Unable to generate access token: ReadTimeout: HTTPSConnectionPool(host='oauth2."
        "googleapis.com', port=443): Read timed out. (read timeout=10)"
    )
    assert cat(text) == "timeout"


def test_token_chain_with_connection_root_is_connection() -> None:
    """Held: a Python chain whose first (root) exception is the network failure."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/auth.py", line 12, in fetch\n'
        "    resp = session.post(url)\n"
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='sts', port=443): "
        "Max retries exceeded with url: /token (Caused by NewConnectionError('Failed to "
        "establish a new connection: [Errno 111] Connection refused'))\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/auth.py", line 14, in fetch\n'
        "    raise TokenError('Unable to generate access token')\n"
        "etl.auth.TokenError: Unable to generate access token\n"
    )
    assert cat(text) == "connection"


# --- finding 2: Hadoop's "ERROR IN CONTACTING RM" header outranks the chain's cause ----

RM = (
    "2031-05-06 07:08:09,101 ERROR [RMCommunicator Allocator] org.apache.hadoop.mapreduce."
    "v2.app.rm.RMContainerAllocator: ERROR IN CONTACTING RM. \n"
)


# the RM answered and rejected the AM's token: auth, not a network problem
def test_rm_header_with_invalid_amrm_token_is_auth() -> None:
    text = RM + (
        "org.apache.hadoop.ipc.RemoteException(org.apache.hadoop.security.token."
        "SecretManager$InvalidToken): Invalid AMRMToken from appattempt_1790000000000_0042_000001\n"
        "\tat org.apache.hadoop.ipc.Client.getRpcResponse(Client.java:1497)\n"
    )
    assert cat(text) == "auth"


def test_rm_header_with_oom_root_is_resource() -> None:
    """Held: a root that a strong rule names beats the header."""
    text = RM + (
        "java.lang.OutOfMemoryError: unable to create new native thread\n"
        "\tat java.lang.Thread.start0(Native Method)\n"
    )
    assert cat(text) == "resource"


# --- finding 3: "Table Not Found: " of a non-storage cloud resource ----------------------


# a DynamoDB table is a cloud resource (cloud_resource_not_found -> other), not a SQL table
def test_dynamodb_table_not_found_is_other() -> None:
    text = py_tb(
        "etl.sinks.DynamoSinkError: DynamoDB put_item failed: Table Not Found: orders_dedupe "
        "(region eu-west-1)"
    )
    assert cat(text) == "other"


# --- what held -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "text"),
    [
        # a gzip file read as text: still data_format (file_format_unrecognized)
        (
            "data_format",
            py_tb(
                "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x8b in position 1: "
                "invalid start byte"
            ),
        ),
        # a missing file beats the codec words in the same record
        (
            "file_io",
            record(
                "Load failed: 'utf-8' codec can't decode byte 0xff; FileNotFoundError: "
                "[Errno 2] No such file or directory: '/data/in/orders.csv'"
            ),
        ),
        # gunicorn's second stage after WORKER TIMEOUT is SIGKILL, not the OOM it guesses
        (
            "timeout",
            "[2031-05-06 07:08:09 +0000] [12] [CRITICAL] WORKER TIMEOUT (pid:31)\n"
            "[2031-05-06 07:08:10 +0000] [12] [ERROR] Worker (pid:31) was sent SIGKILL! "
            "Perhaps out of memory?",
        ),
        # a connection failure that quotes WORKER TIMEOUT stays connection
        (
            "connection",
            record(
                "Request failed after WORKER TIMEOUT (pid:31): psycopg2.OperationalError: "
                "could not connect to server: Connection refused"
            ),
        ),
        # a 401 behind luigi's remote-scheduler wording stays auth
        (
            "auth",
            py_tb(
                "luigi.rpc.RPCError: Errors (3 attempts) when connecting to remote scheduler "
                "'https://sched:8082': 401 Client Error: Unauthorized for url: "
                "https://sched:8082/api/ping"
            ),
        ),
        # SASL failure quoted with the Kafka leader-election wording stays auth
        (
            "auth",
            java_trace(
                "kafka.common.StateChangeFailedException: Failed to elect leader for "
                "partition sales-0; SaslAuthenticationException: Authentication failed "
                "during authentication due to invalid credentials with SASL mechanism "
                "SCRAM-SHA-512"
            ),
        ),
        # an IAM denial beside "Table Not Found" stays permission
        (
            "permission",
            java_trace(
                "java.lang.RuntimeException: Table Not Found: sales.daily_orders (User: "
                "arn:aws:iam::123456789012:role/etl is not authorized to perform: "
                "glue:GetTable)"
            ),
        ),
        # the s3n connector missing beats the AWS-keys wording
        (
            "cloud_storage",
            java_trace(
                "org.apache.hadoop.fs.UnsupportedFileSystemException: No FileSystem for "
                'scheme "s3n"; AWS Access Key ID and Secret Access Key must be specified'
            ),
        ),
        # the S3 SDK's short read that names a socket timeout stays cloud_storage
        (
            "cloud_storage",
            java_trace(
                "com.amazonaws.SdkClientException: Data read has a different length than "
                "the expected: dataLength=0; expectedLength=4096 "
                "(java.net.SocketTimeoutException: Read timed out)"
            ),
        ),
    ],
)
def test_held(category: str, text: str) -> None:
    """The new wordings do not take these events from their root cause's category."""
    assert cat(text) == category
