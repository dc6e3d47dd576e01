"""Red team attack18: the commits 7befdeb..72fc38b (about 70 catalogue entries, a SIGTERM's
reason from the lines before, a traceback header after a progress bar, YARN's memory kill
at WARN).  Log lines are written here in the shapes the tools print.  Each test failed on
72fc38b (xfail strict, seen failing with --runxfail) and passes once the finding is fixed;
FINDINGS.md lists them."""

from __future__ import annotations

import pytest

from logsumd.records import Event
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import catalogue_summary, examine
from logsumd.understand import Redactor, understand
from tests.events import make_event
from tests.log_lines import around
from tests.test_multiline_rules import run, spans

CATALOGUE = load_catalogue()


def _best(event: Event) -> tuple[str, str]:
    """The best entry's id and the summary it writes for ``event`` ("" when none)."""
    clean, cls, _ = understand(event, Redactor())
    findings = examine(clean, cls, CATALOGUE)
    if not findings.candidates:
        return "", ""
    best = findings.candidates[0]
    return best.id, catalogue_summary(findings, best, "rules").text


def _diagnose(text: str, context: tuple[str, ...] = ()) -> tuple[str, str]:
    """The best entry's id and summary for an event of ``text``."""
    return _best(make_event(text, context))


AIRFLOW = (
    "[2031-05-06T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
)


def _py_task(*frames_and_exception: str) -> str:
    """An Airflow task's traceback: the frames, then the exception line."""
    return AIRFLOW + "\n".join(frames_and_exception) + "\n"


# -- 1. catalogue entries that fire where they are wrong ---------------------------------

_RELAY = "[2031-05-06T02:14:05.{ms:03d}+0000] {{spark_submit.py:490}} INFO - {msg}"
_SPARK_SUBMIT = "\n".join(
    [
        _RELAY.format(ms=101, msg="Traceback (most recent call last):"),
        _RELAY.format(ms=102, msg='  File "/opt/etl/jobs/daily.py", line 21, in <module>'),
        _RELAY.format(ms=103, msg="    df = spark.read.parquet(src)"),
        _RELAY.format(
            ms=104,
            msg="pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path does"
            " not exist: hdfs://nn:8020/data/in/2031-05-06.",
        ),
        _RELAY.format(ms=301, msg="31/05/06 02:14:05 INFO SparkContext: Successfully stopped"),
        _RELAY.format(
            ms=302, msg="31/05/06 02:14:05 INFO ShutdownHookManager: Shutdown hook called"
        ),
        _RELAY.format(
            ms=303,
            msg="31/05/06 02:14:05 ERROR ShutdownHookManager: Exception while deleting Spark temp"
            " dir: /tmp/spark-3f1c9a7e",
        ),
        _RELAY.format(ms=304, msg="java.io.IOException: Failed to delete: /tmp/spark-3f1c9a7e"),
        "[2031-05-06T02:14:05.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/providers/apache/spark/'
        'hooks/spark_submit.py", line 501, in submit',
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Cannot execute: spark-submit --master yarn --name"
        " daily /opt/etl/jobs/daily.py. Error code is: 1.",
    ]
)


def test_a_spark_jobs_failure_is_not_hidden_by_its_temp_dir_cleanup() -> None:
    """A spark-submit whose job failed on a missing path, then complained while deleting its
    temp dir at exit, is diagnosed by the missing path, not called harmless."""
    events = run(_SPARK_SUBMIT)
    entry, summary = _best(events[0])
    assert entry != "spark_temp_dir_cleanup_failed", summary
    assert "harmless" not in summary
    assert "hdfs://nn:8020/data/in/2031-05-06" in summary


def test_a_producers_corrupt_record_is_not_called_a_corrupt_segment_on_disk() -> None:
    """Kafka returns CorruptRecordException to a producer that sends a null key to a compacted
    topic: the alert must not tell on-call to move broker log segments aside."""
    text = (
        "2031-05-06 02:14:07,311 ERROR [orders-src|task-0] WorkerSourceTask{id=orders-src-0}"
        " failed to send record to customers-compacted: "
        " (org.apache.kafka.connect.runtime.AbstractWorkerSourceTask:370)\n"
        "org.apache.kafka.common.errors.CorruptRecordException: This message has failed its CRC"
        " checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise"
        " corrupt.\n"
    )
    _, summary = _diagnose(text)
    assert "on disk" not in summary, summary
    assert "move it aside" not in summary


