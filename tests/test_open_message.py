"""A plain exception line whose message is empty but for its colon: the text is below.

Python prints an exception with an empty message as its bare type, so ``Type:`` with
nothing after it means the message begins with a line break (MLflow's
``MlflowException:`` and its whole message below).  The lines up to a blank line (a
record, a traceback, a code fence, a failure of its own, or ten lines) are the
exception's message: one event, and the message holds them.  A message that ends with
a colon after some text (botocore's ``... operation: ``) may be a formatted empty value
with the next step's output after it: it takes nothing more (red team attack35).
"""

from __future__ import annotations

from logsumd.understand import classify
from tests.test_multiline_rules import run, spans

TB = (
    "Traceback (most recent call last):\n"
    '  File "/srv/etl/sync.py", line 12, in <module>\n'
    "    athena.get_work_group(WorkGroup=name)\n"
)


def test_the_lines_after_a_bare_colon_are_the_message() -> None:
    text = (
        TB + "mlflow.exceptions.MlflowException: \n"
        "You are not authorized to perform: athena:GetWorkGroup on the resource. After you\n"
        "have updated your permissions, please try again.\n"
        "\n"
        "sync finished with errors\n"
    )
    events = run(text)
    assert spans(events) == [(1, 6, "python")]
    message = classify(events[0]).message
    assert "athena:GetWorkGroup" in message
    assert "please try again" in message
    assert "sync finished" not in message


def test_a_bare_exception_line_with_an_empty_message() -> None:
    text = (
        "mlflow.exceptions.MlflowException:\n"
        "API request to endpoint /api/2.0/mlflow/runs/create failed with error code 404 != 200.\n"
        "Response body: '<!doctype html>\n"
        "<title>404 Not Found</title>\n"
        "'\n"
        "```\n"
        "later text of the page\n"
    )
    assert spans(run(text)) == [(1, 5, "python")]


def test_a_message_without_a_colon_takes_no_print_after_it() -> None:
    """The old behaviour stays where the message is complete on its line."""
    text = TB + "ValueError: bad row 7\nRetrying in 5 seconds\n"
    assert spans(run(text)) == [(1, 4, "python")]


def test_the_open_message_is_bounded() -> None:
    body = "".join(f"row {i} was rejected by the server\n" for i in range(30))
    events = run("RuntimeError:\n" + body)
    assert spans(events)[0][:2] == (1, 11)


def test_a_traceback_after_the_colon_is_a_new_event() -> None:
    text = "KeyError:\n" + TB + "ValueError: bad row\n"
    assert [s[:2] for s in spans(run(text))] == [(1, 1), (2, 5)]


def test_a_record_after_the_colon_ends_the_message() -> None:
    text = (
        "RuntimeError:\n"
        "bucket etl-raw is not reachable\n"
        "2031-02-03 04:05:06,765 - etl - INFO - next file\n"
    )
    assert [s[:2] for s in spans(run(text))] == [(1, 2)]


def test_text_then_a_colon_takes_nothing_more() -> None:
    """botocore's empty service message, then the next step's output: two events."""
    text = (
        TB + "botocore.exceptions.ClientError: An error occurred (InternalError) when calling"
        " the PutObject operation (reached max retries: 4): \n"
        "skipping table orders\n"
    )
    assert spans(run(text)) == [(1, 4, "python")]


def test_a_failure_of_its_own_ends_the_message() -> None:
    """The shell's kill of the next step is its own alert, not the message's text."""
    text = (
        "RuntimeError:\nupload of orders.csv stopped\n"
        "run.sh: line 14:  4242 Killed  python load.py\n"
    )
    assert [s[:2] for s in spans(run(text))] == [(1, 2), (3, 3)]
