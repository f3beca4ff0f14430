"""Client-side pacing of many calls: a request rate limiter and a tokens-per-minute budget.

The many-media calls take ``rate_limiter=`` (any LangChain ``BaseRateLimiter``, for example
``InMemoryRateLimiter(requests_per_second=2)``) and ``tokens_per_minute=``. Before each request a
:class:`Pacer` takes a token from the limiter, then a reservation from the budget; after the answer
it settles the reservation with the tokens the answer reports (``usage.total_tokens``).

Why settle afterwards: Gemini counts tokens on the server, so the size of a request is known only
from its answer. The reservation is the running mean of the answers so far, which keeps requests
in flight from overdrawing the budget together; until the first answer there is nothing to go by,
so the first request goes alone. The budget refills continuously (one minute's worth at most), as
the service's per-minute quota does.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from langchain_core.rate_limiters import BaseRateLimiter

from langchain_gemini_vision._core.validate import check_instance, check_number

_FIRST_ANSWER_POLL_S = 0.05
"""How often a request waiting for the first answer (the first size estimate) looks again."""


class TokenBudget:
    """Tokens per minute as a continuously refilled bucket (thread-safe, clock injectable).

    Args:
        tokens_per_minute: The budget; also the most that can be spent in one burst.
        clock: Monotonic seconds.
    """

    def __init__(
        self, tokens_per_minute: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.tokens_per_minute = float(tokens_per_minute)
        self._clock = clock
        self._level = self.tokens_per_minute
        self._at = clock()
        self._answers = 0
        self._answered_tokens = 0
        self._pending = 0
        self._lock = threading.Lock()
        self.spent = 0
        """Tokens the settled answers reported, in total."""

    def _refill(self) -> None:
        now = self._clock()
        per_s = self.tokens_per_minute / 60.0
        self._level = min(self.tokens_per_minute, self._level + (now - self._at) * per_s)
        self._at = now

    def estimate(self) -> float:
        """Tokens reserved for the next request: the mean of the answers so far (0 before)."""
        with self._lock:
            return self._answered_tokens / self._answers if self._answers else 0.0

    def reserve(self) -> tuple[float, float]:
        """Try to reserve one request's tokens.

        Returns:
            ``(0, reserved)`` when the request may go, else ``(seconds to wait, 0)``.
        """
        with self._lock:
            self._refill()
            if not self._answers and self._pending:
                return _FIRST_ANSWER_POLL_S, 0.0  # no size estimate yet: one at a time
            if self._level < 0:
                return -self._level / (self.tokens_per_minute / 60.0), 0.0
            reserved = self._answered_tokens / self._answers if self._answers else 0.0
            self._level -= reserved
            self._pending += 1
            return 0.0, reserved

    def settle(self, reserved: float, tokens: int | None) -> None:
        """Replace a reservation with what the answer used (None: the request failed)."""
        with self._lock:
            self._refill()
            self._pending -= 1
            self._level += reserved
            if tokens is not None:
                self._level -= tokens
                self.spent += tokens
                self._answers += 1
                self._answered_tokens += tokens


class Pacer:
    """The rate limiter and token budget one many-media call goes through (both optional)."""

    def __init__(
        self, rate_limiter: BaseRateLimiter | None, tokens_per_minute: float | None
    ) -> None:
        self.rate_limiter = rate_limiter
        self.budget = TokenBudget(tokens_per_minute) if tokens_per_minute is not None else None

    def run(self, call: Callable[[], Any]) -> Any:
        """Wait for a request token and budget, make the call, then settle its tokens."""
        # The limiter first: nothing may come between a reservation and its settling.
        if self.rate_limiter is not None:
            self.rate_limiter.acquire(blocking=True)
        wait_s, reserved = self._reservation()
        while wait_s:
            time.sleep(wait_s)
            wait_s, reserved = self._reservation()
        with _Charge(self.budget, reserved) as charge:
            return charge.settled(call())

    async def arun(self, call: Callable[[], Any]) -> Any:
        """Async twin of :meth:`run` (``call`` returns an awaitable)."""
        if self.rate_limiter is not None:
            await self.rate_limiter.aacquire(blocking=True)
        wait_s, reserved = self._reservation()
        while wait_s:
            await asyncio.sleep(wait_s)
            wait_s, reserved = self._reservation()
        with _Charge(self.budget, reserved) as charge:
            return charge.settled(await call())

    def _reservation(self) -> tuple[float, float]:
        return self.budget.reserve() if self.budget is not None else (0.0, 0.0)


class _Charge:
    """Settles one reservation on the way out: with the answer's tokens, or as failed."""

    def __init__(self, budget: TokenBudget | None, reserved: float) -> None:
        self._budget = budget
        self._reserved = reserved
        self._tokens: int | None = None

    def __enter__(self) -> _Charge:
        return self

    def settled(self, result: Any) -> Any:
        self._tokens = _tokens_of(result)
        return result

    def __exit__(self, *exc: object) -> None:
        if self._budget is not None:
            self._budget.settle(self._reserved, self._tokens)


def _tokens_of(result: object) -> int:
    usage = getattr(result, "usage", None)
    return int(getattr(usage, "total_tokens", 0) or 0)


def check_pacing(rate_limiter: object, tokens_per_minute: object) -> None:
    """Refuse a ``rate_limiter`` that is not a LangChain one, or a non-positive budget."""
    check_instance(rate_limiter, "rate_limiter", BaseRateLimiter, "a LangChain BaseRateLimiter")
    check_number(
        tokens_per_minute, "tokens_per_minute", low=0, low_open=True, optional=True, unit="tokens"
    )
