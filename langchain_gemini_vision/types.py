"""Result models: pydantic v2, JSON-serialisable, stable field names (see docs/architecture.md)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TokenUsage(BaseModel):
    """Token counts the API reported for one or more calls.

    ``output_tokens`` includes ``reasoning_tokens`` (thinking), as LangChain counts them. The API's
    per-modality prompt breakdown is not kept: langchain-google-genai drops it from the message.
    """

    model_config = ConfigDict(frozen=True)

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0
    """Prompt tokens read from a context cache (included in ``input_tokens``)."""

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
        )


class SentImage(BaseModel):
    """What was sent for one image, beside the upright original's size (EXIF orientation applied).

    ``downscaled`` says whether it was shrunk (by ``max_image_side`` or the model's default budget).
    """

    model_config = ConfigDict(frozen=True)

    width: int
    height: int
    original_width: int
    original_height: int
    downscaled: bool = False
    mime_type: str = ""
    size_bytes: int | None = None


class CaptionResult(BaseModel):
    """A caption (or free-form answer) about one or more images.

    ``sent_images``: what was sent, per image in order (not for File API images read elsewhere, nor
    in Batch Mode results).
    """

    text: str
    model: str = ""
    usage: TokenUsage = Field(default_factory=TokenUsage)
    warnings: list[str] = Field(default_factory=list)
    sent_images: list[SentImage] = Field(default_factory=list)

    def __str__(self) -> str:
        return self.text


class BoundingBox(BaseModel):
    """An axis-aligned box in pixels of the upright original image; max edges are exclusive."""

    model_config = ConfigDict(frozen=True)

    x_min: int
    y_min: int
    x_max: int
    y_max: int

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self.x_max - self.x_min

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self.y_max - self.y_min

    @property
    def area(self) -> int:
        """Area in square pixels."""
        return max(self.width, 0) * max(self.height, 0)

    def as_tuple(self) -> tuple[int, int, int, int]:
        """Return ``(x_min, y_min, x_max, y_max)``, the order PIL's ``crop`` expects."""
        return (self.x_min, self.y_min, self.x_max, self.y_max)

    def __str__(self) -> str:
        return f"({self.x_min}, {self.y_min}, {self.x_max}, {self.y_max})"


class Mask(BaseModel):
    """A segmentation mask in image pixel space.

    The mask covers ``box``; ``png_base64`` is a binary (0/255) single-channel PNG of exactly the
    box's size. ``polygon`` holds ``[x, y]`` pixel vertices when the model answered with a polygon.
    """

    png_base64: str | None = None
    polygon: list[list[int]] | None = None


class Detection(BaseModel):
    """One detected object."""

    label: str
    box: BoundingBox = Field(description="Pixels of the upright original image.")
    box_2d: list[int] = Field(
        description="The model's (repaired) [y_min, x_min, y_max, x_max] on the 0-1000 grid."
    )
    mask: Mask | None = None
    confidence: float | None = None


class DetectionResult(BaseModel):
    """Objects found in one image, with pixel boxes for the image as a person sees it."""

    detections: list[Detection] = Field(default_factory=list)
    image_width: int
    image_height: int
    model: str = ""
    usage: TokenUsage = Field(default_factory=TokenUsage)
    warnings: list[str] = Field(default_factory=list)
    truncated: bool = False
    sent_image: SentImage | None = None
    """What was sent (None when the pixels were never read here, or in Batch Mode results)."""

    def __len__(self) -> int:
        return len(self.detections)

    def summary(self, max_items: int = 50) -> str:
        """A short text an LLM can reason over: ``"2 objects: cat (12, 40, 300, 410) px; ..."``."""
        n = len(self.detections)
        if n == 0:
            head = f"No matching objects found in the {self.image_width}x{self.image_height} image."
        else:
            items = "; ".join(f"{d.label} {d.box}" for d in self.detections[:max_items])
            more = f"; ... and {n - max_items} more" if n > max_items else ""
            noun = "object" if n == 1 else "objects"
            head = (
                f"{n} {noun} in the {self.image_width}x{self.image_height} image "
                f"(pixel boxes x_min, y_min, x_max, y_max): {items}{more}"
            )
        if self.warnings:
            head += f" [{len(self.warnings)} repair(s): {'; '.join(self.warnings[:3])}]"
        return head

    def to_supervision(self) -> Any:
        """Convert to ``supervision.Detections`` (needs the ``supervision`` extra).

        ``xyxy`` holds the pixel boxes (float), ``class_id`` indexes the sorted distinct labels,
        ``data["class_name"]`` the labels, ``confidence`` is set when every detection has one, and
        ``mask`` is an ``(N, height, width)`` boolean array of the whole image when any detection
        has a mask (PNG masks pasted at their box, polygons rasterised; objects without a mask
        are all False).

        Raises:
            ConfigurationError: supervision is not installed.
        """
        from langchain_gemini_vision._interop import to_supervision

        return to_supervision(self)

    def to_coco(self, *, image_id: int = 1, file_name: str = "image.png") -> dict[str, Any]:
        """Convert to a COCO JSON dict with ``images``, ``annotations`` and ``categories``.

        Categories are the sorted distinct labels with ids from 1. Each annotation has ``bbox``
        ``[x, y, width, height]`` in pixels, ``iscrowd`` 0 and ``area`` (the mask's pixel count,
        else the box's). ``segmentation`` is the polygon (``[[x1, y1, x2, y2, ...]]``) when the
        model gave one, an uncompressed RLE (``{"counts": [...], "size": [h, w]}``, column-major
        as pycocotools reads it) for a PNG mask, and ``[]`` without a mask. ``score`` is added
        when the detection has a confidence.

        Args:
            image_id: The ``id`` of the image entry, referenced by every annotation.
            file_name: The image entry's ``file_name``.
        """
        from langchain_gemini_vision._interop import to_coco

        return to_coco(self, image_id=image_id, file_name=file_name)


class TranscriptSegment(BaseModel):
    """A span of a video: what was said (and optionally shown), on the video's own clock."""

    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)
    text: str
    speaker: str | None = None
    visual: str | None = None


