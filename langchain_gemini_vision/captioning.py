"""Old import path of :mod:`langchain_gemini_vision.image.captioning`, kept for existing code."""

from langchain_gemini_vision.image.captioning import (
    DEFAULT_STYLE,
    STYLE_PROMPTS,
    TRUNCATED_WARNING,
    CaptionRequest,
    CaptionStyle,
    acaption_image,
    as_image_list,
    build_caption_request,
    caption_image,
    caption_prompt,
    finish_caption,
)

__all__ = [
    "DEFAULT_STYLE",
    "STYLE_PROMPTS",
    "TRUNCATED_WARNING",
    "CaptionRequest",
    "CaptionStyle",
    "acaption_image",
    "as_image_list",
    "build_caption_request",
    "caption_image",
    "caption_prompt",
    "finish_caption",
]
