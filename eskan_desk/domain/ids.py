"""Record ids: UUIDv7 (RFC 9562), made on the device that creates the record.

Layout (128 bits): 48-bit Unix time in milliseconds, version ``7``, 12 bits ``rand_a`` used as a
counter, variant ``10``, 62 random bits. The counter (RFC 9562 method 1, "fixed-length dedicated
counter") starts at a random value below 2048 in each new millisecond and is incremented for every
id made in the same millisecond, so ids made by one process sort in creation order. When it runs
out, or when the wall clock steps back, the generator borrows the next millisecond of its own
timestamp instead of going back.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from eskan_desk.domain.dates import ms_now

# A branch's code, as in its file numbers (KMS-2026-000001): 2 to 4 Latin capitals.
_BRANCH_CODE = re.compile(r"[A-Z]{2,4}")


def is_branch_code(code: str) -> bool:
    """Whether ``code`` (already upper-cased) can be a branch's code."""
    return _BRANCH_CODE.fullmatch(code) is not None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS_MASK = (1 << 48) - 1
_COUNTER_MAX = 0xFFF
_COUNTER_START_BITS = 11  # leaves at least 2048 increments in each millisecond


class UUID7Generator:
    """A thread-safe source of monotonic UUIDv7 strings.

    Args:
        wall: Clock returning milliseconds since the Unix epoch (injected by tests).
    """

    def __init__(self, wall: Callable[[], int] = ms_now) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._ms = -1
        self._counter = 0

    def _tick(self) -> tuple[int, int]:
        now = self._wall()
        if now > self._ms:
            self._ms, self._counter = now, secrets.randbits(_COUNTER_START_BITS)
        elif self._counter < _COUNTER_MAX:
            self._counter += 1
        else:
            self._ms, self._counter = self._ms + 1, 0
        return self._ms, self._counter

    def __call__(self) -> str:
        """Make a new id, greater than every id this generator made before."""
        with self._lock:
            ms, counter = self._tick()
        value = (ms & _MS_MASK) << 80 | 0x7 << 76 | counter << 64  # unix_ts_ms, ver, rand_a
        value |= 0b10 << 62 | secrets.randbits(62)  # var, rand_b
        return str(uuid.UUID(int=value))


_default = UUID7Generator()


def uuid7() -> str:
    """Make a new UUIDv7 in canonical text form (ids of one process sort by creation).

    Returns:
        For example ``"019ac3e2-5b1a-7c3d-8e4f-0123456789ab"``.
    """
    return _default()


def uuid7_time(id: str) -> datetime:
    """The creation time embedded in a UUIDv7.

    Args:
        id: A UUIDv7 in any form :class:`uuid.UUID` reads.

    Returns:
        The millisecond timestamp as an aware UTC datetime.

    Raises:
        ValueError: ``id`` is not a UUID, or not version 7.
    """
    value = uuid.UUID(id)
    if value.version != 7:
        raise ValueError(f"not a UUIDv7: {id!r}")
    return _EPOCH + timedelta(milliseconds=value.int >> 80)
