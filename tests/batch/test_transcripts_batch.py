"""Transcription through Batch Mode: all windows of all videos in one job, merged like the
synchronous call merges them."""

from __future__ import annotations

from pathlib import Path

from langchain_gemini_vision import transcribe_video
from langchain_gemini_vision.batch import BatchItemError, transcribe_videos_batch
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4

ANSWER = {"segments": [{"start": "0:10", "end": "0:20", "text": "hi"}]}


def test_windows_of_every_video_in_one_job_match_the_synchronous_transcripts(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    long = fake_server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=3600)
    short = tmp_path / "short.mp4"
    short.write_bytes(make_mp4(60.0))
    fake_server.add_rule(json=ANSWER)
    llm = fake_server.llm(max_retries=1)
    sync = [
        transcribe_video(v, llm=llm, window_s=1000, overlap_s=20, visual=False)
        for v in (long.name, short)
    ]
    job = transcribe_videos_batch(
        [long.name, short],
        llm=llm,
        window_s=1000,
        overlap_s=20,
        visual=False,
        job_path=tmp_path / "t.json",
    )
    assert [i.key for i in job.items] == [
        "000000#w000", "000000#w001", "000000#w002", "000000#w003", "000001#w000"
    ]  # fmt: skip
    results = job.wait(poll=1).results()
    assert all(r.ok for r in results)
    transcripts = job.transcripts(results)
    assert [t.key for t in transcripts] == ["000000", "000001"]
    for got, want in zip(transcripts, sync, strict=True):
        assert got.result is not None
        assert [s.model_dump() for s in got.result.segments] == [
            s.model_dump() for s in want.segments
        ]
        assert got.result.duration_s == want.duration_s
    # The caller's own file is never deleted; nothing else is left.
    assert list(fake_server.files) == [long.name]


def test_a_failed_window_fails_its_video_and_is_retried_alone(
    fake_server: FakeGeminiServer, tmp_path: Path
) -> None:
    long = fake_server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=2000)
    fake_server.add_rule(json=ANSWER)
    fake_server.fail_batch_items(["000000#w001"], code=500, times=1)
    llm = fake_server.llm(max_retries=1)
    job = transcribe_videos_batch([long.name], llm=llm, window_s=1000, job_path=tmp_path / "j")
    results = job.wait(poll=1).results()
    (video,) = job.transcripts(results)
    assert isinstance(video.error, BatchItemError) and video.error.key == "000000#w001"
    retry = job.retry_failed(results)
    assert retry is not None and [i.key for i in retry.items] == ["000000#w001"]
    again = retry.wait(poll=1).results()
    assert all(r.ok for r in again)
    (fixed,) = job.transcripts(job.combine(results, retry, again))
    assert fixed.result is not None and len(fixed.result.segments) == 3
