"""LangChain document loaders for Gemini vision."""

from __future__ import annotations

__all__: list[str] = []
