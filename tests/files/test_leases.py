"""Leases on shared temporary uploads, and recorded deletions that ``prune_orphans`` finishes.

Two calls share one upload through the reuse index: the first uploads it, the second reuses it
while the first is still using it. Which call is where is controlled by the emulator answering
generateContent only when the test says so (events, no sleeps).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import GeminiFileManager, RetryPolicy
from langchain_gemini_vision.cli._main import main
from langchain_gemini_vision.document_loaders import GeminiFileLoader
from langchain_gemini_vision.files._cleanup import pending
from langchain_gemini_vision.files._leases import LeaseTable
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_png
from langchain_gemini_vision.types import GeminiFile

from .conftest import FakeTime

WAIT_S = 30  # a bound on event waits, so a broken test fails instead of hanging


class Choreography:
    """A generateContent handler: the first call waits for the second, which waits for a go."""

    def __init__(self) -> None:
        self.first_in = threading.Event()
        self.second_in = threading.Event()
        self.go_second = threading.Event()
        self._calls = 0
        self._lock = threading.Lock()

    def __call__(self, _request: Any) -> str:
        with self._lock:
            self._calls += 1
            first = self._calls == 1
        if first:
            self.first_in.set()
            assert self.second_in.wait(WAIT_S)
            return "first answer"
        self.second_in.set()
        assert self.go_second.wait(WAIT_S)
        return "second answer"


def _deletes(server: FakeGeminiServer, name: str) -> int:
    return sum(1 for r in server.requests if r.method == "DELETE" and r.path.endswith(name))


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "shared.png"
    path.write_bytes(make_png(40, 30))
    return path


@pytest.fixture
def new_loader(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    cache_dir: Path,
    fake_time: FakeTime,
    image: Path,
) -> Callable[[], GeminiFileLoader]:
    """A new loader of ``image`` per call, each with a manager of its own."""

    def build() -> GeminiFileLoader:
        # A manager of its own per call: leases must hold across managers of one process.
        manager = GeminiFileManager(
            llm, cache_dir=cache_dir, sleep=fake_time.sleep, clock=fake_time.clock
        )
        return GeminiFileLoader(str(image), manager=manager, delete_after=True)

    return build


def test_threads_sharing_a_reused_upload_delete_it_once_after_the_last(
    server: FakeGeminiServer, new_loader: Callable[[], GeminiFileLoader], image: Path
) -> None:
    dance = Choreography()
    server.add_rule(handler=dance)
    results: dict[str, Any] = {}

    def run(label: str) -> None:
        try:
            results[label] = new_loader().load()
        except Exception as exc:  # reported by the asserts below
            results[label] = exc

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert dance.first_in.wait(WAIT_S)
    (name,) = server.files  # uploaded by the first call, now in use
    second = threading.Thread(target=run, args=("second",))
    second.start()
    first.join(WAIT_S)
    assert not first.is_alive()
    # The first call (which created the upload) is done, but the second still uses the file.
    assert name in server.files
    assert _deletes(server, name) == 0
    dance.go_second.set()
    second.join(WAIT_S)
    assert [d.page_content for d in results["first"]] == ["first answer"]
    assert [d.page_content for d in results["second"]] == ["second answer"]
    assert server.upload_bytes_received == image.stat().st_size  # sent once, then reused
    assert name not in server.files
    assert _deletes(server, name) == 1


async def test_async_tasks_sharing_a_reused_upload_delete_it_once_after_the_last(
    server: FakeGeminiServer, new_loader: Callable[[], GeminiFileLoader]
) -> None:
    dance = Choreography()
    server.add_rule(handler=dance)
    first = asyncio.ensure_future(new_loader().aload())
    assert await asyncio.to_thread(dance.first_in.wait, WAIT_S)
    (name,) = server.files
    second = asyncio.ensure_future(new_loader().aload())
    first_docs = await first
    assert name in server.files
    assert _deletes(server, name) == 0
    dance.go_second.set()
    second_docs = await second
    assert [d.page_content for d in first_docs + second_docs] == ["first answer", "second answer"]
    assert name not in server.files
    assert _deletes(server, name) == 1


def test_a_call_keeping_a_shared_upload_keeps_it_whoever_created_it(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    cache_dir: Path,
    fake_time: FakeTime,
    new_loader: Callable[[], GeminiFileLoader],
    image: Path,
) -> None:
    dance = Choreography()
    server.add_rule(handler=dance)
    results: dict[str, Any] = {}
    manager = GeminiFileManager(llm, cache_dir=cache_dir, sleep=fake_time.sleep)
    keeper = GeminiFileLoader(str(image), manager=manager, delete_after=False)
    first = threading.Thread(target=lambda: results.update(first=new_loader().load()))
    first.start()
    assert dance.first_in.wait(WAIT_S)
    second = threading.Thread(target=lambda: results.update(second=keeper.load()))
    second.start()
    first.join(WAIT_S)
    dance.go_second.set()
    second.join(WAIT_S)
    (doc,) = results["second"]
    assert doc.metadata["gemini_file_name"] in server.files  # the keeper's file is still there
    assert server.upload_bytes_received == image.stat().st_size


def _failing_deletes_manager(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, cache_dir: Path, fake_time: FakeTime
) -> GeminiFileManager:
    server.inject_fault(500, method="DELETE", times=2)
    return GeminiFileManager(
        llm,
        cache_dir=cache_dir,
        retry_policy=RetryPolicy(attempts=2),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        asleep=fake_time.asleep,
    )


def test_a_delete_failing_after_retries_is_recorded_then_pruned(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    cache_dir: Path,
    fake_time: FakeTime,
    image: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    manager = _failing_deletes_manager(server, llm, cache_dir, fake_time)
    with caplog.at_level(logging.WARNING, logger="langchain_gemini_vision.files"):
        docs = GeminiFileLoader(str(image), manager=manager).load()
    name = docs[0].metadata["gemini_file_name"]
    assert _deletes(server, name) == 2  # retried per the policy, both refused
    assert name in server.files
    assert manager.pending_deletions() == [name]
    assert any("prune_orphans" in r.getMessage() and name in r.getMessage() for r in caplog.records)
    # A new manager (a later run) on the same cache folder finds and removes it.
    later = GeminiFileManager(llm, cache_dir=cache_dir)
    assert later.prune_orphans() == [name]
    assert name not in server.files
    assert later.pending_deletions() == []
    assert later.prune_orphans() == []


@pytest.fixture
def orphan(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    cache_dir: Path,
    fake_time: FakeTime,
    image: Path,
) -> tuple[GeminiFileManager, GeminiFile]:
    """A temporary upload whose DELETE failed through every retry (so it is recorded)."""
    manager = _failing_deletes_manager(server, llm, cache_dir, fake_time)
    with manager.temporary(image) as file:
        assert file.name in server.files
    assert file.name in server.files
    assert manager.pending_deletions() == [file.name]
    return manager, file


async def test_async_prune_removes_the_recorded_upload(
    server: FakeGeminiServer, orphan: tuple[GeminiFileManager, GeminiFile]
) -> None:
    manager, file = orphan
    assert await manager.aprune_orphans() == [file.name]
    assert file.name not in server.files
    assert manager.pending_deletions() == []


async def test_async_failed_delete_is_recorded(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    cache_dir: Path,
    fake_time: FakeTime,
    image: Path,
) -> None:
    manager = _failing_deletes_manager(server, llm, cache_dir, fake_time)
    async with manager.atemporary(image) as file:
        assert file.name in server.files
    assert file.name in server.files
    assert manager.pending_deletions() == [file.name]


def test_prune_keeps_the_record_while_the_delete_still_fails(
    server: FakeGeminiServer, orphan: tuple[GeminiFileManager, GeminiFile]
) -> None:
    manager, file = orphan
    server.inject_fault(500, method="DELETE", times=2)
    assert manager.prune_orphans() == []
    assert manager.pending_deletions() == [file.name]
    assert manager.prune_orphans() == [file.name]
    assert file.name not in server.files


def test_prune_skips_a_recorded_file_a_live_call_holds(
    server: FakeGeminiServer, manager: GeminiFileManager, image: Path
) -> None:
    with manager.temporary(image) as file:
        # Recorded while in use (e.g. by another run whose DELETE failed): not pruned under us.
        pending(manager).record(manager._endpoint, file.name, "test", manager.now())
        assert manager.prune_orphans() == []
        assert file.name in server.files
    assert file.name not in server.files  # deleted normally when the block ended
    assert manager.prune_orphans() == [file.name]  # already gone counts: the record goes
    assert manager.pending_deletions() == []


def test_cli_files_prune(
    server: FakeGeminiServer,
    orphan: tuple[GeminiFileManager, GeminiFile],
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, file = orphan
    monkeypatch.setenv("GEMINI_VISION_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("GOOGLE_API_KEY", server.api_key)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_VISION_BASE_URL", server.url)
    assert main(["files", "prune", "--json"]) == 0
    assert file.name in capsys.readouterr().out
    assert file.name not in server.files


@pytest.mark.parametrize(
    ("steps", "deleted_at"),
    [
        # creator leaves first: the DELETE waits for the reuser
        ([("a", True), ("b", True), ("a", False, True), ("b", False, False)], 3),
        # reuser leaves first: the creator deletes on its way out
        ([("a", True), ("b", True), ("b", False, False), ("a", False, True)], 3),
        # alone
        ([("a", True), ("a", False, True)], 1),
        # kept uploads are never deleted
        ([("a", True), ("b", True), ("a", False, False), ("b", False, False)], None),
    ],
)
def test_lease_table_deletes_after_the_last_holder(
    steps: list[tuple[Any, ...]], deleted_at: int | None
) -> None:
    table = LeaseTable()
    due: list[int] = []
    for i, step in enumerate(steps):
        if step[1]:
            assert table.acquire("k")
        elif table.release("k", delete=step[2]):
            due.append(i)
    assert due == ([] if deleted_at is None else [deleted_at])


@pytest.mark.parametrize("keeper_first", [True, False])
def test_a_kept_file_is_never_deleted_by_another_holder(keeper_first: bool) -> None:
    table = LeaseTable()
    assert table.acquire("k") and table.acquire("k")
    releases = [{"delete": False, "keep": True}, {"delete": True}]
    for options in releases if keeper_first else releases[::-1]:
        assert not table.release("k", **options)  # type: ignore[arg-type]
    assert table.acquire("k")
    assert not table.release("k", delete=True)  # still kept


def test_a_file_being_deleted_cannot_be_leased_again() -> None:
    table = LeaseTable()
    assert table.acquire("k")
    assert table.release("k", delete=True)  # the DELETE is now in flight
    assert not table.acquire("k")
    table.deleted("k")
    assert table.acquire("k")


def test_of_many_threads_releasing_together_exactly_one_deletes() -> None:
    table = LeaseTable()
    holders = 16
    for _ in range(holders):
        assert table.acquire("k")
    barrier = threading.Barrier(holders)
    told: list[bool] = []

    def leave() -> None:
        barrier.wait(WAIT_S)
        told.append(table.release("k", delete=True))

    threads = [threading.Thread(target=leave) for _ in range(holders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_S)
    assert sorted(told) == [False] * (holders - 1) + [True]
    assert table.holders("k") == 0
