"""The recipe of a LoRA training run: every option of ``train.yaml``, checked.

:func:`load_train_config` reads the YAML file and the command-line overrides
into a :class:`TrainConfig`; unknown keys and wrong types are all reported at
once as one :class:`TrainError`.  The training itself is :mod:`logsumd.train._lora`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import yaml

__all__ = ["TARGET_MODULES", "TrainConfig", "TrainError", "load_train_config"]

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class TrainError(Exception):
    """A training configuration or input problem (a clean CLI message)."""


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """The recipe: every option of ``train.yaml`` (unknown keys are errors)."""

    data_dir: str = "build/train-data"
    """Where ``logsumd train dataset`` wrote train/validation/test JSONL."""
    output_dir: str = "build/lora"
    """Where the adapter (GGUF and peft) and the training log are written."""
    cache_dir: str = "~/.cache/logsumd/hf-gemma3-270m"
    """The converted (de-quantized) base model is cached here."""
    state_dir: str = "~/.cache/logsumd/state"
    """Where the embedded GGUF model is assembled (as ``logsumd eval --state-dir``)."""
    model_path: str | None = None
    """A GGUF base model; None: the embedded default model."""
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.05
    learning_rate: float = 3e-4
    warmup_ratio: float = 0.05
    weight_decay: float = 0.0
    epochs: int = 1
    batch_size: int = 8
    max_length: int = 320
    """Examples longer than this (prompt + answer tokens) are skipped."""
    seed: int = 0
    max_train_examples: int = 0
    """0: all."""
    max_validation_examples: int = 0
    """0: all."""
    max_steps: int = 0
    """Stop after this many optimizer steps (0: no limit); for smoke tests."""
    max_train_minutes: float = 0.0
    """Stop the optimizer steps after this many minutes (0: no limit): a time budget on
    shared CPUs; validation and export still run."""
    patience: int = 1
    """Early stopping: validations without a better loss before stopping."""
    eval_every_steps: int = 0
    """Also validate every this many optimizer steps (0: only after each epoch)."""
    threads: int = 2
    """CPU threads for torch."""
    target_modules: tuple[str, ...] = TARGET_MODULES


def _coerce(key: str, value: Any, default: Any) -> tuple[Any, str]:
    """A recipe value checked against the type of its default: (value, error)."""
    if key == "target_modules":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return None, "must be a list of module names"
        return tuple(value), ""
    if key == "model_path":
        return (value, "") if value is None or isinstance(value, str) else (None, "not a string")
    if isinstance(value, bool) or not isinstance(value, type(default) | int):
        return None, f"must be {type(default).__name__}, got {value!r}"
    if isinstance(default, float):
        value = float(value)
    elif not isinstance(value, type(default)):
        return None, f"must be {type(default).__name__}, got {value!r}"
    if isinstance(value, int | float) and value < 0:
        return None, "must be >= 0"
    return value, ""


def load_train_config(path: str | None, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """The recipe of a YAML file (every problem reported at once) with overrides."""
    data: dict[str, Any] = {}
    if path:
        with open(path, encoding="utf-8") as fh:
            loaded = yaml.safe_load(fh) or {}
        if not isinstance(loaded, dict):
            raise TrainError(f"{path}: the recipe must be a mapping")
        data.update(loaded)
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    known = {f.name: f for f in fields(TrainConfig)}
    errors = [f"unknown key {k!r}" for k in data if k not in known]
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key in known:
            value, error = _coerce(key, raw, getattr(TrainConfig(), key))
            if error:
                errors.append(f"{key}: {error}")
            else:
                values[key] = value
    if errors:
        raise TrainError(f"{path or 'recipe'}: " + "; ".join(errors))
    config = TrainConfig(**values)
    if config.rank < 1 or config.batch_size < 1 or config.epochs < 1:
        raise TrainError("rank, batch_size and epochs must be >= 1")
    return config
