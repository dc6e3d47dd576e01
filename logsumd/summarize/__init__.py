"""Summarizing: a short, checked summary of one classified event.

The diagnosis catalogue (``diagnoses.yaml`` and the config's own entries) gives
the cause and the next step of the failure modes it knows, in the event's own
identifiers; where it is silent the local GGUF model (llama.cpp) writes them,
and every named thing in its answer must occur in the event, else the
rule-based summary is used.  Every summary starts with a headline of what
failed and stays within 40 words.  Model calls run on one worker thread behind
a bounded queue (:class:`SummaryWorker`).
"""

from __future__ import annotations

from logsumd.summarize._refine import refine_answer
from logsumd.summarize._worker import SummaryWorker
from logsumd.summarize.backend import ModelUnavailable
from logsumd.summarize.condense import Facts, RedactorLike, extract_facts, facts_block, what_failed
from logsumd.summarize.factory import make_summarizer, summaries_stamp
from logsumd.summarize.llama_backend import LlamaTokens
from logsumd.summarize.model_file import ModelError, ensure_embedded_model
from logsumd.summarize.output_check import (
    METRIC_KINDS,
    check_summary,
    extract_entities,
    normalise,
    occurs_in,
)
from logsumd.summarize.prompts import (
    ANSWER_PREFIX,
    CHECK_LABEL,
    Answer,
    build_parts,
    compose_summary,
    prompt_tokens,
)
from logsumd.summarize.rule_summary import ADVICE
from logsumd.summarize.summarizer import Summarizer

__all__ = [
    "ADVICE",
    "ANSWER_PREFIX",
    "CHECK_LABEL",
    "METRIC_KINDS",
    "Answer",
    "Facts",
    "LlamaTokens",
    "ModelError",
    "ModelUnavailable",
    "RedactorLike",
    "Summarizer",
    "SummaryWorker",
    "build_parts",
    "check_summary",
    "compose_summary",
    "ensure_embedded_model",
    "extract_entities",
    "extract_facts",
    "facts_block",
    "make_summarizer",
    "normalise",
    "occurs_in",
    "prompt_tokens",
    "refine_answer",
    "summaries_stamp",
    "what_failed",
]
