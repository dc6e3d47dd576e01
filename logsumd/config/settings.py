"""Typed settings: frozen dataclasses with the defaults of every option.

``logsumd.config._loader`` loads YAML into these and validates it; every other module
receives these objects and never reads YAML itself.  Units are in the names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MULTILINE_MODES = ("continue_through", "continue_past", "halt_before", "halt_with")
BUILTIN_RULESETS = ("python", "java", "generic")
LEVELS = ("WARNING", "ERROR", "CRITICAL", "FATAL", "SEVERE")
CATEGORIES = (
    "file_io",
    "permission",
    "connection",
    "timeout",
    "data_format",
    "schema",
    "resource",
    "auth",
    "dependency",
    "http_api",
    "cloud_storage",
    "key_missing",
    "other",
)


@dataclass(frozen=True, slots=True)
class UserRule:
    """A user multiline rule with Vector's four modes.

    Patterns are Python regexes; they are matched (``search``) against the line
    and, when the line carries a record prefix, against the message after it.
    """

    name: str
    start_pattern: str
    condition_pattern: str
    mode: str = "continue_through"
    negate: bool = False


@dataclass(frozen=True, slots=True)
class MultilineSettings:
    rules: tuple[str, ...] = ("auto",)
    """Built-in rule sets to use: ``auto`` (python + java + generic) or a subset."""
    custom: tuple[UserRule, ...] = ()
    level: str = "ERROR"
    """Lowest record level that starts a generic event."""
    flush_timeout_ms: int = 1500
    max_lines: int = 500
    max_bytes: int = 262144
    context_lines: int = 20
    """Lines kept before an event, for causes printed just before a traceback."""


@dataclass(frozen=True, slots=True)
class SourceSettings:
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    name: str = ""
    start_at: str = "end"
    fingerprint_bytes: int = 256
    max_line_bytes: int = 65536
    read_chunk_bytes: int = 1048576
    """Most bytes read from one file before the other files get their turn."""
    poll_interval_ms: int = 1000
    """Interval of the polling fallback (and of the safety rescan)."""
    follow_symlinks: bool = False
    """Read a path that is (or goes through) a symbolic link, and only when its target
    is inside the source's directory (the fixed part of its glob).  Off: never."""
    multiline: MultilineSettings = field(default_factory=MultilineSettings)


OPENAI_APIS = ("completions", "chat")
OPENAI_PROMPTS = ("adapter", "few_shot")


@dataclass(frozen=True, slots=True)
class OpenAISettings:
    """An OpenAI-compatible model server (``summarizer.backend: openai``)."""

    base_url: str | None = None
    """The API root, with its ``/v1`` (``http://gpu-box:8000/v1``)."""
    model: str | None = None
    """The model name the server lists under ``/v1/models``."""
    api: str = "completions"
    """``completions`` (``/v1/completions``: base models, the same prompt text as in-process)
    or ``chat`` (``/v1/chat/completions``: instruct models)."""
    prompt: str = "adapter"
    """What the server's model was trained on: ``adapter`` (logsumd's LoRA adapter is
    loaded on the server: the short prompt) or ``few_shot`` (examples in the prompt)."""
    api_key_env: str = ""
    """Name of the environment variable that holds the API key (empty: no key sent)."""
    connect_timeout_secs: float = 2.0
    max_retries: int = 2
    """Retries of a request refused, dropped or answered 429/5xx, within ``timeout_secs``."""
    backoff_secs: float = 0.5
    """First pause between retries; it doubles."""
    max_concurrency: int = 2
    """Requests in flight from this daemon (summaries written in parallel)."""


