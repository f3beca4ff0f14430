"""LangChain tools and document loaders for Gemini vision.

Caption images, detect objects as pixel boxes, transcribe videos with timestamps, summarize YouTube
videos, and load any media through the Gemini File API with correct state polling.
"""

from __future__ import annotations

from ._client import build_llm
from .errors import (
    ConfigurationError,
    FileProcessingError,
    FileProcessingTimeout,
    GeminiVisionError,
    InvalidRequestError,
    InvalidYouTubeURLError,
    MediaAccessError,
    MediaTooLargeError,
    ResponseBlockedError,
    ResponseParseError,
    UnsupportedMediaError,
)
from .types import (
    BoundingBox,
    CaptionResult,
    Chapter,
    Detection,
    DetectionResult,
    GeminiFile,
    Mask,
    TokenUsage,
    Transcript,
    TranscriptSegment,
    VideoSummary,
)

__version__ = "0.1.0"

__all__ = [
    "BoundingBox",
    "CaptionResult",
    "Chapter",
    "ConfigurationError",
    "Detection",
    "DetectionResult",
    "FileProcessingError",
    "FileProcessingTimeout",
    "GeminiFile",
    "GeminiVisionError",
    "InvalidRequestError",
    "InvalidYouTubeURLError",
    "Mask",
    "MediaAccessError",
    "MediaTooLargeError",
    "ResponseBlockedError",
    "ResponseParseError",
    "TokenUsage",
    "Transcript",
    "TranscriptSegment",
    "UnsupportedMediaError",
    "VideoSummary",
    "__version__",
    "build_llm",
]
