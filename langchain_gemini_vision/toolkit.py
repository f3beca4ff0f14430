"""``GeminiVisionToolkit``: the four vision tools with one shared, safe configuration."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool, BaseToolkit
from langchain_google_genai import ChatGoogleGenerativeAI
from pydantic import ConfigDict, Field, PrivateAttr, field_validator

from langchain_gemini_vision._core.client import resolve_llm
from langchain_gemini_vision._core.retry import RetryPolicy
from langchain_gemini_vision._core.validate import CONSTRUCTION, as_construction, check_llm
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.image.captioning import CaptionStyle
from langchain_gemini_vision.image.detection import DEFAULT_MAX_OBJECTS
from langchain_gemini_vision.media._arg_checks import check_settings
from langchain_gemini_vision.media._options import ImageSide
from langchain_gemini_vision.tools import (
    GeminiImageCaptionTool,
    GeminiObjectDetectionTool,
    GeminiVideoTranscriptionTool,
    GeminiYouTubeSummaryTool,
)

TOOL_NAMES = (
    "gemini_caption_image",
    "gemini_detect_objects",
    "gemini_transcribe_video",
    "gemini_summarize_youtube",
)
"""The LLM-facing names of the toolkit's tools, in the order ``get_tools()`` returns them."""


class GeminiVisionToolkit(BaseToolkit):
    """Caption, detect, transcribe and summarize: four Gemini vision tools configured once.

    Everything here is decided by the developer; the model only chooses each call's arguments
    (which image, what to find, which part of a video).

    Example:
        .. code-block:: python

            toolkit = GeminiVisionToolkit(allowed_dirs=["./photos"], output_dir="./out")
            agent = create_agent(model, tools=toolkit.get_tools() + [my_other_tool])

    Attributes:
        llm: The Gemini chat model every tool uses; built once from the environment
            (GOOGLE_API_KEY) by ``get_tools()`` when omitted.
        allowed_dirs: Folders whose files the model may name. Default: the working directory
            when the toolkit is built (a later ``chdir`` does not widen it); ``[]`` forbids local
            files.
        output_dir: Where the detection tool saves annotated PNGs (None: no images are written).
        allow_urls: Let the model pass http(s) URLs (fetched with an SSRF guard).
        ssrf_guard: Refuse URLs resolving to private, loopback or metadata addresses. Turn off only
            for trusted local deployments.
        allow_gcs: Let the model pass ``gs://`` URIs (read with the project's credentials).
        allow_hardlinks: Let tools read files with several names (hard links) under
            ``allowed_dirs``; off by default (a hard link can name an outside file).
        max_content_chars: Cap on the text each tool returns to the model (artifacts are whole).
        max_image_side: Downscale images to this longest side before sending (boxes stay in the
            original's pixels); None: the model's default budget; ``"original"``: as is.
        media_resolution: ``"low"``, ``"medium"`` or ``"high"`` for images and video (Gemini 3+).
        max_objects: Most objects the detection tool asks for.
        with_masks: The detection tool also asks for segmentation masks.
        caption_style: The caption tool's style when the model names none (``"detailed"``,
            ``"one_line"``, ``"alt_text"`` or ``"transcribe"``).
        visual: Transcripts describe what is shown as well as what is said.
        speakers: Transcripts label speakers.
        language: Language of transcripts and summaries (default: the video's).
        fps: Video frames sampled per second, in (0, 24].
        max_concurrency: Windows of a long video transcribed at once.
        include: Only these tools (by name, see :data:`TOOL_NAMES`); default all four.
        retry_policy: How the tools' model calls are retried (default ``RetryPolicy()``).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: ChatGoogleGenerativeAI | None = Field(default=None, exclude=True)
    allowed_dirs: list[Path] | None = None
    output_dir: Path | None = None
    allow_urls: bool = True
    ssrf_guard: bool = True
    allow_gcs: bool = False
    allow_hardlinks: bool = False
    max_content_chars: int = Field(default=8000, gt=0)
    max_image_side: ImageSide = None
    media_resolution: str | None = None
    max_objects: int = Field(default=DEFAULT_MAX_OBJECTS, gt=0)
    with_masks: bool = False
    caption_style: CaptionStyle = "detailed"
    visual: bool = True
    speakers: bool = False
    language: str | None = None
    fps: float | None = Field(default=None, gt=0, le=24)
    max_concurrency: int = Field(default=4, gt=0)
    include: list[str] | None = None
    retry_policy: RetryPolicy | None = None

    _llm: ChatGoogleGenerativeAI | None = PrivateAttr(default=None)

    def __init__(self, **data: Any) -> None:
        """Build the toolkit; every setting is checked now, not when the model calls a tool.

        Raises:
            ConfigurationError: A setting of the wrong type or out of range (an unknown
                ``media_resolution``, ``max_image_side=0``, an empty ``language``...).
        """
        check_llm(data.get("llm"), error=CONSTRUCTION)
        with as_construction("GeminiVisionToolkit"):
            super().__init__(**data)
        check_settings(
            "GeminiVisionToolkit", {k: getattr(self, k) for k in type(self).model_fields}
        )

    @field_validator("include")
    @classmethod
    def _known_names(cls, value: list[str] | None) -> list[str] | None:
        unknown = sorted(set(value or ()) - set(TOOL_NAMES))
        if unknown:
            raise ValueError(f"Unknown tool name(s) {unknown}; choose from {list(TOOL_NAMES)}.")
        return value

    def model_post_init(self, context: Any, /) -> None:
        """Resolve the folders now, so a later ``chdir`` cannot widen what the model may read."""
        # Fix the folders now, so a later chdir cannot widen what the model may read.
        if self.allowed_dirs is None:
            self.allowed_dirs = [Path(os.getcwd())]
        self.allowed_dirs = [Path(p).resolve() for p in self.allowed_dirs]
        if self.output_dir is not None:
            self.output_dir = Path(self.output_dir).resolve()

    def get_llm(self) -> ChatGoogleGenerativeAI:
        """The shared chat model (built once from the environment when none was given).

        Raises:
            ConfigurationError: No model was given and no API key is set.
        """
        if self.llm is not None:
            return self.llm
        if self._llm is None:
            self._llm = resolve_llm(None)
        return self._llm

    def _shared(self) -> dict[str, Any]:
        return {
            "llm": self.get_llm(),
            "allowed_dirs": list(self.allowed_dirs or []),
            "allow_urls": self.allow_urls,
            "ssrf_guard": self.ssrf_guard,
            "allow_gcs": self.allow_gcs,
            "allow_hardlinks": self.allow_hardlinks,
            "max_content_chars": self.max_content_chars,
            "retry_policy": self.retry_policy,
        }

    def get_tools(self) -> list[BaseTool]:
        """The tools, all sharing this toolkit's model, folders and limits.

        Returns:
            ``[caption, detect, transcribe, summarize_youtube]`` (or the ``include`` subset, in
            that order). Each returns ``(content, artifact)``: short text for the model and the
            full result as JSON.

        Raises:
            ConfigurationError: No ``llm`` was given and no API key is set.
        """
        shared = self._shared()
        media = {"media_resolution": self.media_resolution}
        tools: list[BaseTool] = [
            GeminiImageCaptionTool(
                **shared,
                **media,
                max_image_side=self.max_image_side,
                default_style=self.caption_style,
            ),
            GeminiObjectDetectionTool(
                **shared,
                **media,
                max_image_side=self.max_image_side,
                max_objects=self.max_objects,
                with_masks=self.with_masks,
                output_dir=self.output_dir,
            ),
            GeminiVideoTranscriptionTool(
                **shared,
                **media,
                language=self.language,
                visual=self.visual,
                speakers=self.speakers,
                fps=self.fps,
                max_concurrency=self.max_concurrency,
            ),
            GeminiYouTubeSummaryTool(**shared, language=self.language, fps=self.fps),
        ]
        if self.include is None:
            return tools
        return [tool for tool in tools if tool.name in self.include]

    def tool(self, name: str) -> BaseTool:
        """One tool by its LLM-facing name (e.g. ``"gemini_detect_objects"``).

        Raises:
            InvalidRequestError: Unknown name, or not in ``include``.
        """
        for tool in self.get_tools():
            if tool.name == name:
                return tool
        raise InvalidRequestError(f"No tool {name!r} in this toolkit; it has {self.names()}.")

    def names(self) -> list[str]:
        """Names of the tools ``get_tools()`` returns."""
        return [n for n in TOOL_NAMES if self.include is None or n in self.include]
