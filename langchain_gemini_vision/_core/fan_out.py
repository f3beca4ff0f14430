"""Send a growing set of requests with bounded concurrency: threads (sync) or tasks (async).

Both runners take the same three things: ``call`` sends one request, ``receive`` handles its result
on the caller's thread (or task) and returns follow-up requests to send, and the first requests.
They differ only in how calls run, so transcription's sync and async paths share everything else.
On the first error nothing new is started, waiting calls are cancelled, and the error propagates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TypeVar

from langchain_core.runnables.config import ContextThreadPoolExecutor

__all__ = ["afan_out", "concurrency_for", "fan_out"]

Req = TypeVar("Req")
Res = TypeVar("Res")


def fan_out(
    call: Callable[[Req], Res],
    first: Sequence[Req],
    receive: Callable[[Req, Res], Iterable[Req]],
    max_concurrency: int,
    *,
    thread_name_prefix: str = "gemini-window",
) -> None:
    """Run ``call`` on ``first`` and every follow-up, at most ``max_concurrency`` at a time.

    LangChain's ``ContextThreadPoolExecutor`` runs each call in a copy of the caller's context, so
    callbacks, tracing (every window's model run stays a child of the caller's run) and
    ``generation_retries`` reach the worker threads.
    """
    with ContextThreadPoolExecutor(max_concurrency, thread_name_prefix=thread_name_prefix) as pool:
        pending: dict[Future[Res], Req] = {pool.submit(call, r): r for r in first}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for follow in receive(pending.pop(future), future.result()):
                        pending[pool.submit(call, follow)] = follow
        except BaseException:
            for future in pending:
                future.cancel()
            raise


async def afan_out(
    call: Callable[[Req], Awaitable[Res]],
    first: Sequence[Req],
    receive: Callable[[Req, Res], Iterable[Req]],
    max_concurrency: int,
) -> None:
    """Async twin of :func:`fan_out` (an ``asyncio.Semaphore`` bounds the calls in flight)."""
    gate = asyncio.Semaphore(max_concurrency)

    async def gated(request: Req) -> Res:
        async with gate:
            return await call(request)

    pending = {asyncio.ensure_future(gated(r)): r for r in first}
    try:
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                for follow in receive(pending.pop(task), task.result()):
                    pending[asyncio.ensure_future(gated(follow))] = follow
    except BaseException:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        raise


MAX_PACED_IN_FLIGHT = 32
"""Upper bound of requests in flight when a rate limiter paces them (threads are not free)."""


def concurrency_for(
    llm: object, requested: int, requests: int, rate_limiter: object | None = None
) -> int:
    """How many requests to keep in flight: the caller's bound, or the rate limiter's pace.

    A client-side rate limiter (LangChain's ``BaseRateLimiter``, e.g. ``InMemoryRateLimiter``),
    on the model or given for the run as ``rate_limiter``, makes every call wait for a token, so
    the limiter already decides how fast requests go out; a fixed bound on top of it would only
    add waiting. Then every request may be in flight (up to ``MAX_PACED_IN_FLIGHT``) and the
    limiter paces them.
    """
    if rate_limiter is None and getattr(llm, "rate_limiter", None) is None:
        return requested
    return max(requested, min(requests, MAX_PACED_IN_FLIGHT))
