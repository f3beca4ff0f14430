"""Batch Mode end to end on the emulator: the same requests as the synchronous calls, results
in input order with per-item errors, resume from the job file, retries, and no upload left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import caption_image, detect_objects
from langchain_gemini_vision.batch import (
    BatchItemError,
    BatchJob,
    BatchJobError,
    BatchWaitTimeout,
    caption_images_batch,
    caption_request,
    detect_objects_batch,
    detection_request,
    submit_batch,
    video_question_request,
)
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4, make_png
from langchain_gemini_vision.types import CaptionResult, DetectionResult
from langchain_gemini_vision.usage import ModelPrice, PriceTable, UsageReport

from ._media import write_images

BOX = {"box_2d": [100, 200, 500, 600], "label": "cat"}


class FakeClock:
    """A monotonic clock advanced only by the recorded sleeps."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


@pytest.fixture
def llm(fake_server: FakeGeminiServer) -> ChatGoogleGenerativeAI:
    return fake_server.llm(max_retries=1)


def _images(tmp_path: Path, count: int) -> list[Path]:
    return write_images(tmp_path, count)


def _items_sent(server: FakeGeminiServer) -> list[dict[str, object]]:
    create = next(r for r in server.requests if r.path.endswith(":batchGenerateContent"))
    return create.json["batch"]["inputConfig"]["requests"]["requests"]  # type: ignore[no-any-return, index]


