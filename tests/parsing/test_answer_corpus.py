"""Every answer shape of the corpus parses to the segments (or chapters) it holds."""

from __future__ import annotations

import pytest

from langchain_gemini_vision.errors import ResponseParseError
from langchain_gemini_vision.video._transcript_parsing import (
    parse_chapters_answer,
    parse_transcript_answer,
)
from tests.parsing.corpus import BLANK_ANSWERS, CHAPTER_SHAPES, TRANSCRIPT_SHAPES, Shape

FAMILIES = {shape.family for shape in TRANSCRIPT_SHAPES}


def test_corpus_covers_every_family() -> None:
    assert {"text key", "time-keyed", "range string", "markdown", "prose", "wrapper"} == FAMILIES
    assert len(TRANSCRIPT_SHAPES) + len(CHAPTER_SHAPES) >= 40


@pytest.mark.parametrize("shape", TRANSCRIPT_SHAPES, ids=lambda s: f"{s.family}: {s.name}")
def test_transcript_shape(shape: Shape) -> None:
    parsed = parse_transcript_answer(shape.answer)
    got = [(s.start_s, s.end_s, s.text) for s in parsed.segments]
    assert got == list(shape.segments)
    for seg in parsed.segments:
        assert "**" not in seg.text and "`" not in seg.text and not seg.text.startswith(("*", "-"))
    if shape.warning:
        assert any(shape.warning in r for r in parsed.repairs), parsed.repairs


@pytest.mark.parametrize(("name", "answer"), BLANK_ANSWERS, ids=[n for n, _ in BLANK_ANSWERS])
def test_all_blank_segments_raise_with_the_raw_text(name: str, answer: str) -> None:
    with pytest.raises(ResponseParseError) as info:
        parse_transcript_answer(answer)
    assert info.value.raw_text == answer
    assert "no text" in str(info.value) or "no transcript segments" in str(info.value)


def test_one_blank_segment_among_others_is_kept_and_reported() -> None:
    parsed = parse_transcript_answer(
        '[{"start": "0:00", "text": "Hi."}, {"start": "0:05", "text": ""}]'
    )
    assert [s.text for s in parsed.segments] == ["Hi.", ""]
    assert any("no text" in r for r in parsed.repairs)


def test_visual_only_segments_are_not_blank() -> None:
    parsed = parse_transcript_answer('[{"start": "0:00", "text": "", "visual": "A red door."}]')
    assert parsed.segments[0].visual == "A red door."


def test_an_empty_segment_list_is_an_empty_transcript_not_an_error() -> None:
    # A silent, static video legitimately yields no segments; the caller warns about it.
    assert parse_transcript_answer('{"segments": []}').segments == []


@pytest.mark.parametrize(
    ("name", "answer", "summary", "chapters"), CHAPTER_SHAPES, ids=[c[0] for c in CHAPTER_SHAPES]
)
def test_chapter_shape(
    name: str, answer: str, summary: str, chapters: tuple[tuple[float, str], ...]
) -> None:
    parsed = parse_chapters_answer(answer)
    assert [(c.start_s, c.title) for c in parsed.chapters] == list(chapters)
    assert parsed.summary == summary


def test_chapter_title_and_summary_split_from_a_markdown_line() -> None:
    parsed = parse_chapters_answer("- **0:00** Intro: the host says hello")
    assert [(c.title, c.summary) for c in parsed.chapters] == [("Intro", "the host says hello")]
