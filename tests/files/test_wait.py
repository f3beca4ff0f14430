"""wait_until_active against the emulator: state machine, faults, deadlines (fake clock)."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision.errors import (
    FileProcessingError,
    FileProcessingTimeout,
    InvalidRequestError,
    MediaAccessError,
)
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4

from .conftest import FakeTime


def file_gets(server: FakeGeminiServer, name: str) -> int:
    return sum(1 for r in server.requests if r.method == "GET" and r.path.endswith(name))


def test_video_processing_for_several_polls_reaches_active(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.processing_polls = 4
    server.video_duration_s = 42
    uploaded = manager.upload(make_mp4(42))
    assert uploaded.state == "PROCESSING"
    seen: list[str] = []
    active = manager.wait_until_active(uploaded, on_progress=lambda f, _: seen.append(f.state))
    assert active.state == "ACTIVE"
    assert active.video_duration_s == 42.0
    assert file_gets(server, uploaded.name) == 5
    assert seen == ["PROCESSING"] * 5  # the upload's snapshot + 4 PROCESSING polls
    # Nothing is known about files of this size yet: one early look (0.1 s) finds out and stands
    # in for the grid's first poll (1.0-1.1 s), so the grid goes on from its second; nothing
    # real slept.
    assert len(fake_time.sleeps) == 5
    assert fake_time.sleeps[0] == pytest.approx(0.1)
    assert 2.0 <= sum(fake_time.sleeps[:2]) <= 2.1
    assert fake_time.sleeps[2:] == [pytest.approx(1.0)] * 3


def test_active_snapshot_returns_without_a_request(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    f = server.add_file(data=b"x", mime_type="image/png")
    snapshot = manager.get(f.name)
    server.clear_log()
    assert manager.wait_until_active(snapshot) == snapshot
    assert server.requests == []


def test_failed_processing_raises_with_server_message(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    server.processing_polls = 2
    server.fail_processing = "Video codec is not supported (HEVC 12-bit)."
    uploaded = manager.upload(make_mp4(5))
    with pytest.raises(FileProcessingError) as info:
        manager.wait_until_active(uploaded)
    assert "Video codec is not supported (HEVC 12-bit)." in str(info.value)
    assert info.value.server_message == "Video codec is not supported (HEVC 12-bit)."
    assert info.value.file_name == uploaded.name


def test_never_activating_file_times_out_within_the_deadline(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    f = server.add_file(mime_type="video/mp4", data=make_mp4(3), state="PROCESSING")
    with pytest.raises(FileProcessingTimeout) as info:
        manager.wait_until_active(f.name, timeout=45)
    err = info.value
    assert err.file_name == f.name and err.last_state == "PROCESSING"
    assert err.elapsed_s == pytest.approx(45.0)
    assert fake_time.now == pytest.approx(45.0)  # never slept past the deadline
    polls = file_gets(server, f.name)
    assert polls <= 45  # <= 1 poll per second on average
    assert f"{f.name} was still PROCESSING after 45.0 s" in str(err)


def test_default_deadline_scales_with_file_size(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    f = server.add_file(mime_type="video/mp4", size_bytes=500_000_000, state="PROCESSING")
    with pytest.raises(FileProcessingTimeout):
        manager.wait_until_active(f.name)
    assert fake_time.now == pytest.approx(120 + 5 * 60)


def test_unspecified_state_is_not_done(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    f = server.add_file(mime_type="video/mp4", data=b"v", state="STATE_UNSPECIFIED")
    server.set_file_state(f.name, "PROCESSING", then="ACTIVE", polls=2)
    server.set_file_state(f.name, "STATE_UNSPECIFIED")
    with pytest.raises(FileProcessingTimeout) as info:
        manager.wait_until_active(f.name, timeout=3)
    assert info.value.last_state == "STATE_UNSPECIFIED"


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_and_overload_during_polling_are_retried(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime, status: int
) -> None:
    f = server.add_file(mime_type="video/mp4", data=b"v", state="PROCESSING")
    server.set_file_state(f.name, "PROCESSING", then="ACTIVE", polls=1)
    server.inject_fault(status, times=2, path_contains=f.name, method="GET", retry_delay_s=4)
    assert manager.wait_until_active(f.name).state == "ACTIVE"
    if status == 429:
        assert fake_time.sleeps[:2] == [pytest.approx(4.0), pytest.approx(4.0)]  # RetryInfo
    else:  # no RetryInfo: the normal schedule (1 s grid), not the 429's 4 s
        assert max(fake_time.sleeps[:2]) <= 1.1


def test_rate_limit_asking_beyond_the_deadline_times_out_early(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    f = server.add_file(mime_type="video/mp4", data=b"v", state="PROCESSING")
    snapshot = manager.get(f.name)
    server.inject_fault(429, times=1, path_contains=f.name, method="GET", retry_delay_s=60)
    with pytest.raises(FileProcessingTimeout, match="retry in 60 s"):
        manager.wait_until_active(snapshot, timeout=10)
    assert fake_time.now < 10


@pytest.mark.parametrize("missing_status", [403, 404])
def test_unknown_file_is_a_clear_access_error(
    server: FakeGeminiServer, manager: GeminiFileManager, missing_status: int
) -> None:
    server.missing_file_status = missing_status
    with pytest.raises(MediaAccessError, match="files/doesnotexist") as info:
        manager.wait_until_active("files/doesnotexist")
    assert info.value.rule == ("permission" if missing_status == 403 else "not_found")
    assert "Upload the file again" in str(info.value)


def test_file_of_another_project_is_a_permission_error(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    f = server.add_file(data=b"x")
    server.mark_foreign(f.name)
    with pytest.raises(MediaAccessError, match="another project") as info:
        manager.get(f.uri)
    assert info.value.rule == "permission"


def test_file_deleted_while_waiting_is_a_processing_error(
    server: FakeGeminiServer, manager: GeminiFileManager
) -> None:
    f = server.add_file(mime_type="video/mp4", data=b"v", state="PROCESSING")
    snapshot = manager.get(f.name)
    server.files.pop(f.name)
    with pytest.raises(FileProcessingError, match="disappeared"):
        manager.wait_until_active(snapshot)


def test_not_a_file_name(manager: GeminiFileManager) -> None:
    with pytest.raises(InvalidRequestError, match="not a Gemini File API name"):
        manager.get("cat.png")


async def test_async_wait_twin(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.processing_polls = 3
    uploaded = await manager.aupload(make_mp4(4))
    active = await manager.await_until_active(uploaded)
    assert active.state == "ACTIVE" and len(fake_time.sleeps) == 4
    server.fail_processing = "bad video"
    failing = await manager.aupload(make_mp4(5))
    with pytest.raises(FileProcessingError, match="bad video"):
        await manager.await_until_active(failing)
    stuck = server.add_file(mime_type="video/mp4", data=b"v", state="PROCESSING")
    with pytest.raises(FileProcessingTimeout):
        await manager.await_until_active(stuck.name, timeout=5)


def test_real_clock_with_tiny_intervals(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    server.processing_seconds = 0.15
    fast = PollPolicy(first_interval_s=0.02, max_interval_s=0.05)
    manager = GeminiFileManager(llm, cache_dir=tmp_path, poll_policy=fast)
    uploaded = manager.upload(make_mp4(2))
    assert manager.wait_until_active(uploaded).state == "ACTIVE"


def test_after_files_were_ready_at_the_first_look_the_next_wait_looks_early(
    server: FakeGeminiServer, manager: GeminiFileManager, fake_time: FakeTime
) -> None:
    server.processing_polls = 1  # PROCESSING once after the upload's answer, then ACTIVE
    manager.wait_until_active(manager.upload(make_mp4(5)))
    # Nothing learned yet: the wait probes at 0.1 s (still PROCESSING); the probe took the
    # place of the first grid poll, so the next one is the grid's second (2.0-2.1 s).
    assert fake_time.sleeps[0] == pytest.approx(0.1)
    assert len(fake_time.sleeps) == 2 and 2.0 <= sum(fake_time.sleeps) <= 2.1
    server.processing_polls = 0  # from now on ACTIVE at the first look
    fake_time.sleeps.clear()
    manager.wait_until_active(manager.upload(make_mp4(6)))
    assert len(fake_time.sleeps) == 1
    assert 1.0 <= fake_time.sleeps[0] <= 1.1  # learned "not ready at once": first look at ~1 s
    fake_time.sleeps.clear()
    manager.wait_until_active(manager.upload(make_mp4(7)))
    assert fake_time.sleeps == [pytest.approx(0.1)]  # learned: one early look, ready then
