"""The real-log corpus ``eval/real/events.jsonl`` keeps its documented invariants."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from logsumd.config import CATEGORIES
from logsumd.eval import load_events

CORPUS = Path(__file__).resolve().parent.parent / "eval" / "real"
EVENTS = CORPUS / "events.jsonl"

RESERVED = frozenset(
    name.lower()
    for name in (
        "024689/ProjetBigData",
        "47dhiraj/Data-Pipeline-with-Python-DBT-Airflow",
        "4lcatrust/etl_project",
        "7skaliahmed07/ETL-Airflow-Postgres",
        "Abdelaziz-Nabil/Crypto-Airflow-Pipeline",
        "AbdulMoizOfficial0/aws_scalable_etl",
        "Abhibangal/DataEngineering_Airlines_data",
        "AbraBen97/Pipeline-with-airflow-postgress-soda-dbt",
        "Aconsumeeverything/sparkingFlow",
        "Aida73/end-to-end-data-engineering-reddir-pipeline",
        "Ajay263/real_time_pipeline",
        "AnMol12499/Reddit-Analytics-Integration-Platform",
        "Anas-elkhabbaz/BigDataProject",
        "Andressa-Evelyn/compras-gov-data-pipeline",
        "Arashikage-XuanHoang/Real-Time-Music-Streaming-Analytics-Pipeline",
        "Bee0933/de-sora-union",
        "S-Delowar/DataFueler-automated-ETL-pipenine",
        "hquan07/Real-Time_Stock_Prediction_Pipeline",
        "lehongvo/Data-Engineering",
        "rjurney/Agile_Data_Code_2",
        "salesforce/TransmogrifAI",
        "yahoo/TensorFlowOnSpark",
    )
)
"""Repositories kept for independent evaluation: nothing from them may be in the corpus."""

FORMATS = frozenset(
    [
        "airflow",
        "airflow_spark",
        "spark",
        "pyspark",
        "dbt",
        "great_expectations",
        "soda",
        "kafka",
        "flink",
        "airbyte",
        "dagster",
        "prefect",
        "meltano",
        "python",
        "java",
        "other",
    ]
)
FIELDS = frozenset(
    [
        "id",
        "split",
        "source",
        "format",
        "text",
        "span",
        "first_exception_line",
        "category",
        "exception_type",
        "outer_exception_type",
        "key_facts",
        "diagnosis",
        "diagnosis_text",
        "summary",
        "notes",
    ]
)
_ISSUE_URL = re.compile(r"^https://github\.com/([\w.-]+/[\w.-]+)/(?:issues|pull)/\d+")


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines()]


RECORDS = _records()


def _repository(source: dict[str, Any]) -> str:
    """The ``owner/name`` a record comes from (an issue thread counts under its repository)."""
    if source["origin"] == "github_repo_file":
        return str(source["repo"])
    match = _ISSUE_URL.match(str(source["url"]))
    assert match is not None, source
    return match.group(1)


def test_corpus_size_and_sources() -> None:
    """At least 300 events from at least 60 sources, ids unique, every category present."""
    assert len(RECORDS) >= 300
    assert len({_repository(r["source"]) for r in RECORDS}) >= 60
    assert len({r["id"] for r in RECORDS}) == len(RECORDS)
    assert {r["category"] for r in RECORDS} == set(CATEGORIES)


def _record_problems(record: dict[str, Any]) -> list[str]:
    """What is wrong with one record (nothing, for a good one)."""
    problems: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    check(set(record) == FIELDS, f"fields {sorted(set(record) ^ FIELDS)}")
    check(record.get("format") in FORMATS, "unknown format")
    check(record.get("category") in CATEGORIES, "unknown category")
    source = record["source"]
    check(source["origin"] in ("github_repo_file", "github_issue"), "unknown origin")
    if source["origin"] == "github_repo_file":
        check(bool(re.fullmatch(r"[0-9a-f]{40}", source["commit"])), "commit is not 40 hex")
        check(
            source["line_end"] - source["line_start"] == record["span"][1] - record["span"][0],
            "source lines and span differ in length",
        )
    lines = record["text"].split("\n")
    count = len(lines) - (1 if record["text"].endswith("\n") else 0)
    first, last = record["span"]
    check(1 <= first <= record["first_exception_line"] <= last <= count, "span outside text")
    gap = 0  # blank lines right after the span: cut off its end, not context taken
    while last + gap < count and not lines[last + gap].strip("\r \t"):
        gap += 1
    check(first <= 31 and count - last - gap <= 30, "more than 30 lines of context on a side")
    check(bool(lines[last - 1].strip("\r \t")), "the span ends on a blank line")
    for key in ("exception_type", "outer_exception_type", "diagnosis"):
        check(bool(str(record.get(key, "")).strip()), f"empty {key}")
    check(0 < len(record["summary"].split()) <= 45, "summary empty or over 45 words")
    facts = record["key_facts"]
    check(1 <= len(facts) <= 5, "not 1 to 5 key facts")
    span = "\n".join(record["text"].split("\n")[first - 1 : last])
    check(all(fact in span for fact in facts), "a key fact is not verbatim in the span")
    return problems


def test_records_have_fields_spans_and_verbatim_key_facts() -> None:
    """Every record has the documented fields and labels, a span inside its text that
    ends on a non-blank line, with at most 30 lines of context on each side, and 1 to 5
    key facts copied from the span."""
    problems = {r["id"]: p for r in RECORDS if (p := _record_problems(r))}
    assert not problems


def test_split_is_the_documented_hash_of_the_repository() -> None:
    """A repository is in ``test`` when sha256 of its lower-case name is < 30 mod 100."""
    for record in RECORDS:
        repo = _repository(record["source"]).lower()
        bucket = int(hashlib.sha256(repo.encode()).hexdigest(), 16) % 100
        assert record["split"] == ("test" if bucket < 30 else "dev"), record["id"]
    splits = Counter(r["split"] for r in RECORDS)
    assert splits["dev"] > splits["test"] > 0


def test_no_reserved_repository() -> None:
    """No event comes from (or from an issue thread of) a reserved repository, nor from
    another repository of an owner of one (its logs may be the reserved one's)."""
    used = {_repository(r["source"]).lower() for r in RECORDS}
    assert not used & RESERVED
    owners = {name.split("/")[0] for name in RESERVED}
    assert not {name for name in used if name.split("/")[0] in owners}


def test_diagnoses_are_listed() -> None:
    """Every diagnosis id of the corpus (``new:`` ids added while labelling) is listed."""
    listed = {
        line.split()[0]
        for line in (CORPUS / "diagnoses.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {r["diagnosis"].removeprefix("new:") for r in RECORDS} <= listed


def test_eval_loads_the_corpus() -> None:
    """``logsumd eval`` reads every record, and ``--split`` selects the documented counts."""
    splits = Counter(r["split"] for r in RECORDS)
    assert len(load_events(str(EVENTS), "dev")) == splits["dev"]
    assert len(load_events(str(EVENTS), "test")) == splits["test"]


def _source_key(source: dict[str, Any]) -> str:
    """A repository's committed files are one source; each issue thread is one."""
    if source["origin"] == "github_repo_file":
        return str(source["repo"]).lower()
    return str(source["url"]).split("#")[0].lower()


HELD_OUT = sorted((CORPUS.parent / "heldout").glob("*/events.jsonl"))


def test_held_out_rounds_have_the_corpus_fields_and_no_corpus_source() -> None:
    """A round kept out of the corpus (``eval/heldout/``) is labelled like the corpus and
    shares no source with it (no repository's files, no issue thread; another thread of
    a repository is another source): it measures logs the fixes were not driven by."""
    if not HELD_OUT:
        pytest.skip("no round is kept out at present")
    used = {_source_key(r["source"]) for r in RECORDS}
    for path in HELD_OUT:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        problems = {r["id"]: p for r in records if (p := _record_problems(r))}
        assert not problems, path
        assert all(r["split"] == "held-out" for r in records)
        assert not {_source_key(r["source"]) for r in records} & used
        mine = {_repository(r["source"]).lower() for r in records}
        assert not mine & RESERVED
        assert not {name.split("/")[0] for name in mine} & {n.split("/")[0] for n in RESERVED}
