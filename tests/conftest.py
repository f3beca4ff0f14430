"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langchain_gemini_vision.testing import FakeGeminiServer


@pytest.fixture
def fake_server() -> Iterator[FakeGeminiServer]:
    """A running FakeGeminiServer with default settings, stopped after the test."""
    with FakeGeminiServer() as server:
        yield server
