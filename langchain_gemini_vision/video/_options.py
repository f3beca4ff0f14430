"""Options shared by transcripts, questions and YouTube summaries: the part of a video to send.

Everything here is pure and runs before any I/O, so a bad offset, fps or duration hint is refused
before a byte is uploaded. The keyword sets are ``TypedDict`` s so the sync and async twins of each
capability share one typed list of options (and their defaults live in one place).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, TypedDict

from langchain_gemini_vision._core.timestamps import duration_string, parse_timestamp
from langchain_gemini_vision._core.validate import check_bool, check_keywords, check_text, refuse
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._options import MAX_FPS, check_fps, normalise_media_resolution
from langchain_gemini_vision.types import format_timestamp
from langchain_gemini_vision.video._windows import (
    DEFAULT_CONTEXT_TOKENS,
    default_window_s,
    estimate_video_tokens,
    fit_fps,
)

if sys.version_info >= (3, 11):
    from typing import Unpack
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Unpack

__all__ = [
    "MAX_FPS",
    "ClipKwargs",
    "ClipOptions",
    "Unpack",
    "VideoKwargs",
    "check_bounds",
    "check_fps",
    "clip_metadata",
    "clip_span",
    "clip_text",
    "fps_for_one_request",
    "make_clip_options",
    "parse_offset",
    "unknown_duration_note",
]

MAX_MEDIA_S = 7 * 24 * 3600.0
"""Longest duration or offset accepted (a week; YouTube's own limit is 12 hours)."""
OFFSET_TOLERANCE_S = 1.0
"""Offsets up to this far past a known end are accepted (rounding in durations)."""


class ClipKwargs(TypedDict, total=False):
    """Which part of a video to send, and how (keyword arguments of every video function).

    Keys:
        start: Start of the part to use: seconds, ``"MM:SS"``, ``"H:MM:SS"`` or ``"1h2m3s"``.
        end: End of the part to use (same forms).
        fps: Frames sampled per second, in (0, 24]; the API's default is 1.
        media_resolution: ``"low"``, ``"medium"`` or ``"high"`` (Gemini 3+).
        language: Write the answer in this language.
        duration_s: The video's length in seconds when the API cannot tell (YouTube links,
            ``gs://`` URIs): used to check timestamps against the end and to window long videos.
            A duration the File API or the file's header reports wins over it.
    """

    start: float | str | None
    end: float | str | None
    fps: float | None
    media_resolution: str | None
    language: str | None
    duration_s: float | None


class VideoKwargs(ClipKwargs, total=False):
    """:class:`ClipKwargs` plus what to do with a temporary upload.

    Keys:
        keep_upload: Keep the File API copy of a video this call uploaded (it expires after 48
            hours) instead of deleting it, and report its URI; a later call with the same content
            then reuses it through ``GeminiFileManager``'s reuse index instead of uploading again.
    """

    keep_upload: bool


CLIP_OPTIONS = frozenset(VideoKwargs.__optional_keys__ | VideoKwargs.__required_keys__)
"""Every option name :func:`make_clip_options` takes."""


@dataclass(frozen=True)
class ClipOptions:
    """Checked :class:`VideoKwargs` (offsets in seconds, resolution as the API enum name)."""

    start_s: float | None = None
    end_s: float | None = None
    fps: float | None = None
    media_resolution: str | None = None
    language: str | None = None
    duration_s: float | None = None
    keep_upload: bool = False
    context_tokens: int = DEFAULT_CONTEXT_TOKENS


def parse_offset(value: float | str | None, name: str) -> float | None:
    """Seconds, ``"MM:SS"``, ``"H:MM:SS"`` or ``"1h2m3s"`` -> seconds (None stays None).

    Raises:
        InvalidRequestError: Unreadable or negative.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        refuse(name, value, "seconds (a number >= 0), 'MM:SS', 'H:MM:SS' or None")
    if isinstance(value, (int, float)) and not 0 <= value <= MAX_MEDIA_S:
        raise InvalidRequestError(
            f"{name} must be a number of seconds >= 0 (at most {MAX_MEDIA_S:g}, a week), got "
            f"{value!r}."
        )
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise InvalidRequestError(
            f"{name}={value!r} is not a time: use seconds, 'MM:SS' or 'H:MM:SS' ({exc})."
        ) from exc


def _check_duration(duration_s: float | None) -> float | None:
    if duration_s is None:
        return None
    if (
        isinstance(duration_s, bool)
        or not isinstance(duration_s, (int, float))
        or not 0 < duration_s <= MAX_MEDIA_S
    ):
        raise InvalidRequestError(
            f"duration_s must be the video's length in seconds, in (0, {MAX_MEDIA_S:g}], got "
            f"{duration_s!r}."
        )
    return float(duration_s)


def make_clip_options(
    *,
    start: float | str | None = None,
    end: float | str | None = None,
    fps: float | None = None,
    media_resolution: str | None = None,
    language: str | None = None,
    duration_s: float | None = None,
    keep_upload: bool = False,
    **unknown: object,
) -> ClipOptions:
    """Check the options every video function shares, before any I/O.

    Raises:
        InvalidRequestError: An unknown option, negative or reversed offsets, fps out of
            (0, 24], an unknown resolution, a blank language or a duration that is not a
            positive number of seconds.
    """
    check_keywords(unknown, CLIP_OPTIONS, "The video options")
    check_text(language, "language")
    check_bool(keep_upload, "keep_upload")
    if media_resolution is not None and not isinstance(media_resolution, str):
        refuse("media_resolution", media_resolution, "'low', 'medium', 'high' or None")
    start_s = parse_offset(start, "start")
    end_s = parse_offset(end, "end")
    if start_s is not None and end_s is not None and end_s <= start_s:
        raise InvalidRequestError(
            f"end ({format_timestamp(end_s)}) must be after start ({format_timestamp(start_s)})."
        )
    if end_s is not None and end_s == 0:
        raise InvalidRequestError("end must be after the start of the video (got 0).")
    return ClipOptions(
        start_s=start_s,
        end_s=end_s,
        fps=check_fps(fps),
        media_resolution=normalise_media_resolution(media_resolution),
        language=language.strip() if language else None,
        duration_s=_check_duration(duration_s),
        keep_upload=keep_upload,
    )


def check_bounds(clip: ClipOptions, duration_s: float | None, *, link_start_s: float = 0) -> None:
    """Refuse offsets past a known end (the API would silently cut ``endOffset``).

    Raises:
        InvalidRequestError: ``start`` (or the link's ``t=``) or ``end`` lies past the end.
    """
    if duration_s is None:
        return
    total = format_timestamp(duration_s)
    start = clip.start_s if clip.start_s is not None else link_start_s
    if start and start >= duration_s:
        what = "start" if clip.start_s is not None else "the link's t="
        raise InvalidRequestError(
            f"{what} ({format_timestamp(start)}) is at or past the end of the video ({total})."
        )
    if clip.end_s is not None and clip.end_s > duration_s + OFFSET_TOLERANCE_S:
        raise InvalidRequestError(
            f"end ({format_timestamp(clip.end_s)}) is past the end of the video ({total}); "
            "the API would silently cut it. Omit end to go to the end of the video."
        )


def clip_span(
    clip: ClipOptions, link_start_s: float | None, duration_s: float | None
) -> tuple[float, float | None]:
    """The part to send on the video's clock: ``start`` (else the link's ``t=``) to ``end``."""
    lo = clip.start_s if clip.start_s is not None else link_start_s
    hi = clip.end_s if clip.end_s is not None else duration_s
    return (lo or 0.0), hi


def clip_metadata(
    lo: float, hi: float | None, clipped: bool, fps: float | None
) -> dict[str, Any] | None:
    """``video_metadata`` for a media block: offsets as duration strings (``"40s"``) and fps."""
    meta: dict[str, Any] = {}
    if clipped:
        meta["start_offset"] = duration_string(lo)
        if hi is not None:
            meta["end_offset"] = duration_string(hi)
    if fps is not None:
        meta["fps"] = fps
    return meta or None


def clip_text(lo: float, hi: float | None) -> str:
    """Tell the model which part it sees and that times are on the full video's clock."""
    end = f"to {format_timestamp(hi)}" if hi is not None else "onwards"
    return (
        f"Only the part of the video from {format_timestamp(lo)} {end} is provided. Give every "
        "timestamp on the full video's clock (the first moment provided is "
        f"{format_timestamp(lo)}), not relative to this part."
    )


def unknown_duration_note(what: str = "timestamps") -> str:
    """The warning when nothing can be checked against the end of the video."""
    return (
        f"the video's duration is unknown, so {what} could not be checked against its end "
        "(pass duration_s= to check them)"
    )


def fps_for_one_request(
    length_s: float | None, clip: ClipOptions
) -> tuple[float | None, list[str]]:
    """The fps at which ``length_s`` of video fits one request, and a note when it was lowered.

    Raises:
        InvalidRequestError: The part does not fit one request at the fps the caller fixed (or
            at any fps).
    """
    if length_s is None:
        return clip.fps, []
    budget = default_window_s(clip.fps, clip.media_resolution, clip.context_tokens)
    if length_s <= budget:
        return clip.fps, []
    needed = estimate_video_tokens(length_s, clip.fps, clip.media_resolution)
    fitted = (
        None
        if clip.fps is not None
        else fit_fps(length_s, clip.media_resolution, clip.context_tokens)
    )
    if fitted is None:
        raise InvalidRequestError(
            f"{format_timestamp(length_s)} of video needs about {needed:,} input tokens, more "
            "than fits one request: use a part with start=/end=, or media_resolution='low' or "
            "a lower fps."
        )
    note = (
        f"the video needs about {needed:,} input tokens at 1 fps; sampled at {fitted:g} fps so "
        "it fits one request"
    )
    return fitted, [note]
