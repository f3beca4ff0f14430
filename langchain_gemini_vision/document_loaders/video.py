"""``GeminiVideoTranscriptLoader``: videos -> timestamped transcript Documents for RAG.

One Document per time chunk (default 60 s), per segment, or per video. Every Document's ``source``
is a link that seeks to its start (``path#t=123`` for files, ``...&t=123s`` for YouTube), so a
retrieved passage can be played from the right moment.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, Literal, cast

from langchain_core.document_loaders import BaseLoader
from langchain_core.documents import Document
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision._core.tracing import RunnableConfig, check_config, without_run_id
from langchain_gemini_vision._core.validate import (
    as_construction,
    check_bool,
    check_choice,
    check_keywords,
    check_llm,
    check_number,
)
from langchain_gemini_vision.document_loaders._video_batch import (
    abatch_transcripts,
    batch_transcripts,
    check_batch_options,
)
from langchain_gemini_vision.errors import InvalidRequestError, InvalidYouTubeURLError
from langchain_gemini_vision.media._arg_checks import check_call_args, check_media_list
from langchain_gemini_vision.media._prepare import MediaInput
from langchain_gemini_vision.media._youtube_url import deep_link, is_youtube_url, parse_youtube_url
from langchain_gemini_vision.types import (
    Transcript,
    TranscriptSegment,
    format_timestamp,
    segment_line,
)
from langchain_gemini_vision.video.transcription import (
    TRANSCRIBE_OPTIONS,
    atranscribe_video,
    make_options,
    transcribe_video,
)

__all__ = ["GeminiVideoTranscriptLoader", "seek_link", "transcript_documents"]

logger = logging.getLogger(__name__)

ChunkMode = Literal["chunks", "segments", "video"]
CHUNK_MODES = ("chunks", "segments", "video")
METADATA_KEYS = ("source", "start_seconds", "end_seconds", "start_timestamp", "model")
"""Keys every transcript Document has (plus ``gemini_file_uri`` when the video stays in the File
API: a ``files/...`` name, or an upload kept with ``delete_after=False``)."""


def seek_link(source: str, seconds: float) -> str:
    """A link to ``source`` that seeks to ``seconds``: ``&t=<s>s`` for YouTube, else ``#t=<s>``."""
    whole = max(int(seconds), 0)
    if is_youtube_url(source):
        try:
            return deep_link(parse_youtube_url(source).video_id, whole)
        except InvalidYouTubeURLError:
            pass
    return f"{source.split('#', 1)[0]}#t={whole}"


def _text(segments: Sequence[TranscriptSegment], hours: bool) -> str:
    return "\n".join(segment_line(seg, hours=hours) for seg in segments)


def _document(
    transcript: Transcript,
    segments: Sequence[TranscriptSegment],
    extra: dict[str, Any],
    hours: bool,
) -> Document:
    start = segments[0].start_s if segments else 0.0
    end = max((s.end_s for s in segments), default=transcript.duration_s or 0.0)
    metadata: dict[str, Any] = {
        "source": seek_link(transcript.source, start),
        "start_seconds": start,
        "end_seconds": end,
        "start_timestamp": format_timestamp(start, always_hours=hours),
        "model": transcript.model,
    }
    if transcript.gemini_file_uri:
        metadata["gemini_file_uri"] = transcript.gemini_file_uri
    if transcript.duration_s is not None:
        metadata["duration_seconds"] = transcript.duration_s
    metadata.update(extra)
    return Document(page_content=_text(segments, hours), metadata=metadata)


