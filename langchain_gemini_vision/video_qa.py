"""Old import path of :mod:`langchain_gemini_vision.video.qa`, kept for existing code."""

from langchain_gemini_vision.video.qa import (
    QuestionRequest,
    aanalyze_video,
    analyze_video,
    build_question_request,
    check_question,
    finish_answer,
)

__all__ = [
    "QuestionRequest",
    "aanalyze_video",
    "analyze_video",
    "build_question_request",
    "check_question",
    "finish_answer",
]
