"""The multiline assembler: a pure, synchronous state machine (like Vector's line_agg).

Lines come in :class:`~logsumd.records.Chunk` s; error events go out as
:class:`~logsumd.records.Event` s.  One buffer per file; the clock is injected
(``Chunk.read_at`` and the ``now`` of :meth:`Assembler.flush_expired`).

Hot path: while no event is open in a file, the lines of a chunk are joined,
lower-cased and searched with ``bytes.find`` for a few tokens (``error``,
``traceback``, ``\\tat`` ...).  Lines between hits are not decoded or parsed;
only the last few are remembered (context and look-back).  Every line of an
open event goes through :func:`~logsumd.parse._lineparse.parse_line`.  The prefilter
is :mod:`logsumd.assemble._prefilter`; the lines of an event are kept (and cut) by
:class:`~logsumd.assemble._event_buffer.EventBuffer`.  An event Airflow relayed
from a child process is held while the child goes on printing (up to ``MERGE_SPAN``
lines): the runner's report that may follow joins it (``_airflow``); a Java trace is
held for the Python traceback that may re-raise it (``_reraise``).
"""

from __future__ import annotations

from collections import deque

from logsumd.assemble._airflow import (
    await_report,
    awaited_report,
    child_succeeded,
    ends_report,
    holds_relay,
    is_epilogue,
    may_have_epilogue,
    report_gap,
    reports_child,
    reports_held,
    skims_held,
    starts_report,
)
from logsumd.assemble._burst import same_burst
from logsumd.assemble._event_buffer import HEADER_WALK, EventBuffer, FileState, tails
from logsumd.assemble._prefilter import Scan, skippable
from logsumd.assemble._reraise import awaits_next, awaits_reraise, reraises, resolve
from logsumd.assemble._stated import is_aftermath, states_failure
from logsumd.assemble.multiline import (
    GENERIC,
    M_GENERIC,
    M_USER,
    P_TRACE,
    CompiledUserRule,
    RuleSet,
    announces_failure,
    compile_rules,
    follow,
    past_first_body_line,
    rule_mode,
    strong_rule,
)
from logsumd.config import MultilineSettings
from logsumd.parse import K_BLANK, K_INDENT, LineInfo, decode, decode_lines, parse_line
from logsumd.records import Chunk, Event

HARD_LIMIT_FACTOR = 10
"""A generic event (an ERROR record and its continuation lines) that has consumed
``max_lines * HARD_LIMIT_FACTOR`` lines is emitted; a trace is one event however
long (its buffer keeps its head and tail within the limits)."""
LENIENT_PROBE = 8
"""Lines before an event inspected to learn whether the file has record prefixes."""
MERGE_GAP = 5
"""Most lines from elsewhere than the child's relay between a held event and its epilogue."""
MERGE_SPAN = 100
"""Most lines after a held event's end in which its epilogue may come."""