def test_a_thousands_separator_is_not_called_a_decimal_comma() -> None:
    """'12,500' is twelve thousand five hundred as often as twelve and a half: advising
    decimal=',' would load it as 12.5 without a word."""
    text = _py_task(
        '  File "/opt/etl/dags/load.py", line 12, in run',
        "    df['amount'] = df['amount'].astype(float)",
        "ValueError: could not convert string to float: '12,500'",
    )
    _, summary = _diagnose(text)
    assert "decimal=','" not in summary, summary
    assert "uses a decimal comma" not in summary


def test_a_truncated_compressed_input_is_not_called_cut_off_sql() -> None:
    """Hadoop's DecompressorStream says "Unexpected end of input stream" on a truncated .gz:
    no SQL is involved."""
    text = (
        "24/06/01 04:27:18 ERROR Executor: Exception in task 3.0 in stage 1.0 (TID 7)\n"
        "java.io.EOFException: Unexpected end of input stream\n"
        "\tat org.apache.hadoop.io.compress.DecompressorStream.decompress("
        "DecompressorStream.java:165)\n"
        "\tat org.apache.hadoop.io.compress.DecompressorStream.read(DecompressorStream.java:105)\n"
        "\tat org.apache.hadoop.util.LineReader.fillBuffer(LineReader.java:182)\n"
    )
    _, summary = _diagnose(text)
    assert "SQL" not in summary, summary


@pytest.mark.parametrize("fn", ["to_date", "json_array_length"])
def test_a_function_without_a_text_overload_is_not_told_to_cast_to_numeric(fn: str) -> None:
    """PostgreSQL's ``function to_date(text) does not exist`` is a missing second argument,
    ``json_array_length(text)`` wants json: neither "needs a number"."""
    text = _py_task(
        '  File "/opt/etl/dags/load.py", line 12, in run',
        "    cur.execute(sql)",
        f"psycopg2.errors.UndefinedFunction: function {fn}(text) does not exist",
    )
    _, summary = _diagnose(text)
    assert "needs a number" not in summary, summary
    assert "numeric" not in summary


def test_a_script_at_the_root_is_not_blamed_on_an_empty_folder() -> None:
    """Docker images keep their entrypoint at ``/entrypoint.sh``: permission denied running
    it is its mode (7befdeb said so), not a path whose folder part came out empty."""
    text = _py_task(
        '  File "/opt/etl/dags/run_setup.py", line 18, in bootstrap',
        '    subprocess.run(["/entrypoint.sh", "migrate"], check=True)',
        '  File "/usr/local/lib/python3.11/subprocess.py", line 1026, in _execute_child',
        "    raise child_exception_type(errno_num, err_msg, err_filename)",
        "PermissionError: [Errno 13] Permission denied: '/entrypoint.sh'",
    )
    _, summary = _diagnose(text)
    assert "folder part is empty" not in summary, summary


def test_a_server_that_answered_is_not_called_unreachable_from_the_container() -> None:
    """PostgreSQL on host.docker.internal answered (FATAL: too many connections): the host
    was reached, so "may not reach the host from this container" is wrong."""
    text = _py_task(
        '  File "/opt/etl/dags/load.py", line 12, in run',
        "    conn = psycopg2.connect(dsn)",
        'psycopg2.OperationalError: connection to server at "host.docker.internal"'
        ' (192.168.65.254), port 5432 failed: FATAL:  too many connections for role "etl"',
    )
    _, summary = _diagnose(text)
    assert "may not reach the host" not in summary, summary


def test_a_latin1_http_header_is_not_told_to_set_pythonioencoding() -> None:
    """http.client encodes headers in latin-1: a token with an ellipsis fails there, and
    PYTHONIOENCODING or opening "the output" in utf8 changes nothing."""
    text = _py_task(
        '  File "/opt/etl/dags/push.py", line 41, in notify',
        '    requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)',
        '  File "/usr/local/lib/python3.11/http/client.py", line 1281, in putheader',
        "    values[i] = one_value.encode('latin-1')",
        "UnicodeEncodeError: 'latin-1' codec can't encode character '\\u2026' in position 30:"
        " ordinal not in range(256)",
    )
    _, summary = _diagnose(text)
    assert "PYTHONIOENCODING" not in summary, summary


