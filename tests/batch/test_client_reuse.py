"""Many calls share the model's HTTP clients: no client (and no connection pool) per call.

google-genai keeps one async connection pool per client and event loop, and one sync client per
model; building a client costs an SSL context (~60 ms) and loses the warm connections. These
tests count HTTP client constructions while many calls run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from langchain_gemini_vision import caption_images
from langchain_gemini_vision.image.many import acaption_images
from langchain_gemini_vision.testing import FakeGeminiServer

from ._media import write_images


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    names: list[str] = []
    for cls in (httpx2.Client, httpx2.AsyncClient):
        original = cls.__init__

        def counting(self: object, *args: object, _o: object = original, **kwargs: object) -> None:
            names.append(type(self).__name__)
            _o(self, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(cls, "__init__", counting)
    yield names


def test_many_sync_calls_build_no_http_client(
    fake_server: FakeGeminiServer, tmp_path: Path, built: list[str]
) -> None:
    llm = fake_server.llm()
    paths = write_images(tmp_path, 12, width=40, height=30)
    built.clear()
    assert all(item.ok for item in caption_images(paths, llm=llm, max_concurrency=4))
    assert built == []


def test_many_async_calls_share_one_pool_per_event_loop(
    fake_server: FakeGeminiServer, tmp_path: Path, built: list[str]
) -> None:
    llm = fake_server.llm()
    paths = write_images(tmp_path, 12, width=40, height=30)
    built.clear()
    results = asyncio.run(acaption_images(paths, llm=llm, max_concurrency=6))
    assert all(item.ok for item in results)
    assert len(built) == 1  # the loop's pool, built by the first call, used by all twelve
