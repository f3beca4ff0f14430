"""The default image size: what the emulator receives for a large EXIF-rotated photo.

Every assertion is about the bytes the emulator decoded from the HTTP request (real SDK), not
about what the package says it sent.
"""

from __future__ import annotations

import io

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI
from PIL import Image

from langchain_gemini_vision import acaption_image, caption_image, detect_objects
from langchain_gemini_vision.media._options import GEMINI_3_IMAGE_TOKENS, PIXELS_PER_TOKEN
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg
from langchain_gemini_vision.tools import GeminiObjectDetectionTool

from .conftest import marker_answer, red_box, upright

# Stored 4032x3024 with EXIF orientation 6: a 12 MP portrait phone photo, 3024x4032 upright.
STORED = (4032, 3024)
UPRIGHT = (3024, 4032)


@pytest.fixture(scope="module")
def photo() -> bytes:
    return make_jpeg(*STORED, orientation=6)


def _budget(resolution: str) -> int:
    return int(GEMINI_3_IMAGE_TOKENS[resolution] * PIXELS_PER_TOKEN)


def _received(server: FakeGeminiServer) -> Image.Image:
    (request,) = server.generate_requests()
    data = request.media[0].data
    assert data is not None
    return Image.open(io.BytesIO(data))


def _assert_upright_and_within(sent: Image.Image, budget: int) -> None:
    width, height = sent.size
    assert width * height <= budget
    # Not needlessly small either: within one row/column of the budget's fit.
    assert (width + 2) * (height + 2) > budget
    assert height > width  # portrait: the EXIF rotation was applied to the pixels
    assert abs(width / height - UPRIGHT[0] / UPRIGHT[1]) < 0.002  # aspect kept
    assert sent.getexif().get(0x0112, 1) == 1  # no orientation tag left to rotate it again


@pytest.mark.parametrize(
    ("resolution", "enum"),
    [
        (None, "MEDIA_RESOLUTION_HIGH"),  # the API's default for images, assumed high
        ("low", "MEDIA_RESOLUTION_LOW"),
        ("medium", "MEDIA_RESOLUTION_MEDIUM"),
        ("high", "MEDIA_RESOLUTION_HIGH"),
        ("ultra_high", "MEDIA_RESOLUTION_ULTRA_HIGH"),
    ],
)
def test_gemini_3_gets_the_photo_at_its_budget_upright(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    photo: bytes,
    resolution: str | None,
    enum: str,
) -> None:
    server.add_rule(text="a caption")
    result = caption_image(photo, llm=llm, prompt="Describe.", media_resolution=resolution)

    sent = _received(server)
    _assert_upright_and_within(sent, _budget(enum))
    # The red marker sits where an independent EXIF transpose puts it, scaled.
    truth = red_box(upright(photo))
    got = red_box(sent)
    scale = UPRIGHT[0] / sent.size[0]
    assert all(abs(g * scale - t) <= 2 * scale + 2 for g, t in zip(got, truth, strict=True))
    # The result records what was sent.
    (info,) = result.sent_images
    assert (info.width, info.height) == sent.size
    assert (info.original_width, info.original_height) == UPRIGHT
    assert info.downscaled and info.mime_type == "image/jpeg"
    assert any("downscaled from 3024x4032" in w for w in result.warnings)


async def test_async_twin_sends_the_same_size(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: bytes
) -> None:
    server.add_rule(text="a caption")
    await acaption_image(photo, llm=llm, prompt="Describe.")
    _assert_upright_and_within(_received(server), _budget("MEDIA_RESOLUTION_HIGH"))


def test_explicit_side_wins_over_the_budget(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: bytes
) -> None:
    server.add_rule(text="a caption")
    caption_image(photo, llm=llm, prompt="Describe.", max_image_side=3000, media_resolution="low")
    assert _received(server).size == (2250, 3000)  # larger than the low budget: asked for


def test_original_opts_out_of_the_default(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: bytes
) -> None:
    server.add_rule(text="a caption")
    result = caption_image(photo, llm=llm, prompt="Describe.", max_image_side="original")
    sent = _received(server)
    assert sent.size == UPRIGHT  # full size, still rotated upright
    assert not result.sent_images[0].downscaled


