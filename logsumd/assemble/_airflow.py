"""Airflow's task runner and its reports: one task failure, one event.

Airflow 2 prints a task failure as ``{taskinstance.py} ERROR - Task failed with
exception`` and its traceback, then ``Marking task as FAILED``, callbacks and email
lines, then the runner's ``{standard_task_runner.py} ERROR - Failed to execute job N
for task x (...)``; a child process's output (``{subprocess.py:93}``) is relayed with
Airflow's prefix.  The assembler (:mod:`logsumd.assemble._assembler`) holds such a
failure for its report and uses these tests to join them, or to know a late report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from logsumd.assemble._event_buffer import EventBuffer, FileState, Tail
from logsumd.assemble._reraise import awaits_reraise, awaits_verdict
from logsumd.parse import (
    K_TB,
    RELAY_LOGGER,
    RELAY_SOURCES,
    LineInfo,
    decode,
    is_relay_status,
    level_rank,
    parse_line,
    relay_exit_code,
)

__all__ = [
    "MERGE_SPAN_REPORT",
    "REPORT_GAP",
    "await_report",
    "awaited_report",
    "awaits_only_verdict",
    "child_succeeded",
    "ends_report",
    "holds_relay",
    "is_child_output",
    "is_epilogue",
    "may_have_epilogue",
    "relays_child",
    "report_gap",
    "reports_child",
    "reports_held",
    "skims_held",
    "starts_report",
]

_ERROR_RANK = level_rank("ERROR")
_AIRFLOW3_RELAY = (
    r'"chan":\s*"std(?:err|out)"[^\n]{0,300}"logger":\s*"task"'
    r'|"logger":\s*"task"[^\n]{0,300}"chan":\s*"std(?:err|out)"'
    rf'|"logger":\s*"{RELAY_LOGGER}"'
)
"""Airflow 3's supervisor relays the task process's output as JSON records with ``chan``
(and its ``task`` logger: another JSON log's ``chan`` field is no relay, red team attack9);
a hook relays its child's (``"logger": "airflow.task.hooks.airflow.providers.standard.
hooks.subprocess.SubprocessHook"``, as Airflow 2's ``{subprocess.py:93}``)."""
_RELAYED = re.compile(
    rf"\{{(?:{'|'.join(RELAY_SOURCES)})\w*\.py:\d+\}}|Received SIGTERM|{_AIRFLOW3_RELAY}"
)
_CHILD = re.compile(
    rf"\{{(?:{'|'.join(r for r in RELAY_SOURCES if r != 'logging_mixin')})\w*\.py:\d+\}}"
    rf"|{_AIRFLOW3_RELAY}"
)


def is_epilogue(li: LineInfo) -> bool:
    """A task runner reports the failure just logged (Airflow's ``Task failed with exception``).

    The assembler joins such a record, with the few lines before it, to the event
    that ended just before (:func:`may_have_epilogue`): one failure, one event.
    """
    return starts_report(li) or ends_report(li)


_REPORT_END = re.compile(r"Failed to execute job \d+ for task ")
_REPORT_START = "Task failed with exception"


def ends_report(li: LineInfo) -> bool:
    """The task runner's last word on a failure (Airflow's ``Failed to execute job N
    for task x (...)``): the event that holds it is complete."""
    return li.record and _REPORT_END.match(li.msg) is not None


_FOR_TASK = re.compile(r"for task (\S+) \(")
_TASK_ID = re.compile(
    r"\btask_id=([^,\s]+)|<Task(?:Instance)?\(\w+\): ([\w.-]+)>|<TaskInstance: [\w.-]+\.([\w-]+) "
)
_MARKING = re.compile(r"Marking task as \w+\W.*?\btask_id=([^,\s]+)")


def _stream(line: str) -> str:
    """What comes before the record (``airflow-worker-1  | `` in ``docker compose logs``)."""
    at = line.find("[", 0, 80)
    return line[:at] if at > 0 else ""


def other_task(li: LineInfo, head: str, lines: Sequence[str], before: Sequence[str]) -> bool:
    """The runner's report is not of the failure whose first line is ``head``: it comes
    from another stream (container), names another task than the failure's ``lines``
    (``task_id=load``, ``<Task(PythonOperator): load>``), or, when those name none, a
    task that was marked failed before the failure began (``before``: its own report)."""
    named = _FOR_TASK.search(li.msg)
    if named is None:
        return False
    if _stream(li.text) != _stream(head):
        return True
    task = named.group(1)
    tasks = {t for line in lines for m in _TASK_ID.finditer(line) for t in m.groups() if t}
    if tasks:
        return task not in tasks
    return any(m.group(1) == task for line in before if (m := _MARKING.search(line)))


_TIMEOUT_NOTICE = re.compile(r"\bProcess timed out, PID: \d+|\bReceived SIGTERM\. Terminating subp")
"""Airflow's timeout handler logs ``{timeout.py:36} ERROR - Process timed out, PID: 46``
just before it raises ``AirflowTaskTimeout``, and its SIGTERM handler ``Received SIGTERM.
Terminating subprocesses.`` before it raises ``AirflowException``; the caller reports
that exception next: a DagBag's ``Failed to import: dag.py`` and its traceback, a task's
``Timeout, PID: N`` or ``Task received SIGTERM signal`` and traceback."""


def _times_out(held: EventBuffer) -> bool:
    return len(held.lines) == 1 and _TIMEOUT_NOTICE.search(held.lines[0], 0, 400) is not None


_STOP_REPORT = re.compile(r"(?i)time(?:d ?)?out|SIGTERM|^Failed to import: |^Task failed with")
"""What the caller of Airflow's timeout or SIGTERM handler logs: the exception's
message, a DagBag's import failure, the runner's report."""


def _reports_stop(li: LineInfo, held: EventBuffer) -> bool:
    """``li``, of the notice's stream, is a traceback or an error record reporting the
    timeout or the SIGTERM: code that caught the timeout and logged another failure
    has its own alert (red team: ``tests/attack27``)."""
    if not li.record or _stream(li.text) != _stream(held.lines[0]):
        return False
    if li.kind == K_TB:
        return True
    return li.level >= _ERROR_RANK and _STOP_REPORT.search(li.msg, 0, 300) is not None


def reports_held(li: LineInfo, held: EventBuffer, gap: list[Tail]) -> bool:
    """``li`` is the task runner's report of the ``held`` event (with the ``gap`` lines
    read since it ended), or the first ERROR record after Airflow's timeout notice (the
    caller reporting the timeout); a second ``Task failed with exception`` never is."""
    if awaits_only_verdict(held):
        return False  # the verdict's traceback decides when it ends (``_reraise``)
    if _times_out(held):
        return _reports_stop(li, held)
    if not is_epilogue(li) or (held.headed and starts_report(li)):
        return False
    lines = (*held.lines, *(decode(t[0]) for t in gap))
    return not other_task(li, held.lines[0], lines, held.context)


def awaited_report(failure: EventBuffer, lineno: int, li: LineInfo) -> bool:
    """``li``, line ``lineno``, is the late report of the Airflow ``failure`` already
    emitted."""
    if not ends_report(li) or lineno > failure.line_end + MERGE_SPAN_REPORT:
        return False
    return not other_task(li, failure.lines[0], failure.lines, failure.context)


MERGE_SPAN_REPORT = 200
"""Most lines after an emitted Airflow failure in which its late report is recognised."""


def starts_report(li: LineInfo) -> bool:
    """The task runner's report of a failure begins (``Task failed with exception``):
    a second one is another failure, never the first one's epilogue."""
    return li.record and li.msg.startswith(_REPORT_START)


def may_have_epilogue(first_line: str) -> bool:
    """An event the task runner may report next: a child's output relayed by Airflow
    (``{subprocess.py:93} INFO - Traceback ...``), the runner's SIGTERM notice, or
    the runner's ``Task failed with exception`` and traceback, which its ``Failed to
    execute job`` record follows a line or two later (one failure, one alert); or
    Airflow's timeout notice, which the caller's report of the timeout follows."""
    if relays_child(first_line) or first_line.find(_REPORT_START, 0, 300) >= 0:
        return True
    return _TIMEOUT_NOTICE.search(first_line, 0, 400) is not None


def awaits_only_verdict(held: EventBuffer) -> bool:
    """A task's error records held only for the runner's verdict (no epilogue of their
    own): the verdict's traceback decides when it ends (``_reraise``), not its first line."""
    return awaits_verdict(held) and not may_have_epilogue(held.lines[0])


def holds_relay(st: FileState, li: LineInfo) -> bool:
    """``li`` is child output while an event waits for the child's runner to report it
    (not records held only for a verdict: a child's kill then is an event of its own, and
    the hold keeps its short bound; red team ``tests/attack34``)."""
    held = st.held
    return held is not None and is_child_output(li) and not awaits_only_verdict(held)


def skims_held(held: EventBuffer) -> bool:
    """Lines without an error word may be skipped while ``held`` waits: not while a child's
    output may join it, nor while a task's records wait for a verdict (their five-line
    bound is counted on every line, so the alert is not held to the next error)."""
    return not relays_child(held.lines[0]) and not awaits_verdict(held)


def relays_child(first_line: str) -> bool:
    """An event a child process printed, relayed by Airflow (or its SIGTERM notice):
    while it is held, every line is read for more of the child's output."""
    return _search_line(_RELAYED, first_line)


def is_child_output(li: LineInfo) -> bool:
    """A line a child process printed, relayed by Airflow (``{subprocess.py:93}``).

    More of it after an error keeps the error waiting for the runner's report,
    and another error in it joins the first (the same child failing).
    """
    return _search_line(_CHILD, li.clean) and not is_relay_status(li.msg)


_HEAD = 600
"""Characters of a line searched for a relay's source: a record's prefix, or the start
and the end of a JSON record (Airflow 3 writes the logger after a message of any
length; red team attack37)."""


def _search_line(pattern: re.Pattern[str], line: str) -> bool:
    if pattern.search(line, 0, _HEAD) is not None:
        return True
    return (
        line[:1] == "{"
        and len(line) > _HEAD
        and pattern.search(line, len(line) - _HEAD) is not None
    )


def child_succeeded(held: EventBuffer, li: LineInfo) -> bool:
    """The relay reports that the child of the ``held`` failure exited 0: the child handled
    what it printed (a retried connection), and a later verdict is another failure's."""
    return relays_child(held.lines[0]) and relay_exit_code(li.msg) == 0


REPORT_GAP = 20
"""Most lines between the runner's ``Task failed with exception`` failure and its
``Failed to execute job`` report (email-on-failure and callbacks log in between)."""


def report_gap(held: EventBuffer, gap: int) -> int:
    """Lines a held event waits for its report: ``gap``, or more for a runner's failure
    or a Java trace (whose Python re-raise may follow a few Spark records later)."""
    return REPORT_GAP if held.headed or awaits_reraise(held) else gap


def await_report(st: FileState, buf: EventBuffer) -> None:
    """An Airflow failure goes out before its runner's report: remember it for that."""
    if buf.headed and not buf.reported:
        st.awaiting = buf


_RUNNER_SOURCE = re.compile(r"\{(?:taskinstance|models)\.py:\d+\}")
_CHILD_FAILED = re.compile(
    r"Cannot execute: |Bash command failed|SSH operator error|docker container failed"
    r"|\bError code is: -?\d+|\bnon-zero exit (?:code|status)",
    re.I,
)
"""An operator's exception for a child that failed (spark-submit, bash, ssh, docker)."""


CHILD_REPORT_GAP = 8
"""Most lines between a relayed child's failure and Airflow 1's runner record reporting
it (Spark's shutdown lines); a child that went on working for longer handled it."""


def reports_child(li: LineInfo, lineno: int, held: EventBuffer, gap: list[Tail]) -> bool:
    """``li`` is Airflow 1's task runner reporting the ``held`` failure of a child it
    relayed (``{spark_submit_hook.py:N} INFO - ...`` output, then ``{taskinstance.py:N}
    ERROR - Cannot execute: spark-submit ...`` and the traceback of the operator): an
    operator's error that says its child failed, not any ERROR record, at line ``lineno``
    within :data:`CHILD_REPORT_GAP` lines of the failure, the child printing nothing of
    another failure between them (the ``gap`` lines)."""
    if lineno > held.line_end + CHILD_REPORT_GAP:
        return False
    if any(parse_line(t[0]).weak for t in gap):
        return False  # "notify failed, continuing", "dbt: command not found": another one
    if not (li.record and li.level >= _ERROR_RANK and relays_child(held.lines[0])):
        return False
    if _RUNNER_SOURCE.search(li.text, 0, 120) is None or not _CHILD_FAILED.search(li.msg):
        return False
    return not other_task(li, held.lines[0], held.lines, held.context)
