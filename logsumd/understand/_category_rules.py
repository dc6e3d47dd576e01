"""The category rules: ordered regexes over exception types and messages.

``STRONG_RULES`` name a kind of failure by its message or a specific exception type;
``WEAK_RULES`` by a bare generic type (``ValueError``) or the bare kind of a dbt
error.  Order is precedence: the more specific kind of failure comes first.  The
matching is :mod:`logsumd.understand.categories`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logsumd.config import CATEGORIES
from logsumd.understand._codes import CODE_ALTERNATIVES, CODE_ORDER, SQLSTATE_ALTERNATIVES
from logsumd.understand._phrases import KAFKA_UNREACHABLE, PHRASES
from logsumd.understand.literal_gate import Gated

_CLOUD_URL = r"(?:s3a?|s3n|gs|gcs|abfss?|wasbs?|adl|oss)://"


@dataclass(frozen=True, slots=True)
class Rule:
    """One category rule: ``pattern`` is searched in a signal's text.

    ``gate`` skips the search when the text holds none of the literals every
    match needs (see :mod:`logsumd.understand.literal_gate`).
    """

    category: str
    pattern: re.Pattern[str]
    gate: Gated


def _rule(category: str, *alternatives: str, flags: int = re.IGNORECASE) -> Rule:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    pattern = re.compile("|".join(f"(?:{a})" for a in alternatives), flags)
    return Rule(category, pattern, Gated.of(pattern))


STRONG_RULES: tuple[Rule, ...] = (
    _rule(
        "resource",
        r"\bMemoryError\b|OutOfMemory|out of memory|\bNo space left on device\b|Errno 28\b",
        r"GC overhead limit exceeded|Java heap space|Disk quota exceeded",
        r"exit(?:ed)? (?:with )?(?:code|status) 137\b|return code -9\b|negsignal\.SIGKILL",
        r"OOMKilled|oom[-_ ]?kill|Container killed by YARN for exceeding memory limits",
        r"exceeding (?:memory|physical memory) limits",
        r"Cannot allocate memory|Too many open files|^Killed\s*$",
        r"DiskSpaceError|insufficient (?:disk|memory|resources)",
        r"ResourceExhausted|Resource exhausted",
        r"DiskFull|could not extend file|could not write to file",
        r"ExecutorLostFailure|Lost executor \d+|containers? exceeding thresholds",
        r"Cannot broadcast the table|too large to broadcast|NegativeArraySizeException",
        r"RecursionError|StackOverflowError|maximum recursion depth",
        r"Address already in use|Errno (?:48|98)\b",
        *PHRASES["resource"],
    ),
    # a storage connector that is missing is a storage problem, not a generic missing class
    _rule(
        "cloud_storage",
        r"No FileSystem for scheme:? \"?(?:s3[an]?|gs|abfss?|wasbs?|oss|adl)\b",
        r"(?:S3A|NativeS3|NativeAzure|AzureBlob|GoogleHadoop)FileSystem\b[^\n]{0,20}not found",
    ),
    _rule(
        "dependency",
        r"\bModuleNotFoundError\b|\bImportError\b|No module named",
        r"ClassNotFoundException|NoClassDefFoundError",
        r"NoSuchMethodError|AbstractMethodError|IncompatibleClassChangeError",
        r"local class incompatible: stream classdesc serialVersionUID",  # client/cluster versions
        r"UnsupportedClassVersionError|Could not find or load main class|UnsatisfiedLinkError",
        r"HADOOP_HOME|HADOOP_CONF_DIR|YARN_CONF_DIR|hadoop\.home\.dir|winutils",
        r"JAVA_HOME is not set|Failed to find data source|DATA_SOURCE_NOT_FOUND",
        r"cannot import name|partially initialized module",
        r"command not found|Cannot run program \"[^\"\n]+\"|executable file not found",
        r"DistributionNotFound|VersionConflict|No matching distribution|dbt deps`? failed",
        r"Could not find a version that satisfies|Could not find a satisfactory version",
        r"Error checking out spec|Failed to read package",
        r"Could not find adapter type|Error importing adapter",
        r"requires? [\w.-]+ to be installed|(?:is|are) not installed\b",
        r"library not loaded|cannot open shared object file|dbt Dependency Error",
        r"NoSuchModuleError|Can't load plugin",
        r"unresolved dependency|Could not resolve dependencies|Could not find artifact",
        r"Failed to collect dependencies|UNRESOLVED DEPENDENCIES",
        *PHRASES["dependency"],
    ),
    _rule(
        "auth",
        r"Incorrect username or password|password authentication failed|Authentication failed",
        r"AuthenticationFailed|AuthenticationError|NotAuthenticated",
        r"authentication (?:error|failure)",
        r"Invalid (?:username|user name|password|credentials|client secret|API key|token)",
        r"Login failed|Access denied for user",
        r"account (?:has been |is )?(?:temporarily )?(?:locked|disabled)",
        r"user account has been (?:temporarily )?locked",
        r"\b401\b[^\n]{0,20}(?:Unauthori|Client Error|error)",
        r"(?:status|code|HTTP|response)\D{0,12}\b401\b|Unauthori[sz]ed",
        r"InvalidAccessKeyId|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken",
        r"UnrecognizedClientException|NoCredentialsError|Unable to locate credentials",
        r"token (?:has )?expired|expired token|invalid_grant|invalid_client",
        r"DefaultCredentialsError|RefreshError",
        r"credentials? (?:are |is )?(?:invalid|expired|missing)|REQUIRED_PASSWORD",
        r"no password supplied|fe_sendauth|Permission denied \(publickey",
        r"ProfileNotFound|config profile \([^)\n]*\) could not be found",
        r"Plugin '[^'\n]*(?:password|auth)[^'\n]*' is not loaded|authentication plugin",
        r"'NoneType' object has no attribute '(?:\w*credentials|access_key|secret_key)'",
        r"<Response \[401\]>",
        *PHRASES["auth"],
    ),
    _rule(
        "cloud_storage",
        r"NoSuchBucket|NoSuchKey|NoSuchUpload|BucketNotEmpty",
        r"The specified (?:bucket|key|blob|container) does not exist",
        r"BlobNotFound|ContainerNotFound|ContainerBeingDeleted",
        r"\bStage\s+'[^']+'\s+does not exist",
        r"\bstage\s+\"?@?[A-Za-z_][\w.]*\"?\s+does not exist",
        r"storage\.googleapis\.com[^\n]{0,200}(?:404|No such object|Not Found)|No such object:",
        rf"{_CLOUD_URL}\S*[^\n]{{0,80}}(?:does not exist|not found|No such file|404)",
        rf"(?:does not exist|not found|No such file|404)[^\n]{{0,40}}{_CLOUD_URL}",
        r"calling the (?:HeadObject|GetObject|ListObjects(?:V2)?) operation: (?:Not Found|404)",
        r"\((?:AccessDenied|Forbidden|403|AllAccessDisabled)\)[^\n]{0,60}when calling the "
        r"\w*(?:Object|Bucket|Upload|Part)\w* operation",
        r"RequestTimeTooSkewed",
        r"AbfsRestOperationException|AzureException|StorageException",
        r"\.(?:blob|dfs)\.core\.windows\.net|wasbs?://|abfss?://",
        *PHRASES["cloud_storage"],
    ),
    # Kafka clients time out when no broker answers: the broker is unreachable
    _rule("connection", *KAFKA_UNREACHABLE),
    # the library's own error code or class names the failure before its message's words
    *(_rule(c, *CODE_ALTERNATIVES[c], flags=0) for c in CODE_ORDER),
    # a missing non-storage cloud resource (queue, stream): its status code 400 is no HTTP error
    _rule("other", r"QueueDoesNotExist|\bResourceNotFoundException\b"),
    # Snowflake-style "Object 'X' does not exist or not authorized": a missing table, not a grant
    _rule(
        "schema",
        r"\b(?:Object|Table|View|Schema|Database) '[^']+' does not exist",
        r"\bdatabase \"[^\"\n]+\" does not exist",
        r"\btable or view does not exist",
        r"Not found: (?:Dataset|Table|Project) ",
    ),
    # a cloud IAM permission the answer names is the cause, whatever its status line says
    _rule(
        "permission",
        r"does not have [\w.]+\.[\w.]+ permission|Permission '?[\w.]+\.[\w.]+'? denied on"
        r"|IAM_PERMISSION_DENIED",
    ),
    # a status line with a method and a URL is an API's answer, whatever words follow it
    _rule(
        "http_api",
        r"\b(?:40[03-9]|4[1-9]\d|5\d\d) (?:GET|POST|PUT|PATCH|DELETE|HEAD) https?://",
    ),
    _rule(
        "permission",
        r"\bPermissionError\b",
        r"Permission denied",
        r"AccessDenied(?:Exception)?",
        r"Access Denied",
        r"not authori[sz]ed",
        r"Insufficient privileges?",
        r"permission denied for",
        r"does not have (?:the )?(?:required )?(?:\w+ )?(?:permission|privilege|access)",
        r"must be owner of",
        r"Operation not permitted",
        r"\bErrno 13\b|\bEACCES\b",
        r"lacks? (?:the )?permission",
        *PHRASES["permission"],
    ),
    _rule(
        "timeout",
        r"Timeout(?:Error|Exception|Expired)?:|TimeoutError|TimeoutException",
        r"ReadTimeout|ConnectTimeout|SocketTimeout|WriteTimeout|PoolTimeout",
        r"timed out",
        r"time(?:d)?[- ]?out (?:expired|exceeded)",
        r"timeout expired",
        r"deadline exceeded|DeadlineExceeded",
        r"statement timeout",
        r"Lock wait timeout",
        r"AirflowTaskTimeout|ExecutionTimeout",
        r"Futures timed out",
        r"database is locked|deadlock detected|Deadlock found",
        r"took too long|exceeded (?:the )?(?:time limit|timeout)",
        *PHRASES["timeout"],
    ),
    _rule(
        "connection",
        r"\bConnectionError\b|ConnectionRefused|ConnectionReset|ConnectionAborted|ConnectError",
        r"Connection refused",
        r"connection reset",
        r"could not connect",
        r"(?:unable|failed) to connect|(?:cannot|can't|can ?not) connect",
        r"connection attempt failed|Cannot obtain a new communication channel",
        r"Unknown (?:MySQL )?server host",
        r"connection to server at[^\n]*failed",
        r"Errno (?:111|104|110|113|101|61|54|-2|-3|-5)\b",
        r"Py4JNetworkError",
        r"ChunkedEncodingError|IncompleteRead|ProtocolError|RemoteDisconnected",
        r"Response ended prematurely",
        r"server closed the connection unexpectedly",
        r"Lost connection|connection (?:was )?(?:closed|lost|dropped)",
        r"Broken pipe|BrokenPipeError",
        r"Name or service not known|nodename nor servname|Temporary failure in name resolution",
        r"could not translate host name|getaddrinfo failed|UnknownHostException",
        r"NewConnectionError|MaxRetryError|Max retries exceeded",
        r"NoRouteToHost|No route to host|Network is unreachable|ConnectException",
        r"EndpointConnectionError|Could not connect to the endpoint",
        r"Communications link failure|OperationalError: \(2003",
        r"NoBrokersAvailable|NoHostAvailable|ServiceUnavailable",
        r"KafkaConnectionError|\bsocket disconnected\b",
        r"Error while sending or receiving",
        r"TNS:|no listener|transport failure|Broker transport",
        r"SSLError|CERTIFICATE_VERIFY_FAILED",
        *PHRASES["connection"],
    ),
    _rule(
        "http_api",
        r"\bHTTPError\b|HTTPStatusError|\bHttpError\b|ClientResponseError",
        r"\b[45]\d\d (?:Client|Server) Error\b",
        r"(?:response|status)(?: code| status)?[ =:]+[45]\d\d\b",
        r"\bHTTP(?:/\d(?:\.\d)?)? ?[45]\d\d\b",
        r"Too Many Requests|rate limit(?:ed)?|(?:status|code|HTTP|response)\D{0,12}\b429\b",
        r"Bad Gateway|Service Unavailable|Gateway Time-?out|Internal Server Error|Bad Request",
        r"status_code=[45]\d\d",
        r"\b[45]\d\d\b[^\n]{0,30}for url",
        r"SlowDown|Throttling(?:Exception)?|RequestLimitExceeded|reduce your request rate",
        r"<Response \[[45]\d\d\]>",
        *PHRASES["http_api"],
    ),
    # unambiguous file-system failures win over the schema and format words in their paths
    _rule(
        "file_io",
        r"FileNotFoundError|FileNotFoundException|NoSuchFileException|No such file or directory",
        r"Mkdirs failed|(?:Input )?[Pp]ath does not exist|PATH_NOT_FOUND",
        r"TemplateNotFound|\b(?:file|directory) (?:does not exist|not found)\b",
        r"No [\w.-]+ found at expected path",
        r"OffsetOutOfRange",
        r"BlockMissingException|Could not obtain block\b",
        r"(?:^|\s)IO Error: ",  # DuckDB's, once connection, HTTP and lock rules passed
        *PHRASES["file_io"],
    ),
    _rule(
        "key_missing",
        r"conn_id\b[^\n]{0,60}(?:isn't|is not|not) defined",
        r"AirflowNotFoundException",
        r"Variable [^\n]{0,80}does not exist",
        r"environment variable[^\n]{0,60}(?:not set|not defined|missing|is required)",
        r"Env var required but not provided",
        r"(?:missing|undefined) (?:required )?(?:environment variable|env var|config key|setting)",
        r"\bKeyError\b|not in index|are in the \[columns\]",  # pandas' KeyError words
        r"No (?:such )?(?:secret|variable|connection) (?:named|found)",
        r"UndefinedError|Could not find profile named",
        r"NoSectionError|NoOptionError|No section: |No option '",
        r"must be set in the environment|(?:provided|set|defined|found) in the environment",
        r"Required (?:var|variable) '[^'\n]+' not found",
        r"no profile was specified|'\w+' is a required property",
        r"No active warehouse selected",
        *PHRASES["key_missing"],
    ),
    _rule(
        "schema",
        r"Number of columns in file \(\d+\) does not match",
        r"column count (?:mismatch|does not match|doesn't match)",
        r"(?:expected|has) \d+ columns?[^\n]{0,40}(?:got|but|found|has) \d+",
        r"cannot resolve|UNRESOLVED_COLUMN|UNRESOLVED_ATTRIBUTE",
        r"AnalysisException[^\n]*(?:column|table|field|schema)",
        r"UndefinedColumn|UndefinedTable|NoSuchTableException|TABLE_OR_VIEW_NOT_FOUND",
        r"Table or view not found|no such (?:column|table)",
        r"(?:column|relation|table|field)\s+\S+\s+(?:does not exist|not found)",
        r"\b(?:table|dataset|relation|column|view|model)\b[^\n]{0,80}"
        r"\b(?:was not found|doesn't exist)",
        r"depends on a (?:node|source|model|ref)? ?named [^\n]* which was not found",
        r"syntax error at or near|error in your SQL syntax|SQL compilation error",
        r"expected token '[^'\n]*', got|Found a cycle",
        r"Unrecognized name:|No matching signature for|Unknown functions?\b",
        r"is of type \w+ but expression is of type|DatatypeMismatch",
        r"CANNOT_ACCEPT_OBJECT_IN_TYPE|can ?not accept object [^\n]{0,80} in type",
        r"\bType mismatch\b|trying to merge on \S+ and \S+ columns",
        r"Error converting (?:Pandas )?column",
        r"UnknownTopicOrPartition|does not host this topic",
        r"duplicate key value|UniqueViolation|Duplicate entry|IntegrityError",
        r"violates (?:primary key|unique|foreign key) constraint",
        r"NoSuchTable|Schema does not match|does not match (?:the )?(?:target|table) schema",
        r"has changed type|Length mismatch: Expected axis|Columns must be same length",
        r"Unknown column|invalid identifier|has no column named",
        r"subject table for an",
        r"schema mismatch|Schema mismatch|SchemaMismatch|incompatible schema",
        r"(?:missing|extra|unexpected) columns?",
        r"Unrecognized field|no field named|FIELD_NOT_FOUND",
        r"does not match (?:that of )?the (?:corresponding )?table",
        r"DATATYPE_MISMATCH",
        r"Duplicate column|(?:table|relation|column|view|schema)\b[^\n]{0,80}already exists",
        r"NOT NULL constraint|violates not-null constraint|null value in column",
        *PHRASES["schema"],
    ),
    _rule(
        "data_format",
        r"JSONDecodeError|Expecting value|Extra data: line|Unterminated string",
        r"ParserError|Error tokenizing data|CSV parse error|ParseException",
        r"UnicodeDecodeError|UnicodeEncodeError|invalid byte sequence|codec can't decode",
        r"invalid literal for|could not convert|cannot convert",
        r"is not recognized(?! as an internal)",
        r"not of type",
        r"invalid input syntax for",
        r"InvalidTextRepresentation|NumberFormatException|DataError",
        r"malformed|Malformed",
        r"Invalid (?:JSON|date|timestamp|format|value|number|character)",
        r"unexpected (?:character|token|end of)",
        r"out of range for type|field value out of range|value too long",
        r"(?:Unable|Failed|Can't|Cannot|could not) (?:to )?parse",
        r"ArrowInvalid|ArrowTypeError|CAST_INVALID_INPUT",
        r"Incorrect padding|does not match format",
        r"(?<!Param)ValidationError|EmptyDataError|No columns to parse",
        r"Compressed file ended before|end-of-stream marker|Not a gzipped file|BadGzipFile",
        r"BadZipFile|File is not a zip file",
        r"Too many pattern letters|UnsupportedTemporalType|DateTimeParseException",
        r"Bad (?:bool|int|int64|double|float|float64|date|datetime|timestamp|numeric) value",
        r"\"unexpected_count\": [1-9]|\d+/\d+ checks? FAILED|Failure in test",
        *PHRASES["data_format"],
    ),
    _rule(
        "file_io",
        r"FileNotFoundError|FileNotFoundException|NoSuchFileException",
        r"No such file or directory",
        r"Mkdirs failed",
        r"IsADirectoryError|NotADirectoryError|FileExistsError",
        r"Path does not exist|PATH_NOT_FOUND|Input path does not exist",
        r"\bErrno (?:2|17|20|21|39)\b",
        r"(?:file|directory|path) [^\n]{0,120}(?:not found|does not exist)",
        r"(?:cannot|could not|unable to) (?:open|read|write|create) (?:file|directory)",
        r"Unable to (?:rename|delete|create) ",
        r"project path [^\n]* not found",
        r"not found at ['\"]?(?:/|[A-Za-z]:\\)",
    ),
    # a task killed from outside, code that used None: ``other`` whatever the context says
    _rule(
        "other",
        r"received SIGTERM|killed externally|does not match the current pid|AirflowTaskTerminated",
        r"'NoneType' object (?:is not (?:subscriptable|iterable|callable)|has no attribute)",
        *PHRASES["other"],
    ),
)

WEAK_RULES: tuple[Rule, ...] = (
    # a printed SQLSTATE names its class of failure, coarsely
    *(
        _rule(c, SQLSTATE_ALTERNATIVES[c], flags=0)
        for c in CODE_ORDER
        if c in SQLSTATE_ALTERNATIVES
    ),
    # a dbt model failure whose message names nothing more specific is the model's SQL
    _rule("schema", r"^dbt (?:Database|Compilation|Parsing) Error\b", flags=0),
    # PostgreSQL points at the offending statement line: an error in the query itself
    _rule("schema", r"\bLINE \d+: ", flags=0),
    _rule("data_format", r"^(?:builtins\.)?(?:ValueError|ZeroDivisionError)\b", flags=0),
    _rule("file_io", r"(?:^|\.)(?:IOError|OSError|IOException|EOFError)\b", flags=0),
    _rule("connection", r"(?:^|\.)(?:OperationalError|InterfaceError)\b", flags=0),
    _rule("schema", r"(?:^|\.)(?:ProgrammingError|AnalysisException)\b", flags=0),
)
