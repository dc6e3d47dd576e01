"""Benchmark the llama summarizer: latency per event, tokens/s, KV prefix reuse.

    python bench/summarize.py DATASET.jsonl [--limit N] [--state-dir DIR] [--json OUT]

DATASET is JSONL in either format ``logsumd eval`` reads (``raw``, or ``text``
with a ``span``); each record's labelled lines are assembled as one event.  The
same events are summarized twice in one process with one loaded model: first
with llama.cpp's automatic KV-cache prefix reuse (the daemon's mode), then with
the model state reset before every model call (no reuse).  Prompt-eval and
generation times come from llama.cpp's own counters.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import llama_cpp

from logsumd.config import MultilineSettings, SummarizerSettings
from logsumd.eval import events_of_raw, load_events, pick_event
from logsumd.eval._metrics import percentile
from logsumd.records import Classification, Event
from logsumd.summarize.backend import Completion
from logsumd.summarize.factory import make_summarizer
from logsumd.summarize.llama_backend import LlamaBackend
from logsumd.summarize.summarizer import LlamaSummarizer
from logsumd.understand import Redactor, classify, redact_event


class NoReuseBackend:
    """The real backend, with the KV cache forgotten before every model call."""

    def __init__(self, inner: LlamaBackend) -> None:
        self.inner = inner
        self.specials = inner.specials

    @property
    def bos(self) -> int | None:
        return self.inner.bos

    def tokenize(self, text: bytes, add_bos: bool, special: bool) -> list[int]:
        return self.inner.tokenize(text, add_bos, special)

    def complete(self, tokens: list[int], **kwargs: Any) -> Completion:
        self.inner.reset()
        return self.inner.complete(tokens, **kwargs)

    def score(self, tokens: list[int], continuations: Any, **kwargs: Any) -> list[float] | None:
        self.inner.reset()
        return self.inner.score(tokens, continuations, **kwargs)

    def chat(self, messages: list[dict[str, str]], **kwargs: Any) -> Completion:
        self.inner.reset()
        return self.inner.chat(messages, **kwargs)

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        self.inner.close()


@dataclass
class Run:
    """Timings of one pass over the events."""

    name: str
    latencies: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    prompt_ms: float = 0.0
    prompt_tokens: int = 0
    gen_ms: float = 0.0
    gen_tokens: int = 0
    paths: dict[str, int] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {
            "mode": self.name,
            "events": len(self.latencies),
            "p50_s": round(percentile(self.latencies, 50), 3),
            "p90_s": round(percentile(self.latencies, 90), 3),
            "mean_s": round(statistics.fmean(self.latencies), 3),
            "cpu_p50_s": round(percentile(self.cpu, 50), 3),
            "prompt_tokens_evaluated": self.prompt_tokens,
            "prompt_tok_per_s": round(self.prompt_tokens / (self.prompt_ms / 1000), 1)
            if self.prompt_ms
            else 0.0,
            "generated_tokens": self.gen_tokens,
            "gen_tok_per_s": round(self.gen_tokens / (self.gen_ms / 1000), 1)
            if self.gen_ms
            else 0.0,
            "written_by": self.paths,
        }


def _events(path: str, limit: int) -> list[tuple[Event, Classification]]:
    redactor = Redactor(())
    out: list[tuple[Event, Classification]] = []
    for record in load_events(path)[:limit]:
        raw = "\n".join(line.removesuffix("\r") for line in record.lines(*record.span))
        event = pick_event(events_of_raw(record.id, raw, MultilineSettings()))
        if event is None:
            continue
        clean = redact_event(event, redactor)
        out.append((clean, classify(clean)))
    return out


def _pass(name: str, summarizer: LlamaSummarizer, ctx: Any, events: list[Any]) -> Run:
    run = Run(name)
    for event, cls in events:
        llama_cpp.llama_perf_context_reset(ctx)
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = summarizer.summarize(event, cls)
        run.latencies.append(time.perf_counter() - started)
        run.cpu.append(time.process_time() - cpu_started)
        perf = llama_cpp.llama_perf_context(ctx)
        run.prompt_ms += perf.t_p_eval_ms
        run.prompt_tokens += perf.n_p_eval
        run.gen_ms += perf.t_eval_ms
        run.gen_tokens += perf.n_eval
        run.paths[summary.summarizer] = run.paths.get(summary.summarizer, 0) + 1
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dataset")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--state-dir", default=os.environ.get("LOGSUMD_STATE_DIR", "/tmp/logsumd"))
    parser.add_argument("--json", help="write the result rows here")
    args = parser.parse_args(argv)

    settings = SummarizerSettings()
    started = time.perf_counter()
    summarizer = make_summarizer(settings, args.state_dir, Redactor(()))
    assert isinstance(summarizer, LlamaSummarizer)
    backend = summarizer.backend
    assert isinstance(backend, LlamaBackend)
    print(f"model ready in {time.perf_counter() - started:.2f}s ({backend.path})")
    events = _events(args.dataset, args.limit)
    print(
        f"{len(events)} events; n_threads={settings.n_threads} "
        f"n_threads_batch={settings.n_threads_batch} cpus={os.cpu_count()}"
    )

    # Warm the shared instruction prefix once, as a running daemon has it warm.
    warm = LlamaSummarizer(backend, settings, Redactor(()))
    warm.summarize(*events[0])
    ctx = backend.llm._ctx.ctx  # llama.cpp context, for its perf counters
    reuse = _pass("prefix reuse", summarizer, ctx, events)
    no_reuse = _pass(
        "no reuse (reset)",
        LlamaSummarizer(NoReuseBackend(backend), settings, Redactor(())),  # type: ignore[arg-type]
        ctx,
        events,
    )
    rows = [reuse.row(), no_reuse.row()]
    for row in rows:
        print(json.dumps(row))
    speedup = statistics.fmean(no_reuse.latencies) / statistics.fmean(reuse.latencies)
    print(
        f"mean latency speed-up from prefix reuse: {speedup:.2f}x; "
        f"prompt tokens evaluated {no_reuse.prompt_tokens} -> {reuse.prompt_tokens}"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"runs": rows, "speedup": round(speedup, 3)}, fh, indent=2)
    summarizer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
