"""Scan outputs for corpus secrets: python tests/attack/scan12.py PATH... (prints leaks).

Files are read raw and, where a line or the whole file is JSON, every string in it
(nested JSON strings too) is added; HTML escapes and Slack's look-alike characters
are mapped back so that neither hides a secret.
"""

from __future__ import annotations

import contextlib
import html
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.attack import corpus12 as c

LOOKALIKES = str.maketrans(
    {"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`", "\ua789": ":"}
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if value[:1] in "{[":
            with contextlib.suppress(ValueError):
                yield from _strings(json.loads(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def texts_of(paths: list[str]) -> str:
    """Everything the files under ``paths`` hold, normalised for searching."""
    out: list[str] = []
    for name in paths:
        p = Path(name)
        files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
        for f in files:
            if f.suffix == ".gguf" or f.stat().st_size > 50_000_000:
                continue
            raw = f.read_bytes().decode("utf-8", "replace")
            out.append(raw)
            for chunk in [raw, *raw.splitlines()]:
                try:
                    out.extend(_strings(json.loads(chunk)))
                except ValueError:
                    continue
    text = "\n".join(out)
    return text + "\n" + html.unescape(text).translate(LOOKALIKES)


def _benign() -> str:
    """Corpus text with every secret removed: fragments found here are not leaks."""
    text = "\n".join(e.text for e in c.EVENTS) + "\n".join(c.CLEAN)
    for _, _, value in sorted(c.all_secrets(), key=lambda s: -len(s[2])):
        text = text.replace(value, "\x00")
    return text


BENIGN = _benign()


def leaks(text: str) -> list[tuple[str, str, str, str]]:
    """(event, kind, value, 'whole'|fragment) for each secret found in ``text``."""
    found = []
    for event, kind, value in c.all_secrets():
        if value in text:
            found.append((event, kind, value, "whole"))
            continue
        for i in range(len(value) - 7):
            frag = value[i : i + 8]
            if frag in text and frag not in BENIGN:
                found.append((event, kind, value, frag))
                break
    return found


if __name__ == "__main__":
    res = leaks(texts_of(sys.argv[1:]))
    for event, kind, value, how in res:
        tag = "WHOLE" if how == "whole" else "FRAG "
        print(f"{tag}\t{event}\t{kind}\t{value[:60]}\t{'' if how == 'whole' else how}")
    whole = sum(1 for r in res if r[3] == "whole")
    print(f"total secrets {len(c.all_secrets())}: whole {whole}, fragment {len(res) - whole}")
