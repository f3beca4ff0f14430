"""GeminiVisionToolkit: one configuration shared by the four tools, and the trust boundary."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision import ConfigurationError, GeminiVisionToolkit
from langchain_gemini_vision.testing import FakeGeminiServer
from langchain_gemini_vision.testing.demo import DemoSamples
from langchain_gemini_vision.toolkit import TOOL_NAMES
from langchain_gemini_vision.tools import (
    GeminiImageCaptionTool,
    GeminiObjectDetectionTool,
    GeminiVideoTranscriptionTool,
    GeminiYouTubeSummaryTool,
)
from tests._offline import offline_llm


def test_four_tools_share_one_configuration(
    llm: ChatGoogleGenerativeAI, samples: DemoSamples, out_dir: Path
) -> None:
    toolkit = GeminiVisionToolkit(
        llm=llm, allowed_dirs=[samples.folder], output_dir=out_dir, max_content_chars=1234,
        max_image_side=800, max_objects=7, language="German", fps=2.0, allow_urls=False,
        media_resolution="low",
    )  # fmt: skip
    tools = toolkit.get_tools()
    caption, detect, video, youtube = tools
    assert [t.name for t in tools] == list(TOOL_NAMES) == toolkit.names()
    assert isinstance(caption, GeminiImageCaptionTool)
    assert isinstance(detect, GeminiObjectDetectionTool)
    assert isinstance(video, GeminiVideoTranscriptionTool)
    assert isinstance(youtube, GeminiYouTubeSummaryTool)
    for tool in (caption, detect, video, youtube):
        assert tool.get_llm() is llm
        assert tool.allowed_dirs == [samples.folder]
        assert tool.max_content_chars == 1234
        assert tool.allow_urls is False
        assert tool.response_format == "content_and_artifact"
    assert detect.output_dir == out_dir.resolve()
    assert detect.max_objects == 7
    assert caption.max_image_side == detect.max_image_side == 800
    assert caption.media_resolution == detect.media_resolution == video.media_resolution == "low"
    assert video.language == youtube.language == "German"
    assert video.fps == youtube.fps == 2.0


def test_default_folder_is_fixed_at_construction(
    llm: ChatGoogleGenerativeAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    toolkit = GeminiVisionToolkit(llm=llm)
    monkeypatch.chdir("/")
    assert toolkit.allowed_dirs == [tmp_path.resolve()]
    assert all(t.allowed_dirs == [tmp_path.resolve()] for t in toolkit.get_tools())  # type: ignore[attr-defined]


def test_include_selects_tools_and_rejects_unknown_names(llm: ChatGoogleGenerativeAI) -> None:
    toolkit = GeminiVisionToolkit(
        llm=llm, include=["gemini_summarize_youtube", "gemini_caption_image"]
    )
    assert [t.name for t in toolkit.get_tools()] == [
        "gemini_caption_image",
        "gemini_summarize_youtube",
    ]
    assert toolkit.tool("gemini_caption_image").name == "gemini_caption_image"
    with pytest.raises(Exception, match="No tool 'gemini_detect_objects'"):
        toolkit.tool("gemini_detect_objects")
    with pytest.raises(ConfigurationError, match="Unknown tool name"):
        GeminiVisionToolkit(llm=llm, include=["gemini_ocr"])


def test_limits_are_validated(llm: ChatGoogleGenerativeAI) -> None:
    with pytest.raises(ConfigurationError, match="fps=30"):
        GeminiVisionToolkit(llm=llm, fps=30)
    with pytest.raises(ConfigurationError, match="max_content_chars=0"):
        GeminiVisionToolkit(llm=llm, max_content_chars=0)


def test_without_llm_or_key_get_tools_says_how_to_configure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="GOOGLE_API_KEY"):
        GeminiVisionToolkit().get_tools()


def test_model_cannot_read_outside_allowed_dirs(
    server: FakeGeminiServer, llm: ChatGoogleGenerativeAI, samples: DemoSamples, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(samples.image.read_bytes())
    caption = GeminiVisionToolkit(llm=llm, allowed_dirs=[samples.folder]).get_tools()[0]
    message = caption.invoke(
        {"type": "tool_call", "id": "1", "name": caption.name, "args": {"images": [str(outside)]}}
    )
    assert message.status == "error"
    assert "allowed" in message.content
    assert message.artifact is None
    assert server.generate_requests() == []  # refused before any request


def test_detection_tool_writes_annotated_image_to_output_dir(
    llm: ChatGoogleGenerativeAI, samples: DemoSamples, out_dir: Path
) -> None:
    detect = GeminiVisionToolkit(llm=llm, allowed_dirs=[samples.folder], output_dir=out_dir).tool(
        "gemini_detect_objects"
    )
    message = detect.invoke(
        {"type": "tool_call", "id": "1", "name": detect.name,
         "args": {"image": str(samples.image), "target": ["apple"]}}
    )  # fmt: skip
    assert message.content.startswith("1 object in the 1024x768 image")
    path = Path(message.artifact["annotated_image_path"])
    assert path.parent == out_dir.resolve() and path.is_file()
    (apple,) = message.artifact["detections"]
    assert apple["label"] == "apple"
    assert abs(apple["box"]["x_min"] - 880) <= 1 and abs(apple["box"]["y_max"] - 570) <= 1


# LangChain's own BaseTool fields and the ones the toolkit sets per tool (names, schemas).
_LANGCHAIN_FIELDS = {
    "name", "description", "args_schema", "return_direct", "verbose", "callbacks",
    "callback_manager", "tags", "metadata", "handle_tool_error", "handle_validation_error",
    "response_format", "extras",
}  # fmt: skip
_RENAMED = {"default_style": "caption_style"}  # tool field -> the toolkit's clearer name


def test_every_developer_setting_of_every_tool_is_settable_on_the_toolkit() -> None:
    toolkit_fields = set(GeminiVisionToolkit.model_fields)
    for tool in (
        GeminiImageCaptionTool,
        GeminiObjectDetectionTool,
        GeminiVideoTranscriptionTool,
        GeminiYouTubeSummaryTool,
    ):
        settings = set(tool.model_fields) - _LANGCHAIN_FIELDS
        missing = {_RENAMED.get(f, f) for f in settings} - toolkit_fields
        assert missing == set(), f"{tool.__name__}: {sorted(missing)} not settable on the toolkit"


def test_toolkit_settings_reach_the_tools(tmp_path: Path) -> None:
    toolkit = GeminiVisionToolkit(
        llm=offline_llm(),
        allowed_dirs=[tmp_path],
        with_masks=True,
        caption_style="alt_text",
        visual=False,
        speakers=True,
        media_resolution="low",
        allow_hardlinks=True,
    )
    caption, detect, transcribe, _ = toolkit.get_tools()
    assert caption.default_style == "alt_text"  # type: ignore[attr-defined]
    assert detect.with_masks is True  # type: ignore[attr-defined]
    assert (transcribe.visual, transcribe.speakers) == (False, True)  # type: ignore[attr-defined]
    assert all(t.allow_hardlinks for t in (caption, detect, transcribe))  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match="caption_style"):
        GeminiVisionToolkit(llm=offline_llm(), caption_style="poem")  # type: ignore[arg-type]
