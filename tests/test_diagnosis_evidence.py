"""What the catalogue reads besides the message: HTTP statuses and the project's own modules."""

from __future__ import annotations

import pytest

from logsumd.config import ConfigError, Diagnosis, DiagnosisMatch, load_diagnoses_text
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Catalogue, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event

AIRFLOW = (
    "[2031-05-06T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
)
TB = "Traceback (most recent call last):\n"
FRAME = '  File "{path}", line {n}, in {fn}\n    x\n'
SITE = "/home/airflow/.local/lib/python3.11/site-packages"


def _best(text: str, catalogue: Catalogue | None = None) -> list[str]:
    event = make_event(text)
    findings = examine(event, classify(event), catalogue or load_catalogue())
    return [f"{c.id}|{c.cause}|{c.next_step}" for c in distinct(findings.candidates)]


def test_an_http_status_rules_out_an_unreachable_host() -> None:
    """A connection entry does not fire when the server answered with an HTTP status."""
    refused = Diagnosis(
        id="api_unreachable",
        category="connection",
        match=DiagnosisMatch(message=r"Failed to connect to (?P<host>\S+)"),
        cause="{host} is unreachable",
        next_step="check the network route to {host}",
    )
    catalogue = Catalogue([refused])
    answered = (
        "2031-05-06 02:14:07,311 ERROR sync - Failed to connect to https://api.tidepool.io/v2/"
        "orders: 401 Client Error: Unauthorized for url: https://api.tidepool.io/v2/orders\n"
    )
    silent = "2031-05-06 02:14:07,311 ERROR sync - Failed to connect to api.tidepool.io:443\n"
    assert _best(answered, catalogue) == []
    assert [c.split("|")[0] for c in _best(silent, catalogue)] == ["api_unreachable"]


def test_rejected_credentials_are_not_an_unreachable_server() -> None:
    """'Could not connect' with a rejected token or password is an auth failure."""
    token = (
        "2031-05-06 02:14:07,311 ERROR warehouse - Could not connect to the lakehouse "
        "endpoint lh-prod-17: invalid access token, request a new one\n"
    )
    password = (
        "2031-05-06 02:14:07,311 ERROR loader - unable to connect to database: FATAL:  "
        'password authentication failed for user "kiwi_loader"\n'
    )
    unreachable = Diagnosis(
        id="service_unreachable",
        category="connection",
        match=DiagnosisMatch(message=r"(?i)(?:could not|unable to) connect"),
        cause="the service is down or unreachable",
        next_step="check the service is up",
    )
    catalogue = Catalogue([unreachable])
    assert _best(token, catalogue) == []
    assert _best(password, catalogue) == []
    assert _best(token.replace("invalid access token", "no route to host"), catalogue)
    assert [c.split("|")[0] for c in _best(token)][:1] == ["api_auth_failed"], _best(token)
    assert [c.split("|")[0] for c in _best(password)][:1] == ["db_auth_failed"], _best(password)


def test_shipped_catalogue_reads_the_status_before_the_connection_words() -> None:
    """A 401/404/429/503 behind connection wording gets the status's diagnosis."""
    cases = {
        "401 Client Error: Unauthorized": "api_auth_failed",
        "404 Client Error: Not Found": "http_not_found",
        "429 Client Error: Too Many Requests": "http_rate_limited",
        "503 Server Error: Service Unavailable": "http_server_error",
    }
    for status, expected in cases.items():
        text = (
            AIRFLOW + TB
            + FRAME.format(path="/opt/etl/dags/tidepool.py", n=41, fn="pull_orders")
            + FRAME.format(path=f"{SITE}/requests/models.py", n=1021, fn="raise_for_status")
            + "requests.exceptions.ConnectionError: could not connect to the orders API: "
            + f"{status} for url: https://api.tidepool.io/v2/orders\n"
        )  # fmt: skip
        assert [c.split("|")[0] for c in _best(text)][:1] == [expected], status


def test_the_status_alone_decides_whatever_the_client_prints() -> None:
    """Status forms of aiohttp, googleapiclient and plain requests get the status's diagnosis."""
    cases = {
        "aiohttp.client_exceptions.ClientResponseError: 401, message='Unauthorized', "
        "url=URL('https://api.wombat.dev/v3/feeds')": "api_auth_failed",
        "googleapiclient.errors.HttpError: <HttpError 403 when requesting "
        'https://sheets.googleapis.com/v4/spreadsheets/1xK?alt=json returned "The caller '
        'does not have permission">': "http_forbidden",
        "googleapiclient.errors.HttpError: <HttpError 404 when requesting "
        'https://sheets.googleapis.com/v4/spreadsheets/1xK?alt=json returned "Requested '
        'entity was not found.">': "http_not_found",
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.wombat.dev', "
        "port=443): Max retries exceeded with url: /v3/feeds (Caused by "
        "ResponseError('too many 502 error responses'))": "http_server_error",
    }
    for line, expected in cases.items():
        best = _best(f"2031-05-06 02:14:07,311 ERROR feeds - {line}\n")
        assert best, line
        assert best[0].split("|")[0] == expected, best[0]


