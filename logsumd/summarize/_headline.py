"""The summary's shape: a headline of what failed, then the cause and the next step (pure).

The headline is one clause of at most :data:`HEADLINE_WORDS` words,
``<function or task> failed: <Exception>: <message trimmed>``, copied from the
event: the user's own frame (:mod:`logsumd.summarize.subject`), the root
exception (not the wrapper that re-raised it) and its message, trimmed around
its informative part (never cut before it, never inside a word, so no path
is cut in the middle).  :func:`compose` adds ``Cause:`` and ``Next:`` lines and
keeps the whole summary within :data:`MAX_WORDS` words.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from logsumd.summarize.output_check import cut_label_imitation
from logsumd.summarize.subject import Subject

HEADLINE_WORDS = 15
MAX_WORDS = 40
MIN_MESSAGE_WORDS = 3
ELLIPSIS = "…"

_NOISE = re.compile(
    r"\s*(?:\(Background on this error at:[^)]*\)|\[SQL: .*|compiled [Cc]ode at \S+"
    r"|Please (?:take a look|check|see|refer|deploy|double[ -]check|make sure|ensure|verify)\b.*"
    r"|For more information.*|See (?:https?://|the )\S*.*"
    r"|\(Service: [^)]*\)|HINT:.*|Hint: You will need.*"
    r"|It is possible the underlying files have been updated\b.*|Did you mean\b.*"
    r"|Consider (?:to )?(?:choose|choosing|add|adding|set|setting|use|using|rename)\b.*"
    r"|You might want to try\b.*|If this is an? (?:unexpected|expected)\b.*"
    r"|Verify that each entry within\b.*)",
)
_MYSQL_MANUAL = re.compile(
    r";? ?check the manual that corresponds to your (?:MySQL|MariaDB) server version"
    r" for the right syntax to use(?= near\b)"
)
"""MySQL's pointer to its manual between 'error in your SQL syntax' and the place."""
_AWS_CALL = re.compile(r"\bAn error occurred (\([\w.]+\)) when calling the (\w+) operation(?=:)")
"""botocore's wording around its error code and the API call: the headline keeps those two."""
_QUERY_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\s*")
_INFORMATIVE = re.compile(
    r"(?i)not found|does not exist|doesn't exist|no such|denied|refused|not defined"
    r"|isn't defined|timed? ?out|exceeded|mismatch|not allowed|forbidden|unauthori[sz]ed"
    r"|too many|no module|not installed|not set|already exists|violates|syntax error"
    r"|out of memory|reset by peer|no space left|explicit deny|restricted location|not supported"
    r"|unsupported|incompatible|can't open|cannot open"
)
"""What a message says went wrong: the headline keeps it whatever it cuts."""
_WEAK_INFORMATIVE = re.compile(
    r"(?i)unable|cannot|can't|could not|failed|invalid|missing|unknown|unexpected|expected"
    r"|required"
)
"""Words that announce the point rather than state it (``port 5432 failed: Connection
refused``): the point is taken from them only when no phrase above is in the message."""
_SENTENCE_BREAK = re.compile(r"(?<=[\w)'\"])\.\s+(?=[A-Z])")
"""The headline is one clause: the message's sentences are joined with ``;``."""
_CLAUSE_START = re.compile(r"(?:^|(?<=[:;,.]) )")
_TYPE_PREFIX = re.compile(r"^(?:[\w$]+\.)*[A-Z][\w$]*(?:Error|Exception|Exit|Failure)?:\s+")


def _words(text: str) -> list[str]:
    return text.split()


def word_count(text: str) -> int:
    """Words of ``text`` (whitespace-separated tokens)."""
    return len(text.split())


def _advice_only(m: re.Match[str]) -> str:
    """A tail of advice or references goes; one that states the problem stays (``Please
    check the input file: [Errno 2] No such file ...``)."""
    tail = m.group(0)
    return tail if _INFORMATIVE.search(tail) or _ERRNO.search(tail) else ""


_ERRNO = re.compile(r"\[Errno \d+\]|\b\w+(?:Error|Exception):")
_DOT_LEADER = re.compile(r" \.{4,}(?= )")
"""dbt's dot leader between a node and its status (``freshness of raw.orders ...... [ERROR``)."""


