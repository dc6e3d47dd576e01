"""The model on an OpenAI-compatible server: llama.cpp's server, vLLM, Ollama, LM Studio.

:class:`OpenAIBackend` is a :class:`~logsumd.summarize.backend.ModelBackend`
over HTTP, so the summarizer's condensed facts, per-category prompts, output
check, retry and rules fallback are the same as in-process.  It speaks
``/v1/completions`` (the in-process prompt as text, which the server tokenizes
to the same tokens; with logsumd's LoRA adapter loaded there, the answers are
the in-process ones except where the server's KV-cache reuse evaluates the
prompt in other batches and a greedy choice tips) or ``/v1/chat/completions``
(instruct models).  Only the standard library is used: no extra dependency.

Each request gets what is left of the event's ``timeout_secs`` (connecting at
most ``connect_timeout_secs``); a refused or dropped connection, a 429 or a 5xx
is retried with backoff (``backoff_secs``, doubling) while time is left.  A
server that cannot be asked at all raises ``ModelUnavailable`` and the
summarizer writes the rules summary at once; one that runs out of time gives a
timed-out completion, as a local model does.  At most ``max_concurrency``
requests are in flight.  After a server could not be reached, it is not asked
for ``DOWN_COOLDOWN_SECS``: events get the rules summary at once meanwhile.

Sampling is greedy with llama.cpp's own defaults overridden (``top_k`` 1,
``repeat_penalty`` 1.0), which other servers accept or ignore.  Tokens the
model may not write are sent as ``logit_bias``; their ids come from the
server's tokenizer endpoint (llama-cpp-python's ``/extras/tokenize``, or
``/tokenize`` of llama.cpp's server and vLLM), within the event's deadline
(:meth:`Deadline.current`); without such an endpoint nothing is banned.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from logsumd import httpjson
from logsumd.config import SummarizerSettings
from logsumd.summarize.backend import Completion, Deadline, ModelUnavailable
from logsumd.summarize.prompts import Prompt
from logsumd.telemetry import emit

SPECIALS: tuple[str, ...] = (
    "<bos>",
    "<eos>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<|im_start|>",
    "<|im_end|>",
    "<|endoftext|>",
    "<|begin_of_text|>",
    "<|eot_id|>",
    "<s>",
    "</s>",
)
"""Control-token strings of common model families, broken up in untrusted text."""
BAN_BIAS = -100.0
"""``logit_bias`` of a banned token (OpenAI's lowest value)."""
MAX_STOPS = 4
"""OpenAI accepts at most four stop sequences."""
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
TOKEN_CACHE_SIZE = 256
"""Texts whose tokens are kept (example names, and an event's facts for its retry)."""
DOWN_COOLDOWN_SECS = 10.0
"""After a server could not be reached (retries spent), events get the rules summary at
once for this long, then the server is asked again."""


class _Retryable(Exception):
    """A failure that may pass: refused, dropped, 429 or 5xx."""


class _TimedOut(Exception):
    """The request ran out of the event's time."""


class _Refused(ModelUnavailable):
    """The server answered, with an error that asking again will not change (4xx)."""


def _json(data: bytes) -> dict[str, Any]:
    value = httpjson.json_object(data)
    if value is None:
        raise ModelUnavailable(f"not a JSON object: {httpjson.excerpt(data)}")
    return value


def minimal_stops(stop: Sequence[str]) -> list[str]:
    """``stop`` without sequences that start with another one (they never match first)."""
    kept = [s for s in stop if s and not any(o != s and s.startswith(o) for o in stop if o)]
    return list(dict.fromkeys(kept))[:MAX_STOPS]


class OpenAIBackend:
    """A model behind ``/v1/completions`` or ``/v1/chat/completions``.  Thread-safe."""

    specials: tuple[str, ...] = SPECIALS

    def __init__(self, settings: SummarizerSettings, env: Mapping[str, str] | None = None) -> None:
        o = settings.openai
        if not o.base_url or not o.model:
            raise ModelUnavailable("summarizer.openai needs base_url and model")
        self.settings = settings
        self.base_url = o.base_url.rstrip("/")
        self.model = o.model
        env = os.environ if env is None else env
        self._key = env.get(o.api_key_env, "") if o.api_key_env else ""
        self._slots = threading.BoundedSemaphore(o.max_concurrency)
        self._lock = threading.Lock()
        self._tokenizer: tuple[str, str] | None = None
        """(endpoint, body style) of the server's tokenizer, once found."""
        self._tokenizer_known = False
        self._bos_prefix: list[int] = []
        self._down_until = 0.0
        self._token_cache: dict[str, tuple[int, ...]] = {}

    def __repr__(self) -> str:
        return f"OpenAIBackend(base_url={self.base_url!r}, model={self.model!r})"

    # -- ModelBackend --------------------------------------------------------

    def tokenize(self, text: bytes, add_bos: bool, special: bool) -> list[int]:  # noqa: ARG002
        """Token ids from the server's tokenizer ([] if it has none, or time ran out).

        The servers tokenize with control tokens enabled; callers pass text
        without them (example names, the event's neutralised facts).
        """
        key = text.decode("utf-8", "replace")
        with self._lock:
            cached = self._token_cache.get(key)
        if cached is not None:
            return list(cached)
        deadline = Deadline.current() or Deadline(self.settings.timeout_secs)
        try:
            endpoint = self._find_tokenizer(deadline)
            tokens = [] if endpoint is None else self._tokenize_at(endpoint, key, deadline)
        except _TimedOut:
            deadline.fire()  # the completion that follows times out at once
            return []
        if tokens is None:
            raise ModelUnavailable(f"the tokenizer of {self.base_url} stopped answering")
        prefix = self._bos_prefix
        if prefix and tokens[: len(prefix)] == prefix:
            tokens = tokens[len(prefix) :]
        with self._lock:
            if len(self._token_cache) >= TOKEN_CACHE_SIZE:
                self._token_cache.pop(next(iter(self._token_cache)))
            self._token_cache[key] = tuple(tokens)
        return tokens

    def complete(
        self,
        prompt: Prompt,
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
        banned: Sequence[int] = (),
    ) -> Completion:
        """Greedy completion of ``prompt``'s text on the server."""
        payload: dict[str, Any] = {
            "model": self.model,
            "prompt": prompt.text(self.specials),
            "max_tokens": max_tokens,
            **self._sampling(),
            "stop": minimal_stops(stop),
        }
        if banned:
            payload["logit_bias"] = {str(t): BAN_BIAS for t in banned}
        return self._generate("/completions", payload, deadline, chat=False)

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        stop: list[str],
        deadline: Deadline,
    ) -> Completion:
        """Greedy chat completion; the server applies the model's chat template."""
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            **self._sampling(),
            "stop": minimal_stops(stop),
        }
        return self._generate("/chat/completions", payload, deadline, chat=True)

    def reset(self) -> None:
        """Nothing to forget: the server keeps its own cache."""

    def close(self) -> None:
        """Nothing to free: every request has its own connection."""

    # -- for ``logsumd check`` -----------------------------------------------

    def list_models(self, timeout_secs: float = 10.0) -> list[str]:
        """The model ids the server lists under ``/v1/models`` (ModelUnavailable if none)."""
        url = self.base_url + "/models"
        try:
            data = self._call("GET", url, None, Deadline(timeout_secs))
        except _TimedOut:
            raise ModelUnavailable(f"{url}: no answer within {timeout_secs:g} s") from None
        models = data.get("data")
        if not isinstance(models, list):
            raise ModelUnavailable(f"{url}: not an OpenAI model list")
        return [str(m.get("id")) for m in models if isinstance(m, dict)]

    # -- internals -----------------------------------------------------------

    def _sampling(self) -> dict[str, Any]:
        return {
            "temperature": 0.0,
            "top_k": 1,
            "repeat_penalty": 1.0,
            "seed": self.settings.seed,
        }

    def _generate(
        self, path: str, payload: dict[str, Any], deadline: Deadline, *, chat: bool
    ) -> Completion:
        started = time.monotonic()
        try:
            data = self._call("POST", self.base_url + path, payload, deadline)
        except _TimedOut:
            deadline.fire()
            return Completion("", 0, 0, time.monotonic() - started, True, "timeout")
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise ModelUnavailable(f"{self.base_url}{path}: answer without choices")
        choice = choices[0]
        if chat:
            message = choice.get("message") or {}
            text = str(message.get("content") or "") if isinstance(message, dict) else ""
        else:
            text = str(choice.get("text") or "")
        usage = data.get("usage")
        if not isinstance(usage, dict):
            usage = {}
        return Completion(
            text=text,
            prompt_tokens=_count(usage.get("prompt_tokens")),
            completion_tokens=_count(usage.get("completion_tokens")),
            seconds=time.monotonic() - started,
            timed_out=deadline.expired(),
            finish_reason=str(choice.get("finish_reason") or ""),
        )

    def _call(self, method: str, url: str, payload: Any, deadline: Deadline) -> dict[str, Any]:
        """A JSON request within ``deadline``, retrying what may pass; the answer's object.

        ModelUnavailable: unreachable after the retries (the server then cools
        down), refused (4xx) or not JSON; _TimedOut: out of time.
        """
        o = self.settings.openai
        with self._lock:
            down = time.monotonic() < self._down_until
        if down:
            raise ModelUnavailable(
                f"{self.base_url} failed less than {DOWN_COOLDOWN_SECS:g} s ago (not asked)"
            )
        attempt = 0
        while True:
            try:
                status, body = self._request(method, url, payload, deadline)
            except _Retryable as exc:
                status, body, error = 0, b"", str(exc)
            else:
                error = f"HTTP {status} from {url}"
            if status == 200:
                return _json(body)
            if status and status not in RETRY_STATUSES:
                raise _Refused(f"{error}: {httpjson.excerpt(body)}")
            pause = o.backoff_secs * 2**attempt
            if attempt >= o.max_retries or pause >= deadline.remaining():
                if not status:
                    with self._lock:
                        self._down_until = time.monotonic() + DOWN_COOLDOWN_SECS
                raise ModelUnavailable(error)
            emit("ModelServerRetry", url=url, error=error, retry_in_secs=pause)
            if deadline.cancel is not None:
                deadline.cancel.wait(pause)
            else:
                time.sleep(pause)
            attempt += 1

    def _request(
        self, method: str, url: str, payload: Any, deadline: Deadline
    ) -> tuple[int, bytes]:
        """One request in a free slot: (status, body).  _Retryable if unreachable."""
        if not self._slots.acquire(timeout=deadline.remaining()):
            raise _TimedOut("no free request slot in time")
        try:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise _TimedOut("out of time")
            headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
            return httpjson.request(
                method,
                url,
                payload,
                connect_secs=self.settings.openai.connect_timeout_secs,
                total_secs=remaining,
                headers=headers,
            )
        except httpjson.Unreachable as exc:
            raise _Retryable(str(exc)) from None
        except httpjson.RequestTimeout as exc:
            raise _TimedOut(str(exc)) from None
        finally:
            self._slots.release()

    def _find_tokenizer(self, deadline: Deadline) -> tuple[str, str] | None:
        """The server's tokenizer endpoint, found once: llama-cpp-python's, then llama.cpp's."""
        with self._lock:
            if self._tokenizer_known:
                return self._tokenizer
        found: tuple[str, str] | None = None
        prefix: list[int] = []
        root = self.base_url.removesuffix("/v1")
        for endpoint in ((root + "/extras/tokenize", "input"), (root + "/tokenize", "content")):
            tokens = self._tokenize_at(endpoint, "", deadline)
            if tokens is not None:
                found, prefix = endpoint, tokens
                break
        with self._lock:
            if not self._tokenizer_known:
                self._tokenizer, self._bos_prefix = found, prefix
                self._tokenizer_known = True
                if found is None:
                    emit("ModelServerLimited", url=self.base_url, missing="tokenizer endpoint")
            return self._tokenizer

    def _tokenize_at(
        self, endpoint: tuple[str, str], text: str, deadline: Deadline
    ) -> list[int] | None:
        """Tokens of ``text``; None if the endpoint is no tokenizer (4xx, or no tokens)."""
        url, style = endpoint
        payload: dict[str, Any] = {"model": self.model}
        if style == "input":
            payload["input"] = text
        else:  # llama.cpp server and vLLM
            payload.update(content=text, prompt=text, add_special=False, add_special_tokens=False)
        try:
            tokens = self._call("POST", url, payload, deadline).get("tokens")
        except _Refused:
            return None
        if not isinstance(tokens, list):
            return None
        ids: list[int] = []
        for t in tokens:
            i = t.get("id") if isinstance(t, dict) else t
            if not isinstance(i, int) or isinstance(i, bool):
                return None  # a server that answers something else than token ids
            ids.append(i)
        return ids


def _count(value: object) -> int:
    """A token count from a server's ``usage`` (0 when it is not a whole number)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
