"""caption_image over the real SDK and HTTP against FakeGeminiServer (plus its pure parts)."""

from __future__ import annotations

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import (
    InvalidRequestError,
    MediaTooLargeError,
    ResponseBlockedError,
    acaption_image,
    caption_image,
)
from langchain_gemini_vision.image._imaging import check_inline_total
from langchain_gemini_vision.image.captioning import STYLE_PROMPTS, as_image_list, caption_prompt
from langchain_gemini_vision.media._prepare import PreparedMedia
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg, make_png


def test_several_images_keep_their_order_and_the_prompt_comes_last(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(has_media="image/", text="Image 1: a. Image 2: b. Image 3: c.")
    images = [make_png(30, 20), make_jpeg(40, 30), make_png(50, 10)]
    result = caption_image(images, prompt="Which one is widest?", llm=llm)
    assert result.text == "Image 1: a. Image 2: b. Image 3: c."
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0
    assert result.model
    (request,) = server.generate_requests()
    assert [m.image_size for m in request.media] == [(30, 20), (40, 30), (50, 10)]
    assert [m.mime_type for m in request.media] == ["image/png", "image/jpeg", "image/png"]
    parts = request.body["contents"][0]["parts"]
    assert [("text" in p) for p in parts] == [False, False, False, True]
    assert parts[-1]["text"].endswith("Which one is widest?")
    assert "3 images above are in order" in parts[-1]["text"]


@pytest.mark.parametrize("style", sorted(STYLE_PROMPTS))
def test_style_presets(server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, style: str) -> None:
    server.add_rule(text="  A caption.  ")
    result = caption_image(make_png(8, 8), style=style, llm=llm)  # type: ignore[arg-type]
    assert result.text == "A caption."
    (request,) = server.generate_requests()
    assert request.text == STYLE_PROMPTS[style].format(what="this image")


def test_transcribe_style_asks_for_visible_text() -> None:
    assert "transcribe all visible text" in caption_prompt(1, prompt=None, style="transcribe")
    assert "Number the answers" in caption_prompt(2, prompt=None, style="one_line")
    with pytest.raises(InvalidRequestError, match="style"):
        caption_prompt(1, prompt=None, style="poem")


def test_media_resolution_is_sent_per_part_on_gemini_3(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    caption_image([make_png(8, 8), make_png(9, 9)], llm=llm, media_resolution="low")
    (request,) = server.generate_requests()
    parts = request.body["contents"][0]["parts"]
    levels = [p.get("mediaResolution", p.get("media_resolution")) for p in parts[:2]]
    assert levels == [{"level": "MEDIA_RESOLUTION_LOW"}] * 2


def test_too_many_images_fail_before_anything_is_read(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    with pytest.raises(InvalidRequestError, match="3,600"):
        caption_image(["/nonexistent.jpg"] * 3601, llm=llm)
    with pytest.raises(InvalidRequestError, match="at least one"):
        caption_image([], llm=llm)
    with pytest.raises(InvalidRequestError, match="media_resolution"):
        caption_image(make_png(4, 4), llm=llm, media_resolution="8k")
    assert server.requests == []


def test_inline_total_is_checked_against_20_mb() -> None:
    big = PreparedMedia("image", "image/png", "a.png", data=b"0" * 8_000_000, size_bytes=8_000_000)
    check_inline_total([big])
    with pytest.raises(MediaTooLargeError, match="20 MB"):
        check_inline_total([big, big])


def test_max_tokens_keeps_the_text_and_warns(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(text="A long description that was cut", finish_reason="MAX_TOKENS")
    result = caption_image(make_png(8, 8), llm=llm)
    assert result.text == "A long description that was cut"
    assert any("MAX_TOKENS" in w for w in result.warnings)


def test_safety_block(server: FakeGeminiServer, llm: ChatGoogleGenerativeAI) -> None:
    server.add_rule(finish_reason="SAFETY")
    with pytest.raises(ResponseBlockedError):
        caption_image(make_png(8, 8), llm=llm)


def test_rotation_is_reported_in_warnings(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    result = caption_image(make_jpeg(40, 30, orientation=6), llm=llm)
    assert any("orientation 6" in w for w in result.warnings)
    assert server.generate_requests()[0].media[0].image_size == (30, 40)


async def test_async_twin(server: FakeGeminiServer, llm: ChatGoogleGenerativeAI) -> None:
    server.add_rule(text="first")
    result = await acaption_image([make_png(10, 10), make_jpeg(20, 20)], style="one_line", llm=llm)
    assert result.text == "first"
    (request,) = server.generate_requests()
    assert [m.image_size for m in request.media] == [(10, 10), (20, 20)]


def test_as_image_list() -> None:
    assert as_image_list("a.jpg") == ["a.jpg"]
    assert as_image_list(b"\x89PNG") == [b"\x89PNG"]
    assert as_image_list(("a", "b")) == ["a", "b"]
