"""Each capability against recorded traffic: structure, not prose, so a live re-record passes."""

from __future__ import annotations

import pytest
from PIL import Image

from langchain_gemini_vision import (
    caption_image,
    detect_objects,
    summarize_youtube,
    transcribe_video,
)

from .conftest import SAMPLES, CassetteBackend

pytestmark = [pytest.mark.cassette, pytest.mark.vcr]


def test_caption(cassette_backend: CassetteBackend) -> None:
    result = caption_image(SAMPLES.image, style="one_line", llm=cassette_backend.llm)
    assert result.text.strip()
    assert result.usage.input_tokens > 0


def test_detection_boxes_lie_inside_the_image(cassette_backend: CassetteBackend) -> None:
    width, height = Image.open(SAMPLES.image).size
    result = detect_objects(SAMPLES.image, "every object on the desk", llm=cassette_backend.llm)
    assert (result.image_width, result.image_height) == (width, height)
    assert result.detections, "the sample scene has several objects"
    for det in result.detections:
        box = det.box
        assert 0 <= box.x_min < box.x_max <= width
        assert 0 <= box.y_min < box.y_max <= height
        assert det.label.strip()


def test_transcript_segments_are_ordered_and_inside_the_video(
    cassette_backend: CassetteBackend,
) -> None:
    transcript = transcribe_video(SAMPLES.video, llm=cassette_backend.llm)
    assert transcript.segments
    assert transcript.duration_s is not None
    starts = [s.start_s for s in transcript.segments]
    assert starts == sorted(starts)
    for seg in transcript.segments:
        assert 0 <= seg.start_s <= seg.end_s <= transcript.duration_s
    assert transcript.to_srt().startswith("1\n")


def test_youtube_chapters_are_ordered_with_deep_links(cassette_backend: CassetteBackend) -> None:
    summary = summarize_youtube(SAMPLES.youtube_url, style="chapters", llm=cassette_backend.llm)
    assert summary.text.strip()
    assert summary.video_id and summary.url
    starts = [c.start_s for c in summary.chapters]
    assert starts and starts == sorted(starts)
    for chapter in summary.chapters:
        assert chapter.url is not None
        assert chapter.url.startswith(f"https://www.youtube.com/watch?v={summary.video_id}&t=")
