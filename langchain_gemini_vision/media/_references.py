"""Media references: what a user or an agent may hand us, and what kind each is (pure, no I/O).

Separate from ``_prepare`` because classification is decided from the form alone: the File API
layer recognises File API names with it, and it is tested without touching files or the network.
"""

from __future__ import annotations

import enum
import os
import re
from typing import TYPE_CHECKING, Union

from langchain_gemini_vision.errors import UnsupportedMediaError
from langchain_gemini_vision.media._prepared import PreparedMedia
from langchain_gemini_vision.media._youtube_url import is_youtube_url

if TYPE_CHECKING:
    from PIL import Image

    from langchain_gemini_vision.types import GeminiFile

GEMINI_FILES_PREFIX = "https://generativelanguage.googleapis.com/v1beta/files/"

MediaInput = Union[str, "os.PathLike[str]", bytes, "Image.Image", "GeminiFile", "PreparedMedia"]
"""Anything the media core accepts: path, URL, data: URI, bytes, PIL image, File API file or name,
gs:// URI, YouTube URL, or an already prepared medium."""


class RefKind(str, enum.Enum):
    """What a media reference is, decided from its form alone (no I/O)."""

    PATH = "path"
    HTTP_URL = "http_url"
    DATA_URI = "data_uri"
    BYTES = "bytes"
    PIL_IMAGE = "pil_image"
    FILE_API = "file_api"
    GCS = "gcs"
    YOUTUBE = "youtube"
    PREPARED = "prepared"


_FILE_API_NAME = re.compile(r"^files/[a-z0-9][a-z0-9-]{0,63}$")
_FILE_API_URI = re.compile(
    r"^https://generativelanguage\.googleapis\.com/(?:v1beta|v1|v1alpha)/(files/[a-z0-9-]+)$"
)


def file_api_name(ref: str) -> str | None:
    """``files/<id>`` when ``ref`` is a File API name or URI, else None."""
    text = ref.strip()
    if _FILE_API_NAME.match(text):
        return text
    match = _FILE_API_URI.match(text)
    return match.group(1) if match else None


def classify(ref: object) -> RefKind:
    """Decide what kind of reference ``ref`` is, from its type and form alone.

    Raises:
        UnsupportedMediaError: ``ref`` is of a type the media core does not accept.
    """
    from langchain_gemini_vision.types import GeminiFile

    if isinstance(ref, PreparedMedia):
        return RefKind.PREPARED
    if isinstance(ref, GeminiFile):
        return RefKind.FILE_API
    if isinstance(ref, (bytes, bytearray, memoryview)):
        return RefKind.BYTES
    if isinstance(ref, os.PathLike):
        return RefKind.PATH
    if isinstance(ref, str):
        text = ref.strip()
        lowered = text.lower()
        if lowered.startswith("data:"):
            return RefKind.DATA_URI
        if file_api_name(text):
            return RefKind.FILE_API
        if lowered.startswith("gs://"):
            return RefKind.GCS
        if is_youtube_url(text):
            return RefKind.YOUTUBE
        if lowered.startswith(("http://", "https://")):
            return RefKind.HTTP_URL
        if re.match(r"^[a-z][a-z0-9+.-]*://", lowered):
            raise UnsupportedMediaError(
                f"Unsupported URL scheme in {text[:80]!r}: use a local path, an http(s) URL, a "
                "data: URI, a gs:// URI, a File API name (files/...) or a YouTube link."
            )
        return RefKind.PATH
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is a hard dependency
        Image = None  # type: ignore[assignment]  # keeps the error below reachable without PIL
    if Image is not None and isinstance(ref, Image.Image):
        return RefKind.PIL_IMAGE
    raise UnsupportedMediaError(
        f"Cannot use a {type(ref).__name__} as media: pass a path, URL, data: URI, bytes, "
        "PIL image, File API file or name, gs:// URI or YouTube link."
    )
