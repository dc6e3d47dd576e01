# ruff: noqa: E501
"""Red team attack46: the catalogue's probe round p10 entries (a3949fa, merged in 02a7360):
plain scripts' own log records of a failure, and the widened '@'-in-host entry.

Every log line below is written here in the shape the tool prints it.  A test marked
xfail shows a problem a user meets (a wrong cause is worse than a generic one); an
unmarked test is an attack that held.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue, shipped_diagnoses
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.catalogue_cases import advice, best_entries
from tests.log_lines import af, py
from tests.test_corpus_shapes import _events

TB = (
    "Traceback (most recent call last):\n"
    '  File "/opt/etl/job.py", line 12, in <module>\n'
    "    main()\n"
)


def _rec(msg: str) -> str:
    """A python-logging ERROR record of a plain script."""
    return py(6, "ERROR", msg) + "\n"


def _best(text: str) -> tuple[str, str]:
    best = best_entries(text)
    return (best[0].id, advice(best[0])) if best else ("", "")


# --------------------------------------------------------------------------------------
# finding 1: java.util.NoSuchElementException is read as Selenium's missing element


def test_scala_none_get_is_not_a_scraper_selector() -> None:
    """A Spark job's ``None.get`` / ``key not found`` is a code or config bug in the job;
    the on-call engineer is told to update a web page's selector the job never had."""
    texts = [
        "py4j.protocol.Py4JJavaError: An error occurred while calling o123.save.\n"
        ": java.util.NoSuchElementException: key not found: spark.executor.memoryOverhead\n"
        "\tat scala.collection.MapLike.default(MapLike.scala:236)\n"
        "\tat scala.collection.MapLike.default$(MapLike.scala:235)\n",
        'Exception in thread "main" java.util.NoSuchElementException: None.get\n'
        "\tat scala.None$.get(Option.scala:529)\n"
        "\tat com.acme.etl.Load$.main(Load.scala:41)\n",
        _rec("Aggregation failed: java.util.NoSuchElementException: next on empty iterator"),
    ]
    for text in texts:
        assert _best(text)[0] != "scraper_element_not_found", text


def test_selenium_no_such_element_still_named() -> None:
    """Held: Selenium's own wording is still the scraper entry, with its locator."""
    text = _rec(
        'Scrape failed: Message: no such element: Unable to locate element: {"method":"css selector","selector":"#price"}'
    )
    ident, said = _best(text)
    assert ident == "scraper_element_not_found"
    assert "#price" in said
    java = (
        "org.openqa.selenium.NoSuchElementException: no such element: Unable to locate element: "
        '{"method":"xpath","selector":"//td[@class=\'price\']"}\n'
        "\tat org.openqa.selenium.remote.RemoteWebDriver.findElement(RemoteWebDriver.java:352)\n"
    )
    assert _best(java)[0] == "scraper_element_not_found"


# --------------------------------------------------------------------------------------
# finding 2: a Kubernetes ResourceQuota is read as an API's used-up credits


def test_kubernetes_resource_quota_is_not_api_credits() -> None:
    """KubernetesPodOperator's pod is refused by the namespace's ResourceQuota; the
    advice to throttle API calls or raise an API plan points nowhere near the cause."""
    texts = [
        _rec(
            'Pod launch failed: pods "etl-load-7f9c" is forbidden: exceeded quota: compute-quota, requested: limits.cpu=2, used: limits.cpu=8, limited: limits.cpu=8'
        ),
        af(7, "taskinstance.py:2905", "ERROR", "Task failed with exception")
        + "\n"
        + "kubernetes.client.exceptions.ApiException: (403)\nReason: Forbidden\n"
        + 'HTTP response body: {"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \\"etl-load\\" is forbidden: exceeded quota: team-quota, requested: requests.memory=4Gi, used: requests.memory=30Gi, limited: requests.memory=32Gi","reason":"Forbidden","code":403}\n',
    ]
    for text in texts:
        ident, said = _best(text)
        assert ident != "http_rate_limited", (text, said)


