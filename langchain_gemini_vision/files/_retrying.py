"""Retrying one File API call: a sync and an async loop around one decision.

Both loops ask :func:`retry_delay_or_raise` what to do after a failure (wait, or raise the typed
error), so they cannot drift apart; they differ only in how they sleep.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from langchain_gemini_vision._core.polling import error_status
from langchain_gemini_vision._core.retry import RetryPolicy, retry_step
from langchain_gemini_vision.files._errors import api_error

# The logger users know from the docs (``langchain_gemini_vision.files``), not this module's name.
logger = logging.getLogger("langchain_gemini_vision.files")

_T = TypeVar("_T")


def retrying(
    call: Callable[[int], _T],
    name: str,
    action: str,
    *,
    policy: RetryPolicy,
    rng: random.Random,
    sleep: Callable[[float], None],
) -> _T:
    """Run ``call(attempt)`` until it succeeds or :func:`retry_delay_or_raise` gives up."""
    attempt = 1
    while True:
        try:
            return call(attempt)
        except Exception as exc:
            delay = retry_delay_or_raise(policy, rng, exc, attempt, name, action)
        sleep(delay)
        attempt += 1


async def aretrying(
    call: Callable[[int], Awaitable[_T]],
    name: str,
    action: str,
    *,
    policy: RetryPolicy,
    rng: random.Random,
    asleep: Callable[[float], Awaitable[None]],
) -> _T:
    """Async twin of :func:`retrying` (waits with the async sleep; cancellable there)."""
    attempt = 1
    while True:
        try:
            return await call(attempt)
        except Exception as exc:
            delay = retry_delay_or_raise(policy, rng, exc, attempt, name, action)
        await asleep(delay)
        attempt += 1


def retry_delay_or_raise(
    policy: RetryPolicy,
    rng: random.Random,
    exc: Exception,
    attempt: int,
    name: str,
    action: str,
) -> float:
    """Seconds to wait before the next attempt, or raise what the caller should see.

    Errors that are neither API nor transport errors (ours, cancellation, bugs) pass through
    unchanged; API and transport errors are mapped by :func:`~._file_errors.api_error`.
    """
    step = retry_step(policy, exc, attempt, rng)
    if step.retry:
        # The reason is a status or a class name: never the error text, never the key.
        logger.info(
            "Retrying %s of %s in %.2f s after %s (attempt %d of %d failed)",
            action,
            name,
            step.delay_s,
            step.reason,
            attempt,
            policy.attempts,
        )
        return step.delay_s
    if error_status(exc) is None and not step.transient:
        raise exc
    raise api_error(exc, name, action, step=step, attempts=attempt) from exc
