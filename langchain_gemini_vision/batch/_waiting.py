"""Polite polling of a batch job until it ends, with a deadline and injectable clocks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from langchain_gemini_vision._core.clock import WallClock
from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision._core.validate import check_callable, check_number
from langchain_gemini_vision.batch._errors import BatchWaitTimeout

if TYPE_CHECKING:
    from langchain_gemini_vision.batch._operation import JobProgress

#: Batch jobs take minutes to hours: poll politely (10 s growing to 2 min, with jitter).
DEFAULT_POLL = PollPolicy(first_interval_s=10.0, max_interval_s=120.0, multiplier=1.5)


def backoff_s(policy: PollPolicy, attempt: int) -> float:
    """The wait after poll ``attempt`` (0-based): exponential from the first interval, capped.

    A job takes minutes to hours, so its polls back off steadily (the File API's 1-second grid
    for files becoming ACTIVE would be far too eager here); no jitter, as one client polls one job.
    """
    exponent = min(attempt, 200)  # no float overflow on absurdly long waits
    return float(min(policy.first_interval_s * policy.multiplier**exponent, policy.max_interval_s))


#: How long past a job's 48 h expiry ``wait()`` keeps polling without a timeout.
EXPIRY_GRACE_S = 3600.0


_J = TypeVar("_J", bound="WaitMixin")


class WaitMixin:
    """``wait`` / ``await_`` for ``BatchJob`` (which provides the members declared here)."""

    name: str | None
    now: WallClock
    _sleep: Callable[[float], None]
    _asleep: Callable[[float], Awaitable[None]]
    _clock: Callable[[], float]

    @property
    def state(self) -> str:
        raise NotImplementedError

    @property
    def done(self) -> bool:
        raise NotImplementedError

    @property
    def progress(self) -> JobProgress:
        raise NotImplementedError

    @property
    def expires_at(self) -> datetime | None:
        raise NotImplementedError

    def refresh(self: _J) -> _J:
        raise NotImplementedError

    async def arefresh(self: _J) -> _J:
        raise NotImplementedError

    def _deadline_error(self, waited: float) -> BatchWaitTimeout:
        return BatchWaitTimeout(
            f"Batch job {self.name} is still {self.state} after {waited:.0f} s "
            f"({self.progress.describe()}). It keeps running on Google's side: call wait() "
            "again later, or BatchJob.load(path).wait() from another process.",
            job_name=self.name or "",
            state=self.state,
            elapsed_s=waited,
        )

    def _limit(self, timeout: float | None) -> float | None:
        """The caller's deadline, else the job's expiry (on ``now``) plus an hour of grace."""
        if timeout is not None:
            return timeout
        expires = self.expires_at
        if expires is None:
            return None
        # The API expires a job 48 h after creation; polling much past that is pointless.
        return max((expires - self.now()).total_seconds(), 0.0) + EXPIRY_GRACE_S

    def _next_delay(
        self, attempt: int, start: float, limit: float | None, policy: PollPolicy
    ) -> float:
        """How long to sleep before the next poll; raises once ``limit`` seconds have passed."""
        waited = self._clock() - start
        if limit is not None and waited >= limit:
            raise self._deadline_error(waited)
        delay = backoff_s(policy, attempt)
        return delay if limit is None else min(delay, max(limit - waited, 0.0))

    def wait(
        self: _J,
        *,
        poll: float | PollPolicy | None = None,
        timeout: float | None = None,
        on_progress: Callable[[_J], None] | None = None,
    ) -> _J:
        """Poll until the job ends (any state); raise at the deadline.

        Args:
            poll: Seconds between polls, or a ``PollPolicy`` (default: 10 s growing to 2 min).
            timeout: Give up after this many seconds (None: until an hour after the job's
                48 h expiry, measured with the job's ``now`` clock against ``createTime``).
            on_progress: Called after every poll (e.g. to draw a progress bar).

        Raises:
            BatchWaitTimeout: The job had not ended by the deadline (it keeps running).
            InvalidRequestError: ``poll``, ``timeout`` or ``on_progress`` of the wrong type or
                out of range.
        """
        policy, start = _policy(poll, timeout, on_progress), self._clock()
        for attempt in range(1_000_000):
            self.refresh()
            if on_progress is not None:
                on_progress(self)
            if self.done:
                return self
            self._sleep(self._next_delay(attempt, start, self._limit(timeout), policy))
        raise self._deadline_error(self._clock() - start)  # pragma: no cover

    async def await_(
        self: _J,
        *,
        poll: float | PollPolicy | None = None,
        timeout: float | None = None,
        on_progress: Callable[[_J], None] | None = None,
    ) -> _J:
        """Async twin of :meth:`wait` (same arguments and errors)."""
        policy, start = _policy(poll, timeout, on_progress), self._clock()
        for attempt in range(1_000_000):
            await self.arefresh()
            if on_progress is not None:
                on_progress(self)
            if self.done:
                return self
            await self._asleep(self._next_delay(attempt, start, self._limit(timeout), policy))
        raise self._deadline_error(self._clock() - start)  # pragma: no cover


def _policy(
    poll: float | PollPolicy | None, timeout: float | None, on_progress: object
) -> PollPolicy:
    """The poll policy of ``wait(poll=...)``, after checking ``wait``'s arguments."""
    check_number(timeout, "timeout", low=0, optional=True, unit="seconds")
    check_callable(on_progress, "on_progress")
    if isinstance(poll, PollPolicy):
        return poll
    if poll is None:
        return DEFAULT_POLL
    check_number(poll, "poll", low=0, low_open=True, unit="seconds (or a PollPolicy)")
    return PollPolicy(first_interval_s=poll, max_interval_s=poll, multiplier=1.0, jitter=0.0)
