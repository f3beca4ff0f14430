"""Detection answers in every real-world shape -> pixel boxes (table-driven, pure)."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from PIL import Image

from langchain_gemini_vision.errors import InvalidRequestError, ResponseParseError
from langchain_gemini_vision.image.detection import (
    build_detection_request,
    default_label_for,
    detection_prompt,
    detection_schema,
    normalise_target,
    parse_detections,
)
from langchain_gemini_vision.media._prepare import ImageGeometry, prepare_media
from langchain_gemini_vision.testing.samples import make_jpeg, make_png

SPRINKLES = [
    {"box_2d": [390, 64, 574, 203], "label": "red sprinkles"},
    {"box_2d": [0, 500, 1000, 1000], "label": "plate"},
]
BARE = json.dumps(SPRINKLES)


def independent(box_2d: list[int], width: int, height: int) -> tuple[float, float, float, float]:
    y0, x0, y1, x1 = box_2d
    return (x0 / 1000 * width, y0 / 1000 * height, x1 / 1000 * width, y1 / 1000 * height)


def within_1px(got: tuple[int, ...], want: tuple[float, ...]) -> bool:
    return all(abs(a - b) <= 1 for a, b in zip(got, want, strict=True))


# (case, answer text, display size, expected [(label, box_2d used)], n_warnings, truncated)
SHAPES: list[tuple[str, str, tuple[int, int], list[tuple[str, list[int]]], int, bool]] = [
    (
        "fenced (recorded)",
        f"```json\n{BARE}\n```",
        (640, 480),
        [("red sprinkles", [390, 64, 574, 203]), ("plate", [0, 500, 1000, 1000])],
        0,
        False,
    ),
    (
        "bare array",
        BARE,
        (640, 480),
        [("red sprinkles", [390, 64, 574, 203]), ("plate", [0, 500, 1000, 1000])],
        0,
        False,
    ),
    (
        "boxes wrapper",
        json.dumps({"boxes": SPRINKLES}),
        (640, 480),
        [("red sprinkles", [390, 64, 574, 203]), ("plate", [0, 500, 1000, 1000])],
        0,
        False,
    ),
    (
        "detections wrapper, fenced",
        "```json\n" + json.dumps({"detections": SPRINKLES[:1]}) + "\n```",
        (640, 480),
        [("red sprinkles", [390, 64, 574, 203])],
        0,
        False,
    ),
    (
        "prose around",
        f"Sure! Here are the objects:\n{BARE}\nLet me know if you need more.",
        (640, 480),
        [("red sprinkles", [390, 64, 574, 203]), ("plate", [0, 500, 1000, 1000])],
        0,
        False,
    ),
    (
        "missing label",
        json.dumps([{"box_2d": [10, 10, 20, 20]}]),
        (100, 100),
        [("the cat", [10, 10, 20, 20])],
        1,
        False,
    ),
    (
        "swapped corners",
        json.dumps([{"box_2d": [574, 203, 390, 64], "label": "x"}]),
        (640, 480),
        [("x", [390, 64, 574, 203])],
        1,
        False,
    ),
    (
        "out of range above 1000 and negative",
        json.dumps([{"box_2d": [-12, 900, 500, 1050], "label": "edge"}]),
        (800, 600),
        [("edge", [0, 900, 500, 1000])],
        1,
        False,
    ),
    (
        "non-square image",
        json.dumps([{"box_2d": [100, 100, 900, 300], "label": "pole"}]),
        (1920, 200),
        [("pole", [100, 100, 900, 300])],
        0,
        False,
    ),
    (
        "zero-area and malformed entries dropped",
        json.dumps(
            [
                {"box_2d": [10, 10, 10, 50], "label": "flat"},
                {"box_2d": [1, 2, 3], "label": "short"},
                "junk",
                {"label": "no box"},
                {"box_2d": [10, 10, 50, 50], "label": "kept"},
            ]
        ),
        (100, 100),
        [("kept", [10, 10, 50, 50])],
        4,
        False,
    ),
    (
        "truncated array keeps complete objects",
        BARE[: BARE.index('"plate"') + 3],
        (640, 480),
        [("red sprinkles", [390, 64, 574, 203])],
        1,
        True,
    ),
    (
        "truncated inside a fence",
        '```json\n[\n  {"box_2d": [1, 2, 30, 40], "label": "a"},\n  {"box_2d": [5',
        (1000, 1000),
        [("a", [1, 2, 30, 40])],
        1,
        True,
    ),
    ("zero objects", "[]", (640, 480), [], 0, False),
    ("zero objects, wrapped", '{"boxes": []}', (640, 480), [], 0, False),
    (
        "single bare box (guide's piranha prompt)",
        "[100, 200, 300, 400]",
        (1000, 1000),
        [("the cat", [100, 200, 300, 400])],
        1,
        False,
    ),
    (
        "single object, not a list",
        json.dumps({"box_2d": [100, 200, 300, 400], "label": "dog"}),
        (1000, 1000),
        [("dog", [100, 200, 300, 400])],
        0,
        False,
    ),
    (
        "alternate key names",
        json.dumps([{"bbox": [100, 200, 300, 400], "name": "dog"}]),
        (1000, 1000),
        [("dog", [100, 200, 300, 400])],
        0,
        False,
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "size", "expected", "n_warnings", "truncated"),
    SHAPES,
    ids=[s[0] for s in SHAPES],
)
def test_answer_shapes(
    case: str,
    text: str,
    size: tuple[int, int],
    expected: list[tuple[str, list[int]]],
    n_warnings: int,
    truncated: bool,
) -> None:
    result = parse_detections(text, size, default_label="the cat")
    assert [(d.label, d.box_2d) for d in result.detections] == expected
    assert len(result.warnings) == n_warnings, result.warnings
    assert result.truncated is truncated
    assert (result.image_width, result.image_height) == size
    for detection in result.detections:
        assert within_1px(detection.box.as_tuple(), independent(detection.box_2d, *size))
        assert 0 <= detection.box.x_min < detection.box.x_max <= size[0]
        assert 0 <= detection.box.y_min < detection.box.y_max <= size[1]


@pytest.mark.parametrize(
    "text",
    [
        "I could not find anything.",
        "```json\n{not json at all\n```",
        '{"answer": "none"}',
        '"just a string"',
        "",
    ],
)
def test_unparseable_answers_raise_with_raw_text(text: str) -> None:
    with pytest.raises(ResponseParseError) as info:
        parse_detections(text, (100, 100))
    assert info.value.raw_text == text


def test_max_tokens_flags_even_a_complete_array() -> None:
    result = parse_detections(BARE, (640, 480), truncated=True)
    assert result.truncated
    assert len(result.detections) == 2
    assert any("MAX_TOKENS" in w for w in result.warnings)


def test_max_tokens_with_empty_text_is_a_flagged_empty_result() -> None:
    result = parse_detections("", (640, 480), truncated=True)
    assert result.truncated and len(result) == 0
    assert "max_output_tokens" in result.warnings[0]


@pytest.mark.parametrize(
    ("orientation", "stored", "display"),
    [(1, (400, 300), (400, 300)), (6, (400, 300), (300, 400)), (8, (400, 300), (300, 400))],
)
def test_exif_rotated_geometry(
    orientation: int, stored: tuple[int, int], display: tuple[int, int]
) -> None:
    # The model sees the upright image, so boxes are on the display (width/height swapped) frame.
    geometry = ImageGeometry(
        display_width=display[0],
        display_height=display[1],
        sent_width=display[0],
        sent_height=display[1],
        exif_orientation=orientation,
    )
    box_2d = [100, 250, 500, 750]
    result = parse_detections(json.dumps([{"box_2d": box_2d, "label": "m"}]), geometry)
    box = result.detections[0].box
    assert (result.image_width, result.image_height) == display
    assert within_1px(box.as_tuple(), independent(box_2d, *display))
    if orientation != 1:
        assert box.as_tuple() == (75, 40, 225, 200)


@pytest.mark.parametrize("orientation", [6, 8])
def test_real_exif_jpeg_and_downscale_through_request_builder(orientation: int) -> None:
    # Stored 800x600 pixels tagged orientation 6/8: a person sees 600x800. Sent downscaled to 200.
    prepared = prepare_media(
        make_jpeg(800, 600, orientation=orientation), max_image_side=200, expect="image"
    )
    request = build_detection_request(prepared, "the marker")
    assert tuple(request.size) == (600, 800)
    assert prepared.geometry is not None
    assert (prepared.geometry.sent_width, prepared.geometry.sent_height) == (150, 200)
    with Image.open(io.BytesIO(prepared.data or b"")) as sent:
        assert sent.size == (150, 200)  # what Gemini sees is upright
    box_2d = [123, 456, 789, 987]
    result = parse_detections(json.dumps([{"box_2d": box_2d, "label": "m"}]), request.size)
    assert within_1px(result.detections[0].box.as_tuple(), independent(box_2d, 600, 800))
    # The media core's notes (rotation, ...) are carried into the result's warnings.
    assert any("orientation" in w for w in request.warnings)


def probability_png(size: tuple[int, int], value: int) -> str:
    img = Image.new("L", size, value)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_png_masks_land_in_image_pixel_space() -> None:
    answer = (
        "```json\n"
        + json.dumps(
            [
                {
                    "box_2d": [100, 100, 600, 350],
                    "label": "cup",
                    "mask": probability_png((64, 64), 255),
                },
                {"box_2d": [0, 0, 100, 100], "label": "bad", "mask": "data:image/png;base64,AAAA"},
            ]
        )
        + "\n```"
    )
    result = parse_detections(answer, (800, 600))
    cup, bad = result.detections
    assert cup.box.as_tuple() == (80, 60, 280, 360)
    assert cup.mask is not None and cup.mask.png_base64
    with Image.open(io.BytesIO(base64.b64decode(cup.mask.png_base64))) as mask:
        assert mask.size == (cup.box.width, cup.box.height)
    assert bad.mask is None  # the box is kept, the mask is dropped with a warning
    assert any("'bad'" in w and "mask" in w for w in result.warnings)


def test_polygon_masks_from_newer_models() -> None:
    answer = json.dumps(
        [
            {
                "box_2d": [100, 100, 500, 500],
                "label": "kite",
                "polygon": [[100, 300], [500, 500], [500, 100]],
            },
            {
                "box_2d": [600, 600, 900, 900],
                "label": "ball",
                "mask": {"points": [[600, 600], [600, 900], [900, 900]]},
            },
        ]
    )
    result = parse_detections(answer, (1000, 2000))
    kite, ball = result.detections
    assert kite.mask is not None and kite.mask.polygon == [[300, 200], [500, 1000], [100, 1000]]
    assert ball.mask is not None and ball.mask.polygon == [[600, 1200], [900, 1200], [900, 1800]]
    assert result.warnings == []


def test_confidence_is_kept_when_given() -> None:
    answer = json.dumps([{"box_2d": [1, 1, 9, 9], "label": "a", "confidence": 0.8}])
    assert parse_detections(answer, (10, 10)).detections[0].confidence == 0.8


def test_summary_reads_like_pixel_boxes() -> None:
    result = parse_detections(BARE, (640, 480))
    summary = result.summary()
    assert summary.startswith("2 objects in the 640x480 image")
    assert "red sprinkles (40, 187, 130, 276)" in summary


# --- request building --------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["", "   ", [], ["", "  "]])
def test_empty_target_is_refused(target: Any) -> None:
    with pytest.raises(InvalidRequestError):
        normalise_target(target)


def test_label_list_is_deduplicated_and_named_in_prompt() -> None:
    labels = normalise_target(["cat", " dog ", "cat", ""])
    assert labels == ["cat", "dog"]
    prompt = detection_prompt(labels, max_objects=7, with_masks=False)
    assert '"cat", "dog"' in prompt and "at most 7" in prompt and "mask" not in prompt
    assert default_label_for(["cat"]) == "cat"
    assert default_label_for(labels) == "object"


def test_request_puts_image_first_and_asks_for_json_schema() -> None:
    prepared = prepare_media(make_png(64, 48), expect="image")
    request = build_detection_request(
        prepared, "every square", max_objects=5, with_masks=True, media_resolution="high"
    )
    (message,) = request.messages
    blocks = message.content
    assert isinstance(blocks, list) and len(blocks) == 2
    assert isinstance(blocks[0], dict) and blocks[0]["type"] == "media"
    assert blocks[0]["mime_type"] == "image/png"
    assert blocks[0]["media_resolution"] == "MEDIA_RESOLUTION_HIGH"
    assert isinstance(blocks[1], dict) and blocks[1]["type"] == "text"
    assert "every square" in blocks[1]["text"] and '"mask"' in blocks[1]["text"]
    assert request.call_kwargs["response_mime_type"] == "application/json"
    schema = request.call_kwargs["response_json_schema"]
    assert schema == detection_schema(max_objects=5, with_masks=True)
    assert schema["maxItems"] == 5
    assert schema["items"]["required"] == ["box_2d", "label", "mask"]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"max_objects": 0}, "max_objects"),
        ({"media_resolution": "huge"}, "media_resolution"),
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, Any], needle: str) -> None:
    prepared = prepare_media(make_png(8, 8), expect="image")
    with pytest.raises(InvalidRequestError, match=needle):
        build_detection_request(prepared, "x", **kwargs)


def test_file_api_image_needs_a_size() -> None:
    prepared = prepare_media("files/abc123", expect="image")
    with pytest.raises(InvalidRequestError, match="image_size"):
        build_detection_request(prepared, "x")
    prepared.mime_type = "image/png"
    request = build_detection_request(prepared, "x", image_size=(300, 200))
    assert tuple(request.size) == (300, 200)