def test_batch_item_is_byte_for_byte_the_synchronous_request(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    (image,) = _images(tmp_path, 1)
    fake_server.add_rule(text="A small blue picture.")
    sync = caption_image(image, style="one_line", llm=llm)
    sync_body = fake_server.generate_requests()[-1].body
    job = caption_images_batch([image], style="one_line", llm=llm, job_path=tmp_path / "j.json")
    (item,) = _items_sent(fake_server)
    assert item["metadata"] == {"key": "000000"}
    sent = dict(item["request"])  # type: ignore[call-overload]
    # Identical up to the base64 alphabet the SDK picks for inline bytes.
    assert json.dumps(sent).replace("-", "+").replace("_", "/") == json.dumps(
        {k: v for k, v in sync_body.items() if k != "model"}
    ).replace("-", "+").replace("_", "/")
    (result,) = job.wait(poll=1, timeout=10).results()
    assert isinstance(result.result, CaptionResult)
    assert result.result.text == sync.text == "A small blue picture."
    assert result.result.usage == sync.usage
    report = UsageReport()
    report.add_results([result], batch=True)
    report.add_result(sync)
    prices = PriceTable({"*": ModelPrice(1.0, 4.0, 0.25)}, as_of="test", source="test")
    batch_line, sync_line = report.cost(prices).lines.values()
    assert batch_line == pytest.approx(sync_line / 2)  # same tokens, batch at half price
    assert job.usage([result]) == sync.usage


def test_detection_boxes_come_back_in_pixels_of_the_original(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    path = tmp_path / "wide.png"
    path.write_bytes(make_png(400, 200))
    fake_server.add_rule(json=[BOX])
    sync = detect_objects(path, "cat", llm=llm)
    job = detect_objects_batch([path], "cat", llm=llm)
    (item,) = job.wait(poll=1).results()
    assert isinstance(item.result, DetectionResult)
    assert item.result.detections[0].box == sync.detections[0].box
    assert item.result.detections[0].box.as_tuple() == (80, 20, 240, 100)
    assert (item.result.image_width, item.result.image_height) == (400, 200)


def test_results_in_input_order_with_typed_item_errors_and_retry(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    paths = _images(tmp_path, 6)
    fake_server.add_rule(has_schema=True, json=[BOX])
    fake_server.add_rule(has_schema=False, text="caption")
    fake_server.fail_batch_items(["000001", "000004"], code=503, message="overloaded", times=2)
    reqs = [
        caption_request(p) if i % 2 == 0 else detection_request(p, "cat")
        for i, p in enumerate(paths)
    ]
    job = submit_batch(reqs, llm=llm, job_path=tmp_path / "job.json", inline_limit_bytes=0)
    create = next(r for r in fake_server.requests if r.path.endswith(":batchGenerateContent"))
    assert set(create.json["batch"]["inputConfig"]) == {"fileName"}
    results = job.wait(poll=1).results()
    assert [r.index for r in results] == list(range(6))
    assert [r.key for r in results] == [f"{i:06d}" for i in range(6)]
    assert [r.ok for r in results] == [True, False, True, True, False, True]
    failed = results[1].error
    assert isinstance(failed, BatchItemError) and failed.code == 503 and failed.retryable
    assert "retry_failed" in str(failed)
    assert isinstance(results[0].result, CaptionResult)
    assert isinstance(results[3].result, DetectionResult)
    retry = job.retry_failed(results)
    assert retry is not None
    again = retry.wait(poll=1).results()
    assert [(r.key, r.index, r.ok) for r in again] == [("000001", 1, True), ("000004", 4, True)]
    assert isinstance(again[0].result, DetectionResult)
    assert fake_server.files == {}


def test_resume_from_job_file_without_resubmitting(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    fake_server.batch_hold = True
    fake_server.add_rule(text="ok")
    job = caption_images_batch(_images(tmp_path, 3), llm=llm, job_path=tmp_path / "job.json")
    clock = FakeClock()
    with pytest.raises(BatchWaitTimeout, match="keeps running"):
        BatchJob.load(tmp_path / "job.json", llm=llm, sleep=clock.sleep, clock=clock).wait(
            poll=5, timeout=12
        )
    assert clock.sleeps == [5, 5, 2]
    fake_server.advance_batches(to_end=True)
    resumed = BatchJob.load(tmp_path / "job.json", llm=llm)
    assert resumed.name == job.name
    results = resumed.wait(poll=1).results()
    assert [r.result.text for r in results if isinstance(r.result, CaptionResult)] == ["ok"] * 3
    creates = [r for r in fake_server.requests if r.path.endswith(":batchGenerateContent")]
    assert len(creates) == 1
    assert resumed.progress.succeeded == 3 and resumed.progress.total == 3


def test_large_job_goes_through_a_jsonl_file_and_leaves_no_upload(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    fake_server.add_rule(text="ok")
    job = caption_images_batch(
        _images(tmp_path, 4), llm=llm, job_path=tmp_path / "job.json", inline_limit_bytes=1
    )
    saved = json.loads((tmp_path / "job.json").read_text())
    assert saved["name"] == job.name and len(saved["batch_files"]) == 1
    assert fake_server.files[saved["batch_files"][0]].mime_type == "application/jsonl"
    results = job.wait(poll=1).results()
    assert all(r.ok for r in results)
    assert fake_server.files == {}


def test_media_too_big_for_inline_are_uploaded_once_and_deleted(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(make_mp4(30.0, size_bytes=21 * 1024 * 1024))
    fake_server.add_rule(has_media="video/", text="A clip.")
    reqs = [video_question_request(video, q) for q in ("what?", "who?", "where?")]
    job = submit_batch(reqs, llm=llm, job_path=tmp_path / "job.json")
    uploads = [
        r
        for r in fake_server.requests
        if r.path == "/upload/v1beta/files" and "upload_id" not in r.query
    ]
    assert len(uploads) == 1
    assert len(job.media_files) == 1
    results = job.wait(poll=1).results()
    assert [r.result.text for r in results if r.result] == ["A clip."] * 3
    assert fake_server.files == {}


@pytest.mark.parametrize(
    ("end", "match"),
    [("cancel", "cancelled"), ("fail", "whole job failed"), ("expire", "expired")],
)
def test_a_job_without_results_says_why(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path, end: str, match: str
) -> None:
    from datetime import timedelta

    from langchain_gemini_vision._core.clock import utc_now

    fake_server.batch_hold = True
    job = caption_images_batch(_images(tmp_path, 1), llm=llm)
    if end == "cancel":
        job.cancel()
    elif end == "fail":
        fake_server.fail_batch(str(job.name), "out of quota")
    else:
        start = utc_now()
        fake_server.now = lambda: start + timedelta(hours=49)
    with pytest.raises(BatchJobError, match=match) as info:
        job.wait(poll=1).results()
    assert info.value.state in ("CANCELLED", "FAILED", "EXPIRED")


def test_wait_without_timeout_stops_after_the_jobs_expiry_on_the_injected_clock(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    from datetime import timedelta

    from langchain_gemini_vision._core.clock import utc_now

    fake_server.batch_hold = True
    created = utc_now()
    clock = FakeClock()
    job = caption_images_batch(
        _images(tmp_path, 1),
        llm=llm,
        now=lambda: created + timedelta(hours=48, seconds=-100),
        sleep=clock.sleep,
        clock=clock,
    )
    with pytest.raises(BatchWaitTimeout) as info:
        job.wait(poll=1000)
    assert job.expires_at is not None
    assert abs((job.expires_at - created).total_seconds() - 48 * 3600) < 5
    # 100 s left before expiry plus the hour of grace, polled every 1000 s.
    assert sum(clock.sleeps) == pytest.approx(3700, abs=5)
    assert info.value.state == "PENDING"


def test_await_is_the_async_twin(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    import asyncio

    fake_server.batch_pending_polls = 2
    fake_server.add_rule(text="async ok")
    slept: list[float] = []

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    job = caption_images_batch(_images(tmp_path, 2), llm=llm, asleep=asleep)
    seen: list[str] = []
    asyncio.run(job.await_(poll=3, on_progress=lambda j: seen.append(j.state)))
    assert seen == ["PENDING", "PENDING", "SUCCEEDED"] and slept == [3, 3]
    assert [r.result.text for r in job.results() if isinstance(r.result, CaptionResult)] == [
        "async ok"
    ] * 2


def test_a_bad_input_stops_the_submission_before_any_job_and_deletes_uploads(
    fake_server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    from langchain_gemini_vision.errors import UnsupportedMediaError

    video = tmp_path / "big.mp4"
    video.write_bytes(make_mp4(30.0, size_bytes=21 * 1024 * 1024))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(UnsupportedMediaError):
        submit_batch([video_question_request(video, "what?"), caption_request(broken)], llm=llm)
    assert not any(r.path.endswith(":batchGenerateContent") for r in fake_server.requests)
    assert any(r.method == "DELETE" for r in fake_server.requests)
    assert fake_server.files == {}
