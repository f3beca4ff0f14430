"""The Gemini File API lifecycle: manager, uploading, waiting, retry, errors, index.

Re-exports :mod:`langchain_gemini_vision.files.manager`.
"""

from langchain_gemini_vision.files._routing import (
    arouted_media,
    routed_media,
)
from langchain_gemini_vision.files.manager import (
    OWNED_PREFIX,
    FileRef,
    GeminiFileManager,
    PollPolicy,
    RetryPolicy,
)

__all__ = [
    "OWNED_PREFIX",
    "FileRef",
    "GeminiFileManager",
    "PollPolicy",
    "RetryPolicy",
    "arouted_media",
    "routed_media",
]
