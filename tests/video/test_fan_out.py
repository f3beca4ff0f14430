"""The window runners: follow-ups are sent, concurrency stays bounded, the first error wins."""

from __future__ import annotations

import asyncio
import threading

import pytest

from langchain_gemini_vision._core.fan_out import afan_out, fan_out


class Tracker:
    """Counts calls in flight (thread-safe) and splits requests >= 10 into two follow-ups."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.received: list[int] = []

    def enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def receive(self, request: int, result: int) -> list[int]:
        assert result == request * 2
        self.received.append(request)
        return [request // 10, request // 10 + 100] if 10 <= request < 100 else []


def test_threads_run_follow_ups_with_at_most_max_concurrency_in_flight() -> None:
    tracker = Tracker()
    barrier = threading.Barrier(2, timeout=5)  # two calls must really overlap

    def call(request: int) -> int:
        tracker.enter()
        try:
            barrier.wait()
            return request * 2
        finally:
            tracker.leave()

    fan_out(call, [10, 20, 3, 4], tracker.receive, max_concurrency=2)
    assert sorted(tracker.received) == [1, 2, 3, 4, 10, 20, 101, 102]
    assert tracker.peak == 2


def test_threads_stop_at_the_first_error() -> None:
    received: list[int] = []

    def call(request: int) -> int:
        if request == 1:
            raise ValueError("boom")
        return request

    with pytest.raises(ValueError, match="boom"):
        fan_out(call, [1], lambda r, _: received.append(r) or [2], max_concurrency=1)
    assert received == []


async def test_tasks_run_follow_ups_with_at_most_max_concurrency_in_flight() -> None:
    tracker = Tracker()

    async def call(request: int) -> int:
        tracker.enter()
        try:
            await asyncio.sleep(0)  # yield, so other calls get the chance to start
            return request * 2
        finally:
            tracker.leave()

    await afan_out(call, [10, 20, 3, 4, 5], tracker.receive, max_concurrency=3)
    assert sorted(tracker.received) == [1, 2, 3, 4, 5, 10, 20, 101, 102]
    assert tracker.peak == 3


async def test_tasks_cancel_the_others_on_the_first_error() -> None:
    started: list[int] = []
    release = asyncio.Event()

    async def call(request: int) -> int:
        started.append(request)
        if request == 1:
            raise ValueError("boom")
        await release.wait()  # never set: only cancellation ends it
        return request

    with pytest.raises(ValueError, match="boom"):
        await afan_out(call, [2, 1], lambda r, _: [], max_concurrency=2)
    assert sorted(started) == [1, 2]
