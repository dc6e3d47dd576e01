"""Catalogue entries that read the Airflow record around a Spark driver's error."""

from __future__ import annotations

from logsumd.summarize._diagnosing import distinct
from logsumd.summarize.catalogue import load_catalogue
from logsumd.summarize.diagnose import examine
from logsumd.understand import classify
from tests.events import make_event

PREFIX = "[2031-02-03T04:05:06.789+0000] {spark_submit.py:579} INFO - "
SPARK_ERROR = (
    PREFIX + 'Exception in thread "main" org.apache.spark.SparkException: When running with '
    "master 'yarn' either HADOOP_CONF_DIR or YARN_CONF_DIR must be set in the environment.\n"
    + PREFIX + "at org.apache.spark.deploy.SparkSubmitArguments.error(Args.scala:650)\n"
    + PREFIX + "at org.apache.spark.deploy.SparkSubmit.main(SparkSubmit.scala)\n"
    "[2031-02-03T04:05:06.901+0000] {taskinstance.py:2890} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/lib/python3/site-packages/airflow/providers/apache/spark/hooks/spark_submit.py",'
    " line 505, in submit\n"
    "    raise AirflowException(\n"
)  # fmt: skip


def _best(text: str) -> tuple[str, str]:
    event = make_event(text)
    found = distinct(examine(event, classify(event), load_catalogue()).candidates)
    return found[0].id, found[0].cause + " | " + found[0].next_step


def test_operator_without_its_connection_submits_to_yarn() -> None:
    """SparkSubmitOperator with no connection falls back to ``--master yarn`` while the
    job's own ``spark.master`` names its cluster: the connection is what is missing."""
    text = SPARK_ERROR + (
        "airflow.exceptions.AirflowException: Cannot execute: spark-submit --master yarn "
        "--conf spark.master=spark://quoll-master:7077 --name wombat /jobs/wombat.py. "
        "Error code is: 1.\n"
    )
    diagnosis, words = _best(text)
    assert diagnosis == "airflow_connection_missing"
    assert "spark://quoll-master:7077" in words


def test_a_job_meant_for_yarn_lacks_the_hadoop_config() -> None:
    """Without another master in the command, YARN was meant: the config dir is unset."""
    text = SPARK_ERROR + (
        "airflow.exceptions.AirflowException: Cannot execute: spark-submit --master yarn "
        "--name wombat /jobs/wombat.py. Error code is: 1.\n"
    )
    diagnosis, words = _best(text)
    assert diagnosis == "hadoop_home_unset"
    assert "HADOOP_CONF_DIR or YARN_CONF_DIR" in words


def _module_missing(prefix: str) -> tuple[str, str]:
    return _best(
        "[2031-02-03T04:05:06.901+0000] {taskinstance.py:2890} ERROR - Task failed with exception\n"
        "Traceback (most recent call last):\n"
        f'  File "{prefix}/lib/python3.11/site-packages/celery/app/trace.py", line 451, in trace\n'
        "    R = retval = fun(*args, **kwargs)\n"
        '  File "/srv/wombat/tasks.py", line 6, in fetch\n'
        "    import quokka_client\n"
        "ModuleNotFoundError: No module named 'quokka_client'\n"
    )


def test_a_module_missing_from_a_virtualenv_names_that_environment() -> None:
    """The frames' site-packages show the virtual environment that ran the task: the
    package goes there, not into some image."""
    diagnosis, words = _module_missing("/home/etl/wombat_env")
    assert diagnosis == "python_module_missing"
    assert "pip install its package into /home/etl/wombat_env" in words


def test_an_image_python_is_not_called_a_virtual_environment() -> None:
    """``/home/airflow/.local`` and ``/usr/local`` are an image's Python: no {venv}."""
    for prefix in ("/home/airflow/.local", "/usr/local"):
        diagnosis, words = _module_missing(prefix)
        assert diagnosis == "python_module_missing"
        assert "virtual environment" not in words
