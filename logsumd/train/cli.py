"""``logsumd train dataset | lora``: build the data set, train and export the adapter."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_TRAIN = 2


def add_train_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``train`` sub-command (and its own sub-commands) on the CLI."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "train", help="fine-tune the default model (needs the 'train' extra)"
    )
    sub = p.add_subparsers(dest="train_command", required=True)
    ds = sub.add_parser("dataset", help="generate the train/validation/test JSONL files")
    ds.add_argument("-o", "--output-dir", default="build/train-data")
    ds.add_argument("--seed", type=int, default=0)
    for split in ("train", "validation", "test"):
        ds.add_argument(
            f"--{split}-per-category", type=int, help=f"examples per category in {split}"
        )
    ds.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="FILE.jsonl",
        help="your own labelled examples for the train split: records with raw, category, "
        "key_facts, cause, check",
    )
    lo = sub.add_parser("lora", help="train a LoRA adapter and export it as GGUF")
    lo.add_argument("-c", "--config", help="the recipe (train.yaml)")
    lo.add_argument("--data-dir", help="override data_dir")
    lo.add_argument("--output-dir", help="override output_dir")
    lo.add_argument("--max-steps", type=int, help="override max_steps")
    lo.add_argument("--max-train-examples", type=int, help="override max_train_examples")
    return p


def _dataset(args: argparse.Namespace) -> int:
    from logsumd.train.dataset import build_dataset, data_card, write_jsonl

    sizes = {
        split: getattr(args, f"{split}_per_category")
        for split in ("train", "validation", "test")
        if getattr(args, f"{split}_per_category") is not None
    }
    splits, drops = build_dataset(args.seed, sizes)
    for path in args.add:
        added, rejected = _own_records(Path(path))
        splits["train"].extend(added)
        print(f"{path}: {len(added)} records added to train, {len(rejected)} rejected")
        for line in rejected:
            print(f"  {line}")
    out = Path(args.output_dir)
    for name, records in splits.items():
        n = write_jsonl(out / f"{name}.jsonl", records)
        print(f"{out / f'{name}.jsonl'}: {n} records")
    card = data_card(splits)
    card["dropped"] = sum(drops.values())
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"{out / 'card.json'}: {card['dropped']} generated examples dropped by the checks")
    return 0


def _own_records(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """A user's labelled examples through the same serving code as generated ones."""
    from logsumd.train.dataset import make_record, read_jsonl

    added: list[dict[str, Any]] = []
    rejected: list[str] = []
    for i, rec in enumerate(read_jsonl(path), 1):
        meta = {"id": str(rec.get("id", f"own-{i}")), "split": "train", "source": str(path)}
        meta.update(template=f"own-{i}", format="own")
        try:
            record, why = make_record(
                rec["raw"], rec["category"], rec["key_facts"], rec["cause"], rec["check"], meta
            )
        except KeyError as exc:
            record, why = None, f"missing field {exc}"
        if record is None:
            rejected.append(f"line {i}: {why}")
            continue
        record["vocab"] = []
        added.append(record)
    return added, rejected


def _lora(args: argparse.Namespace) -> int:
    from logsumd.summarize import ModelError
    from logsumd.train._lora import TrainError, load_train_config, train

    try:
        config = load_train_config(
            args.config,
            {
                "data_dir": args.data_dir,
                "output_dir": args.output_dir,
                "max_steps": args.max_steps,
                "max_train_examples": args.max_train_examples,
            },
        )
        result = train(config)
    except (TrainError, ModelError, OSError) as exc:
        print(f"logsumd train lora: {exc}", file=sys.stderr)
        return EXIT_TRAIN
    summary = {
        "adapter": str(result.adapter_gguf),
        "steps": result.steps,
        "train_examples": result.train_examples,
        "validation_examples": result.validation_examples,
        "validation_losses": [round(v, 4) for v in result.validation_losses],
        "seconds": round(result.seconds, 1),
        "device": result.device,
    }
    print(json.dumps(summary))
    return 0


def train_main(args: argparse.Namespace) -> int:
    """Run ``logsumd train ...``; 0 on success."""
    if args.train_command == "dataset":
        return _dataset(args)
    return _lora(args)
