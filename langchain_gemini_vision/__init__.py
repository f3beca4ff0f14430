"""LangChain tools and document loaders for Gemini vision.

Caption images, detect objects as pixel boxes, transcribe videos with timestamps, summarize YouTube
videos, and load any media through the Gemini File API with correct state polling.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from ._client import build_llm
from ._generation import generation_retries
from ._image_tokens import estimate_image_tokens
from .annotate import annotate_image
from .batch import (
    BatchItemResult,
    BatchJob,
    caption_images_batch,
    detect_objects_batch,
    submit_batch,
)
from .captioning import acaption_image, caption_image
from .detection import adetect_objects, detect_objects
from .errors import (
    AuthenticationError,
    ConfigurationError,
    ConnectionLostError,
    FileProcessingError,
    FileProcessingTimeout,
    GeminiVisionError,
    InvalidRequestError,
    InvalidYouTubeURLError,
    MediaAccessError,
    MediaTooLargeError,
    RateLimitError,
    RequestTimeoutError,
    ResponseBlockedError,
    ResponseParseError,
    ServiceUnavailableError,
    UnsupportedMediaError,
)
from .files import GeminiFileManager, PollPolicy, RetryPolicy
from .many import acaption_images, adetect_objects_many, caption_images, detect_objects_many
from .toolkit import GeminiVisionToolkit
from .transcription import atranscribe_video, transcribe_video
from .types import (
    BoundingBox,
    CaptionResult,
    Chapter,
    Detection,
    DetectionResult,
    GeminiFile,
    Mask,
    TokenUsage,
    Transcript,
    TranscriptSegment,
    VideoSummary,
)
from .usage import PriceTable, UsageReport
from .video_qa import aanalyze_video, analyze_video
from .video_session import VideoSession
from .youtube import asummarize_youtube, summarize_youtube

try:
    __version__ = _metadata.version("langchain-gemini-vision")
except _metadata.PackageNotFoundError:  # a source checkout on sys.path that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "AuthenticationError",
    "BatchItemResult",
    "BatchJob",
    "BoundingBox",
    "CaptionResult",
    "Chapter",
    "ConfigurationError",
    "ConnectionLostError",
    "Detection",
    "DetectionResult",
    "FileProcessingError",
    "FileProcessingTimeout",
    "GeminiFile",
    "GeminiFileManager",
    "GeminiVisionError",
    "GeminiVisionToolkit",
    "InvalidRequestError",
    "InvalidYouTubeURLError",
    "Mask",
    "MediaAccessError",
    "MediaTooLargeError",
    "PollPolicy",
    "PriceTable",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseBlockedError",
    "ResponseParseError",
    "RetryPolicy",
    "ServiceUnavailableError",
    "TokenUsage",
    "Transcript",
    "TranscriptSegment",
    "UnsupportedMediaError",
    "UsageReport",
    "VideoSession",
    "VideoSummary",
    "__version__",
    "aanalyze_video",
    "acaption_image",
    "acaption_images",
    "adetect_objects",
    "adetect_objects_many",
    "analyze_video",
    "annotate_image",
    "asummarize_youtube",
    "atranscribe_video",
    "build_llm",
    "caption_image",
    "caption_images",
    "caption_images_batch",
    "detect_objects",
    "detect_objects_batch",
    "detect_objects_many",
    "estimate_image_tokens",
    "generation_retries",
    "submit_batch",
    "summarize_youtube",
    "transcribe_video",
]
