"""What the catalogue reads of an event besides its message (pure).

- :func:`http_status`: the HTTP status (4xx or 5xx) a server answered with, and
  :func:`server_answered`: that status, or the server's rejection of the
  credentials.  A server that answered was reached, so no "connection" entry
  applies: the status decides between auth (401/403), not found (404), rate limit
  (429) and server error (5xx); a rejected password or token is an auth failure.
- :func:`frame_code`: the source lines a Python traceback prints under its frames
  (``with open(path, "w")`` says the failing call writes), and the one under the frame
  that raised the root exception (the ``{statement}`` slot).
- :func:`project_names` and :func:`is_own_module`: whether ``No module named X``
  names the project's own code (X's top-level package is a folder or file of the
  user's frames, or a usual project-layout name such as ``src``): then the fix is
  the import path (PYTHONPATH, package layout, working directory), not pip.
"""

from __future__ import annotations

import re

from logsumd.parse import Trace
from logsumd.summarize.subject import is_library_frame

_STATUS = re.compile(
    r"(?i)\b([45]\d\d) (?:Client|Server) Error\b"
    r"|\bHTTP(?:/\d(?:\.\d)?)?(?: Error| error| status| code)?[ :]*([45]\d\d)\b"
    r"|\bstatus(?:_code| code|Code)?(?: is| was)?\s*[=:]?\s*([45]\d\d)\b"
    r"|<Response \[([45]\d\d)\]>"
    r"|\berror occurred \(([45]\d\d)\)"
    r"|\bHttpError ([45]\d\d)\b|ResponseError: ([45]\d\d), message="
    r"|\btoo many ([45]\d\d) error responses"
    r"|\b([45]\d\d)[ :-]+(?:Unauthorized|Forbidden|Not Found|Too Many Requests|Bad Request"
    r"|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b"
)
_REJECTED = re.compile(
    r"(?i)invalid (?:access |auth(?:entication)? |api |bearer )?(?:token|key|credentials)"
    r"|authentication failed|password authentication|access denied for user|login failed"
    r"|incorrect (?:username or )?password|\bunauthori[sz]ed\b|token (?:has )?expired"
)
_SYSTEM_DIRS = frozenset(
    ("bin", "boot", "dev", "etc", "home", "lib", "lib64", "local", "mnt", "opt", "root", "run",
     "srv", "tmp", "usr", "var", "users", "c", "d", "site-packages", "dist-packages", "python",
     "airflow", "spark")
)  # fmt: skip
"""Path components that are the machine's, not the project's (``/opt/airflow/dags``)."""
_LAYOUT_NAMES = frozenset(
    ("src", "app", "apps", "dags", "plugins", "utils", "util", "common", "helpers", "lib", "libs",
     "scripts", "pipelines", "pipeline", "etl", "etls", "jobs", "tasks", "include", "modules",
     "core", "config", "configs", "conf", "settings", "shared", "services", "db", "database")
)  # fmt: skip
"""Top-level names that are the project's own code wherever it runs."""
_PY_FRAME = re.compile(r'^\s*File "[^"]+", line \d+')
_TRACEBACK = "Traceback (most recent call last)"
_PY_PATH = re.compile(r"(?<![\w.-])[\w.-]{0,200}(?:/[\w.-]{1,200}){1,64}\.py\b")


def http_status(text: str) -> str:
    """The first 4xx/5xx HTTP status the error text reports ("" when none)."""
    m = _STATUS.search(text)
    return next((g for g in m.groups() if g), "") if m else ""


def server_answered(text: str) -> bool:
    """Whether the error text shows a server's answer: an HTTP status or rejected credentials."""
    return bool(http_status(text) or _REJECTED.search(text))


def project_names(trace: Trace, text: str) -> frozenset[str]:
    """Folder and module names of the project's own files: user frames, ``.py`` paths."""
    paths = [f.file for e in trace.exceptions for f in e.frames if not is_library_frame(f)]
    paths += [p for p in _PY_PATH.findall(text) if "-packages/" not in p]
    names: set[str] = set()
    for path in paths:
        for part in path.replace("\\", "/").split("/"):
            name = part.removesuffix(".py").lower()
            if name.isidentifier() and name not in _SYSTEM_DIRS:
                names.add(name)
    return frozenset(names)


def is_own_module(module: str, names: frozenset[str]) -> bool:
    """Whether the dotted ``module`` is the project's own (see :func:`project_names`)."""
    top = module.strip("'\"` ").split(".", 1)[0].lower()
    return bool(top) and (top in names or top in _LAYOUT_NAMES)


def _frame_sources(trace: Trace) -> list[str]:
    """The source line printed under each frame of the root exception's Python traceback,
    outermost first ("" for a frame that printed none)."""
    root = trace.root
    end = root.line if root is not None and root.lang == "python" else len(trace.records)
    lines = [r.message for r in trace.records[:end]]
    start = max((k for k, line in enumerate(lines) if _TRACEBACK in line), default=0)
    out: list[str] = []
    for k in range(start, len(lines)):
        if _PY_FRAME.match(lines[k]):
            code = lines[k + 1].strip() if k + 1 < len(lines) else ""
            out.append(code if code.strip("^~ ") and not _PY_FRAME.match(code) else "")
    return out


def frame_code(trace: Trace) -> tuple[tuple[str, ...], str]:
    """From one walk of the traceback: the source lines of the root exception's Python
    traceback, outermost first, and the one printed under the root's innermost Python
    frame ("" when that frame printed none: a file the machine that ran it did not have,
    or a root that is no Python exception)."""
    sources = _frame_sources(trace)
    root = trace.root
    python = root is not None and root.lang == "python"
    raising = sources[-1] if python and sources else ""
    return tuple(code for code in sources if code), raising
