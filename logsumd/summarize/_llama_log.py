"""llama.cpp's log, bridged to telemetry, and the models freed before the interpreter ends.

llama.cpp logs through one process-wide C callback.  :func:`callback` turns its
lines into ``ModelLog`` events (debug), so the daemon's stderr stays one JSON
object per line.  At interpreter exit the models still loaded are freed while
Python is whole (:data:`LOADED`); after that the callback drops everything: a
model freed during teardown would otherwise call into a Python without an
import system and print "Exception ignored on calling ctypes callback function
... sys.meta_path is None" on stderr.
"""

from __future__ import annotations

import atexit
import ctypes
import threading
import weakref
from typing import Protocol

import llama_cpp

from logsumd.telemetry import emit

_LOG_LEVELS = {0: "none", 1: "info", 2: "warn", 3: "error", 4: "debug"}
_log_lock = threading.Lock()
_log_pending: list[str] = []
_log_level = ["info"]


class Closable(Protocol):
    """A loaded model (``LlamaBackend``)."""

    def close(self) -> None: ...


LOADED: weakref.WeakSet[Closable] = weakref.WeakSet()
"""Every model loaded and not yet closed (``LlamaBackend`` adds and discards itself)."""


class _Shutdown:
    """Set at interpreter exit, once every model is freed: llama.cpp logs go nowhere then."""

    started = False


@llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
def callback(
    level: int, text: bytes, _user: ctypes.c_void_p, _shutdown: type[_Shutdown] = _Shutdown
) -> None:
    """llama.cpp's own log lines become ``ModelLog`` events (debug), not raw stderr.

    The daemon's stderr is one JSON object per line (journald, Loki); llama.cpp
    would otherwise print plain text there while loading a model or an adapter.
    Once the interpreter is shutting down (``_shutdown`` is bound as a default,
    so it outlives the module's globals) nothing is logged.
    """
    if _shutdown.started:
        return
    with _log_lock:
        if level != 5:  # 5: continues the previous message
            _log_level[0] = _LOG_LEVELS.get(level, str(level))
        _log_pending.append(text.decode("utf-8", "replace"))
        joined = "".join(_log_pending)
        if not joined.endswith("\n"):
            return
        _log_pending.clear()
        lvl = _log_level[0]
    for line in joined.splitlines():
        if line.strip():
            emit("ModelLog", level=lvl, text=line.strip())


llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))
# llama.cpp keeps the callback's address until the process ends: the callback
# object must never be freed, even when this module's globals are cleared.
ctypes.pythonapi.Py_IncRef(ctypes.py_object(callback))


@atexit.register
def _free_models_at_exit() -> None:
    """Free the models still loaded while Python is whole, then mute llama.cpp's log."""
    for model in list(LOADED):
        model.close()
    _Shutdown.started = True
