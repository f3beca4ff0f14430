"""Calling the model: retried like File API calls, and failing only with typed errors.

Every capability sends its request through :func:`invoke_model` / :func:`ainvoke_model`. They
retry transient failures with the same :class:`~._retry.RetryPolicy` and the same decision
(:func:`~._retry.retry_step`: bounded, jittered, ``RetryInfo``-aware) as ``GeminiFileManager``,
and map what finally fails through :func:`~._error_mapping.map_error`.

LangChain's own retries are switched off for these calls (``max_retries=1`` per call): they run
inside the SDK (tenacity, up to 6 attempts by default), ignore the server's ``RetryInfo`` delay,
and would multiply with ours (6 x 4 = 24 requests for one persistent 503). The model's
``max_retries`` still applies to what the model does for an agent, which this package never sees.

The policy is set in one place, :func:`generation_retries` (a context variable, so it reaches
every call made inside the block, async tasks included; threads receive it from the caller,
which captures it with :func:`current_retries` before fanning out).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.error_mapping import CallContext, map_error, root_failure
from langchain_gemini_vision._core.retry import RetryPolicy, RetryStep, retry_step
from langchain_gemini_vision._core.tracing import RunnableConfig, without_run_id
from langchain_gemini_vision._core.validate import check_callable, check_instance

logger = logging.getLogger("langchain_gemini_vision")


@dataclass(frozen=True)
class GenerationRetries:
    """The retry policy of generation calls, and how they wait (injectable for tests)."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    asleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)


_CURRENT: contextvars.ContextVar[GenerationRetries | None] = contextvars.ContextVar(
    "langchain_gemini_vision_generation_retries", default=None
)
_DEFAULT = GenerationRetries()


def current_retries() -> GenerationRetries:
    """The settings in force here: the innermost :func:`generation_retries`, else the default."""
    return _CURRENT.get() or _DEFAULT


@contextlib.contextmanager
def generation_retries(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] | None = None,
    asleep: Callable[[float], Awaitable[None]] | None = None,
    rng: random.Random | None = None,
) -> Iterator[GenerationRetries]:
    """Retry the model calls made inside this block with ``policy``.

    Applies to captioning, detection, transcription, video questions and YouTube summaries,
    sync and async, and to the tools (which also take ``retry_policy=``). Without it, model
    calls use ``RetryPolicy()``: 4 attempts, 0.5 s doubling to at most 20 s, 10% jitter, and a
    429's ``RetryInfo`` delay honoured up to ``max_delay_s``.

    Args:
        policy: Attempts, backoff and the longest honoured server delay.
        sleep: How sync calls wait between attempts (default ``time.sleep``).
        asleep: How async calls wait (default ``asyncio.sleep``).
        rng: Source of the backoff jitter.

    Yields:
        The settings in force inside the block.

    Raises:
        InvalidRequestError: ``policy`` is not a ``RetryPolicy``, ``sleep``/``asleep`` not
            callables or ``rng`` not a ``random.Random`` (raised on entering the block).

    Example:
        >>> with generation_retries(RetryPolicy(attempts=2)):  # doctest: +SKIP
        ...     caption_image("photo.jpg")
    """
    check_instance(policy, "policy", RetryPolicy, "a RetryPolicy", optional=False)
    check_callable(sleep, "sleep")
    check_callable(asleep, "asleep")
    check_instance(rng, "rng", random.Random, "a random.Random")
    base = current_retries()
    settings = GenerationRetries(
        policy=policy,
        sleep=sleep or base.sleep,
        asleep=asleep or base.asleep,
        rng=rng or base.rng,
    )
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)


def inline_bytes(messages: Sequence[BaseMessage]) -> int:
    """Bytes of media sent inline in ``messages`` (raw bytes, or base64 counted as decoded)."""
    total = 0
    for message in messages:
        content: Any = message.content
        for block in content if isinstance(content, list) else []:
            for value in block.values() if isinstance(block, dict) else []:
                if isinstance(value, (bytes, bytearray)):
                    total += len(value)
                elif isinstance(value, str) and len(value) > 1024:
                    total += len(value) * 3 // 4
    return total


def invoke_model(
    model: ChatGoogleGenerativeAI,
    messages: Sequence[BaseMessage],
    call_kwargs: dict[str, Any] | None = None,
    *,
    doing: str,
    retries: GenerationRetries | None = None,
    config: RunnableConfig | None = None,
) -> BaseMessage:
    """``model.invoke`` retried under the current policy; failures raise typed errors.

    Args:
        model: The chat model.
        messages: The request.
        call_kwargs: Per-call options (JSON mode, schema...).
        doing: What the call does, for messages ("caption 2 images").
        retries: Settings captured by the caller (threads do not inherit the context).
        config: The caller's ``RunnableConfig`` (callbacks, tags, metadata) for the model run;
            every attempt is its own run, and a ``run_id`` names the first only.

    Raises:
        GeminiVisionError: A subclass per failure (``RateLimitError``,
            ``ServiceUnavailableError``, ``RequestTimeoutError``, ``ConnectionLostError``,
            ``AuthenticationError``, ``InvalidRequestError``), chained to the original.
    """
    settings, kwargs = _start(call_kwargs, retries)
    attempt = 1
    while True:
        try:
            return model.invoke(list(messages), config, **kwargs)
        except Exception as exc:
            delay = _delay_or_raise(settings, exc, attempt, doing, messages)
        config = without_run_id(config)
        settings.sleep(delay)
        attempt += 1


async def ainvoke_model(
    model: ChatGoogleGenerativeAI,
    messages: Sequence[BaseMessage],
    call_kwargs: dict[str, Any] | None = None,
    *,
    doing: str,
    retries: GenerationRetries | None = None,
    config: RunnableConfig | None = None,
) -> BaseMessage:
    """Async twin of :func:`invoke_model` (waits with the async sleep; cancellable there)."""
    settings, kwargs = _start(call_kwargs, retries)
    attempt = 1
    while True:
        try:
            return await model.ainvoke(list(messages), config, **kwargs)
        except Exception as exc:
            delay = _delay_or_raise(settings, exc, attempt, doing, messages)
        config = without_run_id(config)
        await settings.asleep(delay)
        attempt += 1


def _start(
    call_kwargs: dict[str, Any] | None, retries: GenerationRetries | None
) -> tuple[GenerationRetries, dict[str, Any]]:
    """The settings in force, and the call options with LangChain's own retries off."""
    return retries or current_retries(), {**(call_kwargs or {}), "max_retries": 1}


def _delay_or_raise(
    settings: GenerationRetries,
    exc: Exception,
    attempt: int,
    doing: str,
    messages: Sequence[BaseMessage],
) -> float:
    """Seconds to wait before the next attempt, or raise the typed error (or ``exc`` itself)."""
    step: RetryStep = retry_step(settings.policy, root_failure(exc), attempt, settings.rng)
    if step.retry:
        # The reason is a status or a class name: never the error text, never the key.
        logger.info(
            "Retrying the model call to %s in %.2f s after %s (attempt %d of %d failed)",
            doing,
            step.delay_s,
            step.reason,
            attempt,
            settings.policy.attempts,
        )
        return step.delay_s
    context = CallContext(doing=doing, payload_bytes=inline_bytes(messages))
    mapped = map_error(exc, context, step=step, attempts=attempt)
    if mapped is None or mapped is exc:
        raise exc
    raise mapped from exc
