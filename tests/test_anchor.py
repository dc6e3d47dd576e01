"""A fixed-text cause names the endpoint or storage URL it is about (summarize/_anchor.py)."""

from __future__ import annotations

from logsumd.summarize._anchor import anchored
from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import catalogue_summary, examine
from logsumd.understand import classify
from tests.events import make_event

NO_ROUTE = (
    "Call From wombat-1/10.0.0.7 to quoll-nn:9000 failed on socket timeout exception: "
    "java.net.NoRouteToHostException: No route to host"
)


def test_the_endpoint_the_message_names_joins_a_generic_cause() -> None:
    cause = anchored("there is no network route to the host", "connection", (NO_ROUTE,), "")
    assert cause == "there is no network route to the host (quoll-nn:9000)"


def test_nothing_is_added_that_the_headline_shows_or_the_cause_names() -> None:
    shown = f"NoRouteToHostException: {NO_ROUTE}"
    plain = "there is no network route to the host"
    assert anchored(plain, "connection", (NO_ROUTE,), shown) == plain
    named = "nothing listens on 'quoll-nn:9000'"
    assert anchored(named, "connection", (NO_ROUTE,), "") == named


def test_links_to_documentation_and_source_lines_are_not_endpoints() -> None:
    plain = "the job could not connect to a service it uses"
    docs = "connection refused (Background on this error at: https://sqlalche.me/e/20/e3q8)"
    source = "S3ServiceException: error at s3_utility.cpp:654 while connecting"
    assert anchored(plain, "connection", (docs,), "") == plain
    assert anchored(plain, "connection", (source,), "") == plain


def test_categories_whose_entries_name_their_object_get_nothing() -> None:
    plain = "a file the job opens does not exist"
    assert anchored(plain, "file_io", ("No such file: '/data/in.csv' at quoll:9000",), "") == plain


def test_a_storage_error_names_the_bucket_url_through_the_summary() -> None:
    """The S3A error names the bucket's URL only in the wrapper's message; the generic
    cause of the AWS error code gets it (before: "the bucket does not exist ..." alone)."""
    text = (
        "[2031-05-06T02:14:07.311+0000] {taskinstance.py:2905} ERROR - Task failed\n"
        "java.io.FileNotFoundException: Bucket wombat-lake does not exist: "
        "s3a://wombat-lake/bronze/2031/orders.parquet\n"
        "Caused by: com.amazonaws.services.s3.model.AmazonS3Exception: The specified bucket "
        "does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket)\n"
    )
    event = make_event(text)
    findings = examine(event, classify(event), load_catalogue())
    best = distinct(findings.candidates)[0]
    summary = catalogue_summary(findings, best, "catalogue")
    cause = next(line for line in summary.text.split("\n") if line.startswith("Cause:"))
    assert "wombat-lake" in cause


def test_class_lines_and_dates_are_not_endpoints() -> None:
    plain = "there is no network route to the host"
    logger = "ERROR org.apache.kafka.connect.runtime.WorkerConnector:198 - failed, no route"
    date = "task start:2024 failed: no route"
    assert anchored(plain, "connection", (logger, date), "") == plain
    assert anchored(plain, "connection", ("to kafka:9092 refused",), "") == f"{plain} (kafka:9092)"


def test_an_endpoint_only_the_record_names_or_one_of_several_is_not_added() -> None:
    """An endpoint in the wider error text may be a client's or a listener's, and of
    several the cause's is not known: none is added (red team attack25's p2-18 shape)."""
    plain = "the broker got no producer ID block from the controller"
    record = "ERROR [KafkaApi-1] Unexpected error from /10.0.27.37:9092 (INIT_PRODUCER_ID)"
    assert anchored(plain, "timeout", ("Timed out waiting",), "", record) == plain
    two = "to quoll-a:9092 and quoll-b:9092 timed out"
    assert anchored(plain, "timeout", (two,), "") == plain
