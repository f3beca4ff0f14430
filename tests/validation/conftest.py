"""One emulator for the validation tests, and a guard that keeps every request on this machine."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png

from .surface import World

_LOCAL = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="module")
def emulator() -> Iterator[FakeGeminiServer]:
    with FakeGeminiServer() as server:
        yield server


@pytest.fixture(scope="module", autouse=True)
def _no_network() -> Iterator[None]:
    """Random strings can look like URLs: resolving any host but this machine fails at once."""
    real = socket.getaddrinfo

    def local_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in _LOCAL:
            raise socket.gaierror(socket.EAI_NONAME, f"{name}: no network in these tests")
        return real(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", local_only)
        yield


@pytest.fixture(scope="module", autouse=True)
def _in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Random strings are relative paths (cache folders, outputs): keep them out of the repo."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(scope="module")
def world(emulator: FakeGeminiServer, tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(
        llm=emulator.llm(max_retries=1),
        tmp=tmp_path_factory.mktemp("validation"),
        png=make_png(40, 30),
        mp4=make_mp4(12.0),
    )
