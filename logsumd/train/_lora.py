"""LoRA fine-tuning of the default GGUF model with transformers + peft (CPU or CUDA).

The base model is the embedded GGUF, converted (de-quantized) by transformers
once and cached as safetensors.  Prompts are tokenized by llama.cpp's own
tokenizer and built by :mod:`logsumd.summarize.prompts` (``few_shot=False``), so the
training input is the serving input token for token.  The loss covers only the
answer tokens; the 262,144-way output layer is applied to the hidden states of
those positions alone, which is what makes CPU training affordable.  The recipe
(``train.yaml``) is read by :mod:`logsumd.train._recipe`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llama_cpp import Llama

from logsumd.summarize import (
    CHECK_LABEL,
    LlamaTokens,
    build_parts,
    ensure_embedded_model,
    prompt_tokens,
)
from logsumd.train._recipe import TrainConfig, TrainError, load_train_config
from logsumd.train.dataset import read_jsonl

__all__ = [
    "Encoded",
    "LlamaTokenizer",
    "TrainConfig",
    "TrainError",
    "TrainResult",
    "answer_loss",
    "answer_tokens",
    "base_model_path",
    "encode_records",
    "evaluate_loss",
    "load_hf_model",
    "load_train_config",
    "pick_device",
    "train",
    "training_prompt_tokens",
]


class LlamaTokenizer(LlamaTokens):
    """llama.cpp's tokenizer of the GGUF (vocab only): the tokens the daemon serves."""

    def __init__(self, model_path: Path) -> None:
        self.llm = Llama(model_path=str(model_path), vocab_only=True, verbose=False)


Tokenize = Callable[[bytes, bool, bool], list[int]]


def answer_tokens(cause: str, check: str, tokenize: Tokenize) -> list[int]:
    """The answer as the summarizer feeds it back: cause, ``\\nCheck:``, check line."""
    tokens = tokenize(f" {cause}".encode(), False, False)
    tokens += tokenize(f"\n{CHECK_LABEL}".encode(), False, True)
    tokens += tokenize(f" {check}\n".encode(), False, False)
    return tokens


def training_prompt_tokens(
    record: dict[str, Any], tokenize: Tokenize, bos: int | None
) -> list[int]:
    """The serving prompt of a data-set record (the short prompt, no few-shot examples)."""
    parts = build_parts(record["facts"], record["predicted_category"], few_shot=False)
    return prompt_tokens(parts, tokenize, bos)


@dataclass(frozen=True, slots=True)
class Encoded:
    """One example as token ids; positions ``n_prompt..`` are the answer."""

    ids: tuple[int, ...]
    n_prompt: int


def encode_records(
    records: Sequence[dict[str, Any]], tok: LlamaTokenizer, max_length: int
) -> tuple[list[Encoded], int]:
    """Encoded examples and how many were skipped as too long."""
    out: list[Encoded] = []
    skipped = 0
    for record in records:
        prompt = training_prompt_tokens(record, tok.tokenize, tok.bos)
        answer = answer_tokens(record["cause"], record["check"], tok.tokenize)
        if len(prompt) + len(answer) > max_length:
            skipped += 1
            continue
        out.append(Encoded(tuple(prompt + answer), len(prompt)))
    return out, skipped


def base_model_path(config: TrainConfig) -> Path:
    """The GGUF base model of the recipe (the embedded default unless model_path)."""
    if config.model_path:
        return Path(config.model_path).expanduser()
    return ensure_embedded_model(str(Path(config.state_dir).expanduser()))


