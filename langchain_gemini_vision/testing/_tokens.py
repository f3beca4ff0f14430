"""Prompt token accounting of the fake server, per modality, from a parsed request.

``usageMetadata``, countTokens and cached contents all count the same way, from the
``GenerateRequest`` that ``_generate`` produced; the rules follow the vision guide and Google's
media_resolution docs. Kept apart from parsing because it only reads what parsing produced.
"""

from __future__ import annotations

import math
import re

from langchain_gemini_vision.testing import _wire
from langchain_gemini_vision.testing._rules import GenerateRequest, MediaPart

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
