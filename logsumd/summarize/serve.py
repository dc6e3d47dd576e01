"""``python -m logsumd.summarize.serve``: one shared model server for many logsumd hosts.

This is llama-cpp-python's own OpenAI-compatible server (``llama_cpp.server``:
``/v1/completions``, ``/v1/chat/completions``, ``/v1/models``,
``/extras/tokenize``) run by uvicorn, with two differences:

* models load without llama.cpp's AMX weight buffers where the CPU has AMX
  (:func:`~logsumd.summarize.llama_backend.without_amx_buffers`): on such CPUs
  ``python -m llama_cpp.server`` crashes on its first completion
  (ggml-org/llama.cpp#20824), exactly as the embedded model did in-process;
* without ``--model`` it serves logsumd's default: the embedded Gemma 3 270M
  with logsumd's LoRA adapter (``--lora_path``), listed as ``logsumd-etl``.
  Sidecars then use ``summarizer.backend: openai`` with ``openai.model:
  logsumd-etl`` and ``openai.prompt: adapter``, and get the answers the
  embedded model gives in-process.

Every option of ``llama_cpp.server`` is accepted (``--host``, ``--port``,
``--n_threads``, ``--api_key``, ``--n_gpu_layers`` ...); ``--lora_path none``
serves the base model.  It needs the ``server`` extra
(``pip install 'logsumd[server]'``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

import structlog

DEFAULT_ALIAS = "logsumd-etl"
"""The name ``/v1/models`` lists for the default model (embedded model + adapter)."""


def _default_state_dir() -> str:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(cache, "logsumd")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse llama_cpp.server's options, fill logsumd's defaults, serve until stopped."""
    try:
        import uvicorn
        from llama_cpp.server.app import create_app
        from llama_cpp.server.cli import add_args_from_model
        from llama_cpp.server.settings import ModelSettings, ServerSettings, Settings
    except ImportError as exc:
        print(
            f"logsumd serve: the server extra is missing ({exc}); "
            "install it with: pip install 'logsumd[server]'",
            file=sys.stderr,
        )
        return 2
    from logsumd.summarize.llama_backend import DEFAULT_ADAPTER, without_amx_buffers
    from logsumd.summarize.model_file import ModelError, ensure_embedded_model

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    parser = argparse.ArgumentParser(
        prog="python -m logsumd.summarize.serve",
        description="llama-cpp-python's OpenAI-compatible server, safe on AMX CPUs; "
        "without --model it serves logsumd's embedded model and LoRA adapter.",
    )
    add_args_from_model(parser, Settings)
    parser.add_argument(
        "--state_dir",
        default=_default_state_dir(),
        help="where the embedded model file is written (default: ~/.cache/logsumd)",
    )
    args = parser.parse_args(argv)
    if args.model is None:
        try:
            args.model = str(ensure_embedded_model(args.state_dir))
        except ModelError as exc:
            print(f"logsumd serve: {exc}", file=sys.stderr)
            return 3
        args.lora_path = args.lora_path or str(DEFAULT_ADAPTER)
        args.model_alias = args.model_alias or DEFAULT_ALIAS
    if args.lora_path == "none":
        args.lora_path = None
    given = {k: v for k, v in vars(args).items() if v is not None}
    server_settings = ServerSettings(
        **{k: v for k, v in given.items() if k in ServerSettings.model_fields}
    )
    model_settings = ModelSettings(
        **{k: v for k, v in given.items() if k in ModelSettings.model_fields}
    )
    # The whole process stays inside: the server may load its model again later.
    with without_amx_buffers():
        app = create_app(server_settings=server_settings, model_settings=[model_settings])
        uvicorn.run(
            app,
            host=server_settings.host,
            port=server_settings.port,
            ssl_keyfile=server_settings.ssl_keyfile,
            ssl_certfile=server_settings.ssl_certfile,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