@dataclass(frozen=True, slots=True)
class SummarizerSettings:
    backend: str = "catalogue"
    """``catalogue`` (the diagnosis catalogue without a model), ``llama`` (the catalogue,
    then the local GGUF model via llama-cpp-python), ``openai`` (the catalogue, then a
    model server) or ``rules``."""
    model_path: str | None = None
    """A GGUF file; None means the embedded default model."""
    chat_format: str | None = None
    """For instruct models: use the model's chat template. None: plain completion."""
    adapter: str = "default"
    """LoRA adapter: ``default`` (the shipped ETL adapter), ``none`` or a GGUF path."""
    n_ctx: int = 2048
    n_threads: int = 1
    n_threads_batch: int = 2
    max_tokens: int = 96
    timeout_secs: float = 20.0
    queue_size: int = 64
    seed: int = 0
    openai: OpenAISettings = field(default_factory=OpenAISettings)
    rank: bool = False
    """When several catalogue diagnoses of the same priority match, let the model choose
    by likelihood (``llama`` only: a model server cannot score).  Off by default: on the
    real corpus's dev split the model chose the labelled diagnosis in 15 of 59 events
    with several matches, the catalogue's order in all 59 (README, "Summaries:
    diagnoses and the model")."""


@dataclass(frozen=True, slots=True)
class FileNotifierSettings:
    path: str
    type: str = "file"
    fsync: bool = True


@dataclass(frozen=True, slots=True)
class SlackNotifierSettings:
    """Slack through slack-sdk: ``bot_token`` + ``channel``, or ``webhook_url``."""

    type: str = "slack"
    bot_token: str | None = field(default=None, repr=False)
    channel: str | None = None
    webhook_url: str | None = field(default=None, repr=False)
    base_url: str | None = None
    """Slack Web API base URL; only for tests and Slack-compatible servers."""
    timeout_secs: float = 10.0
    max_retries: int = 3
    max_traceback_chars: int = 2500


@dataclass(frozen=True, slots=True)
class AlertmanagerNotifierSettings:
    """Alerts posted to Alertmanager's ``/api/v2/alerts``, to every URL (an HA pair)."""

    url: tuple[str, ...]
    """Alertmanager base URLs (``http://am-1:9093``); each one gets every alert."""
    type: str = "alertmanager"
    alertname: str = "LogsumdError"
    labels: dict[str, str] = field(default_factory=dict)
    """Extra labels on every alert (``team: data``, ``env: prod``)."""
    resolve_after_secs: float = 900.0
    """An alert resolves this long after the last event of its error (``endsAt``);
    keep it above ``grouping.group_interval_secs``, which re-posts repeating errors."""
    timeout_secs: float = 10.0
    max_excerpt_chars: int = 2000


NotifierSettings = FileNotifierSettings | SlackNotifierSettings | AlertmanagerNotifierSettings


@dataclass(frozen=True, slots=True)
class GroupingSettings:
    group_wait_secs: float = 10.0
    group_interval_secs: float = 300.0
    repeat_interval_secs: float = 3600.0
    max_notifications_per_minute: int = 20
    summary_cache_size: int = 1000


RAISED_IN = ("anywhere", "user", "library")
MODULE_OWNERS = ("anywhere", "own", "installed")
DIAGNOSIS_SLOTS = (
    "function",
    "file",
    "where",
    "task",
    "model",
    "exception",
    "status",
    "statement",
    "conn_id",
    "venv",
    "host",
    "url",
    "endpoint",
)
"""Slots every diagnosis may use besides its ``message`` regex's named groups: the
application frame's function, file and ``file:line``, the Airflow task, the dbt
model, the root exception type, the HTTP status the event reports, the source
line of the project's own code that raised the root exception, the Airflow
connection the task used, the virtual environment whose installed packages the
traceback shows, and the server the error names: its host (``host:port`` when the
port is given), its web URL and that URL's host and port (``endpoint``); the entry
is skipped when the event has none.

A cause or next step may give alternatives separated by ``{or}``: the first whose
slots the event fills is used (``connecting to {host} timed out {or} connecting to the
server timed out``)."""


