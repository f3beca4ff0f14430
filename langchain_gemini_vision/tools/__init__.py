"""LangChain tools for Gemini vision (see each tool's docstring)."""

from __future__ import annotations

from ._base import GeminiVisionBaseTool
from .image import GeminiImageCaptionTool, GeminiObjectDetectionTool
from .video import GeminiVideoTranscriptionTool
from .youtube import GeminiYouTubeSummaryTool

__all__ = [
    "GeminiImageCaptionTool",
    "GeminiObjectDetectionTool",
    "GeminiVideoTranscriptionTool",
    "GeminiVisionBaseTool",
    "GeminiYouTubeSummaryTool",
]
