"""What failed, when the event has no user frame: the task its log file names, the
exception a record names, the logger that reported it."""

from __future__ import annotations

from dataclasses import replace

from logsumd.summarize.diagnose import examine, rules_summary
from logsumd.summarize.subject import subject_of
from logsumd.understand import classify
from tests.events import make_event

BARE_TASK_ERROR = (
    "[2031-05-06T02:14:07.311+0000] {subprocess.py:93} INFO - curl: (6) Could not resolve host\n"
    "[2031-05-06T02:14:07.412+0000] {taskinstance.py:1937} ERROR - Task failed with exception\n"
    "airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero "
    "exit code 6."
)


def _head(
    event_text: str, path: str = "/var/log/etl/job.log", context: tuple[str, ...] = ()
) -> str:
    event = replace(make_event(event_text, context), path=path)
    return rules_summary(examine(event, classify(event), None)).text.split("\n")[0]


def test_airflow_2_log_path_names_the_task() -> None:
    """Airflow 2 writes one file per try under ``task_id=<task>``: that task failed."""
    path = (
        "/opt/airflow/logs/dag_id=kiwi_daily/run_id=scheduled__2031-05-05T00:00:00+00:00"
        "/task_id=fetch_orders/attempt=2.log"
    )
    assert _head(BARE_TASK_ERROR, path).startswith("task fetch_orders failed: ")


def test_airflow_1_log_path_names_the_task() -> None:
    """Airflow 1 writes ``<dag>/<task>/<execution date>/<try>.log``."""
    path = "/usr/local/airflow/logs/kiwi_daily/fetch_orders/2031-05-05T00:00:00+00:00/1.log"
    assert _head(BARE_TASK_ERROR, path).startswith("task fetch_orders failed: ")


def test_other_paths_name_no_task() -> None:
    """A date folder alone is not an Airflow layout's task (``logs/2031-05-05/etl.log``)."""
    assert not _head(BARE_TASK_ERROR, "/var/log/etl/2031-05-05T00:00:00/1/etl.log").startswith(
        "task "
    )
    assert not _head(BARE_TASK_ERROR).startswith("task ")


def test_task_named_in_the_lines_before_the_event() -> None:
    """Airflow's ``Executing <Task(...): name>`` before the failure names the task."""
    context = (
        "[2031-05-06T02:14:01.001+0000] {taskinstance.py:1308} INFO - Executing "
        "<Task(BashOperator): fetch_orders> on 2031-05-05 00:00:00+00:00",
    )
    assert _head(BARE_TASK_ERROR, context=context).startswith("task fetch_orders failed: ")


def test_record_that_names_an_exception_gives_its_type() -> None:
    """``ERROR - Sending failed: KafkaTimeoutError: ...`` has a root exception; the logger
    names what failed."""
    text = (
        "2031-04-28 09:07:58,570 - orders.producer - ERROR - Error sending data to Kafka: "
        "KafkaTimeoutError: Failed to update metadata after 60.0 secs."
    )
    event = make_event(text)
    subject = subject_of(event, classify(event))
    assert (subject.exception, subject.logger) == ("KafkaTimeoutError", "producer")
    assert _head(text) == (
        "producer failed: KafkaTimeoutError: Failed to update metadata after 60.0 secs"
    )


def test_plain_record_names_its_logger_not_a_level_or_main() -> None:
    """A record without an exception: its logger (short name) failed; ``__main__``,
    ``root`` and a source-file position are no name."""
    text = (
        "2031-03-04 17:17:22,535 - app.ingestion.api_client - ERROR - Request error occurred: "
        "HTTPSConnectionPool(host='api.example.org', port=443): Read timed out. (read timeout=10)"
    )
    event = make_event(text)
    subject = subject_of(event, classify(event))
    assert (subject.exception, subject.logger) == ("", "api_client")
    assert _head(text).startswith("api_client failed: Request error occurred:")
    for logger in ("__main__", "root"):
        assert _head(text.replace("app.ingestion.api_client", logger)).startswith("Request error")
    bare = "[2031-03-04 17:17:22,535] {client.py:88} ERROR - Request error occurred: timed out"
    assert _head(bare).startswith("Request error occurred")


def test_a_frame_beats_the_logger() -> None:
    """The user's frame, when there is one, is what failed; the logger is not named."""
    text = (
        "2031-03-04 17:17:22,535 - app.loader - ERROR - load failed\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/load.py", line 9, in push\n'
        "    cur.execute(sql)\n"
        'psycopg2.errors.UndefinedTable: relation "mart.kiwi" does not exist\n'
    )
    event = make_event(text)
    subject = subject_of(event, classify(event))
    assert (subject.function, subject.logger) == ("push", "")


def test_kafka_broker_frames_are_library_code() -> None:
    """The Kafka broker's own Scala classes (``kafka.log.LogManager``) are not the user's."""
    text = (
        "[2031-05-06 02:14:07,311] ERROR Failed to start the broker (kafka.server.KafkaServer)\n"
        "org.apache.kafka.common.KafkaException: Failed to acquire lock on file .lock in"
        " /var/lib/kafka/data\n"
        "\tat kafka.log.LogManager.lockLogDirs(LogManager.scala:266)\n"
        "\tat kafka.server.KafkaServer.startup(KafkaServer.scala:254)\n"
    )
    event = make_event(text)
    assert (
        subject_of(event, classify(event)).file,
        subject_of(event, classify(event)).function,
    ) == ("", "")


