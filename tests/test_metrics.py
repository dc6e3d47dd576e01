"""Evaluation metrics, checked against hand-computed values."""

from __future__ import annotations

import math

import pytest

from logsumd.eval._metrics import (
    classification_report,
    confusion_matrix,
    detects,
    diagnosis_accuracy,
    entity_support,
    key_fact_recall,
    lcs_length,
    percentile,
    root_matches,
    rouge_l_f1,
    short_type,
    source_shares,
    word_stats,
)


def test_lcs_length() -> None:
    """Classic examples of the longest common subsequence."""
    assert lcs_length("ABCBDAB", "BDCABA") == 4
    assert lcs_length([], ["a"]) == 0
    assert lcs_length(["a", "b"], ["a", "b"]) == 2


def test_rouge_l_f1_by_hand() -> None:
    """LCS 4 of 6 candidate and 5 reference tokens: P=4/6, R=4/5, F=8/11."""
    value = rouge_l_f1("the cat sat on the mat", "the cat was on mat")
    assert value == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    assert rouge_l_f1("", "x") == 0.0
    assert rouge_l_f1("Same Words", "same words") == 1.0


def test_classification_report() -> None:
    """Accuracy, per-class precision/recall/F1 and macro-F1 over the labels seen."""
    gold = ["a", "a", "b", "c"]
    pred = ["a", "b", "b", "b"]
    report = classification_report(gold, pred)
    assert report.accuracy == 0.5
    assert report.per_class["a"].precision == 1.0
    assert report.per_class["a"].recall == 0.5
    assert report.per_class["b"].precision == pytest.approx(1 / 3)
    assert report.per_class["b"].recall == 1.0
    assert report.per_class["c"].f1 == 0.0
    assert report.per_class["c"].support == 1
    f1_a, f1_b = 2 / 3, 0.5
    assert report.macro_f1 == pytest.approx((f1_a + f1_b + 0.0) / 3)


def test_classification_report_length_mismatch() -> None:
    """Gold and predicted must be aligned."""
    with pytest.raises(ValueError):
        classification_report(["a"], [])


def test_key_fact_recall_ignores_case_and_spacing() -> None:
    """A fact counts when it appears verbatim up to case and whitespace."""
    summary = "Load failed: Number of  columns (30) in FILE.csv"
    assert key_fact_recall(summary, ["number of columns (30)", "file.csv", "absent"]) == 2 / 3
    assert key_fact_recall("x", []) == 1.0


def test_entity_support_counts_paths_numbers_dates_quotes() -> None:
    """Entities found in the source over entities in the summary (identifiers excluded)."""
    source = "open('/data/in.csv') failed at 2031-01-02 with code 7"
    ok, total = entity_support(
        "Reading '/data/in.csv' failed on 2031-01-02 (code 8) in read_input", source
    )
    assert (ok, total) == (2, 3)


def test_percentile_interpolates() -> None:
    """Linear interpolation between order statistics; NaN for no values."""
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 50) == 2.5
    assert percentile(values, 90) == pytest.approx(3.7)
    assert percentile([5.0], 90) == 5.0
    assert math.isnan(percentile([], 50))


def test_confusion_matrix_counts_pairs_in_label_order() -> None:
    """Gold rows, predicted columns, the given labels first and unseen labels after them."""
    gold = ["auth", "auth", "schema", "schema", "schema"]
    pred = ["auth", "connection", "schema", "other", "other"]
    confusion = confusion_matrix(gold, pred, ["schema", "auth"])
    assert confusion.labels == ("schema", "auth", "connection", "other")
    assert confusion.counts == (
        (1, 0, 0, 2),
        (0, 1, 1, 0),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
    )
    assert confusion.errors() == [("schema", "other", 2), ("auth", "connection", 1)]
    with pytest.raises(ValueError):
        confusion_matrix(["a"], [])


@pytest.mark.parametrize(
    ("produced", "expected"),
    [
        ((10, 20), True),  # exactly the labelled span
        ((8, 25), True),  # wider on both sides
        ((12, 20), True),  # starts at the first exception line
        ((13, 20), False),  # starts after the first exception line
        ((10, 19), False),  # ends before the labelled last line
        ((21, 30), False),  # after the event
    ],
)
def test_detects_needs_the_last_line_and_an_early_enough_start(
    produced: tuple[int, int], expected: bool
) -> None:
    """A span detects the event labelled 10-20 (first exception line 12) only if it holds
    line 20 and starts by line 12."""
    assert detects(produced, (10, 20), 12) is expected


def test_root_matches_exactly_or_by_last_component() -> None:
    """Root types agree exactly, or only by their last dotted component, or not at all."""
    assert short_type("psycopg2.errors.UndefinedTable") == "UndefinedTable"
    assert short_type("dbt Database Error") == "dbt Database Error"
    assert root_matches("java.io.FileNotFoundException", "java.io.FileNotFoundException") == (
        True,
        True,
    )
    assert root_matches("FileNotFoundException", "java.io.FileNotFoundException") == (
        False,
        True,
    )
    assert root_matches("KeyError", "builtins.ValueError") == (False, False)
    # a tag of words compares without case; an exception type with case
    assert root_matches("dbt Test Failure", "dbt test failure") == (True, True)
    assert root_matches("keyerror", "KeyError") == (False, False)


def test_diagnosis_accuracy_counts_exact_ids() -> None:
    """Labels of new ids (``new:x``) compare as ``x``; no prediction counts as wrong."""
    gold = ["input_file_missing", "new:http_conflict", "disk_full", "table_missing"]
    predicted = ["input_file_missing", "http_conflict", "", "column_missing"]
    assert diagnosis_accuracy(gold, predicted) == 0.5
    with pytest.raises(ValueError):
        diagnosis_accuracy(gold, predicted[:2])


def test_source_shares_group_who_wrote_the_advice() -> None:
    """The catalogue (alone or ranked by the model), the model writing, or the rules."""
    shares = source_shares(["catalogue", "catalogue+model", "llama", "llama-retry", "rules"])
    assert shares == {"catalogue": 0.4, "model": 0.4, "rules": 0.2}
    assert source_shares([]) == {}


def test_word_stats_of_summaries_and_headlines() -> None:
    """Median, mean, maximum and the shares within the 40- and 15-word limits."""
    short = "a b c\nCause: d.\nNext: e."
    long = " ".join(["w"] * 16) + "\n" + " ".join(["x"] * 30)
    stats = word_stats([short, long])
    assert stats.maximum == 46
    assert stats.median == (7 + 46) / 2
    assert stats.within == 0.5
    assert stats.headline_within == 0.5
    assert stats.headline_median == (3 + 16) / 2
