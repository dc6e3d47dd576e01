"""The summary's shape: who failed, the root exception, a trimmed message, cause and next step."""

from __future__ import annotations

from logsumd.summarize._headline import (
    ELLIPSIS,
    HEADLINE_WORDS,
    MAX_WORDS,
    clean_message,
    compose,
    fit,
    headline,
    trim_around,
)
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import catalogue_summary, examine, rules_summary
from logsumd.summarize.subject import Subject, subject_of
from logsumd.understand import classify
from tests.events import make_event

LONG = (
    "Parameter validation failed: the request carried fourteen optional fields and "
    'Invalid bucket name "exports/kiwi-2031.csv": Bucket name must match the regex '
    "of the service or be an access point ARN for this region and account"
)

AIRFLOW_PANDAS = (
    "[2031-05-06T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/operators/python.py", '
    "line 235, in execute\n    return_value = self.execute_callable()\n"
    '  File "/opt/airflow/dags/kiwi/load_day.py", line 12, in <module>\n    main()\n'
    '  File "/opt/airflow/dags/kiwi/load_day.py", line 40, in read_orders\n'
    "    df = pd.read_csv(path)\n"
    '  File "/home/airflow/.local/lib/python3.11/site-packages/pandas/io/parsers/readers.py", '
    "line 912, in read_csv\n    return _read(filepath_or_buffer, kwds)\n"
    "FileNotFoundError: [Errno 2] No such file or directory: "
    "'/mnt/exports/kiwi/2031/05/06/orders_full_extract_with_a_long_name.csv'\n"
)

WRAPPED = (
    "[2031-05-06T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/opt/airflow/dags/kiwi/load_day.py", line 55, in push_rows\n'
    "    cur.execute(sql)\n"
    'psycopg2.errors.UndefinedTable: relation "mart.kiwi" does not exist\n\n'
    "The above exception was the direct cause of the following exception:\n\n"
    "Traceback (most recent call last):\n"
    '  File "/opt/airflow/dags/kiwi/load_day.py", line 60, in push_rows\n'
    "    raise LoadError('load failed') from exc\n"
    "kiwi.errors.LoadError: load failed\n"
)


def test_trim_keeps_the_informative_part_and_whole_words() -> None:
    """The message is cut around its point, never before it and never inside a word."""
    trimmed = trim_around(LONG, 8, evidence="Invalid bucket name")
    assert len(trimmed.split()) <= 8
    assert "Invalid bucket name" in trimmed
    assert trimmed.startswith(ELLIPSIS)
    assert '"exports/kiwi-2031.csv":' in trimmed.split()
    assert trim_around("short message", 8) == "short message"


def test_trim_without_evidence_starts_at_the_first_informative_phrase() -> None:
    """Without a diagnosis the first informative phrase (failed, denied, ...) anchors the cut."""
    message = "while the nightly batch of kiwi orders was loading, access denied for user x"
    assert "access denied" in trim_around(message, 6)


def test_headline_names_the_users_function_and_the_root_exception() -> None:
    """The user's innermost named function is named, not pandas, Airflow or ``<module>``."""
    event = make_event(AIRFLOW_PANDAS)
    subject = subject_of(event, classify(event))
    assert (subject.function, subject.file, subject.line) == ("read_orders", "load_day.py", "40")
    text = rules_summary(examine(event, classify(event), None)).text
    head = text.split("\n")[0]
    assert head.startswith("read_orders (load_day.py:40) failed: FileNotFoundError: ")
    assert "'/mnt/exports/kiwi/2031/05/06/orders_full_extract_with_a_long_name.csv'" in head
    assert len(head.split()) <= HEADLINE_WORDS
    assert "Task failed with exception" not in text


def test_headline_names_the_root_not_the_wrapper() -> None:
    """A re-raised wrapper exception is not named; the root cause and its message are."""
    event = make_event(WRAPPED)
    head = rules_summary(examine(event, classify(event), None)).text.split("\n")[0]
    assert "UndefinedTable" in head
    assert '"mart.kiwi" does not exist' in head
    assert "LoadError" not in head


def test_module_level_code_is_named_by_file_and_line() -> None:
    """Without a named function the frame is ``file:line``, never ``<module>``."""
    subject = Subject("", "etl.py", "7", "", "", "ValueError")
    assert headline(subject, "bad value") == "etl.py:7 failed: ValueError: bad value"


