"""One trace model: the line classifier, classification and condensation read text alike."""

from __future__ import annotations

from logsumd.assemble import Assembler
from logsumd.config import MultilineSettings
from logsumd.parse import (
    K_EXC,
    LINK_CAUSE,
    LINK_CAUSED_BY,
    LINK_CONTEXT,
    LINK_SUPPRESSED,
    parse,
    parse_line,
    parse_record,
)
from logsumd.records import Chunk, Classification, Event
from logsumd.summarize.condense import extract_facts
from logsumd.understand import classify
from tests.events import make_event

READ_TIMEOUT = (
    "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.partner.example', "
    "port=443): Read timed out. (read timeout=30)"
)

GROUP = "\n".join(
    [
        "ERROR:etl.fanout:two uploads failed",
        "  + Exception Group Traceback (most recent call last):",
        '  |   File "/usr/lib/python3.11/asyncio/taskgroups.py", line 145, in __aexit__',
        "  |     raise me from None",
        "  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
        "  +-+---------------- 1 ----------------",
        "    | Traceback (most recent call last):",
        '    |   File "/srv/etl/fanout.py", line 12, in upload',
        "    |     await client.put(key, body)",
        "    | ConnectionError: s3 down",
        "    +------------------------------------",
    ]
)


class _NoSecrets:
    def redact(self, text: str) -> str:
        return text


def _bare() -> Classification:
    return Classification("other", "", "", "", (), None, (), (), "")


def _events(text: str) -> list[Event]:
    data = text.encode()
    lines = data.split(b"\n")
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    asm = Assembler(MultilineSettings())
    return [*asm.feed(Chunk("/l", "f", lines, offsets, 1, len(data), 0.0)), *asm.flush_all()]


def test_exception_in_an_exceptions_module_is_an_exception_line_everywhere() -> None:
    """``requests.exceptions.ReadTimeout: x`` is an exception line to every reader."""
    assert parse_line(READ_TIMEOUT.encode()).kind == K_EXC
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/partner.py", line 40, in fetch\n'
        "    resp = session.get(url, timeout=30)\n"
        f"{READ_TIMEOUT}"
    )
    cls = classify(make_event(text))
    assert cls.exception_type == "requests.exceptions.ReadTimeout"
    facts = extract_facts(make_event(text), cls, _NoSecrets())
    assert facts.error.startswith("requests.exceptions.ReadTimeout: HTTPSConnectionPool")


def test_condensation_sees_frames_behind_exception_group_rails() -> None:
    """The ``|``-prefixed frames of an exception group give condensation its frame."""
    facts = extract_facts(make_event(GROUP), _bare(), _NoSecrets())
    assert facts.where == "upload (/srv/etl/fanout.py:12)"
    assert classify(make_event(GROUP)).exception_type == "ConnectionError"


def test_frames_are_marked_as_application_code_once() -> None:
    """Each exception lists which of its frames are the application's."""
    root = parse(GROUP).root
    assert root is not None
    assert [f.file for f in root.app_frames] == ["/srv/etl/fanout.py"]
    outer = parse(GROUP).outer
    assert outer is not None
    assert outer.frames
    assert not outer.app_frames


def test_chain_links_name_how_each_exception_follows_the_one_before() -> None:
    """Python's two chain markers and the JVM's Caused by / Suppressed become links."""
    py = (
        "Traceback (most recent call last):\n"
        '  File "/opt/a.py", line 1, in f\n'
        "KeyError: 'id'\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/a.py", line 3, in f\n'
        "ValueError: bad row\n\n"
        "The above exception was the direct cause of the following exception:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/a.py", line 5, in g\n'
        "RuntimeError: load failed"
    )
    assert [e.link for e in parse(py).exceptions] == ["", LINK_CONTEXT, LINK_CAUSE]
    java = (
        "org.apache.spark.SparkException: Job aborted\n"
        "\tat org.apache.spark.scheduler.DAGScheduler.run(DAGScheduler.scala:10)\n"
        "\tSuppressed: java.lang.IllegalStateException: closed\n"
        "\t\tat org.apache.parquet.hadoop.ParquetWriter.close(ParquetWriter.java:120)\n"
        "Caused by: java.io.IOException: disk full\n"
        "\tat java.io.FileOutputStream.writeBytes(Native Method)"
    )
    assert [e.link for e in parse(java).exceptions] == ["", LINK_SUPPRESSED, LINK_CAUSED_BY]


