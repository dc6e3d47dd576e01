"""What the summarizer needs of a model, whichever it is, and the deadline of a call.

:class:`ModelBackend` is what every model offers (the in-process llama.cpp
model, :class:`~logsumd.summarize.llama_backend.LlamaBackend`, and a model server,
:class:`~logsumd.summarize.openai_backend.OpenAIBackend`); :class:`LocalModel` is
what only a model in this process adds: completions under a grammar and scores
of given continuations.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from logsumd.summarize.prompts import Prompt


@dataclass(frozen=True, slots=True)
class Completion:
    """What one model call produced, and what it cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    timed_out: bool
    finish_reason: str


class ModelUnavailable(Exception):
    """The model could not be asked at all (its server is down or refuses); use the rules."""


class ModelBackend(Protocol):
    """What the summarizer needs of a model (LlamaBackend, or a fake in tests)."""

    specials: tuple[str, ...]
    """Control-token strings of the model, broken up in untrusted text."""

    def tokenize(self, text: bytes, add_bos: bool, special: bool) -> list[int]: ...

    def complete(
        self,
        prompt: Prompt,
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
        banned: Sequence[int] = (),
    ) -> Completion: ...

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
    ) -> Completion: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class LocalModel(ModelBackend, Protocol):
    """A model in this process (:class:`LlamaBackend`): it also writes under a grammar
    and scores given continuations.  A model server (the OpenAI API) does neither, so
    the summarizer asks it without a grammar and never asks it to rank."""

    def complete(
        self,
        prompt: Prompt,
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
        banned: Sequence[int] = (),
        grammar: str | None = None,
    ) -> Completion: ...

    def score(
        self, prompt: Prompt, continuations: Sequence[list[int]], *, deadline: Deadline
    ) -> list[float] | None: ...


class Deadline:
    """A stopping criterion: true once the wall-clock deadline passed or on cancel.

    llama-cpp calls stopping criteria after every sampled token, so generation
    stops within one token of the deadline.  Inside ``with deadline:`` it is the
    thread's :meth:`current` deadline: what a backend may spend on work the
    summarizer asks for without passing it (a model server's tokenizer).
    """

    _active = threading.local()

    def __init__(self, timeout_secs: float, cancel: threading.Event | None = None) -> None:
        self.at = time.monotonic() + timeout_secs
        self.cancel = cancel
        self.fired = False

    def __enter__(self) -> Deadline:
        stack: list[Deadline] = Deadline._active.__dict__.setdefault("stack", [])
        stack.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        Deadline._active.stack.pop()

    @staticmethod
    def current() -> Deadline | None:
        """The deadline of the innermost ``with`` block on this thread, if any."""
        stack: list[Deadline] = getattr(Deadline._active, "stack", [])
        return stack[-1] if stack else None

    def expired(self) -> bool:
        """Whether the call must stop now."""
        if time.monotonic() >= self.at or (self.cancel is not None and self.cancel.is_set()):
            self.fired = True
        return self.fired

    def remaining(self) -> float:
        """Seconds left (0 once expired or cancelled)."""
        return 0.0 if self.expired() else max(0.0, self.at - time.monotonic())

    def fire(self) -> None:
        """Mark the deadline as reached (a wait for the model ran out of time)."""
        self.fired = True

    def __call__(self, input_ids: Any, logits: Any) -> bool:  # noqa: ARG002
        return self.expired()
