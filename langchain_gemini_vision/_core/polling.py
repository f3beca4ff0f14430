"""Polling a File API file until it is ACTIVE: schedule, deadline and loop state (pure).

The sync and async waiters in ``files.py`` share :class:`PollLoop`; they differ only in how they
call ``files.get`` and how they sleep. Nothing here does I/O or reads a real clock, so the whole
state machine is unit-tested with a fake clock. The schedule itself (a 1 s grid while the file is
likely to turn ACTIVE, phase-staggered across files, sparse before a predicted ready time, then
gently backing off) and why it is shaped so are in ``_core.poll_schedule``.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_gemini_vision._core.poll_schedule import first_poll_at, next_poll_at
from langchain_gemini_vision._core.validate import CONSTRUCTION, check_bool, check_number
from langchain_gemini_vision.errors import FileProcessingError, FileProcessingTimeout
from langchain_gemini_vision.types import GeminiFile

_MB = 1_000_000

# HTTP statuses worth retrying while polling: rate limits and transient server trouble.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_DEADLINE_SLACK_S = 1e-3


MAX_MULTIPLIER = 1000.0
"""Largest backoff growth per step a policy accepts (beyond it the first retry waits the max)."""


@dataclass(frozen=True)
class PollPolicy:
    """How to wait for a File API file to become ACTIVE.

    Attributes:
        timeout_s: Deadline in seconds; None scales it with the file's size (see
            :meth:`deadline_for`).
        first_interval_s: When the first poll happens (the upload's answer is the first look).
        max_interval_s: Longest wait between two polls.
        multiplier: After the attentive window, each wait grows by ``multiplier - 1`` times the
            seconds spent past the window (1 keeps the steady interval forever).
        jitter: The first poll is moved later by a random fraction (up to ``jitter``) of
            ``first_interval_s``, so that many files waited for together poll out of step.
        steady_interval_s: Interval of the attentive window (never more polls than this allows).
        attentive_s: Length of the window of steady polls, from the first poll or from the
            predicted ready time.
        base_timeout_s: Default deadline for a small file.
        timeout_per_100mb_s: Extra default deadline per 100 MB of file size (video processing time
            grows with length).
        max_timeout_s: Upper bound of the size-scaled default deadline.
        shared_listing: While two or more files are waited for on the same client, read one
            shared ``files.list`` answer every 0.25 s instead of one ``files.get`` per file per
            second: sooner to notice (about 0.25 s instead of 0.5 s, median) and fewer requests
            (at most 4 a second in all, and never more than one per waiting file per second).
            False: each wait polls its own file.
    """

    timeout_s: float | None = None
    first_interval_s: float = 1.0
    max_interval_s: float = 10.0
    multiplier: float = 1.08
    jitter: float = 0.1
    base_timeout_s: float = 120.0
    timeout_per_100mb_s: float = 60.0
    max_timeout_s: float = 1800.0
    steady_interval_s: float = 1.0
    attentive_s: float = 30.0
    shared_listing: bool = True

    def __post_init__(self) -> None:
        number = functools.partial(check_number, error=CONSTRUCTION, unit="seconds")
        number(self.timeout_s, "PollPolicy.timeout_s", low=0, optional=True)
        number(self.first_interval_s, "PollPolicy.first_interval_s", low=0, low_open=True)
        number(self.max_interval_s, "PollPolicy.max_interval_s", low=self.first_interval_s)
        number(self.multiplier, "PollPolicy.multiplier", low=1, high=MAX_MULTIPLIER, unit="")
        number(self.jitter, "PollPolicy.jitter", low=0, high=1, high_open=True, unit="")
        number(self.base_timeout_s, "PollPolicy.base_timeout_s", low=0)
        number(self.timeout_per_100mb_s, "PollPolicy.timeout_per_100mb_s", low=0)
        number(self.max_timeout_s, "PollPolicy.max_timeout_s", low=0)
        number(self.steady_interval_s, "PollPolicy.steady_interval_s", low=0, low_open=True)
        number(self.attentive_s, "PollPolicy.attentive_s", low=0)
        check_bool(self.shared_listing, "PollPolicy.shared_listing", error=CONSTRUCTION)

    def deadline_for(self, size_bytes: int | None, timeout: float | None = None) -> float:
        """Seconds to wait for a file of ``size_bytes`` (an explicit ``timeout`` wins).

        Args:
            size_bytes: The file's size, when known.
            timeout: The caller's explicit deadline in seconds.

        Returns:
            ``timeout``, else ``timeout_s``, else ``base_timeout_s`` plus
            ``timeout_per_100mb_s`` per 100 MB, capped at ``max_timeout_s``.
        """
        if timeout is not None:
            return max(float(timeout), 0.0)
        if self.timeout_s is not None:
            return self.timeout_s
        scaled = self.base_timeout_s + self.timeout_per_100mb_s * (size_bytes or 0) / (100 * _MB)
        return min(scaled, max(self.max_timeout_s, self.base_timeout_s))


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
_RETRY_IN = re.compile(r"retry in (\d+(?:\.\d+)?)\s*(ms|s)\b", re.IGNORECASE)


def parse_duration_s(value: Any) -> float | None:
    """Parse a protobuf Duration string like ``"596s"`` or ``"1.5s"`` (None when not one)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1))
    return None


