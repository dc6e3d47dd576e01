"""Record prefixes of runners that relay a child's lines: log4j's ``Class(method):line -``
(Airbyte's worker) and ``ts  name -`` without a level (pipelinewise's taps)."""

from __future__ import annotations

from logsumd.parse import K_JFRAME, K_PYFRAME, K_TB, parse_line, parse_record
from tests.test_corpus_shapes import _events, _spans

GOBBLER = "2021-01-21 22:27:16 {level} (/tmp/workspace/6/0) LineGobbler(voidCall):69 - "
TAP = "2019-10-18 07:32:29,046Z    tap - "


def test_log4j_class_method_line_prefix_is_split_off() -> None:
    """``LEVEL (mdc) Class(method):line - `` is a prefix: the message after it is a frame."""
    rec = parse_record(GOBBLER.format(level="ERROR") + "at a.b.C.run(C.java:12)")
    assert (rec.level, rec.source, rec.message) == (
        "ERROR",
        "LineGobbler(voidCall):69",
        "at a.b.C.run(C.java:12)",
    )
    assert rec.kind == K_JFRAME


def test_relayed_java_trace_at_info_is_one_event() -> None:
    """A child's Java trace relayed line by line at INFO is one event, not none."""
    p = GOBBLER.format(level="INFO")
    lines = [
        p + "Starting the source",
        p + 'Exception in thread "main" java.lang.IllegalStateException: no stream "users"',
        p + "at io.airbyte.integrations.base.IntegrationRunner.run(IntegrationRunner.java:148)",
        p + "at io.airbyte.integrations.source.Main.main(Main.java:19)",
        p + "Completed",
    ]
    assert _spans(_events(lines)) == [(2, 4)]


def test_name_dash_prefix_without_level_is_split_off() -> None:
    """``ts  tap - `` without a level: the tap's own line follows (a traceback here)."""
    assert parse_line((TAP + "Traceback (most recent call last):").encode()).kind == K_TB
    frame = parse_line((TAP + '  File "tap.py", line 10, in <module>').encode())
    assert frame.kind == K_PYFRAME


def test_tap_traceback_after_its_critical_record_is_one_event() -> None:
    """A tap's CRITICAL record and the traceback relayed after it are one event."""
    lines = [
        "2019-10-18 07:32:28,974Z    tap - INFO Starting discover",
        "2019-10-18 07:32:29,040Z    tap - CRITICAL Invalid response from API, status code 401",
        TAP + "Traceback (most recent call last):",
        TAP + '  File "tap-env/bin/tap-pipedrive", line 10, in <module>',
        TAP + "    sys.exit(main())",
        TAP + "tap_pipedrive.exceptions.InvalidResponse: 401 Unauthorized",
        "2019-10-18 07:32:30,051Z   main - INFO Tap exited",
    ]
    assert _spans(_events(lines)) == [(2, 6)]


def test_a_dash_inside_a_timestamped_message_keeps_its_words() -> None:
    """``ts Processing - step 2``: a capitalised word before `` - `` is no relay name."""
    rec = parse_record("2024-05-01 10:00:00 Processing - step 2 of 5")
    assert rec.message.startswith("Processing - step 2")
