import itertools
import threading
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from eskan_desk.domain.hlc import COUNTER_MAX, HybridClock, hlc_counter, hlc_pack, hlc_physical_ms
from eskan_desk.domain.ids import UUID7Generator, uuid7, uuid7_time

T0 = 1_795_000_000_000  # 2026-11-18, in ms


def test_uuid7_shape():
    value = uuid.UUID(uuid7())
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert str(value) == str(value).lower() and len(str(value)) == 36


def test_uuid7_sorts_by_creation():
    ids = [uuid7() for _ in range(10_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_uuid7_time():
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    made = uuid7_time(uuid7())
    assert before <= made <= datetime.now(UTC) + timedelta(milliseconds=1)
    generator = UUID7Generator(wall=lambda: T0)
    assert uuid7_time(generator()) == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=T0)


def test_uuid7_time_refuses_other_versions():
    import pytest

    with pytest.raises(ValueError):
        uuid7_time(str(uuid.uuid4()))


def test_uuid7_monotonic_when_clock_stands_still_or_goes_back():
    walls = itertools.chain([T0] * 5000, [T0 - 10_000] * 100, [T0 + 1] * 10)
    generator = UUID7Generator(wall=lambda: next(walls))
    ids = [generator() for _ in range(5110)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    # 5000 ids in one millisecond exhaust the 12-bit counter: the generator borrows later ms.
    assert uuid7_time(ids[-1]) > uuid7_time(ids[0])


def test_uuid7_thread_safe():
    generator = UUID7Generator(wall=lambda: T0)
    results: list[list[str]] = [[] for _ in range(4)]

    def work(out):
        out.extend(generator() for _ in range(2000))

    threads = [threading.Thread(target=work, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for r in results for i in r]
    assert len(set(everything)) == len(everything)
    assert all(r == sorted(r) for r in results)


def test_hlc_packing():
    v = hlc_pack(T0, 7)
    assert hlc_physical_ms(v) == T0 and hlc_counter(v) == 7
    assert v < 2**63


def test_hlc_follows_the_wall_clock():
    wall = iter([T0, T0 + 5])
    clock = HybridClock(wall=lambda: next(wall))
    assert clock.now() == hlc_pack(T0, 0)
    assert clock.now() == hlc_pack(T0 + 5, 0)


def test_hlc_counter_overflow_borrows_the_next_millisecond():
    clock = HybridClock(wall=lambda: T0)
    stamps = [clock.now() for _ in range(COUNTER_MAX + 3)]
    assert stamps == sorted(set(stamps))
    assert hlc_physical_ms(stamps[-1]) == T0 + 1


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=T0 - 100_000, max_value=T0 + 100_000),
            st.none() | st.integers(min_value=T0 - 100_000, max_value=T0 + 100_000),
            st.integers(min_value=0, max_value=COUNTER_MAX),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_hlc_is_monotonic_whatever_the_wall_clock_does(steps):
    wall = iter(w for w, _, _ in steps)
    clock = HybridClock(wall=lambda: next(wall))
    last = 0
    for _, remote_ms, remote_counter in steps:
        if remote_ms is None:
            stamp = clock.now()
        else:
            remote = hlc_pack(remote_ms, remote_counter)
            stamp = clock.update(remote)
            assert stamp > remote
        assert stamp > last
        last = stamp


def test_hlc_update_receive_rule():
    clock = HybridClock(wall=lambda: T0)
    assert clock.update(hlc_pack(T0 + 50, 3)) == hlc_pack(T0 + 50, 4)  # remote ahead
    assert clock.now() == hlc_pack(T0 + 50, 5)  # wall behind: stays on the logical time
    assert clock.update(hlc_pack(T0 + 50, 9)) == hlc_pack(T0 + 50, 10)
    assert clock.update(hlc_pack(T0 - 50, 9)) == hlc_pack(T0 + 50, 11)  # stale remote
    fresh = HybridClock(wall=lambda: T0 + 100)
    assert fresh.update(hlc_pack(T0, 3)) == hlc_pack(T0 + 100, 0)  # wall ahead of both


def test_hlc_thread_safe():
    clock = HybridClock(wall=lambda: T0)
    results: list[list[int]] = [[] for _ in range(4)]

    def work(out):
        out.extend(clock.now() for _ in range(3000))

    threads = [threading.Thread(target=work, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [s for r in results for s in r]
    assert len(set(everything)) == len(everything) == 12_000
