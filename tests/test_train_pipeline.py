"""LoRA training end to end on a tiny scale, the GGUF export, and ``adapter: default``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from logsumd.config import SummarizerSettings, load_config
from logsumd.eval.evaluate import compare_variants
from logsumd.summarize import ModelError
from logsumd.summarize.llama_backend import DEFAULT_ADAPTER, adapter_path
from logsumd.train._export import gguf_tensors
from logsumd.train._lora import TrainError, load_train_config
from logsumd.train.dataset import build_dataset, read_jsonl, write_jsonl

MB = 1_000_000


class FakeTensor:
    """What ``gguf_tensors`` needs of a torch tensor."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape

    def detach(self) -> FakeTensor:
        return self

    def float(self) -> FakeTensor:
        return self

    def cpu(self) -> FakeTensor:
        return self

    def numpy(self) -> tuple[int, int]:
        return self.shape


def test_peft_names_map_to_gguf_names() -> None:
    """peft's lora_A/lora_B of every projection become blk.N.<gguf name>.weight.lora_a/_b."""
    prefix = "base_model.model.model.layers.3"
    state: dict[str, Any] = {
        f"{prefix}.self_attn.q_proj.lora_A.default.weight": FakeTensor((8, 640)),
        f"{prefix}.self_attn.q_proj.lora_B.default.weight": FakeTensor((1024, 8)),
        f"{prefix}.mlp.down_proj.lora_A.default.weight": FakeTensor((8, 2048)),
        f"{prefix}.self_attn.o_proj.lora_B.default.weight": FakeTensor((640, 8)),
        f"{prefix}.self_attn.q_proj.base_layer.weight": FakeTensor((1024, 640)),
    }
    assert gguf_tensors(state) == {
        "blk.3.attn_q.weight.lora_a": (8, 640),
        "blk.3.attn_q.weight.lora_b": (1024, 8),
        "blk.3.ffn_down.weight.lora_a": (8, 2048),
        "blk.3.attn_output.weight.lora_b": (640, 8),
    }


def test_recipe_errors_are_reported_together(tmp_path: Path) -> None:
    """Unknown keys and wrong types in train.yaml are all named in one error."""
    recipe = tmp_path / "train.yaml"
    recipe.write_text("rank: eight\nbogus: 1\nepochs: -1\nalpha: 16\n", encoding="utf-8")
    with pytest.raises(TrainError) as info:
        load_train_config(str(recipe))
    message = str(info.value)
    assert "unknown key 'bogus'" in message
    assert "rank: must be int" in message
    assert "epochs: must be >= 0" in message


def test_shipped_recipe_loads() -> None:
    """The top-level train.yaml is a valid recipe with adapters on all projections."""
    config = load_train_config(str(Path(__file__).parent.parent / "train.yaml"))
    assert set(config.target_modules) == {
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj",
    }  # fmt: skip


def test_adapter_default_is_accepted_by_the_config(tmp_path: Path) -> None:
    """``adapter: default`` is a keyword, not a path relative to the config file."""
    config = tmp_path / "config.yaml"
    config.write_text(
        "sources:\n  - include: logs/*.log\nnotifiers:\n  - type: file\n"
        "    path: out/events.jsonl\nsummarizer:\n  adapter: default\n",
        encoding="utf-8",
    )
    assert load_config(str(config)).summarizer.adapter == "default"


def test_adapter_default_resolves_to_package_data() -> None:
    """``default`` names the adapter shipped in logsumd/data; ``none`` means no adapter."""
    assert adapter_path("none") is None
    if DEFAULT_ADAPTER.is_file():
        assert adapter_path("default") == str(DEFAULT_ADAPTER)
        assert DEFAULT_ADAPTER.stat().st_size <= 16 * MB
    else:
        with pytest.raises(ModelError, match=r"etl-lora\.gguf"):
            adapter_path("default")


