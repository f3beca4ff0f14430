"""Reuse by content, the index across runs, list/delete/delete_owned, temporary uploads."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.errors import FileProcessingError, MediaAccessError
from langchain_gemini_vision.files._index import INDEX_FILE, FileIndex
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png

from .conftest import FakeTime, upload_requests


def test_second_upload_of_identical_content_sends_zero_bytes(
    server: FakeGeminiServer, manager: GeminiFileManager, tmp_path: Path
) -> None:
    path = tmp_path / "a.mp4"
    path.write_bytes(make_mp4(3, size_bytes=100_000))
    first = manager.upload(path)
    sent = server.upload_bytes_received
    assert sent == 100_000
    again = manager.upload(path.read_bytes())  # same bytes, different source form
    assert again.name == first.name
    assert server.upload_bytes_received == sent
    assert len(server.files) == 1


def test_reuse_across_runs_via_the_index(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, cache_dir: Path
) -> None:
    data = make_png(30, 30)
    first = GeminiFileManager(llm, cache_dir=cache_dir).upload(data)
    server.clear_log()
    second = GeminiFileManager(llm, cache_dir=cache_dir).upload(data)  # a new "run"
    assert second.name == first.name
    assert upload_requests(server) == 0
    index_bytes = (cache_dir / INDEX_FILE).read_bytes()
    assert list(FileIndex(cache_dir).entries().values()) == [first.name]
    assert server.api_key.encode() not in index_bytes


@pytest.mark.parametrize("how", ["deleted", "foreign", "expiring", "failed"])
def test_stale_index_entries_are_re_uploaded_transparently(
    server: FakeGeminiServer, manager: GeminiFileManager, cache_dir: Path, how: str
) -> None:
    data = make_png(12, 34)
    first = manager.upload(data)
    record = server.files[first.name]
    if how == "deleted":
        server.files.pop(first.name)
    elif how == "foreign":
        server.mark_foreign(first.name)
    elif how == "expiring":  # inside the 1 h safety margin
        record.expiration_time = server.now() + timedelta(minutes=30)
    else:
        server.set_file_state(first.name, "FAILED", error_message="broken")
    second = manager.upload(data)
    assert second.name != first.name
    assert second.name in server.files
    assert list(FileIndex(cache_dir).entries().values()) == [second.name]


def test_reuse_can_be_turned_off(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, cache_dir: Path
) -> None:
    manager = GeminiFileManager(llm, cache_dir=cache_dir, reuse=False)
    data = make_png(5, 5)
    assert manager.upload(data).name != manager.upload(data).name
    assert len(server.files) == 2
    assert not (cache_dir / INDEX_FILE).exists()


async def test_async_reuse(server: FakeGeminiServer, manager: GeminiFileManager) -> None:
    data = make_png(6, 7)
    first = await manager.aupload(data)
    sent = server.upload_bytes_received
    assert (await manager.aupload(data)).name == first.name
    assert server.upload_bytes_received == sent


def test_list_is_lazy_across_pages(server: FakeGeminiServer, manager: GeminiFileManager) -> None:
    for i in range(25):
        server.add_file(data=bytes([i]) * 3)
    server.clear_log()
    files = manager.list(page_size=10)
    first = next(files)
    assert first.name.startswith("files/")
    assert sum(1 for r in server.requests if r.method == "GET") == 1
    names = [first.name, *(f.name for f in files)]
    assert sorted(names) == sorted(server.files)
    assert sum(1 for r in server.requests if r.method == "GET") == 3


async def test_alist_and_adelete(server: FakeGeminiServer, manager: GeminiFileManager) -> None:
    for i in range(12):
        server.add_file(data=bytes([i]))
    names = [f.name async for f in manager.alist(page_size=5)]
    assert sorted(names) == sorted(server.files)
    assert await manager.adelete(names[0]) is True
    assert await manager.adelete(names[0]) is False  # already gone
    assert names[0] not in server.files


def test_delete_owned_spares_files_of_other_tools(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    theirs = server.add_file(data=b"user's", display_name="holiday.mp4")
    unnamed = server.add_file(data=b"no name")
    ours = [manager.upload(make_png(i + 1, 3)).name for i in range(3)]
    assert sorted(manager.delete_owned()) == sorted(ours)
    assert set(server.files) == {theirs.name, unnamed.name}


async def test_adelete_owned(server: FakeGeminiServer, manager: GeminiFileManager) -> None:
    theirs = server.add_file(data=b"user's", display_name="mine")
    ours = (await manager.aupload(make_png(2, 2))).name
    assert await manager.adelete_owned() == [ours]
    assert set(server.files) == {theirs.name}


def test_delete_missing_can_be_strict(manager: GeminiFileManager) -> None:
    with pytest.raises(MediaAccessError):
        manager.delete("files/nothinghere", missing_ok=False)


def test_temporary_deletes_on_exit_and_on_error(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    server.processing_polls = 2
    with manager.temporary(make_mp4(2)) as f:
        assert f.state == "ACTIVE" and f.name in server.files
    assert server.files == {}
    with pytest.raises(RuntimeError), manager.temporary(make_mp4(3)) as f:
        raise RuntimeError("user code failed")
    assert server.files == {}


def test_temporary_failed_processing_leaves_no_orphan(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    server.fail_processing = "corrupt"
    with pytest.raises(FileProcessingError, match="corrupt"), manager.temporary(make_mp4(2)):
        pass
    assert server.files == {}


def test_temporary_keeps_a_reused_file(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    data = make_png(9, 9)
    kept = manager.upload(data)
    with manager.temporary(data) as f:
        assert f.name == kept.name
    assert kept.name in server.files


async def test_atemporary_deletes_on_cancellation(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    entered = asyncio.Event()

    async def use() -> None:
        async with manager.atemporary(make_mp4(2)):
            entered.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(use())
    await asyncio.wait_for(entered.wait(), 5)
    assert len(server.files) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert server.files == {}


async def test_cancelled_aupload_leaves_no_orphan(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    server.latency_s = 0.05  # keep the transfer busy long enough to be cancelled mid-way
    try:
        task = asyncio.create_task(manager.aupload(make_mp4(2, size_bytes=3 * 8 * 1024 * 1024)))
        await asyncio.wait_for(_first_chunk_sent(server), 10)  # cancel mid-transfer, not by time
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        server.latency_s = 0.0
    assert upload_requests(server) >= 1  # it was cancelled mid-transfer, not before starting
    assert server.upload_bytes_received < 3 * 8 * 1024 * 1024
    assert server.files == {}


async def _first_chunk_sent(server: FakeGeminiServer) -> None:
    while not any("upload_id" in r.query for r in server.requests):
        await asyncio.sleep(0.001)
