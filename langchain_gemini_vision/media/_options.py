"""Per-request media options shared by images and video: resolution names and frame rates.

Pure checks with no media handling, kept below both capabilities so that image and video code,
and the argument checks of every public call, can use them without importing each other.
"""

from __future__ import annotations

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
