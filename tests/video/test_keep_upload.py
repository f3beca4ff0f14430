"""gemini_file_uri is reported only when the file outlives the call (keep_upload / delete_after)."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import (
    InvalidRequestError,
    analyze_video,
    atranscribe_video,
    transcribe_video,
)
from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision.document_loaders import GeminiVideoTranscriptLoader
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4
from tests._video_support import deletes, upload_starts

ANSWER = {"segments": [{"start": "0:01", "end": "0:04", "text": "Hello."}]}


@pytest.fixture
def reusing_manager(llm: ChatGoogleGenerativeAI, tmp_path: Path) -> GeminiFileManager:
    """A manager whose reuse index (in tmp_path) finds a kept upload again."""
    return GeminiFileManager(
        llm,
        cache_dir=tmp_path / "index",
        poll_policy=PollPolicy(first_interval_s=0.01, max_interval_s=0.02, jitter=0.0),
    )


def test_temporary_upload_is_deleted_and_not_reported(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    big_video: Path,
) -> None:  # fmt: skip
    server.add_rule(json=ANSWER)
    transcript = transcribe_video(big_video, llm=llm, manager=manager)
    assert upload_starts(server) == 1
    assert len(deletes(server)) == 1
    assert server.files == {}  # gone: a URI for it would point at nothing
    assert transcript.gemini_file_uri is None


def test_kept_upload_is_reported_and_reused_by_content_on_the_next_run(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI,
    reusing_manager: GeminiFileManager, big_video: Path,
) -> None:  # fmt: skip
    server.add_rule(json=ANSWER)
    first = transcribe_video(big_video, llm=llm, manager=reusing_manager, keep_upload=True)
    (record,) = server.files.values()
    assert first.gemini_file_uri == record.uri
    (req,) = server.generate_requests()
    assert req.media[0].file_uri == first.gemini_file_uri  # the URI that was sent
    assert deletes(server) == []

    # Same content again: found through the reuse index, not uploaded a second time.
    second = transcribe_video(big_video, llm=llm, manager=reusing_manager, keep_upload=True)
    assert upload_starts(server) == 1
    assert second.gemini_file_uri == first.gemini_file_uri
    assert deletes(server) == []
    # The file really is still there and usable.
    assert reusing_manager.get(record.name).state == "ACTIVE"


async def test_async_kept_upload_is_reported(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    big_video: Path,
) -> None:  # fmt: skip
    server.add_rule(json=ANSWER)
    transcript = await atranscribe_video(big_video, llm=llm, manager=manager, keep_upload=True)
    (req,) = server.generate_requests()
    assert transcript.gemini_file_uri == req.media[0].file_uri
    assert deletes(server) == []


@pytest.mark.parametrize("keep_upload", [False, True])
def test_a_file_api_name_is_never_deleted_and_always_reported(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    keep_upload: bool,
) -> None:  # fmt: skip
    record = server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=30)
    server.add_rule(json=ANSWER)
    transcript = transcribe_video(record.name, llm=llm, manager=manager, keep_upload=keep_upload)
    assert transcript.gemini_file_uri == record.uri
    assert deletes(server) == []
    assert upload_starts(server) == 0


def test_inline_video_has_no_file_uri_even_when_kept(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(json=ANSWER)
    transcript = transcribe_video(make_mp4(20.0), llm=llm, keep_upload=True)
    assert transcript.gemini_file_uri is None
    assert upload_starts(server) == 0


def test_analyze_video_keep_upload_lets_a_second_question_reuse_the_file(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI,
    reusing_manager: GeminiFileManager, big_video: Path,
) -> None:  # fmt: skip
    server.add_rule(has_schema=False, text="A lecture.")
    for question in ("What is this?", "Who speaks?"):
        analyze_video(big_video, question, llm=llm, manager=reusing_manager, keep_upload=True)
    assert upload_starts(server) == 1
    assert deletes(server) == []
    uris = {r.media[0].file_uri for r in server.generate_requests()}
    assert len(uris) == 1


# --- loader -----------------------------------------------------------------------------------


def test_loader_deletes_by_default_and_leaves_the_uri_out(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    big_video: Path,
) -> None:  # fmt: skip
    server.add_rule(json=ANSWER)
    docs = GeminiVideoTranscriptLoader(big_video, llm=llm, manager=manager).load()
    assert docs and all("gemini_file_uri" not in d.metadata for d in docs)
    assert len(deletes(server)) == 1


async def test_loader_delete_after_false_keeps_the_file_and_reports_it(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    big_video: Path,
) -> None:  # fmt: skip
    server.add_rule(json=ANSWER)
    loader = GeminiVideoTranscriptLoader(big_video, llm=llm, manager=manager, delete_after=False)
    docs = [d async for d in loader.alazy_load()]
    (req,) = server.generate_requests()
    assert docs and {d.metadata["gemini_file_uri"] for d in docs} == {req.media[0].file_uri}
    assert deletes(server) == []


def test_loader_refuses_keep_upload_in_favour_of_delete_after(llm: ChatGoogleGenerativeAI) -> None:
    with pytest.raises(InvalidRequestError, match="delete_after"):
        GeminiVideoTranscriptLoader("talk.mp4", llm=llm, keep_upload=True)
