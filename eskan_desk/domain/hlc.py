"""Hybrid logical clock: version stamps for synced rows that order changes across devices.

A stamp is a 64-bit integer ``(physical_ms << 16) | counter``: milliseconds since the Unix epoch
and a 16-bit logical counter. Stamps from one clock only ever grow, even when the wall clock steps
back (a PC whose time is corrected), and :meth:`HybridClock.update` makes a clock that received a
stamp issue only later ones, so a change always sorts after what its author had seen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from eskan_desk.domain.dates import ms_now

COUNTER_BITS = 16
COUNTER_MAX = (1 << COUNTER_BITS) - 1


def hlc_pack(physical_ms: int, counter: int) -> int:
    """Pack a physical time and a counter into one stamp.

    Args:
        physical_ms: Milliseconds since the Unix epoch.
        counter: Logical counter, 0..65535.

    Returns:
        The 64-bit stamp.
    """
    return physical_ms << COUNTER_BITS | counter


def hlc_physical_ms(v: int) -> int:
    """The physical part of a stamp, in milliseconds since the Unix epoch."""
    return v >> COUNTER_BITS


def hlc_counter(v: int) -> int:
    """The logical counter of a stamp."""
    return v & COUNTER_MAX


class HybridClock:
    """A thread-safe hybrid logical clock.

    Args:
        wall: Clock returning milliseconds since the Unix epoch (injected by tests).
    """

    def __init__(self, wall: Callable[[], int] = ms_now) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._last = 0

    @property
    def last(self) -> int:
        """The last stamp issued (0 before the first)."""
        return self._last

    def _advance(self, physical: int, counter: int) -> int:
        if counter > COUNTER_MAX:  # counter exhausted: borrow the next millisecond
            physical, counter = physical + 1, 0
        self._last = hlc_pack(physical, counter)
        return self._last

    def now(self) -> int:
        """Issue a stamp for a local change, greater than every stamp issued or seen before.

        Returns:
            The new stamp.
        """
        with self._lock:
            wall = self._wall()
            last_ms, last_counter = hlc_physical_ms(self._last), hlc_counter(self._last)
            if wall > last_ms:
                return self._advance(wall, 0)
            return self._advance(last_ms, last_counter + 1)

    def update(self, remote: int) -> int:
        """Merge a stamp received from another device (the HLC receive rule).

        Args:
            remote: A stamp issued by another clock.

        Returns:
            A new stamp greater than both ``remote`` and every stamp issued here before.
        """
        with self._lock:
            wall = self._wall()
            last_ms, last_c = hlc_physical_ms(self._last), hlc_counter(self._last)
            remote_ms, remote_c = hlc_physical_ms(remote), hlc_counter(remote)
            physical = max(wall, last_ms, remote_ms)
            if physical == last_ms == remote_ms:
                counter = max(last_c, remote_c) + 1
            elif physical == last_ms:
                counter = last_c + 1
            elif physical == remote_ms:
                counter = remote_c + 1
            else:
                counter = 0
            return self._advance(physical, counter)
