"""Box and mask math, table-driven: Gemini 0-1000 grid -> pixels of the upright original."""

from __future__ import annotations

import base64
import io
import math

import pytest
from PIL import Image

from langchain_gemini_vision.image.geometry import (
    box_from_gemini,
    box_to_gemini,
    display_size,
    mask_array,
    mask_from_gemini,
    mask_from_polygon,
    mask_from_probability_png,
    polygon_to_pixels,
)
from langchain_gemini_vision.media._prepare import ImageGeometry
from langchain_gemini_vision.types import BoundingBox


def independent(box_2d: list[float], width: int, height: int) -> tuple[float, ...]:
    """The vision guide's formula, computed separately: divide by 1000, times width/height."""
    y0, x0, y1, x1 = box_2d
    return (x0 / 1000 * width, y0 / 1000 * height, x1 / 1000 * width, y1 / 1000 * height)


def assert_within_1px(box: BoundingBox, expected: tuple[float, ...]) -> None:
    for got, want in zip(box.as_tuple(), expected, strict=True):
        assert abs(got - want) <= 1, (box, expected)


# (case, box_2d, (display width, height), expected pixel box, warnings expected)
CASES = [
    ("square", [100, 200, 300, 400], (1000, 1000), (200, 100, 400, 300), 0),
    ("recorded sprinkles 640x480", [390, 64, 574, 203], (640, 480), (40, 187, 130, 276), 0),
    ("portrait, orientation-6 display", [0, 0, 1000, 1000], (3024, 4032), (0, 0, 3024, 4032), 0),
    ("max edges ceil, min edges floor", [1, 1, 999, 999], (333, 777), (0, 0, 333, 777), 0),
    ("tiny image", [500, 500, 501, 501], (3, 3), (1, 1, 2, 2), 0),
    ("float grid values", [100.4, 200.6, 300.0, 400.49], (1000, 1000), (201, 100, 400, 300), 0),
    ("numeric strings", ["100", "200", "300", "400"], (1000, 1000), (200, 100, 400, 300), 0),
    ("above 1000 clamped", [900, 900, 1040, 1200], (2000, 1000), (1800, 900, 2000, 1000), 1),
    ("negative clamped", [-5, -20, 100, 100], (500, 500), (0, 0, 50, 50), 1),
    ("swapped corners", [300, 400, 100, 200], (1000, 1000), (200, 100, 400, 300), 1),
    ("swapped x only", [100, 400, 300, 200], (1000, 1000), (200, 100, 400, 300), 1),
    ("clamped and swapped", [1100, 10, -3, 20], (100, 100), (1, 0, 2, 100), 2),
]


@pytest.mark.parametrize(("case", "box_2d", "size", "expected", "n_warnings"), CASES)
def test_box_from_gemini(
    case: str,
    box_2d: list[float],
    size: tuple[int, int],
    expected: tuple[int, int, int, int],
    n_warnings: int,
) -> None:
    out = box_from_gemini(box_2d, size)
    assert out.box is not None, case
    assert out.box.as_tuple() == expected, case
    assert len(out.warnings) == n_warnings, out.warnings
    # Whatever the repairs, the repaired grid values map within 1 px of the guide's formula.
    assert out.box_2d is not None
    assert_within_1px(out.box, independent(out.box_2d, *size))
    assert 0 <= out.box.x_min < out.box.x_max <= size[0]
    assert 0 <= out.box.y_min < out.box.y_max <= size[1]


@pytest.mark.parametrize(
    ("box_2d", "needle"),
    [
        ([100, 100, 100, 500], "zero area"),
        ([100, 300, 500, 300], "zero area"),
        ([1200, 0, 1300, 500], "zero area"),  # both y clamp to 1000
        ([1, 2, 3], "not 4 numbers"),
        ([1, 2, 3, 4, 5], "not 4 numbers"),
        ("100,200,300,400", "not 4 numbers"),
        (None, "not 4 numbers"),
        ({"y_min": 1}, "not 4 numbers"),
        ([1, "a", 3, 4], "non-numeric"),
        ([1, None, 3, 4], "non-numeric"),
        ([True, 0, 1, 1], "non-numeric"),
        ([float("nan"), 0, 1, 1], "non-numeric"),
    ],
)
def test_box_from_gemini_drops_with_warning(box_2d: object, needle: str) -> None:
    out = box_from_gemini(box_2d, (640, 480), label="cat")
    assert out.box is None and out.box_2d is None
    assert any(needle in w for w in out.warnings), out.warnings
    assert any("cat" in w for w in out.warnings)


def test_geometry_uses_display_size_not_sent_size() -> None:
    # A 4032x3024 phone photo with orientation 6, sent downscaled to 1152x1536 (upright).
    geometry = ImageGeometry(
        display_width=3024,
        display_height=4032,
        sent_width=1152,
        sent_height=1536,
        exif_orientation=6,
    )
    box_2d = [250, 125, 750, 875]
    out = box_from_gemini(box_2d, geometry)
    assert out.box is not None
    assert out.box.as_tuple() == (378, 1008, 2646, 3024)
    assert_within_1px(out.box, independent(box_2d, 3024, 4032))


def test_exact_integer_arithmetic_has_no_float_drift() -> None:
    # 0.29 * 100 = 28.999999999999996 in floats; the floor must still be 29.
    out = box_from_gemini([290, 290, 580, 580], (100, 100))
    assert out.box is not None
    assert out.box.as_tuple() == (29, 29, 58, 58)


def test_display_size_rejects_non_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        display_size((0, 10))


