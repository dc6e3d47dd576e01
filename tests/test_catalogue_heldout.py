"""Failure modes a held-out round of real logs showed the catalogue did not know.

The round (31 events of 16 repositories nobody here had read) was measured on the
session's start code before anything changed; these cases come from its dev part,
written here in the tools' own wording, not copied from it.
"""

from __future__ import annotations

import pytest

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event
from tests.test_catalogue_specific import AF, TB, _frame

SITE = "/home/airflow/.local/lib/python3.12/site-packages/airflow"
RELAY = "[2031-02-03T04:05:06.800+0000] {spark_submit.py:634} INFO - "

CASES = [
    (  # the BashOperator's cwd is a host path the container does not have
        "input_file_missing",
        AF
        + TB
        + _frame(f"{SITE}/providers/standard/operators/bash.py", "execute")
        + "airflow.exceptions.AirflowException: Can not find the cwd: /srv/etl/crawler\n",
        (),
        "cwd /srv/etl/crawler does not exist",
    ),
    (  # spark-class runs $JAVA_HOME/bin/java, which is not installed in the image
        "hadoop_home_unset",
        AF
        + TB
        + _frame(f"{SITE}/providers/apache/spark/hooks/spark_submit.py", "submit")
        + "airflow.exceptions.AirflowException: Cannot execute: spark-submit --master "
        "local[2] /opt/jobs/load.py. Error code is: 1.\n",
        (
            RELAY + "/opt/spark/bin/spark-class: line 71: "
            "/usr/lib/jvm/java-11-openjdk-amd64/bin/java: No such file or directory",
            RELAY + "/opt/spark/bin/spark-class: line 97: CMD: bad array subscript",
        ),
        "JAVA_HOME",
    ),
    (  # JAXB left the JDK: an old tool run on a new Java
        "jvm_version_mismatch",
        'Exception in thread "main" java.lang.NoClassDefFoundError: '
        "javax/xml/bind/DatatypeConverter\n"
        "\tat org.embulk.cli.Main.main(Main.java:26)\n"
        "Caused by: java.lang.ClassNotFoundException: javax.xml.bind.DatatypeConverter\n"
        "\tat java.base/jdk.internal.loader.BuiltinClassLoader.loadClass(Unknown Source)\n",
        (),
        "older Java",
    ),
    (  # Snowflake's connector answers 404 for an account it does not know
        "warehouse_account_identifier_invalid",
        AF
        + TB
        + _frame("/opt/airflow/dags/health.py", "check_snowflake")
        + "RuntimeError: Snowflake unreachable: 250003 (08001): None: 404 Not Found: post "
        "https://acme-xy12345.snowflakecomputing.com:443/session/v1/login-request?request_id=1\n",
        (),
        "acme-xy12345.snowflakecomputing.com",
    ),
]


@pytest.mark.parametrize(("expected", "text", "context", "said"), CASES, ids=[c[0] for c in CASES])
def test_the_entry_names_the_cause(
    expected: str, text: str, context: tuple[str, ...], said: str
) -> None:
    event = make_event(text, context)
    best = distinct(examine(event, classify(event), load_catalogue()).candidates)
    assert best, "no entry matched"
    assert best[0].id == expected
    assert said in best[0].cause + " | " + best[0].next_step


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "2031-02-03 04:05:06,173 - ERROR - <BrokerConnection client_id=kafka-python-2.3.1, "
            "node_id=1001 host=broker-1:9092 <connected>>: Closing connection. "
            "KafkaConnectionError: socket disconnected",
            "connection",
        ),
        (
            "airflow.exceptions.AirflowException: Can not find the cwd: /srv/etl/crawler",
            "file_io",
        ),
    ],
)
def test_category_of_the_message(line: str, category: str) -> None:
    assert classify(make_event(line)).category == category
