"""``gemini_summarize_youtube``: a summary of a YouTube video with clickable chapters."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel, Field

from langchain_gemini_vision.tools._base import GeminiVisionBaseTool, child_config
from langchain_gemini_vision.types import VideoSummary, format_timestamp
from langchain_gemini_vision.video.youtube import asummarize_youtube, summarize_youtube


class YouTubeSummaryInput(BaseModel):
    """Arguments the model chooses."""

    url: str = Field(
        description="A link to one public YouTube video (watch, youtu.be, shorts, live, embed)."
    )
    style: Literal["brief", "detailed", "bullets", "chapters"] = Field(
        default="brief",
        description="brief (2-3 sentences), detailed, bullets, or chapters (per-topic summaries).",
    )
    start: str | None = Field(
        default=None, description="Optional start of the part to summarize, as MM:SS or H:MM:SS."
    )
    end: str | None = Field(
        default=None, description="Optional end of the part to summarize, as MM:SS or H:MM:SS."
    )


def summary_content(summary: VideoSummary) -> str:
    """The summary followed by ``[MM:SS] title - link`` chapter lines."""
    lines = [summary.text.strip() or "(no summary)"]
    if summary.chapters:
        lines.append("Chapters (links seek to the moment):")
        lines.extend(
            f"[{format_timestamp(c.start_s)}] {c.title} - {c.url}" for c in summary.chapters
        )
    return "\n".join(lines)


class GeminiYouTubeSummaryTool(GeminiVisionBaseTool):
    """Summarize a public YouTube video with timestamped chapters and deep links.

    Links are checked before any request (channels, playlists and non-YouTube hosts are refused
    with the accepted forms). Content: the summary and chapter lines, capped at
    ``max_content_chars``. Artifact: the full ``VideoSummary`` as JSON.

    Attributes:
        language: Write summaries in this language.
        fps: Frames sampled per second, in (0, 24].
    """

    name: str = "gemini_summarize_youtube"
    description: str = (
        "Summarize a public YouTube video from its link, with timestamped chapters and links "
        "that jump to each chapter. Styles: brief, detailed, bullets, chapters."
    )
    args_schema: type[BaseModel] = YouTubeSummaryInput

    language: str | None = None
    fps: float | None = None

    def _run(
        self,
        url: str,
        style: Literal["brief", "detailed", "bullets", "chapters"] = "brief",
        start: str | None = None,
        end: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        summary: VideoSummary = self.call(
            summarize_youtube, url, style=style, start=start, end=end, fps=self.fps,
            language=self.language, llm=self.get_llm(), config=child_config(run_manager),
        )  # fmt: skip
        return self.cap(summary_content(summary), what="summary"), summary.model_dump(mode="json")

    async def _arun(
        self,
        url: str,
        style: Literal["brief", "detailed", "bullets", "chapters"] = "brief",
        start: str | None = None,
        end: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        summary: VideoSummary = await self.acall(
            asummarize_youtube, url, style=style, start=start, end=end, fps=self.fps,
            language=self.language, llm=self.get_llm(), config=child_config(run_manager),
        )  # fmt: skip
        return self.cap(summary_content(summary), what="summary"), summary.model_dump(mode="json")
