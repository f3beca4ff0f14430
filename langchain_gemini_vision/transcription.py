"""Old import path of :mod:`langchain_gemini_vision.video.transcription`, kept for existing code."""

from langchain_gemini_vision.video.transcription import *  # noqa: F403  (the names of its __all__)
from langchain_gemini_vision.video.transcription import __all__ as __all__