def test_compose_keeps_within_forty_words() -> None:
    """Cause and next step get their own lines; the headline shrinks to fit 40 words."""
    subject = Subject("load", "job.py", "3", "", "", "OSError")
    cause = "one two three four five six seven eight nine ten eleven"
    step = "one two three four five six seven eight nine ten eleven"
    text = fit(subject, LONG, "Invalid bucket name", cause, step)
    lines = text.split("\n")
    assert len(text.split()) <= MAX_WORDS
    assert lines[1].startswith("Cause: one")
    assert lines[2].startswith("Next: one")
    assert "Invalid" in lines[0]
    assert compose("X failed: E: m", "", "do this") == "X failed: E: m\nNext: do this."


def test_no_facts_of_other_events_are_added() -> None:
    """Lines read before the event (another error) never appear in its summary."""
    context = ("2031-05-06 02:10:00,000 ERROR other - disk quota exceeded on /var/spool",)
    event = make_event(AIRFLOW_PANDAS, context=context)
    text = rules_summary(examine(event, classify(event), None)).text
    assert "after:" not in text
    assert "quota" not in text
    assert "/var/spool" not in text


def test_a_log_line_imitating_the_labels_is_not_quoted() -> None:
    """A message that writes ``Cause:`` or ``Next:`` is cut there: the log cannot speak as us."""
    subject = Subject("load", "job.py", "3", "", "", "ValueError")
    head = headline(subject, "bad row Cause: the ops team Next: page everyone")
    assert head == "load (job.py:3) failed: ValueError: bad row"


def test_a_cut_keeps_what_went_wrong_after_the_window() -> None:
    """When the point (``Connection refused``) lies past the window, the middle is cut."""
    message = (
        'connection to server at "pg-main.internal" (10.20.1.15), port 5432 failed:'
        " Connection refused Is the server running on that host and accepting TCP/IP?"
    )
    text = trim_around(message, 9, "connection to server")
    assert text.startswith("connection to server at")
    assert "Connection refused" in text
    assert len(text.split()) <= 9


def test_the_point_is_the_stated_problem_not_the_word_failed() -> None:
    """``failed`` announces the point; ``refused`` states it, and the window holds it."""
    message = (
        "load of the nightly orders batch into the warehouse staging schema failed on"
        " attempt 3: connection reset by peer while sending the COPY stream to the server"
    )
    assert "reset by peer" in trim_around(message, 8)


def test_trim_keeps_what_went_wrong_at_the_end_of_a_long_message() -> None:
    """A long message whose point comes late (an explicit deny, a file that cannot be
    opened, a feature not supported) is cut before it, never the point itself."""
    for point in (
        "with an explicit deny in an identity-based policy",
        "python: can't open file '/opt/kiwi/load.py'",
        "CAST from STRING is not supported here",
    ):
        message = (
            "User: arn:aws:iam::1:user/kiwi-loader calling the kiwi endpoint of the ingest"
            f" service for the nightly partition load of orders and items stopped {point}"
        )
        trimmed = trim_around(message, 10)
        assert point.split()[1] in trimmed, trimmed


def test_library_boilerplate_gives_way_to_the_point() -> None:
    """botocore's 'An error occurred (X) when calling the Y operation' keeps X and Y, and
    a library's advice tail (Spark's 'It is possible the underlying files...', 'Did you
    mean', 'Consider to', 'Please deploy') is no part of the headline's message."""
    aws = clean_message(
        "An error occurred (NoSuchBucket) when calling the PutObject operation: "
        "The specified bucket does not exist"
    )
    assert aws == "(NoSuchBucket) PutObject: The specified bucket does not exist"
    spark = clean_message(
        "File file:/tmp/in.csv does not exist It is possible the underlying files have been "
        "updated. You can explicitly invalidate the cache in Spark by running 'REFRESH TABLE'"
    )
    assert spark == "File file:/tmp/in.csv does not exist"
    mysql = clean_message(
        "1064 (42000): You have an error in your SQL syntax; check the manual that corresponds"
        " to your MySQL server version for the right syntax to use near 'desc, id)' at line 1"
    )
    assert mysql == "1064 (42000): You have an error in your SQL syntax near 'desc, id)' at line 1"
    for tail in (
        "Did you mean one of the following? [`ts`]",
        "Consider to choose another name",
        "Please deploy the application as per the deployment section",
    ):
        assert clean_message(f"The column `ts` cannot be resolved. {tail}") == (
            "The column `ts` cannot be resolved"
        ), tail


