"""Old import path of :mod:`langchain_gemini_vision.video.youtube`, kept for existing code."""

from langchain_gemini_vision.video.youtube import (
    SummaryStyle,
    YouTubeSummaryRequest,
    asummarize_youtube,
    build_summary_request,
    finish_summary,
    summarize_youtube,
)

__all__ = [
    "SummaryStyle",
    "YouTubeSummaryRequest",
    "asummarize_youtube",
    "build_summary_request",
    "finish_summary",
    "summarize_youtube",
]