def test_record_prefix_is_split_the_same_for_the_assembler_and_the_trace() -> None:
    """parse_line and parse_record agree on what is a record and what its message is."""
    lines = [
        "2026-02-08 18:11:24,652 - etl.load - ERROR - load failed",
        "2026-02-08 18:11:24,652 - CRITICAL - ETL load step failed",
        "2015-10-18 18:01:51,885 INFO [main] org.mortbay.log: Logging to slf4j",
        "\x1b[0m10:41:54.811814 [error] [Thread-1 (]: Database Error in model m (models/m.sql)",
        "2024-11-12 12:39:29 ERROR org.example.Options - An error occurred while running",
        "[2024-03-01T10:00:00.123+0000] {taskinstance.py:2905} ERROR - Task failed",
        "Traceback (most recent call last):",
    ]
    for line in lines:
        info = parse_line(line.encode())
        rec = parse_record(info.clean)
        assert (info.record, info.msg, info.kind) == (rec.prefixed, rec.message, rec.kind), line


def test_logger_and_level_come_from_formats_only_the_assembler_knew() -> None:
    """Python logging without a logger name, log4j with a thread: level, logger, message."""
    rec = parse_record("2026-05-02 17:53:57,956 - CRITICAL - ETL failed: unknown column 'x'")
    assert (rec.level, rec.message) == ("CRITICAL", "ETL failed: unknown column 'x'")
    rec = parse_record("2015-10-18 18:08:24,302 WARN [LeaseRenewer:etl@nn1:9000] org.a.Lease: no")
    assert (rec.level, rec.source, rec.message) == ("WARN", "org.a.Lease", "no")
    cls = classify(make_event("2026-05-02 17:53:57,956 - ERROR - ETL failed: disk quota exceeded"))
    assert cls.message == "ETL failed: disk quota exceeded"


def test_a_level_word_inside_the_message_keeps_the_message_whole() -> None:
    """``... 400 Client Error: Bad Request`` is an ERROR record whose message is all of it."""
    line = "[2025-04-26 00:16:56] [EXTRACT] API request failed: 400 Client Error: Bad Request"
    rec = parse_record(line)
    assert rec.message == "[EXTRACT] API request failed: 400 Client Error: Bad Request"
    assert rec.severity == 40
    assert parse_line(line.encode()).level == 40


def test_dbt_log_file_error_block_is_one_event_with_its_database_message() -> None:
    """dbt.log's ``[error] [Thread]:`` title and message lines are one dbt event."""
    text = "\n".join(
        [
            "\x1b[0m09:12:01.100000 [info ] [MainThread]: Finished running 3 table models.",
            "\x1b[0m09:12:01.200000 [info ] [MainThread]: ",
            "\x1b[0m09:12:01.300000 [error] [MainThread]: \x1b[33mDatabase Error in model "
            "orders_daily (models/marts/orders_daily.sql)\x1b[0m",
            '\x1b[0m09:12:01.300100 [error] [MainThread]:   column "userid" does not exist',
            "\x1b[0m09:12:01.300200 [error] [MainThread]:   LINE 16:     userid,",
            "\x1b[0m09:12:01.300300 [error] [MainThread]:            ^",
            "\x1b[0m09:12:01.300400 [error] [MainThread]:   compiled Code at "
            "target/run/shop/models/marts/orders_daily.sql",
            "\x1b[0m09:12:01.400000 [info ] [MainThread]: ",
            "\x1b[0m09:12:01.500000 [info ] [MainThread]: Done. PASS=2 WARN=0 ERROR=1 TOTAL=3",
        ]
    )
    events = _events(text)
    assert [(e.line_start, e.line_end) for e in events] == [(3, 7)]
    cls = classify(events[0])
    assert cls.exception_type == "dbt Database Error"
    assert cls.message.startswith('column "userid" does not exist LINE 16:')
    assert cls.app_frame is not None
    assert cls.app_frame.file == "models/marts/orders_daily.sql"


def test_the_cut_marker_ends_a_message_in_the_trace_model() -> None:
    """A marker after an exception line is no part of its message (Python, Java, a record)."""
    marker = "    [logsumd: event cut, 7 lines not shown]"
    py = [
        "Traceback (most recent call last):",
        '  File "/opt/etl/a.py", line 3, in f',
        "    g()",
        "ValueError: bad row",
        marker,
        "The above exception was the direct cause of the following exception:",
    ]
    assert [e.message for e in parse("\n".join(py)).exceptions] == ["bad row"]
    java = [
        "24/06/03 02:14:04 ERROR Executor: Exception in task 0.0",
        "java.lang.StackOverflowError: deep",
        marker,
        "\t... 1024 more",
    ]
    [exc] = parse("\n".join(java)).exceptions
    assert (exc.type, exc.message) == ("java.lang.StackOverflowError", "deep")
    [rec] = parse(
        "\n".join(
            ["2024-06-03 02:14:01,000 ERROR etl - load failed", "  while loading", marker, "  more"]
        )
    ).exceptions
    assert "logsumd" not in rec.message
