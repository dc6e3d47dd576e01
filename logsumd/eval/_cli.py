"""``logsumd eval DATASET.jsonl [--split S] [--compare] [--markdown OUT.md] [--plot PNG]``."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from typing import Any

from logsumd.config import ConfigError, SourceSettings, SummarizerSettings, load_config
from logsumd.eval._plot import PlotError, check_plotting, plot_confusion
from logsumd.eval._report import format_markdown, format_text
from logsumd.eval._results import category_confusion
from logsumd.eval.evaluate import compare_variants, run_eval
from logsumd.summarize import ModelError
from logsumd.understand import Redactor

EXIT_MODEL = 3
EXIT_CONFIG = 2


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``eval`` sub-command on the CLI's sub-parsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "eval", help="evaluate detection, classification and summaries on a labelled JSONL set"
    )
    p.add_argument(
        "dataset",
        metavar="DATASET.jsonl",
        help="labelled events: text with span, or raw; category and key_facts",
    )
    p.add_argument("--split", help="only the records of this split (dev, test, ...)")
    p.add_argument("-c", "--config", help="YAML config (summarizer, multiline, redaction)")
    p.add_argument(
        "--compare",
        nargs="?",
        const="rules,llama",
        metavar="VARIANTS",
        help="run summarizers side by side: comma-separated rules, catalogue, llama "
        "(few-shot, no adapter), llama+adapter, openai (the config's model server) "
        "(default: rules,llama)",
    )
    p.add_argument("--adapter", help="override summarizer.adapter (none, default or a path)")
    p.add_argument(
        "--backend",
        choices=["catalogue", "llama", "openai", "rules"],
        help="override summarizer.backend",
    )
    p.add_argument("--markdown", metavar="OUT.md", help="also write a Markdown report here")
    p.add_argument(
        "--plot", metavar="FILE.png", help="also draw the category confusion matrix (matplotlib)"
    )
    p.add_argument("--state-dir", help="where the embedded model is stored (default: config's)")
    return p


def eval_main(args: argparse.Namespace) -> int:
    """Run the evaluation and print the metrics table; 0 on success."""
    summarizer = SummarizerSettings()
    source = SourceSettings(include=(args.dataset,))
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
            source = settings.sources[0]
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
    if args.plot:
        try:
            check_plotting()
        except PlotError as exc:
            print(f"logsumd eval: {exc}", file=sys.stderr)
            return EXIT_CONFIG
    try:
        result = run_eval(args.dataset, variants, state_dir, Redactor(patterns), source, args.split)
    except ModelError as exc:
        print(f"logsumd eval: {exc}", file=sys.stderr)
        return EXIT_MODEL
    except (OSError, ValueError) as exc:  # both name the file (and the line)
        print(f"logsumd eval: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    sys.stdout.write(format_text(result))
    try:
        if args.markdown:
            with open(args.markdown, "w", encoding="utf-8") as fh:
                fh.write(format_markdown(result))
        if args.plot and result.variants:
            confusion = category_confusion(result.variants[0].records)
            title = f"{os.path.basename(args.dataset)}" + (f" ({args.split})" if args.split else "")
            plot_confusion(confusion, args.plot, f"category confusion: {title}")
    except OSError as exc:
        print(f"logsumd eval: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return 0
