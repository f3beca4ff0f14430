"""LangChain tools and document loaders for Gemini vision.

Caption images, detect objects as pixel boxes, transcribe videos with timestamps, summarize YouTube
videos, and load any media through the Gemini File API with correct state polling.
"""

from __future__ import annotations

from ._client import build_llm
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
    ConfigurationError,
    FileProcessingError,
    FileProcessingTimeout,
    GeminiVisionError,
    InvalidRequestError,
    InvalidYouTubeURLError,
    MediaAccessError,
    MediaTooLargeError,
    ResponseBlockedError,
    ResponseParseError,
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

__version__ = "0.1.0"

__all__ = [
    "BatchItemResult",
    "BatchJob",
    "BoundingBox",
    "CaptionResult",
    "Chapter",
    "ConfigurationError",
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
    "ResponseBlockedError",
    "ResponseParseError",
    "RetryPolicy",
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
    "submit_batch",
    "summarize_youtube",
    "transcribe_video",
]
