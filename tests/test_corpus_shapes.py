"""Event shapes that real ETL logs print and the assembler must group (lines written here)."""

from __future__ import annotations

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.records import Chunk, Event
from logsumd.understand import classify

SUBMIT = "{spark_submit.py:536}"


def _events(lines: list[str]) -> list[Event]:
    data = "\n".join(lines).encode()
    raw = data.split(b"\n")
    offsets, pos = [], 0
    for line in raw:
        offsets.append(pos)
        pos += len(line) + 1
    asm = Assembler(MultilineSettings())
    chunk = Chunk("/logs/t.log", "f1", raw, offsets, 1, len(data), 0.0)
    return [*asm.feed(chunk), *asm.flush_all()]


def _spans(events: list[Event]) -> list[tuple[int, int]]:
    return [(e.line_start, e.line_end) for e in events]


def af(sec: int, src: str, level: str, msg: str) -> str:
    """One Airflow task log record."""
    return f"[2025-06-02T03:10:{sec:02d}.118+0000] {src} {level} - {msg}"


def test_relayed_jvm_trace_without_indent_or_error_word_is_one_event() -> None:
    """Airflow relays spark-submit's trace: only "Exception" in its header, frames unindented."""
    lines = [
        af(1, SUBMIT, "INFO", "Using properties file: null"),
        af(
            2,
            SUBMIT,
            "INFO",
            'Exception in thread "main" org.apache.spark.SparkException: Master must either be'
            " yarn or start with spark, k8s, or local",
        ),
        af(2, SUBMIT, "INFO", "at org.apache.spark.deploy.SparkSubmit.error(SparkSubmit.scala:47)"),
        af(2, SUBMIT, "INFO", "at org.apache.spark.deploy.SparkSubmit.main(SparkSubmit.scala)"),
        af(3, "{spark_submit.py:540}", "INFO", "Spark-submit exit code: 1"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 4)]
    cls = classify(events[0])
    assert cls.exception_type == "org.apache.spark.SparkException"
    assert cls.message.startswith("Master must either be yarn")


def test_bare_jvm_exception_line_is_an_event() -> None:
    """A JVM exception line alone (a REPL or a pasted log) starts an event with its frames."""
    lines = [
        "scala> val df = spark.read.parquet(path)",
        "org.apache.hadoop.mapred.InvalidInputException: Input path does not exist: file:/in/x",
        "  at org.apache.hadoop.mapred.FileInputFormat.listStatus(FileInputFormat.java:287)",
        "  at org.apache.spark.rdd.HadoopRDD.getPartitions(HadoopRDD.scala:200)",
        "  ... 49 elided",
        "",
        "scala> :quit",
    ]
    assert _spans(_events(lines)) == [(2, 5)]
