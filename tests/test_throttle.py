"""Throttle: grouping, count updates, repeat announcements and the global cap."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from logsumd.config import GroupingSettings
from logsumd.decide._throttle import RATE_WINDOW_SECS, Decision, Throttle

DEFAULTS = GroupingSettings()


def drain(throttle: Throttle, start: float, until: float) -> list[tuple[float, Decision]]:
    """Advance the clock deadline by deadline up to ``until``; collect decisions."""
    out: list[tuple[float, Decision]] = []
    now = start
    while True:
        deadline = throttle.next_deadline()
        if deadline is None or deadline > until:
            return out
        now = max(now, deadline)
        out.extend((now, d) for d in throttle.due(now))


def test_first_event_waits_group_wait() -> None:
    """The first event of a fingerprint is announced only after group_wait."""
    t = Throttle(DEFAULTS)
    t.add("e1", "fp", 100.0)
    assert t.due(105.0) == []
    assert t.next_deadline() == 110.0
    [d] = t.due(110.0)
    assert d.kind == "event"
    assert d.event_ids == ("e1",)
    assert d.representative == "e1"
    assert (d.count, d.new_count, d.first_seen, d.last_seen) == (1, 1, 100.0, 100.0)
    assert t.next_deadline() is None


def test_burst_becomes_one_message_with_count() -> None:
    """Events within group_wait join the first message."""
    t = Throttle(DEFAULTS)
    for i in range(5):
        t.add(f"e{i}", "fp", 100.0 + i)
    [d] = t.due(110.0)
    assert d.kind == "event"
    assert d.count == 5
    assert d.event_ids == ("e0", "e1", "e2", "e3", "e4")
    assert d.representative == "e0"
    assert d.last_seen == 104.0


def test_thousand_events_in_a_minute_one_event_decision() -> None:
    """1,000 events of one fingerprint in a minute: one event, then count updates."""
    t = Throttle(DEFAULTS)
    decisions: list[tuple[float, Decision]] = []
    for i in range(1000):
        now = 1000.0 + i * 0.06
        t.add(f"e{i}", "fp", now)
        decisions.extend((now, d) for d in t.due(now))
    decisions.extend(drain(t, 1060.0, 1000.0 + DEFAULTS.repeat_interval_secs - 1))
    kinds = Counter(d.kind for _, d in decisions)
    assert kinds == {"event": 1, "update": 1}
    event, update = (d for _, d in decisions)
    assert event.count == len(event.event_ids)
    assert update.since == decisions[0][0]
    assert update.count == 1000
    assert update.new_count == 1000 - len(event.event_ids)
    # The update waits group_interval after the first message.
    assert decisions[1][0] == decisions[0][0] + DEFAULTS.group_interval_secs
    covered = [i for _, d in decisions for i in d.event_ids]
    assert sorted(covered) == sorted(f"e{i}" for i in range(1000))


def test_updates_at_most_every_group_interval_and_only_when_new() -> None:
    """Count updates are spaced by group_interval and skipped without new events."""
    t = Throttle(DEFAULTS)
    t.add("a", "fp", 0.0)
    assert [d.kind for d in t.due(10.0)] == ["event"]
    t.add("b", "fp", 20.0)
    assert t.due(300.0) == []
    assert t.next_deadline() == 310.0
    [u] = t.due(310.0)
    assert (u.kind, u.event_ids, u.count, u.new_count, u.since) == ("update", ("b",), 2, 1, 10.0)
    assert t.next_deadline() is None
    assert t.due(700.0) == []
    t.add("c", "fp", 700.0)
    # group_interval since the last message has passed: the update is due now.
    [u2] = t.due(700.0)
    assert (u2.kind, u2.count, u2.new_count) == ("update", 3, 1)


def test_repeat_after_repeat_interval_is_announced_again() -> None:
    """After repeat_interval a repeat opens a new window with an event decision."""
    t = Throttle(DEFAULTS)
    t.add("a", "fp", 0.0)
    [first] = t.due(10.0)
    t.add("b", "fp", 10.0 + DEFAULTS.repeat_interval_secs)
    [again] = t.due(20.0 + DEFAULTS.repeat_interval_secs)
    assert (first.kind, again.kind) == ("event", "event")
    assert (again.count, again.representative) == (1, "b")
    assert again.first_seen == 10.0 + DEFAULTS.repeat_interval_secs


def test_fifty_fingerprints_respect_global_cap_with_digest() -> None:
    """50 new fingerprints at once: cap-1 events plus one digest of the rest."""
    t = Throttle(DEFAULTS)
    for i in range(50):
        t.add(f"e{i}", f"fp{i:02d}", 0.0)
    out = t.due(10.0)
    cap = DEFAULTS.max_notifications_per_minute
    assert len(out) == cap
    assert [d.kind for d in out] == ["event"] * (cap - 1) + ["digest"]
    digest = out[-1]
    assert digest.fingerprint == ""
    assert len(digest.digest) == 50 - (cap - 1)
    assert all(c == 1 for _, c in digest.digest)
    assert digest.count == len(digest.event_ids) == 50 - (cap - 1)
    assert [fp for fp, _ in digest.digest] == [f"fp{i:02d}" for i in range(cap - 1, 50)]
    assert t.next_deadline() is None


def test_overflow_waits_for_a_free_slot() -> None:
    """When the minute is full, folded items go out as one digest when a slot frees."""
    t = Throttle(GroupingSettings(max_notifications_per_minute=3, group_wait_secs=0.0))
    for i in range(3):
        t.add(f"a{i}", f"fa{i}", 0.0)
    assert len(t.due(0.0)) == 3
    for i in range(4):
        t.add(f"b{i}", f"fb{i}", 5.0)
    assert t.due(5.0) == []
    assert t.next_deadline() == RATE_WINDOW_SECS
    [digest] = t.due(RATE_WINDOW_SECS)
    assert digest.kind == "digest"
    assert dict(digest.digest) == {f"fb{i}": 1 for i in range(4)}
    assert digest.first_seen == digest.last_seen == 5.0


def test_folded_fingerprint_is_announced_when_it_repeats() -> None:
    """A first event folded into a digest gets a full message on its next event."""
    t = Throttle(GroupingSettings(max_notifications_per_minute=1, group_wait_secs=0.0))
    t.add("a", "fa", 0.0)
    t.add("b", "fb", 0.0)
    [digest] = t.due(0.0)
    assert digest.kind == "digest"
    t.add("b2", "fb", 100.0)
    [again] = t.due(100.0)
    assert (again.kind, again.fingerprint, again.representative) == ("event", "fb", "b2")


def test_idle_fingerprints_are_forgotten() -> None:
    """State of a fingerprint whose window expired is dropped (bounded memory)."""
    t = Throttle(DEFAULTS)
    for i in range(100):
        t.add(f"e{i}", f"fp{i}", 0.0)
    drain(t, 0.0, 100.0)
    t.due(DEFAULTS.repeat_interval_secs + 100.0)
    assert t._groups == {}
    assert t.pending_count() == 0


def test_knows_a_fingerprint_until_it_is_forgotten() -> None:
    """knows() holds through the window and while folded in a digest, not after."""
    t = Throttle(GroupingSettings(max_notifications_per_minute=1, group_wait_secs=0.0))
    assert not t.knows("fa")
    t.add("a", "fa", 0.0)
    [event] = t.due(0.0)
    assert event.kind == "event"
    t.add("b", "fb", 1.0)
    assert t.due(1.0) == []  # the minute is full: fb is folded into the digest
    assert t.knows("fa")
    assert t.knows("fb")
    [digest] = t.due(RATE_WINDOW_SECS)
    assert (digest.kind, digest.digest) == ("digest", (("fb", 1),))
    assert not t.knows("fb")
    assert t.knows("fa")
    t.due(DEFAULTS.repeat_interval_secs + 1.0)
    assert not t.knows("fa")


actions = st.lists(
    st.tuples(
        st.sampled_from(["add", "due"]),
        st.integers(min_value=0, max_value=5),
        st.floats(min_value=0.0, max_value=400.0, allow_nan=False),
    ),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(
    actions,
    st.integers(min_value=1, max_value=5),
    st.floats(min_value=0.0, max_value=30.0),
    st.floats(min_value=1.0, max_value=600.0),
    st.floats(min_value=1.0, max_value=3000.0),
)
def test_every_event_covered_once_and_cap_respected(
    steps: list[tuple[str, int, float]],
    cap: int,
    wait: float,
    interval: float,
    repeat: float,
) -> None:
    """Property: each event id is in exactly one decision; no minute exceeds the cap."""
    t = Throttle(
        GroupingSettings(
            group_wait_secs=wait,
            group_interval_secs=interval,
            repeat_interval_secs=repeat,
            max_notifications_per_minute=cap,
        )
    )
    now = 0.0
    added: list[str] = []
    sent: list[tuple[float, Decision]] = []
    for n, (action, fp, dt) in enumerate(steps):
        now += dt
        if action == "add":
            eid = f"e{n}"
            added.append(eid)
            t.add(eid, f"fp{fp}", now)
        else:
            sent.extend((now, d) for d in t.due(now))
    sent.extend(drain(t, now, float("inf")))
    assert t.pending_count() == 0
    covered = [i for _, d in sent for i in d.event_ids]
    assert sorted(covered) == sorted(added)
    assert all(d.event_ids for _, d in sent)
    times = [at for at, _ in sent]
    for i, at in enumerate(times):
        assert sum(1 for other in times[i:] if other < at + RATE_WINDOW_SECS) <= cap
    for _, d in sent:
        if d.kind == "digest":
            assert sum(c for _, c in d.digest) == len(d.event_ids)
        else:
            assert d.representative in d.event_ids
