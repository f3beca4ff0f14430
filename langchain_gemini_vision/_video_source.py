"""Get a video reference ready to send, and learn its duration (shared by transcripts and Q&A).

Local files under the inline limit go inline; larger ones, and ``files/...`` names, are routed
through ``files.routed_media`` / ``files.arouted_media`` (upload once, wait until ACTIVE, delete a
temporary upload on exit). The duration comes from the File API's ``videoMetadata.videoDuration``
when the server reports it, else from the MP4/MOV header of a local file, else it is unknown.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from langchain_google_genai import ChatGoogleGenerativeAI

from ._media import (
    MediaInput,
    MediaPolicy,
    PreparedMedia,
    aprepare_media,
    file_api_name,
    prepare_media,
)
from ._video_probe import probe_duration
from ._youtube_url import YouTubeRef, parse_youtube_url
from .errors import MediaAccessError, MediaTooLargeError, UnsupportedMediaError

if TYPE_CHECKING:
    from .files import GeminiFileManager

__all__ = [
    "VideoSource",
    "aprepare_video",
    "arouted_video",
    "local_duration",
    "prepare_video",
    "routed_video",
    "youtube_error",
]


@dataclass(frozen=True)
class VideoSource:
    """A video ready for requests.

    Attributes:
        media: What to put in the request (inline bytes or a ``file_uri``).
        source: Where it came from (path, File API name, gs:// URI or canonical YouTube URL).
        duration_s: Full length in seconds, when known.
        youtube: The parsed link for YouTube videos.
        gemini_file_uri: The File API URI when the video lives there.
    """

    media: PreparedMedia
    source: str
    duration_s: float | None
    youtube: YouTubeRef | None = None
    gemini_file_uri: str | None = None


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


def _files_module() -> Any:
    try:
        return importlib.import_module("langchain_gemini_vision.files")
    except ImportError:  # pragma: no cover - only while files.py is not in the tree
        return None


def _source_for(original: PreparedMedia, ready: PreparedMedia) -> VideoSource:
    youtube = None
    if ready.kind == "youtube" and ready.file_uri:
        # The canonical URL has no t=; the link's start travels in start_offset_s.
        youtube = replace(parse_youtube_url(ready.file_uri), start_s=ready.start_offset_s)
    gemini = ready.gemini_file
    duration = gemini.video_duration_s if gemini is not None else None
    if duration is None:
        duration = local_duration(original)
    uri = ready.file_uri if _is_file_api(ready) else None
    return VideoSource(ready, original.source, duration, youtube, uri)


def _routing_kwargs(manager: GeminiFileManager | None) -> dict[str, Any]:
    return {"manager": manager} if manager is not None else {}


def _no_file_api(prepared: PreparedMedia) -> MediaTooLargeError:  # pragma: no cover
    return MediaTooLargeError(
        f"{prepared.source} must go through the File API, which is not available in this build."
    )


@contextlib.contextmanager
def routed_video(
    prepared: PreparedMedia,
    llm: ChatGoogleGenerativeAI,
    *,
    manager: GeminiFileManager | None = None,
) -> Iterator[VideoSource]:
    """Yield the video ready to send, uploading or resolving it once; cleans up on exit."""
    if not _needs_routing(prepared):
        yield _source_for(prepared, prepared)
        return
    files = _files_module()
    if files is None:  # pragma: no cover
        raise _no_file_api(prepared)
    with files.routed_media(prepared, llm=llm, **_routing_kwargs(manager)) as ready:
        yield _source_for(prepared, _check_video(ready))


@contextlib.asynccontextmanager
async def arouted_video(
    prepared: PreparedMedia,
    llm: ChatGoogleGenerativeAI,
    *,
    manager: GeminiFileManager | None = None,
) -> AsyncIterator[VideoSource]:
    """Async twin of :func:`routed_video`."""
    if not _needs_routing(prepared):
        yield _source_for(prepared, prepared)
        return
    files = _files_module()
    if files is None:  # pragma: no cover
        raise _no_file_api(prepared)
    async with files.arouted_media(prepared, llm=llm, **_routing_kwargs(manager)) as ready:
        yield _source_for(prepared, _check_video(ready))


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
