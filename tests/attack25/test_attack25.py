"""Red team attack25: the assembler's IPython frames and JVM JSON bodies (commit 1358cdf)."""

from __future__ import annotations

import time

from logsumd.parse import parse, parse_line
from logsumd.records import Event
from logsumd.summarize.diagnose import examine, rules_summary
from logsumd.understand import classify
from tests.test_jvm_json_body import GOOGLE_404
from tests.test_multiline_rules import run


def _spans(events: list[Event]) -> list[tuple[int, int]]:
    return [(e.line_start, e.line_end) for e in events]


def _roots(events: list[Event]) -> list[str | None]:
    return [r.type if (r := parse(e.text).root) is not None else None for e in events]


# A logging format seen in public code: "[%(levelname)s] %(filename)s in %(funcName)s()
# %(lineno)d: %(message)s" (and "[%(asctime)s] %(filename)s in %(funcName)s(), line ...").
FILENAME_IN_FUNC_LOG = "\n".join(
    [
        "[INFO] extract.py in run() 10: extracting orders",
        "[ERROR] load.py in write() 42: could not connect to warehouse",
        "Traceback (most recent call last):",
        '  File "/app/load.py", line 42, in write',
        "    conn = psycopg2.connect(dsn)",
        "psycopg2.OperationalError: connection refused",
        "[INFO] load.py in write() 50: retrying in 5s",
        "[INFO] load.py in write() 51: retry 1 of 3",
        "[ERROR] report.py in send() 12: SMTP server rejected the message",
        "[INFO] main.py in main() 99: done",
    ]
)


def test_records_whose_format_starts_with_filename_in_func_stay_apart() -> None:
    """Records of a ``%(filename)s in %(funcName)s()`` format are not trace lines: the
    first error's event ends at its exception line and the later ERROR is its own event."""
    assert _spans(run(FILENAME_IN_FUNC_LOG)) == [(2, 6), (9, 9)]


JAVA_THEN_JSON = "\n".join(
    [
        "Starting export",
        'Exception in thread "main" java.lang.IllegalStateException: no rows for 2024-05-01',
        "\tat com.quokka.etl.Export.run(Export.java:80)",
        "\tat com.quokka.etl.Export.main(Export.java:42)",
        "{",
        '  "job" : "export",',
        '  "status" : "FAILED",',
        '  "rows" : 0',
        "}",
        "Done",
    ]
)


def test_a_json_document_printed_after_the_frames_is_not_taken() -> None:
    """A pretty-printed JSON document after a JVM trace's frames is the program's next
    output: the trace ends at its last frame (a body belongs between header and frames)."""
    assert _spans(run(JAVA_THEN_JSON)) == [(2, 4)]


GCS = "com.google.cloud.hadoop.repackaged.gcs.com.google.api.client.googleapis.json"
GCS_403_WITH_URL = "\n".join(
    [
        "Reading input",
        'Exception in thread "main" java.io.IOException: Error accessing'
        " gs://quokka-data/data/bookings",
        "\tat com.google.cloud.hadoop.gcsio.GoogleCloudStorageImpl.getObject("
        "GoogleCloudStorageImpl.java:1970)",
        "\tat com.quokka.etl.Job.main(Job.java:12)",
        f"Caused by: {GCS}.GoogleJsonResponseException: 403 Forbidden",
        "GET https://storage.googleapis.com/storage/v1/b/quokka-data/o/data%2Fbookings"
        "?fields=bucket,name",
        "{",
        '  "code" : 403,',
        '  "errors" : [ {',
        '    "domain" : "global",',
        '    "message" : "The billing account for the owning project is disabled in state closed",',
        '    "reason" : "accountDisabled"',
        "  } ],",
        '  "message" : "The billing account for the owning project is disabled in state closed"',
        "}",
        f"\tat {GCS}.GoogleJsonResponseException.from(GoogleJsonResponseException.java:146)",
        "\tat com.google.cloud.hadoop.gcsio.GoogleCloudStorageImpl.getObject("
        "GoogleCloudStorageImpl.java:1967)",
        "\t... 1 more",
        "Job finished",
    ]
)


def test_the_request_line_before_a_json_body_stays_in_the_trace() -> None:
    """google-api-client 1.3x prints ``GET https://...`` between the exception line and
    the body: the trace stays one event, and the body's message reaches the root."""
    events = run(GCS_403_WITH_URL)
    assert _spans(events) == [(2, 18)]
    root = parse(events[0].text).root
    assert root is not None
    assert "billing account for the owning project is disabled" in root.message


GAPI = "com.google.api.client.googleapis.json.GoogleJsonResponseException"
LONG_BODY = "\n".join(
    [
        "Submitting the load job",
        f'Exception in thread "main" {GAPI}: 403 Forbidden',
        "{",
        '  "code" : 403,',
        '  "details" : [ {',
        '    "@type" : "type.googleapis.com/google.rpc.ErrorInfo",',
        '    "domain" : "googleapis.com",',
        '    "metadata" : {',
        '      "service" : "bigquery.googleapis.com",',
        '      "consumer" : "projects/1234"',
        "    },",
        '    "reason" : "SERVICE_DISABLED"',
        "  } ],",
        '  "errors" : [ {',
        '    "domain" : "usageLimits",',
        '    "message" : "BigQuery API has not been used in project 1234 before or it is'
        ' disabled.",',
        '    "reason" : "accessNotConfigured"',
        "  } ],",
        '  "message" : "BigQuery API has not been used in project 1234 before or it is disabled.",',
        '  "status" : "PERMISSION_DENIED"',
        "}",
        f"\tat {GAPI}.from(GoogleJsonResponseException.java:146)",
        "\tat com.quokka.etl.LoadJob.main(LoadJob.java:42)",
        "Job finished",
    ]
)


