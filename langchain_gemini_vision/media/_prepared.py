"""The prepared medium: the result of preparation, and how it renders as a content block.

Separate from ``_prepare`` because every capability, the File API layer and batch requests hold and
pass ``PreparedMedia`` values without preparing anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_gemini_vision.errors import MediaAccessError
from langchain_gemini_vision.media._limits import fits_inline
from langchain_gemini_vision.media._safe_open import SafeFile

if TYPE_CHECKING:
    from langchain_gemini_vision.types import GeminiFile, SentImage


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
    def downscaled(self) -> bool:
        """Whether the image sent is smaller than the upright original."""
        return (self.sent_width, self.sent_height) != (self.display_width, self.display_height)

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
        opened: For ``path``, the verified open file that uploads read from (not the name).
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
    start_offset_s: float | None = None
    opened: SafeFile | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        payload = (
            f"{len(self.data)} bytes inline"
            if self.data is not None
            else f"path={str(self.path)!r}"
            if self.path is not None
            else f"uri={self.file_uri!r}"
        )
        kind = self.kind or "?"
        return f"PreparedMedia({kind}, {self.mime_type or '-'}, {payload}, from {self.source!r})"

    def sent_image(self) -> SentImage | None:
        """For an image whose pixels were read here, what is sent; else None."""
        from langchain_gemini_vision.types import SentImage

        g = self.geometry
        if g is None:
            return None
        return SentImage(
            width=g.sent_width,
            height=g.sent_height,
            original_width=g.display_width,
            original_height=g.display_height,
            downscaled=g.downscaled,
            mime_type=self.mime_type,
            size_bytes=self.size_bytes,
        )

    @property
    def needs_upload(self) -> bool:
        """Whether this medium must go through the File API before it can be sent."""
        return self.file_uri is None and (self.data is None or not fits_inline(len(self.data)))

    def to_block(
        self,
        *,
        video_metadata: dict[str, Any] | None = None,
        media_resolution: str | None = None,
    ) -> dict[str, Any]:
        """Render as a LangChain content block that ``ChatGoogleGenerativeAI`` sends unchanged.

        Uses ``{"type": "media", ...}`` blocks because only they carry ``video_metadata`` (as the
        sibling ``videoMetadata`` of the part) through langchain-google-genai. Inline ``data`` is
        raw bytes, which langchain-google-genai hands to the SDK as they are: a base64 string
        would be encoded by us, then whitespace-stripped by a regex, validated by another and
        decoded again before the SDK re-encodes it (about 3 ms per MB, measured).

        Raises:
            MediaAccessError: The medium still needs uploading (call ``files.routed_media`` first).
        """
        block: dict[str, Any] = {"type": "media"}
        if self.file_uri is not None:
            block["file_uri"] = self.file_uri
            if self.mime_type:
                block["mime_type"] = self.mime_type
        elif self.data is not None and not self.needs_upload:
            block["data"] = self.data
            block["mime_type"] = self.mime_type
        else:
            raise MediaAccessError(
                f"{self.source} is too large to send inline ({self.size_bytes} bytes); it must be "
                "uploaded through the File API first (files.routed_media does this).",
                rule="size",
            )
        if video_metadata:
            block["video_metadata"] = video_metadata
        if media_resolution:
            # Sent per part: langchain-google-genai drops a constructor-level media_resolution.
            block["media_resolution"] = media_resolution
        return block
