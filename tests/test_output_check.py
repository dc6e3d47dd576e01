"""The output check, and that an invented name never reaches a summary.

The summarizer tests drive the real LlamaSummarizer with a hand-written fake
model that returns canned completions and records what it was asked.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import pytest

from logsumd import telemetry
from logsumd.config import SummarizerSettings
from logsumd.records import Event
from logsumd.summarize.backend import Completion, Deadline, LocalModel
from logsumd.summarize.catalogue import Candidate
from logsumd.summarize.output_check import check_summary, count_sentences, extract_entities
from logsumd.summarize.prompts import Prompt
from logsumd.summarize.summarizer import LlamaSummarizer
from logsumd.understand import classify

EVENT_TEXT = (
    "[2031-05-06T07:08:09.000+0000] {taskinstance.py:441} ERROR - Task failed with exception\n"
    """Traceback (most recent call last):
  File "/srv/shop/dags/sync_dag.py", line 30, in sync_stock
    rows = read_stock("/data/shop/stock_2031.csv")
  File "/srv/shop/etl/stock.py", line 14, in read_stock
    with open(path) as fh:
FileNotFoundError: [Errno 2] No such file or directory: '/data/shop/stock_2031.csv'"""
)


def _event() -> Event:
    return Event("/var/log/t.log", "f", 1, 7, 0, len(EVENT_TEXT), EVENT_TEXT, 0.0, 0.0, "python")


class NoRedaction:
    def redact(self, text: str) -> str:
        return text


class FakeBackend:
    """Returns canned completion texts in order; records prompts and banned tokens."""

    specials: tuple[str, ...] = ("<eos>",)

    def __init__(self, texts: Sequence[str], *, timed_out: bool = False) -> None:
        self.texts = deque(texts)
        self.prompts: list[list[int]] = []
        self.banned: list[list[int]] = []
        self.timed_out = timed_out

    @property
    def bos(self) -> int | None:
        return 2

    def tokenize(self, text: bytes, add_bos: bool, special: bool) -> list[int]:
        return ([2] if add_bos else []) + [1000 + b for b in text]

    def complete(
        self,
        prompt: Prompt,
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
        banned: Sequence[int] = (),
    ) -> Completion:
        tokens, _ = prompt.tokens(self.tokenize, self.bos)
        self.prompts.append(tokens)
        self.banned.append(list(banned))
        text = self.texts.popleft() if self.texts else ""
        return Completion(text, len(tokens), 5, 0.01, self.timed_out, "stop")

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
    ) -> Completion:
        raise AssertionError("not a chat model")

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


def _summarize(backend: FakeBackend) -> tuple[str, str]:
    summarizer = LlamaSummarizer(backend, SummarizerSettings(), NoRedaction())
    event = _event()
    summary = summarizer.summarize(event, classify(event))
    return summary.text, summary.summarizer


def test_copied_entities_pass() -> None:
    """Paths, numbers and quoted names copied from the event are fine (case, quotes aside)."""
    summary = (
        'FileNotFoundError: No such file "/data/shop/stock_2031.csv" in read_stock '
        "(/srv/shop/etl/stock.py:14). Check that STOCK_2031.CSV was exported."
    )
    assert check_summary(summary, EVENT_TEXT) == []


@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("The file /data/shop/stock_2030.csv is missing.", "path"),
        ("It failed on 2031-05-07 after the export.", "date"),
        ("Check that prices.parquet was written.", "file"),
        ("It failed after 45 retries.", "number"),
        ("The table 'shop_prices' is empty.", "quoted"),
        ("Check db.shop.internal is reachable.", "host"),
        ("Check the stock_loader job.", "identifier"),
    ],
)
def test_invented_entities_are_reported(summary: str, kind: str) -> None:
    """Anything named that the event does not contain is a problem, by kind."""
    problems = check_summary(summary, EVENT_TEXT)
    assert any(p.startswith(kind) for p in problems), problems


def test_example_names_are_reported() -> None:
    """A fictional name from the prompt examples is caught even as a plain word."""
    problems = check_summary("Check the quokka export.", EVENT_TEXT)
    assert any("copied from a prompt example" in p for p in problems)


def test_length_and_sentences_are_limited() -> None:
    """At most two sentences and 90 words."""
    assert check_summary("One. Two. Three.", EVENT_TEXT)
    assert check_summary(" ".join(["word"] * 95) + ".", EVENT_TEXT)
    assert count_sentences("Read timed out. (read timeout=30) and 'a. B' quoted.") == 1


def test_entities_inside_dates_are_not_counted_twice() -> None:
    """A date is one entity, not a date plus three numbers."""
    kinds = [e.kind for e in extract_entities("on 2031-05-06 at /srv/x.py")]
    assert kinds == ["date", "path"]


def test_valid_answer_is_used() -> None:
    """A cause and check that name only event facts become the llama summary."""
    backend = FakeBackend(
        [" the export did not write stock_2031.csv", " that the export job wrote /data/shop"]
    )
    text, by = _summarize(backend)
    assert by == "llama"
    assert "\nCause: the export did not write stock_2031.csv.\n" in text
    assert text.endswith("\nNext: check that the export job wrote /data/shop.")
    assert text.startswith("read_stock (stock.py:14) failed: FileNotFoundError: [Errno 2] No such")


def test_invented_path_in_a_clause_is_dropped() -> None:
    """A check with an invented path is left out; the grounded cause stays."""
    backend = FakeBackend(
        [" the export did not write stock_2031.csv", " that /mnt/other/stock.csv exists"]
    )
    text, by = _summarize(backend)
    assert by == "llama"
    assert "/mnt/other" not in text


def test_invented_path_and_date_never_reach_the_output() -> None:
    """Invented names in every answer: retry once, then the rule-based summary."""
    before = telemetry.count("SummarizerFallback")
    bad = [" stock was moved to /mnt/other/stock.csv", " the run of 2030-01-01 at /mnt/other"]
    backend = FakeBackend(bad * 2)
    text, by = _summarize(backend)
    assert by == "rules"
    assert "/mnt/other" not in text
    assert "2030-01-01" not in text
    assert len(backend.prompts) == 4
    assert backend.prompts[0] != backend.prompts[2]
    assert telemetry.count("SummarizerFallback") == before + 1


def test_retry_success_is_labelled() -> None:
    """A bad first answer and a good retry give ``llama-retry``."""
    backend = FakeBackend(
        [
            " see /mnt/other",
            " /mnt/other",
            " the export did not write stock_2031.csv",
            " that read_stock gets the right path",
        ]
    )
    text, by = _summarize(backend)
    assert by == "llama-retry"
    assert "read_stock gets the right path" in text


def test_timeout_falls_back_and_is_counted() -> None:
    """A call that hit its deadline is not retried: rules summary and SummarizerTimeout."""
    before = telemetry.count("SummarizerTimeout")
    text, by = _summarize(FakeBackend([" the export", " x"], timed_out=True))
    assert by == "rules"
    assert text
    assert telemetry.count("SummarizerTimeout") == before + 1


def test_example_names_are_banned_unless_in_the_event() -> None:
    """Tokens of the examples' fictional names are banned at generation time."""
    backend = FakeBackend([" the export did not write stock_2031.csv", " that it exists"])
    _summarize(backend)
    banned = set(backend.banned[0])
    assert 1000 + ord("z") in banned
    assert all(1000 + b not in banned for b in b"stock")