def test_api_credits_wording_still_named() -> None:
    """Held: an API's own quota text is the rate-limit entry."""
    assert (
        _best(_rec("Geocode failed: You have run out of API credits for this month"))[0]
        == "http_rate_limited"
    )
    assert (
        _best(_rec("Quota check: exceeded the daily request limit of the free tier"))[0]
        == "http_rate_limited"
    )


# --------------------------------------------------------------------------------------
# finding 3: the widened '@'-in-host entry fires on an ssh/sftp user@host


def test_sftp_user_at_host_is_not_an_unescaped_password() -> None:
    """A script logs the SFTP login it tried as user@host; the '@' is the ordinary
    separator, there is no URL and no password. Priority 93 buries the timeout."""
    for text in [
        _rec(
            "Upload failed: could not connect to SFTP server on etl@sftp.partner.example.com: Connection timed out"
        ),
        _rec("Timed out connecting to server on deploy@10.20.0.5:22"),
    ]:
        ident, said = _best(text)
        assert "unescaped '@'" not in said, (text, ident)


def test_mysql_at_in_host_still_named() -> None:
    """Held: MySQL's own "server on 'x@host'" is still the '@' entry."""
    text = _rec(
        "Load failed: (2003, \"Can't connect to MySQL server on 'S3cr@db.internal.example.com' ([Errno -2] Name or service not known)\")"
    )
    assert _best(text)[0] == "db_dns_failure"


# --------------------------------------------------------------------------------------
# finding 4: a built-in SQLAlchemy dialect with a driver this version lacks


def test_builtin_dialect_with_unknown_driver_is_not_a_missing_dialect() -> None:
    """SQLAlchemy 1.4 with a postgresql+psycopg (v3) URL: the dialect is built in, the
    driver name is unknown to this version. "install the SQLAlchemy dialect package for
    postgresql" sends the engineer looking for a package that does not exist."""
    for text in [
        _rec("Warehouse load failed: Can't load plugin: sqlalchemy.dialects:postgresql.psycopg"),
        _rec("Warehouse load failed: Can't load plugin: sqlalchemy.dialects:mysql.pymsql"),
    ]:
        said = _best(text)[1]
        assert "dialect package for postgresql" not in said, said
        assert "dialect package for mysql" not in said, said


def test_third_party_dialect_still_named() -> None:
    """Held: a third-party dialect (clickhouse, snowflake) is the missing package."""
    ident, said = _best(
        _rec("Warehouse load failed: Can't load plugin: sqlalchemy.dialects:snowflake")
    )
    assert ident == "python_module_missing"
    assert "snowflake" in said


# --------------------------------------------------------------------------------------
# finding 5: any UPPER_SNAKE name "is not defined" is read as an unset environment variable


def test_javascript_reference_error_is_not_an_env_var() -> None:
    """A Node export script uses an undeclared constant; exporting API_BASE_URL does not
    define a JavaScript identifier, the code must declare it (or read process.env)."""
    text = (
        "/opt/etl/export.js:14\n"
        "    const res = await fetch(API_BASE_URL + '/orders');\n"
        "                            ^\n"
        "\n"
        "ReferenceError: API_BASE_URL is not defined\n"
        "    at main (/opt/etl/export.js:14:29)\n"
        "    at Object.<anonymous> (/opt/etl/export.js:30:1)\n"
    )
    assert _best(text)[0] != "env_var_missing"


def test_python_name_error_record_is_not_an_env_var() -> None:
    """Held: Python's NameError text in a script's own record stays a code error."""
    assert _best(_rec("Run failed: name 'MAX_RETRIES' is not defined"))[0] == "user_code_type_error"


def test_script_env_checks_in_other_languages_named() -> None:
    """Held: the scripts' own checks in English, Spanish, German, French."""
    for msg in [
        "Config check: SNOWFLAKE_ACCOUNT is not set",
        "La variable de entorno PG_PASSWORD no está definida",
        "Umgebungsvariable S3_BUCKET ist nicht gesetzt",
        "La variable d'environnement API_TOKEN n'est pas définie",
    ]:
        assert _best(_rec(msg))[0] == "env_var_missing", msg