def format_timestamp(seconds: float, *, always_hours: bool = False) -> str:
    """Format seconds as ``MM:SS`` (or ``H:MM:SS`` from one hour on, or when asked)."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours or always_hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def _subtitle_time(seconds: float, sep: str) -> str:
    millis = round(max(seconds, 0.0) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


class Transcript(BaseModel):
    """A timestamped transcript of a video."""

    segments: list[TranscriptSegment] = Field(default_factory=list)
    duration_s: float | None = None
    source: str = ""
    model: str = ""
    usage: TokenUsage = Field(default_factory=TokenUsage)
    warnings: list[str] = Field(default_factory=list)
    gemini_file_uri: str | None = None

    def _cue_text(self, seg: TranscriptSegment) -> str:
        text = f"{seg.speaker}: {seg.text}" if seg.speaker else seg.text
        if seg.visual:
            text = f"{text}\n[{seg.visual}]" if text else f"[{seg.visual}]"
        # A blank line ends a cue and "-->" marks a timing line in both formats: neither may
        # appear inside cue text, or players drop or misread the rest of the file.
        lines = [line.strip().replace("-->", "->") for line in text.splitlines()]
        return "\n".join(line for line in lines if line) or "..."

    def to_srt(self) -> str:
        """Render as SubRip (.srt)."""
        blocks = []
        for i, seg in enumerate(self.segments, start=1):
            end = seg.end_s if seg.end_s > seg.start_s else seg.start_s + 1.0
            times = f"{_subtitle_time(seg.start_s, ',')} --> {_subtitle_time(end, ',')}"
            blocks.append(f"{i}\n{times}\n{self._cue_text(seg)}\n")
        return "\n".join(blocks)

    def to_vtt(self) -> str:
        """Render as WebVTT (.vtt)."""
        blocks = ["WEBVTT\n"]
        for seg in self.segments:
            end = seg.end_s if seg.end_s > seg.start_s else seg.start_s + 1.0
            times = f"{_subtitle_time(seg.start_s, '.')} --> {_subtitle_time(end, '.')}"
            # WebVTT cue text is markup: a bare "<" or "&" would start a tag or an entity.
            cue = (
                self._cue_text(seg).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            )
            blocks.append(f"{times}\n{cue}\n")
        return "\n".join(blocks)

    def to_text(self) -> str:
        """Render as plain text with ``[MM:SS]`` stamps, one segment per line."""
        hours = (self.duration_s or 0) >= 3600 or any(s.start_s >= 3600 for s in self.segments)
        return "\n".join(segment_line(seg, hours=hours) for seg in self.segments)

    def to_dataframe(self) -> Any:
        """Convert to a ``pandas.DataFrame``, one row per segment (needs the ``pandas`` extra).

        Columns: ``start_s``, ``end_s`` (float seconds), ``start_timestamp`` (``MM:SS`` as in
        :meth:`to_text`), ``text``, ``speaker`` and ``visual`` (missing values where absent:
        select them with ``frame["speaker"].isna()``).

        Raises:
            ConfigurationError: pandas is not installed.
        """
        from langchain_gemini_vision._interop import to_dataframe

        return to_dataframe(self, format_timestamp)


def segment_line(seg: TranscriptSegment, *, hours: bool = False) -> str:
    """One segment as ``[MM:SS] speaker: text [visual: ...]`` on a single line."""
    stamp = format_timestamp(seg.start_s, always_hours=hours)
    body = " ".join(seg.text.split())
    if seg.speaker:
        body = f"{seg.speaker}: {body}"
    if seg.visual:
        visual = " ".join(seg.visual.split())
        body = f"{body} [visual: {visual}]" if body else f"[visual: {visual}]"
    return f"[{stamp}] {body}".rstrip()


class Chapter(BaseModel):
    """A chapter of a video summary."""

    start_s: float = Field(ge=0)
    title: str
    summary: str = ""
    end_s: float | None = None
    url: str | None = Field(default=None, description="Deep link that seeks to the chapter.")


class VideoSummary(BaseModel):
    """A summary of a (YouTube) video with optional timestamped chapters."""

    text: str
    chapters: list[Chapter] = Field(default_factory=list)
    video_id: str | None = None
    url: str | None = None
    model: str = ""
    usage: TokenUsage = Field(default_factory=TokenUsage)
    warnings: list[str] = Field(default_factory=list)


class GeminiFile(BaseModel):
    """A file in the Gemini File API (a snapshot of its resource)."""

    name: str = Field(description="Resource name, 'files/<id>'.")
    uri: str = ""
    mime_type: str = ""
    size_bytes: int | None = None
    display_name: str | None = None
    sha256_hex: str | None = Field(default=None, description="Hex digest decoded from sha256Hash.")
    state: str = "STATE_UNSPECIFIED"
    create_time: datetime | None = None
    expiration_time: datetime | None = None
    video_duration_s: float | None = None
    error_message: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)

    @property
    def is_active(self) -> bool:
        """Whether the file can be used in a request."""
        return self.state == "ACTIVE"

    @classmethod
    def from_sdk(cls, file: Any) -> GeminiFile:
        """Convert a ``google.genai.types.File`` (or anything with its attributes).

        Decodes ``sha256Hash`` (base64 of the hex digest *string*) to ``sha256_hex`` and
        ``videoMetadata.videoDuration`` (``"596s"``) to ``video_duration_s``.
        """
        state: Any = getattr(file, "state", None)
        state_name = str(getattr(state, "value", state) or "STATE_UNSPECIFIED")
        video: Any = getattr(file, "video_metadata", None) or {}
        duration = video.get("videoDuration", video.get("video_duration")) if video else None
        error: Any = getattr(file, "error", None)
        size: Any = getattr(file, "size_bytes", None)
        return cls(
            name=str(getattr(file, "name", "") or ""),
            uri=str(getattr(file, "uri", "") or ""),
            mime_type=str(getattr(file, "mime_type", "") or ""),
            size_bytes=int(size) if size is not None else None,
            display_name=getattr(file, "display_name", None),
            sha256_hex=_sha256_hex(getattr(file, "sha256_hash", None)),
            state=state_name,
            create_time=getattr(file, "create_time", None),
            expiration_time=getattr(file, "expiration_time", None),
            video_duration_s=_duration_s(duration),
            error_message=(getattr(error, "message", None) or None) if error else None,
        )


def _sha256_hex(value: Any) -> str | None:
    """Decode the File API's ``sha256Hash``: base64 of the 64-char hex digest string."""
    if not value:
        return None
    text = str(value).strip()
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        return None
    decoded = raw.decode("ascii", "replace").strip().lower()
    if len(decoded) == 64 and all(c in "0123456789abcdef" for c in decoded):
        return decoded
    if len(raw) == 32:  # tolerate servers that encode the raw digest instead
        return raw.hex()
    return None


def _duration_s(value: Any) -> float | None:
    """Parse a protobuf Duration such as ``"596s"`` or ``"1.5s"``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.strip().endswith("s"):
        try:
            return float(value.strip()[:-1])
        except ValueError:
            return None
    return None
