"""``dbt debug``'s failed checks are one event: the verdict and the reasons after it.

dbt prints the verdict (``1 check failed:``) and every reason as INFO records, with the
database's or the profile's message on unprefixed lines; a DEBUG record or the
command's end closes it.  Lines written here in dbt's file-log and console shapes.
"""

from __future__ import annotations

from logsumd.understand import classify
from tests.test_corpus_shapes import _events, _spans

ESC = "\x1b"


def dbt(sec: int, level: str, msg: str) -> str:
    """One record of dbt's file log (``logs/dbt.log``), with its ANSI codes."""
    return f"{ESC}[0m09:14:{sec:02d}.481220 [{level:<5}] [MainThread]: {msg}"


def test_failed_checks_and_their_reasons_are_one_event() -> None:
    lines = [
        dbt(1, "info", "Using profiles.yml file at /home/etl/.dbt/profiles.yml"),
        dbt(1, "info", "Connection test skipped since no profile was found"),
        dbt(2, "info", f"{ESC}[31m2 checks failed:{ESC}[0m"),
        dbt(2, "info", "Could not load dbt_project.yml"),
        "Profile loading failed for the following reason:",
        "Runtime Error",
        '  Credentials in profile "warehouse", target "prod" invalid: \'abc\' is not of type'
        " 'integer'",
        "",
        "",
        dbt(2, "info", "Project loading failed for the following reason:"),
        " project path </srv/etl/transform/dbt_project.yml> not found",
        "",
        dbt(3, "debug", "Command `dbt debug` failed at 09:14:03.102 after 1.20 seconds"),
        dbt(3, "debug", "Flushing usage events"),
    ]
    events = _events(lines)
    assert _spans(events) == [(3, 11)]
    assert "project path" in events[0].text


def test_a_failed_connection_test_keeps_the_database_message() -> None:
    """``Connection test: [ERROR]`` opens it; the verdict and the message follow."""
    lines = [
        dbt(5, "debug", "Postgres adapter: Rolling back transaction."),
        dbt(5, "info", f"  Connection test: [{ESC}[31mERROR{ESC}[0m]"),
        "",
        dbt(5, "info", f"{ESC}[31m1 check failed:{ESC}[0m"),
        dbt(5, "info", "dbt was unable to connect to the specified database."),
        "The database returned the following error:",
        "",
        "  >Database Error",
        '  could not translate host name "warehouse-db" to address: Name or service not known',
        "",
        "Check your database credentials and try again. For more information, visit:",
        "https://docs.getdbt.com/docs/configure-your-profile",
        "",
        "",
        dbt(6, "debug", "Command `dbt debug` failed at 09:14:06.003 after 0.90 seconds"),
    ]
    events = _events(lines)
    assert _spans(events) == [(2, 12)]
    assert classify(events[0]).category == "connection"


def test_console_output_and_an_error_after_the_reasons() -> None:
    """dbt's console shape (a time, no level); an ERROR record after it is its own event."""
    lines = [
        "09:14:07  Connection test: [OK connection ok]",
        "09:14:07  1 check failed:",
        "09:14:07  dbt looked for a profiles.yml file in /srv/etl/profiles.yml, but did",
        "not find one. For more information on configuring your profile, consult the",
        "documentation:",
        "",
        "https://docs.getdbt.com/docs/configure-your-profile",
        "",
        "2026-12-07 09:14:08,004 ERROR etl.run - dbt debug exited with status 1",
    ]
    assert _spans(_events(lines)) == [(2, 7), (9, 9)]


def test_passing_checks_and_other_info_records_open_nothing() -> None:
    lines = [
        dbt(9, "info", "  Connection test: [OK connection ok]"),
        dbt(9, "info", f"{ESC}[32mAll checks passed!{ESC}[0m"),
        dbt(9, "info", "3 of 3 checks failed to find a newer version"),
    ]
    assert _events(lines) == []


def test_a_job_logging_on_at_info_later_does_not_feed_the_event() -> None:
    """The reasons are printed in the verdict's second; INFO records after it are the
    job's own progress, however many follow."""
    lines = [
        "2026-12-07 09:14:07,100 INFO dbt - 1 check failed:",
        "2026-12-07 09:14:07,101 INFO dbt - Could not load dbt_project.yml",
        *[f"2026-12-07 09:14:{s:02d},500 INFO etl.load - loaded batch {s}" for s in range(8, 40)],
    ]
    assert _spans(_events(lines)) == [(1, 2)]
