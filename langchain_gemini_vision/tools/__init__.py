"""LangChain tools for Gemini vision (see each tool's docstring)."""

from __future__ import annotations

from ._base import GeminiVisionBaseTool

__all__ = ["GeminiVisionBaseTool"]