def clean_message(message: str) -> str:
    """One clause, without query ids, SQL echoes, documentation links and advice tails."""
    message = _MYSQL_MANUAL.sub("", _AWS_CALL.sub(r"\1 \2", _QUERY_ID.sub("", message)))
    message = _DOT_LEADER.sub("", message)
    lines = [" ".join(line.split()) for line in message.split("\n")]
    parts: list[str] = []
    odd = 0  # bit k: the lines so far hold an odd number of quote marks of kind k
    for line in (line.rstrip(";") for line in lines if line):
        if parts:  # lines become clauses, but a quote that goes on over a line stays one
            parts.append(" " if odd else "; ")
        parts.append(line)
        odd ^= sum((len(mark.findall(line)) & 1) << k for k, mark in enumerate(_QUOTE_MARKS))
    text = _NOISE.sub(_advice_only, "".join(parts)).strip(" .;:,")
    # a log line imitating our labels ("Cause: ...") is not quoted as if we said it
    text = cut_label_imitation(text).rstrip(" .;:,")
    marks = [[m.start() for m in mark.finditer(text)] for mark in _QUOTE_MARKS]

    def join(m: re.Match[str]) -> str:
        if any(bisect_left(at, m.start()) % 2 for at in marks):
            return m[0]  # inside a quote the text stays as printed
        # right after a closing quote (``returned "x". Details: "y"``) a space joins the
        # sentences: a ";" would make ``"; Details: "`` read as a quote the log never had
        return " " if text[m.start() - 1] in "'\"" else "; "

    return _SENTENCE_BREAK.sub(join, text)


def _clause_start(words: list[str], index: int) -> int:
    """The first word of the clause that contains word ``index`` (at most 6 words back)."""
    for k in range(index, max(index - 6, 0) - 1, -1):
        if k == 0 or words[k - 1].endswith((":", ";", ",", ".")):
            return k
    return index


def trim_around(message: str, budget: int, evidence: str = "") -> str:
    """At most ``budget`` words of ``message`` (an ellipsis counts), around its point.

    The point is ``evidence`` (the text a diagnosis matched) when the message
    holds it, else the first informative phrase (``not found``, ``denied`` ...),
    else the start.  The window starts at the clause that holds the point, so
    the message is never cut before it; cuts fall between words.
    """
    words = _words(message)
    if len(words) <= budget:
        return message
    anchor = message.find(evidence) if evidence else -1
    if anchor < 0:
        m = _INFORMATIVE.search(message) or _WEAK_INFORMATIVE.search(message)
        anchor = m.start() if m else 0
    index = len(message[:anchor].split())
    if anchor > 0 and not message[anchor - 1].isspace():
        index -= 1
    index = max(index, 0)
    start = _clause_start(words, index) if index else 0
    size = max(budget - (1 if start == 0 else 2), 1)
    if start + size > len(words):  # the point is near the end: show up to the end
        start = max(min(index, len(words) - (budget - 1)), 0)
        size = len(words) - start
    head = f"{ELLIPSIS} " if start > 0 else ""
    point = _point_after(words, start + size)
    if point is not None and size - (point[1] - point[0]) - 1 >= MIN_MESSAGE_WORDS:
        a, b = point  # what went wrong comes after the window: keep it, cut before it
        keep = size - (b - a) - 1
        piece = _paired(" ".join(words[start : start + keep]).rstrip(",;:"), start > 0)
        said = _paired(" ".join(words[a:b]), True)
        tail = f" {ELLIPSIS}" if b < len(words) else ""
        return f"{head}{piece} {ELLIPSIS} {said}{tail}"
    piece = _paired(" ".join(words[start : start + size]).rstrip(",;:"), start > 0)
    tail = f" {ELLIPSIS}" if start + size < len(words) else ""
    return f"{head}{piece}{tail}"


_QUOTE_MARKS = (
    re.compile(r"(?<![\w'\\])'|(?<!\\)'(?![\w'])"),
    re.compile(r'(?<!\\)"'),
    re.compile("`"),
)


def _paired(piece: str, cut_before: bool) -> str:
    """``piece`` without the quote mark a cut left alone (the first when the piece was
    cut before it, else the last): a checker pairing marks would read a quote the
    message never held (``tail)' failed for '`` from ``'x/tail)' failed for 'orders'``).
    A backslash-escaped mark (``\\"`` of JSON-escaped text) is no quote: it is neither
    counted nor removed, so the text around it stays as the log has it."""
    for mark in _QUOTE_MARKS:
        found = list(mark.finditer(piece))
        if len(found) % 2:
            first = found[0]
            # cut before, the lone mark is the first unless that one opens a quote
            # (``("Could not convert 'Total' ... 'Conversion``: the last is lone)
            m = first if cut_before and not _opens(piece, first.start()) else found[-1]
            piece = piece[: m.start()] + piece[m.end() :]
    return piece


