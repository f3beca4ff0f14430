"""estimate_image_tokens (guide's tiling rules, media_resolution counts) and annotate_image."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.image._tokens import estimate_image_tokens, model_generation
from langchain_gemini_vision.image.annotate import PALETTE, annotate_image
from langchain_gemini_vision.image.detection import parse_detections
from langchain_gemini_vision.image.geometry import mask_from_polygon
from langchain_gemini_vision.media._prepare import prepare_media
from langchain_gemini_vision.testing.samples import make_jpeg
from langchain_gemini_vision.types import BoundingBox, Detection, DetectionResult


@pytest.mark.parametrize(
    ("model", "size", "tokens"),
    [
        ("gemini-1.0-pro-vision", (4000, 3000), 258),
        ("gemini-1.5-flash", (384, 384), 258),
        ("gemini-1.5-pro", (1024, 768), 4 * 258),  # tile 768/1.5 = 512 -> 2 x 2
        ("gemini-1.5-flash", (3000, 200), 12 * 258),  # tile 133 -> clamped to 256 -> 12 x 1
        ("gemini-1.5-flash", (4000, 3000), 6 * 4 * 258),  # tile 2000 -> clamped to 768
        ("gemini-2.0-flash", (384, 200), 258),
        ("gemini-2.0-flash", (385, 100), 258),  # one 768 tile
        ("gemini-2.0-flash", (1536, 1152), 4 * 258),
        ("models/gemini-2.0-flash-001", (1537, 768), 3 * 258),
        ("gemini-2.5-flash", (800, 800), 4 * 258),
        ("gemini-3-flash-preview", (4000, 3000), 1120),
        ("gemini-3.5-flash", (10, 10), 1120),
    ],
)
def test_token_rules(model: str, size: tuple[int, int], tokens: int) -> None:
    assert estimate_image_tokens(size, model) == tokens


@pytest.mark.parametrize(("resolution", "tokens"), [("low", 280), ("MEDIUM", 560), ("high", 1120)])
def test_gemini3_media_resolution(resolution: str, tokens: int) -> None:
    assert (
        estimate_image_tokens((4000, 3000), "gemini-3-pro", media_resolution=resolution) == tokens
    )


def test_undocumented_resolution_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="ULTRA"):
        estimate_image_tokens((10, 10), "gemini-3-pro", media_resolution="ultra_high")
    with pytest.raises(InvalidRequestError):
        estimate_image_tokens((10, 10), "gemini-3-pro", media_resolution="max")


def test_tokens_use_the_size_as_sent() -> None:
    prepared = prepare_media(make_jpeg(3000, 2000), max_image_side=768)
    assert estimate_image_tokens(prepared, "gemini-2.0-flash") == 258
    assert estimate_image_tokens(make_jpeg(3000, 2000), "gemini-2.0-flash") == 4 * 3 * 258
    assert model_generation("gemini-2.5-pro") == (2, 5)
    assert model_generation("my-model") is None


# --- annotate -------------------------------------------------------------------------------------


def png(width: int, height: int, color: tuple[int, int, int] = (255, 255, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def detection(label: str, box: tuple[int, int, int, int], **kw: object) -> Detection:
    x0, y0, x1, y1 = box
    return Detection(
        label=label,
        box=BoundingBox(x_min=x0, y_min=y0, x_max=x1, y_max=y1),
        box_2d=[0, 0, 1, 1],
        **kw,  # type: ignore[arg-type]  # test helper forwards optional Detection fields
    )


def result_of(width: int, height: int, *detections: Detection) -> DetectionResult:
    return DetectionResult(detections=list(detections), image_width=width, image_height=height)


def test_boxes_are_drawn_at_their_pixels_with_one_colour_per_label() -> None:
    result = result_of(
        400,
        300,
        detection("cat", (50, 100, 150, 200)),
        detection("dog", (200, 100, 300, 250)),
        detection("cat", (320, 40, 390, 90)),
    )
    out = annotate_image(png(400, 300), result, line_width=2)
    assert out.size == (400, 300) and out.mode == "RGB"
    cat, dog = PALETTE[0], PALETTE[1]
    assert out.getpixel((50, 150)) == cat  # left edge of the first box
    assert out.getpixel((149, 150)) == cat  # right edge: max is exclusive, last column is 149
    assert out.getpixel((151, 150)) == (255, 255, 255)
    assert out.getpixel((200, 200)) == dog
    assert out.getpixel((320, 60)) == cat  # same label, same colour
    assert out.getpixel((100, 150)) == (255, 255, 255)  # box interiors stay untouched


def test_label_sits_on_a_filled_tag_above_the_box_or_inside_at_the_top() -> None:
    result = result_of(
        400, 300, detection("person", (100, 100, 300, 280)), detection("sky", (0, 0, 400, 50))
    )
    out = annotate_image(png(400, 300), result, font_size=16)
    person, sky = PALETTE[0], PALETTE[1]
    # Just above the person box there is a tag in its colour with differently coloured text.
    tag = out.crop((100, 80, 160, 99))
    colours = {c for _, c in tag.getcolors(maxcolors=10_000) or []}
    assert person in colours and len(colours) > 1
    # The sky box touches the top edge, so its tag goes inside the box.
    assert sky in {c for _, c in out.crop((0, 0, 60, 20)).getcolors(maxcolors=10_000) or []}


def test_exif_rotated_photo_is_drawn_upright() -> None:
    jpeg = make_jpeg(320, 240, orientation=6)
    result = result_of(240, 320, detection("marker", (10, 10, 100, 100)))
    out = annotate_image(jpeg, result)
    assert out.size == (240, 320)


def test_masks_are_blended_inside_the_mask_only() -> None:
    box = BoundingBox(x_min=100, y_min=100, x_max=200, y_max=200)
    mask = mask_from_polygon([[100, 100], [199, 100], [100, 199]], box)  # upper-left triangle
    result = result_of(300, 300, Detection(label="kite", box=box, box_2d=[1, 1, 2, 2], mask=mask))
    out = annotate_image(png(300, 300), result, mask_opacity=0.5, line_width=1)
    inside = out.getpixel((120, 120))
    outside = out.getpixel((185, 185))
    colour = PALETTE[0]
    assert outside == (255, 255, 255)
    for channel, white in zip(inside, colour, strict=True):
        assert abs(channel - (white + 255) / 2) <= 2  # 50 % blend of colour over white


def test_boxes_scale_to_a_resized_copy() -> None:
    answer = json.dumps([{"box_2d": [500, 500, 1000, 1000], "label": "q"}])
    result = parse_detections(answer, (800, 600))
    out = annotate_image(png(400, 300), result, line_width=1)  # half-size copy
    assert out.getpixel((200, 250)) == PALETTE[0]  # left edge at x = 400 * 0.5
    assert out.getpixel((250, 250)) == (255, 255, 255)


def test_labels_of_boxes_sharing_a_corner_do_not_hide_each_other() -> None:
    from langchain_gemini_vision.image.annotate import _tag_position

    placed: list[tuple[int, int, int, int]] = []
    for _ in range(3):
        x, y = _tag_position((100, 100, 300, 300), (60, 20), (400, 400), placed)
        placed.append((x, y, x + 60, y + 20))
    assert placed[0] == (100, 80, 160, 100)  # above the box
    assert placed[1] == (100, 100, 160, 120)  # then inside its top edge
    assert placed[2] == (100, 120, 160, 140)  # then stepped below the previous tag
    # Near the bottom-right corner the tag is pulled back inside the canvas.
    x, y = _tag_position((390, 0, 400, 10), (60, 20), (400, 400), [])
    assert (x, y) == (340, 0)
