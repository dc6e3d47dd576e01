"""Evaluation: how well detection, classification and summaries do on labelled events.

``logsumd eval`` runs the daemon's own assembler, classifier and summarizers
over a labelled data set and reports detection, category accuracy and macro-F1,
key-fact recall, entity precision, ROUGE-L and latency.
"""

from __future__ import annotations

from logsumd.eval._cli import add_eval_parser, eval_main
from logsumd.eval.evaluate import events_of_raw, pick_event

__all__ = [
    "add_eval_parser",
    "eval_main",
    "events_of_raw",
    "pick_event",
]
