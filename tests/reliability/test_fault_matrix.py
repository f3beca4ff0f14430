"""Every row of the fault matrix (``matrix.ROWS``), sync and async, against real HTTP.

Each test injects its row's fault, runs the call path, and asserts the row's claims: the typed
error (chained to what really failed, with a status and a next step, never the key), the number
of requests sent and the waits between them under ``POLICY``, and what was cleaned up.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import (
    AuthenticationError,
    GeminiVisionError,
    InvalidRequestError,
    MediaAccessError,
    RateLimitError,
    aanalyze_video,
    acaption_image,
    analyze_video,
    atranscribe_video,
    caption_image,
    summarize_youtube,
    transcribe_video,
)
from langchain_gemini_vision._core.client import build_llm
from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._prepare import MediaPolicy, aprepare_media, prepare_media
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png
from tests._video_support import deletes, upload_starts
from tests.files.conftest import FakeTime

from .conftest import Site, closed_port
from .matrix import NO_FILE, POLICY, ROWS, TEMP_UPLOAD, Row

# Shaped like a real key, built at run time (no key-like literal in the repository).
WRONG_KEY = "AIza" + "SyRELIABILITY-CANARY-0123456789abc"
PAYLOAD_MESSAGE = "Request payload size exceeds the limit: 20971520 bytes."
GENERATE = ":generateContent"

Call = Callable[[], Any]


def _rows(path: str) -> list[Row]:
    return [row for row in ROWS if row.path == path]


def _ids(rows: list[Row]) -> list[str]:
    return [row.kind for row in rows]


async def _run(call: Call, mode: str) -> Any:
    result = call()
    return await result if mode == "async" else result


def _check_error(exc: GeminiVisionError, row: Row) -> None:
    assert type(exc) is row.error, f"{type(exc).__name__}: {exc}"
    assert exc.__cause__ is not None  # chained to what really failed
    shown = "".join(traceback.format_exception(exc))
    assert WRONG_KEY not in shown
    assert str(exc).strip() and "Traceback" not in str(exc)


# ---- generation ------------------------------------------------------------------------------


def _generation_call(
    row: Row,
    mode: str,
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    tmp_path: Path,
    big_video_bytes: bytes,
) -> Call:
    """Inject the row's fault; return the call that meets it."""
    image = make_png(8, 8)
    model = llm
    if row.kind in ("503", "500", "504", "401", "403", "400", "503-upload"):
        server.inject_fault(int(row.kind[:3]), times=10, path_contains=GENERATE)
    elif row.kind == "429":
        server.inject_fault(429, times=10, path_contains=GENERATE, retry_delay_s=3)
    elif row.kind == "429-long":
        server.inject_fault(429, times=10, path_contains=GENERATE, retry_delay_s=120)
    elif row.kind == "payload":
        server.inject_fault(400, times=10, path_contains=GENERATE, message=PAYLOAD_MESSAGE)
    elif row.kind == "drop":
        server.drop_connections(times=10, path_contains=GENERATE)
    elif row.kind == "timeout":
        server.add_rule(text="too late", latency_s=1.0, times=10)
        model = server.llm(max_retries=1, timeout=0.2)
    elif row.kind == "connect":
        model = build_llm(api_key="k", base_url=f"http://127.0.0.1:{closed_port()}")
    elif row.kind == "badkey":
        model = build_llm(api_key=WRONG_KEY, base_url=server.url)
    elif row.kind == "404":
        server.unknown_models.add("gemini-0-no-such-model")
        model = server.llm(model="gemini-0-no-such-model", max_retries=1)
    if row.kind == "503-upload":
        video = tmp_path / "lecture.mp4"
        video.write_bytes(big_video_bytes)
        manager = GeminiFileManager(
            model,
            cache_dir=tmp_path / "cache",
            reuse=False,
            poll_policy=PollPolicy(first_interval_s=0.01, max_interval_s=0.02, jitter=0.0),
        )
        ask = aanalyze_video if mode == "async" else analyze_video
        return lambda: ask(video, "What happens?", llm=model, manager=manager)
    caption = acaption_image if mode == "async" else caption_image
    return lambda: caption(image, llm=model)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("row", _rows("generation"), ids=_ids(_rows("generation")))
