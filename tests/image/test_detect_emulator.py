"""detect_objects over the real SDK and HTTP against FakeGeminiServer."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI
from PIL import Image

from langchain_gemini_vision import (
    InvalidRequestError,
    MediaAccessError,
    ResponseBlockedError,
    ResponseParseError,
    UnsupportedMediaError,
    adetect_objects,
    detect_objects,
)
from langchain_gemini_vision.media._prepare import MediaPolicy
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.samples import make_jpeg

from .conftest import marker_answer, red_box, upright


def independent(box_2d: list[int], width: int, height: int) -> tuple[float, ...]:
    y0, x0, y1, x1 = box_2d
    return (x0 / 1000 * width, y0 / 1000 * height, x1 / 1000 * width, y1 / 1000 * height)


def assert_within(got: tuple[int, ...], want: tuple[float, ...], tolerance: float) -> None:
    assert all(abs(a - b) <= tolerance for a, b in zip(got, want, strict=True)), (got, want)


ANSWERS = {
    "fenced": lambda items: "```json\n" + json.dumps(items, indent=2) + "\n```",
    "bare": json.dumps,
    "wrapped": lambda items: json.dumps({"boxes": items}),
}
ITEMS = [
    {"box_2d": [125, 250, 250, 500], "label": "marker"},
    {"box_2d": [-4, 600, 1013, 998], "label": "edge"},  # out of range: clamped with a warning
]


@pytest.mark.parametrize("shape", sorted(ANSWERS))
@pytest.mark.parametrize(
    ("orientation", "max_side", "display"),
    [(1, None, (640, 480)), (6, None, (480, 640)), (8, 320, (480, 640)), (6, 200, (480, 640))],
)
def test_pixel_boxes_for_rotated_and_downscaled_images(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    shape: str,
    orientation: int,
    max_side: int | None,
    display: tuple[int, int],
) -> None:
    server.add_rule(has_media="image/", has_schema=True, text=ANSWERS[shape](ITEMS))
    photo = make_jpeg(640, 480, orientation=orientation)
    result = detect_objects(photo, "the red marker", llm=llm, max_image_side=max_side)

    assert (result.image_width, result.image_height) == display
    marker, edge = result.detections
    assert_within(marker.box.as_tuple(), independent([125, 250, 250, 500], *display), 1)
    assert_within(edge.box.as_tuple(), independent([0, 600, 1000, 998], *display), 1)
    assert any("clamped" in w for w in result.warnings)
    assert result.usage.total_tokens > 0 and result.model

    (request,) = server.generate_requests()
    parts = request.body["contents"][0]["parts"]
    assert "inlineData" in parts[0] and request.media[0].mime_type == "image/jpeg"
    assert "the red marker" in parts[1]["text"]  # the image first, the text after
    assert request.response_mime_type == "application/json"
    assert request.response_schema["items"]["required"] == ["box_2d", "label"]
    sent = request.media[0].image_size
    expected_sent = (
        display
        if max_side is None
        else (
            round(display[0] * max_side / max(display)),
            round(display[1] * max_side / max(display)),
        )
    )
    assert sent == expected_sent  # sent upright (and downscaled when asked)


@pytest.mark.parametrize(("orientation", "max_side"), [(1, None), (6, None), (6, 512), (8, 300)])
def test_boxes_land_on_the_object_in_the_upright_original(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, orientation: int, max_side: int | None
) -> None:
    server.add_rule(handler=marker_answer)
    photo = make_jpeg(1200, 900, orientation=orientation)
    result = detect_objects(photo, "the red marker", llm=llm, max_image_side=max_side)
    truth = red_box(upright(photo))  # computed without the package
    (marker,) = result.detections
    # One grid step (1.2 px at 1200 px) plus the downscale's blur and the sent image's rounding.
    tolerance = 2 if max_side is None else 1200 / max_side * 2 + 1.5
    assert_within(marker.box.as_tuple(), truth, tolerance)


async def test_async_twin_matches_sync(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(handler=marker_answer)
    photo = make_jpeg(800, 600, orientation=6)
    sync = detect_objects(photo, "marker", llm=llm, max_image_side=400)
    asynchronous = await adetect_objects(photo, "marker", llm=llm, max_image_side=400)
    assert sync.detections == asynchronous.detections
    assert len(server.generate_requests()) == 2


def _probability_mask(size: tuple[int, int]) -> str:
    img = Image.new("L", size, 0)
    img.paste(230, (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_masks_are_requested_and_returned_in_pixel_space(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    items = [{"box_2d": [100, 100, 500, 600], "label": "cup", "mask": _probability_mask((80, 80))}]
    server.add_rule(text="```json\n" + json.dumps(items) + "\n```")
    result = detect_objects(make_jpeg(1000, 500), "cups", llm=llm, with_masks=True)
    (cup,) = result.detections
    assert cup.box.as_tuple() == (100, 50, 600, 250)
    assert cup.mask is not None and cup.mask.png_base64
    with Image.open(io.BytesIO(base64.b64decode(cup.mask.png_base64))) as mask:
        assert mask.size == (500, 200)
        assert mask.getpixel((10, 100)) == 255 and mask.getpixel((490, 100)) == 0
    (request,) = server.generate_requests()
    assert "mask" in request.response_schema["items"]["required"]
    assert '"mask"' in request.text


def test_max_tokens_keeps_complete_objects(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    full = json.dumps([{"box_2d": [1, 1, 50, 50], "label": "a"}, {"box_2d": [60, 60, 90, 90]}])
    server.add_rule(text=full[: full.index("[60")], finish_reason="MAX_TOKENS")
    result = detect_objects(make_jpeg(100, 100), "things", llm=llm)
    assert result.truncated
    assert [d.label for d in result.detections] == ["a"]
    assert any("cut off" in w for w in result.warnings)


def test_zero_objects_is_a_valid_empty_result(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(text="[]")
    result = detect_objects(make_jpeg(100, 80), "unicorns", llm=llm)
    assert len(result) == 0 and not result.truncated
    assert result.summary() == "No matching objects found in the 100x80 image."


def test_malformed_answer_raises_with_raw_text(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    server.add_rule(text="I see a cat at the top left.")
    with pytest.raises(ResponseParseError) as info:
        detect_objects(make_jpeg(100, 80), "cat", llm=llm)
    assert info.value.raw_text == "I see a cat at the top left."


@pytest.mark.parametrize(
    "rule",
    [{"finish_reason": "SAFETY"}, {"block_reason": "SAFETY"}, {"block_reason": "OTHER"}],
)
def test_safety_block_is_a_typed_error(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, rule: dict[str, Any]
) -> None:
    server.add_rule(**rule)
    with pytest.raises(ResponseBlockedError) as info:
        detect_objects(make_jpeg(64, 64), "x", llm=llm)
    assert info.value.reason in ("SAFETY", "OTHER")


@pytest.mark.parametrize("target", ["", "  ", [], [" "]])
def test_empty_target_fails_before_any_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, target: Any
) -> None:
    with pytest.raises(InvalidRequestError):
        detect_objects(make_jpeg(64, 64), target, llm=llm)
    assert server.requests == []


def test_not_an_image_fails_before_any_request(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.jpg"
    notes.write_text("this is not a picture, whatever the extension says")
    with pytest.raises(UnsupportedMediaError):
        detect_objects(notes, "x", llm=llm)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    with pytest.raises(UnsupportedMediaError, match="image"):
        detect_objects(pdf, "x", llm=llm)
    assert server.requests == []


def test_corrupt_jpeg_is_unsupported_media(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    garbage = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x13" * 300
    with pytest.raises(UnsupportedMediaError):
        detect_objects(garbage, "x", llm=llm)
    assert server.requests == []


def test_truncated_jpeg_that_needs_work_is_unsupported_media(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI
) -> None:
    # A phone photo cut off mid-download: rotating/downscaling must decode it, and cannot.
    photo = make_jpeg(640, 480, orientation=6)
    with pytest.raises(UnsupportedMediaError):
        detect_objects(photo[: len(photo) // 2], "x", llm=llm, max_image_side=320)
    assert server.requests == []


def test_url_that_404s_or_is_html(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    web: tuple[str, dict[str, tuple[int, str, bytes]]],
) -> None:
    base, routes = web
    routes["/page.jpg"] = (200, "text/html", b"<!DOCTYPE html><html><body>hi</body></html>")
    routes["/ok.jpg"] = (200, "image/jpeg", make_jpeg(90, 60))
    local = MediaPolicy(ssrf_guard=False)  # the test web server is on loopback
    with pytest.raises(MediaAccessError):
        detect_objects(f"{base}/missing.jpg", "x", llm=llm, policy=local)
    with pytest.raises(UnsupportedMediaError, match="HTML"):
        detect_objects(f"{base}/page.jpg", "x", llm=llm, policy=local)
    assert server.requests == []
    server.add_rule(text='[{"box_2d": [0, 0, 500, 500], "label": "q"}]')
    result = detect_objects(f"{base}/ok.jpg", "x", llm=llm, policy=local)
    assert result.detections[0].box.as_tuple() == (0, 0, 45, 30)


def test_loopback_url_is_refused_by_the_default_ssrf_guard(
    server: FakeGeminiServer,
    llm: ChatGoogleGenerativeAI,
    web: tuple[str, dict[str, tuple[int, str, bytes]]],
) -> None:
    base, routes = web
    routes["/ok.jpg"] = (200, "image/jpeg", make_jpeg(90, 60))
    with pytest.raises(MediaAccessError):
        detect_objects(f"{base}/ok.jpg", "x", llm=llm)
    assert server.requests == []
