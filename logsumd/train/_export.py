"""Write a trained peft LoRA as a GGUF adapter that llama.cpp loads (``lora_path``).

Layout as llama.cpp's ``convert_lora_to_gguf.py``: metadata ``general.type =
adapter``, ``adapter.type = lora``, ``adapter.lora.alpha``; for every adapted
weight ``blk.N.<name>.weight`` of the base GGUF, a tensor ``.lora_a`` with the
peft ``lora_A`` matrix as is (numpy shape ``(rank, in)``, GGML ``ne = [in,
rank]``) and ``.lora_b`` with ``lora_B`` (``(out, rank)``).  llama.cpp scales the
product by ``alpha / rank`` like peft.  Gemma 3's q/k weights are not permuted
between transformers and GGUF (it uses NeoX-style RoPE; checked numerically in
``docs/finetune.md``), so no tensor is reordered.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

GGUF_NAMES = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_PEFT_RE = re.compile(r"layers\.(\d+)\.(\w+\.\w+)\.lora_([AB])\.[\w]+\.weight$")


def gguf_tensors(state: dict[str, Any]) -> dict[str, Any]:
    """GGUF tensor name -> float32 numpy array, from a peft state dict."""
    out: dict[str, Any] = {}
    for key, tensor in state.items():
        match = _PEFT_RE.search(key)
        if not match:
            continue
        layer, module, which = match.groups()
        if module not in GGUF_NAMES:
            raise ValueError(f"no GGUF name for the adapted module {module}")
        name = f"blk.{layer}.{GGUF_NAMES[module]}.weight.lora_{which.lower()}"
        out[name] = tensor.detach().float().cpu().numpy()
    if not out:
        raise ValueError("the model holds no LoRA weights")
    return out


def write_adapter(tensors: dict[str, Any], alpha: float, path: Path, arch: str = "gemma3") -> None:
    """Write ``tensors`` as a GGUF LoRA adapter for a base model of ``arch``."""
    import gguf

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    writer = gguf.GGUFWriter(str(tmp), arch)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
    writer.add_name("logsumd etl-lora")
    for name in sorted(tensors, key=_tensor_order):
        writer.add_tensor(name, tensors[name])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)


def _tensor_order(name: str) -> tuple[int, str]:
    return int(name.split(".")[1]), name


def export_gguf(model: Any, alpha: float, rank: int, path: Path) -> None:
    """Export the LoRA weights of a peft model (rank checked against the tensors)."""
    tensors = gguf_tensors(model.state_dict())
    for name, array in tensors.items():
        r = array.shape[0] if name.endswith("lora_a") else array.shape[1]
        if r != rank:
            raise ValueError(f"{name} has rank {r}, expected {rank}")
    write_adapter(tensors, alpha, path)


def check_against_base(adapter: Path, base: Path) -> list[str]:
    """Problems of ``adapter`` against the base GGUF's tensor names and shapes (empty: fine)."""
    import gguf

    base_shapes = {
        t.name: tuple(int(n) for n in t.shape) for t in gguf.GGUFReader(str(base)).tensors
    }
    reader = gguf.GGUFReader(str(adapter))
    problems: list[str] = []
    pairs: dict[str, dict[str, tuple[int, ...]]] = {}
    for tensor in reader.tensors:
        stem, _, which = tensor.name.rpartition(".")
        pairs.setdefault(stem, {})[which] = tuple(int(n) for n in tensor.shape)
    for stem, shapes in pairs.items():
        if stem not in base_shapes:
            problems.append(f"{stem}: not a tensor of the base model")
            continue
        a, b = shapes.get("lora_a"), shapes.get("lora_b")
        if a is None or b is None:
            problems.append(f"{stem}: lora_a or lora_b missing")
            continue
        ne_in, ne_out = base_shapes[stem][0], base_shapes[stem][1]
        # GGUFReader gives GGML order (ne0 first): a = [in, r], b = [r, out]
        if a[0] != ne_in or b[1] != ne_out or a[1] != b[0]:
            problems.append(
                f"{stem}: lora_a {a} / lora_b {b} do not fit the base {base_shapes[stem]}"
            )
    return problems
