"""duration_s: YouTube videos (whose length the API never reports) get windowed and checked."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import (
    InvalidRequestError,
    aanalyze_video,
    asummarize_youtube,
    summarize_youtube,
    transcribe_video,
)
from langchain_gemini_vision.document_loaders import GeminiYouTubeLoader
from langchain_gemini_vision.testing import FakeGeminiServer, GenerateRequest
from langchain_gemini_vision.testing.samples import make_mp4
from langchain_gemini_vision.types import format_timestamp
from tests._video_support import offsets
from tests.youtube.test_youtube_emulator import CANONICAL, CHAPTERS, ID

UNCHECKED = "could not be checked against its end"
THREE_HOURS = 3 * 3600


def stamp(seconds: float) -> str:
    return format_timestamp(seconds, always_hours=True)


def test_long_youtube_video_with_a_duration_is_windowed_over_the_whole_length(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    def answer(req: GenerateRequest) -> dict[str, Any]:
        start, end = offsets(req)
        assert start is not None and end is not None
        return {"segments": [
            {"start": stamp(start + 5), "end": stamp(start + 9), "text": f"From {start:g}"},
            {"start": stamp(end + 600), "end": "", "text": "Hallucinated, past the end"},
        ]}  # fmt: skip

    server.add_rule(has_media="youtube", handler=answer)
    transcript = transcribe_video(f"https://youtu.be/{ID}", llm=llm, duration_s=THREE_HOURS)

    requests = server.generate_requests()
    assert len(requests) == 4
    # Every window is the same canonical link, clipped with offsets.
    assert {r.media[0].file_uri for r in requests} == {CANONICAL}
    assert {r.media[0].source for r in requests} == {"youtube"}
    spans = sorted(offsets(r) for r in requests)
    assert spans[0][0] == 0 and spans[-1][1] == THREE_HOURS
    for (_, prev_end), (start, _) in itertools.pairwise(spans):
        assert start is not None and prev_end is not None and start < prev_end
    assert transcript.duration_s == THREE_HOURS
    assert [s.text for s in transcript.segments] == [f"From {s[0]:g}" for s in spans]
    assert all(s.end_s <= THREE_HOURS for s in transcript.segments)
    warnings = " | ".join(transcript.warnings)
    assert "starts after the end" in warnings
    assert UNCHECKED not in warnings


def test_without_a_duration_one_request_and_a_warning(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", text="[00:01] Hi\n[9:59:00] Far, far later")
    transcript = transcribe_video(CANONICAL, llm=llm)
    (req,) = server.generate_requests()
    assert req.media[0].video_metadata is None
    assert transcript.duration_s is None
    assert [s.start_s for s in transcript.segments] == [1, 35940]  # nothing to check them against
    assert any(UNCHECKED in w and "duration_s=" in w for w in transcript.warnings)


def test_link_start_and_duration_bound_the_single_window(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", text="[01:35] In range\n[10:30] Past the end")
    transcript = transcribe_video(f"{CANONICAL}&t=90s", llm=llm, duration_s=600)
    (req,) = server.generate_requests()
    assert offsets(req) == (90, 600)
    assert [s.start_s for s in transcript.segments] == [95]
    assert any("dropped a segment at 10:30" in w for w in transcript.warnings)


@pytest.mark.parametrize(
    ("url", "kwargs", "match"),
    [
        (CANONICAL, {"duration_s": 600, "end": "10:30"}, "past the end"),
        (CANONICAL, {"duration_s": 600, "start": 600}, "past the end"),
        (f"{CANONICAL}&t=700", {"duration_s": 600}, "the link's t="),
        (CANONICAL, {"duration_s": 0}, "duration_s"),
        (CANONICAL, {"duration_s": -5}, "duration_s"),
        (CANONICAL, {"duration_s": math.nan}, "duration_s"),
        (CANONICAL, {"duration_s": "1h"}, "duration_s"),
    ],
)
def test_offsets_past_the_hinted_end_and_bad_hints_are_refused_before_any_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, url: str, kwargs: dict[str, Any],
    match: str,
) -> None:  # fmt: skip
    with pytest.raises(InvalidRequestError, match=match):
        transcribe_video(url, llm=llm, **kwargs)
    with pytest.raises(InvalidRequestError, match=match):
        summarize_youtube(url, llm=llm, **kwargs)
    assert server.generate_requests() == []


def test_measured_duration_wins_over_the_hint(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(text="[00:02] Short clip")
    transcript = transcribe_video(make_mp4(20.0), llm=llm, duration_s=600)
    assert transcript.duration_s == 20
    assert any("duration_s=600 was ignored" in w for w in transcript.warnings)


# --- summaries ----------------------------------------------------------------------------------


def test_summary_chapters_are_checked_against_the_hinted_end(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", json=CHAPTERS)
    summary = summarize_youtube(CANONICAL, llm=llm, duration_s=300)
    assert [c.start_s for c in summary.chapters] == [0, 15, 31]
    assert summary.chapters[-1].end_s == 300  # the last chapter runs to the end of the video
    warnings = " | ".join(summary.warnings)
    assert "dropped a segment at 12:00" in warnings
    assert UNCHECKED not in warnings
    (req,) = server.generate_requests()
    assert req.media[0].video_metadata is None  # the whole video: no offsets for the hint


async def test_summary_without_duration_or_end_says_chapters_were_not_checked(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", json=CHAPTERS)
    summary = await asummarize_youtube(CANONICAL, llm=llm)
    assert summary.chapters[-1].title == "Hallucinated"  # nothing to check 12:00 against
    assert summary.chapters[-1].end_s is None
    assert any(UNCHECKED in w and "chapter times" in w for w in summary.warnings)


def test_three_hour_summary_is_sampled_at_a_lower_fps_to_fit(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", json={"summary": "Long.", "chapters": []})
    summary = summarize_youtube(CANONICAL, llm=llm, duration_s=THREE_HOURS)
    (req,) = server.generate_requests()
    fps = (req.media[0].video_metadata or {}).get("fps")
    assert fps is not None and 0 < fps < 1
    assert any("fps" in w for w in summary.warnings)


async def test_question_about_a_long_youtube_video_lowers_fps_with_the_hint(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="youtube", text="A quiz.")
    result = await aanalyze_video(CANONICAL, "Write a quiz.", llm=llm, duration_s=THREE_HOURS)
    (req,) = server.generate_requests()
    assert 0 < (req.media[0].video_metadata or {}).get("fps", 1) < 1
    assert result.text == "A quiz."


# --- loader ---------------------------------------------------------------------------------------


def test_loader_passes_one_duration_per_link(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    other = "dQw4w9WgXcQ"
    server.add_rule(has_media="youtube", prompt_contains="Transcribe", text="[00:05] Line")
    loader = GeminiYouTubeLoader(
        [CANONICAL, f"https://youtu.be/{other}"], llm=llm, mode="transcript",
        duration_s=[THREE_HOURS, None],
    )  # fmt: skip
    docs = loader.load()
    by_video = {d.metadata["video_id"]: d for d in docs}
    assert by_video[ID].metadata["duration_seconds"] == THREE_HOURS
    assert "duration_seconds" not in by_video[other].metadata
    requests = server.generate_requests()
    assert sum(CANONICAL in (r.media[0].file_uri or "") for r in requests) == 4  # windowed
    assert sum(other in (r.media[0].file_uri or "") for r in requests) == 1


@pytest.mark.parametrize(
    ("urls", "duration_s"),
    [([CANONICAL, f"https://youtu.be/{ID}"], 600.0), ([CANONICAL], [600.0, 700.0])],
)
def test_loader_refuses_durations_that_do_not_match_the_links(
    llm: ChatGoogleGenerativeAI, urls: list[str], duration_s: Any
) -> None:
    with pytest.raises(InvalidRequestError, match="duration_s"):
        GeminiYouTubeLoader(urls, llm=llm, duration_s=duration_s)
