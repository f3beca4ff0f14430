"""The options of a transcription, checked before any I/O.

Separate from the request building and the runners because the batch submitter and the transcript
loader check transcription options on their own, at construction, without planning or calling.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from langchain_gemini_vision._core.validate import (
    check_bool,
    check_int,
    check_keywords,
    check_number,
)
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.video._options import (
    CLIP_OPTIONS,
    MAX_MEDIA_S,
    ClipOptions,
    VideoKwargs,
    make_clip_options,
)
from langchain_gemini_vision.video._windows import DEFAULT_OVERLAP_S, default_window_s

MAX_CONCURRENCY = 64
"""Most windows transcribed at once (beyond this, requests only queue up at the rate limit)."""


class TranscribeKwargs(VideoKwargs, total=False):
    """Keyword options of :func:`transcribe_video` (beyond :class:`VideoKwargs`).

    Keys:
        visual: Also describe what is shown in each segment (default True).
        speakers: Label speakers (default False).
        window_s: Maximum seconds per request; default sized from the token estimate.
        overlap_s: Overlap between consecutive windows (default 10 s).
        max_concurrency: Windows transcribed at the same time (default 4).
    """

    visual: bool
    speakers: bool
    window_s: float | None
    overlap_s: float
    max_concurrency: int


TRANSCRIBE_OPTIONS = CLIP_OPTIONS | TranscribeKwargs.__optional_keys__
"""Every option name :func:`make_options` takes."""


@dataclass(frozen=True)
class TranscriptionOptions(ClipOptions):
    """Checked transcription options (offsets in seconds, resolution as the API enum name)."""

    visual: bool = True
    speakers: bool = False
    window_s: float | None = None
    overlap_s: float = DEFAULT_OVERLAP_S
    max_concurrency: int = 4


def make_options(
    *,
    language: str | None = None,
    visual: bool = True,
    speakers: bool = False,
    start: float | str | None = None,
    end: float | str | None = None,
    fps: float | None = None,
    media_resolution: str | None = None,
    window_s: float | None = None,
    overlap_s: float = DEFAULT_OVERLAP_S,
    max_concurrency: int = 4,
    duration_s: float | None = None,
    keep_upload: bool = False,
    **unknown: object,
) -> TranscriptionOptions:
    """Check every option before any I/O.

    Raises:
        InvalidRequestError: An unknown option, negative or reversed offsets, fps out of range,
            a bad window size, an overlap of half the window or more, or a bad duration.
    """
    check_keywords(unknown, TRANSCRIBE_OPTIONS, "The transcription options")
    clip = make_clip_options(
        start=start, end=end, fps=fps, media_resolution=media_resolution, language=language,
        duration_s=duration_s, keep_upload=keep_upload,
    )  # fmt: skip
    check_bool(visual, "visual")
    check_bool(speakers, "speakers")
    check_number(overlap_s, "overlap_s", low=0, unit="seconds")
    check_number(
        window_s, "window_s", low=10, high=MAX_MEDIA_S, low_open=True, optional=True, unit="seconds"
    )
    check_int(max_concurrency, "max_concurrency", low=1, high=MAX_CONCURRENCY)
    # Consecutive windows advance by window - overlap: at half the window or more, a video would
    # be sent about twice over (or never advance), so refuse it instead of wasting tokens.
    automatic = default_window_s(clip.fps, clip.media_resolution, clip.context_tokens)
    window = min(window_s or automatic, automatic)
    if overlap_s * 2 >= window:
        raise InvalidRequestError(
            f"overlap_s must be less than half the window ({window:g} s"
            f"{'' if window_s == window else ', the largest that fits one request'}); got "
            f"{overlap_s!r}."
        )
    return TranscriptionOptions(
        **asdict(clip),
        visual=visual,
        speakers=speakers,
        window_s=window_s,
        overlap_s=float(overlap_s),
        max_concurrency=max_concurrency,
    )
