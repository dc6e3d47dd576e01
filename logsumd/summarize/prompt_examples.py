"""Few-shot examples per category, written for logsumd.

Every name in them (hosts, paths, tables, jobs) is deliberately fictional and
odd-looking (``quokka``, ``zorb``, ``moonbase``, ``.invalid`` hosts), so that a
model copying from an example produces a name that the output check rejects
instead of a plausible-looking invention.  They contain no dates.

``cause`` and ``check`` are what the model should write: the likely cause in a
short clause, and one concrete thing to check, phrased to follow the word
"check" (``that ...``, ``whether ...``, ``the ...``).
"""

from __future__ import annotations

from dataclasses import dataclass

CANARY_STEMS = ("zorb", "quokka", "moonbase", "crater", "orbit", "widget")
"""Stems of the fictional names: in a summary but not in the event, they were copied."""


@dataclass(frozen=True, slots=True)
class Example:
    """One worked example: the facts block of a fictional event and the answer."""

    facts: str
    cause: str
    check: str


GENERAL: tuple[Example, ...] = (
    Example(
        "Error: zorbq.errors.QueueClosed: queue 'moon-intake' is closed\n"
        "Where: enqueue_batch (/srv/zorb/intake.py:54)\n",
        "the queue moon-intake was closed while enqueue_batch was still sending",
        "whether moon-intake was shut down on purpose and reopen it",
    ),
    Example(
        "Log: QuokkaScheduler: Lost executor 3 on worker-quokka-2\n"
        "Error: quokka.errors.ExecutorLostFailure: Container killed on request. Exit code is 137\n",
        "the container was killed, most likely for using more memory than its limit",
        "the memory limit of the executors and the size of the largest partition",
    ),
    Example(
        "Error: json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n"
        "Where: parse_moons (/srv/moonbase/moons.py:33)\n",
        "parse_moons received an empty or non-JSON response instead of JSON",
        "what the upstream API returned to parse_moons (status and body)",
    ),
)
"""Examples shown for every category, before the category's own (a shared, cached prefix)."""

