"""A blinded review of summaries: the packet a reviewer rates, and the scores of the ratings.

Fact-copying metrics cannot tell whether advice is right; a reviewer who did
not write the code can.  :func:`make_packet` writes, for each event, the event
text (its span marked) and the summaries of two or more configurations under
neutral letters in a random order per event; which configuration wrote which
letter goes to a separate key file.  The reviewer fills one row per summary
in ``ratings.csv``: the cause and the next step each ``correct-specific``,
``correct-generic``, ``missing`` or ``wrong``; invented facts ``yes`` or
``no``; usefulness 1 to 5.  :func:`score_ratings` unblinds the ratings with the
key and reports each configuration's shares, and how often one beats another.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERDICTS = ("correct-specific", "correct-generic", "missing", "wrong")
RATING_FIELDS = ("item", "summary", "cause", "next_step", "invented", "usefulness", "comment")
LETTERS = "ABCDEFGH"
SPAN_MARK = ">> "
CONTEXT_MARK = "   "


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One event to review and the summaries each configuration wrote for it."""

    event_id: str
    text: str
    span: tuple[int, int]
    """First and last line (1-based) of the event inside ``text``."""
    summaries: Mapping[str, str]
    """Configuration name -> summary."""
    path: str = ""
    """The log file the event was read from (its Slack message shows it too)."""


def marked_text(text: str, span: tuple[int, int], max_line_chars: int = 400) -> str:
    """``text`` with the span's lines marked ``>>`` and very long lines cut."""
    first, last = span
    out = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if len(line) > max_line_chars:
            line = line[:max_line_chars] + f" [... {len(line) - max_line_chars} characters]"
        out.append((SPAN_MARK if first <= number <= last else CONTEXT_MARK) + line)
    return "\n".join(out)


INSTRUCTIONS = """\
# Blinded review of error summaries

Each item shows an ETL error event from a real log (the lines of the event are
marked `>>`; the others are the lines around it) and {n} summaries of it, under
letters in a random order.  Rate each summary in `ratings.csv`, one row per
item and letter (the rows are there; fill in the empty columns):

- `cause`: is the likely cause it states right?  `correct-specific` (right and
  in this event's own terms: the file, module, column, host...), `correct-generic`
  (right but could be said of any error of its kind), `missing` (no cause given),
  `wrong` (wrong or misleading).
- `next_step`: the same four values for the step it tells the on-call engineer to take.
- `invented`: `yes` if it states a fact (a name, path, number, cause) that the
  event does not support, else `no`.
- `usefulness`: 1 (useless or harmful) to 5 (what an experienced engineer would write).
- `comment`: optional.

Judge each summary on its own, from the event alone.
"""