def test_env_var_aside_does_not_beat_the_real_failure() -> None:
    """Held: a record that mentions an unset proxy variable but fails on a 401 is auth."""
    text = _rec(
        "Export failed (HTTPS_PROXY not set, connecting directly): 401 Client Error: Unauthorized for url: https://api.example.com/v1/orders"
    )
    assert _best(text)[0] == "api_auth_failed"


# --------------------------------------------------------------------------------------
# finding 6: Telegram's 403 entry fires on any "Forbidden: user ..."


def test_non_chat_forbidden_user_is_not_telegram() -> None:
    """A script's record of a workspace API's 403; there is no chat and no bot. The
    cause is also cut at the quote: "the chat API refuses the message: user 'svc_etl"."""
    text = _rec("Export failed: 403 Forbidden: user 'svc_etl' has no access to workspace 42")
    said = _best(text)[1]
    assert "chat" not in said
    assert "bot" not in said, said


def test_telegram_forbidden_still_named() -> None:
    """Held: Telegram's own descriptions."""
    ident, said = _best(_rec("Notify failed: Forbidden: bot was blocked by the user"))
    assert ident == "http_forbidden"
    assert "bot was blocked by the user" in said


# --------------------------------------------------------------------------------------
# finding 7: "JSON key not found" / "CSV column not found" read as a missing input file


def test_missing_json_key_or_csv_column_is_not_a_missing_file() -> None:
    """The words json/csv/xlsx open the script's-own missing-file entry, so a missing key
    or column becomes "input file 'customer_id' does not exist"."""
    for msg in [
        "Parse failed: JSON key not found: 'customer_id'",
        "Validation failed: CSV header not found: 'order_date'",
        "Read failed: xlsx sheet not found: 'Sales 2031'",
    ]:
        said = _best(_rec(msg))[1]
        assert "input file" not in said, (msg, said)


def test_script_missing_file_in_languages_named() -> None:
    """Held: a script's own missing-file record, English, Spanish, German, French."""
    for msg, path in [
        (
            "Input file not found: /data/landing/orders_2031_02.csv",
            "/data/landing/orders_2031_02.csv",
        ),
        ("Archivo no encontrado: /datos/ventas_2031.xlsx", "/datos/ventas_2031.xlsx"),
        ("Eingabedatei nicht gefunden: /daten/kunden.csv", "/daten/kunden.csv"),
        ("Arquivo não encontrado: /dados/clientes.csv", "/dados/clientes.csv"),
        ("Fichier introuvable: /donnees/clients.parquet", "/donnees/clients.parquet"),
    ]:
        ident, said = _best(_rec(msg))
        assert ident == "input_file_missing", (msg, ident, said)
        assert path in said, (msg, ident, said)


def test_french_missing_file_with_spaced_colon_named() -> None:
    """French typography writes "introuvable : chemin"; the entry lists French words but
    its ':? ' takes only a colon right after the word, so a French script's record is lost."""
    for msg in [
        "Fichier introuvable : /donnees/clients.parquet",
        "Le fichier d'entrée est introuvable : /donnees/clients.csv",
    ]:
        ident, said = _best(_rec(msg))
        assert ident == "input_file_missing", (msg, ident)
        assert "/donnees/clients" in said, (msg, ident)


# --------------------------------------------------------------------------------------
# finding 8: the missing-file entry's exclusions drop files whose name holds a common word


def test_missing_file_with_common_word_in_its_path_still_named() -> None:
    """not_message is searched in the whole text, so "module_scores.parquet" or
    "package_list.csv" silences the entry (and no generic entry fills in)."""
    for msg in [
        "Source file not found: /srv/etl/inbox/package_list.csv",
        "Data file not found: /data/in/module_scores.parquet",
        "Input file not found: /data/landing/config_changes_2031_02.csv",
    ]:
        assert _best(_rec(msg))[0] == "input_file_missing", msg


# --------------------------------------------------------------------------------------
# finding 9: "missing required field/key" of a config or a manifest read as a record's field


