"""Draw a ``DetectionResult`` on its image: boxes, readable labels and blended masks."""

from __future__ import annotations

import io
import math
import os
from typing import Any

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from langchain_gemini_vision._core.validate import (
    check_instance,
    check_int,
    check_number,
    check_path,
    refuse,
)
from langchain_gemini_vision.errors import MediaAccessError, UnsupportedMediaError
from langchain_gemini_vision.image.geometry import mask_array
from langchain_gemini_vision.types import BoundingBox, DetectionResult

# High-contrast colours that stay distinguishable from each other (Kelly's / Tableau-like).
PALETTE: tuple[tuple[int, int, int], ...] = (
    (230, 25, 75),
    (60, 180, 75),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (255, 225, 25),
    (0, 128, 128),
    (170, 110, 40),
    (128, 0, 0),
    (170, 255, 195),
    (128, 128, 0),
    (0, 0, 128),
    (250, 190, 212),
)

ImageLike = Image.Image | bytes | str | os.PathLike[str]
_MAX_STROKE = 10_000
"""Largest line width or font size in pixels (beyond it the drawing would cover any image)."""


def _open_upright(image: ImageLike) -> Image.Image:
    try:
        if isinstance(image, Image.Image):
            opened = image
        elif isinstance(image, bytes | bytearray):
            opened = Image.open(io.BytesIO(image))
        else:
            opened = Image.open(os.fspath(image))
        # The result's pixels are those of the upright image, so draw on the upright image too.
        upright = ImageOps.exif_transpose(opened)
        return upright.convert("RGB")
    except UnidentifiedImageError as exc:
        raise UnsupportedMediaError(
            "annotate_image could not read image as a picture; pass the PIL image, bytes or "
            "path of the image that was analysed."
        ) from exc
    except OSError as exc:  # a missing, unreadable or truncated file
        raise MediaAccessError(
            f"annotate_image could not read the image ({exc}); check the path or the bytes.",
            rule="unreadable",
        ) from exc


def _check_annotate_args(
    image: object, result: object, line_width: object, font_size: object, mask_opacity: object
) -> None:
    if isinstance(image, (str, os.PathLike)):
        check_path(image, "image", optional=False)
    elif not isinstance(image, (Image.Image, bytes, bytearray)):
        refuse("image", image, "a PIL image, bytes or a path")
    check_instance(result, "result", DetectionResult, "a DetectionResult", optional=False)
    check_int(line_width, "line_width", low=1, high=_MAX_STROKE, optional=True)
    check_int(font_size, "font_size", low=1, high=_MAX_STROKE, optional=True)
    check_number(mask_opacity, "mask_opacity", low=0, high=1)