def test_a_missing_own_package_is_an_import_path_problem() -> None:
    """``No module named`` the project's own package points at PYTHONPATH, not pip install."""
    own = (
        TB
        + FRAME.format(path="/srv/pipelines/kiwi_etl/jobs/load_orders.py", n=4, fn="<module>")
        + "ModuleNotFoundError: No module named 'kiwi_etl'\n"
    )
    layout = (
        TB
        + FRAME.format(path="/app/pipeline/run.py", n=2, fn="<module>")
        + "ModuleNotFoundError: No module named 'src.transforms'\n"
    )
    third_party = (
        TB
        + FRAME.format(path="/srv/pipelines/kiwi_etl/jobs/load_orders.py", n=4, fn="<module>")
        + "ModuleNotFoundError: No module named 'quokka_sync'\n"
    )
    for text in (own, layout):
        best = _best(text)[0]
        assert best.startswith("python_module_missing|"), best
        assert "PYTHONPATH" in best, best
        assert "install" not in best, best
    assert "install" in _best(third_party)[0]


def test_module_condition_needs_a_module_group() -> None:
    """``match.module`` without a ``module`` group in the message is an error at file:line."""
    text = (
        "diagnoses:\n"
        "  - id: own_code\n"
        "    category: dependency\n"
        "    match:\n"
        "      message: 'No module named (?P<name>\\w+)'\n"
        "      module: own\n"
        "    cause: '{name} is ours'\n"
        "    next_step: 'fix PYTHONPATH'\n"
    )
    with pytest.raises(ConfigError, match=r"mine\.yaml:\d+: .*match\.module.*module"):
        load_diagnoses_text(text, "mine.yaml")
    good = load_diagnoses_text(
        text.replace("?P<name>", "?P<module>").replace("{name}", "{module}"), "mine.yaml"
    )
    assert good[0].match.module == "own"


def test_a_missing_folder_on_write_is_not_a_missing_input() -> None:
    """FileNotFoundError from a line that opens for writing: the output folder is missing."""
    trace = (
        AIRFLOW + TB
        + FRAME.format(path="/opt/etl/dags/wallaby.py", n=52, fn="export_report")
        .replace("    x\n", "    CODE\n")
        + "FileNotFoundError: [Errno 2] No such file or directory: '/data/out/wallaby/2031.json'\n"
    )  # fmt: skip
    writes = trace.replace("CODE", 'with open(report_path, "w", encoding="utf-8") as fh:')
    reads = trace.replace("CODE", "with open(report_path) as fh:")
    assert _best(writes)[0].startswith("output_dir_create_failed|"), _best(writes)
    assert _best(reads)[0].startswith("input_file_missing|"), _best(reads)


def test_kafka_connects_framework_error_is_no_refused_connection() -> None:
    """Kafka Connect's ``ConnectException`` shares java.net's short name; a record too
    large under it is not a service refusing connections."""
    text = (
        "[2031-05-06 02:14:07,311] ERROR [file-source|task-0] WorkerSourceTask{id=file-source-0}"
        " Task threw an uncaught and unrecoverable exception\n"
        "org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception from "
        "producer send callback\n"
        "\tat org.apache.kafka.connect.runtime.WorkerSourceTask.run(WorkerSourceTask.java:340)\n"
        "Caused by: org.apache.kafka.common.errors.RecordTooLargeException: The message is 1168724"
        " bytes when serialized which is larger than 1048576\n"
    )
    assert not any(c.startswith("db_unreachable_refused|") for c in _best(text))
    refused = (
        "2031-05-06 02:14:07,311 ERROR loader - load failed\n"
        "java.net.ConnectException: Connection timed out (Connection timed out)\n"
        "\tat java.net.PlainSocketImpl.socketConnect(Native Method)\n"
    )
    assert _best(refused)


def test_a_failed_command_is_diagnosed_by_its_own_output() -> None:
    """``Bash command failed ... exit code 127`` says only that the command failed; the
    shell's line before it names the program (in the shell's own language too), and a
    task stopped by SIGTERM keeps its own diagnosis whatever the command printed."""
    src = "[2031-05-06T02:14:07.311+0000] {subprocess.py:93} INFO - "
    failed = (
        f"{AIRFLOW}{TB}"
        f'  File "{SITE}/airflow/operators/bash.py", line 196, in execute\n'
        "    raise AirflowException(\n"
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a "
        "non-zero exit code 127.\n"
    )

    def best(line: str, text: str = failed) -> str:
        event = make_event(text, (src + line, src.replace("93", "97") + "Command exited"))
        findings = examine(event, classify(event), load_catalogue())
        top = distinct(findings.candidates)[0]
        return f"{top.id}|{top.cause}"

    assert best("/usr/bin/bash: line 1: dbt: command not found") == (
        "binary_not_found|program dbt is not installed or not on the PATH"
    )
    french = "/usr/bin/bash: ligne 1: /usr/bin/logstash: Aucun fichier ou dossier de ce type"
    assert best(french).endswith("program /usr/bin/logstash is not installed or not on the PATH")
    killed = failed.replace(
        "Bash command failed. The command returned a non-zero exit code 127.",
        "Task received SIGTERM signal",
    )
    assert best("/usr/bin/bash: line 1: dbt: command not found", killed).startswith(
        "task_killed_sigterm|"
    )
