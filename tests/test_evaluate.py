"""The evaluation harness on small self-written data sets (rules backend, no model)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from logsumd.config import MultilineSettings, SourceSettings, SummarizerSettings
from logsumd.eval import add_eval_parser, eval_main, load_events
from logsumd.eval._report import format_markdown, format_text
from logsumd.eval._results import category_confusion, category_report, root_accuracy
from logsumd.eval.evaluate import (
    events_of_file,
    events_of_raw,
    match_event,
    run_eval,
)
from logsumd.records import Event

INFO = "[2031-03-04T05:06:07.000+0000] {{taskinstance.py:1}} INFO - step {n} done\n"

# The old format: ``raw`` is the event alone.
RAW_RECORDS: list[dict[str, Any]] = [
    {
        "id": "r1",
        "raw": (
            "[2031-01-01T00:00:00.000+0000] {taskinstance.py:441} ERROR - Task failed with"
            " exception\n"
            "Traceback (most recent call last):\n"
            '  File "/srv/shop/etl/stock.py", line 14, in read_stock\n'
            "    with open(path) as fh:\n"
            "FileNotFoundError: [Errno 2] No such file or directory: '/data/shop/stock.csv'"
        ),
        "category": "file_io",
        "key_facts": ["FileNotFoundError", "/data/shop/stock.csv", "an absent fact"],
        "summary": "read_stock failed: FileNotFoundError for /data/shop/stock.csv.",
    },
    {
        "id": "r2",
        "raw": (
            "Traceback (most recent call last):\n"
            '  File "/srv/shop/etl/push.py", line 3, in <module>\n'
            "    import zorbtools\n"
            "ModuleNotFoundError: No module named 'zorbtools'"
        ),
        "category": "dependency",
        "key_facts": ["ModuleNotFoundError", "No module named 'zorbtools'"],
    },
    {"id": "r3", "raw": "all good here\nnothing failed", "category": "other", "key_facts": []},
]


def _info(first: int, count: int) -> str:
    return "".join(INFO.format(n=n) for n in range(first, first + count))


# The whole-event format: the event's lines with context lines around them.
TRACE = (
    "[2031-03-04T05:06:08.000+0000] {taskinstance.py:2905} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/opt/etl/dags/orders.py", line 31, in load_orders\n'
    "    frame = pd.read_csv(path)\n"
    "FileNotFoundError: [Errno 2] No such file or directory: '/data/in/orders_2031-03-03.csv'\n"
)
JAVA = (
    "24/05/06 07:08:09 ERROR SparkContext: Error initializing SparkContext.\r\n"
    'Exception in thread "main" java.lang.NoClassDefFoundError: org/shop/udf/Money\r\n'
    "\tat org.shop.jobs.Daily.main(Daily.scala:12)\r\n"
    "Caused by: java.lang.ClassNotFoundException: org.shop.udf.Money\r\n"
    "\tat java.net.URLClassLoader.findClass(URLClassLoader.java:387)\r\n"
    "\t... 1 more\r\n"
)
TEXT_RECORDS: list[dict[str, Any]] = [
    {
        "id": "t1",
        "split": "dev",
        "format": "airflow",
        "text": _info(1, 3) + TRACE + _info(4, 2),
        "span": [4, 8],
        "first_exception_line": 5,
        "category": "file_io",
        "exception_type": "FileNotFoundError",
        "key_facts": ["FileNotFoundError", "/data/in/orders_2031-03-03.csv", "load_orders"],
        "summary": "load_orders failed: FileNotFoundError for /data/in/orders_2031-03-03.csv.",
    },
    {
        "id": "t2",
        "split": "dev",
        "format": "spark",
        "text": "24/05/06 07:08:01 INFO SparkContext: Running Spark version 3.5.1\r\n" + JAVA,
        "span": [2, 7],
        "first_exception_line": 3,
        "category": "dependency",
        "exception_type": "java.lang.ClassNotFoundException",
        "key_facts": ["ClassNotFoundException", "org.shop.udf.Money"],
    },
    {
        "id": "t3",
        "split": "dev",
        "format": "python",
        "text": "loaded 0 rows\nthe nightly export wrote nothing\nbye\n",
        "span": [2, 2],
        "first_exception_line": 2,
        "category": "other",
        "exception_type": "ERROR record",
        "key_facts": ["nightly export"],
    },
    {
        "id": "t4",
        "split": "test",
        "format": "python",
        "text": TRACE,
        "span": [1, 5],
        "first_exception_line": 2,
        "category": "file_io",
        "exception_type": "FileNotFoundError",
        "key_facts": ["FileNotFoundError"],
    },
]


def _write(tmp_path: Path, name: str, records: list[dict[str, Any]]) -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.fixture
def dataset(tmp_path: Path) -> str:
    return _write(tmp_path, "set.jsonl", RAW_RECORDS)


@pytest.fixture
def corpus(tmp_path: Path) -> str:
    return _write(tmp_path, "corpus.jsonl", TEXT_RECORDS)


def _event(start: int, end: int) -> Event:
    return Event("f", "f", start, end, 0, 0, "x", 0.0, 0.0, "python")


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers(dest="command"))
    return eval_main(parser.parse_args(argv))


def test_load_events_reads_both_formats(dataset: str, corpus: str) -> None:
    """A ``raw`` record spans its whole text; a ``text`` record keeps its labelled span."""
    raw = load_events(dataset)
    assert [e.span for e in raw] == [(1, 5), (1, 4), (1, 2)]
    assert [e.first_exception_line for e in raw] == [5, 4, 2]
    assert raw[0].format == "unlabelled"
    text = load_events(corpus)
    assert text[0].span == (4, 8)
    assert text[0].first_exception_line == 5
    assert text[1].lines(2, 2) == ['24/05/06 07:08:09 ERROR SparkContext: Error initializing '
                                   'SparkContext.\r']  # fmt: skip
    assert [e.id for e in load_events(corpus, "test")] == ["t4"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"raw": "x", "category": "other"}, r"bad\.jsonl:1: 'key_facts' is missing"),
        ({"raw": "x", "key_facts": []}, r"bad\.jsonl:1: 'category' is missing"),
        ({"category": "other", "key_facts": []}, r"bad\.jsonl:1: 'text' is missing"),
        (
            {"text": "a\nb\n", "span": [1, 3], "category": "other", "key_facts": []},
            r"bad\.jsonl:1: 'span' must be a line number from 1 to 2",
        ),
        (
            {"text": "a\nb\nc", "span": [2, 3], "first_exception_line": 1, "category": "o"},
            r"'first_exception_line' must lie in the span",
        ),
        ({"text": "a", "span": [1], "category": "o", "key_facts": []}, r"'span' must be"),
        ({"raw": "x", "category": "o", "key_facts": "fact"}, r"'key_facts' must be a list"),
    ],
)
def test_bad_records_name_file_line_and_key(
    tmp_path: Path, record: dict[str, Any], message: str
) -> None:
    """A record with a missing or wrong field is an error naming the file, line and key."""
    path = _write(tmp_path, "bad.jsonl", [record])
    with pytest.raises(ValueError, match=message):
        load_events(path)


def test_load_events_rejects_non_json_and_empty_split(tmp_path: Path, corpus: str) -> None:
    """A line that is not JSON, or a split without records, is a one-line error."""
    path = tmp_path / "broken.jsonl"
    path.write_text('{"raw": \n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.jsonl:1: not JSON"):
        load_events(str(path))
    with pytest.raises(ValueError, match="no record has split 'holdout'"):
        load_events(corpus, "holdout")


def test_events_of_raw_assembles_the_traceback() -> None:
    """The raw text goes through the real assembler and yields its event."""
    events = events_of_raw("r1", str(RAW_RECORDS[0]["raw"]), MultilineSettings())
    assert events
    assert max(e.line_end - e.line_start for e in events) >= 3


def test_events_of_file_numbers_lines_as_the_file_has_them(tmp_path: Path) -> None:
    """A file with context and CRLF line ends yields the event at its own line numbers."""
    path = tmp_path / "spark.log"
    path.write_bytes(str(TEXT_RECORDS[1]["text"]).encode())
    events = events_of_file(str(path), SourceSettings(include=(str(path),)))
    assert [(e.line_start, e.line_end) for e in events] == [(2, 7)]
    assert "\r" not in events[0].text


def test_match_event_prefers_a_detecting_event() -> None:
    """The event that detects the labelled one is chosen; else the most overlapping one."""
    labelled = load_events_from(TEXT_RECORDS[0])
    early_end, detecting = _event(1, 6), _event(4, 9)
    assert match_event([early_end, detecting], labelled) == (detecting, True)
    late_start = _event(6, 8)
    assert match_event([early_end, late_start], labelled) == (early_end, False)
    assert match_event([_event(20, 30)], labelled) == (None, False)


def test_a_labelled_event_split_in_pieces_is_judged_by_its_largest_piece() -> None:
    """When the daemon splits a labelled event, it is detected by the piece that holds its
    last line and classified from the piece that holds most of its lines."""
    labelled = load_events_from(RAW_RECORDS[0])  # five lines, no first exception line
    head, tail = _event(1, 4), _event(5, 5)
    assert match_event([head, tail], labelled) == (head, True)
    assert match_event([_event(1, 2), _event(3, 5)], labelled) == (_event(3, 5), True)


def load_events_from(record: dict[str, Any]) -> Any:
    """The LabelledEvent of one record dict (through a file, as the CLI reads it)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return load_events(_write(Path(tmp), "one.jsonl", [record]))[0]


