"""Per-request media options shared by images and video: resolutions, frame rates, image budgets.

Pure checks with no media handling, kept below both capabilities so that image and video code,
and the argument checks of every public call, can use them without importing each other.
"""

from __future__ import annotations

import re
from typing import Literal

from langchain_gemini_vision.errors import InvalidRequestError

MAX_FPS = 24.0
"""Highest frame rate the API samples a video at."""

_RESOLUTIONS = {
    "low": "MEDIA_RESOLUTION_LOW",
    "medium": "MEDIA_RESOLUTION_MEDIUM",
    "high": "MEDIA_RESOLUTION_HIGH",
    "ultra_high": "MEDIA_RESOLUTION_ULTRA_HIGH",
}


def normalise_media_resolution(value: str | None) -> str | None:
    """``"low"``/``"MEDIA_RESOLUTION_LOW"``... -> the API enum name (None stays None).

    Raises:
        InvalidRequestError: Not a known resolution.
    """
    if value is None:
        return None
    key = value.strip().lower().removeprefix("media_resolution_").replace("-", "_")
    if key not in _RESOLUTIONS:
        raise InvalidRequestError(
            f"media_resolution must be one of {sorted(_RESOLUTIONS)}, got {value!r}."
        )
    return _RESOLUTIONS[key]


def check_fps(fps: float | None) -> float | None:
    """Refuse a frame rate outside the API's (0, 24].

    Raises:
        InvalidRequestError: ``fps`` is not in (0, 24].
    """
    if fps is None:
        return None
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= MAX_FPS:
        raise InvalidRequestError(
            f"fps must be a number in (0, {MAX_FPS:g}] (frames sampled per second), got {fps!r}."
        )
    return float(fps)


# --- default image size -----------------------------------------------------------------------

ORIGINAL_SIZE: Literal["original"] = "original"
"""``max_image_side="original"`` sends images at their own size: no default downscale.

A word rather than 0: 0 or a negative side is a mistake the argument checks refuse, and must not
quietly mean "no limit"."""

ImageSide = int | Literal["original"] | None
"""What ``max_image_side`` takes: a side in pixels, ``"original"``, or None (the default)."""

GEMINI_3_IMAGE_TOKENS = {
    "MEDIA_RESOLUTION_LOW": 280,
    "MEDIA_RESOLUTION_MEDIUM": 560,
    "MEDIA_RESOLUTION_HIGH": 1120,
    "MEDIA_RESOLUTION_ULTRA_HIGH": 2240,
}
"""Most tokens a Gemini 3 model spends on one image at each ``media_resolution``
(https://ai.google.dev/gemini-api/docs/media-resolution, "Token counts")."""

PIXELS_PER_TOKEN = 768 * 768 / 258
"""The only documented image density: 258 tokens per 768x768 tile (Gemini 2.0 Flash, the vision
guide; GEMINI-FACTS.md). No document gives Gemini 3's pixels per token, so the budget assumes the
model resolves no finer than this: a budget of N tokens cannot show more than N * 2,286 pixels.
The true density is coarser or equal as far as anything published says, which makes this budget
an upper bound on what the model can see, never a cut below it."""

DEFAULT_IMAGE_RESOLUTION = "MEDIA_RESOLUTION_HIGH"
"""What Gemini 3 uses for an image when no ``media_resolution`` is sent. An assumption: the
official page defers to its "Token counts" table and only third-party guides state it (high,
1,120 tokens, for images); we take the high budget so an unstated default never loses detail."""

_GEMINI_MAJOR = re.compile(r"^gemini-(\d+)(?:[.-]|$)")


def has_image_token_budget(model: str) -> bool:
    """Whether ``model`` caps image tokens by ``media_resolution`` (the Gemini 3+ family).

    Args:
        model: A model name, with or without a ``models/`` prefix.

    Returns:
        True for ``gemini-3...`` and later; False for 1.x/2.x and names we cannot place
        (aliases such as ``gemini-flash-latest``, tuned models), which keep their images as is.
    """
    match = _GEMINI_MAJOR.match(model.strip().lower().rsplit("/", 1)[-1])
    return match is not None and int(match.group(1)) >= 3


def default_image_pixels(model: str, media_resolution: str | None) -> int | None:
    """The most pixels worth sending for one image to ``model``, or None for "no default cap".

    Args:
        model: The target model's name.
        media_resolution: The requested resolution (any form :func:`normalise_media_resolution`
            takes), or None for the API's default.

    Returns:
        ``tokens(media_resolution) * PIXELS_PER_TOKEN`` for Gemini 3+ models (about 2.56 MP at
        high), None for other models.

    Raises:
        InvalidRequestError: ``media_resolution`` is not a known resolution.
    """
    resolution = normalise_media_resolution(media_resolution) or DEFAULT_IMAGE_RESOLUTION
    if not has_image_token_budget(model):
        return None
    return int(GEMINI_3_IMAGE_TOKENS[resolution] * PIXELS_PER_TOKEN)


def image_size_limits(
    max_image_side: ImageSide, *, model: str, media_resolution: str | None
) -> tuple[int | None, int | None]:
    """``(max_side, max_pixels)`` to prepare images with: the caller's side, else the default.

    Args:
        max_image_side: The caller's choice: a side in pixels (always wins), ``"original"``
            (send as is), or None (the model's default budget).
        model: The target model's name.
        media_resolution: The requested resolution, or None.

    Returns:
        The longest side and the pixel count images are downscaled to fit (None: no limit).
    """
    if max_image_side == ORIGINAL_SIZE:
        return None, None
    if isinstance(max_image_side, int):
        return max_image_side, None
    return None, default_image_pixels(model, media_resolution)
