"""Old documented import paths keep working and the top level stays lazy (issue 15)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import langchain_gemini_vision

OLD_PATHS = [
    "langchain_gemini_vision.annotate",
    "langchain_gemini_vision.captioning",
    "langchain_gemini_vision.cli",
    "langchain_gemini_vision.detection",
    "langchain_gemini_vision.files",
    "langchain_gemini_vision.geometry",
    "langchain_gemini_vision.many",
    "langchain_gemini_vision.transcription",
    "langchain_gemini_vision.video_qa",
    "langchain_gemini_vision.video_session",
    "langchain_gemini_vision.youtube",
]

EXPORTS = [
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
    "ServiceUnavailableError",
    "TokenUsage",
    "Transcript",
    "TranscriptSegment",
    "UnsupportedMediaError",
    "UsageReport",
    "VideoSession",
    "VideoSummary",
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


@pytest.mark.parametrize("path", OLD_PATHS)
def test_old_import_path_reexports_the_moved_module(path: str) -> None:
    module = importlib.import_module(path)
    assert module.__all__, path
    for name in module.__all__:
        value = getattr(module, name)
        home = getattr(value, "__module__", None)
        # a class or function must be the very object defined at the new place
        if home is not None and home.startswith("langchain_gemini_vision"):
            assert home != path, f"{path}.{name} is defined in the shim, not re-exported"


@pytest.mark.parametrize("name", EXPORTS)
def test_every_top_level_export_resolves(name: str) -> None:
    assert name in langchain_gemini_vision.__all__
    assert name in dir(langchain_gemini_vision)
    assert getattr(langchain_gemini_vision, name) is not None


def test_unknown_top_level_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        langchain_gemini_vision.no_such_name  # noqa: B018


def test_the_detection_tool_is_exported_from_the_top_level() -> None:
    from langchain_gemini_vision import GeminiObjectDetectionTool
    from langchain_gemini_vision.tools import GeminiObjectDetectionTool as from_tools

    assert GeminiObjectDetectionTool is from_tools


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, langchain_gemini_vision; "
        "print(','.join(m for m in ('langchain_google_genai', 'google.genai', 'PIL', "
        "'langchain_core') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
