"""Exports parse with an independent strict subtitle parser; loader Documents carry metadata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import aanalyze_video, analyze_video
from langchain_gemini_vision.document_loaders import GeminiVideoTranscriptLoader
from langchain_gemini_vision.document_loaders.video import seek_link, transcript_documents
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_mp4
from langchain_gemini_vision.types import Transcript, TranscriptSegment

SRT_TIME = r"(\d{2}):([0-5]\d):([0-5]\d),(\d{3})"
VTT_TIME = r"(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})"


def _seconds(groups: tuple[str, ...]) -> float:
    h, m, s, ms = (int(g) for g in groups)
    return h * 3600 + m * 60 + s + ms / 1000


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    """A strict SubRip reader: numbered blocks, a timing line, non-empty text, blank separators."""
    assert text.endswith("\n") and "\r" not in text
    cues = []
    for number, block in enumerate(text.strip("\n").split("\n\n"), start=1):
        lines = block.split("\n")
        assert lines[0] == str(number), block
        timing = re.fullmatch(f"{SRT_TIME} --> {SRT_TIME}", lines[1])
        assert timing, lines[1]
        body = lines[2:]
        assert body and all(line.strip() for line in body), block
        assert not any("-->" in line for line in body)
        start, end = _seconds(timing.groups()[:4]), _seconds(timing.groups()[4:])
        assert end > start
        cues.append((start, end, "\n".join(body)))
    return cues


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """A strict WebVTT reader (header, cue timings, escaped text)."""
    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text[len("WEBVTT\n\n") :].strip("\n").split("\n\n"):
        lines = block.split("\n")
        timing = re.fullmatch(f"{VTT_TIME} --> {VTT_TIME}", lines[0])
        assert timing, lines[0]
        body = lines[1:]
        assert body and all(line.strip() for line in body)
        assert not any("-->" in line or "<" in line for line in body)
        assert not re.search(r"&(?!amp;|lt;|gt;)", "\n".join(body))
        start, end = _seconds(timing.groups()[:4]), _seconds(timing.groups()[4:])
        assert end > start
        cues.append((start, end, "\n".join(body)))
    return cues


TRANSCRIPT = Transcript(
    segments=[
        TranscriptSegment(start_s=0, end_s=4.25, text="Welcome.", visual="Title slide"),
        TranscriptSegment(start_s=5, end_s=5, text="Zero-length cue", speaker="Ana"),
        TranscriptSegment(start_s=6, end_s=9, text="Line one\n\n\nline two --> arrow <b> & co"),
        TranscriptSegment(start_s=3599.5, end_s=3725.001, text="", visual="A long pan"),
        TranscriptSegment(start_s=3730, end_s=3731, text="   "),
    ],
    duration_s=3800,
    source="talk.mp4",
)


def test_srt_parses_strictly() -> None:
    cues = parse_srt(TRANSCRIPT.to_srt())
    assert [c[0] for c in cues] == [0, 5, 6, 3599.5, 3730]
    assert cues[0] == (0, 4.25, "Welcome.\n[Title slide]")
    assert cues[1][1] == 6  # zero-length cue gets a visible duration
    assert cues[1][2] == "Ana: Zero-length cue"
    assert cues[3][1] == pytest.approx(3725.001)


def test_vtt_parses_strictly() -> None:
    cues = parse_vtt(TRANSCRIPT.to_vtt())
    assert len(cues) == 5
    assert "&lt;b&gt; &amp; co" in cues[2][2]


def test_text_uses_hour_stamps_for_long_videos() -> None:
    lines = TRANSCRIPT.to_text().splitlines()
    assert lines[0] == "[0:00:00] Welcome. [visual: Title slide]"
    assert lines[3].startswith("[0:59:59]")


def test_empty_transcript_exports() -> None:
    empty = Transcript()
    assert empty.to_srt() == ""
    assert empty.to_vtt() == "WEBVTT\n"
    assert empty.to_text() == ""


# --- loader ---------------------------------------------------------------------------------


def test_seek_links() -> None:
    assert seek_link("talk.mp4", 123.9) == "talk.mp4#t=123"
    assert seek_link("/v/talk.mp4#t=5", 7) == "/v/talk.mp4#t=7"
    assert seek_link("https://youtu.be/dQw4w9WgXcQ?t=5", 61) == (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=61s"
    )


def test_documents_per_chunk_segment_and_video() -> None:
    transcript = TRANSCRIPT.model_copy(update={"gemini_file_uri": "https://x/v1beta/files/abc"})
    chunks = transcript_documents(transcript, chunk_seconds=60)
    assert [d.metadata["start_seconds"] for d in chunks] == [0, 3599.5, 3730]
    first = chunks[0].metadata
    assert {"source", "start_seconds", "end_seconds", "start_timestamp", "model"} <= set(first)
    assert first["source"] == "talk.mp4#t=0"
    assert first["end_seconds"] == 9
    assert first["start_timestamp"] == "0:00:00"
    assert first["gemini_file_uri"] == "https://x/v1beta/files/abc"
    assert chunks[1].metadata["source"] == "talk.mp4#t=3599"
    assert chunks[0].page_content.count("\n") == 2  # three segments in the first minute
    assert len(transcript_documents(transcript, mode="segments")) == 5
    (whole,) = transcript_documents(transcript, mode="video")
    assert whole.metadata["end_seconds"] == 3731


def test_loader_sync_and_async(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(make_mp4(150.0))
    server.add_rule(
        json={"segments": [{"start": "0:05", "end": "0:10", "text": "one"},
                           {"start": "1:10", "end": "1:20", "text": "two"},
                           {"start": "2:01", "end": "2:10", "text": "three"}]}
    )  # fmt: skip
    loader = GeminiVideoTranscriptLoader(path, llm=llm, chunk_seconds=60)
    docs = list(loader.lazy_load())
    assert [d.metadata["source"] for d in docs] == [f"{path}#t=5", f"{path}#t=70", f"{path}#t=121"]
    assert docs[1].metadata["start_timestamp"] == "01:10"
    assert "gemini_file_uri" not in docs[0].metadata  # sent inline
    assert docs[0].metadata["model"]

    import asyncio

    async def collect() -> list[str]:
        return [d.page_content async for d in loader.alazy_load()]

    assert asyncio.run(collect()) == [d.page_content for d in docs]


def test_analyze_video_keeps_the_question(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_schema=False, text="At 01:05 the chart shows growth.")
    result = analyze_video(make_mp4(120.0), "What happens at 01:05 and 01:19?", llm=llm)
    assert result.text == "At 01:05 the chart shows growth."
    (req,) = server.generate_requests()
    assert req.text.startswith("What happens at 01:05 and 01:19?")
    assert req.response_schema is None
    assert req.media[0].mime_type == "video/mp4"


async def test_aanalyze_long_video_lowers_fps_to_fit(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    record = server.add_file(mime_type="video/mp4", size_bytes=10_000, video_duration_s=3 * 3600)
    server.add_rule(text="A quiz: ...")
    result = await aanalyze_video(record.name, "Write a quiz.", llm=llm)
    (req,) = server.generate_requests()
    fps = (req.media[0].video_metadata or {}).get("fps")
    assert fps is not None and 0 < fps < 1
    assert any("fps" in w for w in result.warnings)