def test_compare_variants_name_the_adapter() -> None:
    """``llama`` is the base model without adapter, ``llama+adapter`` falls back to default."""
    variants = dict(compare_variants(SummarizerSettings(), ["rules", "llama", "llama+adapter"]))
    assert variants["rules"].backend == "rules"
    assert variants["llama"].adapter == "none"
    assert variants["llama+adapter"].adapter == "default"
    custom = dict(compare_variants(SummarizerSettings(adapter="/x.gguf"), ["llama+adapter"]))
    assert custom["llama+adapter"].adapter == "/x.gguf"
    with pytest.raises(ValueError, match="unknown variant"):
        compare_variants(SummarizerSettings(), ["gpt"])


def _last_logits(model: Path, lora: str | None, tokens: list[int]) -> list[float]:
    from logsumd.summarize.llama_backend import load_llama

    llm = load_llama(
        model_path=str(model), lora_path=lora, n_ctx=512, logits_all=True, seed=0, verbose=False
    )
    try:
        llm.eval(tokens)
        return [float(x) for x in llm.scores[len(tokens) - 1]]
    finally:
        llm.close()


@pytest.fixture(scope="session")
def base_model(embedded_model: Path) -> Path:
    return embedded_model


@pytest.mark.model
def test_shipped_adapter_fits_the_base_model(base_model: Path) -> None:
    """The shipped GGUF adapter's tensors match the base model's names and shapes."""
    from logsumd.train._export import check_against_base

    if not DEFAULT_ADAPTER.is_file():
        pytest.skip("no adapter shipped")
    assert check_against_base(DEFAULT_ADAPTER, base_model) == []


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.timeout(900)
def test_tiny_training_writes_an_adapter_that_llama_cpp_applies(
    base_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Two optimizer steps on a small slice give GGUF LoRAs; the trained one changes logits."""
    import gguf

    from logsumd.train._export import check_against_base
    from logsumd.train._lora import LlamaTokenizer, train, training_prompt_tokens

    work = tmp_path_factory.mktemp("train")
    splits, _ = build_dataset(seed=3, per_category={"train": 1, "validation": 1, "test": 1})
    for name in ("train", "validation"):
        write_jsonl(work / "data" / f"{name}.jsonl", splits[name])
    config = load_train_config(
        None,
        {
            "data_dir": str(work / "data"),
            "output_dir": str(work / "out"),
            "cache_dir": str(work / "hf-cache"),
            "model_path": str(base_model),
            "max_train_examples": 4,
            "max_validation_examples": 1,
            "batch_size": 2,
            "max_steps": 2,
            "max_length": 224,
            "learning_rate": 0.01,
        },
    )
    log: list[str] = []
    result = train(config, log=log.append)
    assert result.steps == 2
    assert len(result.validation_losses) == 2
    assert all(math.isfinite(v) for v in result.validation_losses)
    assert (work / "hf-cache" / "model.safetensors").is_file()
    assert result.adapter_gguf.is_file()
    # the best adapter may be the untrained one (early stopping); the last one is trained
    adapter = result.adapter_gguf.with_name("etl-lora-last.gguf")
    assert adapter.stat().st_size <= 16 * MB
    assert check_against_base(result.adapter_gguf, base_model) == []
    assert check_against_base(adapter, base_model) == []
    reader = gguf.GGUFReader(str(adapter))
    field = reader.fields["general.type"]
    assert bytes(field.parts[field.data[0]]).decode() == "adapter"
    assert "adapter.lora.alpha" in reader.fields
    assert any(t.name == "blk.0.attn_q.weight.lora_a" for t in reader.tensors)

    record = next(read_jsonl(work / "data" / "validation.jsonl"))
    tok = LlamaTokenizer(base_model)
    tokens = training_prompt_tokens(record, tok.tokenize, tok.bos)
    plain = _last_logits(base_model, None, tokens)
    tuned = _last_logits(base_model, str(adapter), tokens)
    assert max(abs(a - b) for a, b in zip(plain, tuned, strict=True)) > 1e-3