@pytest.mark.parametrize("model", ["gemini-2.5-flash", "gemini-1.5-pro", "gemini-flash-latest"])
def test_models_without_a_known_budget_get_the_photo_full_size(
    server: FakeGeminiServer, photo: bytes, model: str
) -> None:
    server.add_rule(text="a caption")
    caption_image(photo, llm=server.llm(model=model, max_retries=1), prompt="Describe.")
    assert _received(server).size == UPRIGHT


def test_small_images_are_never_enlarged_nor_re_encoded(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    small = make_jpeg(640, 480)
    server.add_rule(text="a caption")
    result = caption_image(small, llm=llm, prompt="Describe.", media_resolution="low")
    (request,) = server.generate_requests()
    assert request.media[0].data == small  # the original bytes, untouched
    assert not result.sent_images[0].downscaled


def test_boxes_on_a_default_downscaled_rotated_photo_are_in_original_pixels(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: bytes
) -> None:
    server.add_rule(handler=marker_answer)
    result = detect_objects(photo, "the red marker", llm=llm)

    sent = _received(server)
    assert sent.size[0] < UPRIGHT[0]  # it really was downscaled by default
    assert (result.image_width, result.image_height) == UPRIGHT
    assert result.sent_image is not None and result.sent_image.downscaled
    truth = red_box(upright(photo))  # computed without the package, on the full-size original
    (marker,) = result.detections
    # One 0-1000 grid step (4 px at 4032 px) plus one sent pixel's worth (~2.2 px) of blur.
    tolerance = UPRIGHT[1] / 1000 + 2 * UPRIGHT[0] / sent.size[0] + 1
    got = marker.box.as_tuple()
    assert all(abs(g - t) <= tolerance for g, t in zip(got, truth, strict=True)), (got, truth)


def test_detection_tool_applies_the_default_too(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, photo: bytes, tmp_path: object
) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "phone.jpg").write_bytes(photo)
    server.add_rule(handler=marker_answer)
    tool = GeminiObjectDetectionTool(llm=llm, allowed_dirs=[folder], media_resolution="medium")
    tool.invoke({"image": str(folder / "phone.jpg"), "target": "the red marker"})
    _assert_upright_and_within(_received(server), _budget("MEDIA_RESOLUTION_MEDIUM"))


def test_tools_and_toolkit_take_original_and_refuse_other_words(
    llm: ChatGoogleGenerativeAI,
) -> None:
    from langchain_gemini_vision import ConfigurationError, GeminiVisionToolkit
    from langchain_gemini_vision.tools import GeminiImageCaptionTool

    toolkit = GeminiVisionToolkit(llm=llm, max_image_side="original")
    assert {getattr(t, "max_image_side", "original") for t in toolkit.get_tools()} == {"original"}
    assert GeminiImageCaptionTool(llm=llm, max_image_side="original").max_image_side == "original"
    with pytest.raises(ConfigurationError, match="'original'"):
        GeminiImageCaptionTool(llm=llm, max_image_side="full")
    with pytest.raises(ConfigurationError, match="max_image_side"):
        GeminiVisionToolkit(llm=llm, max_image_side=0)


def test_batch_items_get_the_same_default(llm: ChatGoogleGenerativeAI, photo: bytes) -> None:
    from langchain_gemini_vision.batch._requests import (
        MediaUploads,
        build_item,
        caption_request,
        detection_request,
    )

    uploads = MediaUploads(llm, manager=None)  # type: ignore[arg-type]  # inline: no uploads
    for request in (
        caption_request(photo, media_resolution="low"),
        detection_request(photo, "the red marker", media_resolution="low"),
    ):
        block = build_item(request, uploads).messages[0].content[0]
        assert isinstance(block, dict)
        _assert_upright_and_within(
            Image.open(io.BytesIO(block["data"])), _budget("MEDIA_RESOLUTION_LOW")
        )
    explicit = build_item(caption_request(photo, max_image_side=500), uploads)
    block = explicit.messages[0].content[0]
    assert isinstance(block, dict)
    assert Image.open(io.BytesIO(block["data"])).size == (375, 500)
