# ruff: noqa: E501
"""Two Airflow tasks failing with the same wrapper but different subprocess causes are two fingerprints."""

from __future__ import annotations

from pathlib import Path

from tests.attack13._cli import summarize_all

TASK = """\
[2024-05-01, 10:0{m}:00 UTC] {{taskinstance.py:1234}} INFO - Running <TaskInstance: etl.{task} 2024-05-01 [running]> attempt 1
[2024-05-01, 10:0{m}:01 UTC] {{subprocess.py:93}} INFO - {cause}
[2024-05-01, 10:0{m}:01 UTC] {{subprocess.py:97}} INFO - Command exited with return code 2
[2024-05-01, 10:0{m}:01 UTC] {{taskinstance.py:1776}} ERROR - Task failed with exception
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 210, in execute
    raise AirflowException(
airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 2.
"""


def test_different_causes_different_fingerprints(tmp_path: Path) -> None:
    """An auth failure in one task and a permission failure in another are not one alert."""
    log = tmp_path / "a.log"
    log.write_text(
        TASK.format(
            m=0,
            task="load_orders",
            cause='psql: error: connection to server at "db.internal" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "etl"',
        )
        + TASK.format(
            m=5,
            task="load_customers",
            cause="cp: cannot open '/data/in/customers.csv' for reading: Permission denied",
        )
    )
    first, second = summarize_all(log)
    assert (first["category"], second["category"]) == ("auth", "permission")
    assert first["fingerprint"] != second["fingerprint"]
    assert "credentials" not in second["summary"]
