"""Pacing many-image runs: a LangChain rate limiter and a tokens-per-minute budget.

What is paced is measured where it happens: in the emulator's request log and in its handlers
(requests that arrived, requests in flight), never by how long a run took.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from langchain_core.rate_limiters import BaseRateLimiter, InMemoryRateLimiter

from langchain_gemini_vision import caption_images, detect_objects_many
from langchain_gemini_vision._core.pacing import TokenBudget
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.image.many import acaption_images
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest, Reply

from ._media import write_images

WAIT_S = 10.0  # how long a test waits for something that must happen (never the expected time)


class TicketLimiter(BaseRateLimiter):
    """Grants ``tickets`` acquisitions, then blocks until the test grants more."""

    def __init__(self, tickets: int) -> None:
        self._tickets = threading.Semaphore(tickets)
        self.granted = 0
        self._lock = threading.Lock()

    def grant(self, more: int) -> None:
        for _ in range(more):
            self._tickets.release()

    def acquire(self, *, blocking: bool = True) -> bool:
        if not self._tickets.acquire(blocking=blocking, timeout=WAIT_S if blocking else None):
            return False
        with self._lock:
            self.granted += 1
        return True

    async def aacquire(self, *, blocking: bool = True) -> bool:
        return await asyncio.to_thread(self.acquire, blocking=blocking)


def _wait_for(condition: object, what: str) -> None:
    done = threading.Event()
    for _ in range(int(WAIT_S / 0.01)):
        if callable(condition) and condition():
            return
        done.wait(0.01)
    pytest.fail(f"timed out waiting for {what}")


def test_the_rate_limiter_decides_how_many_requests_reach_the_server(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    paths = write_images(tmp_path, 6, width=40, height=30)
    limiter = TicketLimiter(2)
    outcome: list[object] = []
    worker = threading.Thread(
        target=lambda: outcome.extend(
            caption_images(paths, llm=fake_server.llm(), rate_limiter=limiter)
        )
    )
    worker.start()
    _wait_for(lambda: len(fake_server.generate_requests()) >= 2, "the first two requests")
    threading.Event().wait(0.3)  # room for a request the limiter should have held back
    assert len(fake_server.generate_requests()) == 2  # the other four wait for a ticket
    limiter.grant(4)
    worker.join(WAIT_S)
    assert len(fake_server.generate_requests()) == 6
    assert limiter.granted == 6
    assert len(outcome) == 6 and all(item.ok for item in outcome)  # type: ignore[attr-defined]


class InFlight:
    """An emulator handler that counts requests in flight and holds each until ``release``."""

    def __init__(self, hold_until: int, hold_s: float) -> None:
        self.peak = 0
        self._now = 0
        self._lock = threading.Lock()
        self._hold_until = hold_until
        self._hold_s = hold_s
        self._full = threading.Event()

    def __call__(self, req: GenerateRequest) -> Reply:
        with self._lock:
            self._now += 1
            self.peak = max(self.peak, self._now)
            if self._now >= self._hold_until:
                self._full.set()
        self._full.wait(self._hold_s)
        with self._lock:
            self._now -= 1
        return Reply(text="a small test image")


def test_with_a_rate_limiter_the_limiter_not_max_concurrency_sets_the_pace(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    paths = write_images(tmp_path, 8, width=40, height=30)
    counter = InFlight(hold_until=len(paths), hold_s=WAIT_S)  # 2 in flight never fill it
    fake_server.add_rule(handler=counter)
    fast = InMemoryRateLimiter(requests_per_second=1000, max_bucket_size=len(paths))
    results = caption_images(paths, llm=fake_server.llm(), max_concurrency=2, rate_limiter=fast)
    assert all(item.ok for item in results)
    assert counter.peak == len(paths)


def test_without_a_rate_limiter_max_concurrency_bounds_requests_in_flight(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    paths = write_images(tmp_path, 6, width=40, height=30)
    counter = InFlight(hold_until=len(paths), hold_s=0.05)  # held long enough to pile up
    fake_server.add_rule(handler=counter)
    results = asyncio.run(acaption_images(paths, llm=fake_server.llm(), max_concurrency=2))
    assert all(item.ok for item in results)
    assert counter.peak <= 2


def test_a_token_budget_sends_the_first_request_alone_then_reads_each_answers_usage(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    paths = write_images(tmp_path, 5, width=40, height=30)
    arrived_while_first_ran: list[int] = []
    first_running = threading.Event()
    lock = threading.Lock()
    order = 0

    def answer(req: GenerateRequest) -> Reply:
        nonlocal order
        with lock:
            order += 1
            mine = order
            if first_running.is_set():
                arrived_while_first_ran.append(mine)
        if mine == 1:
            first_running.set()
            threading.Event().wait(0.3)  # room for requests that should not have been sent
            first_running.clear()
        return Reply(text="[]", usage={"totalTokenCount": 1000})

    fake_server.add_rule(handler=answer)
    results = detect_objects_many(
        paths, "cat", llm=fake_server.llm(), max_concurrency=4, tokens_per_minute=1e9
    )
    assert all(item.ok for item in results)
    assert arrived_while_first_ran == []  # no size estimate yet: the first request went alone
    assert [item.result.usage.total_tokens for item in results if item.result is not None] == [
        1000
    ] * 5


def test_token_budget_reserves_the_mean_answer_and_waits_out_a_deficit() -> None:
    now = [0.0]
    budget = TokenBudget(600, clock=lambda: now[0])  # 10 tokens per second, 600 at most
    assert budget.reserve() == (0.0, 0.0)  # nothing known: the first request goes ...
    wait_s, _ = budget.reserve()
    assert wait_s > 0  # ... alone
    budget.settle(0.0, 400)
    assert budget.estimate() == 400
    assert budget.reserve() == (0.0, 400.0)  # 600 - 400 - 400 = -200: overdrawn now
    assert budget.reserve() == pytest.approx((20.0, 0.0))  # 200 tokens at 10/s
    now[0] = 20.0
    budget.settle(400.0, 100)  # the answer used less than reserved: the difference comes back
    assert budget.spent == 500
    assert budget.reserve() == (0.0, 250.0)  # the mean of 400 and 100
    budget.settle(250.0, None)  # a failed request costs nothing and teaches nothing
    assert budget.estimate() == 250
    now[0] = 10_000.0
    assert budget.reserve() == (0.0, 250.0)  # refilled, but never beyond one minute's worth


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"rate_limiter": 5}, "rate_limiter"),
        ({"rate_limiter": "2/s"}, "rate_limiter"),
        ({"tokens_per_minute": 0}, "tokens_per_minute"),
        ({"tokens_per_minute": -1.0}, "tokens_per_minute"),
        ({"tokens_per_minute": "lots"}, "tokens_per_minute"),
    ],
)
def test_pacing_options_are_checked_before_any_request(
    fake_server: FakeGeminiServer, tmp_path: Path, options: dict[str, object], named: str
) -> None:
    paths = write_images(tmp_path, 2)
    with pytest.raises(InvalidRequestError, match=named):
        caption_images(paths, llm=fake_server.llm(), **options)  # type: ignore[arg-type]
    assert fake_server.generate_requests() == []
