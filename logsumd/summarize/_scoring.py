"""How likely the model finds each of a few answers: mean token log-probabilities.

Used to choose among catalogue diagnoses without generating text.  The prompt
is evaluated once; each continuation is evaluated as one batch with the logits
of all its positions (llama.cpp's ``logits_all`` would keep logits for the
whole context: n_ctx x a 262k vocabulary) and dropped from the KV cache again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt


class _Deadline(Protocol):
    def expired(self) -> bool: ...


def log_softmax(logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Log-probabilities of one row of logits."""
    shifted = logits - logits.max()
    result: npt.NDArray[np.float32] = shifted - np.log(np.exp(shifted).sum())
    return result


def _row(llm: Any, index: int, n_vocab: int) -> npt.NDArray[np.float32]:
    """A copy of the logits of batch position ``index`` of the latest decode."""
    pointer = llm._ctx.get_logits_ith(index)
    return np.ctypeslib.as_array(pointer, shape=(n_vocab,)).astype(np.float32)


def score_continuations(
    llm: Any,
    tokens: list[int],
    continuations: Sequence[list[int]],
    n_ctx: int,
    deadline: _Deadline,
) -> list[float] | None:
    """Mean log-probability per token of each continuation of ``tokens`` (None: deadline).

    ``llm`` is a ``llama_cpp.Llama`` whose KV cache may already hold a prefix of
    ``tokens``; afterwards it holds exactly ``tokens``.
    """
    cached = list(llm.input_ids[: llm.n_tokens])
    if llm.n_tokens > len(tokens) or cached != tokens[: llm.n_tokens]:
        llm.reset()
    if llm.n_tokens == len(tokens):  # the prompt's last logits are gone: evaluate it again
        llm._ctx.kv_cache_seq_rm(-1, len(tokens) - 1, -1)
        llm.n_tokens = len(tokens) - 1
    llm.eval(tokens[llm.n_tokens :])
    n_prompt = len(tokens)
    n_vocab = llm.n_vocab()
    first = log_softmax(_row(llm, -1, n_vocab))
    scores: list[float] = []
    try:
        for continuation in continuations:
            if deadline.expired():
                return None
            ids = list(continuation)[: min(n_ctx - n_prompt - 1, llm.n_batch)]
            if not ids:
                scores.append(-math.inf)
                continue
            llm._ctx.kv_cache_seq_rm(-1, n_prompt, -1)
            llm._batch.set_batch(batch=ids, n_past=n_prompt, logits_all=True)
            llm._ctx.decode(llm._batch)
            total = float(first[ids[0]])
            for i in range(1, len(ids)):
                total += float(log_softmax(_row(llm, i - 1, n_vocab))[ids[i]])
            scores.append(total / len(ids))
    finally:
        llm._ctx.kv_cache_seq_rm(-1, n_prompt, -1)
        llm.n_tokens = n_prompt
    return scores
