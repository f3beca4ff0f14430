"""Fixtures: the demo world (sample media + scripted FakeGeminiServer), one per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.demo import (
    DemoSamples,
    demo_server,
    install_agent_script,
    write_samples,
)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> DemoSamples:
    return write_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def world(samples: DemoSamples) -> Iterator[FakeGeminiServer]:
    with demo_server() as server:
        install_agent_script(server, samples)
        yield server


@pytest.fixture
def server(world: FakeGeminiServer) -> FakeGeminiServer:
    world.clear_log()
    world.clear_files()  # the world is shared by the module's tests, which run in any order
    return world


@pytest.fixture(scope="module")
def llm(world: FakeGeminiServer) -> ChatGoogleGenerativeAI:
    return world.llm(max_retries=1)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "annotated"
