"""Many files waited for at once on one client share files.list pages instead of a GET per file.

Real emulator, real SDK and real time (waits of about a second); assertions are on requests,
never on durations.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision.errors import FileProcessingError
from langchain_gemini_vision.files import _shared_listing
from langchain_gemini_vision.files._shared_listing import LOOK_S, Listing
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.types import GeminiFile

FAST: dict[str, Any] = {"first_interval_s": 0.25, "steady_interval_s": 0.25}
"""A quicker grid for the waits' own polls (the first look comes from it too): shorter tests."""


def _manager(llm: ChatGoogleGenerativeAI, **policy: Any) -> GeminiFileManager:
    # A clock of its own: the listing is shared per (client, clock), so no other test's waits
    # (or paused listing) are seen here.
    def clock() -> float:
        return time.monotonic()

    settings = {**FAST, **policy}
    return GeminiFileManager(llm, reuse=False, clock=clock, poll_policy=PollPolicy(**settings))


def _processing(
    server: FakeGeminiServer, manager: GeminiFileManager, count: int
) -> list[GeminiFile]:
    """``count`` videos PROCESSING, ACTIVE 0.3 s or more from now; their PROCESSING snapshots."""
    files = []
    for i in range(count):
        record = server.add_file(mime_type="video/mp4", data=bytes([i]) * 16, state="PROCESSING")
        server.set_file_state(record.name, "PROCESSING", then="ACTIVE", seconds=0.3 + 0.05 * i)
        files.append(manager.get(record.name))
    server.clear_log()
    return files


def _requests(server: FakeGeminiServer) -> tuple[int, dict[str, int]]:
    """(files.list pages, GETs per file) since the log was cleared."""
    listings = 0
    gets: dict[str, int] = {}
    for request in server.requests:
        if request.method != "GET":
            continue
        if request.path.endswith("/files"):
            listings += 1
        elif "/files/" in request.path:
            name = "files/" + request.path.rsplit("/", 1)[-1]
            gets[name] = gets.get(name, 0) + 1
    return listings, gets