def make_packet(
    items: Sequence[ReviewItem], packet_dir: Path, key_dir: Path, seed: int = 0
) -> None:
    """Write ``packet.md`` and ``ratings.csv`` to ``packet_dir``, ``key.json`` to ``key_dir``."""
    rng = random.Random(seed)
    packet_dir.mkdir(parents=True, exist_ok=True)
    key_dir.mkdir(parents=True, exist_ok=True)
    configs = max((len(i.summaries) for i in items), default=0)
    parts = [INSTRUCTIONS.format(n=configs)]
    key: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, str]] = []
    order = list(items)
    rng.shuffle(order)
    for number, item in enumerate(order, start=1):
        name = f"{number:03d}"
        configs_here = list(item.summaries)
        rng.shuffle(configs_here)
        letters = dict(zip(LETTERS, configs_here, strict=False))
        key[name] = {"event": item.event_id, "letters": letters}
        parts.append(f"\n## Item {name}\n")
        if item.path:
            parts.append(f"Log file: `{item.path}`\n")
        parts += ["```", marked_text(item.text, item.span), "```\n"]
        for letter, config in letters.items():
            summary = item.summaries[config].strip().replace("\n", "\n    ")
            parts.append(f"**Summary {letter}**\n\n    {summary}\n")
            rows.append({"item": name, "summary": letter})
    (packet_dir / "packet.md").write_text("\n".join(parts), encoding="utf-8")
    with (packet_dir / "ratings.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=RATING_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    (key_dir / "key.json").write_text(json.dumps(key, indent=1, sort_keys=True), encoding="utf-8")


@dataclass(slots=True)
class ConfigScore:
    """The ratings of one configuration."""

    rated: int = 0
    cause: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    next_step: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    invented: int = 0
    usefulness: list[int] = field(default_factory=list)

    def share(self, which: str, verdict: str) -> float:
        """Share of rated summaries whose ``which`` (cause, next_step) got ``verdict``."""
        counts: dict[str, int] = getattr(self, which)
        return counts[verdict] / self.rated if self.rated else 0.0

    @property
    def invented_share(self) -> float:
        """Share of rated summaries stating something the event does not support."""
        return self.invented / self.rated if self.rated else 0.0

    @property
    def mean_usefulness(self) -> float:
        """Mean usefulness (1-5) over rated summaries."""
        return sum(self.usefulness) / len(self.usefulness) if self.usefulness else 0.0


class RatingError(ValueError):
    """A row of the ratings file cannot be scored (its line is in the message)."""


def _verdict(value: str, column: str, line: int) -> str:
    value = value.strip().lower()
    if value not in VERDICTS:
        raise RatingError(f"line {line}: {column} must be one of {', '.join(VERDICTS)}")
    return value


def read_ratings(path: Path) -> list[dict[str, str]]:
    """The filled rows of a ratings file (rows without a cause verdict are skipped)."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if (row.get("cause") or "").strip()]


def score_ratings(
    rows: Sequence[Mapping[str, str]], key: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, ConfigScore], dict[tuple[str, str], tuple[int, int, int]]]:
    """Per configuration scores, and per pair (a, b) of configurations (wins, ties, losses)
    of a over b on usefulness, over the items where both were rated."""
    scores: dict[str, ConfigScore] = {}
    useful: dict[str, dict[str, int]] = {}
    for line, row in enumerate(rows, start=2):
        item = row["item"].strip().zfill(3)
        letters = key.get(item, {}).get("letters", {})
        config = letters.get(row["summary"].strip().upper())
        if config is None:
            raise RatingError(f"line {line}: no item {item} summary {row['summary']} in the key")
        score = scores.setdefault(config, ConfigScore())
        score.rated += 1
        score.cause[_verdict(row["cause"], "cause", line)] += 1
        score.next_step[_verdict(row["next_step"], "next_step", line)] += 1
        invented = row["invented"].strip().lower()
        if invented not in ("yes", "no"):
            raise RatingError(f"line {line}: invented must be yes or no")
        score.invented += invented == "yes"
        try:
            value = int(row["usefulness"])
        except ValueError:
            raise RatingError(f"line {line}: usefulness must be 1 to 5") from None
        if not 1 <= value <= 5:
            raise RatingError(f"line {line}: usefulness must be 1 to 5")
        score.usefulness.append(value)
        useful.setdefault(item, {})[config] = value
    pairs: dict[tuple[str, str], tuple[int, int, int]] = {}
    names = sorted(scores)
    for a in names:
        for b in names:
            if a == b:
                continue
            both = [u for u in useful.values() if a in u and b in u]
            wins = sum(1 for u in both if u[a] > u[b])
            ties = sum(1 for u in both if u[a] == u[b])
            pairs[(a, b)] = (wins, ties, len(both) - wins - ties)
    return scores, pairs


def format_scores(
    scores: Mapping[str, ConfigScore], pairs: Mapping[tuple[str, str], tuple[int, int, int]]
) -> str:
    """A Markdown report of :func:`score_ratings`."""
    names = sorted(scores)
    out = ["| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    out.append("| summaries rated | " + " | ".join(str(scores[n].rated) for n in names) + " |")
    for which, label in (("cause", "cause"), ("next_step", "next step")):
        for verdict in VERDICTS:
            cells = " | ".join(f"{scores[n].share(which, verdict):.0%}" for n in names)
            out.append(f"| {label} {verdict} | {cells} |")
    out.append("| invented facts | " + " | ".join(f"{scores[n].invented_share:.0%}" for n in names))
    out[-1] += " |"
    cells = " | ".join(f"{scores[n].mean_usefulness:.2f}" for n in names)
    out.append(f"| usefulness (1-5) | {cells} |")
    if pairs:
        out += ["", "| usefulness: A vs B | wins | ties | losses |", "|---|---|---|---|"]
        out += [f"| {a} vs {b} | {w} | {t} | {lo} |" for (a, b), (w, t, lo) in pairs.items()]
    return "\n".join(out) + "\n"
