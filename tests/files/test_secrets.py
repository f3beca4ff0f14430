"""The API key never shows: not in reprs, not in errors (DESIGN.md, trust boundary).

The emulator accepts only its own key, so a client built with another one gets the live API's
``400 API_KEY_INVALID`` on every call: the error must say what to fix without echoing the key.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import build_llm
from langchain_gemini_vision.document_loaders import GeminiFileLoader
from langchain_gemini_vision.errors import ConfigurationError
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg

# Shaped like a real key (so redaction is really tested) but built at run time, so no key-like
# literal sits in the repository for secret scanners to flag.
FAKE_KEY = "AIza" + "SyLEAK-CANARY-0123456789abcdefghij"


def everything_shown(exc: BaseException) -> str:
    """Every text a user could see from an error: the formatted traceback with its causes."""
    return "".join(traceback.format_exception(exc))


@pytest.fixture
def wrong_key_llm(server: FakeGeminiServer) -> Iterator[ChatGoogleGenerativeAI]:
    assert server.api_key != FAKE_KEY
    yield build_llm(model="gemini-2.5-flash", api_key=FAKE_KEY, base_url=server.url, max_retries=1)


def test_reprs_name_the_model_but_never_the_key(
    wrong_key_llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    manager = GeminiFileManager(wrong_key_llm, cache_dir=tmp_path)
    loader = GeminiFileLoader(["a.jpg", "b.pdf", "c.mp4", "d.mp3"], manager=manager)
    for obj in (manager, loader):
        for text in (repr(obj), str(obj)):
            assert FAKE_KEY not in text
            assert "gemini-2.5-flash" in text
    assert repr(manager).startswith("GeminiFileManager(model='gemini-2.5-flash', endpoint=")
    assert "sources=['a.jpg', 'b.pdf', 'c.mp4', '...']" in repr(loader)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, p: m.upload(p),
        lambda m, p: m.get("files/abc123"),
        lambda m, p: list(m.list()),
        lambda m, p: m.delete("files/abc123"),
        lambda m, p: m.wait_until_active("files/abc123"),
    ],
    ids=["upload", "get", "list", "delete", "wait"],
)
def test_a_rejected_key_is_a_configuration_error_without_the_key(
    server: FakeGeminiServer,
    wrong_key_llm: ChatGoogleGenerativeAI,
    tmp_path: Path,
    call: Callable[[GeminiFileManager, Path], Any],
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(make_jpeg(16, 16))
    manager = GeminiFileManager(wrong_key_llm, cache_dir=tmp_path)
    with pytest.raises(ConfigurationError) as info:
        call(manager, path)
    message = str(info.value)
    assert "rejected the API key" in message and "GOOGLE_API_KEY" in message  # the next step
    assert FAKE_KEY not in everything_shown(info.value)
    assert server.files == {}


async def test_async_twins_map_a_rejected_key_too(
    wrong_key_llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    manager = GeminiFileManager(wrong_key_llm, cache_dir=tmp_path)
    with pytest.raises(ConfigurationError) as info:
        await manager.aupload(make_jpeg(16, 16))
    assert FAKE_KEY not in everything_shown(info.value)
    with pytest.raises(ConfigurationError):
        await manager.aget("files/abc123")


def test_loader_with_a_rejected_key_fails_clearly_and_leaves_no_file(
    server: FakeGeminiServer, wrong_key_llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(make_jpeg(16, 16))
    loader = GeminiFileLoader([str(path)], llm=wrong_key_llm, cache_dir=tmp_path)
    with pytest.raises(ConfigurationError) as info:
        loader.load()
    assert FAKE_KEY not in everything_shown(info.value)
    assert FAKE_KEY not in repr(loader.failures)
    assert server.files == {}  # the refused upload created nothing to clean up
