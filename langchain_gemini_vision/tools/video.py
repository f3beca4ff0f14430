"""``gemini_transcribe_video``: a timestamped transcript of a video, or an answer about it."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForToolRun, CallbackManagerForToolRun
from pydantic import BaseModel, Field

from langchain_gemini_vision.media._prepare import aprepare_media, prepare_media
from langchain_gemini_vision.tools._base import GeminiVisionBaseTool, child_config
from langchain_gemini_vision.types import CaptionResult, Transcript, format_timestamp
from langchain_gemini_vision.video.qa import aanalyze_video, analyze_video
from langchain_gemini_vision.video.transcription import atranscribe_video, transcribe_video


class VideoTranscriptionInput(BaseModel):
    """Arguments the model chooses."""

    video: str = Field(
        description=(
            "The video: a local file path, a Gemini file name (files/...), a gs:// URI or a "
            "YouTube link."
        )
    )
    question: str | None = Field(
        default=None,
        description=(
            "Optional question about the video (e.g. 'What happens at 01:05?'). Omit it to get "
            "a timestamped transcript."
        ),
    )
    start: str | None = Field(
        default=None, description="Optional start of the part to use, as MM:SS or H:MM:SS."
    )
    end: str | None = Field(
        default=None, description="Optional end of the part to use, as MM:SS or H:MM:SS."
    )


def transcript_content(transcript: Transcript) -> str:
    """Short header, ``[MM:SS]`` lines and a note on repairs: what the calling model reads."""
    length = (
        f", {format_timestamp(transcript.duration_s)} long"
        if transcript.duration_s is not None
        else ""
    )
    head = f"Transcript of {transcript.source}{length}, {len(transcript.segments)} segment(s):"
    body = transcript.to_text() or "(nothing was said or shown)"
    note = f"\n[{len(transcript.warnings)} note(s): {'; '.join(transcript.warnings[:3])}]"
    return f"{head}\n{body}" + (note if transcript.warnings else "")


class GeminiVideoTranscriptionTool(GeminiVisionBaseTool):
    """Transcribe a video with timestamps and visual descriptions, or answer a question about it.

    Content: the transcript as ``[MM:SS] text`` lines (capped at ``max_content_chars`` with a
    note), or the answer. Artifact: the full ``Transcript`` (or answer) as JSON.

    Attributes:
        language: Write transcripts in this language.
        visual: Describe what is shown, not only what is said.
        speakers: Label speakers.
        fps: Frames sampled per second, in (0, 24].
        media_resolution: ``"low"``, ``"medium"`` or ``"high"``.
        max_concurrency: Windows of a long video transcribed at once.
    """

    name: str = "gemini_transcribe_video"
    description: str = (
        "Transcribe a video (local file, Gemini file, gs:// URI or YouTube link) into timestamped "
        "[MM:SS] lines with descriptions of what is shown, or answer a question about it. "
        "Optionally limit to a part with start/end as MM:SS."
    )
    args_schema: type[BaseModel] = VideoTranscriptionInput

    language: str | None = None
    visual: bool = True
    speakers: bool = False
    fps: float | None = None
    media_resolution: str | None = None
    max_concurrency: int = 4

    def _options(self) -> dict[str, Any]:
        return {"fps": self.fps, "media_resolution": self.media_resolution}

    def _transcript_options(self) -> dict[str, Any]:
        return {
            **self._options(),
            "language": self.language,
            "visual": self.visual,
            "speakers": self.speakers,
            "max_concurrency": self.max_concurrency,
        }

    def _run(
        self,
        video: str,
        question: str | None = None,
        start: str | None = None,
        end: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        media = self.call(prepare_media, video, policy=self.policy, expect="video")
        if question and question.strip():
            answer: CaptionResult = self.call(
                analyze_video, media, question, llm=self.get_llm(), start=start, end=end,
                language=self.language, config=child_config(run_manager), **self._options(),
            )  # fmt: skip
            return self.cap(answer.text, what="answer"), answer.model_dump(mode="json")
        transcript: Transcript = self.call(
            transcribe_video, media, llm=self.get_llm(), start=start, end=end,
            config=child_config(run_manager), **self._transcript_options(),
        )  # fmt: skip
        content = self.cap(transcript_content(transcript), what="transcript")
        return content, transcript.model_dump(mode="json")

    async def _arun(
        self,
        video: str,
        question: str | None = None,
        start: str | None = None,
        end: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        media = await self.acall(aprepare_media, video, policy=self.policy, expect="video")
        if question and question.strip():
            answer: CaptionResult = await self.acall(
                aanalyze_video, media, question, llm=self.get_llm(), start=start, end=end,
                language=self.language, config=child_config(run_manager), **self._options(),
            )  # fmt: skip
            return self.cap(answer.text, what="answer"), answer.model_dump(mode="json")
        transcript: Transcript = await self.acall(
            atranscribe_video, media, llm=self.get_llm(), start=start, end=end,
            config=child_config(run_manager), **self._transcript_options(),
        )  # fmt: skip
        content = self.cap(transcript_content(transcript), what="transcript")
        return content, transcript.model_dump(mode="json")
