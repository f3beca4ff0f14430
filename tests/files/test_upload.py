"""Uploads against the emulator: sources, sniffing, streaming, progress, limits before any byte."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableLambda

from langchain_gemini_vision.errors import (
    GeminiVisionError,
    MediaAccessError,
    MediaTooLargeError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg, make_mp4, make_png

from .conftest import upload_requests

CHUNK = 8 * 1024 * 1024


def test_upload_path_streams_in_chunks_and_reports_progress(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(make_mp4(12, size_bytes=CHUNK + 1000))
    progress: list[tuple[int, int]] = []
    f = manager.upload(path, on_progress=lambda sent, total: progress.append((sent, total)))
    assert f.mime_type == "video/mp4"  # sniffed from the bytes
    assert f.display_name == "lcgv-clip.mp4"
    assert f.size_bytes == CHUNK + 1000
    assert progress == [(CHUNK, CHUNK + 1000), (CHUNK + 1000, CHUNK + 1000)]
    chunk_sizes = [r.body_size for r in server.requests if "upload_id" in r.query]
    assert chunk_sizes == [CHUNK, 1000]
    assert server.files[f.name].sha256_hex == f.sha256_hex


def test_upload_bytes_and_file_objects(manager: GeminiFileManager) -> None:
    png = make_png(20, 10)
    f1 = manager.upload(png, display_name="tiny")
    assert (f1.mime_type, f1.display_name, f1.size_bytes) == ("image/png", "lcgv-tiny", len(png))
    # A file object is uploaded from its current position; size counts from there.
    jpeg = make_jpeg(8, 8)
    stream = io.BytesIO(b"JUNK" + jpeg)
    stream.seek(4)
    f2 = manager.upload(stream)
    assert (f2.mime_type, f2.size_bytes) == ("image/jpeg", len(jpeg))


def test_non_seekable_stream_is_spooled(manager: GeminiFileManager, tmp_path: Path) -> None:
    data = make_mp4(3)
    read_fd, write_fd = os.pipe()
    os.write(write_fd, data)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        f = manager.upload(pipe)
    assert (f.mime_type, f.size_bytes) == ("video/mp4", len(data))


def test_explicit_mime_type_allows_unsniffable_content(manager: GeminiFileManager) -> None:
    f = manager.upload(b"plain text notes", mime_type="text/plain")
    assert f.mime_type == "text/plain"


def _write(name: str, data: bytes) -> Any:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


def _big_sparse(tmp_path: Path) -> Path:
    path = tmp_path / "huge.mp4"
    with path.open("wb") as out:
        out.write(make_mp4(1))
        out.truncate(2 * 1024**3 + 1)  # sparse: nothing close to 2 GB is written
    return path


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda p: p / "nope.mp4", MediaAccessError, "No such file"),
        (lambda p: p, MediaAccessError, "is a folder"),
        (_write("e.mp4", b""), MediaAccessError, "empty"),
        (_big_sparse, MediaTooLargeError, "2 GB"),
        (_write("x.mp4", b"MZ\x90\x00 not media"), UnsupportedMediaError, "unrecognised"),
        (_write("a.gif", b"GIF89a" + b"\x00" * 20), UnsupportedMediaError, "Convert it to PNG"),
    ],
    ids=["missing", "directory", "empty", "over-2GB", "unsupported", "gif"],
)
def test_bad_input_fails_before_any_byte_is_sent(
    server: FakeGeminiServer,
    manager: GeminiFileManager,
    tmp_path: Path,
    make: Any,
    error: type[Exception],
    words: str,
) -> None:
    source = make(tmp_path)
    with pytest.raises(error, match=words):
        manager.upload(source)
    assert upload_requests(server) == 0
    assert server.files == {}


def test_folder_message_suggests_a_glob_of_that_folder(
    manager: GeminiFileManager, tmp_path: Path
) -> None:
    with pytest.raises(MediaAccessError) as info:
        manager.upload(tmp_path)
    assert f"'{tmp_path}/*.mp4'" in str(info.value)
    assert info.value.rule == "io"


def test_too_large_message_names_the_limit(manager: GeminiFileManager, tmp_path: Path) -> None:
    with pytest.raises(MediaTooLargeError) as info:
        manager.upload(_big_sparse(tmp_path))
    assert "2,147,483,648 bytes" in str(info.value)
    assert info.value.rule == "size"


def test_text_mode_stream_is_refused(server: FakeGeminiServer, manager: GeminiFileManager) -> None:
    with pytest.raises(MediaAccessError, match="text mode"):
        manager.upload(io.StringIO("hello"))  # type: ignore[arg-type]
    assert upload_requests(server) == 0


def test_upload_refused_by_the_server_is_typed_and_leaves_nothing(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    # More failures than the retry policy's attempts: the last one surfaces.
    server.inject_fault(503, times=4, path_contains="upload_id=")
    with pytest.raises(GeminiVisionError, match="HTTP 503"):
        manager.upload(make_mp4(2))
    assert server.files == {}


def test_progress_reaches_langchain_callbacks(manager: GeminiFileManager) -> None:
    events: list[tuple[str, Any]] = []

    class Recorder(BaseCallbackHandler):
        def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
            events.append((name, data))

    chain = RunnableLambda(lambda data: manager.upload(data).name)
    chain.invoke(make_png(4, 4), config={"callbacks": [Recorder()]})
    assert events and events[-1][0] == "gemini_file_upload"
    assert events[-1][1]["bytes_sent"] == events[-1][1]["total"] > 0


async def test_aupload_matches_upload(server: FakeGeminiServer, manager: GeminiFileManager) -> None:
    progress: list[tuple[int, int]] = []
    f = await manager.aupload(
        make_mp4(2, size_bytes=CHUNK + 10), on_progress=lambda s, t: progress.append((s, t))
    )
    assert f.name in server.files
    assert progress[-1] == (CHUNK + 10, CHUNK + 10)
    assert (await manager.aget(f.name)).sha256_hex == f.sha256_hex
