"""The requests of a transcription: one per window, and two halves for a cut-off window (pure).

Separate from the runners so that a plan can be built, inspected and sent by other means (the batch
submitter turns every request into a Batch Mode item) without the thread pool or event loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage

from langchain_gemini_vision.video._options import (
    check_bounds,
    clip_metadata,
    clip_span,
    clip_text,
    unknown_duration_note,
)
from langchain_gemini_vision.video._source import VideoSource
from langchain_gemini_vision.video._transcript_parsing import TRANSCRIPT_SCHEMA
from langchain_gemini_vision.video._transcription_options import TranscriptionOptions
from langchain_gemini_vision.video._windows import (
    Window,
    default_window_s,
    estimate_video_tokens,
    plan_windows,
)

MIN_SPLIT_S = 10.0
"""Windows shorter than this are not split again when their answer is cut off."""


@dataclass(frozen=True)
class WindowRequest:
    """One request of a transcription plan.

    Attributes:
        retry: A half of a window whose answer was cut off (never split again).
    """

    window: Window
    clipped: bool
    open_end: bool
    messages: list[BaseMessage]
    call_kwargs: dict[str, Any]
    estimated_tokens: int | None
    retry: bool = False


@dataclass(frozen=True)
class TranscriptionPlan:
    """Everything needed to run and finish a transcription."""

    source: VideoSource
    options: TranscriptionOptions
    lo: float
    hi: float | None
    requests: list[WindowRequest]
    warnings: list[str] = field(default_factory=list)


def transcript_prompt(
    options: TranscriptionOptions, clip: tuple[float, float | None] | None
) -> str:
    """The text sent after the video."""
    lines = [
        "Transcribe the audio of this video with timestamps"
        + (", and describe what is shown on screen in each segment." if options.visual else ".")
    ]
    if clip is not None:
        lines.append(clip_text(*clip))
    lines.append(
        "Answer in JSON: an object with 'segments', a list in chronological order, one segment "
        "per sentence or short utterance (at most about 15 seconds), each with 'start' and 'end' "
        "as MM:SS (H:MM:SS from one hour on) and 'text' (verbatim speech, empty when nothing is "
        "said)"
        + (", 'visual' (what is shown)" if options.visual else "")
        + (", 'speaker'" if options.speakers else "")
        + "."
    )
    if options.speakers:
        lines.append(
            "Label speakers consistently: their name when it is said or shown, else Speaker 1, "
            "Speaker 2, and so on."
        )
    if options.language:
        lines.append(f"Write the transcript text in {options.language}.")
    lines.append(
        'If nothing is said and nothing is shown, answer {"segments": []}. Never give a '
        "timestamp past the end of the video."
    )
    return "\n".join(lines)


def transcript_schema(options: TranscriptionOptions) -> dict[str, Any]:
    """The response schema, keeping only the fields asked for."""
    items = TRANSCRIPT_SCHEMA["properties"]["segments"]["items"]
    props = dict(items["properties"])
    if not options.visual:
        props.pop("visual")
    if not options.speakers:
        props.pop("speaker")
    segments = {
        **TRANSCRIPT_SCHEMA["properties"]["segments"],
        "items": {**items, "properties": props},
    }
    return {**TRANSCRIPT_SCHEMA, "properties": {"segments": segments}}


def _window_size(options: TranscriptionOptions, warnings: list[str]) -> float:
    automatic = default_window_s(options.fps, options.media_resolution, options.context_tokens)
    if options.window_s is None:
        return automatic
    if options.window_s > automatic:
        warnings.append(
            f"window_s={options.window_s:g} would need about "
            f"{estimate_video_tokens(options.window_s, options.fps, options.media_resolution):,} "
            f"input tokens per request; used {automatic:g} s windows to stay inside the context"
        )
        return automatic
    return options.window_s


def build_window_request(
    source: VideoSource, options: TranscriptionOptions, window: Window, *, retry: bool = False
) -> WindowRequest:
    """The request for one window of the video (pure); an infinite end means "to the end"."""
    hi = None if math.isinf(window.end_s) else window.end_s
    clipped = not (window.start_s == 0 and (hi is None or hi == source.duration_s))
    block = source.media.to_block(
        video_metadata=clip_metadata(window.start_s, hi, clipped, options.fps),
        media_resolution=options.media_resolution,
    )
    text = transcript_prompt(options, (window.start_s, hi) if clipped else None)
    return WindowRequest(
        window=window,
        clipped=clipped,
        open_end=hi is None,
        messages=[HumanMessage(content=[block, {"type": "text", "text": text}])],
        call_kwargs={
            "response_mime_type": "application/json",
            "response_json_schema": transcript_schema(options),
        },
        estimated_tokens=None
        if hi is None
        else estimate_video_tokens(window.length_s, options.fps, options.media_resolution),
        retry=retry,
    )


def plan_transcription(source: VideoSource, options: TranscriptionOptions) -> TranscriptionPlan:
    """Split the video into windows and build one request per window (pure).

    Raises:
        InvalidRequestError: Offsets past the known end of the video.
    """
    link_start = source.youtube.start_s if source.youtube is not None else None
    check_bounds(options, source.duration_s, link_start_s=link_start or 0.0)
    lo, hi = clip_span(options, link_start, source.duration_s)
    warnings = [*source.media.repairs, *source.notes]
    if hi is None:
        warnings.append(unknown_duration_note())
        windows = [Window(0, lo, math.inf)]
    else:
        windows = plan_windows(lo, hi, _window_size(options, warnings), options.overlap_s)
    requests = [build_window_request(source, options, w) for w in windows]
    return TranscriptionPlan(source, options, lo, hi, requests, warnings)


def split_request(plan: TranscriptionPlan, request: WindowRequest) -> list[WindowRequest]:
    """Two overlapping halves of a window whose answer was cut off (pure); [] when it can't split.

    The halves are clipped requests on the same file, overlapping by up to ``overlap_s`` so a line
    said at the cut is heard by both and merged like any window seam. A half is never split again,
    and neither is a window with an unknown end or shorter than :data:`MIN_SPLIT_S`.
    """
    window = request.window
    if request.retry or request.open_end or window.length_s < MIN_SPLIT_S:
        return []
    overlap = min(plan.options.overlap_s, window.length_s / 4)
    mid = (window.start_s + window.end_s) / 2
    first = Window(window.index, window.start_s, float(math.ceil(mid + overlap / 2)))
    second = Window(window.index, float(math.floor(mid - overlap / 2)), window.end_s)
    return [build_window_request(plan.source, plan.options, w, retry=True) for w in (first, second)]
