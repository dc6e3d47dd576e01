"""The catalogue's best entries for one message, for the tests of its entries."""

from __future__ import annotations

import re
import time

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import Candidate, load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event


def best_entries(text: str) -> list[Candidate]:
    """The shipped catalogue's distinct candidates for ``text``, best first."""
    event = make_event(text)
    return distinct(examine(event, classify(event), load_catalogue()).candidates)


def advice(candidate: Candidate) -> str:
    """The candidate's cause and next step, as the tests search them."""
    return candidate.cause + " | " + candidate.next_step


def assert_names(expected: str, text: str, *said: str) -> None:
    """The best entry for ``text`` is ``expected`` and its advice says each of ``said``."""
    best = best_entries(text)
    assert best, "no entry matched"
    assert best[0].id == expected
    for words in said:
        assert words in advice(best[0]), (words, advice(best[0]))


def fastest(rx: re.Pattern[str], text: str, runs: int = 3) -> float:
    """The shortest of ``runs`` timings of ``rx.search(text)``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        rx.search(text)
        best = min(best, time.perf_counter() - t0)
    return best