def test_run_eval_rules_on_raw_records(dataset: str, tmp_path: Path) -> None:
    """Metrics of the rules backend on the old format: detection, recall, entity precision."""
    result = run_eval(dataset, [("rules", SummarizerSettings(backend="rules"))], str(tmp_path))
    variant = result.variants[0]
    assert len(variant.records) == 3
    assert variant.detected == 2
    by_id = {r.id: r for r in variant.records}
    assert by_id["r1"].predicted == "file_io"
    assert by_id["r1"].recall == pytest.approx(2 / 3)
    assert by_id["r1"].rouge_l is not None
    assert by_id["r2"].rouge_l is None
    assert by_id["r1"].root_exact is None  # no labelled root
    assert variant.entity_precision == 1.0
    assert variant.paths["rules"] == 3
    text = format_text(result)
    assert "key-fact recall" in text
    markdown = format_markdown(result)
    assert markdown.startswith("# logsumd eval")
    assert "| events detected | 2/3 (0.667) |" in markdown


def test_run_eval_on_text_with_context(corpus: str, tmp_path: Path) -> None:
    """Events are found inside their context; spans, roots and categories are scored."""
    rules = SummarizerSettings(backend="rules")
    result = run_eval(corpus, [("rules", rules)], str(tmp_path), split="dev")
    records = {r.id: r for r in result.variants[0].records}
    assert set(records) == {"t1", "t2", "t3"}
    assert records["t1"].detected
    assert records["t1"].exact_span
    assert records["t1"].root_exact is True
    assert records["t2"].detected
    assert records["t2"].exact_span
    assert records["t2"].root_predicted == "java.lang.ClassNotFoundException"
    assert records["t2"].predicted == "dependency"
    # a line the assembler does not take for an error is missed, yet still classified
    assert not records["t3"].detected
    assert records["t3"].root_predicted == "ERROR record"
    assert records["t3"].predicted == "other"
    assert root_accuracy(result.variants[0].records) == 1.0
    confusion = category_confusion(result.variants[0].records)
    assert confusion.labels == ("file_io", "dependency", "other")


