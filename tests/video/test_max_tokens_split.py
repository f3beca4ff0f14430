"""A window cut off by MAX_TOKENS is transcribed again as two halves of the same file."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import atranscribe_video, transcribe_video
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest, Reply
from langchain_gemini_vision.testing.samples import make_mp4
from langchain_gemini_vision.types import Transcript, format_timestamp
from langchain_gemini_vision.video._windows import plan_windows
from langchain_gemini_vision.video.transcription import WindowProgress
from tests._video_support import offsets

CUT = Reply(text='{"segments": [{"start": "0:00:01", "text": "Cut', finish_reason="MAX_TOKENS")


def stamp(seconds: float) -> str:
    return format_timestamp(seconds, always_hours=True)


def line(at: float, text: str) -> dict[str, str]:
    return {"start": stamp(at), "end": stamp(at + 3), "text": text}


def test_cut_window_is_retried_as_two_halves_and_merged(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, manager: GeminiFileManager
) -> None:
    record = server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=3600)
    windows = plan_windows(0, 3600, 1000, 20)
    long = windows[1]
    seam = (long.start_s + long.end_s) / 2  # said right where the halves meet

    def answer(req: GenerateRequest) -> Any:
        start, end = offsets(req)
        assert start is not None and end is not None
        if (start, end) == (long.start_s, long.end_s):
            return CUT
        segments = [line(start + 30, f"Opening of {start:g}-{end:g}")]
        if start < seam < end:
            segments.append(line(seam - 1, "The seam sentence, heard by both halves."))
        return {"segments": segments}

    server.add_rule(handler=answer)
    progress: list[WindowProgress] = []
    transcript = transcribe_video(
        record.name, llm=llm, manager=manager, window_s=1000, overlap_s=20,
        on_progress=progress.append,
    )  # fmt: skip

    spans = [offsets(r) for r in server.generate_requests()]
    assert len(spans) == len(windows) + 2
    halves = sorted(
        s for s in spans if s not in {(w.start_s, w.end_s) for w in windows}
    )  # fmt: skip
    (a_start, a_end), (b_start, b_end) = halves
    assert a_start is not None and a_end is not None and b_start is not None and b_end is not None
    # Same file, the long window's span exactly, split near its middle with a small overlap.
    assert {r.media[0].file_name for r in server.generate_requests()} == {record.name}
    assert (a_start, b_end) == (long.start_s, long.end_s)
    assert b_start < a_end and a_end - b_start <= 20 + 2  # whole-second cut points
    assert a_end - a_start < long.length_s and b_end - b_start < long.length_s

    texts = [s.text for s in transcript.segments]
    assert texts.count("The seam sentence, heard by both halves.") == 1
    assert f"Opening of {a_start:g}-{a_end:g}" in texts
    assert f"Opening of {b_start:g}-{b_end:g}" in texts
    starts = [s.start_s for s in transcript.segments]
    assert starts == sorted(starts)
    warnings = " | ".join(transcript.warnings)
    assert "cut off" not in warnings  # the halves were complete: nothing to flag
    assert "transcribed again as two halves" in warnings
    assert [p.completed for p in progress] == list(range(1, len(windows) + 2))
    assert progress[-1].total == len(windows) + 1


def cut_everything(req: GenerateRequest) -> Reply:
    start, _end = offsets(req)
    at = start or 0.0
    return Reply(
        text=f'{{"segments": [{{"start": "{stamp(at + 2)}", "end": "{stamp(at + 5)}", '
        '"text": "Complete line."}, {"start": "0:0',
        finish_reason="MAX_TOKENS",
    )


def run(asynchronous: bool, llm: ChatGoogleGenerativeAI, video: Any, **kwargs: Any) -> Transcript:
    if asynchronous:
        return asyncio.run(atranscribe_video(video, llm=llm, **kwargs))
    return transcribe_video(video, llm=llm, **kwargs)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_halves_still_cut_are_flagged_and_not_split_again(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, asynchronous: bool
) -> None:
    server.add_rule(handler=cut_everything)
    transcript = run(asynchronous, llm, make_mp4(120.0))

    requests = server.generate_requests()
    assert len(requests) == 3  # the whole video, then its two halves: no third round
    assert requests[0].media[0].video_metadata is None
    assert sorted(offsets(r) for r in requests[1:]) == [(0, 65), (55, 120)]
    cut = [w for w in transcript.warnings if "cut off by the output token limit" in w]
    assert len(cut) == 2 and all(w.startswith("window 1 (") for w in cut)
    # What the cut halves did say is kept, on the video's clock.
    assert [s.start_s for s in transcript.segments] == [2, 57]


def test_window_with_unknown_end_is_flagged_without_a_retry(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", handler=cut_everything)
    transcript = transcribe_video("https://youtu.be/9hE5-98ZeCg", llm=llm)
    assert len(server.generate_requests()) == 1
    assert any("cut off" in w for w in transcript.warnings)


def test_cut_answer_with_no_text_is_retried_too(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    # A thinking model can spend the whole output budget before writing anything.
    server.add_rule(
        handler=lambda req: (
            Reply(text=None, finish_reason="MAX_TOKENS")
            if req.media[0].video_metadata is None
            else {"segments": [line((offsets(req)[0] or 0) + 1, "Half.")]}
        )
    )
    transcript = transcribe_video(make_mp4(60.0), llm=llm)
    assert [s.start_s for s in transcript.segments] == [1, 26]
    assert not any("cut off" in w for w in transcript.warnings)