def test_advice_of_an_unknown_kind_points_at_what_the_event_shows() -> None:
    """Without a diagnosis, an error of no known kind is sent to the user's frame, or, for
    the job's own error message, to the code that logs it."""
    framed = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/load.py", line 40, in push\n'
        "    post(rows)\n"
        "kiwi.errors.PushError: upstream said no\n"
    )
    assert "Next: Start at load.py:40 and check the values it received." in _summary(framed)
    record = "2031-03-04 17:17:22,535 - etl.glpi - ERROR - Credenciais do GLPI não encontradas"
    assert "Next: Find where the job's code logs this message" in _summary(record)
    unnamed = "2031-03-04 17:17:22,535 - ERROR - Credenciais do GLPI não encontradas"
    assert "Next: Check the input and settings of the step" in _summary(unnamed)


def _summary(text: str) -> str:
    event = make_event(text)
    return rules_summary(examine(event, classify(event), None)).text


def test_generic_advice_fits_the_language_and_the_failure() -> None:
    """Without a diagnosis, a missing JVM class gets classpath advice (not PYTHONPATH),
    and a port in use gets port advice (not memory and disk)."""
    java = (
        'Exception in thread "main" java.lang.NoClassDefFoundError: org/acme/kiwi/Codec\n'
        "\tat org.apache.spark.deploy.SparkSubmit.main(SparkSubmit.scala:1046)\n"
    )
    text = _summary(java)
    assert "classpath" in text
    assert "PYTHONPATH" not in text
    python = (
        'Traceback (most recent call last):\n  File "/srv/etl/a.py", line 1, in <module>\n'
        "    import kiwi_codec\nModuleNotFoundError: No module named 'kiwi_codec'\n"
    )
    assert "classpath" not in _summary(python)
    port = (
        "2031-03-04 17:17:22,535 - ERROR - connection to ('::', 8793) failed: [Errno 98]"
        " Address already in use"
    )
    assert classify(make_event(port)).category == "resource"
    assert "port" in _summary(port)
    assert "memory" not in _summary(port)


def test_generic_advice_for_a_missing_program_and_a_missing_key() -> None:
    """A program that is not installed gets install advice (not PYTHONPATH); a KeyError
    on data gets keys-and-columns advice (not 'define the env var')."""
    program = "/bin/bash: line 1: dbt: command not found"
    assert classify(make_event(program)).category == "dependency"
    assert "PATH" in _summary(program)
    assert "PYTHONPATH" not in _summary(program)
    key = (
        "Traceback (most recent call last):\n"
        '  File "/srv/etl/clean.py", line 4, in clean\n'
        "    df['kiwi_id']\n"
        "KeyError: 'kiwi_id'\n"
    )
    assert classify(make_event(key)).category == "key_missing"
    assert (
        "keys or columns"
        in rules_summary(examine(make_event(key), classify(make_event(key)), None)).text
    )


def test_the_rules_backend_gives_classpath_advice_for_a_jvm_class() -> None:
    """The rules backend (no catalogue) also fits its dependency advice to the JVM."""
    from logsumd.summarize.rule_summary import rule_summary

    java = (
        'Exception in thread "main" java.lang.ClassNotFoundException: org.acme.kiwi.Codec\n'
        "\tat java.net.URLClassLoader.findClass(URLClassLoader.java:387)\n"
    )
    event = make_event(java)
    text = rule_summary(event, classify(event))
    assert "classpath" in text
    assert "PYTHONPATH" not in text


def test_record_naming_an_exception_repr_gives_the_innermost_type() -> None:
    """requests' ``('Connection aborted.', ConnectionResetError(54, ...))`` and urllib3's
    ``(Caused by ConnectTimeoutError(<...>, ...))`` print the exception as its repr, and
    ``Unexpected error: KafkaTimeoutError`` its bare name: that type (the innermost one) is
    the record's root."""
    reset = (
        "2031-04-01 01:31:45,206 - nba.etl - ERROR - Error processing stats for game 7: "
        "('Connection aborted.', ConnectionResetError(54, 'Connection reset by peer'))"
    )
    timeout = (
        "2031-04-01 01:00:21,438 - nba.etl - ERROR - Error processing stats for game 9: "
        "HTTPSConnectionPool(host='stats.example.org', port=443): Max retries exceeded with "
        "url: /boxscore (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection "
        "object at 0x10738b250>, 'Connection to stats.example.org timed out.'))"
    )
    bare = "2031-04-01 01:00:21,438 - __main__ - ERROR - Unexpected error: KafkaTimeoutError"
    for text, name in (
        (reset, "ConnectionResetError"),
        (timeout, "ConnectTimeoutError"),
        (bare, "KafkaTimeoutError"),
    ):
        event = make_event(text)
        assert subject_of(event, classify(event)).exception == name, text


def test_record_naming_no_exception_stays_a_record() -> None:
    """A call or a word in the message is no exception: ``Config(path)``, ``: Done``."""
    for text in (
        "2031-04-01 01:00:21,438 - etl - ERROR - Failed to load Config(path='/etc/etl.yml')",
        "2031-04-01 01:00:21,438 - etl - ERROR - Load stopped: RunSummary",
    ):
        event = make_event(text)
        assert subject_of(event, classify(event)).exception == "", text
