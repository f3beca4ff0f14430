"""With a client-side rate limiter on the model, the limiter (not a constant) sets concurrency."""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.rate_limiters import InMemoryRateLimiter

from langchain_gemini_vision import transcribe_video
from langchain_gemini_vision._core.fan_out import MAX_PACED_IN_FLIGHT, concurrency_for
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest

WINDOWS = 6


class InFlight:
    """Answers every window once all ``expected`` windows are in flight at the same time."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.all_in = threading.Event()

    def __call__(self, req: GenerateRequest) -> Any:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            if self.now >= self.expected:
                self.all_in.set()
        # A guard against a hang, not a timing assertion: with fewer in flight the test fails
        # on the peak below after this wait.
        self.all_in.wait(timeout=10)
        with self.lock:
            self.now -= 1
        return {"segments": [{"start": "0:10", "end": "0:20", "text": "hi"}]}


def test_a_rate_limited_model_keeps_every_window_in_flight(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    record = server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=5800)
    tracker = InFlight(WINDOWS)
    server.add_rule(handler=tracker)
    limiter = InMemoryRateLimiter(requests_per_second=1000, check_every_n_seconds=0.001)
    llm = server.llm(max_retries=1, rate_limiter=limiter)
    transcript = transcribe_video(
        record.name, llm=llm, manager=manager, window_s=1000, overlap_s=20
    )  # default max_concurrency=4 would cap the peak at 4
    assert len(server.generate_requests()) == WINDOWS
    assert tracker.peak == WINDOWS
    assert len(transcript.segments) == WINDOWS


def test_without_a_rate_limiter_the_callers_bound_holds(server: FakeGeminiServer) -> None:
    llm = server.llm()
    assert concurrency_for(llm, 4, 100) == 4
    paced = server.llm(rate_limiter=InMemoryRateLimiter(requests_per_second=5))
    assert concurrency_for(paced, 4, 100) == MAX_PACED_IN_FLIGHT
    assert concurrency_for(paced, 4, 6) == 6
    assert concurrency_for(paced, 8, 2) == 8  # never below what the caller allowed