def transcript_documents(
    transcript: Transcript,
    *,
    mode: ChunkMode = "chunks",
    chunk_seconds: float = 60.0,
    extra_metadata: dict[str, Any] | None = None,
) -> list[Document]:
    """Split a transcript into Documents (pure).

    Args:
        transcript: The transcript.
        mode: ``"chunks"`` (one per ``chunk_seconds`` of the video's clock), ``"segments"`` (one
            per segment) or ``"video"`` (one for the whole transcript).
        chunk_seconds: Chunk length for ``"chunks"``.
        extra_metadata: Added to every Document's metadata (e.g. ``video_id``).

    Returns:
        Documents in time order; none for an empty transcript unless ``mode="video"``.
    """
    extra = dict(extra_metadata or {})
    hours = (transcript.duration_s or 0) >= 3600 or any(
        s.start_s >= 3600 for s in transcript.segments
    )
    segments = transcript.segments
    if mode == "video":
        return [_document(transcript, segments, extra, hours)]
    if mode == "segments":
        return [_document(transcript, [s], extra, hours) for s in segments]
    groups: dict[int, list[TranscriptSegment]] = {}
    for seg in segments:
        groups.setdefault(math.floor(seg.start_s / chunk_seconds), []).append(seg)
    return [_document(transcript, groups[k], extra, hours) for k in sorted(groups)]


def _check_loader_args(
    videos: object, llm: object, mode: object, chunk_seconds: object, delete_after: object
) -> None:
    owner = "GeminiVideoTranscriptLoader"
    with as_construction(owner):
        refs = as_video_list(videos)  # type: ignore[arg-type]  # checked just below
        if not refs:
            raise InvalidRequestError("videos is empty; pass at least one video.")
        check_media_list(refs, "videos")
        check_llm(llm)
        check_choice(mode, "mode", CHUNK_MODES)
        check_number(chunk_seconds, "chunk_seconds", low=0, low_open=True, unit="seconds")
        check_bool(delete_after, "delete_after")


def as_video_list(videos: MediaInput | Sequence[MediaInput]) -> list[MediaInput]:
    """One reference or several -> a list (a str, bytes or path is one video)."""
    if isinstance(videos, (str, bytes, bytearray, memoryview, os.PathLike)):
        return [videos]  # type: ignore[list-item]  # bytearray/memoryview are read as bytes
    if isinstance(videos, Sequence):
        return list(cast("Sequence[MediaInput]", videos))
    return [videos]


_COLLABORATORS = frozenset({"manager", "policy", "on_progress"})


def check_transcribe_options(
    owner: str, options: dict[str, Any], *, fixed: frozenset[str] = frozenset()
) -> None:
    """Check a loader's ``**transcribe_options`` when it is built, not when it loads.

    Args:
        owner: The loader's class name, for the message.
        options: The options, as ``transcribe_video`` will get them.
        fixed: Names the loader passes itself (so they cannot be given here too).

    Raises:
        ConfigurationError: An unknown name or a bad value (``ArgumentConfigurationError``).
    """
    allowed = (TRANSCRIBE_OPTIONS | _COLLABORATORS) - fixed - {"keep_upload"}
    with as_construction(owner):
        if "keep_upload" in options and "keep_upload" not in fixed:
            raise InvalidRequestError("Use delete_after=False instead of keep_upload=True.")
        check_keywords(options, allowed, "The transcription options")
        check_call_args(**{k: v for k, v in options.items() if k in _COLLABORATORS})
        make_options(**{k: v for k, v in options.items() if k not in _COLLABORATORS})


