"""Old import path of :mod:`langchain_gemini_vision.image.annotate`, kept for existing code."""

from langchain_gemini_vision.image.annotate import (
    PALETTE,
    ImageLike,
    annotate_image,
    colour_for,
)

__all__ = [
    "PALETTE",
    "ImageLike",
    "annotate_image",
    "colour_for",
]
