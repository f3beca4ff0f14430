"""Fixtures of the File API tests: one emulator per module, a fake clock, a manager per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer


@dataclass
class FakeTime:
    """A monotonic clock that only moves when someone sleeps; records every sleep."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeGeminiServer]:
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture
def server(module_server: FakeGeminiServer) -> Iterator[FakeGeminiServer]:
    module_server.reset()
    saved = (
        module_server.processing_polls,
        module_server.processing_seconds,
        module_server.fail_processing,
        module_server.missing_file_status,
        module_server.video_duration_s,
        module_server.now,
    )
    yield module_server
    (
        module_server.processing_polls,
        module_server.processing_seconds,
        module_server.fail_processing,
        module_server.missing_file_status,
        module_server.video_duration_s,
        module_server.now,
    ) = saved


@pytest.fixture(scope="module")
def llm(module_server: FakeGeminiServer) -> ChatGoogleGenerativeAI:
    return module_server.llm(max_retries=1)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def manager(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, fake_time: FakeTime, cache_dir: Path
) -> GeminiFileManager:
    return GeminiFileManager(
        llm,
        cache_dir=cache_dir,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        asleep=fake_time.asleep,
    )


def upload_requests(server: FakeGeminiServer) -> int:
    """How many requests touched the upload endpoint."""
    return sum(1 for r in server.requests if "/upload/" in r.path)
