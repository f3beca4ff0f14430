"""Old import path of :mod:`langchain_gemini_vision.image.many`, kept for existing code."""

from langchain_gemini_vision.image.many import (
    CAPTION_OPTIONS,
    DEFAULT_CONCURRENCY,
    DETECT_OPTIONS,
    MAX_CONCURRENCY,
    R,
    acaption_images,
    adetect_objects_many,
    caption_images,
    detect_objects_many,
)

__all__ = [
    "CAPTION_OPTIONS",
    "DEFAULT_CONCURRENCY",
    "DETECT_OPTIONS",
    "MAX_CONCURRENCY",
    "R",
    "acaption_images",
    "adetect_objects_many",
    "caption_images",
    "detect_objects_many",
]
