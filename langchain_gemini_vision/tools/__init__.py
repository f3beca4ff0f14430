"""LangChain tools for Gemini vision (see each tool's docstring)."""

from __future__ import annotations

from langchain_gemini_vision.tools._base import GeminiVisionBaseTool
from langchain_gemini_vision.tools.image import GeminiImageCaptionTool, GeminiObjectDetectionTool
from langchain_gemini_vision.tools.video import GeminiVideoTranscriptionTool
from langchain_gemini_vision.tools.youtube import GeminiYouTubeSummaryTool

__all__ = [
    "GeminiImageCaptionTool",
    "GeminiObjectDetectionTool",
    "GeminiVideoTranscriptionTool",
    "GeminiVisionBaseTool",
    "GeminiYouTubeSummaryTool",
]
