"""transcribe_video end to end: real SDK + LangChain over HTTP against FakeGeminiServer."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import InvalidRequestError, atranscribe_video, transcribe_video
from langchain_gemini_vision.errors import (
    FileProcessingError,
    MediaTooLargeError,
    ResponseParseError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest
from langchain_gemini_vision.testing.samples import make_jpeg, make_mp4
from langchain_gemini_vision.video.transcription import WindowProgress
from tests._video_support import offsets, upload_starts

# Real-style answer: fenced JSON, mixed timestamp styles, a reversed range and one segment
# past the end of the 60 s video.
REAL_STYLE = (
    "Here is the transcript:\n```json\n"
    + json.dumps(
        {
            "segments": [
                {
                    "start": "00:00",
                    "end": "00:04",
                    "text": "Welcome to the lecture.",
                    "visual": "A title slide.",
                },
                {"start": "0:05 - 0:09", "end": "", "text": "Today: orbits."},
                {
                    "start": "(0:10-0:16)",
                    "end": "",
                    "text": "Kepler's first law.",
                    "visual": "An ellipse is drawn.",
                },
                {"start": "0:00:20", "end": "0:00:17", "text": "Reversed range."},
                {"start": "[00:40]", "end": "1:05", "text": "Runs past the end."},
                {"start": "01:42", "end": "01:50", "text": "Hallucinated outro."},
            ]
        }
    )
    + "\n```"
)


def generate_requests(server: FakeGeminiServer) -> list[GenerateRequest]:
    return server.generate_requests()


def test_uploaded_video_real_style_answer_is_ordered_within_duration_with_repairs(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    manager: GeminiFileManager,
    big_video: Path,
) -> None:
    server.video_duration_s = 60  # the File API's videoDuration wins over the header's 65 s
    server.add_rule(has_media="video/", has_schema=True, text=REAL_STYLE)
    transcript = transcribe_video(big_video, llm=llm, manager=manager)

    assert transcript.duration_s == 60
    starts = [s.start_s for s in transcript.segments]
    assert starts == sorted(starts) == [0, 5, 10, 17, 40]
    assert all(0 <= s.start_s <= s.end_s <= 60 for s in transcript.segments)
    assert transcript.segments[2].visual == "An ellipse is drawn."
    warnings = " | ".join(transcript.warnings)
    assert "dropped a segment at 01:42" in warnings
    assert "swapped" in warnings
    assert "past the end" in warnings
    assert "code fence" in warnings
    # Exactly one upload, referenced by the request, deleted afterwards.
    assert upload_starts(server) == 1
    (req,) = generate_requests(server)
    assert req.media[0].source == "file" and req.media[0].mime_type == "video/mp4"
    assert req.response_schema is not None
    # The temporary upload is deleted on return, so no URI that would point at nothing.
    assert req.media[0].file_uri is not None
    assert transcript.gemini_file_uri is None
    assert transcript.source == str(big_video)
    assert transcript.model


def test_uploaded_file_is_deleted_after_transcription(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    big_video: Path,
) -> None:  # fmt: skip
    server.video_duration_s = 60
    server.add_rule(has_media="video/", text=REAL_STYLE)
    transcribe_video(big_video, llm=llm, manager=manager)
    deletes = [r for r in server.requests if r.method == "DELETE"]
    assert len(deletes) == 1


def test_inline_video_plain_text_fallback(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(
        has_media="video/",
        text="[00:00] Hello there.\n[00:05] Second line\ncontinued here.\n**0:12-0:18**: Bye.",
    )
    transcript = transcribe_video(make_mp4(20.0), llm=llm)
    assert [(s.start_s, s.text) for s in transcript.segments] == [
        (0, "Hello there."),
        (5, "Second line continued here."),
        (12, "Bye."),
    ]
    assert transcript.segments[-1].end_s == 18
    assert any("plain text" in w for w in transcript.warnings)
    (req,) = generate_requests(server)
    assert req.media[0].source == "inline"
    assert req.media[0].video_metadata is None  # the whole video: no clipping


def test_prompt_follows_the_options(server: FakeGeminiServer, llm: ChatGoogleGenerativeAI) -> None:
    server.add_rule(text='{"segments": [{"start": "0:01", "end": "0:02", "text": "Hola", '
                    '"speaker": "Ana"}]}')  # fmt: skip
    transcript = transcribe_video(
        make_mp4(20.0), llm=llm, language="Spanish", visual=False, speakers=True, fps=2,
        media_resolution="low",
    )  # fmt: skip
    assert transcript.segments[0].speaker == "Ana"
    (req,) = generate_requests(server)
    assert "in Spanish" in req.text
    assert "describe what is shown" not in req.text
    assert "speaker" in req.text.lower()
    assert req.response_schema is not None
    props = req.response_schema["properties"]["segments"]["items"]["properties"]
    assert "visual" not in props and "speaker" in props
    assert req.media[0].video_metadata == {"fps": 2}
    part = req.body["contents"][0]["parts"][0]
    assert "MEDIA_RESOLUTION_LOW" in json.dumps(part)


def test_three_hour_file_api_video_is_windowed_over_the_whole_duration(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager
) -> None:
    record = server.add_file(mime_type="video/mp4", size_bytes=900_000_000,
                             video_duration_s=3 * 3600)  # fmt: skip

    def answer(req: GenerateRequest) -> dict[str, Any]:
        start, end = offsets(req)
        assert start is not None and end is not None
        # Alternate conventions between windows: the first absolute, the others relative.
        base = 0.0 if start == 0 else start
        rel = start > 0 and int(start) % 2 == 1
        first = 0.0 if rel else base
        return {"segments": [
            {"start": f"{int(first // 3600)}:{int(first % 3600 // 60):02d}:{int(first % 60):02d}",
             "end": "", "text": f"Start of window at {start:g}"},
            {"start": str(int((end - start) if rel else end) - 5), "end": "",
             "text": f"End of window at {end:g}"},
        ]}  # fmt: skip

    server.add_rule(has_media="video/", handler=answer)
    progress: list[WindowProgress] = []
    transcript = transcribe_video(record.name, llm=llm, manager=manager,
                                  on_progress=progress.append)  # fmt: skip

    requests = generate_requests(server)
    assert len(requests) == 4
    spans = sorted(offsets(r) for r in requests)
    assert spans[0][0] == 0 and spans[-1][1] == 3 * 3600
    for (_, prev_end), (start, _) in itertools.pairwise(spans):
        assert start is not None and prev_end is not None and start < prev_end  # overlap
    assert {r.media[0].file_name for r in requests} == {record.name}
    assert upload_starts(server) == 0
    # Every window's lines are on the video's clock, in order, inside the video.
    starts = [s.start_s for s in transcript.segments]
    assert starts == sorted(starts)
    assert len(transcript.segments) == 8
    assert all(0 <= s.start_s <= s.end_s <= 3 * 3600 for s in transcript.segments)
    for seg in transcript.segments:
        if seg.text.startswith("Start of window at "):
            assert seg.start_s == float(seg.text.rsplit(" ", 1)[1])
    assert sorted(p.completed for p in progress) == [1, 2, 3, 4]
    assert {p.total for p in progress} == {4}
    assert transcript.to_text().splitlines()[-1].startswith("[2:59:55]")


def test_three_hour_local_video_is_uploaded_exactly_once(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    big_video: Path,
) -> None:  # fmt: skip
    server.video_duration_s = 3 * 3600
    server.add_rule(has_media="video/", text='{"segments": []}')
    transcript = transcribe_video(big_video, llm=llm, manager=manager, max_concurrency=2)
    assert upload_starts(server) == 1
    requests = generate_requests(server)
    assert len(requests) == 4
    assert len({r.media[0].file_uri for r in requests}) == 1
    assert transcript.segments == []
    assert any("empty transcript" in w for w in transcript.warnings)


def test_clip_answer_relative_to_the_clip_is_shifted(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(json={"segments": [{"start": "0:00", "end": "0:05", "text": "a"},
                                       {"start": "0:30", "end": "0:38", "text": "b"}]})  # fmt: skip
    transcript = transcribe_video(make_mp4(120.0), llm=llm, start="0:40", end=80)
    assert [(s.start_s, s.end_s) for s in transcript.segments] == [(40, 45), (70, 78)]
    assert any("relative to the clip" in w for w in transcript.warnings)
    (req,) = generate_requests(server)
    assert offsets(req) == (40, 80)
    assert "00:40" in req.text and "01:20" in req.text


def test_clip_answer_on_the_video_clock_is_kept(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    # The recorded answer about a 40-80 s clip began "At 00:40".
    server.add_rule(text="At 00:40, a rocket lifts off.\n[00:52] The crowd cheers.")
    transcript = transcribe_video(make_mp4(120.0), llm=llm, start=40, end="01:20")
    assert [s.start_s for s in transcript.segments] == [40, 52]
    assert not any("relative" in w for w in transcript.warnings)


def test_all_hallucinated_timestamps_raise(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    hallucinated = [
        {"start": "05:00", "end": "05:10", "text": "?"},
        {"start": "07:00", "text": "?"},
    ]
    server.add_rule(json={"segments": hallucinated})
    with pytest.raises(ResponseParseError, match="hallucinated") as info:
        transcribe_video(make_mp4(20.0), llm=llm)
    assert "05:00" in info.value.raw_text


def test_unreadable_answer_raises_with_raw_text(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(text="I cannot help with that video.")
    with pytest.raises(ResponseParseError) as info:
        transcribe_video(make_mp4(20.0), llm=llm)
    assert info.value.raw_text == "I cannot help with that video."


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": -5}, ">= 0"),
        ({"start": "-0:05"}, "not a time"),
        ({"start": 30, "end": 10}, "must be after start"),
        ({"start": "0:30", "end": "0:30"}, "must be after start"),
        ({"end": 25}, "past the end of the video"),
        ({"start": 20}, "past the end"),
        ({"start": "soon"}, "not a time"),
        ({"fps": 0}, r"\(0, 24\]"),
        ({"fps": 25}, r"\(0, 24\]"),
        ({"fps": -1}, r"\(0, 24\]"),
        ({"window_s": 5}, "window_s"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"media_resolution": "4k"}, "media_resolution"),
    ],
)
def test_bad_options_are_refused_before_any_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidRequestError, match=match):
        transcribe_video(make_mp4(20.0), llm=llm, **kwargs)
    assert generate_requests(server) == []


def test_end_past_the_file_api_duration_is_refused_before_generating(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager
) -> None:
    record = server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=600)
    with pytest.raises(InvalidRequestError, match="past the end"):
        transcribe_video(record.name, llm=llm, manager=manager, end="10:30")
    assert generate_requests(server) == []


def test_not_a_video_is_refused(server: FakeGeminiServer, llm: ChatGoogleGenerativeAI) -> None:
    with pytest.raises(UnsupportedMediaError):
        transcribe_video(make_jpeg(64, 64), llm=llm)
    assert server.requests == []


def test_video_over_2_gb_is_refused_before_upload(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    path = tmp_path / "huge.mp4"
    with path.open("wb") as handle:
        handle.write(make_mp4(10.0))
        handle.truncate(2 * 1024**3 + 1)  # sparse: nothing is written
    with pytest.raises(MediaTooLargeError):
        transcribe_video(path, llm=llm)
    assert server.upload_bytes_received == 0


def test_failed_upload_raises_and_is_cleaned_up(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager,
    big_video: Path,
) -> None:  # fmt: skip
    server.fail_processing = "Video codec not supported."
    with pytest.raises(FileProcessingError, match="codec"):
        transcribe_video(big_video, llm=llm, manager=manager)
    assert generate_requests(server) == []
    assert [r for r in server.requests if r.method == "DELETE"]


async def test_async_windows_run_concurrently_with_progress(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager
) -> None:
    record = server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=3600)
    server.add_rule(json={"segments": [{"start": "0:10", "end": "0:20", "text": "hi"}]})
    seen: list[WindowProgress] = []
    transcript = await atranscribe_video(
        record.name, llm=llm, manager=manager, window_s=1000, overlap_s=20,
        on_progress=seen.append,
    )  # fmt: skip
    requests = generate_requests(server)
    assert len(requests) == 4
    assert sorted(p.index for p in seen) == [0, 1, 2, 3]
    assert [p.completed for p in seen] == [1, 2, 3, 4]
    # Each window said "0:10" relative to itself: four lines, each on the video's clock.
    starts = [s.start_s for s in transcript.segments]
    assert starts == sorted(starts) and starts[0] == 10 and len(starts) == 4
    assert all(s < 3600 for s in starts)
