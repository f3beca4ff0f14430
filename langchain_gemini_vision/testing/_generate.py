"""generateContent: request validation like the live API, parsing, and token accounting."""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._files import FileRecord, estimate_video_duration
from langchain_gemini_vision.testing._rules import FunctionResult, GenerateRequest, MediaPart

# Fields of GenerateContentRequest. The API parses proto JSON, which accepts both the
# lowerCamel JSON name and the original snake_case name of every field.
_TOP_LEVEL = {
    "contents",
    "model",
    "systemInstruction",
    "generationConfig",
    "safetySettings",
    "tools",
    "toolConfig",
    "cachedContent",
    "labels",
    "serviceTier",
    "store",
    "continuationToken",
}
_CONTENT_FIELDS = {"parts", "role"}
# Part's oneof ``data``: exactly one must be set.
_PART_DATA = {
    "text",
    "inlineData",
    "fileData",
    "functionCall",
    "functionResponse",
    "executableCode",
    "codeExecutionResult",
    "toolCall",
    "toolResponse",
}
_PART_OTHER = {
    "videoMetadata",
    "thought",
    "thoughtSignature",
    "mediaResolution",
    "partMetadata",
    "audioMetadata",
    "speechMetadata",
    "mediaProcessing",
    "documentMetadata",
    "spreadsheetMetadata",
    "audioTranscription",
}
_VIDEO_METADATA = {"startOffset", "endOffset", "fps", "contentLayers"}
_ROLES = {"user", "model"}
_YOUTUBE_RE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?|shorts/|live/|embed/)|youtu\.be/)", re.I
)
_FILE_URI_RE = re.compile(r"^(?:https?://[^/]+/(?:v1beta|v1)/)?files/([a-z0-9-]+)$")

