"""Long WebM/MKV videos are windowed like MP4s: their duration comes from the EBML header."""

from __future__ import annotations

import itertools
from pathlib import Path

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import transcribe_video
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest
from tests._video_support import UPLOAD_SIZE, offsets, upload_starts
from tests._webm_support import make_webm

TWO_HOURS = 2 * 3600.0


def _answer_at_window_start(req: GenerateRequest) -> dict[str, object]:
    start, _ = offsets(req)
    at = int(start or 0)
    return {"segments": [{"start": f"{at // 3600}:{at % 3600 // 60:02d}:{at % 60:02d}",
                          "caption": f"Window from {at}."}]}  # fmt: skip


def test_two_hour_inline_webm_is_windowed_over_its_header_duration(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="video/", handler=_answer_at_window_start)
    transcript = transcribe_video(make_webm(TWO_HOURS), llm=llm)

    requests = server.generate_requests()
    assert len(requests) >= 3  # ~45-minute windows at the defaults, not one 2-hour request
    assert {r.media[0].mime_type for r in requests} == {"video/webm"}
    spans = sorted(offsets(r) for r in requests)
    assert spans[0][0] == 0 and spans[-1][1] == TWO_HOURS
    for (_, prev_end), (start, _) in itertools.pairwise(spans):
        assert start is not None and prev_end is not None and start < prev_end  # overlap
    # Each window's line (under "caption", not "text") lands on the video's clock.
    assert [s.text for s in transcript.segments] == [
        f"Window from {int(start or 0)}." for start, _ in spans
    ]
    assert transcript.segments[-1].end_s <= TWO_HOURS


def test_mkv_is_accepted_and_uploaded_as_webm(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    manager: GeminiFileManager,
    tmp_path: Path,
) -> None:
    path = tmp_path / "lecture.mkv"
    path.write_bytes(make_webm(TWO_HOURS, doc_type="matroska", size_bytes=UPLOAD_SIZE))
    server.video_duration_s = TWO_HOURS
    server.add_rule(has_media="video/", handler=_answer_at_window_start)
    transcript = transcribe_video(path, llm=llm, manager=manager)

    assert upload_starts(server) == 1
    requests = server.generate_requests()
    assert len(requests) >= 3
    assert {r.media[0].mime_type for r in requests} == {"video/webm"}
    assert transcript.segments and transcript.segments[0].start_s == 0
