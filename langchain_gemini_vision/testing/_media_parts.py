"""Media parts of a generateContent request: ``inlineData`` and ``fileData``, checked like the API.

Each part becomes a ``MediaPart`` with what token accounting and rules need (duration, image
size, PDF pages): inline bytes are decoded and sniffed, ``files/<id>`` references are resolved
against the fake's records, YouTube URLs are recognised. Separate from ``_generate`` (the request
envelope: contents, roles, the part oneof, generation config) because it is the only code that
reads media and file records.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._file_records import FileRecord, estimate_video_duration
from langchain_gemini_vision.testing._proto_json import _normalise
from langchain_gemini_vision.testing._rules import MediaPart

_VIDEO_METADATA = {"startOffset", "endOffset", "fps", "contentLayers"}
_YOUTUBE_RE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?|shorts/|live/|embed/)|youtu\.be/)", re.I
)
_FILE_URI_RE = re.compile(r"^(?:https?://[^/]+/(?:v1beta|v1)/)?files/([a-z0-9-]+)$")

#: Without metadata, an audio file's length is estimated at 128 kbit/s.
_AUDIO_BYTES_PER_S = 16_000

#: Maps a file id to its record; raises the API's error (or returns None when unknown).
FileResolver = Callable[[str], FileRecord | None]


@dataclass(frozen=True)
class _Options:
    resolve_file: FileResolver | None
    youtube_duration_s: float
    keep_inline: bool
    check_state: bool


def _b64decode(value: Any, at: str) -> bytes:
    if not isinstance(value, str):
        raise _wire.invalid_argument(f"Invalid value at '{at}' (TYPE_BYTES), {value!r}")
    # Proto JSON accepts standard and URL-safe alphabets, with or without padding.
    text = value.strip().replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        preview = value[:40]
        raise _wire.invalid_argument(
            f"Invalid value at '{at}' (TYPE_BYTES), Base64 decoding failed for \"{preview}\""
        ) from None


def image_size(data: bytes | None) -> tuple[int, int] | None:
    """Width and height from an image's header bytes, when Pillow can read them."""
    if not data:
        return None
    try:
        from PIL import Image  # Pillow is a package dependency; only the header is parsed.

        with Image.open(io.BytesIO(data)) as img:
            return (int(img.width), int(img.height))
    except Exception:  # any unreadable or truncated header just means "size unknown"
        return None


def _pdf_pages(data: bytes | None) -> int:
    if not data:
        return 1
    return max(1, len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)))


def _video_metadata(value: Any, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    at = f"{path}.video_metadata"
    if not isinstance(value, dict):
        raise _wire.invalid_argument(f"Invalid value at '{at}'")
    meta = _normalise(value, _VIDEO_METADATA, at)
    for key, field_name in (("startOffset", "start_offset"), ("endOffset", "end_offset")):
        if key in meta and _wire.parse_duration(meta[key]) is None:
            raise _wire.invalid_argument(
                f"Invalid value at '{at}.{field_name}' (type.googleapis.com/google.protobuf."
                f"Duration), Field '{key}', Illegal duration format; duration must end with 's'"
            )
    if "fps" in meta:
        fps = meta["fps"]
        if not isinstance(fps, (int, float)) or not 0 < fps <= 24:
            raise _wire.invalid_argument("fps must be in the range (0.0, 24.0].")
    return meta


def _inline_part(
    value: Any, path: str, video_metadata: dict[str, Any] | None, keep: bool
) -> MediaPart:
    at = f"{path}.inline_data"
    if not isinstance(value, dict):
        raise _wire.invalid_argument(f"Invalid value at '{at}'")
    blob = _normalise(value, {"mimeType", "data", "displayName"}, at)
    mime = blob.get("mimeType")
    if not mime or not isinstance(mime, str):
        raise _wire.invalid_argument(
            f"* GenerateContentRequest.{path}.inline_data.mime_type: mime_type is required.\n"
        )
    data = _b64decode(blob.get("data", ""), f"{at}.data")
    duration: float | None = None
    if mime.startswith("video/"):
        duration = estimate_video_duration(len(data))
    elif mime.startswith("audio/"):
        duration = max(1.0, len(data) / _AUDIO_BYTES_PER_S)
    size = image_size(data) if mime.startswith("image/") else None
    return MediaPart(
        mime_type=mime,
        source="inline",
        data=data if keep else None,
        size_bytes=len(data),
        video_metadata=video_metadata,
        duration_s=duration,
        image_size=size,
        page_count=_pdf_pages(data) if mime == "application/pdf" else None,
    )


def _file_part(
    value: Any,
    path: str,
    video_metadata: dict[str, Any] | None,
    opts: _Options,
) -> MediaPart:
    at = f"{path}.file_data"
    if not isinstance(value, dict):
        raise _wire.invalid_argument(f"Invalid value at '{at}'")
    ref = _normalise(value, {"fileUri", "mimeType", "displayName"}, at)
    uri = ref.get("fileUri")
    if not uri or not isinstance(uri, str):
        raise _wire.invalid_argument(
            f"* GenerateContentRequest.{path}.file_data.file_uri: file_uri is required.\n"
        )
    mime = ref.get("mimeType") if isinstance(ref.get("mimeType"), str) else None
    if _YOUTUBE_RE.match(uri):
        return MediaPart(
            mime_type=mime or "video/*",
            source="youtube",
            file_uri=uri,
            video_metadata=video_metadata,
            duration_s=opts.youtube_duration_s,
        )
    match = _FILE_URI_RE.match(uri)
    if not match:
        raise _wire.invalid_argument(f"Invalid or unsupported file uri: {uri}")
    name = f"files/{match.group(1)}"
    record = opts.resolve_file(match.group(1)) if opts.resolve_file else None
    if record is None:
        return MediaPart(
            mime_type=mime or "application/octet-stream",
            source="file",
            file_uri=uri,
            file_name=name,
            video_metadata=video_metadata,
        )
    if opts.check_state and record.state != "ACTIVE":
        raise _wire.file_not_active(record.id)
    file_mime = mime or record.mime_type
    duration: float | None = None
    if record.mime_type.startswith("video/"):
        duration = record.video_duration_s or estimate_video_duration(record.size_bytes)
    elif record.mime_type.startswith("audio/"):
        duration = record.video_duration_s or max(1.0, record.size_bytes / _AUDIO_BYTES_PER_S)
    return MediaPart(
        mime_type=file_mime,
        source="file",
        size_bytes=record.size_bytes,
        file_uri=uri,
        file_name=record.name,
        video_metadata=video_metadata,
        duration_s=duration,
        image_size=image_size(record.head) if file_mime.startswith("image/") else None,
        page_count=_pdf_pages(record.head) if file_mime == "application/pdf" else None,
    )