#: Tokens per image / video frame at default media resolution, and at MEDIA_RESOLUTION_LOW.
TOKENS_PER_IMAGE_TILE = 258
TOKENS_PER_FRAME_LOW = 66
TOKENS_PER_IMAGE_LOW = 64
AUDIO_TOKENS_PER_S = 32
#: Gemini 3+ image cost by media_resolution (Google's media_resolution docs).
GEMINI3_IMAGE_TOKENS = {
    "MEDIA_RESOLUTION_LOW": 280,
    "MEDIA_RESOLUTION_MEDIUM": 560,
    "MEDIA_RESOLUTION_HIGH": 1120,
}
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


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _normalise(obj: dict[str, Any], known: set[str], at: str | None) -> dict[str, Any]:
    """Map snake_case keys to lowerCamel and reject unknown ones like the API does."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        camel = _camel(key)
        if camel not in known:
            raise _wire.unknown_field(key, at)
        out[camel] = value
    return out


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


def _oneof_missing(path: str) -> _wire.ApiError:
    return _wire.invalid_argument(
        f"* GenerateContentRequest.{path}.data: required oneof field 'data' must have one "
        "initialized field\n"
    )


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


def parse_request(
    body: Any,
    *,
    model: str,
    stream: bool,
    resolve_file: FileResolver | None,
    youtube_duration_s: float,
    keep_inline: bool = True,
    check_state: bool = True,
) -> GenerateRequest:
    """Validate ``body`` like the live API and return the parsed request.

    Args:
        body: The decoded JSON body.
        model: Bare model name from the URL.
        stream: Whether this is streamGenerateContent.
        resolve_file: Looks up ``files/<id>`` ids of this server (raising the API's error for
            missing/foreign files). None skips file lookups.
        youtube_duration_s: Assumed length of YouTube videos, for token accounting.
        keep_inline: Keep decoded inline bytes on ``MediaPart.data``.
        check_state: Reject files that are not ACTIVE (off when re-parsing the request log).

    Raises:
        ApiError: The request would be rejected by the live API.
    """
    if not isinstance(body, dict):
        raise _wire.invalid_argument("Invalid JSON payload received. Expected an object.")
    top = _normalise(body, _TOP_LEVEL, None)
    contents = top.get("contents")
    if not contents:
        raise _wire.invalid_argument(
            "* GenerateContentRequest.contents: contents is not specified\n"
        )
    if not isinstance(contents, list):
        raise _wire.invalid_argument(
            'Invalid JSON payload received. Unknown name "contents": Proto field is not '
            "repeating, cannot start list."
        )
    opts = _Options(resolve_file, youtube_duration_s, keep_inline, check_state)
    texts: list[str] = []
    media: list[MediaPart] = []
    for ci, content in enumerate(contents):
        _parse_content(content, f"contents[{ci}]", texts, media, opts)

    system_text: str | None = None
    system = top.get("systemInstruction")
    if system is not None:
        sys_texts: list[str] = []
        _parse_content(system, "system_instruction", sys_texts, [], opts)
        system_text = "\n".join(sys_texts)

    config = top.get("generationConfig") or {}
    if not isinstance(config, dict):
        raise _wire.invalid_argument("Invalid value at 'generation_config'")
    schema = _first(config, "responseJsonSchema", "response_json_schema", "_responseJsonSchema")
    if schema is None:
        schema = _first(config, "responseSchema", "response_schema")
    mime = _first(config, "responseMimeType", "response_mime_type")
    return GenerateRequest(
        model=model,
        body=body,
        text="\n".join(texts),
        system_instruction=system_text,
        media=tuple(media),
        response_schema=schema,
        response_mime_type=mime,
        generation_config=dict(config),
        stream=stream,
        tool_names=_tool_names(top.get("tools")),
        function_responses=_function_responses(contents),
    )


def _tool_names(tools: Any) -> tuple[str, ...]:
    """Names of the declared functions (``tools[].functionDeclarations[].name``)."""
    names: list[str] = []
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict):
            decls = _first(tool, "functionDeclarations", "function_declarations") or []
            names.extend(str(d.get("name", "")) for d in decls if isinstance(d, dict))
    return tuple(names)


def _function_responses(contents: list[Any]) -> tuple[FunctionResult, ...]:
    """Every ``functionResponse`` part (already validated by ``_parse_content``)."""
    out: list[FunctionResult] = []
    for content in contents:
        for part in content.get("parts") or []:
            value = _first(part, "functionResponse", "function_response")
            if isinstance(value, dict):
                response = value.get("response")
                out.append(
                    FunctionResult(
                        name=str(value.get("name", "")),
                        response=response if isinstance(response, dict) else {},
                    )
                )
    return tuple(out)


def _first(obj: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if obj.get(key) is not None:
            return obj[key]
    return None


def _parse_content(
    content: Any,
    path: str,
    texts: list[str],
    media: list[MediaPart],
    opts: _Options,
) -> None:
    if not isinstance(content, dict):
        raise _wire.invalid_argument(f"Invalid value at '{path}', expected an object")
    content = _normalise(content, _CONTENT_FIELDS, path)
    role = content.get("role")
    if role not in (None, "", *_ROLES):
        raise _wire.invalid_argument("Please use a valid role: user, model.")
    parts = content.get("parts")
    if not parts or not isinstance(parts, list):
        raise _wire.invalid_argument(
            f"* GenerateContentRequest.{path}.parts: contents.parts must not be empty.\n"
        )
    for pi, raw in enumerate(parts):
        ppath = f"{path}.parts[{pi}]"
        if not isinstance(raw, dict):
            raise _wire.invalid_argument(f"Invalid value at '{ppath}', expected an object")
        part = _normalise(raw, _PART_DATA | _PART_OTHER, ppath)
        data_keys = [k for k in part if k in _PART_DATA]
        if not data_keys:
            raise _oneof_missing(ppath)
        if len(data_keys) > 1:
            raise _wire.invalid_argument(
                f"Invalid value at '{ppath}' (oneof), oneof field 'data' is already set. "
                f"Cannot set '{data_keys[1]}'"
            )
        video_metadata = _video_metadata(part.get("videoMetadata"), ppath)
        if "text" in part:
            if not isinstance(part["text"], str):
                raise _wire.invalid_argument(f"Invalid value at '{ppath}.text' (TYPE_STRING)")
            texts.append(part["text"])
        elif "inlineData" in part:
            media.append(_inline_part(part["inlineData"], ppath, video_metadata, opts.keep_inline))
        elif "fileData" in part:
            media.append(_file_part(part["fileData"], ppath, video_metadata, opts))


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


# --------------------------------------------------------------------------- token accounting


def text_tokens(text: str) -> int:
    """About four characters per token (the guide's rule of thumb)."""
    return math.ceil(len(text) / 4) if text else 0


def image_tokens(size: tuple[int, int] | None, model: str, resolution: str) -> int:
    """Prompt tokens of one image.

    Gemini 3 and later: fixed cost by ``media_resolution`` (low 280 / medium 560 / high 1120,
    default high). Earlier models follow the vision guide: <= 384 px on both sides is one
    258-token tile, larger images are cut into 768 px tiles of 258 tokens each.
    """
    if _major_version(model) >= 3:
        return GEMINI3_IMAGE_TOKENS.get(resolution, GEMINI3_IMAGE_TOKENS["MEDIA_RESOLUTION_HIGH"])
    if resolution == "MEDIA_RESOLUTION_LOW":
        return TOKENS_PER_IMAGE_LOW
    if size is None:
        return TOKENS_PER_IMAGE_TILE
    width, height = size
    if width <= 384 and height <= 384:
        return TOKENS_PER_IMAGE_TILE
    return math.ceil(width / 768) * math.ceil(height / 768) * TOKENS_PER_IMAGE_TILE


def _major_version(model: str) -> int:
    match = re.match(r"gemini-(\d+)", model)
    return int(match.group(1)) if match else 0


def clip_seconds(part: MediaPart) -> float:
    """Seconds of the part the model watches: the videoMetadata clip, cut to the real length."""
    total = part.duration_s or 0.0
    meta = part.video_metadata or {}
    start = _wire.parse_duration(meta.get("startOffset")) or 0.0
    end = _wire.parse_duration(meta.get("endOffset"))
    # The live API silently cuts an endOffset past the end to the video's length.
    end = total if end is None else min(end, total)
    return max(0.0, end - max(0.0, start))


def prompt_tokens(req: GenerateRequest) -> dict[str, int]:
    """Prompt tokens per modality, in order of first appearance (TEXT first)."""
    resolution = str(
        req.generation_config.get("mediaResolution")
        or req.generation_config.get("media_resolution")
        or ""
    )
    low = resolution == "MEDIA_RESOLUTION_LOW"
    counts: dict[str, int] = {}

    def add(modality: str, tokens: int) -> None:
        if tokens > 0:
            counts[modality] = counts.get(modality, 0) + tokens

    add("TEXT", text_tokens(req.text) + text_tokens(req.system_instruction or ""))
    for part in req.media:
        mime = part.mime_type
        if mime.startswith("image/"):
            add("IMAGE", image_tokens(part.image_size, req.model, resolution))
        elif mime.startswith("video/"):
            seconds = clip_seconds(part)
            fps = float((part.video_metadata or {}).get("fps") or 1.0)
            frames = max(1, math.ceil(seconds * fps))
            add("VIDEO", frames * (TOKENS_PER_FRAME_LOW if low else TOKENS_PER_IMAGE_TILE))
            add("AUDIO", math.ceil(seconds * AUDIO_TOKENS_PER_S))
        elif mime.startswith("audio/"):
            add("AUDIO", math.ceil((part.duration_s or 1.0) * AUDIO_TOKENS_PER_S))
        elif mime == "application/pdf":
            add("DOCUMENT", (part.page_count or 1) * TOKENS_PER_IMAGE_TILE)
        else:
            add("TEXT", math.ceil((part.size_bytes or 0) / 4))
    if not counts:
        counts["TEXT"] = 1
    return counts
