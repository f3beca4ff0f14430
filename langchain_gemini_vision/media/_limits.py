"""What Gemini accepts: the size limits and MIME types, and the checks that enforce them.

Separate from ``_prepare`` because routing (``files``), batch requests and loaders need the limits
and type tables without the whole preparation pipeline; these facts change when Gemini's documented
limits change, the pipeline does not.
"""

from __future__ import annotations

from langchain_gemini_vision.errors import (
    MediaAccessError,
    MediaTooLargeError,
    UnsupportedMediaError,
)

INLINE_LIMIT_BYTES = 20 * 1024 * 1024
"""Inline request payload limit (files + system instructions) from the vision guide."""
FILE_API_LIMIT_BYTES = 2 * 1024**3
"""Per-file File API limit."""

IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif")
VIDEO_MIME_TYPES = (
    "video/mp4",
    "video/mpeg",
    "video/mov",
    "video/avi",
    "video/x-flv",
    "video/mpg",
    "video/webm",
    "video/wmv",
    "video/3gpp",
)
AUDIO_MIME_TYPES = (
    "audio/wav",
    "audio/mp3",
    "audio/aiff",
    "audio/aac",
    "audio/ogg",
    "audio/flac",
)
DOCUMENT_MIME_TYPES = ("application/pdf",)
CONVERTED_IMAGE_TYPES = ("image/gif", "image/bmp", "image/tiff")
"""Image types Gemini does not accept; we convert them to PNG."""

_INLINE_MARGIN_BYTES = 512 * 1024
"""Room for the prompt, schema and JSON framing in the same request."""


def fits_inline(raw_size: int) -> bool:
    """Whether ``raw_size`` bytes, base64-encoded, keep a request under the 20 MB inline limit."""
    return 4 * ((raw_size + 2) // 3) <= INLINE_LIMIT_BYTES - _INLINE_MARGIN_BYTES


def kind_of_mime(mime_type: str) -> str:
    """``image`` / ``video`` / ``audio`` / ``document`` for a MIME type ("" when unknown)."""
    if mime_type.startswith("image/"):
        return "image"
    if mime_type.startswith("video/"):
        return "video"
    if mime_type.startswith("audio/"):
        return "audio"
    if mime_type in DOCUMENT_MIME_TYPES:
        return "document"
    return ""


def _supported_list() -> str:
    return (
        "images " + ", ".join(IMAGE_MIME_TYPES) + " (GIF, BMP and TIFF are converted to PNG); "
        "videos "
        + ", ".join(VIDEO_MIME_TYPES)
        + "; audio "
        + ", ".join(AUDIO_MIME_TYPES)
        + "; application/pdf"
    )


def _check_supported(mime: str | None, source: str, expect: str | None) -> str:
    supported = (
        IMAGE_MIME_TYPES
        + CONVERTED_IMAGE_TYPES
        + VIDEO_MIME_TYPES
        + AUDIO_MIME_TYPES
        + DOCUMENT_MIME_TYPES
    )
    if mime is None or mime not in supported:
        what = f"{mime} content" if mime else "content of an unrecognised type"
        raise UnsupportedMediaError(
            f"{source} holds {what}, which Gemini cannot read. Supported (detected from the "
            f"bytes, not the file name): {_supported_list()}."
        )
    if expect and kind_of_mime(mime) != expect:
        raise UnsupportedMediaError(
            f"{source} is {mime}, but an {expect} is needed here."
            if expect == "image"
            else f"{source} is {mime}, but a {expect} is needed here."
        )
    return mime


def check_media_size(size: int, shown: str) -> None:
    """Refuse an empty file or one over the File API's 2 GB, before any byte is read or sent.

    Raises:
        MediaAccessError: ``rule="empty"`` for 0 bytes.
        MediaTooLargeError: Over 2 GB.
    """
    if size == 0:
        raise MediaAccessError(
            f"{shown} is empty (0 bytes); there is nothing to send. Check that it was written "
            "or downloaded completely.",
            rule="empty",
        )
    if size > FILE_API_LIMIT_BYTES:
        raise MediaTooLargeError(
            f"{shown} is {size / 1024**3:.2f} GiB; the Gemini File API accepts at most 2 GB "
            "(2,147,483,648 bytes) per file. Split it, or re-encode it at a lower bitrate, first."
        )
