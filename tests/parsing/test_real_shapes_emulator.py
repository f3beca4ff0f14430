"""Real answer shapes end to end: real SDK + LangChain over HTTP against FakeGeminiServer."""

from __future__ import annotations

import json

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import summarize_youtube, transcribe_video
from langchain_gemini_vision.errors import ResponseParseError
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4

ID = "9hE5-98ZeCg"


def test_caption_keyed_segments_keep_their_text(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(
        has_media="video/",
        json=[{"timestamp": "0:00-0:16", "caption": "Close-up of fur."},
              {"timestamp": "0:16-0:30", "caption": "A paw reaches out."}],
    )  # fmt: skip
    transcript = transcribe_video(make_mp4(30.0), llm=llm)
    assert [(s.start_s, s.end_s, s.text) for s in transcript.segments] == [
        (0, 16, "Close-up of fur."),
        (16, 30, "A paw reaches out."),
    ]
    assert any("'caption' key" in w for w in transcript.warnings)


def test_time_keyed_answer_is_a_transcript_not_an_empty_one(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="video/", json=[{"00:00": "Close-up of fur."}, {"00:16": "A paw."}])
    transcript = transcribe_video(make_mp4(30.0), llm=llm)
    assert [(s.start_s, s.end_s, s.text) for s in transcript.segments] == [
        (0, 16, "Close-up of fur."),
        (16, 21, "A paw."),
    ]


def test_markdown_and_prose_answers_lose_their_residue(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(
        has_media="video/",
        text="**0:00-0:16:** The user opens the app.\n"
        "The cat plays with the buttons. (0:16-0:20) The user likes it (0:20-0:25, 0:26-0:28).",
    )
    transcript = transcribe_video(make_mp4(30.0), llm=llm)
    assert [s.text for s in transcript.segments] == [
        "The user opens the app.",
        "The cat plays with the buttons.",
        "The user likes it.",
    ]
    assert [s.start_s for s in transcript.segments] == [0, 16, 20]


def test_all_blank_answer_raises_with_the_raw_text(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    answer = [{"start": "0:00", "end": "0:10", "text": ""}, {"start": "0:10", "text": ""}]
    server.add_rule(has_media="video/", json=answer)
    with pytest.raises(ResponseParseError) as info:
        transcribe_video(make_mp4(30.0), llm=llm)
    assert json.loads(info.value.raw_text) == answer


def test_clip_answer_mixing_clocks_lands_on_the_video_clock(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    # Starts on the video's clock ("At 00:40"), then restarts at 0:00 on the clip's.
    server.add_rule(
        has_media="video/",
        json={"segments": [
            {"start": "0:40", "text": "First."}, {"start": "0:45", "text": "Second."},
            {"start": "0:10", "text": "Third."}, {"start": "0:20", "text": "Fourth."},
        ]},
    )  # fmt: skip
    transcript = transcribe_video(make_mp4(120.0), llm=llm, start=40, end=80)
    assert [(s.start_s, s.text) for s in transcript.segments] == [
        (40, "First."),
        (45, "Second."),
        (50, "Third."),
        (60, "Fourth."),
    ]
    assert any("mixed" in w for w in transcript.warnings)


@pytest.mark.parametrize(
    "answer",
    [
        json.dumps([{"time": "0:00", "title": "Intro"}, {"time": "1:15", "title": "Setup"}]),
        json.dumps(["0:00 Intro", "1:15 Setup"]),
        "The host wires a lamp.\n\n- **0:00** Intro\n* 01:15 \u2013 Setup",
        "1. 0:00 Intro\n2. 1:15 Setup",
    ],
)
def test_summary_chapters_from_bare_and_markdown_lists(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, answer: str
) -> None:
    server.add_rule(has_media="youtube", text=answer)
    summary = summarize_youtube(f"https://youtu.be/{ID}", llm=llm, duration_s=300)
    assert [(c.start_s, c.title) for c in summary.chapters] == [(0, "Intro"), (75, "Setup")]
    assert summary.chapters[1].url.endswith("&t=75s")
    if answer.startswith("The host"):
        assert summary.text.startswith("The host wires a lamp.")