def test_a_long_json_body_keeps_its_message_and_the_frames() -> None:
    """A JSON body of 19 lines stays in the trace (it does) and the parse keeps the body's
    ``message`` field in the root's message and the frames after the body."""
    [event] = run(LONG_BODY)
    assert (event.line_start, event.line_end) == (2, 23)
    root = parse(event.text).root
    assert root is not None
    assert root.type == GAPI
    assert "BigQuery API has not been used in project 1234" in root.message
    assert len(root.frames) == 2


PANDAS_KEYERROR = "\n".join(
    [
        "Reading the prices:",
        "KeyError                                  Traceback (most recent call last)",
        "~/anaconda3/lib/python3.7/site-packages/pandas/core/indexes/base.py in get_loc(self,"
        " key, method, tolerance)",
        "   3077             try:",
        "-> 3078                 return self._engine.get_loc(key)",
        "   3079             except KeyError:",
        "",
        "pandas/_libs/index.pyx in pandas._libs.index.IndexEngine.get_loc()",
        "",
        "pandas/_libs/hashtable_class_helper.pxi in"
        " pandas._libs.hashtable.PyObjectHashTable.get_item()",
        "",
        "KeyError: 'price'",
        "",
        "Done.",
    ]
)


def test_compiled_frames_with_a_directory_or_pxi_keep_the_trace_whole() -> None:
    """Jupyter names pandas' compiled frames ``pandas/_libs/index.pyx in ...()`` and
    ``..._helper.pxi in ...()``: they continue the trace, whose root is the KeyError."""
    events = run(PANDAS_KEYERROR)
    assert _spans(events) == [(2, 12)]
    assert _roots(events) == ["KeyError"]


NUMPY_AXIS = "\n".join(
    [
        "AxisError                                 Traceback (most recent call last)",
        "<ipython-input-65-90bba90337ff> in <module>",
        "----> 1 im = np.concatenate((im_c1, zeros), axis=2)",
        "",
        "<__array_function__ internals> in concatenate(*args, **kwargs)",
        "",
        "AxisError: axis 2 is out of bounds for array of dimension 2",
        "",
        "Done.",
    ]
)


def test_generated_frames_whose_name_has_a_space_keep_the_trace_whole() -> None:
    """numpy's ``<__array_function__ internals> in f(...)`` (and ``<frozen
    importlib._bootstrap> in ...``) is a generated frame like ``<decorator-gen-7>``."""
    events = run(NUMPY_AXIS)
    assert _spans(events) == [(1, 7)]
    assert _roots(events) == ["AxisError"]


IPYKERNEL_CELL = "\n".join(
    [
        "Loading prices",
        "KeyError                                  Traceback (most recent call last)",
        "/tmp/ipykernel_1234/3263402513.py in <module>",
        "----> 1 df['price']",
        "",
        "~/venv/lib/python3.9/site-packages/pandas/core/frame.py in __getitem__(self, key)",
        "   3457                 return self._getitem_multilevel(key)",
        "-> 3458             indexer = self.columns.get_loc(key)",
        "",
        "KeyError: 'price'",
        "",
        "Done.",
    ]
)


def test_a_cell_frame_in_module_keeps_the_trace_whole() -> None:
    """ipykernel names a cell's frame ``/tmp/ipykernel_1234/3263402513.py in <module>``
    (no parentheses): it continues the trace, whose root is the KeyError."""
    events = run(IPYKERNEL_CELL)
    assert _spans(events) == [(2, 10)]
    assert _roots(events) == ["KeyError"]


def _slowest_ratio(line: str, control: str) -> float:
    """Best-of-three time to classify ``line`` over that of ``control`` (same length, same
    patterns tried)."""
    best = []
    for text in (line, control):
        data = text.encode()
        times = []
        for _ in range(3):
            t = time.perf_counter()
            parse_line(data)
            times.append(time.perf_counter() - t)
        best.append(min(times))
    return best[0] / max(best[1], 1e-6)


def test_a_long_tilde_line_is_classified_in_linear_time() -> None:
    """A 64 KB line ``~/a.py](a.py](...`` costs about what ``~/a.py)(a.py)(...`` does
    (today: ~0.25 s, some 400 times more, as ``/a.py](...`` did already)."""
    assert _slowest_ratio("~/" + "a.py](" * 10900, "~/" + "a.py)(" * 10900) < 50


def test_the_headline_of_a_json_body_names_what_was_not_found() -> None:
    """The rules headline of the commit's own Google 404 event quotes the body's message
    (``Not found: Dataset quokka-prod:staging``), not ``{ "code" : 404 … Not found: …``."""
    [event] = run(GOOGLE_404)
    text = rules_summary(examine(event, classify(event), None)).text
    assert "Dataset quokka-prod:staging" in text.splitlines()[0]
