"""Merge the three reviewers' ratings into one file (each item rated by its block's owner).

    python eval/review/test-2026-12-06-d/merge_ratings.py
    python bench/review.py score --ratings eval/review/test-2026-12-06-d/ratings-merged.csv \
        --key eval/review/test-2026-12-06-d/key.json

The 90 items were cut into three blocks in order (30 items each); each reviewer also
rated the first 5 items of the next block (the third, of the first), so 45 rows were
rated twice: their agreement is printed, and the owner's rating is the one kept.
"""

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
rows = {k: list(csv.DictReader((HERE / f"ratings-r{k}.csv").open())) for k in (1, 2, 3)}
items = sorted({r["item"] for k in rows for r in rows[k]})
n = len(items)
owner = {it: 1 if i < n // 3 else 2 if i < 2 * n // 3 else 3 for i, it in enumerate(items)}
by = {k: {(r["item"], r["summary"]): r for r in rows[k]} for k in rows}
agree = {"cause": [0, 0], "next_step": [0, 0], "invented": [0, 0]}
merged = []
for k in rows:
    for r in rows[k]:
        if owner[r["item"]] == k:
            merged.append(r)
            continue
        o = by[owner[r["item"]]][(r["item"], r["summary"])]
        for f, counts in agree.items():
            counts[0] += r[f] == o[f]
            counts[1] += 1
merged.sort(key=lambda r: (r["item"], r["summary"]))
with (HERE / "ratings-merged.csv").open("w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(merged[0]))
    w.writeheader()
    w.writerows(merged)
print(
    f"{len(merged)} rows (owner ratings); overlap rows rated twice {agree['cause'][1]}",
    {f: round(a / t, 2) for f, (a, t) in agree.items()},
)