EXAMPLES: dict[str, tuple[Example, ...]] = {
    "file_io": (
        Example(
            "Error: org.apache.spark.sql.AnalysisException: Path does not exist: "
            "hdfs://zorbnode/landing/moons/part-0\n",
            "the input folder hdfs://zorbnode/landing/moons/part-0 was not written yet",
            "that the job producing hdfs://zorbnode/landing/moons finished before this one",
        ),
        Example(
            "Error: FileNotFoundError: [Errno 2] No such file or directory: "
            "'/mnt/moonbase/inbox/widgets.parquet'\n"
            "Where: load_widgets (/srv/moonbase/etl/widgets.py:12)\n",
            "the input widgets.parquet was not there when load_widgets ran",
            "that the upstream export wrote widgets.parquet and that /mnt/moonbase is mounted",
        ),
        Example(
            "Error: IsADirectoryError: [Errno 21] Is a directory: '/srv/zorb/exports'\n"
            "Where: dump_orbits (/srv/zorb/dump.py:25)\n",
            "dump_orbits was given the directory /srv/zorb/exports where it expects a file",
            "the output path that dump_orbits is configured with",
        ),
    ),
    "permission": (
        Example(
            "Error: zorbssh.errors.AuthenticationException: Permission denied (publickey) "
            "for quokka@sftp.zorb.invalid\n",
            "sftp.zorb.invalid does not accept the key of the user quokka",
            "which key the job sends and the authorized keys of quokka on sftp.zorb.invalid",
        ),
        Example(
            "Error: PermissionError: [Errno 13] Permission denied: '/var/quokka/spool/batch.lock'\n"
            "Where: take_lock (/srv/quokka/lockers.py:7)\n",
            "the job user may not write /var/quokka/spool/batch.lock",
            "the owner and mode of /var/quokka/spool and which user runs take_lock",
        ),
        Example(
            "Error: zorbdb.errors.InsufficientPrivilege: role ZORB_LOADER lacks INSERT on "
            "MOONBASE.CRATERS\n",
            "the role ZORB_LOADER was never granted INSERT on MOONBASE.CRATERS",
            "the grants of ZORB_LOADER on MOONBASE.CRATERS",
        ),
    ),
    "connection": (
        Example(
            "Error: zorbkafka.errors.NoBrokersAvailable: NoBrokersAvailable\n"
            "Where: publish_moons (/srv/zorb/publish.py:19)\n",
            "publish_moons could not reach any broker of the configured bootstrap servers",
            "the bootstrap servers setting of publish_moons and that the brokers are up",
        ),
        Example(
            "Error: ConnectionRefusedError: [Errno 111] Connection refused\n"
            "Where: push_metrics (/srv/zorb/push.py:30)\n",
            "nothing was listening on the host and port that push_metrics uses",
            "that the target service is up and reachable from the worker",
        ),
        Example(
            "Error: psycopg.OperationalError: could not translate host name "
            '"db.quokka.invalid" to address\n',
            "the host name db.quokka.invalid does not resolve from the worker",
            "the DNS name db.quokka.invalid and the network of the worker",
        ),
    ),
    "timeout": (
        Example(
            "Error: zorbdb.errors.OperationalError: Lock wait timeout exceeded; try restarting "
            "transaction\n"
            "Where: upsert_craters (/srv/moonbase/upsert.py:61)\n",
            "another transaction held the lock that upsert_craters needed for too long",
            "which other job writes the same rows at the same time as upsert_craters",
        ),
        Example(
            "Error: requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.zorb.invalid', "
            "port=443): Read timed out. (read timeout=5)\n"
            "Where: fetch_orbits (/srv/zorb/orbits.py:18)\n",
            "api.zorb.invalid answered slower than the read timeout=5 of fetch_orbits",
            "the latency of api.zorb.invalid and whether fetch_orbits needs retries with backoff",
        ),
        Example(
            "Error: TimeoutError: query on QUOKKA_FACTS exceeded statement timeout\n",
            "the query on QUOKKA_FACTS ran longer than the statement timeout allows",
            "the query plan and the size of QUOKKA_FACTS",
        ),
    ),
    "data_format": (
        Example(
            "Error: ValueError: could not convert string to float: '12,5'\n"
            "Where: to_amount (/srv/quokka/amounts.py:17)\n",
            "the input uses a comma as decimal separator, which to_amount cannot parse",
            "the locale of the export and the number format to_amount expects",
        ),
        Example(
            "Error: ValueError: invalid literal for int() with base 10: 'n/a'\n"
            "Where: parse_row (/srv/moonbase/parse.py:52)\n",
            "the input has the text 'n/a' where parse_row expects an integer",
            "how the producer writes missing values and whether parse_row should allow 'n/a'",
        ),
        Example(
            "Error: UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0\n"
            "Where: read_craters (/srv/moonbase/craters.py:8)\n",
            "the file read by read_craters is not UTF-8 encoded",
            "the encoding the producer writes and the encoding read_craters expects",
        ),
    ),
    "schema": (
        Example(
            'Error: zorbdb.errors.NotNullViolation: null value in column "moon_id" violates '
            "not-null constraint\n",
            "some input rows have no moon_id, which the target table requires",
            "the rows without moon_id in the source and the join that should fill it",
        ),
        Example(
            'Error: zorbdb.errors.UndefinedColumn: column "orbit_km" of relation '
            '"moon_facts" does not exist\n',
            "moon_facts has no column orbit_km, so the job and the table schema disagree",
            "the columns of moon_facts against what the job writes",
        ),
        Example(
            "Error: KeyError: \"['crater_id'] not in index\"\n"
            "Where: build_frame (/srv/quokka/frames.py:40)\n",
            "the data given to build_frame has no crater_id column",
            "the header of the input used by build_frame",
        ),
    ),
    "resource": (
        Example(
            "Error: OSError: [Errno 24] Too many open files\n"
            "Where: open_shards (/srv/zorb/shards.py:44)\n",
            "open_shards keeps files open and hits the open file limit",
            "that open_shards closes its files and the ulimit of the worker",
        ),
        Example(
            "Error: java.lang.OutOfMemoryError: Java heap space\n"
            "Log: Zorbexecutor: Exception in task 3.0\n",
            "the executor ran out of heap memory",
            "the executor memory setting and whether one partition is much larger than the rest",
        ),
        Example(
            "Error: OSError: [Errno 28] No space left on device\n"
            "Where: spill_rows (/srv/moonbase/spill.py:9)\n",
            "the disk that spill_rows writes to is full",
            "the free space on the volume used by spill_rows",
        ),
    ),
    "auth": (
        Example(
            "Error: zorbapi.errors.Unauthorized: 401 Client Error: Unauthorized for url: "
            "https://api.quokka.invalid/v1/craters\n",
            "api.quokka.invalid rejected the API key or token of the job",
            "that the token used for api.quokka.invalid is current and has access",
        ),
        Example(
            "Error: zorbdb.errors.AuthError: 28P01: password authentication failed for user "
            '"quokka_etl"\n',
            "the stored password of quokka_etl is wrong or was rotated",
            "the credentials of quokka_etl in the job connection",
        ),
        Example(
            "Error: botocore.exceptions.ClientError: An error occurred (ExpiredToken): "
            "The security token included in the request is expired\n",
            "the temporary cloud credentials expired before the job finished",
            "how the job refreshes its credentials",
        ),
    ),
    "dependency": (
        Example(
            "Error: java.lang.NoSuchMethodError: org.zorb.MoonCodec.encode(Ljava/lang/String;)\n",
            "two versions of the library with org.zorb.MoonCodec are on the classpath",
            "the versions of the jars the job ships against those of the cluster",
        ),
        Example(
            "Error: ModuleNotFoundError: No module named 'zorbtools'\n"
            "Where: crunch (/srv/quokka/crunch.py:3)\n",
            "zorbtools is not installed in the environment that runs crunch",
            "that zorbtools is installed in the environment the workers use",
        ),
        Example(
            "Error: java.lang.ClassNotFoundException: org.zorb.MoonCodec\n",
            "the jar that provides org.zorb.MoonCodec is not on the classpath",
            "the packages or jars passed to the job",
        ),
    ),
    "http_api": (
        Example(
            "Error: requests.exceptions.HTTPError: 404 Client Error: Not Found for url: "
            "https://api.zorb.invalid/v2/moons/77\n",
            "the resource https://api.zorb.invalid/v2/moons/77 does not exist or moved",
            "the URL the job builds and the version of the API it calls",
        ),
        Example(
            "Error: requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: "
            "https://api.zorb.invalid/v2/moons\n",
            "api.zorb.invalid was unavailable and answered 503",
            "the status of api.zorb.invalid and whether the call is retried with backoff",
        ),
        Example(
            "Error: quokka.errors.ApiError: HTTP 429 Too Many Requests\n"
            "Where: pull_pages (/srv/quokka/pull.py:61)\n",
            "pull_pages sent requests faster than the API rate limit allows",
            "the request rate of pull_pages and the rate limit of the API",
        ),
    ),
    "cloud_storage": (
        Example(
            "Error: botocore.exceptions.ClientError: An error occurred (AccessDenied) when "
            "calling the PutObject operation: Access Denied\n"
            "Where: save_report (/srv/quokka/report.py:90)\n",
            "the role of save_report may not write to the bucket",
            "the bucket policy and the IAM role that save_report runs with",
        ),
        Example(
            "Error: botocore.exceptions.ClientError: An error occurred (NoSuchBucket): "
            "The specified bucket does not exist\n"
            "Where: upload_moons (/srv/zorb/upload.py:22)\n",
            "the bucket configured for upload_moons does not exist in that account or region",
            "the bucket name and region used by upload_moons",
        ),
        Example(
            "Error: zorbcloud.errors.ResourceNotFoundError: The specified container does not "
            "exist. Container: quokka-raw\n",
            "the container quokka-raw is missing or named differently in this account",
            "the container name and storage account the job is configured with",
        ),
    ),
    "key_missing": (
        Example(
            "Error: KeyError: 'crater_depth'\nWhere: enrich (/srv/moonbase/enrich.py:27)\n",
            "a record reached enrich without the field crater_depth",
            "whether the upstream payload still sends crater_depth",
        ),
        Example(
            "Error: KeyError: 'ZORB_API_TOKEN'\n"
            "Where: read_settings (/srv/quokka/settings.py:14)\n",
            "the variable ZORB_API_TOKEN is not set where read_settings runs",
            "that ZORB_API_TOKEN is defined in the environment of the worker",
        ),
        Example(
            "Error: quokka.errors.VariableNotFound: variable 'moonbase_bucket' does not exist\n",
            "the variable moonbase_bucket was never created in the scheduler",
            "that moonbase_bucket is defined before the job runs",
        ),
    ),
    "other": (
        Example(
            "Error: AssertionError: expected 3 partitions, got 0\n"
            "Where: check_partitions (/srv/quokka/checks.py:12)\n",
            "the upstream step wrote no partitions, so check_partitions found nothing",
            "the logs of the step that writes the partitions checked by check_partitions",
        ),
        Example(
            "Error: zorb.errors.WorkerLost: worker quokka_runner_7 was lost\n"
            "Before: heartbeat missed for quokka_runner_7\n",
            "the scheduler gave up on quokka_runner_7 after it missed its heartbeat",
            "the load of the worker host and why quokka_runner_7 stopped answering",
        ),
        Example(
            "Error: RuntimeError: moon phase table is empty\n"
            "Where: plan_launch (/srv/moonbase/plan.py:77)\n",
            "plan_launch found no rows in the moon phase table",
            "that the job filling the moon phase table ran first",
        ),
    ),
}