def error_status(exc: BaseException) -> int | None:
    """The HTTP status of a google-genai ``APIError`` (None for anything else)."""
    code = getattr(exc, "code", None)
    if isinstance(code, int) and type(exc).__module__.startswith("google.genai"):
        return code
    return None


# Transport error base classes by top-level module: the SDK talks through httpx2 (or httpx), and
# through aiohttp for async calls when that is installed.
_TRANSPORT_ERRORS = {
    "httpx": ("TransportError", "TimeoutException"),
    "httpx2": ("TransportError", "TimeoutException"),
    "aiohttp": ("ClientConnectionError", "ClientPayloadError", "ServerTimeoutError"),
}


def is_transport_error(exc: BaseException) -> bool:
    """Connection resets, timeouts and the like from httpx / httpx2 / aiohttp (worth retrying)."""
    for cls in type(exc).__mro__:
        if cls.__name__ in _TRANSPORT_ERRORS.get(cls.__module__.split(".")[0], ()):
            return True
    return isinstance(exc, (ConnectionError, TimeoutError))


def is_transient(exc: BaseException) -> bool:
    """Whether a failed poll should simply be retried within the deadline."""
    status = error_status(exc)
    if status is not None:
        return status in TRANSIENT_STATUSES
    return is_transport_error(exc)


def retry_delay_s(exc: BaseException) -> float | None:
    """The delay the server asked for: ``google.rpc.RetryInfo.retryDelay`` or "retry in Ns"."""
    details: Any = getattr(exc, "details", None)
    error: Any = details.get("error", details) if isinstance(details, dict) else None
    if isinstance(error, dict):
        for item in error.get("details") or []:
            if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
                delay = parse_duration_s(item.get("retryDelay"))
                if delay is not None:
                    return delay
    message = getattr(exc, "message", None) or str(exc)
    match = _RETRY_IN.search(str(message))
    if match:
        value = float(match.group(1))
        return value / 1000 if match.group(2).lower() == "ms" else value
    return None