def load_hf_model(gguf_path: Path, cache_dir: Path) -> Any:
    """The base model in transformers, converted from the GGUF once and cached."""
    import torch
    from safetensors.torch import load_file, save_file
    from transformers import AutoConfig, AutoModelForCausalLM

    weights = cache_dir / "model.safetensors"
    stamp = cache_dir / "source.txt"
    source = f"{gguf_path.resolve()} {gguf_path.stat().st_size}"
    if weights.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == source:
        hf_config = AutoConfig.from_pretrained(str(cache_dir))
        model = AutoModelForCausalLM.from_config(hf_config, dtype=torch.float32)
        missing, unexpected = model.load_state_dict(load_file(str(weights)), strict=False)
        if unexpected or [m for m in missing if m != "lm_head.weight"]:
            raise TrainError(f"cached model in {cache_dir} does not match its config")
        model.tie_weights()
        return model
    model = AutoModelForCausalLM.from_pretrained(
        str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32
    )
    cache_dir.mkdir(parents=True, exist_ok=True)
    hf_config = model.config
    if hasattr(hf_config, "quantization_config"):
        del hf_config.quantization_config
    hf_config.save_pretrained(str(cache_dir))
    state = {k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(state, str(weights))
    stamp.write_text(source, encoding="utf-8")
    model.hf_quantizer = None
    return model


def pick_device() -> str:
    """``cuda`` where a GPU exists, else ``cpu``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _batch_tensors(batch: Sequence[Encoded], device: str) -> tuple[Any, Any, Any, Any]:
    """Right-padded ids and mask, and the (row, position) of every answer-token prediction."""
    import torch

    width = max(len(e.ids) for e in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    rows: list[int] = []
    cols: list[int] = []
    labels: list[int] = []
    for i, example in enumerate(batch):
        n = len(example.ids)
        ids[i, :n] = torch.tensor(example.ids)
        mask[i, :n] = 1
        for pos in range(example.n_prompt - 1, n - 1):
            rows.append(i)
            cols.append(pos)
            labels.append(example.ids[pos + 1])
    return (
        ids.to(device),
        mask.to(device),
        (torch.tensor(rows, device=device), torch.tensor(cols, device=device)),
        torch.tensor(labels, device=device),
    )


def answer_loss(model: Any, batch: Sequence[Encoded], device: str) -> tuple[Any, int]:
    """Mean cross-entropy over the answer tokens, and their number.

    The model body gives hidden states for every position; the output layer is
    applied only at the positions that predict answer tokens.
    """
    import torch.nn.functional as F

    ids, mask, (rows, cols), labels = _batch_tensors(batch, device)
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = inner.model(input_ids=ids, attention_mask=mask).last_hidden_state
    selected = hidden[rows, cols]
    logits = inner.lm_head(selected).float()
    softcap = getattr(inner.config, "final_logit_softcapping", None)
    if softcap:
        logits = softcap * (logits / softcap).tanh()
    return F.cross_entropy(logits, labels), int(labels.numel())


def evaluate_loss(model: Any, examples: Sequence[Encoded], batch_size: int, device: str) -> float:
    """Token-weighted mean answer loss over ``examples`` (no gradients)."""
    import torch

    if not examples:
        return float("nan")
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(examples), batch_size):
            loss, n = answer_loss(model, examples[start : start + batch_size], device)
            total += float(loss) * n
            count += n
    if was_training:
        model.train()
    return total / max(count, 1)


@dataclass(frozen=True, slots=True)
class TrainResult:
    """What a training run produced and measured."""

    adapter_gguf: Path
    peft_dir: Path
    steps: int
    train_examples: int
    validation_examples: int
    skipped_too_long: int
    validation_losses: tuple[float, ...]
    """Before training, then after each epoch."""
    seconds: float
    device: str


def _limit(records: list[dict[str, Any]], n: int, rng: random.Random) -> list[dict[str, Any]]:
    if n and len(records) > n:
        return rng.sample(records, n)
    return records


def train(config: TrainConfig, log: Callable[[str], None] = print) -> TrainResult:
    """Train the adapter of ``config``, export it as GGUF, return what was measured."""
    import torch
    from peft import LoraConfig, get_peft_model
    from tqdm import tqdm

    from logsumd.train._export import export_gguf

    started = time.monotonic()
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    data_dir = Path(config.data_dir).expanduser()
    train_path, val_path = data_dir / "train.jsonl", data_dir / "validation.jsonl"
    for path in (train_path, val_path):
        if not path.is_file():
            raise TrainError(f"{path} does not exist: run `logsumd train dataset` first")
    gguf_path = base_model_path(config)
    tok = LlamaTokenizer(gguf_path)
    train_records = _limit(list(read_jsonl(train_path)), config.max_train_examples, rng)
    val_records = _limit(list(read_jsonl(val_path)), config.max_validation_examples, rng)
    train_set, skipped = encode_records(train_records, tok, config.max_length)
    val_set, skipped_val = encode_records(val_records, tok, config.max_length)
    if not train_set:
        raise TrainError("no training example fits max_length")
    log(
        f"examples: {len(train_set)} train, {len(val_set)} validation "
        f"({skipped + skipped_val} longer than {config.max_length} tokens skipped)"
    )
    device = pick_device()
    log(f"loading the base model {gguf_path.name} (device {device})")
    base = load_hf_model(gguf_path, Path(config.cache_dir).expanduser())
    lora = LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(config.target_modules),
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(base, lora).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(train_set) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    if config.max_steps:
        total_steps = min(total_steps, config.max_steps)
    warmup = max(1, int(total_steps * config.warmup_ratio))

    def lr_at(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    val_losses = [evaluate_loss(model, val_set, config.batch_size, device)]
    log(f"validation loss before training: {val_losses[0]:.4f}")
    best = val_losses[0]
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items() if "lora_" in k}
    bad_evals = 0

    def validate(label: str) -> bool:
        """Validation loss now; keep the best adapter; True when patience is spent."""
        nonlocal best, best_state, bad_evals
        val = evaluate_loss(model, val_set, config.batch_size, device)
        val_losses.append(val)
        log(f"{label}: validation loss {val:.4f}")
        if val < best:
            best, bad_evals = val, 0
            best_state = {
                k: v.detach().clone() for k, v in model.state_dict().items() if "lora_" in k
            }
            return False
        bad_evals += 1
        if bad_evals >= config.patience:
            log("early stop: the validation loss did not improve")
            return True
        return False

    step = 0
    deadline = time.monotonic() + config.max_train_minutes * 60 if config.max_train_minutes else 0
    out_of_time = False
    model.train()
    for epoch in range(config.epochs):
        order = list(train_set)
        rng.shuffle(order)
        batches = [
            order[i : i + config.batch_size] for i in range(0, len(order), config.batch_size)
        ]
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{config.epochs}", unit="step")
        stop = False
        for batch in bar:
            if config.max_steps and step >= config.max_steps:
                break
            if deadline and time.monotonic() > deadline:
                log(f"time budget of {config.max_train_minutes:g} minutes spent after {step} steps")
                out_of_time = True
                break
            loss, _ = answer_loss(model, batch, device)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            bar.set_postfix(loss=f"{float(loss.detach()):.4f}")
            if config.eval_every_steps and step % config.eval_every_steps == 0:
                stop = validate(f"step {step}")
                if stop:
                    break
        bar.close()
        if not stop:
            stop = validate(f"epoch {epoch + 1} (step {step})")
        if stop or out_of_time or (config.max_steps and step >= config.max_steps):
            break
    out = Path(config.output_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    export_gguf(model, config.alpha, config.rank, out / "etl-lora-last.gguf")
    model.load_state_dict(best_state, strict=False)
    peft_dir = out / "peft"
    model.save_pretrained(str(peft_dir))
    adapter = out / "etl-lora.gguf"
    export_gguf(model, config.alpha, config.rank, adapter)
    seconds = time.monotonic() - started
    log(f"adapter written to {adapter} ({adapter.stat().st_size / 1e6:.1f} MB) in {seconds:.0f} s")
    return TrainResult(
        adapter,
        peft_dir,
        step,
        len(train_set),
        len(val_set),
        skipped + skipped_val,
        tuple(val_losses),
        seconds,
        device,
    )
