"""CLI fixtures: the demo world on a FakeGeminiServer, reached through GEMINI_VISION_BASE_URL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.demo import DemoSamples, demo_server, write_samples

KEY = "fake-key"


class TTY(io.StringIO):
    """A stderr that claims to be a terminal, so progress bars are drawn."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> DemoSamples:
    return write_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def world() -> Iterator[FakeGeminiServer]:
    with demo_server(api_key=KEY) as server:
        yield server


@pytest.fixture
def server(
    world: FakeGeminiServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> FakeGeminiServer:
    world.clear_log()
    world.clear_files()  # the world is shared by the module's tests, which run in any order
    world.clear_faults()
    world.processing_polls = 0
    world.fail_processing = None
    monkeypatch.setenv("GOOGLE_API_KEY", KEY)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_VISION_BASE_URL", world.url)
    monkeypatch.setenv("GEMINI_VISION_CACHE_DIR", str(tmp_path / "cache"))
    return world