def simulate_schedule(
    policy: PollPolicy,
    *,
    samples: int = 20000,
    ready_within_s: float = 30.0,
    ready_from_s: float = 0.5,
    seed: int = 1,
) -> tuple[float, float]:
    """Model the schedule on a fake clock: how late is a file noticed, and how often is it polled.

    Each sample is a file that turns ACTIVE at a uniformly random time in
    ``[ready_from_s, ready_within_s]`` seconds, waited for by a real :class:`PollLoop` that starts
    from the upload's PROCESSING answer; only the polls made while waiting are counted.

    Args:
        policy: The schedule to model.
        samples: How many files to simulate.
        ready_within_s: Latest activation time.
        ready_from_s: Earliest activation time.
        seed: Seed of the activation times and the jitter.

    Returns:
        The median delay between activation and the poll that sees it (seconds), and the
        average number of polls per second waited.
    """
    rng = random.Random(seed)
    latencies: list[float] = []
    polls = 0
    waited = 0.0
    processing = GeminiFile(name="files/simulated", state="PROCESSING")
    for _ in range(samples):
        ready = rng.uniform(ready_from_s, ready_within_s)
        loop = PollLoop("files/simulated", policy, 0.0, ready_within_s * 100, rng=rng)
        now = 0.0
        loop.on_snapshot(processing, now)
        while True:
            now += loop.next_delay(now)
            polls += 1
            if now >= ready:
                break
            loop.on_snapshot(processing, now)
        latencies.append(now - ready)
        waited += now
    latencies.sort()
    return latencies[len(latencies) // 2], polls / waited


PollCallback = Callable[[GeminiFile, float], None]
"""Called after each successful poll with the file snapshot and seconds waited so far."""


@dataclass
class PollLoop:
    """The state of one wait-until-ACTIVE loop (no I/O: the caller gets and sleeps).

    Usage::

        loop = PollLoop(name, policy, clock(), deadline_s)
        while True:
            try:
                snapshot = get(name)
            except Exception as exc:
                loop.on_error(exc, clock())   # re-raises what is not transient
            else:
                if loop.on_snapshot(snapshot, clock()):
                    return snapshot
            sleep(loop.next_delay(clock()))   # raises FileProcessingTimeout past the deadline
    """

    file_name: str
    policy: PollPolicy
    started: float
    deadline_s: float
    rng: random.Random = field(default_factory=random.Random)
    polls: int = 0
    last_state: str = "STATE_UNSPECIFIED"
    last_error: str = ""
    predicted_s: float | None = None
    early_look: bool = False
    from_snapshot: bool = False
    _server_delay: float = 0.0
    _first_at: float | None = None
    _last_at: float = 0.0

    def elapsed(self, now: float) -> float:
        """Seconds since the loop started."""
        return max(now - self.started, 0.0)

    def on_snapshot(self, snapshot: GeminiFile, now: float) -> bool:
        """Record a successful poll; True when the file is ACTIVE.

        Raises:
            FileProcessingError: The server marked the file FAILED.
        """
        self.polls += 1
        self._server_delay = 0.0
        self.last_error = ""
        # A missing state or STATE_UNSPECIFIED means "unknown", never "done".
        self.last_state = snapshot.state or "STATE_UNSPECIFIED"
        if self.last_state == "ACTIVE":
            return True
        if self.last_state == "FAILED":
            server_message = snapshot.error_message or ""
            reason = f": {server_message}" if server_message else " (the server gave no reason)"
            raise FileProcessingError(
                f"Gemini could not process {self.file_name}{reason}. The file cannot be used; "
                "check that it plays/opens locally, re-encode it (e.g. H.264 MP4 for video) and "
                "upload it again.",
                file_name=self.file_name,
                server_message=server_message,
            )
        return False

    def on_error(self, exc: BaseException, now: float) -> None:
        """Record a failed poll; re-raise it when retrying cannot help."""
        if not is_transient(exc):
            raise exc
        self.polls += 1
        self.last_error = f"HTTP {error_status(exc)}" if error_status(exc) else type(exc).__name__
        self._server_delay = retry_delay_s(exc) or 0.0

    def look_delay(self, now: float, interval: float) -> float:
        """Seconds to sleep before reading a shared listing again (no request of this wait's own).

        Raises:
            FileProcessingTimeout: The deadline has passed.
        """
        remaining = self.deadline_s - self.elapsed(now)
        if remaining <= _DEADLINE_SLACK_S:
            raise self.timeout(now)
        return min(interval, remaining)

    def next_delay(self, now: float) -> float:
        """Seconds to sleep before the next poll.

        Raises:
            FileProcessingTimeout: The deadline has passed (or the server asked to wait beyond it).
        """
        remaining = self.deadline_s - self.elapsed(now)
        if remaining <= _DEADLINE_SLACK_S:
            # A slack, not zero: with float clocks, sleeping "the rest" can leave a remainder too
            # small to move the clock, and a zero check would then spin forever.
            raise self.timeout(now)
        elapsed = self.elapsed(now)
        first = self._first_at is None
        if self._first_at is None:
            self._first_at = first_poll_at(self.policy, self.rng)
            self._last_at = self._first_at
            if self.early_look:
                self._last_at = min(
                    first_poll_at(self.policy, self.rng, early=True), self._first_at
                )
        else:
            target = next_poll_at(self.policy, self._last_at, self._first_at, self.predicted_s)
            if target <= elapsed:
                # Behind the grid (a server-requested delay, a very slow answer): start a new
                # grid from here rather than catching up with polls back to back.
                target = elapsed + min(self.policy.steady_interval_s, self.policy.max_interval_s)
            self._last_at = target
        # The grid is absolute: a slow answer shortens the next sleep instead of shifting every
        # later poll, and two polls never start closer than the grid's interval.
        delay = max(self._last_at - elapsed, self._server_delay)
        self._last_at = elapsed + delay  # a server-requested wait moves the grid with it
        if first:
            # An early look stands in for the grid's first poll, not in addition to it: if it
            # misses, the grid goes on from its second poll, so a wait never averages more than
            # one poll per second.
            self._last_at = max(self._last_at, self._first_at)
        if self._server_delay > remaining:
            # Sleeping past the deadline only to fail later helps nobody: fail now, saying why.
            raise self.timeout(now, hint=f"the server asked to retry in {self._server_delay:.0f} s")
        return min(delay, remaining)

    def timeout(self, now: float, *, hint: str = "") -> FileProcessingTimeout:
        """The error for running out of time."""
        elapsed = self.elapsed(now)
        why = f" ({hint})" if hint else ""
        last = f"; last poll failed with {self.last_error}" if self.last_error else ""
        return FileProcessingTimeout(
            f"{self.file_name} was still {self.last_state} after {elapsed:.1f} s "
            f"(deadline {self.deadline_s:.0f} s{why}{last}). Wait longer with "
            "wait_until_active(file, timeout=...), try a shorter or smaller file, or check "
            "the file's state later with GeminiFileManager.get().",
            file_name=self.file_name,
            elapsed_s=elapsed,
            last_state=self.last_state,
        )
