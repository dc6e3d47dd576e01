"""``logsumd eval DATASET.jsonl [--compare] [--markdown OUT.md] [-c CONFIG]``."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from typing import Any

from logsumd.config import ConfigError, MultilineSettings, SummarizerSettings, load_config
from logsumd.eval.evaluate import compare_variants, format_markdown, format_text, run_eval
from logsumd.summarize import ModelError
from logsumd.understand import Redactor

EXIT_MODEL = 3
EXIT_CONFIG = 2


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``eval`` sub-command on the CLI's sub-parsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "eval", help="evaluate detection, classification and summaries on a labelled JSONL set"
    )
    p.add_argument("dataset", metavar="DATASET.jsonl", help="records with raw, category, key_facts")
    p.add_argument("-c", "--config", help="YAML config (summarizer, multiline, redaction)")
    p.add_argument(
        "--compare",
        nargs="?",
        const="rules,llama",
        metavar="VARIANTS",
        help="run summarizers side by side: comma-separated rules, llama (few-shot, no "
        "adapter), llama+adapter (default: rules,llama)",
    )
    p.add_argument("--adapter", help="override summarizer.adapter (none, default or a path)")
    p.add_argument("--backend", choices=["llama", "rules"], help="override summarizer.backend")
    p.add_argument("--markdown", metavar="OUT.md", help="also write a Markdown report here")
    p.add_argument("--state-dir", help="where the embedded model is stored (default: config's)")
    return p


def eval_main(args: argparse.Namespace) -> int:
    """Run the evaluation and print the metrics table; 0 on success."""
    summarizer = SummarizerSettings()
    multiline = MultilineSettings()
    patterns: tuple[str, ...] = ()
    state_dir = os.environ.get("LOGSUMD_STATE_DIR", "/var/lib/logsumd")
    if args.config:
        try:
            settings = load_config(args.config)
        except (ConfigError, OSError) as exc:
            print(f"logsumd eval: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        summarizer = settings.summarizer
        patterns = settings.redaction.patterns
        state_dir = settings.state_dir
        if settings.sources:
            multiline = settings.sources[0].multiline
    if args.state_dir:
        state_dir = args.state_dir
    if args.backend:
        summarizer = replace(summarizer, backend=args.backend)
    if args.adapter:
        summarizer = replace(summarizer, adapter=args.adapter)
    try:
        variants = (
            compare_variants(summarizer, [n.strip() for n in args.compare.split(",") if n.strip()])
            if args.compare
            else [(summarizer.backend, summarizer)]
        )
    except ValueError as exc:
        print(f"logsumd eval: --compare: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        result = run_eval(args.dataset, variants, state_dir, Redactor(patterns), multiline)
    except ModelError as exc:
        print(f"logsumd eval: {exc}", file=sys.stderr)
        return EXIT_MODEL
    except (OSError, ValueError) as exc:
        print(f"logsumd eval: {args.dataset}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    sys.stdout.write(format_text(result))
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(format_markdown(result))
    return 0