@pytest.mark.parametrize("size", [(640, 480), (3024, 4032), (1000, 1000), (37, 911)])
def test_round_trip_through_grid(size: tuple[int, int]) -> None:
    box = BoundingBox(x_min=size[0] // 5, y_min=size[1] // 7, x_max=size[0] // 2, y_max=size[1] - 1)
    back = box_from_gemini(box_to_gemini(box, size), size).box
    assert back is not None
    # A grid step is width/1000 px; the round trip can move an edge by at most one step + 1 px.
    tolerance_x = size[0] / 1000 + 1
    tolerance_y = size[1] / 1000 + 1
    assert abs(back.x_min - box.x_min) <= tolerance_x and abs(back.x_max - box.x_max) <= tolerance_x
    assert abs(back.y_min - box.y_min) <= tolerance_y and abs(back.y_max - box.y_max) <= tolerance_y


# --- masks ---------------------------------------------------------------------------------------


def probability_png(width: int, height: int, *, left_value: int, right_value: int) -> str:
    """A grayscale probability map: left half one value, right half another."""
    img = Image.new("L", (width, height), right_value)
    img.paste(left_value, (0, 0, width // 2, height))
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def decode(png_base64: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(png_base64)))


def test_probability_mask_is_resized_to_box_and_binarised_at_127() -> None:
    box = BoundingBox(x_min=10, y_min=20, x_max=110, y_max=70)  # 100 x 50 px
    mask = mask_from_probability_png(probability_png(64, 64, left_value=200, right_value=127), box)
    assert mask.png_base64 is not None and mask.polygon is None
    img = decode(mask.png_base64)
    assert img.size == (100, 50)
    assert img.mode == "L"
    assert {v for v, count in enumerate(img.histogram()) if count} == {0, 255}  # binary
    assert img.getpixel((10, 25)) == 255  # 200 > 127
    assert img.getpixel((90, 25)) == 0  # 127 is not above the threshold


def test_probability_mask_threshold_boundary() -> None:
    box = BoundingBox(x_min=0, y_min=0, x_max=4, y_max=4)
    mask = mask_from_probability_png(probability_png(4, 4, left_value=128, right_value=126), box)
    img = decode(mask.png_base64 or "")
    assert img.getpixel((0, 0)) == 255 and img.getpixel((3, 0)) == 0


def test_bare_base64_mask_without_data_prefix() -> None:
    box = BoundingBox(x_min=0, y_min=0, x_max=8, y_max=8)
    data = probability_png(8, 8, left_value=255, right_value=0).partition(",")[2]
    mask, warnings = mask_from_gemini(data, box, (100, 100))
    assert mask is not None and not warnings


def test_polygon_points_are_y_x_on_grid_and_become_x_y_pixels() -> None:
    vertices, warnings = polygon_to_pixels([[100, 200], [100, 400], [500, 400]], (1000, 500))
    assert vertices == [[200, 50], [400, 50], [400, 250]]
    assert warnings == []


def test_polygon_clamps_and_skips_with_warnings() -> None:
    vertices, warnings = polygon_to_pixels(
        [[0, 0], [0, 1200], [1000, 1000], ["x", 3], {"y": 500, "x": 0}], (100, 100)
    )
    assert vertices == [[0, 0], [100, 0], [100, 100], [0, 50]]
    assert any("clamped 1" in w for w in warnings)
    assert any("skipped 1" in w for w in warnings)


def test_polygon_too_few_points_is_rejected() -> None:
    with pytest.raises(ValueError, match="3 are needed"):
        polygon_to_pixels([[0, 0], [10, 10]], (100, 100))


@pytest.mark.parametrize(
    "value",
    [
        [[100, 100], [100, 500], [500, 500], [500, 100]],
        {"polygon": [[100, 100], [100, 500], [500, 500], [500, 100]]},
        {"points": [[100, 100], [100, 500], [500, 500], [500, 100]]},
    ],
)
def test_polygon_mask_shapes(value: object) -> None:
    size = (200, 200)
    box = BoundingBox(x_min=20, y_min=20, x_max=100, y_max=100)
    mask, warnings = mask_from_gemini(value, box, size)
    assert mask is not None and warnings == []
    assert mask.polygon == [[20, 20], [100, 20], [100, 100], [20, 100]]
    raster = mask_array(mask, box)
    assert raster.size == (80, 80)
    assert raster.getpixel((40, 40)) == 255  # inside


def test_polygon_raster_is_only_inside_polygon() -> None:
    box = BoundingBox(x_min=0, y_min=0, x_max=100, y_max=100)
    mask = mask_from_polygon([[0, 0], [99, 0], [0, 99]], box)  # lower-left triangle
    raster = mask_array(mask, box)
    assert raster.getpixel((5, 5)) == 255
    assert raster.getpixel((90, 90)) == 0
    filled = raster.histogram()[255] / (100 * 100)
    assert math.isclose(filled, 0.5, abs_tol=0.03)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("data:image/png;base64,bm90IGEgcG5n", "unreadable PNG"),
        ("!!!", "unreadable PNG"),
        ({"shape": []}, "without 'polygon'"),
        ([[1, 2]], "polygon"),
        (42, "unsupported type"),
    ],
)
def test_unreadable_masks_are_warnings(value: object, needle: str) -> None:
    mask, warnings = mask_from_gemini(
        value, BoundingBox(x_min=0, y_min=0, x_max=5, y_max=5), (9, 9)
    )
    assert mask is None
    assert any(needle in w for w in warnings), warnings