class GeminiVideoTranscriptLoader(BaseLoader):
    """Load videos as timestamped transcript Documents (Gemini transcribes audio and visuals).

    Example:
        .. code-block:: python

            loader = GeminiVideoTranscriptLoader("lecture.mp4", chunk_seconds=120)
            docs = loader.load()  # or: async for doc in loader.alazy_load(): ...
            docs[0].metadata["source"]  # 'lecture.mp4#t=0'

    Args:
        videos: One video or a list: paths, bytes, ``files/...`` names, ``gs://`` URIs or YouTube
            links. Large local files are uploaded once per video.
        llm: The Gemini chat model; built from the environment when omitted.
        mode: ``"chunks"`` (default), ``"segments"`` or ``"video"``.
        chunk_seconds: Seconds per Document in ``"chunks"`` mode.
        delete_after: Delete the files this loader uploads once the video is transcribed (as
            ``GeminiFileLoader`` does). With False they are kept (for 48 hours), their URI is in
            each Document's ``gemini_file_uri``, and loading the same content again reuses them
            through the manager's reuse index. ``files/...`` names you pass are never deleted.
        batch: Transcribe through Gemini Batch Mode (half price, queued by Google, results in
            minutes to hours): every window of every video becomes one item of a single job.
            Only ``language``, ``visual``, ``speakers``, ``window_s``, ``overlap_s``,
            ``media_resolution`` and ``fps`` apply then.
        job_path: With ``batch``: where the job is saved. If the file exists, loading resumes
            that job (waits for it and collects it) instead of submitting a new one.
        batch_poll: With ``batch``: seconds between job polls, or a ``PollPolicy`` (default:
            10 s growing to 2 min).
        config: LangChain ``RunnableConfig`` for the transcriptions (callbacks, tags,
            metadata): each video is one ``transcribe_video`` run. Batch Mode makes no
            LangChain runs, so ``batch=True`` does not use it.
        **transcribe_options: Passed to ``transcribe_video`` (``language``, ``visual``,
            ``speakers``, ``start``, ``end``, ``fps``, ``media_resolution``, ``window_s``,
            ``max_concurrency``, ``duration_s``, ``manager``...).

    Raises:
        InvalidRequestError: A bad ``mode`` or ``chunk_seconds``, or ``keep_upload`` among the
            options (use ``delete_after``).
    """

    def __init__(
        self,
        videos: MediaInput | Sequence[MediaInput],
        *,
        llm: ChatGoogleGenerativeAI | None = None,
        mode: ChunkMode = "chunks",
        chunk_seconds: float = 60.0,
        delete_after: bool = True,
        batch: bool = False,
        job_path: str | os.PathLike[str] | None = None,
        batch_poll: float | PollPolicy | None = None,
        config: RunnableConfig | None = None,
        **transcribe_options: Any,
    ) -> None:
        _check_loader_args(videos, llm, mode, chunk_seconds, delete_after)
        with as_construction("GeminiVideoTranscriptLoader"):
            check_config(config)
        check_transcribe_options("GeminiVideoTranscriptLoader", transcribe_options)
        with as_construction("GeminiVideoTranscriptLoader"):
            check_bool(batch, "batch")
        if batch:
            check_batch_options(transcribe_options, delete_after)
        elif job_path is not None or batch_poll is not None:
            with as_construction("GeminiVideoTranscriptLoader"):
                raise InvalidRequestError("job_path and batch_poll need batch=True.")
        self.batch = batch
        self.job_path = job_path
        self.batch_poll = batch_poll
        self.videos = as_video_list(videos)
        self.llm = llm
        self.config = without_run_id(config)  # one config for many runs
        self.mode: ChunkMode = mode
        self.chunk_seconds = float(chunk_seconds)
        self.delete_after = delete_after
        self.transcribe_options = {**transcribe_options, "keep_upload": not delete_after}

    def _documents(self, transcript: Transcript) -> list[Document]:
        extra: dict[str, Any] = {}
        if is_youtube_url(transcript.source):
            extra["video_id"] = parse_youtube_url(transcript.source).video_id
        docs = transcript_documents(
            transcript, mode=self.mode, chunk_seconds=self.chunk_seconds, extra_metadata=extra
        )
        if not docs:
            logger.warning("%s: empty transcript, no Documents", transcript.source)
        return docs

    def lazy_load(self) -> Iterator[Document]:
        """Transcribe each video in turn (or all in one batch job) and yield its Documents."""
        if self.batch:
            for transcript in batch_transcripts(
                self.videos, self.llm, self.transcribe_options, self.job_path, self.batch_poll
            ):
                yield from self._documents(transcript)
            return
        for video in self.videos:
            transcript = transcribe_video(
                video, llm=self.llm, config=self.config, **self.transcribe_options
            )
            yield from self._documents(transcript)

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Async twin of :meth:`lazy_load` (windows of each video run concurrently)."""
        if self.batch:
            for transcript in await abatch_transcripts(
                self.videos, self.llm, self.transcribe_options, self.job_path, self.batch_poll
            ):
                for doc in self._documents(transcript):
                    yield doc
            return
        for video in self.videos:
            transcript = await atranscribe_video(
                video, llm=self.llm, config=self.config, **self.transcribe_options
            )
            for doc in self._documents(transcript):
                yield doc
