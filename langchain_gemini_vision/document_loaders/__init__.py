"""LangChain document loaders for Gemini vision."""

from __future__ import annotations

from .files import GeminiFileLoader
from .video import GeminiVideoTranscriptLoader
from .youtube import GeminiYouTubeLoader

__all__: list[str] = ["GeminiFileLoader", "GeminiVideoTranscriptLoader", "GeminiYouTubeLoader"]
