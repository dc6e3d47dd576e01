"""The catalogue knows what libraries print (``tests/data/library_messages.yaml``).

Each case is one library's standard message (psycopg2 and libpq, PyMySQL,
pyodbc, cx_Oracle, pymongo, redis-py, Snowflake, botocore, google-cloud,
azure, Spark, Kafka clients, pandas, pip, Airflow), written as the library
prints it, not as one repository's log words it: the entries it pins down are
keyed on the libraries, not on the corpus they were first seen in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event

CASES_FILE = Path(__file__).parent / "data" / "library_messages.yaml"
_HEAD = "[2031-05-06T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
_USER = '  File "/opt/airflow/dags/etl/load.py", line 41, in load\n    run()\n'
_LIB = '  File "/usr/local/lib/python3.11/site-packages/{file}", line 120, in {fn}\n    x\n'


def event_text(case: dict[str, Any]) -> str:
    """The log text of one case: a traceback, a JVM exception or an ERROR record."""
    if "py" in case:
        lib = ""
        if "library_frame" in case:
            file, fn = case["library_frame"].rsplit(":", 1)
            lib = _LIB.format(file=file, fn=fn)
        return f"{_HEAD}Traceback (most recent call last):\n{_USER}{lib}{case['py']}\n"
    if "jvm" in case:
        return (
            "24/11/04 13:03:41 ERROR Executor: job failed\n"
            f"{case['jvm']}\n\tat org.apache.spark.sql.Dataset.ofRows(Dataset.scala:92)\n"
            "\tat com.acme.etl.Load.main(Load.scala:17)\n"
        )
    return f"2031-05-06 02:14:07,311 - etl.load - ERROR - {case['log']}\n"


def _cases() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as fh:
        cases: list[dict[str, Any]] = yaml.safe_load(fh)
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['id']}-{k}" for k, c in enumerate(CASES)])
def test_library_messages_are_diagnosed(case: dict[str, Any]) -> None:
    """A library's standard message gets the failure mode it means."""
    event = make_event(event_text(case))
    findings = examine(event, classify(event), load_catalogue())
    assert [c.id for c in distinct(findings.candidates)][:1] == [case["id"]]
