"""Get a video reference ready to send, and learn its duration (shared by transcripts and Q&A).

Local files under the inline limit go inline; larger ones, and ``files/...`` names, are routed
through ``files.routed_media`` / ``files.arouted_media`` (upload once, wait until ACTIVE, delete a
temporary upload on exit unless it is kept). The duration comes from the File API's
``videoMetadata.videoDuration`` when the server reports it, else from the MP4/MOV header of a local
file, else from the caller's ``duration_s`` hint, else it is unknown.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.errors import (
    AuthenticationError,
    MediaAccessError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.files._routing import arouted_media, routed_media
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._prepare import (
    MediaInput,
    MediaPolicy,
    PreparedMedia,
    aprepare_media,
    file_api_name,
    prepare_media,
)
from langchain_gemini_vision.media._video_probe import probe_duration
from langchain_gemini_vision.media._youtube_url import YouTubeRef, parse_youtube_url
from langchain_gemini_vision.video._options import ClipOptions
from langchain_gemini_vision.video._windows import tolerance

__all__ = [
    "VideoSource",
    "aprepare_video",
    "arouted_video",
    "known_duration",
    "local_duration",
    "prepare_video",
    "routed_video",
    "youtube_error",
    "youtube_errors",
]


@dataclass(frozen=True)
class VideoSource:
    """A video ready for requests.

    Attributes:
        media: What to put in the request (inline bytes or a ``file_uri``).
        source: Where it came from (path, File API name, gs:// URI or canonical YouTube URL).
        duration_s: Full length in seconds: the File API's, the file header's, else the caller's
            ``duration_s`` hint; None when unknown.
        youtube: The parsed link for YouTube videos.
        gemini_file_uri: The File API URI when it outlives the call (a name the caller passed, or
            an upload kept with ``keep_upload``); None for a temporary upload, already deleted.
        notes: Warnings about the source (a duration hint that was overruled).
    """

    media: PreparedMedia
    source: str
    duration_s: float | None
    youtube: YouTubeRef | None = None
    gemini_file_uri: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def youtube_url(self) -> str | None:
        """The canonical watch URL of a YouTube video (None for other videos)."""
        return self.youtube.canonical_url if self.youtube is not None else None


def _check_video(prepared: PreparedMedia) -> PreparedMedia:
    if prepared.kind not in ("video", "youtube", ""):
        raise UnsupportedMediaError(
            f"{prepared.source} is {prepared.mime_type or prepared.kind}, not a video. Pass an "
            "MP4/MOV/WebM/... video, a files/... name of an uploaded video, a gs:// URI or a "
            "YouTube link."
        )
    return prepared


def prepare_video(video: MediaInput, *, policy: MediaPolicy | None = None) -> PreparedMedia:
    """Resolve a video reference (no upload yet); refuses media that is not a video.

    Raises:
        UnsupportedMediaError: Not a video.
        MediaAccessError: Refused by the policy or unreadable.
        MediaTooLargeError: Over the File API's 2 GB.
        InvalidYouTubeURLError: A YouTube link that is not one video.
    """
    return _check_video(prepare_media(video, policy=policy, expect="video"))


async def aprepare_video(video: MediaInput, *, policy: MediaPolicy | None = None) -> PreparedMedia:
    """Async twin of :func:`prepare_video`."""
    return _check_video(await aprepare_media(video, policy=policy, expect="video"))


def local_duration(prepared: PreparedMedia) -> float | None:
    """Duration read from the container of inline bytes or a local file (None when unknown)."""
    if prepared.data is not None:
        return probe_duration(prepared.data)
    if prepared.opened is not None:  # a tool's verified file: its descriptor, not its name
        return probe_duration(prepared.opened.stream())
    if prepared.path is not None:
        return probe_duration(prepared.path)
    if prepared.gemini_file is not None:
        return prepared.gemini_file.video_duration_s
    return None


def _is_file_api(prepared: PreparedMedia) -> bool:
    return prepared.file_uri is not None and file_api_name(prepared.file_uri) is not None


def _needs_routing(prepared: PreparedMedia) -> bool:
    if prepared.kind == "youtube":
        return False
    if prepared.needs_upload:
        return True
    # A File API name: resolve it to learn its MIME type, state and duration.
    return _is_file_api(prepared) and (
        prepared.gemini_file is None
        or not prepared.gemini_file.is_active
        or not prepared.mime_type
        or prepared.gemini_file.video_duration_s is None
    )


def _known_duration(original: PreparedMedia, ready: PreparedMedia) -> float | None:
    gemini = ready.gemini_file
    duration = gemini.video_duration_s if gemini is not None else None
    return duration if duration is not None else local_duration(original)


def known_duration(prepared: PreparedMedia, clip: ClipOptions) -> float | None:
    """The duration to check offsets against before routing: measured, else the caller's hint."""
    measured = local_duration(prepared)
    return measured if measured is not None else clip.duration_s


def _source_for(original: PreparedMedia, ready: PreparedMedia, clip: ClipOptions) -> VideoSource:
    youtube = None
    if ready.kind == "youtube" and ready.file_uri:
        # The canonical URL has no t=; the link's start travels in start_offset_s.
        youtube = replace(parse_youtube_url(ready.file_uri), start_s=ready.start_offset_s)
    measured = _known_duration(original, ready)
    hint = clip.duration_s
    notes: list[str] = []
    if measured is not None and hint is not None and abs(measured - hint) > tolerance(measured):
        notes.append(f"duration_s={hint:g} was ignored: the video itself reports {measured:g} s")
    # A caller's File API name outlives the call; a file we upload only when it is kept.
    lasting = _is_file_api(original) or clip.keep_upload
    uri = ready.file_uri if lasting and _is_file_api(ready) else None
    duration = measured if measured is not None else hint
    return VideoSource(ready, original.source, duration, youtube, uri, tuple(notes))


@contextlib.contextmanager
def routed_video(
    prepared: PreparedMedia,
    llm: ChatGoogleGenerativeAI,
    clip: ClipOptions,
    *,
    manager: GeminiFileManager | None = None,
) -> Iterator[VideoSource]:
    """Yield the video ready to send, uploading or resolving it once.

    A file this call uploads is deleted on exit unless ``clip.keep_upload``; a ``files/...`` name
    the caller passed is never deleted.
    """
    if not _needs_routing(prepared):
        yield _source_for(prepared, prepared, clip)
        return
    keep = clip.keep_upload
    with routed_media(prepared, llm=llm, manager=manager, delete_after=not keep) as ready:
        yield _source_for(prepared, _check_video(ready), clip)


@contextlib.asynccontextmanager
async def arouted_video(
    prepared: PreparedMedia,
    llm: ChatGoogleGenerativeAI,
    clip: ClipOptions,
    *,
    manager: GeminiFileManager | None = None,
) -> AsyncIterator[VideoSource]:
    """Async twin of :func:`routed_video`."""
    if not _needs_routing(prepared):
        yield _source_for(prepared, prepared, clip)
        return
    keep = clip.keep_upload
    async with arouted_media(prepared, llm=llm, manager=manager, delete_after=not keep) as ready:
        yield _source_for(prepared, _check_video(ready), clip)


def _status_of(exc: BaseException) -> tuple[int | None, str]:
    """HTTP status and server message of an API error (the genai error is in the cause chain)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "code", None)
        if isinstance(code, int) and 400 <= code < 600:
            message = getattr(current, "message", None) or str(current)
            return code, str(message)
        current = current.__cause__ or current.__context__
    return None, str(exc)


def youtube_error(exc: BaseException, url: str) -> MediaAccessError | None:
    """A clear error for an API refusal of a YouTube video, or None when it is something else.

    The API answers 400/403/404 when it cannot read the video; the usual causes are that it is
    private, unlisted, age-restricted, members-only, region-blocked or a live stream in progress.
    """
    status, message = _status_of(exc)
    if isinstance(exc, AuthenticationError) and status != 403:
        return None  # the key was rejected: nothing to do with the video
    if status not in (400, 403, 404) or "models/" in message:
        # A missing or unsupported model is a configuration problem, not the video's.
        return None
    return MediaAccessError(
        f"Gemini could not read the YouTube video {url} (HTTP {status}: {message[:200]}). "
        "Gemini reads only public videos: the likely cause is that the video is private, "
        "unlisted, age-restricted, members-only, region-blocked or a live stream still in "
        "progress. Check that the link plays in a private browser window, or download the video "
        "and pass the file instead.",
        rule="youtube",
    )


@contextlib.contextmanager
def youtube_errors(url: str | None) -> Iterator[None]:
    """Turn an API refusal of the YouTube video ``url`` into a clear ``MediaAccessError``.

    Does nothing when ``url`` is None (not a YouTube video): other errors pass through unchanged.
    """
    try:
        yield
    except Exception as exc:
        mapped = youtube_error(exc, url) if url is not None else None
        if mapped is None:
            raise
        raise mapped from exc