async def test_generation_faults(
    row: Row,
    mode: str,
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    waits: FakeTime,
    tmp_path: Path,
    big_video_bytes: bytes,
) -> None:
    call = _generation_call(row, mode, server, llm, tmp_path, big_video_bytes)
    with pytest.raises(GeminiVisionError) as info:
        await _run(call, mode)
    _check_error(info.value, row)
    sent = sum(1 for r in server.requests if GENERATE in r.path)
    assert (sent if row.kind != "connect" else len(waits.sleeps) + 1) == row.requests
    assert waits.sleeps == list(row.waits)
    if row.requests > 1:
        assert f"after {row.requests} attempts" in str(info.value)
    if row.kind not in ("timeout", "drop", "connect"):
        assert row.kind in ("payload", "badkey") or info.value.status == int(row.kind[:3])
        assert info.value.server_message
    assert info.value.what_to_do and str(info.value).endswith(info.value.what_to_do)
    if row.cleanup == TEMP_UPLOAD:
        assert upload_starts(server) == 1 and len(deletes(server)) == 1
        assert server.files == {}


def test_payload_too_large_names_the_size_and_the_limit(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, waits: FakeTime
) -> None:
    server.inject_fault(400, path_contains=GENERATE, message=PAYLOAD_MESSAGE)
    image = make_png(64, 64)
    with pytest.raises(InvalidRequestError) as info:
        caption_image(image, llm=llm)
    assert info.value.limit_bytes == 20971520
    assert info.value.size_bytes is not None and info.value.size_bytes >= len(image)
    assert "20,971,520" in str(info.value) and "max_image_side" in str(info.value)


def test_rate_limit_carries_the_servers_delay(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, waits: FakeTime
) -> None:
    server.inject_fault(429, times=10, path_contains=GENERATE, retry_delay_s=7)
    with pytest.raises(RateLimitError) as info:
        caption_image(make_png(8, 8), llm=llm)
    assert info.value.retry_after_s == 7.0
    assert waits.sleeps == [7.0, 7.0]  # RetryInfo honoured, not the backoff


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_transient_fault_is_retried_to_a_result(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, waits: FakeTime, mode: str
) -> None:
    server.add_rule(text="A small blue square.")
    server.inject_fault(503, path_contains=GENERATE)
    server.drop_connections(path_contains=GENERATE)
    caption = acaption_image if mode == "async" else caption_image
    result = await _run(lambda: caption(make_png(8, 8), llm=llm), mode)
    assert result.text == "A small blue square."
    assert sum(1 for r in server.requests if GENERATE in r.path) == 3
    assert waits.sleeps == [0.5, 1.0]


def test_langchains_own_retries_do_not_multiply_with_ours(
    server: FakeGeminiServer, waits: FakeTime
) -> None:
    # A model left at LangChain's default max_retries=6 still sends exactly POLICY.attempts.
    model = server.llm(max_retries=6)
    server.inject_fault(503, times=50, path_contains=GENERATE)
    with pytest.raises(GeminiVisionError):
        caption_image(make_png(8, 8), llm=model)
    assert sum(1 for r in server.requests if GENERATE in r.path) == POLICY.attempts


# ---- File API --------------------------------------------------------------------------------


