"""Estimate how many prompt tokens an image costs, before sending it.

Sources (cited per rule below):
- The Gemini vision guide (``/work/shared/reference/gemini-vision-guide.txt``, section "Tokens"),
  also summarised in GEMINI-FACTS.md, for Gemini 1.0 Pro Vision, 1.5 and 2.0 Flash.
- For Gemini 3 and later the cost is set by ``media_resolution``. Per Google's media_resolution
  docs (Gemini 3 developer guide): low 280 / medium 560 / high 1120 tokens per image. These are
  documented figures that were NOT in this project's shared references when written, and the
  default used when no resolution is given (high) is our assumption: re-check both there.

This is an estimate for budgeting; the response's ``usage`` always carries the real count.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

from PIL import UnidentifiedImageError

from langchain_gemini_vision._core.validate import check_text, refuse
from langchain_gemini_vision.errors import (
    InvalidRequestError,
    MediaAccessError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.media._arg_checks import check_resolution

TOKENS_PER_TILE = 258
"""Vision guide: every tile (and every small image) costs 258 tokens."""
SMALL_IMAGE_SIDE = 384
"""Vision guide: images with both sides <= 384 px cost a single 258-token unit."""

# Gemini 3+: tokens per image by media_resolution (Google's media_resolution docs; re-check).
GEMINI3_TOKENS = {
    "MEDIA_RESOLUTION_LOW": 280,
    "MEDIA_RESOLUTION_MEDIUM": 560,
    "MEDIA_RESOLUTION_HIGH": 1120,
}
GEMINI3_DEFAULT_RESOLUTION = "MEDIA_RESOLUTION_HIGH"

_VERSION = re.compile(r"gemini-(\d+)(?:\.(\d+))?")


def _image_size(image: Any) -> tuple[int, int]:
    """``(width, height)`` of whatever the caller has, reading only the image header."""
    if isinstance(image, tuple) and len(image) == 2:
        return int(image[0]), int(image[1])
    # An ImageGeometry, or a PreparedMedia's: what is billed is the image as sent.
    geometry = getattr(image, "geometry", image)
    if isinstance(getattr(geometry, "sent_width", None), int):
        return int(geometry.sent_width), int(geometry.sent_height)
    from PIL import Image

    if isinstance(image, Image.Image):
        return image.width, image.height
    if isinstance(image, bytes | bytearray):
        import io

        with Image.open(io.BytesIO(image)) as opened:
            return opened.width, opened.height
    if isinstance(image, str | os.PathLike):
        with Image.open(os.fspath(image)) as opened:
            return opened.width, opened.height
    raise InvalidRequestError(
        f"Cannot read an image size from a {type(image).__name__}; pass (width, height), a PIL "
        "image, bytes or a path."
    )


def _readable_size(image: Any) -> tuple[int, int]:
    """:func:`_image_size`, with what can go wrong reading it as typed errors."""
    if isinstance(image, tuple) and (
        len(image) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in image)
    ):
        refuse("image", image, "(width, height) as two integers > 0, or an image")
    try:
        return _image_size(image)
    except UnidentifiedImageError as exc:
        raise UnsupportedMediaError("image is not a picture Pillow can read.") from exc
    except (OSError, ValueError) as exc:  # missing path, a folder, a NUL in the path
        raise MediaAccessError(f"Cannot read image: {exc}.", rule="unreadable") from exc


def _tiles(width: int, height: int, tile: float) -> int:
    return math.ceil(width / tile) * math.ceil(height / tile)


def tokens_gemini_15(width: int, height: int) -> int:
    """Gemini 1.5 rule (vision guide).

    Both sides <= 384 px: 258 tokens. Otherwise the image is cut into square tiles whose side is
    the smaller dimension / 1.5, clamped to [256, 768]; each tile costs 258 tokens.
    """
    if width <= SMALL_IMAGE_SIDE and height <= SMALL_IMAGE_SIDE:
        return TOKENS_PER_TILE
    tile = min(max(min(width, height) / 1.5, 256.0), 768.0)
    return _tiles(width, height, tile) * TOKENS_PER_TILE


def tokens_gemini_20(width: int, height: int) -> int:
    """Gemini 2.0 Flash rule (vision guide): both sides <= 384 px: 258; else 258 per 768 px tile."""
    if width <= SMALL_IMAGE_SIDE and height <= SMALL_IMAGE_SIDE:
        return TOKENS_PER_TILE
    return _tiles(width, height, 768) * TOKENS_PER_TILE


def model_generation(model: str) -> tuple[int, int] | None:
    """``(major, minor)`` from a Gemini model name (``models/`` prefix allowed), else None."""
    match = _VERSION.search(model.lower())
    if not match:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def estimate_image_tokens(image: Any, model: str, *, media_resolution: str | None = None) -> int:
    """Estimate the prompt tokens one image costs on ``model``.

    Rules: Gemini 1.0: 258; Gemini 1.5: the guide's tiling rule; Gemini 2.x: the guide's
    Gemini 2.0 Flash tiling rule (768x768 tiles; the guide does not cover 2.5 separately, so its
    2.0 rule is used); Gemini 3 and later (and unrecognised names): a fixed count per
    ``media_resolution`` (low 280 / medium 560 / high 1120, default high; Google's
    media_resolution docs).

    Args:
        image: ``(width, height)``, a PIL image, image bytes, a path, an ``ImageGeometry`` or a
            ``PreparedMedia`` (for the last two the size as sent, after any downscale, is used).
        model: Model name, e.g. ``"gemini-2.0-flash"``.
        media_resolution: ``"low"``, ``"medium"`` or ``"high"`` for Gemini 3+.

    Returns:
        Estimated prompt tokens for the image.

    Raises:
        InvalidRequestError: Unknown resolution, or one without a documented token count.
    """
    check_text(model, "model", optional=False)
    resolution = check_resolution(media_resolution)
    generation = model_generation(model)
    if generation is not None and generation[0] < 3:
        width, height = _readable_size(image)
        if generation[0] == 1 and generation[1] < 5:
            return TOKENS_PER_TILE  # vision guide: Gemini 1.0 Pro Vision, 258 per image
        if generation[0] == 1:
            return tokens_gemini_15(width, height)
        return tokens_gemini_20(width, height)
    level = resolution or GEMINI3_DEFAULT_RESOLUTION
    if level not in GEMINI3_TOKENS:
        raise InvalidRequestError(
            f"No documented per-image token count for {level}; use low, medium or high."
        )
    return GEMINI3_TOKENS[level]
