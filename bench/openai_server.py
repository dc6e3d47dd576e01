"""Summaries through a shared model server against the in-process model, on the same events.

    python bench/openai_server.py [DATASET.jsonl] [--base-url URL] [--state-dir DIR]

Starts ``python -m logsumd.summarize.serve`` (llama-cpp-python's OpenAI-compatible
server with the embedded model and logsumd's LoRA adapter; the same thread
counts as the in-process default) on a free port, unless ``--base-url`` names a
running one.  Then ``logsumd eval`` runs on DATASET twice, one variant after
the other: ``in-process`` (``backend: llama``, the default) and ``server``
(``backend: openai``, ``/v1/completions``), both with ``timeout_secs`` 60 (a
busy machine then compares answers, not timeouts).  It prints the eval table, the
differences of every quality figure, how many summaries are identical, and the
latency of each.  Last, the server is stopped and the same events go to its
dead port: the rules fallback, and how long an event waits for it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from logsumd.cli._logsetup import configure_logging
from logsumd.config import OpenAISettings, SummarizerSettings
from logsumd.eval._metrics import percentile
from logsumd.eval._report import format_text
from logsumd.eval._results import VariantResult, rouge_l
from logsumd.eval.evaluate import run_eval
from logsumd.understand import Redactor
from tests.model_server import MODEL, ModelServer, free_port

DEFAULT_DATASET = "/work/shared/data/real-dev/events.jsonl"


def _deltas(a: VariantResult, b: VariantResult) -> list[tuple[str, float, float]]:
    return [
        ("category accuracy", a.report.accuracy, b.report.accuracy),
        ("category macro-F1", a.report.macro_f1, b.report.macro_f1),
        ("key-fact recall", a.key_fact_recall, b.key_fact_recall),
        ("entity precision", a.entity_precision, b.entity_precision),
        ("ROUGE-L F1", rouge_l(a.records) or 0.0, rouge_l(b.records) or 0.0),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dataset", nargs="?", default=DEFAULT_DATASET)
    parser.add_argument("--base-url", help="a running server's /v1 root (default: start one)")
    parser.add_argument("--model", default=MODEL, help="model name on that server")
    parser.add_argument("--state-dir", default=os.environ.get("LOGSUMD_STATE_DIR", "/tmp/logsumd"))
    parser.add_argument(
        "--timeout-secs",
        type=float,
        default=60.0,
        help="summarizer.timeout_secs of both variants: long, so that a busy machine "
        "compares answers rather than timeouts (default 60)",
    )
    args = parser.parse_args(argv)
    configure_logging("error", "console")  # not the model's load log, nor fallbacks

    server: ModelServer | None = None
    base_url = args.base_url
    if base_url is None:
        server = ModelServer(args.state_dir)
        started = time.monotonic()
        server.wait_ready()
        print(f"server ready in {time.monotonic() - started:.1f} s at {server.base_url}")
        base_url = server.base_url
    local = SummarizerSettings(timeout_secs=args.timeout_secs)
    remote = replace(
        local, backend="openai", openai=OpenAISettings(base_url=base_url, model=args.model)
    )
    try:
        result = run_eval(args.dataset, [("in-process", local), ("server", remote)], args.state_dir)
    finally:
        if server is not None:
            server.stop()
    print(format_text(result))
    ours, theirs = result.variants
    worst = 0.0
    for label, a, b in _deltas(ours, theirs):
        worst = max(worst, abs(a - b))
        print(f"{label:20} in-process {a:.3f}  server {b:.3f}  difference {b - a:+.3f}")
    same = sum(x.summary == y.summary for x, y in zip(ours.records, theirs.records, strict=True))
    print(f"largest quality difference: {worst:.3f} (acceptance: <= 0.02)")
    print(f"identical summaries: {same}/{len(ours.records)}")
    for v in (ours, theirs):
        secs = [r.latency_secs for r in v.records]
        p50, p90 = percentile(secs, 50), percentile(secs, 90)
        print(f"latency {v.name:10} p50 {p50:.2f} s  p90 {p90:.2f} s")

    dead = replace(
        remote, openai=replace(remote.openai, base_url=f"http://127.0.0.1:{free_port()}/v1")
    )
    down = run_eval(args.dataset, [("server down", dead)], args.state_dir, Redactor(()))
    latencies = [r.latency_secs for r in down.variants[0].records]
    print(
        f"server down: written by {dict(down.variants[0].paths)}; "
        f"p50 {percentile(latencies, 50) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms "
        f"(timeout_secs {remote.timeout_secs:g})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
