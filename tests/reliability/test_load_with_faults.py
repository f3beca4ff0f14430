"""200 concurrent calls while 5% of requests fail: typed errors only, no lost result, no orphan.

Each call uploads a small image as a temporary File API file, captions it, and deletes it, so
a failure anywhere (upload, generation) must still leave the File API clean. Faults hit POST
requests (upload starts and chunks, generateContent) at random, seeded: 503, 429 and dropped
connections. Model calls and File API calls both retry once (``attempts=2``, LangChain's own
``max_retries=1``), so some calls fail twice in a row and must surface as typed errors.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from langchain_gemini_vision import (
    CaptionResult,
    ConnectionLostError,
    RateLimitError,
    RetryPolicy,
    ServiceUnavailableError,
    acaption_image,
    generation_retries,
)
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png
from tests.files.conftest import FakeTime

CALLS = 200
ONE_RETRY = RetryPolicy(attempts=2, first_delay_s=0.0, max_delay_s=1.0, jitter=0.0)
TRANSIENT = (ServiceUnavailableError, RateLimitError, ConnectionLostError)


async def test_200_concurrent_calls_with_5_percent_faults(tmp_path: Path) -> None:
    waits = FakeTime()
    with FakeGeminiServer() as server:
        server.add_rule(text="A small square.")
        # 5% of POSTs in all: 2.5% 503, 1.25% 429 (no delay), 1.25% dropped connections.
        forever = 10**9
        faults = [
            server.inject_fault(503, times=forever, method="POST", probability=0.025, seed=1),
            server.inject_fault(
                429, times=forever, method="POST", probability=0.0125, seed=2, retry_delay_s=0
            ),
            server.drop_connections(forever, method="POST", probability=0.0125, seed=3),
        ]
        llm = server.llm(max_retries=1)
        manager = GeminiFileManager(
            llm,
            cache_dir=tmp_path / "cache",
            reuse=False,
            retry_policy=ONE_RETRY,
            sleep=waits.sleep,
            asleep=waits.asleep,
        )

        async def one(i: int) -> CaptionResult:
            # Distinct images, so no two calls share (or reuse) an upload.
            image = make_png(8 + i % 50, 8 + i // 50)
            async with manager.atemporary(image) as file:
                return await acaption_image(file, llm=llm)

        with generation_retries(ONE_RETRY, sleep=waits.sleep, asleep=waits.asleep):
            outcomes = await asyncio.gather(*(one(i) for i in range(CALLS)), return_exceptions=True)

        results = [o for o in outcomes if isinstance(o, CaptionResult)]
        errors = [o for o in outcomes if not isinstance(o, CaptionResult)]
        untyped = [e for e in errors if not isinstance(e, TRANSIENT)]
        assert untyped == []  # only typed errors, and only the kinds injected
        assert len(results) + len(errors) == CALLS  # no lost result
        assert all(r.text == "A small square." for r in results)
        assert server.files == {}  # no orphaned upload
        posts = sum(1 for r in server.requests if r.method == "POST")
        injected = sum(f.used for f in faults)
        assert 0.02 * posts < injected < 0.08 * posts  # about 5% of the POSTs failed
        assert waits.sleeps  # and were retried
        assert len(results) > CALLS * 0.9