def test_report_shows_formats_and_confusion(corpus: str, tmp_path: Path) -> None:
    """The text report has a per-format table and the confusion matrix."""
    result = run_eval(corpus, [("rules", SummarizerSettings(backend="rules"))], str(tmp_path))
    text = format_text(result)
    assert "per format (rules):" in text
    format_lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert format_lines["python"].split()[1] == "2"  # two python events
    assert format_lines["airflow"].split()[1] == "1"
    assert "category confusion (rows gold, columns predicted):" in text
    assert "no category errors" in text
    markdown = format_markdown(result)
    assert "## Per format: rules" in markdown
    assert "## Category confusion" in markdown


def test_eval_cli(dataset: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``logsumd eval DATASET --backend rules --markdown OUT`` prints and writes a report."""
    out = tmp_path / "report.md"
    argv = ["eval", dataset, "--backend", "rules", "--markdown", str(out)]
    assert _cli([*argv, "--state-dir", str(tmp_path)]) == 0
    assert "category accuracy" in capsys.readouterr().out
    assert "## Summaries: rules" in out.read_text(encoding="utf-8")


def test_eval_cli_split_and_plot(
    corpus: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--split test --plot FILE`` evaluates that split only and draws a PNG."""
    pytest.importorskip("matplotlib")
    png = tmp_path / "confusion.png"
    argv = ["eval", corpus, "--split", "test", "--backend", "rules", "--plot", str(png)]
    assert _cli([*argv, "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "(split test)" in out
    assert next(line for line in out.splitlines() if line.startswith("events ")).split() == [
        "events",
        "1",
    ]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_eval_cli_plot_without_matplotlib(corpus: str, tmp_path: Path) -> None:
    """``--plot`` without matplotlib is a one-line error before any work, not a traceback."""
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from logsumd.cli import main\n"
        f"sys.exit(main(['eval', {corpus!r}, '--backend', 'rules', '--plot', 'x.png']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "logsumd eval: --plot needs matplotlib: pip install matplotlib "
        "(or the 'test' extra of logsumd)"
    )
    assert not (tmp_path / "x.png").exists()


def test_eval_cli_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing dataset or a bad record is a clean error, not a traceback."""
    assert _cli(["eval", str(tmp_path / "none.jsonl"), "--backend", "rules"]) == 2
    bad = _write(tmp_path, "bad.jsonl", [{"raw": "x", "category": "other"}])
    assert _cli(["eval", bad, "--backend", "rules"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert err[0].startswith("logsumd eval: [Errno 2] No such file or directory")
    assert err[1] == f"logsumd eval: {bad}:1: 'key_facts' is missing"


def test_entities_are_checked_against_the_masked_log(tmp_path: Path) -> None:
    """A summary that quotes a URL with its secret masked counts as supported."""
    text = (
        "Traceback (most recent call last):\n"
        '  File "/opt/etl/pull.py", line 12, in pull\n'
        "    resp.raise_for_status()\n"
        "requests.exceptions.HTTPError: 404 Client Error: Not Found for url: "
        "https://api.shop.io/v1/orders?api_key=Zq81hTT0pA6x&page=2\n"
    )
    record = {
        "id": "s1",
        "text": text,
        "span": [1, 4],
        "first_exception_line": 1,
        "category": "http_api",
        "key_facts": ["HTTPError"],
    }
    path = _write(tmp_path, "secret.jsonl", [record])
    result = run_eval(path, [("rules", SummarizerSettings(backend="rules"))], str(tmp_path))
    summary = result.variants[0].records[0].summary
    assert "Zq81hTT0pA6x" not in summary
    assert "api_key=" in summary
    assert result.variants[0].entity_precision == 1.0


def test_lone_exception_line_names_its_root_and_a_lone_record_is_a_log_record(
    tmp_path: Path,
) -> None:
    """A lone ``Type: message`` line counts as that root exception; a plain ERROR record
    as the labels' ``ERROR record``."""
    records = [
        {
            "id": "u1",
            "text": "reading batch 7\nUnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9\n",
            "span": [2, 2],
            "category": "data_format",
            "exception_type": "UnicodeDecodeError",
            "key_facts": ["UnicodeDecodeError"],
        },
        {
            "id": "u2",
            "text": "2031-05-06 07:08:09,101 ERROR shop.extract: no rows for 2031-05-05\n",
            "span": [1, 1],
            "category": "other",
            "exception_type": "ERROR record",
            "key_facts": ["no rows"],
        },
    ]
    path = _write(tmp_path, "roots.jsonl", records)
    result = run_eval(path, [("rules", SummarizerSettings(backend="rules"))], str(tmp_path))
    by_id = {r.id: r for r in result.variants[0].records}
    assert by_id["u1"].root_predicted == "UnicodeDecodeError"
    assert by_id["u2"].root_predicted == "ERROR record"
    assert root_accuracy(result.variants[0].records) == 1.0


def test_corpus_detect_prints_the_figures_of_logsumd_eval(corpus: str, tmp_path: Path) -> None:
    """bench/corpus_detect.py reports the detection, root and category figures that
    ``logsumd eval`` computes on the same split, and lists the dev misses."""
    script = Path(__file__).resolve().parent.parent / "bench" / "corpus_detect.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--corpus", corpus, "--split", "dev", "-v"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = run_eval(
        corpus, [("rules", SummarizerSettings(backend="rules"))], str(tmp_path), split="dev"
    )
    records = result.variants[0].records
    detected = sum(r.detected for r in records)
    assert detected == 2  # t3's lone line is not taken for an error
    assert f"detection {detected}/3 = {detected / 3:.3f}" in proc.stdout
    assert f"root exact {root_accuracy(records):.3f}" in proc.stdout
    assert f"category {category_report(records).accuracy:.3f}" in proc.stdout
    assert "MISS t3 [python] span 2-2" in proc.stdout


def test_records_are_read_from_files_named_as_in_their_repository(tmp_path: Path) -> None:
    """The daemon sees a log file's real path (Airflow's names the task): the corpus
    record's text is read from a file under the last parts of its ``source.path``."""
    from logsumd.eval import understand_all
    from logsumd.understand import Redactor

    text = (
        "[2031-01-01T00:00:00.000+0000] {taskinstance.py:441} ERROR - Task failed with"
        " exception\nairflow.exceptions.AirflowException: Bash command failed. The command"
        " returned a non-zero exit code 6."
    )
    record = {
        "id": "p1", "split": "dev", "text": text, "span": [1, 2], "category": "other",
        "key_facts": ["fetch_orders"],
        "source": {"origin": "github_repo_file", "repo": "o/r", "commit": "0" * 40,
                   "path": "../logs/dag_id=kiwi/run_id=manual__1/task_id=fetch_orders/"
                           "attempt=1.log", "line_start": 1, "line_end": 2},
    }  # fmt: skip
    data = tmp_path / "events.jsonl"
    data.write_text(json.dumps(record) + "\n" + json.dumps({**record, "id": "p2", "source": {}}))
    first, second = understand_all(
        load_events(str(data)), SourceSettings(include=(str(data),)), Redactor(())
    )
    assert first.event.path.endswith(
        "/logs/dag_id=kiwi/run_id=manual__1/task_id=fetch_orders/attempt=1.log"
    )
    assert "/../" not in first.event.path
    assert second.event.path.endswith("/event.log")