def test_a_cause_that_asks_keeps_its_question_mark() -> None:
    """A hedged cause ending in a question is not closed with a full stop after it."""
    text = compose("load failed: KeyError: 'x'", "a wrong account identifier?", "fix it.")
    assert "Cause: a wrong account identifier?\n" in text
    assert "?." not in text
    assert text.endswith("Next: fix it.")


def test_an_escaped_quote_is_no_quote_mark_for_trimming() -> None:
    """JSON-escaped text keeps its ``\\"``: trimming removes a lone quote mark, never an
    escaped one (``\\"$PGUSER\\"`` must not become ``\\$PGUSER\\"``, a name the log lacks)."""
    message = (
        'connection to server at "127.0.0.1", port 5442 failed: FATAL:  password authentication'
        ' failed for user \\"$PGUSER\\"\\n\\n", "output_type": "error", "evalue": "x",'
        ' "traceback": ["one", "two", "three", "four", "five", "six", "seven", "eight"'
    )
    for budget in range(4, 30):
        piece = trim_around(message, budget)
        assert "\\$PGUSER" not in piece, (budget, piece)


def test_a_sentence_break_right_after_a_quote_is_joined_by_a_space() -> None:
    """``returned "x". Details: "y"`` is one clause joined by a space: a ``;`` after the
    closing quote would make ``"; Details: "`` read as a quoted string the log never
    printed, and a kept period would be a second sentence (red team: tests/attack22)."""
    message = (
        'HttpError 404 when requesting https://api.example/v2/files/a1 returned "File not'
        " found: a1\". Details: \"[{'reason': 'notFound'}]\""
    )
    cleaned = clean_message(message)
    assert '"File not found: a1" Details: "' in cleaned
    assert '"; Details' not in cleaned


def test_dbts_dot_leader_is_no_part_of_the_headline() -> None:
    """dbt pads a node's line to its status with dots: the headline drops them, keeps the
    text on both sides, and an ellipsis in a message (``...``) stays."""
    line = "1 of 3 ERROR STALE freshness of raw.orders ......................... [ERROR STALE]"
    assert clean_message(line) == "1 of 3 ERROR STALE freshness of raw.orders [ERROR STALE]"
    assert clean_message("waiting ... then failed") == "waiting ... then failed"


def test_a_cut_keeps_the_quote_that_opens_a_name_and_drops_the_lone_one() -> None:
    """Cut on both sides, the lone quote mark is the one whose partner the cut removed,
    not the opening quote of a name the message pairs (``'Total'``)."""
    from logsumd.summarize._headline import _paired

    piece = "(\"Could not convert 'Total' with type str: tried to convert to int64\", 'Conversion"
    assert _paired(piece, True) == (
        "(\"Could not convert 'Total' with type str: tried to convert to int64\", Conversion"
    )
    assert _paired("region' failed for 'orders'", True) == "region failed for 'orders'"


def test_a_dbt_title_matched_by_a_generic_entry_does_not_replace_the_message() -> None:
    """dbt's 'Database Error in model x' title is what the generic entry matches; the
    headline still quotes the database's own message below it, whatever its words."""
    event = make_event(
        "04:05:06.700000 [error] [MainThread]:   Database Error in model kiwi_orders "
        "(models/marts/kiwi_orders.sql)\n"
        '  cross-database references are not implemented: "lake.public.kiwi_raw"\n'
        "  LINE 12: FROM lake.public.kiwi_raw\n"
        "  compiled Code at target/run/shop/models/marts/kiwi_orders.sql\n"
    )
    findings = examine(event, classify(event), load_catalogue())
    assert findings.candidates
    headline = catalogue_summary(findings, findings.candidates[0], "catalogue").text
    first = headline.split("\n", 1)[0]
    assert "cross-database references are not implemented" in first
    assert "Database Error in model" not in first
