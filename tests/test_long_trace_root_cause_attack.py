# ruff: noqa: E501
"""A cut trace keeps its root cause: the chained exception line is not lost in the cut middle."""

from __future__ import annotations

from pathlib import Path

from tests.attack13._cli import small_limits_config, summarize_all


def test_java_caused_by_in_cut_middle(tmp_path: Path) -> None:
    """A Spark trace with a 400-frame outer part and a 600-frame cause keeps the cause's exception."""
    lines = [
        "24/06/03 02:14:04 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)",
        "org.apache.spark.SparkException: Task failed while writing rows.",
    ]
    lines += [
        f"\tat org.apache.spark.sql.Writer.write{i}(Writer.scala:{i + 1})" for i in range(400)
    ]
    lines.append("Caused by: java.sql.SQLException: Connection refused to db.internal:5432")
    lines += [
        f"\tat org.postgresql.core.Layer{i}.call{i}(Layer{i}.java:{40 + i})" for i in range(600)
    ]
    lines += ["\t... 20 more", "24/06/03 02:14:05 INFO Executor: next"]
    log = tmp_path / "a.log"
    log.write_text("\n".join(lines) + "\n")
    (rec,) = summarize_all(log)
    assert rec["exception_type"] == "java.sql.SQLException"
    assert rec["category"] == "connection"


def test_python_chained_root_in_cut_middle(tmp_path: Path) -> None:
    """A chained Python trace whose root part is 300 frames deep keeps the root exception."""
    lines = [
        "2024-06-03 02:14:01,000 ERROR etl - load failed",
        "Traceback (most recent call last):",
    ]
    for i in range(300):
        lines += [f'  File "/opt/etl/parse{i}.py", line {i + 1}, in step{i}', f"    step{i + 1}()"]
    lines += [
        'psycopg2.OperationalError: connection to server at "db.internal" port 5432 failed: Connection refused',
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
    ]
    for i in range(100):
        lines += [f'  File "/opt/etl/outer{i}.py", line {i + 1}, in wrap{i}', f"    wrap{i + 1}()"]
    lines += ["RuntimeError: load step failed", "2024-06-03 02:14:02,000 INFO etl - done"]
    log = tmp_path / "a.log"
    log.write_text("\n".join(lines) + "\n")
    (rec,) = summarize_all(log)
    assert rec["exception_type"] == "psycopg2.OperationalError"
    assert rec["category"] == "connection"


def test_cut_marker_is_not_part_of_the_exception_message(tmp_path: Path) -> None:
    """With a small max_lines, the cut marker and tail are not glued into the exception message."""
    lines = [
        "24/06/03 02:14:04 ERROR Executor: Exception in task 0.0",
        "java.lang.StackOverflowError: deep",
    ]
    lines += [f"\tat com.acme.Walk.step{i % 5}(Walk.java:{i % 90 + 1})" for i in range(10000)]
    lines += ["\t... 10000 more", "24/06/03 02:14:05 INFO Executor: next"]
    log = tmp_path / "a.log"
    log.write_text("\n".join(lines) + "\n")
    (rec,) = summarize_all(log, "-c", str(small_limits_config(tmp_path, 3, 262144)))
    assert rec["exception_type"] == "java.lang.StackOverflowError"
    assert rec["message"] == "deep", rec["message"]