def test_a_model_that_cannot_score_writes_without_a_grammar_and_never_ranks() -> None:
    """A backend without ``score`` (a model server) gets no grammar and ranks nothing."""
    backend = FakeBackend([" the export did not write stock_2031.csv", " the export job"])
    assert not isinstance(backend, LocalModel)
    summarizer = LlamaSummarizer(backend, SummarizerSettings(backend="llama"), NoRedaction())
    event = _event()
    candidates = [
        Candidate("a", "io", "the file is gone", "restore it", "", 0, False, "", ""),
        Candidate("b", "io", "the path is wrong", "fix the path", "", 0, False, "", ""),
    ]
    assert summarizer.rank(event, classify(event), candidates) is None
    assert summarizer.summarize(event, classify(event)).summarizer == "llama"


def test_a_quote_cut_by_an_elision_is_checked_by_its_parts() -> None:
    """A headline that cuts the middle of a quoted message (``'a … b'``) states no quote
    the event lacks; the host and number in it are still checked against the event."""
    from logsumd.eval._metrics import entity_support

    event = (
        "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='stats.nba.com', "
        "port=443): Max retries exceeded (Caused by ConnectTimeoutError(<conn>, 'Connection"
        " to stats.nba.com timed out. (connect timeout=30)'))"
    )
    summary = (
        "… (Caused by ConnectTimeoutError(<conn>, 'Connection to stats.nba.com timed … "
        "timeout=30)'))"
    )
    assert entity_support(summary, event) == (2, 2)
    invented = "… ConnectTimeoutError(<conn>, 'Connection to stats.nfl.com timed … timeout=60)')"
    assert entity_support(invented, event) == (0, 2)


def test_a_trimmed_message_states_no_quote_it_lacks() -> None:
    """However the headline trims a message (budget, point), every path, number and
    quoted name it keeps occurs in the message: a cut never leaves a quote mark that
    pairs with another into a quote the message does not hold."""
    from logsumd.eval._metrics import entity_support
    from logsumd.summarize._headline import trim_around

    msg = (
        "HTTPSConnectionPool(host='stats.nba.com', port=443): Max retries exceeded with url:"
        " /stats/boxscore?GameID=0022 (Caused by ConnectTimeoutError(<urllib3.connection."
        "HTTPSConnection object at 0x10738b250>, 'Connection to stats.nba.com timed out. "
        "(connect timeout=30)'))"
    )
    for budget in range(4, 20):
        for point in ("", "timed out", "Max retries exceeded"):
            trimmed = trim_around(msg, budget, point)
            ok, total = entity_support(trimmed, msg)
            assert ok == total, (budget, point, trimmed)


def test_cleaning_a_message_never_writes_inside_its_quotes() -> None:
    """Lines become clauses and sentences ``;``-joined, but never inside a quote: the
    quoted names a headline keeps occur in the message as written."""
    from logsumd.eval._metrics import entity_support
    from logsumd.summarize._headline import clean_message

    msg = "load failed: 'Table RAW.ORDERS not found. Check the schema'\nrows: 'a\nb' skipped"
    cleaned = clean_message(msg)
    assert "'Table RAW.ORDERS not found. Check the schema'" in cleaned
    ok, total = entity_support(cleaned, msg)
    assert ok == total, cleaned
