"""Retrying File API calls through transient failures: the policy and the one pure decision.

The ``google.genai`` client that ``ChatGoogleGenerativeAI`` builds retries nothing, so a single 503
or dropped connection would fail an upload of a two-hour video. ``GeminiFileManager`` wraps every
File API call in a tiny sync or async loop; both ask :func:`retry_step` what to do after a failure,
so they cannot drift apart. Nothing here does I/O or sleeps.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from langchain_gemini_vision._core.polling import (
    MAX_MULTIPLIER,
    error_status,
    is_transient,
    retry_delay_s,
)
from langchain_gemini_vision._core.validate import CONSTRUCTION, check_int, check_number


@dataclass(frozen=True)
class RetryPolicy:
    """How ``GeminiFileManager`` retries a File API call that failed for a transient reason.

    Retried: HTTP 408, 429, 500, 502, 503 and 504, and transport errors (connection refused or
    reset, the server hanging up, timeouts). Never retried: 400, 401, 403, 404 and anything else
    that another attempt cannot fix. A 429 carrying the server's delay (``RetryInfo.retryDelay``
    or "Please retry in 3s.") waits exactly that long; when the server asks for more than
    ``max_delay_s`` the call fails at once, naming the requested delay, instead of hanging.

    Attributes:
        attempts: Total tries per call, the first included (1 disables retrying).
        first_delay_s: Wait before the second attempt.
        max_delay_s: Longest wait between two attempts, and the longest server-requested delay
            that is honoured.
        multiplier: Growth of the wait per attempt (exponential backoff).
        jitter: Each backoff wait is scaled by a random factor in ``[1 - jitter, 1 + jitter]``,
            so many clients that failed together do not retry together.

    Example:
        >>> GeminiFileManager(llm, retry_policy=RetryPolicy(attempts=6))  # doctest: +SKIP
    """

    attempts: int = 4
    first_delay_s: float = 0.5
    max_delay_s: float = 20.0
    multiplier: float = 2.0
    jitter: float = 0.1

    def __post_init__(self) -> None:
        number = functools.partial(check_number, error=CONSTRUCTION, unit="seconds")
        check_int(self.attempts, "RetryPolicy.attempts", low=1, high=100, error=CONSTRUCTION)
        number(self.first_delay_s, "RetryPolicy.first_delay_s", low=0)
        number(self.max_delay_s, "RetryPolicy.max_delay_s", low=self.first_delay_s)
        number(self.multiplier, "RetryPolicy.multiplier", low=1, high=MAX_MULTIPLIER, unit="")
        number(self.jitter, "RetryPolicy.jitter", low=0, high=1, high_open=True, unit="")

    def backoff(self, retry_index: int, rng: random.Random | None = None) -> float:
        """The wait before retry number ``retry_index`` (0-based) when the server named none.

        Args:
            retry_index: 0 before the second attempt, 1 before the third, ...
            rng: Source of the jitter (a seeded one makes waits reproducible).

        Returns:
            ``first_delay_s * multiplier ** retry_index`` capped at ``max_delay_s``, jittered
            (and never above ``max_delay_s``).
        """
        exponent = min(retry_index, 100)  # no float overflow for absurd attempt counts
        base = min(self.first_delay_s * self.multiplier**exponent, self.max_delay_s)
        if self.jitter:
            base *= 1 + (rng or random).uniform(-self.jitter, self.jitter)
        return min(base, self.max_delay_s)


@dataclass(frozen=True)
class RetryStep:
    """What to do after attempt number ``attempt`` failed.

    Attributes:
        retry: Try again after ``delay_s``.
        delay_s: Seconds to wait first (only meaningful when ``retry``).
        reason: What failed, for logs: ``"HTTP 503"`` or the transport error's class name. Never
            the exception's text, which could echo a request.
        transient: The failure was of a kind worth retrying (even if this step gives up).
        server_delay_s: The delay the server asked for, when it named one.
        too_long: Gave up because the server asked for more than ``max_delay_s``.
        max_delay_s: The policy's limit, for the message of a ``too_long`` step.
    """

    retry: bool
    delay_s: float = 0.0
    reason: str = ""
    transient: bool = False
    server_delay_s: float | None = None
    too_long: bool = False
    max_delay_s: float = 0.0


def failure_reason(exc: BaseException) -> str:
    """``"HTTP 503"`` for API errors, else the exception's class name."""
    status = error_status(exc)
    return f"HTTP {status}" if status is not None else type(exc).__name__


def retry_step(
    policy: RetryPolicy, exc: BaseException, attempt: int, rng: random.Random | None = None
) -> RetryStep:
    """Decide whether to retry after ``exc`` ended attempt number ``attempt`` (1-based).

    Args:
        policy: The retry policy.
        exc: What the attempt raised.
        attempt: How many attempts have been made, this one included.
        rng: Source of the backoff jitter.

    Returns:
        A :class:`RetryStep`: retry after a delay, or give up (with why).
    """
    reason = failure_reason(exc)
    if not is_transient(exc):
        return RetryStep(retry=False, reason=reason)
    asked = retry_delay_s(exc)
    if attempt >= policy.attempts:
        return RetryStep(retry=False, reason=reason, transient=True, server_delay_s=asked)
    if asked is not None and asked > policy.max_delay_s:
        # Waiting minutes inside one call would look like a hang; say what the server asked.
        return RetryStep(
            retry=False,
            reason=reason,
            transient=True,
            server_delay_s=asked,
            too_long=True,
            max_delay_s=policy.max_delay_s,
        )
    delay = asked if asked is not None and asked > 0 else policy.backoff(attempt - 1, rng)
    return RetryStep(retry=True, delay_s=delay, reason=reason, transient=True, server_delay_s=asked)
