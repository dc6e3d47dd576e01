"""Redaction on the secret corpus: secrets left, false positives, speed.

    python bench/redaction.py [--split dev|test] [--details] [--detect-secrets]

Reads ``tests/data/secrets/`` (see its README): each secret record's whole
multiline event is redacted as one text, then every listed secret is looked for
in the result, whole and as any 8-character fragment (a fragment that also
occurs in the record outside its secrets, such as ``Password`` of a key name,
does not count).  Each clean line counts as a false positive when redaction
changes it.  Speed is the redactor's time over all the secret records and
over all the clean lines.

``--details`` prints what leaked and which clean lines changed (``dev`` only:
the test split is for aggregate figures).  ``--detect-secrets`` also measures
Yelp's detect-secrets (``pip install detect-secrets``, default plugins, run
line by line as it scans files): which secrets it reports (a secret counts as
found when a reported value covers it), on how many clean lines it reports
anything, and its speed.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from logsumd.understand import Redactor

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "secrets"
FRAGMENT = 8


def load(name: str) -> list[dict[str, Any]]:
    """The records of one corpus file."""
    with open(CORPUS / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fragments(secret: str) -> set[str]:
    """Every ``FRAGMENT``-character piece of ``secret`` (none for a shorter secret)."""
    return {secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)}


def leaks(record: dict[str, Any], out: str) -> tuple[list[str], list[str]]:
    """(secrets left whole, secrets of which a fragment is left) in ``out``."""
    background = record["text"]
    for secret in sorted(record["secrets"], key=len, reverse=True):
        background = background.replace(secret, "\0")
    whole, parts = [], []
    for secret in record["secrets"]:
        if secret in out:
            whole.append(secret)
        elif any(f in out and f not in background for f in fragments(secret)):
            parts.append(secret)
    return whole, parts


def measure(
    redact: Callable[[str], str], records: list[dict[str, Any]], clean: list[dict[str, Any]]
) -> dict[str, Any]:
    """Leaks per kind, changed clean lines and timings of one redact function."""
    start = time.perf_counter()
    outs = [redact(r["text"]) for r in records]
    secret_secs = time.perf_counter() - start
    start = time.perf_counter()
    changed = [c for c in clean if redact(c["text"]) != c["text"]]
    clean_secs = time.perf_counter() - start
    by_kind: Counter[str] = Counter()
    found: list[tuple[dict[str, Any], list[str], list[str], str]] = []
    whole_n = part_n = 0
    for record, out in zip(records, outs, strict=True):
        whole, parts = leaks(record, out)
        whole_n += len(whole)
        part_n += len(parts)
        if whole or parts:
            by_kind[record["kind"]] += len(whole) + len(parts)
            found.append((record, whole, parts, out))
    return {
        "secrets": sum(len(r["secrets"]) for r in records),
        "whole": whole_n,
        "fragments": part_n,
        "by_kind": by_kind,
        "found": found,
        "changed": changed,
        "secret_secs": secret_secs,
        "clean_secs": clean_secs,
        "bytes": sum(len(r["text"]) for r in records),
    }


def detect_secrets_redact(work: Path) -> Callable[[str], str]:
    """A redact function from detect-secrets' findings: its file scan, default plugins.

    Each text is written to a ``.log`` file and scanned as detect-secrets scans
    a repository (its filters and entropy limits apply); every reported value
    is then masked where it occurs.
    """
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings

    path = work / "event.log"

    def redact(text: str) -> str:
        path.write_text(text, encoding="utf-8")
        with default_settings():
            values = {f.secret_value for f in scan_file(str(path)) if f.secret_value}
        for value in sorted(values, key=len, reverse=True):
            text = text.replace(value, "***")
        return text

    return redact


def report(name: str, m: dict[str, Any], clean_n: int, records_n: int, details: bool) -> None:
    print(f"{name}:")
    print(
        f"  secrets left whole {m['whole']} / {m['secrets']}, with an 8-char fragment left "
        f"{m['fragments']}"
    )
    rate = len(m["changed"]) / clean_n if clean_n else 0.0
    print(f"  clean lines changed {len(m['changed'])} / {clean_n} ({rate:.1%})")
    print(
        f"  speed: {m['secret_secs'] / records_n * 1e6:.0f} us per secret record "
        f"({m['bytes'] / m['secret_secs'] / 1e6:.1f} MB/s), "
        f"{m['clean_secs'] / clean_n * 1e6:.1f} us per clean line"
    )
    if m["by_kind"]:
        print("  leaks by kind: " + ", ".join(f"{k} {n}" for k, n in m["by_kind"].most_common()))
    if not details:
        return
    for record, whole, parts, out in m["found"]:
        print(f"  - {record['id']} {record['kind']} ({record['format']})")
        for secret in whole + parts:
            at = out.find(secret[:FRAGMENT])
            window = out[max(0, at - 80) : at + 120] if at >= 0 else out[:200]
            print(f"      {'whole' if secret in whole else 'part '} {secret!r}")
            print(f"      ... {window!r}")
    for c in m["changed"]:
        print(f"  ~ {c['id']}: {c['text']!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--details", action="store_true", help="what leaked (dev only)")
    ap.add_argument("--detect-secrets", action="store_true")
    args = ap.parse_args()
    if args.details and args.split != "dev":
        ap.error("--details is for the dev split; the test split gives aggregate figures only")
    records = load(f"secrets_{args.split}.jsonl")
    clean = load(f"clean_{args.split}.jsonl")
    kinds = len({r["kind"] for r in records})
    print(f"{args.split}: {len(records)} secret records of {kinds} kinds, {len(clean)} clean lines")
    redactor = Redactor()
    report(
        "logsumd", measure(redactor.redact, records, clean), len(clean), len(records), args.details
    )
    if args.detect_secrets:
        with tempfile.TemporaryDirectory() as work:
            m = measure(detect_secrets_redact(Path(work)), records, clean)
        report("detect-secrets 1.x (default plugins)", m, len(clean), len(records), False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