def _wait_in_threads(manager: GeminiFileManager, files: list[GeminiFile]) -> list[Any]:
    results: list[Any] = [None] * len(files)

    def wait(index: int) -> None:
        try:
            results[index] = manager.wait_until_active(files[index], timeout=30)
        except Exception as exc:  # reported by the assertions below
            results[index] = exc

    threads = [threading.Thread(target=wait, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_waits_in_threads_share_the_listing(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    manager = _manager(llm)
    files = _processing(server, manager, 6)
    started = time.monotonic()
    results = _wait_in_threads(manager, files)
    waited = time.monotonic() - started
    assert [r.state for r in results] == ["ACTIVE"] * 6
    assert [r.name for r in results] == [f.name for f in files]
    listings, gets = _requests(server)
    assert listings >= 1
    # Per-file polling makes at least one GET per file; the listing made them unnecessary for
    # most (a wait may still GET once before the others have registered).
    assert sum(gets.values()) < len(files)
    # Politeness: all requests together stay under one per waiting file per second.
    assert listings + sum(gets.values()) <= len(files) * waited


async def test_async_waits_share_the_listing(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    manager = _manager(llm)
    files = _processing(server, manager, 5)
    results = await asyncio.gather(*(manager.await_until_active(f, timeout=30) for f in files))
    assert [r.state for r in results] == ["ACTIVE"] * 5
    listings, gets = _requests(server)
    assert listings >= 1
    assert sum(gets.values()) < len(files)


def test_a_single_wait_polls_its_own_file(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    manager = _manager(llm)
    (file,) = _processing(server, manager, 1)
    assert manager.wait_until_active(file, timeout=30).state == "ACTIVE"
    listings, gets = _requests(server)
    assert listings == 0
    assert gets[file.name] >= 1


def test_shared_listing_can_be_turned_off(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    manager = _manager(llm, shared_listing=False)
    files = _processing(server, manager, 3)
    assert [r.state for r in _wait_in_threads(manager, files)] == ["ACTIVE"] * 3
    listings, gets = _requests(server)
    assert listings == 0
    assert all(gets[f.name] >= 1 for f in files)


def test_a_failing_listing_leaves_each_wait_on_its_own_polls(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    manager = _manager(llm, shared_listing=True)
    files = _processing(server, manager, 4)
    fault = server.inject_fault(500, times=1000, path_contains="/files?", method="GET")
    results = _wait_in_threads(manager, files)
    assert [r.state for r in results] == ["ACTIVE"] * 4
    listings, gets = _requests(server)
    assert fault.used == listings >= 1  # tried, failed, and paused: not retried every look
    assert all(gets[f.name] >= 1 for f in files)


def test_files_beyond_the_pages_read_are_polled_on_their_own(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_shared_listing, "PAGE_SIZE", 1)
    monkeypatch.setattr(_shared_listing, "MAX_PAGES", 1)
    manager = _manager(llm)
    files = _processing(server, manager, 3)  # the listing shows only the newest
    results = _wait_in_threads(manager, files)
    assert [r.state for r in results] == ["ACTIVE"] * 3
    _, gets = _requests(server)
    assert gets.get(files[0].name, 0) >= 1 and gets.get(files[1].name, 0) >= 1


def test_a_file_the_listing_shows_failed_raises(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    manager = _manager(llm)
    files = _processing(server, manager, 3)
    server.set_file_state(
        files[1].name, "PROCESSING", then="FAILED", seconds=0.3, error_message="bad codec"
    )
    results = _wait_in_threads(manager, files)
    assert isinstance(results[1], FileProcessingError)
    assert "bad codec" in str(results[1])
    assert results[0].state == results[2].state == "ACTIVE"


def test_progress_is_reported_once_per_listing_not_per_read(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    manager = _manager(llm)
    files = _processing(server, manager, 3)
    seen: dict[str, int] = {f.name: 0 for f in files}
    lock = threading.Lock()

    def on_progress(file: GeminiFile, _elapsed: float) -> None:
        with lock:
            seen[file.name] += 1

    threads = [
        threading.Thread(
            target=manager.wait_until_active, args=(f,), kwargs={"on_progress": on_progress}
        )
        for f in files
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    listings, gets = _requests(server)
    for name, count in seen.items():
        # The upload's snapshot, one report per GET of its own, at most one per listing.
        assert count <= 1 + gets.get(name, 0) + listings


def test_listing_spends_only_the_polls_that_fell_due() -> None:
    listing = Listing()
    with listing.waiting("files/a"):
        assert not listing.shared(0.0)  # one file: its own GET is cheaper than a listing
        with listing.waiting("files/b"):
            assert listing.shared(0.0)
            assert listing.claim(0.0) is None  # no poll has fallen due yet
            listing.credit()
            assert listing.claim(0.0) == {"files/a", "files/b"}
            listing.credit()
            assert listing.claim(0.0) is None  # someone is fetching
            listing.publish({}, pages=3)  # two more pages: more than the credit left
            listing.credit()
            assert listing.claim(LOOK_S) is None  # the extra page is paid back first
            listing.credit()
            assert listing.claim(LOOK_S) is not None
            listing.publish({}, pages=1)
            listing.credit()
            assert listing.claim(1.5 * LOOK_S) is None  # never twice within LOOK_S
            assert listing.claim(2 * LOOK_S) is not None
            listing.fail(2 * LOOK_S)
            assert not listing.shared(1.0)  # paused after a failure
    with contextlib.ExitStack() as stack:
        for i in range(10):
            stack.enter_context(listing.waiting(f"files/{i}"))
        for _ in range(10):  # ten polls fall due at once: at most MAX_SAVED_POLLS are kept
            listing.credit()
        fetched = 0
        for tick in range(20):
            if listing.claim(100.0 + tick * LOOK_S) is not None:
                fetched += 1
                listing.publish({}, pages=1)
        assert fetched == _shared_listing.MAX_SAVED_POLLS


def test_listing_costs_no_more_requests_than_the_waits_own_polls(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    """With sparse schedules (a poll every 3 s) the listing must not poll faster than they do."""
    sparse = {"steady_interval_s": 3.0, "max_interval_s": 3.0}
    shared, alone = _manager(llm, **sparse), _manager(llm, shared_listing=False, **sparse)
    shared_files, alone_files = _processing(server, shared, 4), _processing(server, alone, 4)
    for file in (*shared_files, *alone_files):
        server.set_file_state(file.name, "PROCESSING", then="ACTIVE", seconds=1.0)
    server.clear_log()
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda m=m, f=f: results.append(m.wait_until_active(f)))
        for m, files in ((shared, shared_files), (alone, alone_files))
        for f in files
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.state for r in results] == ["ACTIVE"] * 8
    listings, gets = _requests(server)
    own_polls = sum(gets.get(f.name, 0) for f in alone_files)
    shared_requests = listings + sum(gets.get(f.name, 0) for f in shared_files)
    assert own_polls >= len(alone_files)
    assert shared_requests <= own_polls


async def test_a_cancelled_fetch_releases_the_listing() -> None:
    """A wait cancelled mid-listing must not leave the others sleeping on a listing that never
    comes: the claim is released and the listing pauses, so each wait polls its own file."""
    listing = Listing()
    started = asyncio.Event()

    async def never_answers(_config: dict[str, Any]) -> Any:
        started.set()
        await asyncio.Event().wait()

    with listing.waiting("files/a"), listing.waiting("files/b"):
        listing.credit()  # a poll fell due
        task = asyncio.create_task(_shared_listing.arefresh(listing, never_answers, 0.0))
        await started.wait()
        assert listing.fetching()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not listing.fetching()
        assert not listing.shared(1.0)  # paused: the waits fall back to their own polls


def test_an_interrupted_sync_fetch_releases_the_listing() -> None:
    listing = Listing()

    def interrupted(_config: dict[str, Any]) -> Any:
        raise KeyboardInterrupt

    with listing.waiting("files/a"), listing.waiting("files/b"):
        listing.credit()  # a poll fell due
        with pytest.raises(KeyboardInterrupt):
            _shared_listing.refresh(listing, interrupted, 0.0)
        assert not listing.fetching()


def test_waits_on_the_listing_still_time_out(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    from langchain_gemini_vision.errors import FileProcessingTimeout

    manager = _manager(llm)
    files = []
    for i in range(3):
        record = server.add_file(mime_type="video/mp4", data=bytes([i]) * 16, state="PROCESSING")
        server.set_file_state(record.name, "PROCESSING", then="ACTIVE", seconds=3600)
        files.append(manager.get(record.name))
    server.clear_log()
    results: list[Any] = [None] * 3

    def wait(index: int) -> None:
        try:
            manager.wait_until_active(files[index], timeout=0.8)
        except FileProcessingTimeout as exc:
            results[index] = exc

    threads = [threading.Thread(target=wait, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, FileProcessingTimeout) for r in results)
    assert all(r.last_state == "PROCESSING" for r in results)
    listings, _ = _requests(server)
    assert listings >= 1
