"""The wall clock, in one place.

Anything compared with a server timestamp (file expiry, reuse margins, index pruning, batch job
expiry) takes a ``now`` callable whose default is :func:`utc_now`. Nothing else in the package reads
the wall clock, so tests and cassette replays can pin the time and give the same result on any day.
Deadlines and polling intervals use monotonic clocks instead, which no wall-clock change can move.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

WallClock = Callable[[], datetime]
"""A function returning the current time as a timezone-aware UTC ``datetime``."""


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (the default of every ``now=`` parameter)."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (a naive one is taken to be UTC already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