def _files_call(
    row: Row, mode: str, server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, waits: FakeTime,
    tmp_path: Path,
) -> tuple[Call, Callable[[], int]]:  # fmt: skip
    """Inject the row's fault; return the call and a counter of the requests it sent."""
    model = build_llm(api_key=WRONG_KEY, base_url=server.url) if row.kind == "badkey" else llm
    manager = GeminiFileManager(
        model,
        cache_dir=tmp_path / "cache",
        retry_policy=POLICY,
        sleep=waits.sleep,
        asleep=waits.asleep,
    )
    if row.kind == "drop":
        server.drop_connections(times=10, path_contains="/upload/")
    elif row.kind == "429":
        server.inject_fault(429, times=10, path_contains="/upload/", retry_delay_s=3)
    elif row.kind in ("503", "400"):
        server.inject_fault(int(row.kind), times=10, path_contains="/upload/")
    if row.kind == "404":
        server.missing_file_status = 404  # the video suites' server fixture does not reset it
        get = manager.aget if mode == "async" else manager.get
        return (lambda: get("files/nope")), lambda: sum(
            1 for r in server.requests if r.path.endswith("files/nope")
        )
    upload: Callable[[bytes], Awaitable[Any] | Any] = (
        manager.aupload if mode == "async" else manager.upload
    )
    return (lambda: upload(make_png(8, 8))), lambda: upload_starts(server)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("row", _rows("files"), ids=_ids(_rows("files")))
async def test_file_api_faults(
    row: Row,
    mode: str,
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    tmp_path: Path,
) -> None:
    waits = FakeTime()
    call, sent = _files_call(row, mode, server, llm, waits, tmp_path)
    try:
        with pytest.raises(GeminiVisionError) as info:
            await _run(call, mode)
    finally:
        server.missing_file_status = 403
    _check_error(info.value, row)
    assert sent() == row.requests
    assert waits.sleeps == list(row.waits)
    if row.cleanup == NO_FILE:
        assert server.files == {}


# ---- URL fetches -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("row", _rows("fetch"), ids=_ids(_rows("fetch")))
async def test_fetch_faults(row: Row, mode: str, site: Site) -> None:
    urls = {
        "connect": f"http://127.0.0.1:{closed_port()}/a.png",
        "timeout": site.silent_url,
        "drop": f"{site.url}/drop",
    }
    url = urls.get(row.kind, f"{site.url}/{row.kind}")
    policy = MediaPolicy(trusted_hosts=("127.0.0.1",), download_timeout_s=0.3)
    prepare = aprepare_media if mode == "async" else prepare_media
    with pytest.raises(GeminiVisionError) as info:
        await _run(lambda: prepare(url, policy=policy), mode)
    _check_error(info.value, row)
    if row.kind in ("503", "429", "404", "drop"):
        assert len(site.hits) == row.requests
    if row.kind.isdigit():
        assert info.value.status == int(row.kind)


# ---- YouTube: the video's refusal stays a media error, a rejected key does not ------------------


def test_youtube_refusal_and_rejected_key_are_told_apart(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, waits: FakeTime
) -> None:
    url = "https://www.youtube.com/watch?v=aircAruvnKk"
    server.inject_fault(403, path_contains=GENERATE)
    with pytest.raises(MediaAccessError) as refused:
        summarize_youtube(url, llm=llm)
    assert refused.value.rule == "youtube"
    with pytest.raises(AuthenticationError) as rejected:
        summarize_youtube(url, llm=build_llm(api_key=WRONG_KEY, base_url=server.url))
    assert WRONG_KEY not in "".join(traceback.format_exception(rejected.value))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_transcription_windows_retry_under_the_callers_policy(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, waits: FakeTime, mode: str
) -> None:
    # Sync windows run on worker threads, which do not inherit the caller's context.
    server.add_rule(json={"segments": [{"start": "0:01", "end": "0:04", "text": "Hello."}]})
    server.inject_fault(503, path_contains=GENERATE)
    transcribe = atranscribe_video if mode == "async" else transcribe_video
    transcript = await _run(lambda: transcribe(make_mp4(10.0), llm=llm), mode)
    assert [s.text for s in transcript.segments] == ["Hello."]
    assert waits.sleeps == [0.5]
