"""Evaluation: how well detection, classification and summaries do on labelled events.

``logsumd eval`` runs the daemon's own reader, assembler, understand step and
summarizers over a labelled data set and reports detection, exact spans,
category accuracy and macro-F1 with a confusion matrix, root-exception
accuracy, key-fact recall, entity precision, ROUGE-L and latency, overall and
per format.
"""

from __future__ import annotations

from logsumd.eval._cli import add_eval_parser, eval_main
from logsumd.eval._dataset import LabelledEvent, load_events
from logsumd.eval.evaluate import Understood, events_of_raw, pick_event, understand_all

__all__ = [
    "LabelledEvent",
    "Understood",
    "add_eval_parser",
    "eval_main",
    "events_of_raw",
    "load_events",
    "pick_event",
    "understand_all",
]