def test_a_missing_extension_type_is_not_called_another_databases_ddl() -> None:
    """``type "geometry" does not exist`` is PostGIS not installed in that database: the
    alert must not say PostgreSQL has no such type nor point at another database's DDL."""
    text = _py_task(
        '  File "/opt/etl/dags/load.py", line 12, in run',
        "    cur.execute(ddl)",
        'psycopg2.errors.UndefinedObject: type "geometry" does not exist',
    )
    _, summary = _diagnose(text)
    assert "another database" not in summary, summary


def test_a_python_syntax_error_is_not_called_a_macro_or_test() -> None:
    """CPython 3.11 says "non-default argument follows default argument" for a DAG file's
    own function: the alert must not speak of a macro or test."""
    text = (
        "[2031-05-06T02:14:07.311+0000] {dagbag.py:351} ERROR - Failed to import:"
        " /opt/airflow/dags/etl_orders.py\n"
        "Traceback (most recent call last):\n"
        '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/dagbag.py",'
        " line 347, in parse\n"
        "    loader.exec_module(new_module)\n"
        '  File "<frozen importlib._bootstrap_external>", line 1074, in get_code\n'
        '  File "/opt/airflow/dags/etl_orders.py", line 14\n'
        "    def load_orders(day=None, table):\n"
        "                              ^^^^^\n"
        "SyntaxError: non-default argument follows default argument\n"
    )
    _, summary = _diagnose(text)
    assert "macro" not in summary, summary


def test_a_request_just_over_the_limit_is_not_called_non_kafka_traffic() -> None:
    """120 MB against socket.request.max.bytes 100 MB is a producer with a raised
    max.request.size; non-Kafka traffic shows sizes like 1195725856 ("GET ")."""
    text = (
        "[2031-05-06 02:14:07,311] WARN [SocketServer listenerType=ZK_BROKER, nodeId=1]"
        " Unexpected error from /10.0.4.17 (channelId=10.0.4.3:9092-10.0.4.17:51234-7);"
        " closing connection (org.apache.kafka.common.network.Selector)\n"
        "org.apache.kafka.common.network.InvalidReceiveException: Invalid receive"
        " (size = 125829120 larger than 104857600)\n"
        "\tat org.apache.kafka.common.network.NetworkReceive.readFrom(NetworkReceive.java:105)\n"
    )
    _, summary = _diagnose(text)
    assert "does not speak Kafka" not in summary, summary


# -- 2. a SIGTERM's reason from the lines before -----------------------------------------

_SIGTERM = (
    "[2031-05-06T02:14:07.311+0000] {taskinstance.py:1630} ERROR - Received SIGTERM."
    " Terminating subprocesses.\n"
    + AIRFLOW
    + '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py",'
    " line 1632, in signal_handler\n"
    '    raise AirflowException("Task received SIGTERM signal")\n'
    "airflow.exceptions.AirflowException: Task received SIGTERM signal\n"
)


def test_a_sigterm_does_not_take_the_reason_of_an_earlier_attempt() -> None:
    """The runner's reason before "Starting attempt 2 of 3" belongs to attempt 1: attempt 2's
    SIGTERM must not be blamed on a state set from outside an hour before."""
    context = (
        "[2031-05-06T01:10:02.300+0000] {local_task_job_runner.py:294} WARNING - State of this"
        " instance has been externally set to up_for_retry. Terminating instance.",
        "[2031-05-06T01:10:02.301+0000] {process_utils.py:131} INFO - Sending 15 to group 1388.",
        "[2031-05-06T01:10:02.420+0000] {taskinstance.py:1400} INFO - Marking task as"
        " UP_FOR_RETRY. dag_id=etl, task_id=load, execution_date=20310506T000000",
        "[2031-05-06T02:14:01.100+0000] {taskinstance.py:1308} INFO - Starting attempt 2 of 3",
        "[2031-05-06T02:14:01.120+0000] {taskinstance.py:1327} INFO - Executing"
        " <Task(BashOperator): load> on 2031-05-06 00:00:00+00:00",
        "[2031-05-06T02:14:07.301+0000] {process_utils.py:131} INFO - Sending 15 to group 2211.",
    )
    _, summary = _diagnose(_SIGTERM, context)
    assert "up_for_retry" not in summary, summary


