"""Command line: ``logsumd run | summarize | check | eval``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from logsumd import __version__, telemetry
from logsumd.cli._logsetup import configure_logging
from logsumd.config import (
    Diagnosis,
    FileNotifierSettings,
    Settings,
    SourceSettings,
    SummarizerSettings,
)

if TYPE_CHECKING:
    from logsumd.records import Summary
    from logsumd.summarize import Summarizer

EXIT_CONFIG = 2
EXIT_MODEL = 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="logsumd",
        description="Tail ETL logs, assemble error events, summarize them with a local model, "
        "notify Slack and JSONL files.",
    )
    p.add_argument("--version", action="version", version=f"logsumd {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the daemon")
    run.add_argument("-c", "--config", required=True, help="YAML config file")
    run.add_argument("--log-format", choices=["json", "console"], help="override logging.format")
    run.add_argument("--log-level", choices=["debug", "info", "warning", "error"])

    summ = sub.add_parser("summarize", help="summarize the error events of whole log files, once")
    summ.add_argument("logfiles", nargs="+", metavar="LOGFILE")
    summ.add_argument("-c", "--config", help="YAML config (multiline rules, summarizer)")
    summ.add_argument(
        "--json", action="store_true", help="one JSON object per line (per distinct error)"
    )
    summ.add_argument(
        "--all",
        action="store_true",
        help="every event, not each distinct error once (the summary is made once per error)",
    )
    summ.add_argument(
        "--backend",
        choices=["catalogue", "llama", "openai", "rules"],
        help="override summarizer.backend",
    )

    chk = sub.add_parser("check", help="validate the config and run health checks")
    chk.add_argument("-c", "--config", required=True, help="YAML config file")

    from logsumd.eval import add_eval_parser

    add_eval_parser(sub)

    from logsumd.train.cli import add_train_parser

    add_train_parser(sub)
    return p


def _load(path: str):  # type: ignore[no-untyped-def]
    from logsumd.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
    except OSError as exc:
        print(f"{path}: cannot read config: {exc.strerror}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _build_summarizer(
    settings: SummarizerSettings,
    state_dir: str,
    patterns: Sequence[str],
    diagnoses: Sequence[Diagnosis] = (),
) -> Summarizer:
    """The configured summarizer; raises ModelError on a missing or corrupt model."""
    from logsumd.summarize import make_summarizer
    from logsumd.understand import Redactor

    return make_summarizer(settings, state_dir, Redactor(patterns), diagnoses)


def _make_summarizer(
    settings: SummarizerSettings,
    state_dir: str,
    patterns: Sequence[str],
    diagnoses: Sequence[Diagnosis] = (),
) -> Summarizer:
    """``_build_summarizer`` for commands: a model error is a message and exit 3."""
    from logsumd.summarize import ModelError

    try:
        return _build_summarizer(settings, state_dir, patterns, diagnoses)
    except ModelError as exc:
        print(f"logsumd: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_MODEL) from None


def cmd_run(args: argparse.Namespace) -> int:
    settings = _load(args.config)
    from logsumd.store import apply_umask

    outputs = [n.path for n in settings.notifiers if isinstance(n, FileNotifierSettings)]
    apply_umask(settings.umask, settings.state_dir, outputs)  # before anything is written
    _require_paths(settings)  # what the config names must be usable, as with _load's errors
    configure_logging(
        args.log_level or settings.logging.level, args.log_format or settings.logging.format
    )
    telemetry.emit("ConfigLoaded", path=settings.source_file)
    summarizer = _make_summarizer(
        settings.summarizer, settings.state_dir, settings.redaction.patterns, settings.diagnoses
    )
    from logsumd.daemon import Daemon
    from logsumd.notify import make_notifiers

    async def main() -> int:
        daemon = Daemon(
            settings, summarizer, make_notifiers(settings.notifiers, settings.state_dir)
        )
        return await daemon.run()

    return asyncio.run(main())


def cmd_summarize(args: argparse.Namespace) -> int:
    from logsumd.cli import _summarize as oneshot
    from logsumd.tail import SourceMatcher
    from logsumd.understand import Redactor

    configure_logging("warning", "console")
    if args.config:
        settings = _load(args.config)
        sources = settings.sources
        summ = settings.summarizer
        state_dir = settings.state_dir
        patterns: Sequence[str] = settings.redaction.patterns
        diagnoses: Sequence[Diagnosis] = settings.diagnoses
    else:
        sources = (SourceSettings(include=()),)
        summ = SummarizerSettings()
        state_dir = os.path.join(
            os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "logsumd"
        )
        patterns = ()
        diagnoses = ()
    if args.backend:
        summ = replace(summ, backend=args.backend)
    missing = [p for p in args.logfiles if not os.path.isfile(p)]
    if missing:
        for p in missing:
            what = (
                "is a directory (give the log files in it)"
                if os.path.isdir(p)
                else "is not a regular file"
                if os.path.exists(p)
                else "no such file"
            )
            print(f"logsumd: {p}: {what}", file=sys.stderr)
        return 1
    summarizer = _make_summarizer(summ, state_dir, patterns, diagnoses)
    matcher = SourceMatcher(sources)
    redactor = Redactor(patterns)
    writer = oneshot.write_json if args.json else oneshot.write_report
    cache: dict[str, Summary] = {}
    progress = oneshot.Progress(sys.stderr)
    try:
        for path in args.logfiles:
            absolute = os.path.abspath(path)
            items = oneshot.understood_events(absolute, sources[matcher.index(absolute)], redactor)
            groups = oneshot.group_events(items)
            summaries = oneshot.summarize_groups(groups, summarizer, cache, progress)
            writer(items, groups, summaries, sys.stdout, every_event=args.all)
    finally:
        summarizer.close()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from logsumd.cli import _check as health

    settings = _load(args.config)
    configure_logging("warning", "console")
    print(f"OK   config {settings.source_file}")
    findings = [*health.check_sources(settings), health.state_dir_finding(settings)]
    findings += health.check_model(
        settings,
        lambda: _build_summarizer(
            settings.summarizer,
            settings.state_dir,
            settings.redaction.patterns,
            settings.diagnoses,
        ),
    )
    findings += asyncio.run(health.check_notifiers(settings))
    findings += health.check_metrics(settings)
    failed = 0
    for finding in findings:
        failed += not finding.probe.ok
        print(finding.line())
    print("all checks passed" if not failed else f"{failed} check(s) failed")
    return 0 if not failed else 1


def _require_paths(settings: Settings) -> None:
    """The state directory and file outputs can be written, or one line each and exit 2."""
    from logsumd.cli._check import path_findings

    failed = [f for f in path_findings(settings) if not f.probe.ok]
    for finding in failed:
        print(f"{settings.where(finding.what)}: {finding.probe.detail}", file=sys.stderr)
    if failed:
        raise SystemExit(EXIT_CONFIG)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``logsumd`` console script."""
    args = _parser().parse_args(argv)
    if args.command == "run":
        return cmd_run(args)
    if args.command == "summarize":
        return cmd_summarize(args)
    if args.command == "check":
        return cmd_check(args)
    configure_logging("warning", "console")  # train, eval: warnings only, not model debug
    if args.command == "train":
        from logsumd.train.cli import train_main

        return train_main(args)
    from logsumd.eval import eval_main

    return eval_main(args)


if __name__ == "__main__":
    sys.exit(main())
