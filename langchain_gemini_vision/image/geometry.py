"""Box and mask math: Gemini's 0-1000 grid -> pixels of the upright original image (pure).

Gemini answers ``[y_min, x_min, y_max, x_max]`` as integers on a 0-1000 grid of the image *as sent*.
The image we send is the upright original (EXIF orientation applied), possibly downscaled, so it has
the original's aspect ratio: a grid value ``v`` is the fraction ``v / 1000`` of the sent image's
side, and the same fraction of the upright original's side. We therefore map straight to the
original's display size (``x = v / 1000 * display_width``, ``y = v / 1000 * display_height``) and
never through the sent size, which would add the downscale's rounding error.

Rounding: min edges round down (floor) and max edges round up (ceil), so the pixel box always
contains the model's box; ``BoundingBox`` max edges are exclusive. Integer grid values use exact
integer arithmetic, so there is no float drift.

Every repair (clamping, swapped corners, dropped boxes, unreadable masks) is returned as a short
human-readable warning that ends up in ``DetectionResult.warnings``.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from PIL import Image, ImageDraw, UnidentifiedImageError

from langchain_gemini_vision.types import BoundingBox, Mask

GRID = 1000
"""Gemini's normalised coordinate range is 0..GRID."""
MASK_THRESHOLD = 127
"""Probability-map pixels strictly above this value belong to the object."""


class DisplaySize(NamedTuple):
    """Width and height, in pixels, of the upright original image (what a person sees)."""

    width: int
    height: int


class _HasDisplaySize(Protocol):
    @property
    def display_width(self) -> int: ...

    @property
    def display_height(self) -> int: ...


SizeLike = DisplaySize | tuple[int, int] | _HasDisplaySize
"""A ``(width, height)`` pair or anything with ``display_width`` / ``display_height``
(``_media.ImageGeometry``)."""


def display_size(size: SizeLike) -> DisplaySize:
    """Normalise a size argument to a :class:`DisplaySize`.

    Args:
        size: ``(width, height)`` or anything with ``display_width`` / ``display_height``.

    Returns:
        The size as a ``DisplaySize``.

    Raises:
        ValueError: A side is not a positive integer.
    """
    if type(size) is DisplaySize:
        return size  # already checked when it was made (the per-box hot path)
    if isinstance(size, tuple):
        width, height = size
    else:
        width, height = size.display_width, size.display_height
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    return DisplaySize(int(width), int(height))


@dataclass(frozen=True)
class BoxConversion:
    """The outcome of converting one model box.

    Attributes:
        box: Pixel box on the upright original, or None when the box was dropped.
        box_2d: The repaired ``[y_min, x_min, y_max, x_max]`` grid values (None when dropped).
        warnings: One line per repair made.
    """

    box: BoundingBox | None
    box_2d: list[int] | None
    warnings: list[str] = field(default_factory=list)


