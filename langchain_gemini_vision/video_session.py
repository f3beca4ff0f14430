"""Old import path of :mod:`langchain_gemini_vision.video.session`, kept for existing code."""

from langchain_gemini_vision.video.session import (
    DEFAULT_TTL_S,
    VideoSession,
)

__all__ = [
    "DEFAULT_TTL_S",
    "VideoSession",
]