@dataclass(frozen=True, slots=True)
class DiagnosisMatch:
    """When a diagnosis applies: every condition given must hold (an exception, message or status).

    Regexes are Python regexes.  ``exception`` must match a whole exception type
    name of the event (``FileNotFoundError`` or ``java.io.FileNotFoundException``,
    qualified or not); ``message`` is searched in the event's own error text
    (trace frames left out), and its named groups fill the ``{slots}`` of the
    cause and the next step.
    """

    exception: str = ""
    message: str = ""
    not_message: str = ""
    """The diagnosis does not apply when this regex is found in the error text."""
    frame: str = ""
    """Searched in each frame of the trace, written ``file:function``."""
    code: str = ""
    """Searched in each source line that the Python traceback of the root exception
    prints under its frames (``open\\(.*["']w`` finds a call that writes)."""
    raised_in: str = "anywhere"
    """``user``: the root exception was raised in the user's own code; ``library``:
    inside a library the user's code called (a wrong call of its API)."""
    category: tuple[str, ...] = ()
    """Only for events classified in one of these categories."""
    status: str = ""
    """Regex that must match the whole 4xx/5xx HTTP status the event reports (``401``)."""
    module: str = "anywhere"
    """``own``: the ``message`` regex's ``module`` group names the project's own code
    (its top-level name is a folder or file of the user's frames, or ``src``, ``utils``
    and the like); ``installed``: it names a package from elsewhere."""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A specific failure mode: its matcher, cause and next step (see ``diagnoses.yaml``)."""

    id: str
    category: str
    match: DiagnosisMatch
    cause: str
    """A short phrase; ``{name}`` slots are filled from the event (never invented)."""
    next_step: str
    runbook: str | None = None
    priority: int = 0
    """Among several matching entries the highest priority wins."""


@dataclass(frozen=True, slots=True)
class DiagnosisFile:
    """A file of diagnoses (the catalogue shipped in the package)."""

    diagnoses: tuple[Diagnosis, ...] = ()


@dataclass(frozen=True, slots=True)
class RedactionSettings:
    patterns: tuple[str, ...] = ()
    """Extra regexes whose matches are replaced by ``***``."""


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    listen: str = ""
    """``host:port``, or a port (on 127.0.0.1), for Prometheus ``/metrics``; empty: off."""

    def address(self) -> tuple[str, int]:
        """``listen`` as (host, port); ValueError if it is malformed."""
        host, sep, port = self.listen.rpartition(":")
        host = host.strip("[]") if sep else ""
        if not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError("expected host:port or a port number (0 to 65535)")
        return host or "127.0.0.1", int(port)


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    level: str = "info"
    format: str = "json"


@dataclass(frozen=True, slots=True)
class Settings:
    sources: tuple[SourceSettings, ...]
    notifiers: tuple[NotifierSettings, ...]
    state_dir: str = "/var/lib/logsumd"
    checkpoint_interval_ms: int = 1000
    shutdown_timeout_secs: float = 10.0
    queue_size: int = 16
    max_outbox_bytes: int = 67108864
    umask: str = "077"
    """Process umask (octal): what the daemon creates is 0600 (files) and 0700
    (directories) by default; "027" gives 0640/0750.  Files already in the state
    directory are narrowed to it at start."""
    summarizer: SummarizerSettings = field(default_factory=SummarizerSettings)
    grouping: GroupingSettings = field(default_factory=GroupingSettings)
    redaction: RedactionSettings = field(default_factory=RedactionSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    diagnoses: tuple[Diagnosis, ...] = ()
    """Your own diagnoses; they win over the shipped catalogue."""
    source_file: str = ""
    """Path of the YAML file these settings came from (for messages)."""
    key_lines: tuple[tuple[str, int], ...] = field(default=(), repr=False, compare=False)
    """(key path, line) of every key set in that file, as in ``notifiers[0].path``."""

    def where(self, key: str) -> str:
        """``file:line: key`` for messages about a value of the config (``file: key`` if unset)."""
        line = dict(self.key_lines).get(key)
        place = f"{self.source_file}:{line}" if line else self.source_file or "config"
        return f"{place}: {key}"
