"""A JVM exception whose message is a JSON body (Google API clients print the response)."""

from __future__ import annotations

from logsumd.parse import parse
from tests.test_multiline_rules import run

GOOGLE_404 = "\n".join(
    [
        "Submitting the load job",
        'Exception in thread "main" com.google.api.client.googleapis.json.'
        "GoogleJsonResponseException: 404 Not Found",
        "{",
        '  "code" : 404,',
        '  "errors" : [ {',
        '    "domain" : "global",',
        '    "message" : "Not found: Dataset quokka-prod:staging",',
        '    "reason" : "notFound"',
        "  } ],",
        '  "message" : "Not found: Dataset quokka-prod:staging",',
        '  "status" : "NOT_FOUND"',
        "}",
        "\tat com.google.api.client.googleapis.json.GoogleJsonResponseException.from("
        "GoogleJsonResponseException.java:146)",
        "\tat com.quokka.etl.LoadJob.main(LoadJob.java:42)",
        "Job finished",
    ]
)


def test_json_body_between_header_and_frames_stays_in_the_trace() -> None:
    """The body's brackets stand alone on their lines; they no longer cut the header
    from its frames (before: two events, the header alone and the frames alone)."""
    [event] = run(GOOGLE_404)
    assert (event.line_start, event.line_end) == (2, 14)
    root = parse(event.text).root
    assert root is not None
    assert root.type.endswith("GoogleJsonResponseException")
    assert "Not found: Dataset quokka-prod:staging" in root.message


def test_brackets_after_the_frames_are_not_taken_in_plain_output() -> None:
    """Only lines of brackets alone join: a JSON document printed after the trace,
    whose lines are not indented, does not."""
    text = GOOGLE_404.replace("Job finished", '{"job": "load", "ok": false}')
    [event] = [e for e in run(text) if e.line_start == 2]
    assert event.line_end == 14
