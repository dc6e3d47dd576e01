"""The fine-tuning data-set generator: sizes, splits, key facts, and prompt parity."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Sequence
from typing import Any

import pytest

from logsumd.config import CATEGORIES, MultilineSettings, SummarizerSettings
from logsumd.eval import events_of_raw, pick_event
from logsumd.summarize.backend import Completion, Deadline
from logsumd.summarize.prompts import Prompt
from logsumd.summarize.summarizer import LlamaSummarizer
from logsumd.train._lora import answer_tokens, training_prompt_tokens
from logsumd.train.dataset import build_dataset, data_card, read_jsonl, write_jsonl
from logsumd.train.templates import TEMPLATE_SPLIT, TEMPLATES
from logsumd.train.vocab import SPLITS, VOCAB, split_of_index, vocab_for
from logsumd.understand import Redactor, classify, redact_event

SIZES = {"train": 4, "validation": 2, "test": 2}


@pytest.fixture(scope="session")
def splits() -> dict[str, list[dict[str, Any]]]:
    built, _ = build_dataset(seed=7, per_category=SIZES)
    return built


class RecordingBackend:
    """A fake model: canned completions in order; records every token prompt."""

    specials: tuple[str, ...] = ("<eos>",)

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = deque(texts)
        self.prompts: list[list[int]] = []

    @property
    def bos(self) -> int | None:
        return 2

    def tokenize(self, text: bytes, add_bos: bool, special: bool) -> list[int]:
        # special and plain text map to different ids, so a wrong flag shows
        return ([2] if add_bos else []) + [(3000 if special else 1000) + b for b in text]

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
        self.prompts.append(list(tokens))
        return Completion(self.texts.popleft(), len(tokens), 5, 0.0, False, "stop")

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


def test_every_category_in_every_split(splits: dict[str, list[dict[str, Any]]]) -> None:
    """Each split holds the requested number of examples of all 13 categories."""
    for name, records in splits.items():
        counts = Counter(r["category"] for r in records if r["source"] == "generated")
        assert counts == dict.fromkeys(CATEGORIES, SIZES[name]), name
    assert any(r["source"] == "handwritten" for r in splits["train"])


def test_formats_cover_the_log_kinds(splits: dict[str, list[dict[str, Any]]]) -> None:
    """Airflow, plain logging, Spark (log4j 1 and 2), Airflow spark-submit and dbt all occur."""
    formats = {r["format"] for records in splits.values() for r in records}
    expected = {
        "airflow", "python_logging", "spark_log4j1", "spark_log4j2",
        "airflow_spark_submit", "dbt",
    }  # fmt: skip
    assert expected <= formats


def test_templates_are_split_whole() -> None:
    """Every category has templates in every split, and a template belongs to one split."""
    for category in CATEGORIES:
        owned = {TEMPLATE_SPLIT[t.id] for t in TEMPLATES if t.category == category}
        assert owned == set(SPLITS), category


def test_splits_disjoint_by_template_and_vocabulary(
    splits: dict[str, list[dict[str, Any]]],
) -> None:
    """No template, vocabulary item or digit-masked event text is shared by two splits."""
    templates = {name: {r["template"] for r in recs} for name, recs in splits.items()}
    vocab = {name: {v for r in recs for v in r["vocab"]} for name, recs in splits.items()}
    masked = {name: {re.sub(r"\d+", "0", r["raw"]) for r in recs} for name, recs in splits.items()}
    for i, a in enumerate(SPLITS):
        for b in SPLITS[i + 1 :]:
            assert not templates[a] & templates[b], (a, b)
            assert not vocab[a] & vocab[b], (a, b)
            assert not masked[a] & masked[b], (a, b)


def test_vocabulary_partition_is_disjoint() -> None:
    """The three vocabularies of every list are disjoint and each is non-empty."""
    parts = {s: vocab_for(s) for s in SPLITS}
    every = [v for values in VOCAB.values() for v in values]
    assert len(set(every)) == len(every), "an item is in two vocabularies"
    for key, values in VOCAB.items():
        assert len(set(values)) == len(values), key
        for s in SPLITS:
            assert parts[s][key], (key, s)
        assert not set(parts["train"][key]) & set(parts["test"][key])
    assert [split_of_index(i) for i in range(5)] == ["train"] * 3 + ["validation", "test"]


def test_key_facts_occur_in_raw(splits: dict[str, list[dict[str, Any]]]) -> None:
    """Every key fact of every record is a verbatim substring of its raw text."""
    for records in splits.values():
        for record in records:
            assert record["key_facts"], record["id"]
            for fact in record["key_facts"]:
                assert fact in record["raw"], (record["id"], fact)


def test_serving_prompt_equals_training_prompt(
    splits: dict[str, list[dict[str, Any]]],
) -> None:
    """The daemon's summarizer with an adapter sends the training tokens and writes the summary.

    The event goes through the assembler, redaction, classification and the
    LlamaSummarizer as in ``logsumd eval``; the fake model answers with the
    record's cause and check.
    """
    redactor = Redactor(())
    settings = SummarizerSettings(adapter="/models/etl-lora.gguf")
    checked = 0
    for records in splits.values():
        for record in records[::3]:
            event = pick_event(events_of_raw(record["id"], record["raw"], MultilineSettings()))
            assert event is not None
            clean = redact_event(event, redactor)
            backend = RecordingBackend([f" {record['cause']}\n", f" {record['check']}\n"])
            summarizer = LlamaSummarizer(backend, settings, redactor)
            assert summarizer.prompt_preview(clean, classify(clean)) == record["prompt"]
            summary = summarizer.summarize(clean, classify(clean))
            prompt = training_prompt_tokens(record, backend.tokenize, backend.bos)
            answer = answer_tokens(record["cause"], record["check"], backend.tokenize)
            check_prompt = prompt + answer[: len(backend.prompts[1]) - len(prompt)]
            assert backend.prompts[0] == prompt, record["id"]
            assert backend.prompts[1] == check_prompt, record["id"]
            assert (
                backend.prompts[1]
                + backend.tokenize(f" {record['check']}\n".encode(), False, False)
                == prompt + answer
            )
            assert (summary.text, summary.summarizer) == (record["summary"], "llama")
            checked += 1
    assert checked >= 20


def test_base_model_keeps_few_shot_prompts(splits: dict[str, list[dict[str, Any]]]) -> None:
    """Without an adapter the prompt still carries the few-shot examples."""
    record = splits["test"][0]
    event = pick_event(events_of_raw(record["id"], record["raw"], MultilineSettings()))
    assert event is not None
    summarizer = LlamaSummarizer(
        RecordingBackend([]), SummarizerSettings(adapter="none"), Redactor(())
    )
    preview = summarizer.prompt_preview(event, classify(event))
    assert len(preview) > len(record["prompt"]) + 200
    assert preview.endswith(record["prompt"].split("\n\n", 1)[1])


def test_jsonl_round_trip_and_card(splits: dict[str, list[dict[str, Any]]], tmp_path: Any) -> None:
    """Records are written in the eval format (raw, category, key_facts, summary) and read back."""
    path = tmp_path / "test.jsonl"
    assert write_jsonl(path, splits["test"]) == len(splits["test"])
    back = list(read_jsonl(path))
    assert back == splits["test"]
    assert {"raw", "category", "key_facts", "summary"} <= set(back[0])
    card = data_card(splits)
    assert card["test"]["records"] == len(splits["test"])
