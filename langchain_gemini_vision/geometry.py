"""Old import path of :mod:`langchain_gemini_vision.image.geometry`, kept for existing code."""

from langchain_gemini_vision.image.geometry import (
    GRID,
    MASK_THRESHOLD,
    BoxConversion,
    DisplaySize,
    SizeLike,
    box_from_gemini,
    box_to_gemini,
    decode_mask_image,
    display_size,
    mask_array,
    mask_from_gemini,
    mask_from_polygon,
    mask_from_probability_png,
    polygon_to_pixels,
)

__all__ = [
    "GRID",
    "MASK_THRESHOLD",
    "BoxConversion",
    "DisplaySize",
    "SizeLike",
    "box_from_gemini",
    "box_to_gemini",
    "decode_mask_image",
    "display_size",
    "mask_array",
    "mask_from_gemini",
    "mask_from_polygon",
    "mask_from_probability_png",
    "polygon_to_pixels",
]
