"""Media core: turn whatever a user or an agent hands us into a correct Gemini request part.

Pipeline: classify the reference (pure) -> enforce the trust policy -> read/sniff the bytes ->
normalise images (EXIF orientation, GIF/BMP/TIFF -> PNG, optional downscale) -> ``PreparedMedia``,
which renders as a LangChain content block. Large local files are never read whole into memory here:
``PreparedMedia`` keeps the path and the File API layer (``files.py``) streams them.
"""

from __future__ import annotations

import base64
import enum
import io
import ipaddress
import os
import re
import socket
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .errors import MediaAccessError, MediaTooLargeError, UnsupportedMediaError

if TYPE_CHECKING:
    from PIL import Image

    from .types import GeminiFile

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


@dataclass(frozen=True)
class MediaPolicy:
    """Which media references may be read, and how URLs are fetched.

    Attributes:
        allowed_dirs: Local paths must resolve (symlinks followed) under one of these; None allows
            any path (developers calling core functions); an empty tuple forbids local files.
        allow_urls: Whether http(s) URLs may be fetched at all.
        ssrf_guard: Refuse URLs whose host resolves to loopback, private, link-local, reserved or
            cloud-metadata addresses (checked again on every redirect).
        max_download_bytes: Cap on a fetched URL's body.
        download_timeout_s: Total time allowed for one fetch.
        max_redirects: Redirects followed at most.
    """

    allowed_dirs: tuple[Path, ...] | None = None
    allow_urls: bool = True
    ssrf_guard: bool = True
    max_download_bytes: int = INLINE_LIMIT_BYTES
    download_timeout_s: float = 30.0
    max_redirects: int = 5

    @classmethod
    def permissive(cls) -> MediaPolicy:
        """Policy for developer-facing functions and loaders: any path, guarded URL fetches."""
        return cls(allowed_dirs=None)

    @classmethod
    def for_tool(
        cls,
        allowed_dirs: Iterable[str | os.PathLike[str]] | None,
        *,
        allow_urls: bool = True,
        ssrf_guard: bool = True,
    ) -> MediaPolicy:
        """Policy for agent-facing tools: paths only under ``allowed_dirs`` (default: the cwd)."""
        dirs = (Path.cwd(),) if allowed_dirs is None else tuple(Path(d) for d in allowed_dirs)
        resolved = tuple(Path(os.path.realpath(d)) for d in dirs)
        return cls(allowed_dirs=resolved, allow_urls=allow_urls, ssrf_guard=ssrf_guard)

    def describe(self) -> str:
        """One line for error messages: what this policy allows."""
        if self.allowed_dirs is None:
            paths = "any local path"
        elif not self.allowed_dirs:
            paths = "no local files"
        else:
            paths = "local files under " + ", ".join(repr(str(d)) for d in self.allowed_dirs)
        urls = "no URLs" if not self.allow_urls else "http(s) URLs" + (
            " to public hosts" if self.ssrf_guard else ""
        )
        return f"{paths}; {urls}"


@dataclass(frozen=True)
class ImageGeometry:
    """Sizes needed to map model coordinates back to the user's image.

    Attributes:
        display_width: Width of the upright original (after EXIF orientation), in pixels.
        display_height: Height of the upright original.
        sent_width: Width of the image actually sent (after optional downscale).
        sent_height: Height of the image actually sent.
        exif_orientation: The EXIF orientation tag that was applied (1 = none).
    """

    display_width: int
    display_height: int
    sent_width: int
    sent_height: int
    exif_orientation: int = 1

    @property
    def scale_x(self) -> float:
        """Original pixels per sent pixel, horizontally."""
        return self.display_width / self.sent_width

    @property
    def scale_y(self) -> float:
        """Original pixels per sent pixel, vertically."""
        return self.display_height / self.sent_height


@dataclass
class PreparedMedia:
    """A medium ready to be put in a request.

    Exactly one of ``data`` (inline bytes), ``path`` (a local file too big to hold; the File API
    layer uploads it) or ``file_uri`` (File API, gs:// or YouTube) is the payload.

    Attributes:
        kind: ``"image"``, ``"video"``, ``"audio"``, ``"document"`` or ``"youtube"``.
        mime_type: Sniffed MIME type of what will be sent (empty for YouTube).
        source: Human-readable origin (path, URL, ``"<bytes>"``), never containing secrets.
        data: Bytes to send inline.
        path: Local file to upload through the File API.
        file_uri: A URI Gemini reads itself.
        size_bytes: Size of the payload when known.
        geometry: For images, the sizes for coordinate mapping.
        repairs: What normalisation changed (rotated, converted, downscaled), for ``warnings``.
        gemini_file: The File API resource when the medium lives there.
    """

    kind: str
    mime_type: str
    source: str
    data: bytes | None = None
    path: Path | None = None
    file_uri: str | None = None
    size_bytes: int | None = None
    geometry: ImageGeometry | None = None
    repairs: list[str] = field(default_factory=list)
    gemini_file: GeminiFile | None = None

    def __repr__(self) -> str:
        payload = (
            f"{len(self.data)} bytes inline"
            if self.data is not None
            else f"path={str(self.path)!r}"
            if self.path is not None
            else f"uri={self.file_uri!r}"
        )
        return f"PreparedMedia({self.kind}, {self.mime_type or '-'}, {payload}, from {self.source!r})"

    @property
    def needs_upload(self) -> bool:
        """Whether this medium must go through the File API before it can be sent."""
        return self.file_uri is None and (self.data is None or len(self.data) > INLINE_LIMIT_BYTES)

    def to_block(
        self,
        *,
        video_metadata: dict[str, Any] | None = None,
        media_resolution: str | None = None,
    ) -> dict[str, Any]:
        """Render as a LangChain content block that ``ChatGoogleGenerativeAI`` sends unchanged.

        Uses ``{"type": "media", ...}`` blocks because only they carry ``video_metadata`` (as the
        sibling ``videoMetadata`` of the part) through langchain-google-genai.

        Raises:
            MediaAccessError: The medium still needs uploading (call ``files.route_media`` first).
        """
        block: dict[str, Any] = {"type": "media"}
        if self.file_uri is not None:
            block["file_uri"] = self.file_uri
            if self.mime_type:
                block["mime_type"] = self.mime_type
        elif self.data is not None and not self.needs_upload:
            block["data"] = base64.b64encode(self.data).decode("ascii")
            block["mime_type"] = self.mime_type
        else:
            raise MediaAccessError(
                f"{self.source} is too large to send inline ({self.size_bytes} bytes); it must be "
                "uploaded through the File API first (files.route_media does this).",
                rule="size",
            )
        if video_metadata:
            block["video_metadata"] = video_metadata
        if media_resolution:
            # Sent per part: langchain-google-genai drops a constructor-level media_resolution.
            block["media_resolution"] = media_resolution
        return block
