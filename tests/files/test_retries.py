"""Transient File API failures (429, 5xx, dropped connections) are retried; the rest are not.

Faults are injected into the emulator, so the real SDK sees the live API's error bodies and real
disconnects; waits go to the fake clock, so nothing here really sleeps.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import random
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.retry import RetryPolicy, RetryStep, retry_step
from langchain_gemini_vision.errors import (
    ConfigurationError,
    GeminiVisionError,
    MediaAccessError,
)
from langchain_gemini_vision.files._routing import arouted_media, routed_media
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._prepare import prepare_media
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png

from .conftest import FakeTime, upload_requests

CHUNK = 8 * 1024 * 1024
EXACT = RetryPolicy(jitter=0.0)  # waits of exactly 0.5, 1, 2 s


class FakeAPIError(Exception):
    """Looks like a google-genai APIError to the classifier (module and ``code``)."""

    __module__ = "google.genai.errors"

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = None


def _manager(
    llm: ChatGoogleGenerativeAI,
    fake_time: FakeTime,
    tmp_path: Path,
    policy: RetryPolicy = EXACT,
) -> GeminiFileManager:
    return GeminiFileManager(
        llm,
        cache_dir=tmp_path / "cache",
        retry_policy=policy,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        asleep=fake_time.asleep,
    )


@pytest.fixture
def exact(llm: ChatGoogleGenerativeAI, fake_time: FakeTime, tmp_path: Path) -> GeminiFileManager:
    """A manager without jitter, so the recorded waits are exact."""
    return _manager(llm, fake_time, tmp_path)


def _requests(server: FakeGeminiServer, method: str, contains: str) -> int:
    return sum(1 for r in server.requests if r.method == method and contains in r.path)


# ---- the pure decision ------------------------------------------------------------------------


def test_backoff_doubles_from_the_first_delay_and_is_capped() -> None:
    policy = RetryPolicy(attempts=10, first_delay_s=0.5, max_delay_s=3.0, jitter=0.0)
    waits = [retry_step(policy, FakeAPIError(503), n).delay_s for n in range(1, 6)]
    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_stays_within_its_band_and_under_the_cap() -> None:
    policy = RetryPolicy(first_delay_s=1.0, max_delay_s=1.05, jitter=0.1)
    rng = random.Random(7)
    waits = [policy.backoff(0, rng) for _ in range(200)]
    assert min(waits) >= 0.9
    assert max(waits) <= 1.05
    assert len(set(waits)) > 1


def test_server_delay_is_honoured_up_to_the_cap_then_fails_fast() -> None:
    asked = FakeAPIError(429, "Quota exceeded. Please retry in 3s.")
    assert retry_step(EXACT, asked, 1) == RetryStep(
        retry=True, delay_s=3.0, reason="HTTP 429", transient=True, server_delay_s=3.0
    )
    too_long = retry_step(EXACT, FakeAPIError(429, "Please retry in 120s."), 1)
    assert (too_long.retry, too_long.too_long, too_long.server_delay_s) == (False, True, 120.0)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_never_retried(status: int) -> None:
    step = retry_step(EXACT, FakeAPIError(status), 1)
    assert not step.retry
    assert not step.transient


@pytest.mark.parametrize(
    "exc", [FakeAPIError(408), FakeAPIError(500), FakeAPIError(502), FakeAPIError(504)]
)
def test_timeouts_and_server_errors_are_retried(exc: Exception) -> None:
    assert retry_step(EXACT, exc, 1).retry


def test_transport_errors_are_retried_and_bugs_are_not() -> None:
    import httpx2

    assert retry_step(EXACT, httpx2.RemoteProtocolError("Server disconnected"), 1).retry
    assert retry_step(EXACT, httpx2.ConnectError("refused"), 1).retry
    assert not retry_step(EXACT, ValueError("a bug"), 1).retry


def test_the_last_attempt_gives_up() -> None:
    step = retry_step(RetryPolicy(attempts=2), FakeAPIError(503), 2)
    assert (step.retry, step.transient) == (False, True)
    assert not retry_step(RetryPolicy(attempts=1), FakeAPIError(503), 1).retry


@pytest.mark.parametrize(
    "kwargs",
    [
        {"attempts": 0},
        {"first_delay_s": -1},
        {"max_delay_s": 0.1},
        {"multiplier": 0.5},
        {"jitter": 1},
    ],
)
def test_policy_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


# ---- get / list / delete against the emulator -----------------------------------------------


def test_get_survives_two_503s_and_logs_each_retry(
    server: FakeGeminiServer,
    exact: GeminiFileManager,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(503, times=2, path_contains="/files/")
    with caplog.at_level(logging.INFO, logger="langchain_gemini_vision.files"):
        f = exact.get(record.name)
    assert f.name == record.name
    assert fake_time.sleeps == [0.5, 1.0]
    assert _requests(server, "GET", record.name) == 3
    retries = [r for r in caplog.records if r.name == "langchain_gemini_vision.files"]
    assert [r.levelno for r in retries] == [logging.INFO, logging.INFO]
    assert "HTTP 503" in retries[0].getMessage()
    assert record.name in retries[0].getMessage()
    assert all(server.api_key not in r.getMessage() for r in caplog.records)


async def test_aget_survives_two_503s(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(503, times=2, path_contains="/files/")
    assert (await exact.aget(record.name)).name == record.name
    assert fake_time.sleeps == [0.5, 1.0]


def test_default_policy_jitters_around_the_backoff(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(500, times=3, path_contains="/files/")
    manager.get(record.name)
    assert len(fake_time.sleeps) == 3
    for wait, base in zip(fake_time.sleeps, [0.5, 1.0, 2.0], strict=True):
        assert base * 0.9 <= wait <= base * 1.1


async def test_429_waits_exactly_what_the_server_asked(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(429, path_contains="/files/", retry_delay_s=3)
    exact.get(record.name)
    server.inject_fault(429, path_contains="/files/", retry_delay_s=3)
    await exact.aget(record.name)
    assert fake_time.sleeps == [3.0, 3.0]


def test_429_asking_for_too_long_fails_fast_naming_the_delay(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(429, path_contains="/files/", retry_delay_s=120)
    with pytest.raises(GeminiVisionError) as info:
        exact.get(record.name)
    message = str(info.value)
    assert "retry in 120 s" in message
    assert "20 s this manager waits" in message
    assert "max_delay_s" in message  # the next step: how to allow it
    assert fake_time.sleeps == []
    assert _requests(server, "GET", record.name) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, GeminiVisionError),
        (401, ConfigurationError),
        (403, MediaAccessError),
        (404, MediaAccessError),
    ],
)
def test_client_errors_fail_on_the_first_request(
    server: FakeGeminiServer,
    exact: GeminiFileManager,
    fake_time: FakeTime,
    status: int,
    error: type[Exception],
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(status, times=5, path_contains="/files/")
    with pytest.raises(error) as info:
        exact.get(record.name)
    assert "attempts" not in str(info.value)
    assert fake_time.sleeps == []
    assert _requests(server, "GET", record.name) == 1


def test_unknown_file_404_is_not_retried(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.missing_file_status = 404
    with pytest.raises(MediaAccessError) as info:
        exact.get("files/nope")
    assert info.value.rule == "not_found"
    assert _requests(server, "GET", "files/nope") == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize("kind", ["503", "dropped"])
def test_exhausted_attempts_keep_the_typed_error_and_say_how_many(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime, kind: str
) -> None:
    record = server.add_file(data=make_png(4, 4))
    if kind == "503":
        server.inject_fault(503, times=10, path_contains="/files/")
    else:
        server.drop_connections(times=10, path_contains="/files/")
    with pytest.raises(GeminiVisionError) as info:
        exact.get(record.name)
    message = str(info.value)
    assert "after 4 attempts" in message
    assert ("HTTP 503" if kind == "503" else "RemoteProtocolError") in message
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert _requests(server, "GET", record.name) == 4


def test_attempts_1_disables_retrying(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, fake_time: FakeTime, tmp_path: Path
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(503, path_contains="/files/")
    files = _manager(llm, fake_time, tmp_path, RetryPolicy(attempts=1))
    with pytest.raises(GeminiVisionError, match="HTTP 503") as info:
        files.get(record.name)
    assert "attempts" not in str(info.value)
    assert fake_time.sleeps == []


async def test_list_retries_a_failed_page_only(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    names = {server.add_file(data=make_png(4, 4 + i)).name for i in range(3)}
    server.inject_fault(503, path_contains="pageToken=")  # the second page
    assert {f.name for f in exact.list(page_size=2)} == names
    server.drop_connections(path_contains="pageToken=")
    assert {f.name async for f in exact.alist(page_size=2)} == names
    assert fake_time.sleeps == [0.5, 0.5]
    assert _requests(server, "GET", "/files") == 6  # 2 pages + 1 retry, twice


def test_delete_is_retried_after_a_503(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    record = server.add_file(data=make_png(4, 4))
    server.inject_fault(503, path_contains="/files/", method="DELETE")
    assert exact.delete(record.name) is True
    assert server.files == {}
    assert fake_time.sleeps == [0.5]


@pytest.mark.parametrize("missing_status", [403, 404])
async def test_retried_delete_of_a_file_the_failed_attempt_removed_is_success(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    fake_time: FakeTime,
    tmp_path: Path,
    missing_status: int,
) -> None:
    # The first DELETE "fails" (503), yet the file is gone by the retry, as when the server
    # deleted it but the answer was lost: the retry's 403/404 must count as deleted.
    server.missing_file_status = missing_status
    vanishing: list[str] = []

    def sleep(seconds: float) -> None:
        server.files.pop(vanishing.pop(), None)
        fake_time.sleep(seconds)

    async def asleep(seconds: float) -> None:
        sleep(seconds)

    files = GeminiFileManager(
        llm, cache_dir=tmp_path / "cache", retry_policy=EXACT, sleep=sleep, asleep=asleep
    )
    for use_async in (False, True):
        record = server.add_file(data=make_png(4, 4))
        vanishing.append(record.name)
        server.inject_fault(503, path_contains="/files/", method="DELETE")
        if use_async:
            deleted = await files.adelete(record.name, missing_ok=False)
        else:
            deleted = files.delete(record.name, missing_ok=False)
        assert deleted is True
        assert vanishing == []  # the file did vanish during the wait
    assert fake_time.sleeps == [0.5, 0.5]
    assert _requests(server, "DELETE", "/files/") == 4


def test_delete_of_a_missing_file_is_still_reported_on_the_first_attempt(
    server: FakeGeminiServer, exact: GeminiFileManager
) -> None:
    assert exact.delete("files/gone") is False
    with pytest.raises(MediaAccessError):
        exact.delete("files/gone", missing_ok=False)


def test_delete_owned_through_a_flaky_network(
    server: FakeGeminiServer, exact: GeminiFileManager
) -> None:
    owned = [server.add_file(data=make_png(4, 4 + i), display_name=f"lcgv-{i}") for i in range(2)]
    other = server.add_file(data=make_png(5, 5), display_name="theirs")
    server.inject_fault(503, path_contains="/files", method="GET")
    server.drop_connections(path_contains="/files/", method="DELETE")
    assert sorted(exact.delete_owned()) == sorted(r.name for r in owned)
    assert list(server.files) == [other.name]


# ---- uploads --------------------------------------------------------------------------------


def test_dropped_upload_start_is_retried_without_orphans(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.drop_connections(times=1, path_contains="/upload/")
    f = exact.upload(make_png(8, 8))
    assert list(server.files) == [f.name]
    assert fake_time.sleeps == [0.5]


async def test_async_dropped_upload_is_retried_without_orphans(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.drop_connections(times=1, path_contains="/upload/")
    f = await exact.aupload(make_png(8, 8))
    assert list(server.files) == [f.name]
    assert fake_time.sleeps == [0.5]


@pytest.mark.parametrize("use_async", [False, True])
async def test_failed_chunk_restarts_the_upload_from_the_first_byte(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime, use_async: bool
) -> None:
    data = make_mp4(2, size_bytes=CHUNK + 10)
    stream = io.BytesIO(b"head" + data)
    stream.seek(4)  # uploads start at the current position, also on the retry
    server.drop_connections(times=1, path_contains="upload_id=")
    server.inject_fault(503, times=1, path_contains="upload_id=")
    progress: list[tuple[int, int]] = []
    upload = exact.aupload if use_async else exact.upload
    result = upload(stream, on_progress=lambda sent, total: progress.append((sent, total)))
    f = await result if asyncio.iscoroutine(result) else result
    assert list(server.files) == [f.name]
    assert server.files[f.name].sha256_hex == hashlib.sha256(data).hexdigest()
    assert fake_time.sleeps == [0.5, 1.0]
    # dropped: start + chunk 1; 503: start + chunk 1; then start + both chunks.
    assert upload_requests(server) == 2 + 2 + 3
    assert progress[-1] == (len(data), len(data))


def test_429_on_upload_start_waits_the_servers_delay(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.inject_fault(429, path_contains="/upload/", retry_delay_s=2)
    exact.upload(make_png(8, 8))
    assert fake_time.sleeps == [2.0]
    assert len(server.files) == 1


def test_upload_failing_every_time_is_typed_and_leaves_nothing(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.inject_fault(503, times=10, path_contains="upload_id=")
    with pytest.raises(GeminiVisionError, match="HTTP 503") as info:
        exact.upload(make_mp4(2))
    assert "after 4 attempts" in str(info.value)
    assert server.files == {}
    assert fake_time.sleeps == [0.5, 1.0, 2.0]


def test_refused_upload_is_not_retried(
    server: FakeGeminiServer, exact: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.inject_fault(400, times=5, path_contains="/upload/")
    with pytest.raises(GeminiVisionError, match="HTTP 400"):
        exact.upload(make_png(8, 8))
    assert upload_requests(server) == 1
    assert fake_time.sleeps == []


async def test_cancelled_during_a_retry_wait_leaves_nothing_behind(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    waiting = asyncio.Event()

    async def endless(seconds: float) -> None:
        waiting.set()
        await asyncio.Event().wait()

    files = GeminiFileManager(llm, cache_dir=tmp_path / "cache", asleep=endless)
    server.drop_connections(times=1, path_contains="upload_id=")
    task = asyncio.create_task(files.aupload(make_mp4(2, size_bytes=CHUNK + 10)))
    await asyncio.wait_for(waiting.wait(), 10)
    sent = upload_requests(server)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert server.files == {}
    assert upload_requests(server) == sent  # the upload was not resumed after the cancel


async def test_routed_media_resolves_through_a_flaky_network(
    server: FakeGeminiServer, exact: GeminiFileManager, tmp_path: Path
) -> None:
    path = tmp_path / "big.mp4"
    path.write_bytes(make_mp4(3, size_bytes=21 * 1024 * 1024))
    server.drop_connections(times=1, path_contains="upload_id=")
    server.inject_fault(503, times=1, path_contains="/files/", method="GET")
    with routed_media(prepare_media(path), manager=exact) as routed:
        assert routed.file_uri is not None
        assert len(server.files) == 1
    server.drop_connections(times=1, path_contains="/upload/")
    async with arouted_media(prepare_media(path), manager=exact) as routed:
        assert routed.file_uri is not None
    assert server.files == {}
