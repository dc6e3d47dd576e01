"""The libraries' own error identities: codes and exception class names by category.

A database, SDK or runtime names the kind of failure itself, more precisely
than any wording of its message: a SQLSTATE (PostgreSQL appendix A, the ISO/ODBC
classes MySQL and Snowflake print), a MySQL server or client error number, a
Snowflake error number, a ``psycopg2.errors`` class, an AWS error code, a
``google.api_core`` / ``azure.core`` exception class, a JDBC ``java.sql``
exception family, a Spark error class, an errno name.  The tables below are
written from those libraries' documentation, grouped by the category of the
corpus taxonomy (``eval/real/diagnoses.txt``); :data:`CODE_ALTERNATIVES` turns
them into one regex alternative list per category for
:mod:`logsumd.understand.categories`.
"""

from __future__ import annotations

_SQLSTATE_AT = (r"\b(?:SQLSTATE|SQLState|SQL [Ss]tate|sqlstate|sql state)\W{0,3}", r"\b\d{3,6} \(")
"""Where a SQLSTATE is printed: ``SQLSTATE: 42P01``, ``SQLSTATE[42S02]``,
``SQL state: 28P01``, or in parentheses after a vendor number (MySQL
``1146 (42S02):``, Snowflake ``002003 (42S02):``).  Each code is written after each
of them, so that the literal gate finds `` (28`` in every match of the second."""

SQLSTATE: dict[str, str] = {
    "connection": r"08\w{3}|57P0[123]",
    "auth": r"28\w{3}",
    "permission": r"42501",
    "timeout": r"57014|55P03|40001|40P01|25P03|HYT0[01]",
    "resource": r"53\w{3}",
    "schema": r"42(?!501)\w{3}|23\w{3}|3D000|3F000",
    "data_format": r"22\w{3}",
    "file_io": r"58P01",
    "other": r"0A000",
}
"""SQLSTATE classes: 08 connection exception, 28 invalid authorization, 42 syntax
error or access rule violation (42501 insufficient privilege), 23 integrity
constraint violation, 22 data exception, 53 insufficient resources, 57014 query
canceled (statement timeout), 40 transaction rollback (deadlock, serialization)."""

MYSQL_ERRNO: dict[str, str] = {
    "auth": r"1045|1698|1251|2059",
    "permission": r"1044|1142|1143|1227|1370|1290|3948|1148",
    "timeout": r"1205|1213|3024",
    "connection": r"2002|2003|2005|2006|2013|2055|1040|1129",
    "resource": r"1114|1037|1038|1041|1021",
    "schema": r"1049|1146|1054|1064|1062|1048|1136|1050|1060|1364|1451|1452|1109|1052|1166",
    "data_format": r"1366|1292|1264|1406|1265|1261|1262|1300|1411",
}
"""MySQL server and client error numbers (MySQL error message reference), as
PyMySQL/MySQLdb print them ``(1146, "...")`` or mysql-connector ``1146 (42S02):``."""

SNOWFLAKE_ERRNO: dict[str, str] = {
    "connection": r"250001|250003",
    "auth": r"390100|390144|390318|390195|251005",
    "key_missing": r"000606",
    "permission": r"003001",
    "timeout": r"000630",
    "schema": r"002003|002043|001003|000904",
    "data_format": r"100038|100040|100035|100071|100069",
}
"""Snowflake error numbers, printed before the SQLSTATE: ``000606 (57P03): No
active warehouse selected`` is the profile's missing warehouse, not a refused
connection, so the vendor number decides before its SQLSTATE."""

CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "auth": (
        # psycopg2.errors, java.sql, AWS error codes, google/azure SDKs, Kafka
        "InvalidPassword",
        "InvalidAuthorizationSpecification",
        "SQLInvalidAuthorizationSpecException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredToken(?:Exception)?",
        "AuthFailure",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "NoCredentialsError",
        "Unauthenticated",
        "ClientAuthenticationError",
        "CredentialUnavailableError",
        "SaslAuthenticationException",
        "SaslAuthenticationFailed",
    ),
    "permission": (
        "InsufficientPrivilege",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AccessControlException",
        "TopicAuthorizationFailed(?:Error|Exception)?",
        "GroupAuthorizationFailed(?:Error|Exception)?",
        "ClusterAuthorizationFailed(?:Error|Exception)?",
    ),
    "timeout": (
        "QueryCanceled",
        "LockNotAvailable",
        "DeadlockDetected",
        "SerializationFailure",
        "SQLTimeoutException",
        "SocketTimeoutException",
        "KafkaTimeoutError",
        "ReadTimeoutError",
        "ConnectTimeoutError",
        "ServiceResponseTimeoutError",
        r"api_core\.exceptions\.(?:DeadlineExceeded|GatewayTimeout)",
    ),
    "resource": (
        "DiskFull",
        "OutOfMemoryError",
        "InsufficientResources",
        "RecordTooLarge(?:Error|Exception)?",
        "MessageSizeTooLarge(?:Error|Exception)?",
    ),
    "connection": (
        "ConnectionException",
        "ConnectionDoesNotExist",
        "ConnectionFailure",
        "SqlclientUnableToEstablishSqlconnection",
        "AdminShutdown",
        "CannotConnectNow",
        "TooManyConnections",
        "SQLNonTransientConnectionException",
        "SQLTransientConnectionException",
        "ServiceRequestError",
        "EndpointConnectionError",
        "NotLeaderForPartition(?:Error|Exception)?",
        r"api_core\.exceptions\.ServiceUnavailable",
    ),
    "schema": (
        "UndefinedTable",
        "UndefinedColumn",
        "UndefinedFunction",
        "UndefinedObject",
        "DuplicateTable",
        "DuplicateColumn",
        "DuplicateObject",
        "DuplicateSchema",
        "AmbiguousColumn",
        "AmbiguousFunction",
        "DatatypeMismatch",
        "WrongObjectType",
        "InvalidColumnReference",
        "GroupingError",
        "InvalidCatalogName",
        "InvalidSchemaName",
        "NotNullViolation",
        "ForeignKeyViolation",
        "CheckViolation",
        "UniqueViolation",
        "CannotCoerce",
        r"errors\.SyntaxError",
        "SQLSyntaxErrorException",
        "SQLIntegrityConstraintViolationException",
        "NoSuchTableError",
        "NoSuchColumnError",
        "UnknownTopicOrPartition(?:Error|Exception)?",
        "SchemaNotFoundException",
        "TABLE_OR_VIEW_NOT_FOUND",
        "SCHEMA_NOT_FOUND",
        "UNRESOLVED_(?:COLUMN|ROUTINE|ATTRIBUTE|FIELD)",
        "AMBIGUOUS_REFERENCE",
        "INSERT_COLUMN_ARITY_MISMATCH",
        "INCOMPATIBLE_DATA_FOR_TABLE",
        "PARSE_SYNTAX_ERROR",
    ),
    "data_format": (
        "InvalidTextRepresentation",
        "InvalidDatetimeFormat",
        "DatetimeFieldOverflow",
        "NumericValueOutOfRange",
        "StringDataRightTruncation",
        "CharacterNotInRepertoire",
        "UntranslatableCharacter",
        "InvalidBinaryRepresentation",
        "BadCopyFileFormat",
        "InvalidJsonText",
        "SQLDataException",
        "CAST_INVALID_INPUT",
        "DIVIDE_BY_ZERO",
        "MALFORMED_RECORD_IN_PARSING",
    ),
    "file_io": (
        "UndefinedFile",
        "FileAlreadyExistsException",
        "PATH_ALREADY_EXISTS",
        "PATH_NOT_FOUND",
        "ENOENT",
        "EISDIR",
        "ENOTDIR",
    ),
    "key_missing": ("NoRegionError",),
    "http_api": (
        "ThrottlingException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        r"api_core\.exceptions\.(?:TooManyRequests|InternalServerError|BadGateway)",
    ),
    "other": (
        "CommitFailedError",
        "CommitFailedException",
        "RebalanceInProgress\\w*",
        "UNSUPPORTED_(?:DATATYPE|FEATURE)",
    ),
}
"""Exception classes and error codes that name one kind of failure whichever
message follows them (a word boundary on both sides)."""

DUCKDB_TITLES: dict[str, str] = {
    "schema": r"Parser|Binder|Catalog|Constraint",
    "data_format": r"Conversion|Invalid Input",
    "resource": r"Out of Memory",
    "permission": r"Permission",
}
"""DuckDB's error types as it prints them before the message (``Binder Error:
Referenced column "x" not found``, ``Catalog Error: Table with name t does not
exist!``), also inside a dbt ``Runtime Error`` block; written from DuckDB's
exception classes.  Its ``IO Error:`` is also a refused connection, an HTTP answer
or a lock: :mod:`logsumd.understand.categories` asks it after those rules."""

ERRNO_NAMES: dict[str, str] = {
    "permission": r"EACCES|EPERM",
    "resource": r"ENOSPC|EMFILE|ENFILE|EADDRINUSE|ENOMEM",
    "connection": r"ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE",
    "timeout": r"ETIMEDOUT",
}
"""POSIX errno names as Node, Go and libuv-based tools print them."""


def _alternatives() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for category, codes in SNOWFLAKE_ERRNO.items():
        out.setdefault(category, []).append(rf"\b(?:{codes}) \([0-9A-Z]{{5}}\)")
    for category, codes in MYSQL_ERRNO.items():
        out.setdefault(category, []).append(
            rf"\((?:{codes}), [\"']|\b(?:{codes}) \([0-9A-Z]{{5}}\)|\bERROR (?:{codes})\b"
        )
    for category, names in CLASS_NAMES.items():
        out.setdefault(category, []).append(rf"\b(?:{'|'.join(names)})\b")
    for category, titles in DUCKDB_TITLES.items():
        out.setdefault(category, []).append(rf"(?:^|\s)(?:{titles}) Error: ")
    for category, errnos in ERRNO_NAMES.items():
        out.setdefault(category, []).append(rf"\b(?:{errnos})\b")
    return {category: tuple(alts) for category, alts in out.items()}


CODE_ALTERNATIVES = _alternatives()
"""Category -> regex alternatives over the vendor numbers, class names and errno names."""

SQLSTATE_ALTERNATIVES = {
    category: "|".join(f"{at}{code}\\b" for code in codes.split("|") for at in _SQLSTATE_AT)
    for category, codes in SQLSTATE.items()
}
"""Category -> regex over a printed SQLSTATE of that class.  A class is coarse
(Snowflake reports a column-count mismatch as 22000, a data exception), so it is
weak evidence: it decides only where no message rule matches any signal."""

CODE_ORDER = (
    "key_missing",
    "auth",
    "permission",
    "timeout",
    "resource",
    "connection",
    "file_io",
    "data_format",
    "schema",
    "http_api",
    "other",
)
"""The order the code rules are tried in; a text names one code in practice, so
the order matters only where a vendor number and a SQLSTATE disagree, and the
vendor number's category comes first for the few it makes more precise."""
