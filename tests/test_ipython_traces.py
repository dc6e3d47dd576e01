"""IPython's tracebacks (Jupyter, papermill, Colab) are one event with their root exception.

Written here in the shape IPython 7/8 and Colab print them.
"""

from __future__ import annotations

from logsumd.parse import parse
from tests.test_multiline_rules import run, spans

PAPERMILL = "\n".join(
    [
        "Executing notebook with kernel: python3",
        "---------------------------------------------------------------------------",
        "KeyError                                  Traceback (most recent call last)",
        "Cell In[4], line 3",
        "      1 df = pd.read_parquet(src)",
        "      2 # keep paid orders",
        '----> 3 paid = df[df["status_code"] == 2]',
        "",
        "File /opt/conda/lib/python3.11/site-packages/pandas/core/frame.py:3893, in "
        "DataFrame.__getitem__(self, key)",
        "   3891 if self.columns.nlevels > 1:",
        "-> 3893 indexer = self.columns.get_loc(key)",
        "",
        "KeyError: 'status_code'",
        "Notebook run finished with status: failed",
    ]
)

IPYTHON7_COLAB = "\n".join(
    [
        "Training the model:",
        "Py4JJavaError                             Traceback (most recent call last)",
        "<ipython-input-12-3f9a2b7c1d0e> in <module>",
        "      2 lr = LogisticRegression(featuresCol='features', labelCol='label')",
        "----> 3 model = lr.fit(train)",
        "",
        "3 frames",
        "/usr/local/lib/python3.10/dist-packages/py4j/protocol.py in get_return_value("
        "answer, gateway_client, target_id, name)",
        "--> 326                 raise Py4JJavaError(",
        "",
        "Py4JJavaError: An error occurred while calling o812.fit.",
        ": java.lang.OutOfMemoryError: Java heap space",
        "",
        "That is all I have.",
    ]
)


def test_papermill_traceback_is_one_event_with_its_root() -> None:
    """An IPython 8 traceback (``Cell In[4]``, ``File x.py:N, in f``) is one event."""
    [event] = run(PAPERMILL)
    assert (event.line_start, event.line_end) == (3, 13)
    root = parse(event.text).root
    assert root is not None
    assert root.type == "KeyError"


def test_colab_traceback_with_folded_frames_is_one_event() -> None:
    """An IPython 7 / Colab traceback with ``3 frames`` and a Py4J cause is one event."""
    assert [s[:2] for s in spans(run(IPYTHON7_COLAB))] == [(2, 12)]


PROGRESS_THEN_TRACEBACK = "\n".join(
    [
        "[2031-05-06T02:14:07.534+0000] {subprocess.py:93} INFO - Output Notebook: out.ipynb",
        "[2031-05-06T02:14:07.649+0000] {subprocess.py:93} INFO - \rExecuting:   0%|          |"
        " 0/57 [00:00<?, ?cell/s]Traceback (most recent call last):",
        '[2031-05-06T02:14:07.649+0000] {subprocess.py:93} INFO -   File "/home/airflow/.local/bin/'
        'papermill", line 8, in <module>',
        "[2031-05-06T02:14:07.650+0000] {subprocess.py:93} INFO -     sys.exit(papermill())",
        "[2031-05-06T02:14:07.672+0000] {subprocess.py:93} INFO - PermissionError: [Errno 13]"
        " Permission denied: '/opt/nb/out.ipynb'",
        "[2031-05-06T02:14:07.817+0000] {subprocess.py:97} INFO - Command exited with return"
        " code 1",
    ]
)


def test_a_traceback_after_a_progress_bar_on_its_line_starts_the_event() -> None:
    """tqdm leaves its bar without a newline: the traceback header follows it on the line."""
    events = run(PROGRESS_THEN_TRACEBACK)
    assert events[0].line_start == 2
    root = parse(events[0].text).root
    assert root is not None
    assert root.type == "PermissionError"


COLAB_COMPILED_FRAMES = "\n".join(
    [
        "Loading the bookings:",
        "UnicodeDecodeError                        Traceback (most recent call last)",
        "<ipython-input-4-0a1b2c3d4e5f> in <cell line: 0>()",
        "----> 1 bookings = pd.read_csv('/content/wombat_bookings.csv')",
        "",
        "2 frames",
        "/usr/local/lib/python3.11/dist-packages/pandas/io/parsers/readers.py in _read(fp, kwds)",
        "    611     parser = TextFileReader(fp, **kwds)",
        "",
        "parsers.pyx in pandas._libs.parsers.TextReader.__cinit__()",
        "",
        "<decorator-gen-7> in _open(self, path)",
        "",
        "parsers.pyx in pandas._libs.parsers.raise_parser_error()",
        "",
        "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x8b in position 1: invalid",
        "",
        "Done.",
    ]
)


def test_compiled_and_generated_frames_keep_the_colab_trace_whole() -> None:
    """Colab names a Cython module's frame ``parsers.pyx in pandas._libs...()`` and a
    generated one ``<decorator-gen-7> in f(...)``: both continue the trace (before, the
    first of them cut it, and the exception line became an event of its own)."""
    [event] = run(COLAB_COMPILED_FRAMES)
    assert (event.line_start, event.line_end) == (2, 16)
    root = parse(event.text).root
    assert root is not None
    assert root.type == "UnicodeDecodeError"
