"""``GeminiYouTubeLoader``: YouTube videos -> a summary Document and/or transcript Documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, Literal

from langchain_core.document_loaders import BaseLoader
from langchain_core.documents import Document
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.tracing import RunnableConfig, check_config, without_run_id
from langchain_gemini_vision._core.validate import (
    as_construction,
    check_choice,
    check_llm,
    check_number,
    refuse,
)
from langchain_gemini_vision.document_loaders.video import (
    CHUNK_MODES,
    ChunkMode,
    check_transcribe_options,
    transcript_documents,
)
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._youtube_url import parse_youtube_url
from langchain_gemini_vision.types import Transcript, VideoSummary, format_timestamp
from langchain_gemini_vision.video.transcription import atranscribe_video, transcribe_video
from langchain_gemini_vision.video.youtube import (
    STYLE_PROMPTS,
    SummaryStyle,
    asummarize_youtube,
    summarize_youtube,
)

__all__ = ["GeminiYouTubeLoader", "summary_document"]

LoadMode = Literal["summary", "transcript", "both"]


def summary_document(summary: VideoSummary, *, style: str) -> Document:
    """The summary as one Document; chapters are in the text with their ``[MM:SS]`` stamps."""
    lines = [summary.text.strip()]
    if summary.chapters and style != "chapters":
        lines.append("")
        lines.extend(
            f"[{format_timestamp(c.start_s)}] {c.title}: {c.summary}".rstrip(": ")
            for c in summary.chapters
        )
    return Document(
        page_content="\n".join(lines).strip(),
        metadata={
            "source": summary.url or "",
            "video_id": summary.video_id,
            "document_type": "summary",
            "style": style,
            "chapter_count": len(summary.chapters),
            "model": summary.model,
        },
    )


def _durations(duration_s: float | Sequence[float | None] | None, count: int) -> list[float | None]:
    """One duration hint per link (checked by the video functions when they run)."""
    if duration_s is None or isinstance(duration_s, (int, float)):
        check_number(duration_s, "duration_s", low=0, low_open=True, optional=True)
        if duration_s is not None and count != 1:
            raise InvalidRequestError(
                "duration_s is one video's length: with several links pass a list, one per link "
                "(None where unknown)."
            )
        return [duration_s] * count
    if isinstance(duration_s, str) or not isinstance(duration_s, Sequence):
        refuse("duration_s", duration_s, "seconds, or a list with one length per link")
    hints = list(duration_s)
    for i, hint in enumerate(hints):
        check_number(hint, f"duration_s[{i}]", low=0, low_open=True, optional=True)
    if len(hints) != count:
        raise InvalidRequestError(
            f"duration_s has {len(hints)} value(s) for {count} link(s): give one per link."
        )
    return hints


class GeminiYouTubeLoader(BaseLoader):
    """Load public YouTube videos as a summary Document and/or timestamped transcript Documents.

    Links are canonicalised when the loader is built: a channel, playlist-only or non-YouTube
    link raises ``InvalidYouTubeURLError`` before any request.

    Example:
        .. code-block:: python

            loader = GeminiYouTubeLoader("https://youtu.be/VIDEO_ID", mode="both")
            for doc in loader.lazy_load():
                print(doc.metadata["source"])  # https://www.youtube.com/watch?v=...&t=60s

    Args:
        urls: One link or a list.
        llm: The Gemini chat model; built from the environment when omitted.
        mode: ``"summary"`` (default), ``"transcript"`` or ``"both"``.
        style: Summary style: ``"brief"``, ``"detailed"``, ``"bullets"`` or ``"chapters"``.
        chunk_mode: How transcripts are split: ``"chunks"``, ``"segments"`` or ``"video"``.
        chunk_seconds: Seconds per transcript Document in ``"chunks"`` mode.
        start: Start of the part to load (seconds, ``"MM:SS"``); overrides ``t=`` in the link.
        end: End of the part to load.
        fps: Frames sampled per second, in (0, 24].
        language: Language to write in.
        duration_s: The video's length in seconds (the API does not report it for YouTube), or a
            list with one length per link (None where unknown): long videos are then
            transcribed in windows, and timestamps and chapters checked against the end.
        config: LangChain ``RunnableConfig`` of the model calls (callbacks, tags, metadata);
            default the config in LangChain's context.
        **transcribe_options: More ``transcribe_video`` options (``visual``, ``speakers``...).

    Raises:
        InvalidYouTubeURLError: A link that is not one YouTube video.
        InvalidRequestError: A bad ``mode``, or ``duration_s`` not matching the links.
    """

    def __init__(
        self,
        urls: str | Sequence[str],
        *,
        llm: ChatGoogleGenerativeAI | None = None,
        mode: LoadMode = "summary",
        style: SummaryStyle = "brief",
        chunk_mode: ChunkMode = "chunks",
        chunk_seconds: float = 60.0,
        start: float | str | None = None,
        end: float | str | None = None,
        fps: float | None = None,
        language: str | None = None,
        duration_s: float | Sequence[float | None] | None = None,
        config: RunnableConfig | None = None,
        **transcribe_options: Any,
    ) -> None:
        owner = "GeminiYouTubeLoader"
        with as_construction(owner):
            if (
                not isinstance(urls, (str, list, tuple))
                or not urls
                or not all(isinstance(u, str) for u in ([urls] if isinstance(urls, str) else urls))
            ):
                refuse("urls", urls, "a YouTube link or a non-empty list of links")
            check_llm(llm)
            check_choice(mode, "mode", ("summary", "transcript", "both"))
            check_choice(style, "style", STYLE_PROMPTS)
            check_choice(chunk_mode, "chunk_mode", CHUNK_MODES)
            check_number(chunk_seconds, "chunk_seconds", low=0, low_open=True, unit="seconds")
            check_config(config)
        clip = {"start": start, "end": end, "fps": fps, "language": language}
        check_transcribe_options(
            owner, {**clip, **transcribe_options}, fixed=frozenset({"duration_s"})
        )
        links = [urls] if isinstance(urls, str) else list(urls)
        self.refs = [parse_youtube_url(u) for u in links]
        with as_construction(owner):
            self.durations = _durations(duration_s, len(self.refs))
        self.llm = llm
        self.config = without_run_id(config)  # one config for many runs
        self.mode: LoadMode = mode
        self.style: SummaryStyle = style
        self.chunk_mode: ChunkMode = chunk_mode
        self.chunk_seconds = chunk_seconds
        self.clip: dict[str, Any] = clip
        self.transcribe_options = transcribe_options

    def _url(self, index: int) -> str:
        ref = self.refs[index]
        # Keep the link's t= as the start unless the caller gave one.
        return (
            ref.canonical_url if ref.start_s is None else f"{ref.canonical_url}&t={ref.start_s:g}s"
        )

    def _options(self, index: int) -> dict[str, Any]:
        return {
            **self.clip,
            "duration_s": self.durations[index],
            "llm": self.llm,
            "config": self.config,
        }

    def _transcript_docs(self, transcript: Transcript, video_id: str) -> list[Document]:
        return transcript_documents(
            transcript,
            mode=self.chunk_mode,
            chunk_seconds=self.chunk_seconds,
            extra_metadata={"video_id": video_id, "document_type": "transcript"},
        )

    def lazy_load(self) -> Iterator[Document]:
        """Summarize and/or transcribe each video in turn, yielding its Documents."""
        for i, ref in enumerate(self.refs):
            url, options = self._url(i), self._options(i)
            if self.mode in ("summary", "both"):
                summary = summarize_youtube(url, style=self.style, **options)
                yield summary_document(summary, style=self.style)
            if self.mode in ("transcript", "both"):
                transcript = transcribe_video(url, **options, **self.transcribe_options)
                yield from self._transcript_docs(transcript, ref.video_id)

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Async twin of :meth:`lazy_load`."""
        for i, ref in enumerate(self.refs):
            url, options = self._url(i), self._options(i)
            if self.mode in ("summary", "both"):
                summary = await asummarize_youtube(url, style=self.style, **options)
                yield summary_document(summary, style=self.style)
            if self.mode in ("transcript", "both"):
                transcript = await atranscribe_video(url, **options, **self.transcribe_options)
                for doc in self._transcript_docs(transcript, ref.video_id):
                    yield doc