def test_missing_required_key_of_config_or_manifest_is_not_a_record() -> None:
    """The advice "check the source sends X; set records without it aside" is for data;
    a connection config or a Deployment spec is fixed by the engineer, not the source."""
    for msg in [
        "Load failed: Missing required key 'account' in snowflake connection config",
        'Deploy failed: error validating data: ValidationError(Deployment.spec): missing required field "selector" in io.k8s.api.apps.v1.DeploymentSpec',
    ]:
        ident, said = _best(_rec(msg))
        assert "set records without it aside" not in said, (msg, ident)


def test_missing_record_field_still_named() -> None:
    """Held: a record's missing field, and no 4xx response body."""
    ident, said = _best(_rec("Missing required field: 'order_id' in Kafka message at offset 1234"))
    assert ident == "dict_key_missing"
    assert "'order_id'" in said
    assert (
        _best(_rec("Missing required field: id in response from https://api.example.com 400"))[0]
        != "dict_key_missing"
    )


# --------------------------------------------------------------------------------------
# finding 10: "an object with the same key already exists" (EF) read as a redelivered record


def test_entity_framework_tracking_conflict_is_not_a_duplicate_row() -> None:
    """EF6's in-memory tracking conflict: two objects of one key attached to one context.
    Nothing reached the database; upserting does not help, the code attaches twice."""
    text = (
        "Unhandled Exception: System.InvalidOperationException: An object with the same key already exists in the ObjectStateManager. "
        "The ObjectStateManager cannot track multiple objects with the same key.\n"
        "   at System.Data.Entity.Core.Objects.ObjectContext.VerifyRootForAdd(Boolean doAttach, String entitySetName)\n"
        "   at Acme.Etl.Loader.Run() in C:\\src\\Loader.cs:line 88\n"
    )
    said = _best(text)[1]
    assert "upsert" not in said, said


def test_service_uniqueness_check_and_localized_postgres_named() -> None:
    """Held: Django's wording and PostgreSQL's Spanish/German duplicate key."""
    ident, said = _best(
        _rec("Sync failed: {'email': ['User with this Email address already exists.']}")
    )
    assert ident == "duplicate_key"
    es = _rec(
        "Carga fallida: llave duplicada viola restricción de unicidad «pedidos_pkey»\n"
        "DETAIL:  Ya existe la llave (pedido_id)=(4711)."
    )
    ident, said = _best(es)
    assert ident == "duplicate_key"
    assert "pedido_id" in said
    de = _rec(
        "Laden fehlgeschlagen: doppelter Schlüsselwert verletzt Unique-Constraint »kunden_pkey«"
    )
    assert _best(de)[0] == "duplicate_key"


# --------------------------------------------------------------------------------------
# finding 11: the API-credits entry misses the most common quota text


def test_exceeded_your_current_quota_named() -> None:
    """The entry written for "an API's quota text inside a script's own error" misses the
    most common such text; the alert has no cause."""
    text = _rec(
        "Enrichment failed: You exceeded your current quota, please check your plan and billing details."
    )
    assert _best(text)[0] == "http_rate_limited"


# --------------------------------------------------------------------------------------
# attacks that held


def test_data_quality_wrapper_does_not_hide_the_real_failure() -> None:
    """A DQ step that failed to connect / found no table is not a data problem."""
    assert (
        _best(_rec("Data quality check failed: could not connect to server: Connection refused"))[0]
        == "db_unreachable_refused"
    )
    assert (
        _best(
            _rec('Data quality checks failed to run: relation "analytics.orders" does not exist')
        )[0]
        == "table_missing"
    )
    ident, said = _best(_rec("Data quality check failed: null rate 12% on orders.amount above 5%"))
    assert ident == "data_quality_check_failed"
    assert "null rate" in said


def test_package_required_warning_record_not_glued_to_other_failure() -> None:
    """A TqdmWarning "'ipywidgets' package is required" before a KeyError traceback is
    its own record: the failure is still the missing key."""
    lines = [
        af(
            1,
            "logging_mixin.py:188",
            "WARNING",
            "/home/airflow/.local/lib/python3.11/site-packages/tqdm/auto.py:21: TqdmWarning: 'ipywidgets' package is required for notebook progress bars",
        ),
        af(2, "taskinstance.py:2905", "ERROR", "Task failed with exception"),
        "Traceback (most recent call last):",
        '  File "/opt/airflow/dags/load.py", line 40, in run',
        "    row = payload['order_id']",
        "KeyError: 'order_id'",
        af(3, "taskinstance.py:1206", "INFO", "Marking task as FAILED."),
    ]
    ids = []
    for event in _events(lines):
        best = distinct(examine(event, classify(event), load_catalogue()).candidates)
        if best and "KeyError" in event.text:
            ids.append(best[0].id)
    assert ids == ["dict_key_missing"]