def _opens(piece: str, at: int) -> bool:
    """The mark at ``at`` opens a quote: no word character before it, one after it."""
    before = piece[at - 1] if at > 0 else " "
    after = piece[at + 1] if at + 1 < len(piece) else " "
    return not before.isalnum() and (after.isalnum() or after in "/._-")


def _point_after(words: list[str], end: int) -> tuple[int, int] | None:
    """Words ``[a, b)`` of the clause that states what went wrong (``Connection refused``)
    when it begins at or after word ``end``; at most 6 words, up to the phrase's end."""
    if end >= len(words):
        return None
    text = " ".join(words)  # the message's words, one space apart
    m = _INFORMATIVE.search(text, len(" ".join(words[:end])))
    if m is None:
        return None
    first = len(text[: m.start()].split())
    last = len(text[: m.end()].split())
    a = max(_clause_start(words, first), end)
    b = min(max(last, a + 1), a + 6)
    return a, b


def who(subject: Subject) -> str:
    """What failed: the user's function (with file:line), else module code, task or model."""
    if subject.function:
        return f"{subject.function} ({subject.where})" if subject.where else subject.function
    if subject.where:
        return subject.where
    if subject.task:
        return f"task {subject.task}"
    if subject.model:
        return f"model {subject.model}"
    return subject.logger


def exception_label(exception: str) -> str:
    """The exception as the log names it (``dbt Database Error`` -> ``Database Error``)."""
    return exception.removeprefix("dbt ").strip()


def headline(subject: Subject, message: str, evidence: str = "", budget: int = 0) -> str:
    """``<who> failed: <Exception>: <message>`` in at most ``HEADLINE_WORDS`` words.

    ``budget`` (when given) caps the words of the message part further.
    """
    subject_text = who(subject)
    exception = exception_label(subject.exception)
    raw, message = message, clean_message(message)
    if exception:
        message = _strip_type(message, exception)
    parts = []
    if subject_text:
        parts.append(f"{subject_text} failed:")
    if exception:
        parts.append(f"{exception}:" if message else exception)
    fixed = word_count(" ".join(parts))
    room = max(HEADLINE_WORDS - fixed, MIN_MESSAGE_WORDS)
    if budget:
        room = max(min(room, budget), MIN_MESSAGE_WORDS)
    if message:
        parts.append(trim_around(message, room, evidence))
    text = " ".join(parts).rstrip(":").strip()
    return text or trim_around(" ".join(raw.split()), HEADLINE_WORDS)


def _strip_type(message: str, exception: str) -> str:
    """``message`` without a leading repetition of the exception type."""
    short = exception.rsplit(".", 1)[-1]
    if " " in exception and message.startswith(f"{exception}:"):  # ``Catalog Error: ...``
        return message[len(exception) + 1 :].lstrip()
    m = _TYPE_PREFIX.match(message)
    if m and m.group(0).rstrip(": ").rsplit(".", 1)[-1] == short:
        return message[m.end() :]
    return message


def compose(head: str, cause: str = "", next_step: str = "") -> str:
    """The summary: the headline, then ``Cause:`` and ``Next:`` lines when given."""
    lines = [head]
    if cause:
        lines.append(f"Cause: {_sentence(cause)}")
    if next_step:
        lines.append(f"Next: {_sentence(next_step)}")
    return "\n".join(line for line in lines if line)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".;,")
    return f"{text}." if text and not text.endswith("?") else text


def fit(subject: Subject, message: str, evidence: str, cause: str, next_step: str) -> str:
    """The composed summary, its headline shortened until it fits ``MAX_WORDS`` words."""
    budget = 0
    while True:
        text = compose(headline(subject, message, evidence, budget), cause, next_step)
        words = word_count(text)
        if words <= MAX_WORDS:
            return text
        current = word_count(trim_around(clean_message(message), HEADLINE_WORDS, evidence))
        budget = (budget or current) - (words - MAX_WORDS)
        if budget < MIN_MESSAGE_WORDS:
            head = headline(subject, message, evidence, MIN_MESSAGE_WORDS)
            return compose(head, cause, next_step)
