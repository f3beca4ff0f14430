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


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_many_calls_build_no_http_client_per_call(
    fake_server: FakeGeminiServer, tmp_path: Path, built: list[str], mode: str
) -> None:
    llm = fake_server.llm()
    paths = write_images(tmp_path, 12, width=40, height=30)
    built.clear()
    if mode == "sync":
        results = caption_images(paths, llm=llm, max_concurrency=4)
    else:
        results = asyncio.run(acaption_images(paths, llm=llm, max_concurrency=6))
    assert all(item.ok for item in results)
    # Sync calls use the model's client; async ones one pool per event loop, built by the
    # first call and used by all twelve.
    assert built == ([] if mode == "sync" else ["AsyncClient"])
