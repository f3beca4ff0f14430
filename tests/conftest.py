"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langchain_gemini_vision._poll_schedule import OBSERVED_RATES
from langchain_gemini_vision.testing import FakeGeminiServer


@pytest.fixture
def fake_server() -> Iterator[FakeGeminiServer]:
    """A running FakeGeminiServer with default settings, stopped after the test."""
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_processing_observations() -> Iterator[None]:
    """Each test starts with no learned processing speed (it changes the polling schedule)."""
    OBSERVED_RATES.clear()
    yield
    OBSERVED_RATES.clear()


@pytest.fixture(autouse=True)
def _isolated_upload_index(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test's File API reuse index out of the user's cache and out of other tests."""
    monkeypatch.setenv("GEMINI_VISION_CACHE_DIR", str(tmp_path_factory.mktemp("upload-index")))
