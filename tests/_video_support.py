"""Fixtures shared by the video and YouTube tests (imported by their conftest.py files).

One FakeGeminiServer per test module, reset between tests; a GeminiFileManager with fast polling
and no reuse, so upload counts are exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision._core.timestamps import parse_duration_string
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest
from langchain_gemini_vision.testing.samples import make_mp4

__all__ = [
    "big_video",
    "big_video_bytes",
    "deletes",
    "llm",
    "manager",
    "module_llm",
    "module_server",
    "offsets",
    "server",
    "upload_starts",
]

UPLOAD_SIZE = 21 * 1024 * 1024
"""Just over the 20 MB inline limit, so the video goes through the File API."""


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeGeminiServer]:
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture
def server(module_server: FakeGeminiServer) -> FakeGeminiServer:
    module_server.reset()
    module_server.video_duration_s = None
    module_server.fail_processing = None
    return module_server


@pytest.fixture(scope="module")
def module_llm(module_server: FakeGeminiServer) -> ChatGoogleGenerativeAI:
    return module_server.llm(max_retries=1)


@pytest.fixture
def llm(server: FakeGeminiServer, module_llm: ChatGoogleGenerativeAI) -> ChatGoogleGenerativeAI:
    return module_llm


@pytest.fixture
def manager(llm: ChatGoogleGenerativeAI, tmp_path: Path) -> GeminiFileManager:
    # No reuse across tests (upload counts must be exact) and fast polling (no real waiting).
    return GeminiFileManager(
        llm,
        cache_dir=tmp_path / "cache",
        reuse=False,
        poll_policy=PollPolicy(first_interval_s=0.01, max_interval_s=0.02, jitter=0.0),
    )


@pytest.fixture(scope="module")
def big_video_bytes() -> bytes:
    return make_mp4(65.0, size_bytes=UPLOAD_SIZE)


@pytest.fixture
def big_video(tmp_path: Path, big_video_bytes: bytes) -> Path:
    path = tmp_path / "lecture.mp4"
    path.write_bytes(big_video_bytes)
    return path


def upload_starts(server: FakeGeminiServer) -> int:
    """Uploads begun (the first POST of each resumable upload)."""
    return sum(
        1
        for r in server.requests
        if r.method == "POST" and r.path.startswith("/upload/") and "upload_id" not in r.query
    )


def deletes(server: FakeGeminiServer) -> list[str]:
    """Paths of the DELETE requests the server received."""
    return [r.path for r in server.requests if r.method == "DELETE"]


def offsets(req: GenerateRequest) -> tuple[float | None, float | None]:
    """``startOffset`` / ``endOffset`` of the request's first media part, in seconds."""
    meta = req.media[0].video_metadata or {}
    return (
        parse_duration_string(meta.get("startOffset")),
        parse_duration_string(meta.get("endOffset")),
    )