class Assembler:
    """Groups the lines of many files into error events."""

    def __init__(self, settings: MultilineSettings) -> None:
        self._s = settings
        self._rules: RuleSet = compile_rules(settings)
        self._timeout = settings.flush_timeout_ms / 1000.0
        self._keep = settings.context_lines + HEADER_WALK + 1
        self._files: dict[str, FileState] = {}

    # -- public API -----------------------------------------------------------

    def feed(self, chunk: Chunk) -> list[Event]:
        """Consume a chunk; return the events its lines completed."""
        st = self._files.get(chunk.file_id)
        if st is None:
            st = self._files[chunk.file_id] = FileState(deque(maxlen=self._keep))
        out: list[Event] = []
        lines = chunk.lines
        n = len(lines)
        scan: Scan | None = None
        every_line = bool(self._rules.users)
        i = 0
        while i < n:
            if st.buf is None and (st.held is None or st.held_skims) and not every_line:
                if scan is None:
                    scan = Scan(lines, i, self._rules.tokens)
                j = scan.next_hit(lines, i)
                while j < n and skippable(lines[j], self._rules.tokens):
                    j = scan.next_hit(lines, j + 1)
                if j > i:
                    if st.held is not None:  # the lines between it and its report
                        k = min(j, i + report_gap(st.held, MERGE_GAP) + 1)
                        st.held_gap += tails(chunk, i, k)
                    st.tail.extend(tails(chunk, max(i, j - self._keep), j))
                    i = j
                    if i >= n:
                        break
            self._line(st, chunk, i, out)
            line = (lines[i], chunk.offsets[i], chunk.first_line + i, chunk.read_at)
            st.tail.append(line)
            if st.held is not None and not st.reraise:
                st.held_gap.append(line)
            i += 1
        return out

    def close_file(self, file_id: str) -> list[Event]:
        """The file is gone (rotated, deleted, truncated, eof): flush it, forget it."""
        st = self._files.pop(file_id, None)
        out: list[Event] = []
        if st is not None:
            self._release(st, out)
            self._emit(st, out)
        return out

    def flush_expired(self, now: float) -> list[Event]:
        """Emit events whose file has been silent for ``flush_timeout_ms``."""
        out: list[Event] = []
        for st in self._files.values():
            if st.held is not None and now - st.held.touched_at >= self._timeout:
                self._release(st, out)
            buf = st.buf
            if buf is not None and now - buf.touched_at >= self._timeout:
                self._emit(st, out)
        return out

    def flush_all(self) -> list[Event]:
        """Emit every open event (shutdown or end of input)."""
        out: list[Event] = []
        for st in self._files.values():
            self._release(st, out)
            self._emit(st, out)
        return out

    def next_deadline(self) -> float | None:
        """Earliest ``now`` at which :meth:`flush_expired` would emit an event."""
        times = [
            buf.touched_at + self._timeout
            for st in self._files.values()
            for buf in (st.buf, None if st.reraise else st.held)
            if buf is not None and not buf.candidate
        ]
        return min(times) if times else None

    def pending_position(self, file_id: str) -> tuple[int, int] | None:
        """(offset, line number) of the first line that may still become part of an event."""
        st = self._files.get(file_id)
        return None if st is None else st.pending_position(self._rules)

    # -- per line -------------------------------------------------------------

    def _line(self, st: FileState, chunk: Chunk, i: int, out: list[Event]) -> None:
        li = parse_line(chunk.lines[i])
        held = st.held
        if held is not None:
            lineno = chunk.first_line + i
            gap = report_gap(held, MERGE_GAP)
            late = lineno > held.line_end + MERGE_SPAN or lineno > st.held_seen + gap
            if (late or child_succeeded(held, li)) and not st.reraise:
                self._release(st, out)  # too late for a report, or the child exited 0
            elif holds_relay(st, li):
                st.held_seen = lineno  # the child goes on printing: keep waiting
                held.touched_at = chunk.read_at
        buf = st.buf
        if buf is not None:
            if buf.user is not None:
                if self._user_line(st, chunk, i, li, buf=buf, user=buf.user, out=out):
                    return
            elif buf.candidate:
                if self._candidate_line(st, buf, chunk, i, li):
                    return
            else:
                rs, first = self._rules, buf.lines[0]
                ok, buf.mode, buf.phase = follow(rs, buf.mode, buf.phase, buf.lenient, li, first)
                if ok and past_first_body_line(buf.phase) and states_failure(rs, li):
                    ok = False  # a failure of its own is no message line (tests/attack35)
                if ok or same_burst(rs, first, li, buf.lines[-1], buf.mode, buf.phase):
                    self._take(buf, chunk, i, li)
                    limit = self._s.max_lines * HARD_LIMIT_FACTOR
                    if buf.mode == M_GENERIC and buf.consumed >= limit:
                        self._emit(st, out)
                    return
                self._hold(st, out, li)
        self._idle_line(st, chunk, i, li, out)

    def _idle_line(
        self, st: FileState, chunk: Chunk, i: int, li: LineInfo, out: list[Event]
    ) -> None:
        rs = self._rules
        if st.awaiting is not None and li.record:
            if awaited_report(st.awaiting, chunk.first_line + i, li):
                st.awaiting = None
                return  # the report of a failure already emitted: no second alert
            if starts_report(li):
                st.awaiting = None  # another failure
        for user in rs.users:
            if user.starts(li):
                st.buf = self._open(st, chunk, i, li, out, rule=user.name, mode=M_USER, user=user)
                return
        rule = strong_rule(rs, li)
        if rule is not None:
            mode, phase = rule_mode(rule, li)
            h = st.walk_back(self._rules, li.record)
            st.buf = self._open(st, chunk, i, li, out, rule=rule, mode=mode, phase=phase, header=h)
        elif (li.record and li.level >= rs.threshold and rs.generic) or (
            states_failure(rs, li)
            and not is_aftermath(st.floor, st.last, chunk.first_line + i, li)
            and not holds_relay(st, li)
        ):
            st.buf = self._open(st, chunk, i, li, out, rule=GENERIC, mode=M_GENERIC)
        elif announces_failure(rs, li) and not holds_relay(st, li):
            h = 0 if li.record else st.walk_back(self._rules)
            if li.record or h:
                st.buf = self._open(
                    st, chunk, i, li, out, rule=GENERIC, mode=M_GENERIC, header=h, candidate=True
                )

    def _candidate_line(
        self, st: FileState, buf: EventBuffer, chunk: Chunk, i: int, li: LineInfo
    ) -> bool:
        """Feed a line to a candidate; False when the line must be handled as idle."""
        if (li.record and li.kind != K_INDENT) or buf.consumed > HEADER_WALK:
            st.buf = None
            return False
        rule = strong_rule(self._rules, li)
        if rule is not None:
            buf.rule = rule
            buf.mode, buf.phase = rule_mode(rule)
            buf.candidate = False
        elif li.kind != K_BLANK:
            buf.candidate = False
        self._take(buf, chunk, i, li)
        return True

    def _user_line(
        self,
        st: FileState,
        chunk: Chunk,
        i: int,
        li: LineInfo,
        *,
        buf: EventBuffer,
        user: CompiledUserRule,
        out: list[Event],
    ) -> bool:
        """Vector's four modes; False when the line ended the event and is not in it."""
        holds = user.holds(li)
        mode = user.mode
        if mode in {"continue_through", "halt_before"}:
            if holds == (mode == "continue_through"):
                self._take(buf, chunk, i, li)
                return True
            self._emit(st, out)
            return False
        self._take(buf, chunk, i, li)
        if holds != (mode == "continue_past"):  # continue_past: first miss; halt_with: hit
            self._emit(st, out)
        return True

    # -- buffers --------------------------------------------------------------

    def _open(
        self,
        st: FileState,
        chunk: Chunk,
        i: int,
        li: LineInfo,
        out: list[Event],
        *,
        rule: str,
        mode: int,
        phase: int = P_TRACE,
        header: int = 0,
        user: CompiledUserRule | None = None,
        candidate: bool = False,
    ) -> EventBuffer:
        if st.held is not None:
            held = st.held
            joins = reports_held(li, held, st.held_gap) or holds_relay(st, li)
            joins = joins or reports_child(li, chunk.first_line + i, held, st.held_gap)
            if joins and user is None and not candidate:  # a candidate may be dropped
                buf = st.reopen(chunk.offsets[i])
                if not is_epilogue(li):  # a report keeps the rule of what it reports
                    buf.rule, buf.mode, buf.phase = rule, mode, phase
                self._take(buf, chunk, i, li)
                return buf
            if reraises(li, held) and user is None:
                st.reraise = True  # the traceback's end decides (see ``_reraise``)
            else:
                self._release(st, out)
        tail = list(st.tail)
        before = tail[: len(tail) - header]
        head = tail[len(tail) - header :]
        lenient = li.record or header > 0
        if not lenient:
            lenient = any(parse_line(t[0]).record for t in before[-LENIENT_PROBE:])
        ctx_n = self._s.context_lines
        context = decode_lines([t[0] for t in before[-ctx_n:]]) if ctx_n > 0 else ()
        buf = EventBuffer(
            path=chunk.path,
            file_id=chunk.file_id,
            rule=rule,
            mode=mode,
            phase=phase,
            lenient=lenient,
            candidate=candidate,
            user=user,
            line_start=head[0][2] if head else chunk.first_line + i,
            offset_start=head[0][1] if head else chunk.offsets[i],
            first_read_at=head[0][3] if head else chunk.read_at,
            context=context,
            max_lines=self._s.max_lines,
            max_bytes=self._s.max_bytes,
        )
        for k, (raw, _, lineno, read_at) in enumerate(head):
            end = head[k + 1][1] if k + 1 < len(head) else chunk.offsets[i]
            buf.add(decode(raw), len(raw) + 1, lineno=lineno, end=end, read_at=read_at)
        self._take(buf, chunk, i, li)
        return buf

    def _take(self, buf: EventBuffer, chunk: Chunk, i: int, li: LineInfo) -> None:
        n = len(chunk.lines)
        end = chunk.offsets[i + 1] if i + 1 < n else chunk.end_offset
        raw_len = len(chunk.lines[i]) + 1
        if li.record:
            if ends_report(li):
                buf.reported = True
            elif starts_report(li):
                buf.headed = True
        if li.kind == K_BLANK and buf.lines:
            buf.blanks.append((li.text, raw_len))
            buf.touched_at = chunk.read_at
            return
        lineno = chunk.first_line + i
        buf.add(li.text, raw_len, lineno=lineno, end=end, read_at=chunk.read_at, kind=li.kind)

    def _hold(self, st: FileState, out: list[Event], ending: LineInfo) -> None:
        """The open event ended (on the line ``ending``): keep it a few lines when an
        epilogue may follow, else emit it."""
        buf = st.buf
        if st.reraise and buf is not None and awaits_reraise(buf):
            st.reraise = False  # an error record and a Java trace: no re-raise of the held
            self._release(st, out)
        elif st.reraise:
            self._emit(st, out)
            return
        waits = buf is not None and (may_have_epilogue(buf.lines[0]) or awaits_next(buf))
        if buf is None or buf.candidate or buf.reported or not waits:
            self._emit(st, out)  # a reported failure is complete: the next one is another
            return
        if child_succeeded(buf, ending):
            self._emit(st, out)  # the line that ended it says the child exited 0
            return
        st.buf = None
        st.held = buf
        st.held_skims = skims_held(buf)
        st.held_seen = buf.line_end
        st.held_gap = [t for t in st.tail if t[2] > buf.line_end]  # its trailing blanks
        st.floor, st.last = buf.line_end + 1, buf

    def _release(self, st: FileState, out: list[Event]) -> None:
        """Emit the held event, if any."""
        if st.reraise and st.buf is not None:
            return  # the Python traceback after it is still open: it decides
        buf = st.held
        st.held = None
        if buf is not None:
            await_report(st, buf)
            out.append(buf.to_event())

    def _emit(self, st: FileState, out: list[Event]) -> None:
        ev = self._finish(st)
        if st.reraise:
            resolve(st, ev, out)
        elif ev is not None:
            out.append(ev)

    def _finish(self, st: FileState) -> Event | None:
        """Close the file's buffer; the event it holds, if it is one."""
        buf = st.buf
        st.buf = None
        if buf is None or buf.candidate:
            return None
        st.floor, st.last = buf.line_end + 1, buf
        await_report(st, buf)
        return buf.to_event()
