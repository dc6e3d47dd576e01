"""An event's exception, message, fingerprint and summary come from its own failure.

Context lines (read before an event) may add a cause only when they belong to
the same failure, such as a subprocess's output before a generic wrapper; never
another event's exception.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from logsumd.records import Classification, Event
from logsumd.summarize.rule_summary import rule_summary
from logsumd.understand import Redactor, understand
from logsumd.understand._classify import classify
from tests.events import make_event
from tests.test_multiline_rules import run

TS = "2024-06-03 02:14:{s:02d},{ms:03d}"


def rec(sec: int, level: str, logger: str, msg: str) -> str:
    """One python-logging record line."""
    return f"{TS.format(s=sec % 60, ms=sec * 7 % 1000)} {level} {logger} - {msg}"


def called_process_error(sec: int, argv: list[str], code: int) -> list[str]:
    """``logger.exception`` after ``subprocess.run(argv, check=True)`` failed."""
    return [
        rec(sec, "INFO", "etl", f"running {argv!r}"),
        rec(sec + 1, "ERROR", "etl", "load failed"),
        "Traceback (most recent call last):",
        '  File "/opt/etl/load.py", line 7, in <module>',
        "    subprocess.run(cmd, check=True)",
        '  File "/usr/lib/python3.11/subprocess.py", line 571, in run',
        "    raise CalledProcessError(retcode, process.args,",
        f"subprocess.CalledProcessError: Command '{argv!r}' returned non-zero exit status {code}.",
    ]


def understood(text: str) -> list[tuple[Event, Classification, str]]:
    """Every event of ``text`` (one file) assembled, redacted, classified, fingerprinted."""
    redactor = Redactor()
    return [understand(event, redactor) for event in run(text)]


def test_two_subprocess_failures_keep_their_own_command() -> None:
    """Two ``CalledProcessError`` s of different commands are two fingerprints, each its own."""
    text = "\n".join(
        called_process_error(1, ["false", "--table", "orders"], 1)
        + called_process_error(5, ["sh", "-c", "exit 2", "customers"], 2)
    )
    first, second = understood(text)
    assert "orders" in first[1].message
    assert "customers" in second[1].message
    assert "orders" not in second[1].message
    assert first[2] != second[2]


def test_a_wrapper_never_takes_an_earlier_events_exception() -> None:
    """A wrapper's context holding another failure's trace adds no cause to it."""
    earlier = called_process_error(1, ["false", "--table", "orders"], 1)
    text = "\n".join(called_process_error(5, ["sh", "-c", "exit 2", "customers"], 2)[1:])
    cls = classify(make_event(text, tuple(earlier)))
    assert cls.exception_type == "subprocess.CalledProcessError"
    assert "customers" in cls.message
    assert not any("orders" in line for line in cls.cause_lines)


def key_error_after_missing_file() -> str:
    """A ``KeyError`` trace three lines after an unrelated ``FileNotFoundError`` record."""
    return "\n".join(
        [
            rec(1, "ERROR", "etl.load", "FileNotFoundError: [Errno 2] No such file or "
                "directory: '/data/in/orders.csv'"),
            rec(2, "INFO", "etl", "skipping orders"),
            rec(3, "INFO", "etl", "loading customers"),
            rec(4, "ERROR", "etl.transform", "transform failed"),
            "Traceback (most recent call last):",
            '  File "/opt/etl/transform.py", line 31, in build',
            "    key = row['customer_id']",
            "KeyError: 'customer_id'",
        ]
    )  # fmt: skip


def test_summary_does_not_borrow_an_earlier_error() -> None:
    """A ``KeyError`` summary does not name an unrelated error printed just before it."""
    *_, (event, cls, _) = understood(key_error_after_missing_file())
    assert cls.exception_type == "KeyError"
    assert "orders.csv" not in rule_summary(event, cls)
    assert not any("orders" in line for line in cls.cause_lines)


def test_classify_ignores_an_unrelated_error_in_the_context() -> None:
    """An ordinary exception's cause lines never come from another error before it."""
    *context, a, b, c, d, e = key_error_after_missing_file().split("\n")
    cls = classify(make_event("\n".join([a, b, c, d, e]), tuple(context)))
    assert cls.exception_type == "KeyError"
    assert not any("orders.csv" in line for line in cls.cause_lines)


def test_subprocess_output_of_an_earlier_attempt_is_not_a_cause() -> None:
    """The child output of a previous task attempt does not explain this attempt's wrapper."""
    pre = "[2024-06-03, 02:14:0{s} UTC] {{{src}}} INFO - "
    context = (
        pre.format(s=1, src="subprocess.py:93")
        + "psycopg2.OperationalError: connection to server at db.internal failed",
        pre.format(s=2, src="taskinstance.py:1159") + "Starting attempt 2 of 3",
        pre.format(s=3, src="subprocess.py:93") + "Loading batch 2024-06-02",
    )
    text = (
        "[2024-06-03, 02:14:07 UTC] {taskinstance.py:1937} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 210, '
        "in execute\n"
        "    raise AirflowException(\n"
        "airflow.exceptions.AirflowException: Bash command failed. The command returned a "
        "non-zero exit code 1.\n"
    )
    cls = classify(make_event(text, context))
    assert cls.exception_type == "airflow.exceptions.AirflowException"
    assert not any("psycopg2" in line for line in cls.cause_lines)


