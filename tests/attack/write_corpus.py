"""Write the attack corpus as log files: python tests/attack/write_corpus.py DIR."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.attack import corpus12 as c

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for e in c.EVENTS:
    (out / f"{e.name}.log").write_text(e.text + "2025-03-02 04:59:59,000 INFO etl: done\n")
clean = out / "clean"
clean.mkdir(exist_ok=True)
lines = []
for i, line in enumerate(c.CLEAN):
    lines.append(f"2025-03-02 05:{i // 60:02d}:{i % 60:02d},000 ERROR etl.job: {line}")
    lines.append(f"2025-03-02 05:{i // 60:02d}:{i % 60:02d},500 INFO etl.job: step {i} done")
(clean / "clean.log").write_text("\n".join(lines) + "\n")


def _alpha(i: int) -> str:
    return "".join(chr(97 + int(d)) for d in str(i))


records = out / "records"
records.mkdir(exist_ok=True)
for e in c.EVENTS:
    rec = [
        f"2025-03-02 04:50:{i % 60:02d},{i:03d} ERROR etl.dump.{e.name}.{_alpha(i)}: {line}"
        for i, line in enumerate(
            re.sub(
                r"(?m)^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[,.]\d+|\[\S+\] \{\S+\}"
                r"|\d\d/\d\d/\d\d \d\d:\d\d:\d\d) \w+ -? ?",
                "",
                e.text,
            ).splitlines()
        )
        if line.strip()
    ]
    (records / f"{e.name}.log").write_text(
        "\n".join(rec) + "\n2025-03-02 04:59:59,000 INFO etl: done\n"
    )
