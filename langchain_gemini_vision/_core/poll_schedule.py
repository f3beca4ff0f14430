"""When to look at a processing file again: one schedule per wait, readiness predicted from size.

The schedule is a grid of absolute times (seconds since the wait began), so a slow ``files.get``
does not push later polls back and two polls never start closer than the steady interval:

* the first poll after about ``first_interval_s``, its phase randomised per wait by ``jitter`` so
  that many files waited for together spread their ``files.get`` calls over the second instead of
  polling in lockstep (the rate per file is unchanged);
* then one poll per ``steady_interval_s`` (1 s) while the file is likely to turn ACTIVE: for
  ``attentive_s`` after the first poll, or after the predicted ready time;
* then waits that grow by ``multiplier - 1`` of the time spent past that window, up to
  ``max_interval_s``, for files that take minutes.

Why 1 s: at most one poll per second per file is the politeness bar, and with files turning
ACTIVE at unpredictable moments no schedule polling at most once a second can notice them sooner
than 0.5 s (median): the chance that a file is seen within ``x`` seconds is at most ``x`` times
the poll rate. A steady 1 s grid reaches that bound (median 0.5 s, p95 0.95 s, plus one request).

Prediction: when earlier waits in this process showed how fast the service processes bytes, a
large file's ready time is estimated from its size; before it, polls are sparse (a quarter of the
predicted time left, never more than ``max_interval_s``), and the 1 s window starts just before it.

Early look: inside the first second more than one poll per second is allowed, and a file that is
ready at once (images, audio, short clips: GEMINI-FACTS) would otherwise wait a whole second for
the first poll. So a wait looks once at ``EARLY_LOOK_S`` when recent files of about its size were
ACTIVE by the first poll. With no evidence for a size yet, one wait finds out: concurrent waits of
that size share this probe (``PROBE_HOLD_S``), so a burst of uploads costs one extra request, not
one each. An early look that misses stands in for the grid's first poll (the grid goes on from
its second), so even the probing wait never averages more than one poll per second.
"""

from __future__ import annotations

import random
import statistics
import threading
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_gemini_vision._core.polling import PollPolicy

EARLY_LOOK_S = 0.1
PREDICT_MIN_BYTES = 8 * 1024 * 1024
"""Smaller files are processed in a second or two: nothing to gain from predicting them."""
PROBE_HOLD_S = 5.0
"""How long one wait's probe of a size class stands for every other wait of that class."""
_MIN_OBSERVATIONS = 3
_EARLY = 0.8  # aim before the estimate: an early guess costs a few polls, a late one latency


class ProcessingRates:
    """Bytes per second at which files became ACTIVE in recent waits (thread-safe)."""

    def __init__(self, keep: int = 16) -> None:
        self._rates: deque[float] = deque(maxlen=keep)
        self._first_looks: dict[int, deque[bool]] = {}
        self._probes: dict[int, float] = {}
        self._lock = threading.Lock()

    def note_first_look(self, size_bytes: int | None, active: bool) -> None:
        """Remember whether a wait's first poll already found the file ACTIVE."""
        with self._lock:
            looks = self._first_looks.setdefault(_size_class(size_bytes), deque(maxlen=4))
            looks.append(active)

    def ready_at_first_look(self, size_bytes: int | None) -> bool:
        """Whether recent files of about this size were ACTIVE by the first poll.

        Then the next wait looks once early (``EARLY_LOOK_S``): inside the first second, where
        the one-poll-per-second cap does not apply, and worth a second of latency each time.
        Sizes are told apart (classes a factor of 4 wide) because processing time grows with
        size: tiny files being ready at once says nothing about a long video.
        """
        with self._lock:
            looks = list(self._first_looks.get(_size_class(size_bytes), ()))
        return bool(looks) and 2 * sum(looks) >= len(looks)

    def look_early(self, size_bytes: int | None, now: float) -> bool:
        """Whether a wait starting at ``now`` should look once at ``EARLY_LOOK_S``.

        Yes when :meth:`ready_at_first_look` says so. Without any first look at this size class
        yet, the first wait to ask probes (yes) and the others asking within ``PROBE_HOLD_S``
        after it do not: its first look becomes the evidence for the next waits.

        Args:
            size_bytes: The file's size, when known.
            now: The caller's clock (seconds); only differences between calls matter.
        """
        size_class = _size_class(size_bytes)
        with self._lock:
            looks = self._first_looks.get(size_class)
            if looks:
                return 2 * sum(looks) >= len(looks)
            probed = self._probes.get(size_class)
            if probed is not None and 0.0 <= now - probed < PROBE_HOLD_S:
                return False
            self._probes[size_class] = now
            return True

    def record(self, size_bytes: int | None, seconds: float) -> None:
        """Remember one finished wait (only large files, waited for at least a second)."""
        if size_bytes is None or size_bytes < PREDICT_MIN_BYTES or seconds < 1.0:
            return
        with self._lock:
            self._rates.append(size_bytes / seconds)

    def predict_s(self, size_bytes: int | None) -> float | None:
        """Seconds until a file of ``size_bytes`` is likely ACTIVE; None without evidence."""
        if size_bytes is None or size_bytes < PREDICT_MIN_BYTES:
            return None
        with self._lock:
            if len(self._rates) < _MIN_OBSERVATIONS:
                return None
            rate = statistics.median(self._rates)
        return _EARLY * size_bytes / rate

    def clear(self) -> None:
        """Forget every observation."""
        with self._lock:
            self._rates.clear()
            self._first_looks.clear()
            self._probes.clear()


def _size_class(size_bytes: int | None) -> int:
    return -1 if size_bytes is None else size_bytes.bit_length() // 2


OBSERVED_RATES = ProcessingRates()
"""What this process has seen; every wait reads and feeds it."""


def first_poll_at(policy: PollPolicy, rng: random.Random, *, early: bool = False) -> float:
    """When the first poll of a wait happens, its phase spread by ``policy.jitter``.

    ``early``: processing has lately been done by the first look, so look at ``EARLY_LOOK_S``;
    if the file is not ready then, the grid goes on from there as usual.
    """
    if early:
        return min(EARLY_LOOK_S, policy.first_interval_s)
    # Later, never earlier: an earlier phase would average slightly over one poll per second.
    return policy.first_interval_s * (1 + policy.jitter * rng.random())


def next_poll_at(policy: PollPolicy, last: float, first: float, predicted: float | None) -> float:
    """The scheduled time of the poll after the one scheduled at ``last``.

    Args:
        policy: The schedule's parameters.
        last: Scheduled time of the previous poll (seconds since the wait began).
        first: Scheduled time of the first poll.
        predicted: Predicted ready time, when there is one.
    """
    steady = min(policy.steady_interval_s, policy.max_interval_s)
    window_start = first
    if predicted is not None and predicted > last + steady:
        sparse = min(max(steady, 0.25 * (predicted - last)), policy.max_interval_s)
        return min(last + sparse, predicted)
    if predicted is not None:
        window_start = max(first, predicted)
    past = last - (window_start + policy.attentive_s)
    if past <= 0:
        return last + steady
    gap = steady + (policy.multiplier - 1) * past
    return last + min(max(gap, steady), policy.max_interval_s)