# -- the property: two different failures in one log never share a fingerprint ---------------

_WORDS = ("orders", "customers", "invoices", "ledger", "events", "shipments")
_PY_ERRORS = (
    ("KeyError", "'{w}_id'"),
    ("ValueError", "invalid literal for int() with base 10: '{w}'"),
    ("FileNotFoundError", "[Errno 2] No such file or directory: '/data/in/{w}.csv'"),
    ("PermissionError", "[Errno 13] Permission denied: '/data/out/{w}'"),
)


@st.composite
def failures(draw: st.DrawFn) -> list[str]:
    """The lines of one failure as a job would log it (prefix lines included)."""
    word = draw(st.sampled_from(_WORDS))
    func = draw(st.sampled_from(("load", "build", "run")))
    kind = draw(st.sampled_from(("subprocess", "python", "airflow", "record")))
    if kind == "subprocess":
        argv = [draw(st.sampled_from(("false", "psql", "dbt"))), "--table", word]
        return called_process_error(10, argv, draw(st.integers(1, 3)))
    if kind == "python":
        exc, msg = draw(st.sampled_from(_PY_ERRORS))
        return [
            rec(20, "ERROR", "etl", f"{func} failed"),
            "Traceback (most recent call last):",
            f'  File "/opt/etl/{func}.py", line 12, in {func}',
            "    step()",
            f"{exc}: {msg.format(w=word)}",
        ]
    if kind == "airflow":
        exc, msg = draw(st.sampled_from(_PY_ERRORS))
        pre = "[2024-06-03, 02:14:3{s} UTC] {{{src}}} {lvl} - "
        return [
            pre.format(s=1, src="subprocess.py:93", lvl="INFO") + f"{exc}: {msg.format(w=word)}",
            pre.format(s=2, src="subprocess.py:97", lvl="INFO") + "Command exited with return "
            "code 1",
            pre.format(s=3, src="taskinstance.py:1937", lvl="ERROR") + "Task failed with exception",
            "Traceback (most recent call last):",
            '  File "/usr/local/lib/python3.11/site-packages/airflow/operators/bash.py", line 210,'
            " in execute",
            "    raise AirflowException(",
            "airflow.exceptions.AirflowException: Bash command failed. The command returned a "
            "non-zero exit code 1.",
        ]
    return [rec(40, "ERROR", f"etl.{func}", f"could not load table {word}: {kind} broken")]


Identity = tuple[str, str, str, tuple[str, ...]]


def _identities(text: str, first_line: int = 1) -> list[Identity]:
    """(exception, message, fingerprint, cause lines) of the events from ``first_line`` on."""
    return [
        (c.exception_type, c.message, fp, c.cause_lines)
        for e, c, fp in understood(text)
        if e.line_start >= first_line
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(failures(), failures())
def test_two_different_failures_never_share_a_fingerprint(a: list[str], b: list[str]) -> None:
    """The second of two failures in one log is understood as it is alone, never as the first."""
    # the same record twice in the same millisecond is one failure logged twice (a
    # duplicated handler), which joins its event (``same_burst``): not two failures
    assume(a != b)
    alone_a, alone_b = _identities("\n".join(a)), _identities("\n".join(b))
    second = _identities("\n".join(a + b), first_line=len(a) + 1)
    assert second
    assert set(second) <= set(alone_b)
    if {x[2] for x in alone_a}.isdisjoint({x[2] for x in alone_b}):
        assert {x[2] for x in alone_a}.isdisjoint({x[2] for x in second})


def test_model_summary_may_not_name_an_earlier_error() -> None:
    """A model clause naming a neighbour's file fails the output check: the rules answer."""
    from logsumd.config import SummarizerSettings
    from logsumd.summarize.summarizer import LlamaSummarizer
    from tests.test_output_check import FakeBackend, NoRedaction

    *context, a, b, c, d, e = key_error_after_missing_file().split("\n")
    event = make_event("\n".join([a, b, c, d, e]), tuple(context))
    borrowed = [" the input file /data/in/orders.csv is missing.", " that orders.csv exists."]
    backend = FakeBackend(borrowed * 2)
    summary = LlamaSummarizer(backend, SummarizerSettings(), NoRedaction()).summarize(
        event, classify(event)
    )
    assert backend.prompts
    assert "orders.csv" not in summary.text
    assert summary.summarizer == "rules"


def test_exception_line_just_before_a_headless_trace_is_its_own() -> None:
    """A trace whose exception line was left in the context keeps that line as its cause."""
    context = (
        rec(1, "ERROR", "etl", "an earlier failure: ValueError: bad row"),
        "scala> .reduceByKey(_ + _)",
        "org.apache.hadoop.mapred.InvalidInputException: Input path does not exist: "
        "file:/user/demo/text_file.txt",
    )
    text = (
        "  at org.apache.hadoop.mapred.FileInputFormat.listStatus(FileInputFormat.java:229)\n"
        "  at org.apache.spark.rdd.HadoopRDD.getPartitions(HadoopRDD.scala:200)"
    )
    cls = classify(make_event(text, context))
    assert any("InvalidInputException" in line for line in cls.cause_lines)
    assert not any("bad row" in line for line in cls.cause_lines)
    assert cls.category == "file_io"