def _text_colour(fill: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = fill
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    return (0, 0, 0) if luminance > 150 else (255, 255, 255)


def _scaled(box: BoundingBox, sx: float, sy: float) -> tuple[int, int, int, int]:
    return (
        round(box.x_min * sx),
        round(box.y_min * sy),
        round(box.x_max * sx),
        round(box.y_max * sy),
    )


def colour_for(label: str, labels: list[str]) -> tuple[int, int, int]:
    """The palette colour of ``label``: one colour per distinct label, in first-seen order.

    Args:
        label: The label to colour.
        labels: The distinct labels in first-seen order (``label`` must be among them).

    Returns:
        An ``(r, g, b)`` colour; labels beyond the palette's length reuse its colours.
    """
    return PALETTE[labels.index(label) % len(PALETTE)]


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _tag_position(
    box: tuple[int, int, int, int],
    size: tuple[int, int],
    canvas: tuple[int, int],
    placed: list[tuple[int, int, int, int]],
) -> tuple[int, int]:
    """Top-left corner of a label tag that hides no other tag.

    Tries above the box's top-left corner, then just inside it, then below the box, each time
    stepping down past tags already placed.
    """
    x0, y0, _x1, y1 = box
    width, height = canvas
    tag_w, tag_h = size
    x = min(max(x0, 0), max(width - tag_w, 0))
    candidates = [y0 - tag_h, y0, y1]
    for start in candidates:
        y = start
        while 0 <= y <= height - tag_h:
            rect = (x, y, x + tag_w, y + tag_h)
            clash = next((p for p in placed if _overlaps(rect, p)), None)
            if clash is None:
                return x, y
            y = clash[3]  # step below the tag in the way
    return x, min(max(y0, 0), max(height - tag_h, 0))


def _font(size: int) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()


def annotate_image(
    image: ImageLike,
    result: DetectionResult,
    *,
    line_width: int | None = None,
    font_size: int | None = None,
    mask_opacity: float = 0.45,
) -> Image.Image:
    """Draw detections on the upright image.

    Each distinct label gets its own colour; labels sit on a filled background above the box (inside
    it when there is no room) so they stay readable on any photo; masks are blended in the label's
    colour. When ``image`` is a resized copy of the detected image, boxes are scaled to it.

    Args:
        image: The image that was analysed (PIL image, bytes or path); EXIF orientation is applied.
        result: The detections, in pixels of the upright original.
        line_width: Box outline width; default scales with the image.
        font_size: Label size in pixels; default scales with the image.
        mask_opacity: 0-1 opacity of mask fills.

    Returns:
        A new RGB image.

    Raises:
        InvalidRequestError: An argument of the wrong type or out of range.
        UnsupportedMediaError: ``image`` is not a picture.
        MediaAccessError: ``image`` is a path that cannot be read.
    """
    _check_annotate_args(image, result, line_width, font_size, mask_opacity)
    canvas = _open_upright(image)
    width, height = canvas.size
    sx = width / result.image_width if result.image_width else 1.0
    sy = height / result.image_height if result.image_height else 1.0
    short_side = min(width, height)
    line = line_width or max(2, round(short_side / 250))
    text_size = font_size or max(12, round(short_side / 32))
    font = _font(text_size)
    labels = list(dict.fromkeys(d.label for d in result.detections))
    alpha = max(0, min(255, round(mask_opacity * 255)))

    for detection in result.detections:
        if detection.mask is None:
            continue
        x0, y0, x1, y1 = _scaled(detection.box, sx, sy)
        if x1 <= x0 or y1 <= y0:
            continue
        try:
            binary = mask_array(detection.mask, detection.box)
        except ValueError:
            continue
        binary = binary.resize((x1 - x0, y1 - y0), Image.Resampling.NEAREST)
        weight = binary.point(lambda p: alpha if p > 127 else 0)
        colour = Image.new("RGB", binary.size, colour_for(detection.label, labels))
        canvas.paste(colour, (x0, y0), weight)

    draw = ImageDraw.Draw(canvas)
    boxes = [_scaled(d.box, sx, sy) for d in result.detections]
    for detection, (x0, y0, x1, y1) in zip(result.detections, boxes, strict=True):
        # BoundingBox max edges are exclusive; PIL's rectangle includes its end coordinates.
        outline = (x0, y0, max(x0, x1 - 1), max(y0, y1 - 1))
        draw.rectangle(outline, outline=colour_for(detection.label, labels), width=line)
    placed: list[tuple[int, int, int, int]] = []
    for detection, box in zip(result.detections, boxes, strict=True):
        fill = colour_for(detection.label, labels)
        text = detection.label
        if detection.confidence is not None:
            text += f" {detection.confidence:.2f}"
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        pad = max(2, text_size // 5)
        size = (math.ceil(right - left) + 2 * pad, math.ceil(bottom - top) + 2 * pad)
        x, y = _tag_position(box, size, (width, height), placed)
        tag = (x, y, x + size[0], y + size[1])
        placed.append(tag)
        draw.rectangle(tag, fill=fill)
        draw.text((x + pad - left, y + pad - top), text, fill=_text_colour(fill), font=font)
    return canvas
