"""LangChain document loaders for Gemini vision."""

from __future__ import annotations

from langchain_gemini_vision.document_loaders.files import GeminiFileLoader
from langchain_gemini_vision.document_loaders.video import GeminiVideoTranscriptLoader
from langchain_gemini_vision.document_loaders.youtube import GeminiYouTubeLoader

__all__: list[str] = ["GeminiFileLoader", "GeminiVideoTranscriptLoader", "GeminiYouTubeLoader"]
