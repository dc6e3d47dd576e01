"""Message phrases the category rules add to their own, by category, from the libraries' docs.

Each entry is a regex alternative spliced into the rule of that category in
:mod:`logsumd.understand.categories` (same precedence, case-insensitive).  They
are the documented wordings of the failures the corpus taxonomy names
(``eval/real/diagnoses.txt``), across the engines and SDKs an ETL job talks to:
PostgreSQL, MySQL, SQL Server, Oracle (``ORA-`` numbers), BigQuery, Snowflake,
Spark, Kafka, AWS, Azure Storage, Google auth, the CSV module, numpy.
"""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "resource": (
        r"Connection in use: \(|Port \d+ was already in use|port \d+ (?:is )?already in use",
        r"exit (?:code|status)(?: is|:|=)? ?137\b|\bsignal 9\b",
        r"Unable to allocate [\d.]+ [KMGT]i?B|std::bad_alloc|Requested array size exceeds VM limit",
        r"Memory limit (?:\(|exceeded)|exceeded memory limit|Resources exceeded during query",
        r"is bigger than spark\.driver\.maxResultSize|Not enough memory",
        r"ORA-0403[01]\b",
        # the disk under a database or a job fails (EIO), or fsync of its files does
        r"could not f(?:data)?sync file|Input/output error",
        # a query the engine will not plan or run for its size, a full tablespace, a
        # server's connection limit (PyMySQL may cut its message: ``(1040, 'ny connections')``)
        r"QUERY_HAS_TOO_MANY_STAGES|query is too complex|ORA-01653\b|unable to extend table",
        r"Too many connections|\(1040, '",
        r"\b(?:space|memory|tablespace) quota exceeded|ORA-01536\b",
    ),
    "dependency": (
        r"No adapters available|install optional \w+ dependency",
        r"requires \w+, please install it",
        r"no backends available -- recommend you install",
        r"Executable '[^'\n]+' could not be found|may not have been installed",
        r"getSubject is supported only if a security manager is allowed",
        r"is not recognized as an internal or external command",
        r"not found in (?:the )?(?:user's )?\$?PATH|ensure it is in the user's PATH",
        r"ResolutionImpossible|conflicting dependencies",
        r"Unsupported class file major version|class file has wrong version",
        r"cannot access class sun\.|module java\.base does not \"?(?:export|open)",
        r"Python in worker has different version",
        # a shell's "command not found" status, as runners report it
        r"(?:exit(?:ed with)? (?:code|status)|returned a non-zero exit code) 127\b",
        r"Failed to find any class that implements (?:Connector|Converter|Transformation)",
        # the shell cannot find the program a command names (also in its localised words)
        r"\b(?:bash|sh): (?:line|ligne|Zeile|l\u00ednea|linha|riga) \d+: (?:[\w.+-]*/)*[\w+-]+"
        r"(?:\.(?:sh|py|pl|rb|exe))?: (?:No such file or "
        r"directory|Aucun fichier ou dossier|Datei oder Verzeichnis nicht gefunden|No existe el"
        r" archivo)",
        # subprocess names a program, not a path, when it cannot start it
        r"No such file or directory: '[A-Za-z][\w-]*'(?!\S)",
        r"Missing optional dependency '|Cannot locate a \d+-bit Oracle Client library",
        # SQLAlchemy 2.0 removed Engine.execute (pandas before 2.0 still calls it)
        r"'(?:Option)?Engine' object has no attribute 'execute'",
    ),
    "auth": (
        r"Access Key ID and Secret Access Key must be specified",
        # dbt-bigquery's own wording (a token helper's "Unable to generate access token: X"
        # is X's category: red team tests/attack30)
        r"Unable to generate access token, if you're using impersonate_service_account",
        r"SecretManager\$InvalidToken|Invalid AMRMToken",
        r"No AWSAccessKey was presented",
        r"The AWS Access Key Id you provided does not exist",
        r"request signature we calculated does not match",
        r"security token included in the request is (?:invalid|expired)",
        r"Could not automatically determine credentials|invalid authentication credentials",
        r"API key not valid|invalid api[_ ]?key|Server failed to authenticate the request",
        r"\brole \"[^\"\n]+\" does not exist",
        r"(?:returned|responded with|received) (?:an? )?(?:HTTP )?(?:status )?(?:code )?401\b",
        r"ORA-01017\b",
    ),
    "cloud_storage": (
        r"Data read has a different length than the expected",
        r"AuthorizationPermissionMismatch|AuthorizationFailure",
        r"This request is not authorized to perform this operation",
        r"PermanentRedirect|must be addressed using the specified endpoint|InvalidBucketName",
        r"AmazonS3Exception|S3UploadFailedError",
        r"storage\.(?:objects|buckets)\.\w+ (?:access|permission)",
        r"(?:s3a?|gs|abfss?|wasbs?)://\S*[^\n]{0,80}(?:AccessDenied|Access Denied|Forbidden|403)",
    ),
    "schema": (
        # a SQL engine's table, not a DynamoDB table (a cloud resource: other)
        r"(?m:^(?:(?!DynamoDB)[^\n]){0,400}\bTable Not Found: (?![^\n]{0,80}DynamoDB))",
        r"syntax error at end of input|Invalid (?:column|object) name",
        r"Cannot insert (?:the value NULL|duplicate key)|Column '[^'\n]+' cannot be null",
        r"Parquet column cannot be converted|Found duplicate column",
        r"No such field|Cannot query field",
        r"ORA-00(?:942|904|001)\b|ORA-01400\b",
        r"DependentObjectsStillExist|because other objects depend on it",
        r"doesn't have a default value|Cannot add foreign key constraint",
        r"Foreign key constraint is incorrectly formed|Duplicate key name '",
        # a target's columns against the model's (dbt's incremental models and contracts)
        r"schemas on this incremental model are out of sync|has an enforced contract that failed",
        r"without a filter over column\(s\)",  # BigQuery's required partition filter
        r"polars\.exceptions\.SchemaError|Schema at index \d+ was different",
    ),
    "data_format": (
        r"codec can't (?:en|de)code (?:byte|character)|cannot identify image file",
        r"invalid utf-?8 sequence|could not parse `[^`\n]*` as dtype",  # polars
        r"Incorrect (?:integer|decimal|double|datetime|date|time|string) value",
        r"Data too long for column|Out of range value",
        r"String or binary data would be truncated|Conversion failed when converting",
        r"Arithmetic overflow error",
        r"line contains NUL|field larger than field limit|new-line character seen in unquoted",
        r"Failed to parse input|Mismatch between format character|Could not cast literal",
        r"ORA-01(?:722|861|843|858)\b",
        r"\bnot (?:a )?valid JSON\b",
        r"requires \"schema\" and \"payload\" fields",  # Kafka Connect's JsonConverter
        r"Attempt to decode JSON with unexpected mimetype",
    ),
    "timeout": (
        r"\bWORKER TIMEOUT \(pid:\d+\)",
        r"would exceed Retry policy max retry duration",
        r"\btimeout waiting\b|\btimed? ?out after\b",
        r"ORA-(?:00054|01013)\b",
        r"Could not execute broadcast in \d+ secs",
    ),
    "connection": (
        r"Failed to elect leader for partition|ERROR IN CONTACTING RM",
        r"Errors \(\d+ attempts?\) when connecting to remote scheduler",
        r"No supported Kafka endpoints are configured",
        r"bytes read on a total of \d+ expected bytes|Cannot assign requested address",
        r"unable to send heartbeats to driver|Driver \S+ disassociated! Shutting down",
        r"\bConnection error\b",
        r"All masters are unresponsive|Could not parse Master URL|Master removed our application",
        r"Answer from Java side is empty",
        r"could not receive data from server|SSL SYSCALL error",
        r"ORA-125\d\d\b",
        r"Error while fetching server API version",  # the Docker daemon's socket
        r"SSL handshake failed|Tunnel connection failed",
        r"Could not reach (?:Snowflake|user code server)",
    ),
    "permission": (
        r"ORA-01031\b",
        r"has no privileges? on\b|(?:current )?role has no privileges",
    ),
    "file_io": (
        r"already exists\.? ?(?:SaveMode|Set mode)|PATH_ALREADY_EXISTS",
        r"Failed to acquire lock on file|Could not set lock on file",
        r"Can not find the cwd: ",  # Airflow's BashOperator: its working directory
    ),
    "other": (
        r"SparkContext (?:was shut down|has been shutdown)|stopped SparkContext",
        r"Upstream task\(s\) failed|upstream_failed",
        r"\bArgumentError\b",
    ),
    "http_api": (
        r"SERVICE_DISABLED|has not been used in project \S+ before or it is disabled",
        r"TooManyRedirects|Exceeded \d+ redirects",
        # an API's quota (Google's wordings), not a database's space or memory quota
        r"\bquotaExceeded\b|\bCustom quota exceeded\b|Quota exceeded for quota metric",
        r"Quota exceeded: Your (?:table|project|usage|dataset)",
    ),
    "key_missing": (
        # a KeyError logged as str(e): a failure whose cause is one quoted key alone
        # (``Transformation failed: 'planned_hours'``); not a named table, DAG, file or
        # status (``failed for table: 'x'``, ``'timeout'``), nor a dotted name or a phrase
        r"(?m:\b(?-i:[Ff]ailed|[Ff]ailure|[Ee]rror|[Ee]xception)\b[^\n:]{0,80}"
        r"(?<!\btable)(?<!\bdag)(?<!\bfile)(?<!\btask)(?<!\bjob)(?<!\bstatus)(?<!\bstate)"
        r"(?<!\bmodel)(?<!\brun)(?<!\btopic)(?<!\bbucket)(?<!\bpath)(?<!\bcolumn)(?<!\bname)"
        r"(?<!\burl)(?<!\bhost):\s*'(?!(?:timeout|failed|error|cancell?ed|killed|aborted|unknown"
        r"|none|null|true|false|ok|success)')[A-Za-z_][\w$-]{0,60}'\s*$)",
        r"please (?:add|set|define) (?:an? |the )?environment variable",
        r"Missing required configuration \"[\w.]+\" which has no default value",
        r"must be (?:a )?str(?:ing)?(?: or bytes)?,? not NoneType",
        # an unset setting read as the text None (``int(os.getenv("PORT"))`` of str(None))
        r"invalid literal for int\(\) with base 10: 'None'",
        r"expectation_suite \S+ not found|ExpectationSuite \S+ not found",
        r"\b(?:VARIABLE|CONNECTION)_NOT_FOUND\b|\bVariable:? \S+ does not exist\b",
    ),
}
"""Category -> documented message wordings, as regex alternatives."""

KAFKA_UNREACHABLE: tuple[str, ...] = (
    r"Timed out waiting for a node assignment|Failed to update metadata after \d+",
    r"Timeout of \d+ms expired before the position for partition",
    r"Timeout expired while fetching topic metadata",
    r"Timeout expired after \d+ ?(?:ms|milliseconds) while awaiting InitProducerId",
    r"Batch for TopicPartition\([^)\n]*\) containing \d+ record\(s\) expired",
)
"""Kafka clients' timeouts that mean no broker answered (``KafkaTimeoutError`` is a
timeout by its class; these wordings of it are a broker out of reach)."""