def _number(value: Any) -> float | None:
    """A finite number from a JSON value; numeric strings are accepted, booleans are not."""
    if type(value) is int:  # the usual case, first: grid values are integers
        return float(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _grid_value(value: float) -> int:
    """Round a (possibly fractional) grid value to the integer grid Gemini documents."""
    return math.floor(value + 0.5)


def _floor_px(v: int, side: int) -> int:
    return (v * side) // GRID


def _ceil_px(v: int, side: int) -> int:
    return -((-v * side) // GRID)


def _box_name(label: str) -> str:
    """How warnings name a box (built only when there is something to warn about)."""
    return f"box for {label!r}" if label else "box"


def box_from_gemini(box_2d: Any, size: SizeLike, *, label: str = "") -> BoxConversion:
    """Convert a Gemini box to pixels of the upright original image.

    Args:
        box_2d: ``[y_min, x_min, y_max, x_max]`` on the 0-1000 grid of the image as sent.
        size: Display size of the upright original (``ImageGeometry`` or ``(width, height)``).
        label: The object's label, used only to make warnings specific.

    Returns:
        The pixel box (min edges floored, max edges ceiled, exclusive) and the repaired grid
        values, or ``box=None`` when the entry is malformed or has zero area; each repair is a
        warning.
    """
    dims = display_size(size)
    if not isinstance(box_2d, list | tuple) or len(box_2d) != 4:
        what = _box_name(label)
        return BoxConversion(None, None, [f"dropped a {what} that is not 4 numbers: {box_2d!r}"])
    numbers = [_number(v) for v in box_2d]
    if None in numbers:
        what = _box_name(label)
        return BoxConversion(None, None, [f"dropped a {what} with non-numeric values: {box_2d!r}"])
    values = [_grid_value(n) for n in numbers if n is not None]
    warnings: list[str] = []
    clamped = [min(max(v, 0), GRID) for v in values]
    if clamped != values:
        warnings.append(f"clamped {_box_name(label)} {values} to the 0-{GRID} grid")
    y_min, x_min, y_max, x_max = clamped
    if y_min > y_max or x_min > x_max:
        warnings.append(f"swapped inverted corners of {_box_name(label)} {clamped}")
        y_min, y_max = sorted((y_min, y_max))
        x_min, x_max = sorted((x_min, x_max))
    repaired = [y_min, x_min, y_max, x_max]
    if y_min == y_max or x_min == x_max:
        warnings.append(f"dropped {_box_name(label)} {repaired} with zero area")
        return BoxConversion(None, None, warnings)
    box = BoundingBox(
        x_min=_floor_px(x_min, dims.width),
        y_min=_floor_px(y_min, dims.height),
        x_max=_ceil_px(x_max, dims.width),
        y_max=_ceil_px(y_max, dims.height),
    )
    return BoxConversion(box, repaired, warnings)


def box_to_gemini(box: BoundingBox, size: SizeLike) -> list[int]:
    """Inverse of :func:`box_from_gemini`, rounded to the nearest grid value (tests, fixtures).

    Args:
        box: A pixel box on the upright original.
        size: Display size of the upright original (``ImageGeometry`` or ``(width, height)``).

    Returns:
        ``[y_min, x_min, y_max, x_max]`` on the 0-1000 grid.
    """
    dims = display_size(size)
    return [
        round(box.y_min * GRID / dims.height),
        round(box.x_min * GRID / dims.width),
        round(box.y_max * GRID / dims.height),
        round(box.x_max * GRID / dims.width),
    ]


# --- masks -------------------------------------------------------------------------------------


def _encode_png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_mask_image(png_base64: str) -> Image.Image:
    """Decode a mask PNG (base64, with or without a ``data:`` prefix) to a grayscale image.

    Args:
        png_base64: The encoded image; missing base64 padding is tolerated.

    Returns:
        The image in mode ``L``.

    Raises:
        ValueError: The text is not a base64-encoded image.
    """
    payload = png_base64.strip()
    if payload.startswith("data:"):
        payload = payload.partition(",")[2]
    try:
        raw = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=False)
        with Image.open(io.BytesIO(raw)) as opened:
            opened.load()
            gray: Image.Image = opened.convert("L")
            return gray
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValueError(f"mask is not a readable image ({exc.__class__.__name__})") from exc


def mask_from_probability_png(png_base64: str, box: BoundingBox) -> Mask:
    """Turn Gemini's probability-map PNG for a box into a binary mask of the box's pixel size.

    The PNG covers the box area at an arbitrary resolution; it is resized to the box's size in the
    upright original and binarised (pixels above 127 become 255, others 0).

    Args:
        png_base64: The model's probability map (base64, with or without a ``data:`` prefix).
        box: The object's pixel box on the upright original.

    Returns:
        A ``Mask`` whose PNG is exactly the box's size.

    Raises:
        ValueError: The mask cannot be decoded.
    """
    probabilities = decode_mask_image(png_base64)
    size = (max(box.width, 1), max(box.height, 1))
    if probabilities.size != size:
        probabilities = probabilities.resize(size, Image.Resampling.BILINEAR)
    binary = probabilities.point(lambda p: 255 if p > MASK_THRESHOLD else 0)
    return Mask(png_base64=_encode_png(binary))


def polygon_to_pixels(points: Any, size: SizeLike) -> tuple[list[list[int]], list[str]]:
    """Convert a polygon of ``[y, x]`` points on the 0-1000 grid to ``[x, y]`` pixel vertices.

    The point order follows ``box_2d`` (y first), which is how Gemini reports points. Points are
    also accepted as ``{"y": .., "x": ..}`` objects.

    Args:
        points: The model's polygon.
        size: Display size of the upright original (``ImageGeometry`` or ``(width, height)``).

    Returns:
        The pixel vertices and warnings (clamped or unreadable points).

    Raises:
        ValueError: Fewer than three usable points.
    """
    dims = display_size(size)
    if not isinstance(points, list | tuple):
        raise ValueError("polygon is not a list of points")
    vertices: list[list[int]] = []
    clamped = skipped = 0
    for point in points:
        if isinstance(point, dict):
            pair: Any = [point.get("y"), point.get("x")]
        else:
            pair = point
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            skipped += 1
            continue
        y, x = _number(pair[0]), _number(pair[1])
        if y is None or x is None:
            skipped += 1
            continue
        if not (0 <= y <= GRID and 0 <= x <= GRID):
            clamped += 1
            y, x = min(max(y, 0.0), GRID), min(max(x, 0.0), GRID)
        vertices.append([round(x * dims.width / GRID), round(y * dims.height / GRID)])
    if len(vertices) < 3:
        raise ValueError(f"polygon has {len(vertices)} usable point(s); 3 are needed")
    warnings = []
    if clamped:
        warnings.append(f"clamped {clamped} polygon point(s) to the 0-{GRID} grid")
    if skipped:
        warnings.append(f"skipped {skipped} unreadable polygon point(s)")
    return vertices, warnings


def mask_from_polygon(vertices: Sequence[Sequence[int]], box: BoundingBox) -> Mask:
    """Build a mask from pixel ``[x, y]`` vertices: the polygon plus its raster over the box.

    Args:
        vertices: Polygon vertices in pixels of the upright original.
        box: The object's pixel box; the raster covers exactly this area.

    Returns:
        A ``Mask`` with both the binary PNG and the polygon.
    """
    size = (max(box.width, 1), max(box.height, 1))
    raster = Image.new("L", size, 0)
    local = [(x - box.x_min, y - box.y_min) for x, y in vertices]
    ImageDraw.Draw(raster).polygon(local, fill=255)
    return Mask(png_base64=_encode_png(raster), polygon=[[int(x), int(y)] for x, y in vertices])


def mask_array(mask: Mask, box: BoundingBox) -> Image.Image:
    """The mask as a binary ``L`` image of the box's size (from the PNG, else the polygon).

    Args:
        mask: A mask from a ``Detection``.
        box: The detection's pixel box.

    Returns:
        A mode ``L`` image of ``box``'s size (255 inside the object).

    Raises:
        ValueError: The mask has neither a PNG nor a polygon, or its PNG cannot be decoded.
    """
    if mask.png_base64:
        image = decode_mask_image(mask.png_base64)
        size = (max(box.width, 1), max(box.height, 1))
        return image if image.size == size else image.resize(size, Image.Resampling.NEAREST)
    if mask.polygon:
        return mask_array(mask_from_polygon(mask.polygon, box), box)
    raise ValueError("mask has neither a PNG nor a polygon")


def mask_from_gemini(value: Any, box: BoundingBox, size: SizeLike) -> tuple[Mask | None, list[str]]:
    """Convert whatever mask the model gave for one object.

    Accepted shapes: a PNG probability map (``"data:image/png;base64,..."`` or bare base64)
    covering the box; a polygon as a list of ``[y, x]`` grid points; or ``{"polygon": [...]}`` /
    ``{"points": [...]}`` wrapping such a list.

    Args:
        value: The model's mask value for the object.
        box: The object's pixel box on the upright original.
        size: Display size of the upright original (``ImageGeometry`` or ``(width, height)``).

    Returns:
        The mask in image pixel space (None when unreadable) and warnings.
    """
    if isinstance(value, dict):
        inner = value.get("polygon", value.get("points"))
        if inner is None:
            return None, ["ignored a mask object without 'polygon' or 'points'"]
        value = inner
    if isinstance(value, str):
        try:
            return mask_from_probability_png(value, box), []
        except ValueError as exc:
            return None, [f"ignored an unreadable PNG mask: {exc}"]
    if isinstance(value, list | tuple):
        try:
            vertices, warnings = polygon_to_pixels(value, size)
        except ValueError as exc:
            return None, [f"ignored a polygon mask: {exc}"]
        return mask_from_polygon(vertices, box), warnings
    return None, [f"ignored a mask of unsupported type {type(value).__name__}"]