def test_the_headline_does_not_put_the_runners_words_in_the_exceptions_mouth() -> None:
    """The AirflowException says "Task received SIGTERM signal"; the reason is a WARNING of
    local_task_job_runner.  The headline must not quote it as the exception's message."""
    context = (
        "[2031-05-06T02:14:07.300+0000] {local_task_job_runner.py:294} WARNING - State of this"
        " instance has been externally set to failed. Terminating instance.",
        "[2031-05-06T02:14:07.301+0000] {process_utils.py:131} INFO - Sending 15 to group 1388.",
    )
    _, summary = _diagnose(_SIGTERM, context)
    assert "AirflowException: State of this instance" not in summary, summary


# -- 3. a traceback header after a progress bar -------------------------------------------

_PAPERMILL = "\n".join(
    [
        "[2031-05-06T02:14:07.534+0000] {subprocess.py:93} INFO - Output Notebook:"
        " /opt/nb/out.ipynb",
        "[2031-05-06T02:14:07.649+0000] {subprocess.py:93} INFO - Executing:   0%|          | 0/57"
        " [00:00<?, ?cell/s]Traceback (most recent call last):",
        '[2031-05-06T02:14:07.649+0000] {subprocess.py:93} INFO -   File "/home/airflow/.local/bin/'
        'papermill", line 8, in <module>',
        "[2031-05-06T02:14:07.650+0000] {subprocess.py:93} INFO -     sys.exit(papermill())",
        "[2031-05-06T02:14:07.672+0000] {subprocess.py:93} INFO - PermissionError: [Errno 13]"
        " Permission denied: '/opt/nb/out.ipynb'",
        "[2031-05-06T02:14:07.816+0000] {subprocess.py:93} INFO - Executing:   0%|          | 0/57"
        " [00:00<?, ?cell/s]",
        "[2031-05-06T02:14:07.817+0000] {subprocess.py:97} INFO - Command exited with return"
        " code 1",
    ]
)


_BASH_FAILED = "\n".join(
    [
        "[2031-05-06T02:14:07.836+0000] {taskinstance.py:1943} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        '  File "/home/airflow/.local/lib/python3.8/site-packages/airflow/operators/bash.py",'
        " line 210, in execute",
        "    raise AirflowException(",
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a"
        " non-zero exit code 1.",
    ]
)


def test_the_progress_bars_last_redraw_is_not_quoted_as_the_error() -> None:
    """tqdm redraws its bar once more as papermill exits: the BashOperator's alert quotes the
    PermissionError papermill printed (7befdeb did), not the bar after it."""
    events = run(_PAPERMILL + "\n" + _BASH_FAILED)
    entry, summary = _best(events[-1])
    assert entry == "file_permission_denied"
    assert "cell/s" not in summary, summary


# -- 4. YARN's memory kill at WARN -------------------------------------------------------


def test_hadoop_3s_memory_kill_at_warn_is_an_event() -> None:
    """Hadoop 3 writes "is running 94359552B beyond the 'PHYSICAL' memory limit" (%S of
    the type): the same kill as Hadoop 2's wording, so the same event."""
    line = (
        "24/06/01 04:27:18 WARN yarn.YarnAllocator: Container marked as failed:"
        " container_e14_1594895045814_0002_01_000067 on host: w-3. Exit status: -104."
        " Diagnostics: [2024-06-01 04:27:18.730]Container [pid=30502,containerID="
        "container_e14_1594895045814_0002_01_000067] is running 94359552B beyond the"
        " 'PHYSICAL' memory limit. Current usage: 1.1 GB of 1 GB physical memory used; 4.7 GB"
        " of 2.1 GB virtual memory used. Killing container."
    )
    assert spans(run(around(line))) == [(2, 2, "generic")]
