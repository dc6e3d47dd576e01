"""The llama.cpp model, loaded once, with deadline-bounded greedy completions.

One :class:`LlamaBackend` wraps one ``llama_cpp.Llama``: it is loaded at
construction and used for every event (never reloaded).  Calls are not
thread-safe: the summarizer runs them one at a time on its worker thread.
Consecutive calls whose prompts share a prefix reuse its KV cache (llama-cpp does
that inside ``generate``); :meth:`reset` forgets the cache (for benchmarks).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import llama_cpp
from llama_cpp import Llama, LogitsProcessorList, StoppingCriteriaList
from llama_cpp.llama_grammar import LlamaGrammar

from logsumd.config import SummarizerSettings
from logsumd.summarize._llama_log import LOADED
from logsumd.summarize._scoring import score_continuations
from logsumd.summarize.backend import (
    Completion,
    Deadline,
    LocalModel,
    ModelBackend,
    ModelUnavailable,
)
from logsumd.summarize.model_file import ModelError, check_gguf
from logsumd.summarize.prompts import Prompt

__all__ = [  # the model Protocols moved to summarize/backend.py; importers here still work
    "DEFAULT_ADAPTER",
    "BanTokens",
    "Completion",
    "Deadline",
    "DeadlineLogits",
    "LlamaBackend",
    "LlamaTokens",
    "LocalModel",
    "ModelBackend",
    "ModelUnavailable",
    "adapter_path",
    "amx_present",
    "load_llama",
    "without_amx_buffers",
]


class DeadlineLogits:
    """A logits processor that forces end-of-sequence once the deadline fired.

    ``create_chat_completion`` takes no stopping criteria; this stops it the same way.
    """

    def __init__(self, deadline: Deadline, eos: int) -> None:
        self.deadline = deadline
        self.eos = eos

    def __call__(self, input_ids: Any, scores: Any) -> Any:  # noqa: ARG002
        if self.deadline.expired():
            scores[:] = -float("inf")
            scores[self.eos] = 0.0
        return scores


class BanTokens:
    """A logits processor that makes some tokens impossible (copy-from-example guard)."""

    def __init__(self, token_ids: Sequence[int]) -> None:
        self.ids = list(token_ids)

    def __call__(self, input_ids: Any, scores: Any) -> Any:  # noqa: ARG002
        if self.ids:
            scores[self.ids] = -float("inf")
        return scores


DEFAULT_ADAPTER = Path(__file__).parents[1] / "data" / "etl-lora.gguf"
"""The LoRA adapter shipped with logsumd (``adapter: default``), see ``docs/finetune.md``."""


def adapter_path(adapter: str) -> str | None:
    """The LoRA file of ``summarizer.adapter``; ``none`` (or empty) means no adapter.

    ``default`` is the adapter shipped as package data, trained for the default model.
    """
    if not adapter or adapter == "none":
        return None
    path = DEFAULT_ADAPTER if adapter == "default" else Path(adapter).expanduser()
    if not path.is_file():
        raise ModelError(f"LoRA adapter {path} does not exist")
    check_gguf(path)
    return str(path)


class LlamaTokens:
    """How prompts become tokens with a loaded ``Llama``: the daemon's serving path.

    Fine-tuning (:mod:`logsumd.train._lora`) tokenizes through this class too, so
    the tokens a model is trained on are the tokens it is served.
    """

    llm: Llama

    @property
    def bos(self) -> int | None:
        """The BOS token to start a token prompt with, if the model wants one."""
        token = int(self.llm.token_bos())
        add_bos = bool(self.llm.metadata.get("tokenizer.ggml.add_bos_token", "true") == "true")
        return token if token >= 0 and add_bos else None

    def tokenize(self, text: bytes, add_bos: bool, special: bool) -> list[int]:
        """``Llama.tokenize`` with positional flags (the prompts module's signature)."""
        return list(self.llm.tokenize(text, add_bos=add_bos, special=special))


def amx_present() -> bool:
    """Whether this llama.cpp build uses Intel AMX for the CPU (Sapphire Rapids and newer)."""
    info = llama_cpp.llama_print_system_info()
    return b"AMX_INT8 = 1" in (info if isinstance(info, bytes) else str(info).encode())


@contextlib.contextmanager
def without_amx_buffers() -> Iterator[None]:
    """While inside, llama.cpp loads models without its AMX weight buffers (AMX CPUs only).

    llama.cpp built with ``-march=native`` on an AMX CPU repacks Q4_K weights into
    AMX buffers, and its AMX matmul then crashes the process on the first decode
    (ggml-org/llama.cpp#20824; seen with the embedded model on Xeon hosts).  Loading
    with ``use_extra_bufts = false`` keeps the weights in plain CPU buffers: no
    crash, and the same speed here within 5%.  ``Llama`` does not take that model
    parameter, so the default parameters it starts from are amended inside the
    block.  The model server launcher (:mod:`logsumd.summarize.serve`) stays
    inside it for its whole life.
    """
    if not amx_present():
        yield
        return
    low = llama_cpp.llama_cpp
    defaults = low.llama_model_default_params

    def without_extra_bufts() -> Any:
        params = defaults()
        params.use_extra_bufts = False
        return params

    with _PARAMS_LOCK:
        low.llama_model_default_params = without_extra_bufts
        try:
            yield
        finally:
            low.llama_model_default_params = defaults


def load_llama(**kwargs: Any) -> Llama:
    """``Llama(**kwargs)``, without llama.cpp's AMX weight buffers where AMX is present."""
    with without_amx_buffers():
        return Llama(**kwargs)


_PARAMS_LOCK = threading.Lock()


class LlamaBackend(LlamaTokens):
    """A GGUF model loaded with llama-cpp-python, used for greedy completions."""

    def __init__(self, model_path: Path, settings: SummarizerSettings) -> None:
        check_gguf(model_path)
        self.path = model_path
        self.settings = settings
        started = time.monotonic()
        try:
            self.llm = load_llama(
                model_path=str(model_path),
                n_ctx=settings.n_ctx,
                n_threads=settings.n_threads,
                n_threads_batch=settings.n_threads_batch,
                seed=settings.seed,
                lora_path=adapter_path(settings.adapter),
                chat_format=settings.chat_format,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(
                f"model file {model_path} could not be loaded by llama.cpp "
                f"(corrupt, truncated or an unsupported architecture): {exc}"
            ) from exc
        self.load_seconds = time.monotonic() - started
        self.specials = self._special_texts()
        LOADED.add(self)
        self._grammars: dict[str, LlamaGrammar] = {}

    def _special_texts(self) -> tuple[str, ...]:
        """Texts of the model's control tokens (``<eos>``, ``<start_of_turn>`` ...)."""
        texts: set[str] = set()
        for token in (self.llm.token_bos(), self.llm.token_eos()):
            if token >= 0:
                texts.add(self.llm.detokenize([token], special=True).decode("utf-8", "replace"))
        texts.update({"<start_of_turn>", "<end_of_turn>", "<eos>", "<bos>", "<|im_start|>"})
        return tuple(sorted(t for t in texts if t))

    def complete(
        self,
        prompt: Prompt,
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
        banned: Sequence[int] = (),
        grammar: str | None = None,
    ) -> Completion:
        """Greedy completion of ``prompt``, stopped at ``stop`` or the deadline.

        ``banned`` tokens can never be sampled.  The ends of the prompt's reusable
        segments are evaluated as separate batches and reused from the KV cache
        when unchanged; see :meth:`_prepare`.
        ``grammar`` (GBNF) constrains what can be written.
        """
        started = time.monotonic()
        tokens, checkpoints = prompt.tokens(self.tokenize, self.bos)
        self._prepare(tokens, checkpoints)
        limit = max(1, min(max_tokens, self.settings.n_ctx - len(tokens) - 1))
        out: Any = self.llm.create_completion(
            tokens,
            max_tokens=limit,
            temperature=0.0,
            top_k=1,
            seed=self.settings.seed,
            stop=stop,
            stopping_criteria=StoppingCriteriaList([deadline]),
            logits_processor=LogitsProcessorList([BanTokens(banned)]) if banned else None,
            grammar=self._grammar(grammar) if grammar else None,
        )
        choice = out["choices"][0]
        usage = out["usage"]
        return Completion(
            text=str(choice["text"]),
            prompt_tokens=int(usage["prompt_tokens"]),
            completion_tokens=int(usage["completion_tokens"]),
            seconds=time.monotonic() - started,
            timed_out=deadline.fired,
            finish_reason=str(choice.get("finish_reason") or ""),
        )

    def _grammar(self, text: str) -> LlamaGrammar:
        """The parsed grammar of ``text`` (parsed once)."""
        grammar = self._grammars.get(text)
        if grammar is None:
            grammar = LlamaGrammar.from_string(text, verbose=False)
            self._grammars[text] = grammar
        return grammar

    def score(
        self, prompt: Prompt, continuations: Sequence[list[int]], *, deadline: Deadline
    ) -> list[float] | None:
        """Mean log-probability per token of each continuation after ``prompt``.

        The prompt's reusable segments are reused from the KV cache (see
        :meth:`_prepare`); see :func:`~logsumd.summarize._scoring.score_continuations`.
        """
        tokens, checkpoints = prompt.tokens(self.tokenize, self.bos)
        if not tokens or not continuations or len(tokens) >= self.settings.n_ctx:
            return None
        self._prepare(tokens, checkpoints)
        return score_continuations(self.llm, tokens, continuations, self.settings.n_ctx, deadline)

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
    ) -> Completion:
        """Greedy chat completion through the model's chat template (instruct models)."""
        started = time.monotonic()
        out: Any = self.llm.create_chat_completion(
            messages=messages,  # type: ignore[arg-type]
            max_tokens=max_tokens,
            temperature=0.0,
            top_k=1,
            seed=self.settings.seed,
            stop=stop,
            logits_processor=LogitsProcessorList(
                [DeadlineLogits(deadline, int(self.llm.token_eos()))]
            ),
        )
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Completion(
            text=str(choice["message"].get("content") or ""),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            seconds=time.monotonic() - started,
            timed_out=deadline.fired,
            finish_reason=str(choice.get("finish_reason") or ""),
        )

    def _prepare(self, tokens: list[int], checkpoints: Sequence[int]) -> None:
        """Bring the KV cache to the last checkpoint of ``tokens``, segment by segment.

        The cache is cut back to the longest checkpoint it already holds, and each
        missing segment is evaluated as one batch.  The rest of the prompt (the
        event) is then always evaluated from the same position in one batch, so a
        greedy answer does not depend on which event came before (llama.cpp's own
        longest-prefix reuse would start at varying positions, and different batch
        splits give slightly different logits).
        """
        marks = [c for c in checkpoints if 0 < c < len(tokens)]
        if not marks:
            return
        llm = self.llm
        cached = list(llm.input_ids[: llm.n_tokens])
        keep = 0
        for mark in marks:
            if len(cached) >= mark and cached[:mark] == tokens[:mark]:
                keep = mark
            else:
                break
        if keep == 0:
            llm.reset()  # type: ignore[no-untyped-call]
        elif llm.n_tokens > keep:
            llm._ctx.kv_cache_seq_rm(-1, keep, -1)
            llm.n_tokens = keep
        for mark in marks:
            if mark > llm.n_tokens:
                llm.eval(tokens[llm.n_tokens : mark])

    def reset(self) -> None:
        """Forget the KV cache, so the next prompt is evaluated from scratch."""
        self.llm.reset()  # type: ignore[no-untyped-call]

    def close(self) -> None:
        """Free the model and its context (again: nothing)."""
        LOADED.discard(self)
        close = getattr(self.llm, "close", None)
        if callable(close):
            close()
