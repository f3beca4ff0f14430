"""LangChain tools and document loaders for Gemini vision.

Caption images, detect objects as pixel boxes, transcribe videos with timestamps, summarize YouTube
videos, and load any media through the Gemini File API with correct state polling.

Every public name is importable from here, but loaded on first use: importing the
package itself stays cheap (no LangChain, google-genai or Pillow until a name needs them).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_gemini_vision._core.client import (
        build_llm,
    )
    from langchain_gemini_vision._core.generation import (
        generation_retries,
    )
    from langchain_gemini_vision.batch import (
        BatchItemResult,
        BatchJob,
        caption_images_batch,
        detect_objects_batch,
        submit_batch,
    )
    from langchain_gemini_vision.errors import (
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
    from langchain_gemini_vision.files.manager import (
        GeminiFileManager,
        PollPolicy,
        RetryPolicy,
    )
    from langchain_gemini_vision.image._tokens import (
        estimate_image_tokens,
    )
    from langchain_gemini_vision.image.annotate import (
        annotate_image,
    )
    from langchain_gemini_vision.image.captioning import (
        acaption_image,
        caption_image,
    )
    from langchain_gemini_vision.image.detection import (
        adetect_objects,
        detect_objects,
    )
    from langchain_gemini_vision.image.many import (
        acaption_images,
        adetect_objects_many,
        caption_images,
        detect_objects_many,
    )
    from langchain_gemini_vision.toolkit import (
        GeminiVisionToolkit,
    )
    from langchain_gemini_vision.tools import (
        GeminiImageCaptionTool,
        GeminiObjectDetectionTool,
        GeminiVideoTranscriptionTool,
        GeminiVisionBaseTool,
        GeminiYouTubeSummaryTool,
    )
    from langchain_gemini_vision.types import (
        BoundingBox,
        CaptionResult,
        Chapter,
        Detection,
        DetectionResult,
        GeminiFile,
        Mask,
        SentImage,
        TokenUsage,
        Transcript,
        TranscriptSegment,
        VideoSummary,
    )
    from langchain_gemini_vision.usage import (
        PriceTable,
        UsageReport,
    )
    from langchain_gemini_vision.video.qa import (
        aanalyze_video,
        analyze_video,
    )
    from langchain_gemini_vision.video.session import (
        VideoSession,
    )
    from langchain_gemini_vision.video.transcription import (
        atranscribe_video,
        transcribe_video,
    )
    from langchain_gemini_vision.video.youtube import (
        asummarize_youtube,
        summarize_youtube,
    )

# name -> the module that defines it; __getattr__ imports the module on first access.
_EXPORTS: dict[str, str] = {
    "AuthenticationError": "langchain_gemini_vision.errors",
    "BatchItemResult": "langchain_gemini_vision.batch",
    "BatchJob": "langchain_gemini_vision.batch",
    "BoundingBox": "langchain_gemini_vision.types",
    "CaptionResult": "langchain_gemini_vision.types",
    "Chapter": "langchain_gemini_vision.types",
    "ConfigurationError": "langchain_gemini_vision.errors",
    "ConnectionLostError": "langchain_gemini_vision.errors",
    "Detection": "langchain_gemini_vision.types",
    "DetectionResult": "langchain_gemini_vision.types",
    "FileProcessingError": "langchain_gemini_vision.errors",
    "FileProcessingTimeout": "langchain_gemini_vision.errors",
    "GeminiFile": "langchain_gemini_vision.types",
    "GeminiFileManager": "langchain_gemini_vision.files.manager",
    "GeminiImageCaptionTool": "langchain_gemini_vision.tools",
    "GeminiObjectDetectionTool": "langchain_gemini_vision.tools",
    "GeminiVideoTranscriptionTool": "langchain_gemini_vision.tools",
    "GeminiVisionBaseTool": "langchain_gemini_vision.tools",
    "GeminiVisionError": "langchain_gemini_vision.errors",
    "GeminiVisionToolkit": "langchain_gemini_vision.toolkit",
    "GeminiYouTubeSummaryTool": "langchain_gemini_vision.tools",
    "InvalidRequestError": "langchain_gemini_vision.errors",
    "InvalidYouTubeURLError": "langchain_gemini_vision.errors",
    "Mask": "langchain_gemini_vision.types",
    "MediaAccessError": "langchain_gemini_vision.errors",
    "MediaTooLargeError": "langchain_gemini_vision.errors",
    "PollPolicy": "langchain_gemini_vision.files.manager",
    "PriceTable": "langchain_gemini_vision.usage",
    "RateLimitError": "langchain_gemini_vision.errors",
    "RequestTimeoutError": "langchain_gemini_vision.errors",
    "ResponseBlockedError": "langchain_gemini_vision.errors",
    "ResponseParseError": "langchain_gemini_vision.errors",
    "RetryPolicy": "langchain_gemini_vision.files.manager",
    "SentImage": "langchain_gemini_vision.types",
    "ServiceUnavailableError": "langchain_gemini_vision.errors",
    "TokenUsage": "langchain_gemini_vision.types",
    "Transcript": "langchain_gemini_vision.types",
    "TranscriptSegment": "langchain_gemini_vision.types",
    "UnsupportedMediaError": "langchain_gemini_vision.errors",
    "UsageReport": "langchain_gemini_vision.usage",
    "VideoSession": "langchain_gemini_vision.video.session",
    "VideoSummary": "langchain_gemini_vision.types",
    "aanalyze_video": "langchain_gemini_vision.video.qa",
    "acaption_image": "langchain_gemini_vision.image.captioning",
    "acaption_images": "langchain_gemini_vision.image.many",
    "adetect_objects": "langchain_gemini_vision.image.detection",
    "adetect_objects_many": "langchain_gemini_vision.image.many",
    "analyze_video": "langchain_gemini_vision.video.qa",
    "annotate_image": "langchain_gemini_vision.image.annotate",
    "asummarize_youtube": "langchain_gemini_vision.video.youtube",
    "atranscribe_video": "langchain_gemini_vision.video.transcription",
    "build_llm": "langchain_gemini_vision._core.client",
    "caption_image": "langchain_gemini_vision.image.captioning",
    "caption_images": "langchain_gemini_vision.image.many",
    "caption_images_batch": "langchain_gemini_vision.batch",
    "detect_objects": "langchain_gemini_vision.image.detection",
    "detect_objects_batch": "langchain_gemini_vision.batch",
    "detect_objects_many": "langchain_gemini_vision.image.many",
    "estimate_image_tokens": "langchain_gemini_vision.image._tokens",
    "generation_retries": "langchain_gemini_vision._core.generation",
    "submit_batch": "langchain_gemini_vision.batch",
    "summarize_youtube": "langchain_gemini_vision.video.youtube",
    "transcribe_video": "langchain_gemini_vision.video.transcription",
}

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
    "GeminiImageCaptionTool",
    "GeminiObjectDetectionTool",
    "GeminiVideoTranscriptionTool",
    "GeminiVisionBaseTool",
    "GeminiVisionError",
    "GeminiVisionToolkit",
    "GeminiYouTubeSummaryTool",
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
    "SentImage",
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


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib import metadata

        try:
            version = metadata.version("langchain-gemini-vision")
        except metadata.PackageNotFoundError:  # a source checkout that was never installed
            version = "0.0.0+unknown"
        globals()[name] = version
        return version
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
