"""routed_media / arouted_media: what every capability uses to send big or remote media."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.errors import FileProcessingError, MediaAccessError
from langchain_gemini_vision.files._routing import arouted_media, routed_media
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._prepare import INLINE_LIMIT_BYTES, PreparedMedia, prepare_media
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png


def test_small_inline_media_passes_through_without_requests(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    prepared = prepare_media(make_png(10, 10))
    with routed_media(prepared, llm=manager.llm, manager=manager) as media:
        assert media is prepared
    assert server.requests == []


def test_big_video_path_is_uploaded_used_and_deleted(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    server.processing_polls = 2
    server.video_duration_s = 61.5
    path = tmp_path / "talk.mp4"
    path.write_bytes(make_mp4(61.5, size_bytes=INLINE_LIMIT_BYTES + 1))
    prepared = prepare_media(path)
    assert prepared.needs_upload and prepared.path is not None
    with routed_media(prepared, llm=manager.llm, manager=manager) as media:
        assert media.file_uri is not None and media.file_uri.startswith("https://")
        assert media.gemini_file is not None and media.gemini_file.state == "ACTIVE"
        assert media.gemini_file.video_duration_s == 61.5
        assert (media.kind, media.mime_type) == ("video", "video/mp4")
        block = media.to_block(video_metadata={"start_offset": "10s"})
        reply = manager.llm.invoke([HumanMessage(content=[block, "Describe."])])
        assert reply.content
        part = server.generate_requests()[-1].media[0]
        assert part.file_name == media.gemini_file.name
    assert server.files == {}


def test_file_api_name_is_resolved_and_filled_in(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    record = server.add_file(mime_type="video/mp4", data=b"v", video_duration_s=596)
    server.set_file_state(record.name, "PROCESSING", then="ACTIVE", polls=2)
    prepared = prepare_media(record.uri)
    assert prepared.kind == "" and prepared.mime_type == ""
    with routed_media(prepared, llm=manager.llm, manager=manager) as media:
        assert (media.kind, media.mime_type) == ("video", "video/mp4")
        assert media.gemini_file is not None and media.gemini_file.video_duration_s == 596.0
    assert record.name in server.files  # not ours: never deleted


def test_unknown_file_name_is_an_access_error(manager: GeminiFileManager) -> None:
    prepared = PreparedMedia("", "", "files/unknown", file_uri="files/unknown")
    with pytest.raises(MediaAccessError), routed_media(prepared, manager=manager):
        pass


def test_failed_upload_processing_leaves_no_orphan(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    server.fail_processing = "unreadable stream"
    path = tmp_path / "bad.mp4"
    path.write_bytes(make_mp4(3))
    prepared = PreparedMedia("video", "video/mp4", str(path), path=path, size_bytes=10)
    with (
        pytest.raises(FileProcessingError, match="unreadable stream"),
        routed_media(prepared, manager=manager),
    ):
        pass
    assert server.files == {}


def test_delete_after_false_keeps_the_upload(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    path = tmp_path / "keep.mp4"
    path.write_bytes(make_mp4(3))
    prepared = PreparedMedia("video", "video/mp4", str(path), path=path)
    with routed_media(prepared, manager=manager, delete_after=False) as media:
        assert media.gemini_file is not None
    assert list(server.files) == [media.gemini_file.name]


async def test_async_routing_uploads_and_cleans_up(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager
) -> None:
    server.processing_polls = 1
    big = make_mp4(5, size_bytes=INLINE_LIMIT_BYTES + 10)
    prepared = PreparedMedia("video", "video/mp4", "<bytes>", data=big, size_bytes=len(big))
    assert prepared.needs_upload
    async with arouted_media(prepared, llm=llm, manager=manager) as media:
        assert media.data is None and media.gemini_file is not None
        assert media.gemini_file.is_active
    assert server.files == {}
    inline = prepare_media(make_png(3, 3))
    async with arouted_media(inline, manager=manager, upload_inline=True) as media:
        assert media.file_uri is not None and media.kind == "image"
    assert server.files == {}