def test_file_lock_entries() -> None:
    """Held: DuckDB's lock stays data_dir_locked; a spreadsheet's lock names the file;
    Spark's temp dir cleanup stays harmless."""
    duck = _rec(
        'IO Error: Cannot open file "C:\\data\\warehouse.duckdb": The process cannot access the file because it is being used by another process.'
    )
    assert _best(duck)[0] == "data_dir_locked"
    xl = _rec(
        "Write failed: [WinError 32] The process cannot access the file because it is being used by another process: 'C:\\etl\\out\\sales.xlsx'"
    )
    ident, said = _best(xl)
    assert ident == "file_locked_by_another_process"
    assert "sales.xlsx" in said
    spark = _rec(
        "Exception while deleting Spark temp dir: C:\\Users\\etl\\AppData\\Local\\Temp\\spark-1\njava.io.IOException: Failed to delete: C:\\Users\\etl\\AppData\\Local\\Temp\\spark-1\\x.jar"
    )
    assert _best(spark)[0] == "spark_temp_dir_cleanup_failed"


def test_other_new_entries_named() -> None:
    """Held: sklearn's empty split, str.join, sqlite3 binding, requests' malformed URL."""
    cases = [
        (
            "empty_input",
            "Train failed: With n_samples=0, test_size=0.2 and train_size=None, the resulting train set will be empty. Adjust any of the aforementioned parameters.",
        ),
        (
            "user_code_type_error",
            "Report failed: sequence item 3: expected str instance, float found",
        ),
        (
            "type_mismatch",
            "Insert failed: Error binding parameter 2: type 'Timestamp' is not supported",
        ),
        (
            "malformed_request_url",
            "Fetch failed: Invalid URL 'https:///v1/orders': No host supplied",
        ),
    ]
    for ident, msg in cases:
        assert _best(_rec(msg))[0] == ident, msg


_SPACED_RUNS = [
    "A_B ",
    "AB_C not ",
    "file ",
    "file x ",
    "json not found ",
    "data quality check ",
    "Customer with this ",
    "Forbidden: user ",
    "Forbidden: user '",
    "missing required field ",
    "llave duplicada viola restricción de unicidad ",
    "exceeded API ",
    "sequence item 1: ",
    "Invalid column name ''",
    "[WinError 32] ",
    "file not found: a",
    "'a' ",
]


@pytest.mark.parametrize("unit", _SPACED_RUNS)
def test_new_patterns_linear_on_long_runs_with_spaces(unit: str) -> None:
    """Held: the round's patterns stay linear on a long line of repeated words (the
    shipped linearity test only tries runs without spaces)."""
    yaml_path = Path(__file__).resolve().parents[2] / "logsumd" / "summarize" / "diagnoses.yaml"
    yaml_text = yaml_path.read_text(encoding="utf-8")
    section = yaml_text[yaml_text.index("probe round p10: plain scripts") :]
    small, big = unit * (2000 // len(unit)), unit * (16000 // len(unit))
    for entry in shipped_diagnoses():
        for pattern in (entry.match.message, entry.match.not_message):
            if not pattern or pattern.replace("'", "''") not in section:
                continue
            rx = re.compile(pattern)

            def fastest(text: str, rx: re.Pattern[str] = rx) -> float:
                best = float("inf")
                for _ in range(3):
                    t0 = time.perf_counter()
                    rx.search(text)
                    best = min(best, time.perf_counter() - t0)
                return best

            fast_big, fast_small = fastest(big), fastest(small)
            assert fast_big < 24 * fast_small + 0.1, (entry.id, pattern, fast_big, fast_small)
