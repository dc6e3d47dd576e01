"""False positives: clean lines whose message gained a mask in ``logsumd summarize --json``.

python tests/attack/fp12.py SUMMARIZE_OUTPUT.jsonl   (of the clean.log written by write_corpus.py)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.attack import corpus12 as c


def masked_clean_lines(records: list[dict[str, object]]) -> list[tuple[str, str]]:
    """(clean line, message) for each clean line whose event message holds a new ``***``."""
    out: list[tuple[str, str]] = []
    for r in records:
        first, last = int(r["line_start"]), int(r["line_end"])  # type: ignore[call-overload]
        idx = {(ln - 1) // 2 for ln in range(first, last + 1) if ln % 2 == 1}
        msg = str(r["message"])
        if msg.count("***") > sum(c.CLEAN[i].count("***") for i in idx if i < len(c.CLEAN)):
            out.extend((c.CLEAN[i], str(r["message"])) for i in sorted(idx) if i < len(c.CLEAN))
    return out


if __name__ == "__main__":
    recs = [json.loads(x) for x in Path(sys.argv[1]).read_text().splitlines() if x.strip()]
    fps = masked_clean_lines(recs)
    for line, msg in fps:
        print("FP", line[:110], "\n   ->", msg[:160])
    rate = 100 * len(fps) / len(c.CLEAN)
    print(f"clean lines {len(c.CLEAN)}: false positives {len(fps)} ({rate:.1f}%)")
