"""The fine-tuning data set: generated ETL failures with reference answers.

Every example goes through the daemon's own stages (the Assembler, the
Redactor, ``classify``, ``condense`` and ``prompts``), exactly as
``logsumd eval`` runs them, so the prompt a model is trained on is the prompt
it is served.  The training target is what the summarizer asks the model for:
``" <cause>\\nCheck: <check>\\n"`` after the prompt's ``Cause:``.  Examples
whose reference answer the summarizer's own checks would reject
(:func:`~logsumd.summarize.refine_answer`,
:func:`~logsumd.summarize.output_check.check_summary`) are dropped, so the model
learns only answers that can be sent.

Splits: templates are assigned to a split as a whole and every vocabulary is
partitioned, so no near-duplicate crosses train, validation and test.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from logsumd.config import CATEGORIES, MultilineSettings
from logsumd.eval import events_of_raw, pick_event
from logsumd.summarize import (
    ADVICE,
    ANSWER_PREFIX,
    CHECK_LABEL,
    Answer,
    Facts,
    build_parts,
    check_summary,
    extract_facts,
    facts_block,
    refine_answer,
)
from logsumd.summarize.diagnose import Findings, examine, written_summary
from logsumd.train._formats import FORMATS_BY_KIND, RENDERERS
from logsumd.train._handwritten import HANDWRITTEN
from logsumd.train.templates import TEMPLATE_SPLIT, TEMPLATES, Draw, TemplateInfo
from logsumd.train.vocab import SPLITS
from logsumd.understand import Redactor, classify, redact_event

DEFAULT_PER_CATEGORY = {"train": 160, "validation": 10, "test": 6}


@dataclass(frozen=True, slots=True)
class Served:
    """What the summarizer derives from a raw event before asking the model."""

    facts: Facts
    findings: Findings
    """What the summary's headline is built from."""
    evidence: str
    """The redacted event text that output checks compare against."""
    block: str
    """The facts block: the event part of the prompt."""


def serve(raw: str, record_id: str = "gen") -> Served | None:
    """Run ``raw`` through the daemon's stages as ``logsumd eval`` does; None without event."""
    redactor = Redactor(())
    event = pick_event(events_of_raw(record_id, raw, MultilineSettings()))
    if event is None:
        return None
    clean = redact_event(event, redactor)
    cls = classify(clean)
    facts = extract_facts(clean, cls, redactor)
    evidence = redactor.redact("\n".join([clean.text, *clean.context]))
    return Served(facts, examine(clean, cls, None), evidence, facts_block(facts))


def target_text(cause: str, check: str) -> str:
    """What the model writes after ``Cause:``: the two lines the summarizer parses."""
    return f" {cause}\n{CHECK_LABEL} {check}\n"


def make_record(
    raw: str,
    category: str,
    key_facts: Iterable[str],
    cause: str,
    check: str,
    meta: dict[str, str],
) -> tuple[dict[str, Any] | None, str]:
    """A data-set record of one example, or None and why it was dropped."""
    facts_list = list(key_facts)
    missing = [f for f in facts_list if f not in raw]
    if missing:
        return None, f"key fact not in raw: {missing[0]!r}"
    served = serve(raw, meta.get("id", "gen"))
    if served is None or not (served.facts.error or served.facts.header):
        return None, "no event"
    kept, problems = refine_answer(Answer(cause, check), served.facts, served.evidence)
    if kept is None or kept.cause != cause or kept.check != check:
        return None, f"answer rejected: {problems[:1]}"
    if check_summary(f"{cause}; {check}", served.block):
        return None, "answer names something the prompt does not show"
    advice = ADVICE.get(served.facts.category, "")
    summary = written_summary(served.findings, kept.cause, kept.check, "llama", advice).text
    if check_summary(summary, served.evidence):
        return None, "summary rejected"
    parts = build_parts(served.block, served.facts.category, few_shot=False)
    record: dict[str, Any] = {
        **meta,
        "category": category,
        "raw": raw,
        "key_facts": facts_list,
        "summary": summary,
        "facts": served.block,
        "predicted_category": served.facts.category,
        "prompt": parts.instructions + parts.examples + parts.event + ANSWER_PREFIX,
        "target": target_text(cause, check),
        "cause": cause,
        "check": check,
    }
    return record, ""


def _generate_one(
    info: TemplateInfo, fmt: str, rng: random.Random, split: str, number: int
) -> tuple[dict[str, Any] | None, str, set[str]]:
    draw = Draw(rng, split)
    failure = info.make(draw)
    raw = RENDERERS[fmt](failure, rng)
    meta = {
        "id": f"{split}-{info.category}-{number:04d}",
        "split": split,
        "template": info.id,
        "format": fmt,
        "source": "generated",
    }
    record, why = make_record(raw, info.category, failure.facts, failure.cause, failure.check, meta)
    return record, why, draw.used


def generate_split(
    split: str, per_category: int, seed: int, drops: Counter[str] | None = None
) -> list[dict[str, Any]]:
    """``per_category`` examples of every category from ``split``'s templates and vocabulary."""
    rng = random.Random(f"{seed}-{split}")
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for category in CATEGORIES:
        infos = [t for t in TEMPLATES if t.category == category and TEMPLATE_SPLIT[t.id] == split]
        combos = [(info, fmt) for info in infos for fmt in FORMATS_BY_KIND[info.kind]]
        made, tries = 0, 0
        while made < per_category and tries < per_category * 20:
            info, fmt = combos[tries % len(combos)]
            tries += 1
            record, why, used = _generate_one(info, fmt, rng, split, made)
            if record is None or record["raw"] in seen:
                if drops is not None:
                    drops[f"{info.id}/{fmt}: {why or 'duplicate'}"] += 1
                continue
            seen.add(record["raw"])
            record["vocab"] = sorted(used)
            records.append(record)
            made += 1
    return records


def handwritten_records() -> list[dict[str, Any]]:
    """The hand-written examples (all in the training split)."""
    out: list[dict[str, Any]] = []
    for i, ex in enumerate(HANDWRITTEN):
        meta = {
            "id": f"hand-{i:03d}",
            "split": "train",
            "template": f"hand-{i:03d}",
            "format": ex.format,
            "source": "handwritten",
        }
        record, why = make_record(ex.raw, ex.category, ex.key_facts, ex.cause, ex.check, meta)
        if record is None:
            raise ValueError(f"hand-written example {i} is rejected: {why}")
        record["vocab"] = []
        out.append(record)
    return out


def build_dataset(
    seed: int = 0, per_category: dict[str, int] | None = None
) -> tuple[dict[str, list[dict[str, Any]]], Counter[str]]:
    """All three splits (hand-written examples in train) and the drop reasons."""
    sizes = {**DEFAULT_PER_CATEGORY, **(per_category or {})}
    drops: Counter[str] = Counter()
    splits = {s: generate_split(s, sizes[s], seed, drops) for s in SPLITS}
    splits["train"] = handwritten_records() + splits["train"]
    return splits, drops


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records one JSON object a line; the number written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def data_card(splits: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Sizes per split, category, format and source (for docs/finetune.md)."""
    card: dict[str, Any] = {}
    for name, records in splits.items():
        card[name] = {
            "records": len(records),
            "templates": len({r["template"] for r in records}),
            "categories": dict(Counter(r["category"] for r in records)),
            "formats": dict(Counter(r["format"] for r in records)),
            "sources": dict(Counter(r["source"] for r in records)),
        }
    return card
