"""Issue 3's bad input, one row each: a specific typed error, a next step, and no orphaned upload.

Sources go through ``GeminiFileManager.temporary`` (upload, wait, delete), the path every
capability takes for big media; File API names go through ``routed_media``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from langchain_gemini_vision.errors import (
    FileProcessingError,
    FileProcessingTimeout,
    MediaAccessError,
    MediaTooLargeError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.files._routing import routed_media
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._prepare import PreparedMedia
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4

Setup = Callable[[FakeGeminiServer, Path], Any]


def _path(name: str, data: bytes) -> Setup:
    def make(server: FakeGeminiServer, tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


def _over_2gb(server: FakeGeminiServer, tmp_path: Path) -> Path:
    path = tmp_path / "huge.mp4"
    with path.open("wb") as out:
        out.write(make_mp4(1))
        out.truncate(2 * 1024**3 + 1)  # sparse: nothing close to 2 GB is written
    return path


def _failing(server: FakeGeminiServer, tmp_path: Path) -> bytes:
    server.processing_polls = 2
    server.fail_processing = "Unsupported codec (HEVC 12-bit)."
    return make_mp4(4)


def _never_active(server: FakeGeminiServer, tmp_path: Path) -> bytes:
    server.processing_polls = 10**6
    return make_mp4(4)


def _polls_refused(status: int) -> Setup:
    def make(server: FakeGeminiServer, tmp_path: Path) -> bytes:
        server.processing_polls = 10**6
        server.inject_fault(status, times=10**6, path_contains="files/", method="GET")
        return make_mp4(4)

    return make


SOURCES: list[tuple[str, Setup, type[Exception], str]] = [
    ("missing path", lambda s, p: p / "nope.mp4", MediaAccessError, "Check the path"),
    ("directory", lambda s, p: p, MediaAccessError, "GeminiFileLoader with a glob"),
    ("empty file", _path("e.mp4", b""), MediaAccessError, "written or downloaded completely"),
    ("unsupported type", _path("x.mp4", b"MZ\x90\x00 exe"), UnsupportedMediaError, "mime_type="),
    ("over 2 GB", _over_2gb, MediaTooLargeError, "Split it"),
    ("FAILED processing", _failing, FileProcessingError, "re-encode it"),
    ("past the deadline", _never_active, FileProcessingTimeout, "timeout="),
    ("429 on every poll", _polls_refused(429), FileProcessingTimeout, "HTTP 429"),
    ("503 on every poll", _polls_refused(503), FileProcessingTimeout, "HTTP 503"),
]


@pytest.mark.parametrize(
    ("name", "setup", "error", "next_step"), SOURCES, ids=[row[0] for row in SOURCES]
)
def test_bad_source_is_typed_has_a_next_step_and_leaves_no_upload(
    server: FakeGeminiServer,
    manager: GeminiFileManager,
    tmp_path: Path,
    name: str,
    setup: Setup,
    error: type[Exception],
    next_step: str,
) -> None:
    source = setup(server, tmp_path)
    with pytest.raises(error) as info, manager.temporary(source, timeout=30):
        pytest.fail("the block must not run for bad input")
    assert next_step in str(info.value)
    assert server.files == {}  # nothing uploaded, or the upload was deleted


async def test_async_twin_cleans_up_a_file_that_never_activates(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    data = _polls_refused(503)(server, tmp_path)
    with pytest.raises(FileProcessingTimeout, match="HTTP 503"):
        async with manager.atemporary(data, timeout=30):
            pytest.fail("the block must not run")
    assert server.files == {}


def _unknown(server: FakeGeminiServer) -> str:
    return "files/doesnotexist"


def _foreign(server: FakeGeminiServer) -> str:
    record = server.add_file(mime_type="video/mp4", data=b"v")
    server.mark_foreign(record.name)
    return record.name


def _expired(server: FakeGeminiServer) -> str:
    record = server.add_file(mime_type="video/mp4", data=b"v")
    record.expiration_time = server.now() - timedelta(minutes=1)
    return record.name


NAMES: list[tuple[str, Callable[[FakeGeminiServer], str], str, str]] = [
    ("unknown name", _unknown, "permission", "Upload the file again"),
    ("another project's file", _foreign, "permission", "key of the project that uploaded it"),
    ("expired file", _expired, "permission", "kept 48 h"),
]


@pytest.mark.parametrize(("name", "setup", "rule", "next_step"), NAMES, ids=[r[0] for r in NAMES])
def test_unusable_file_name_is_an_access_error_with_a_next_step(
    server: FakeGeminiServer,
    manager: GeminiFileManager,
    name: str,
    setup: Callable[[FakeGeminiServer], str],
    rule: str,
    next_step: str,
) -> None:
    file_name = setup(server)
    before = set(server.files)
    prepared = PreparedMedia("", "", file_name, file_uri=file_name)
    with pytest.raises(MediaAccessError) as info, routed_media(prepared, manager=manager):
        pytest.fail("the block must not run for an unusable file")
    assert info.value.rule == rule
    assert file_name in str(info.value) and next_step in str(info.value)
    assert set(server.files) == before  # a user's file is never deleted by a failed lookup
