"""Video transcripts with timestamps, and free-form questions about a video.

Shape (PATTERNS.md #1): options are checked before any I/O; :func:`plan_transcription` (pure) turns
a ready video into one request per window; :func:`read_window` and :func:`finish_transcription`
(pure) parse, normalise, validate and merge. :func:`transcribe_video` and :func:`atranscribe_video`
differ only in how they run the window calls (a thread pool vs. an ``asyncio.Semaphore``).

Long videos are split into windows sized from a token estimate (frames at ``fps`` x tokens per frame
at ``media_resolution`` + 32 audio tokens/s + timestamp metadata, about 300 tokens/s at the
defaults) so each request stays within 80% of a 1M-token context: about 45 minutes per window.
Windows overlap by ``overlap_s`` and use ``videoMetadata`` start/end offsets on the *same* file, so
a local video is uploaded exactly once.

Validation (each repair is listed in ``Transcript.warnings``): timestamps are brought onto the
video's clock (see ``_windows`` for the relative/absolute heuristic), ends before starts are
swapped, segments starting past the end of the video (or window) are dropped and ends past it
clamped, out-of-order segments are sorted. An empty transcript (a silent video) is a valid result
with a warning. When the model returned segments but *every* one lies outside the video, the
timestamps were hallucinated and :class:`ResponseParseError` is raised (returning nothing
trustworthy as a "result" would hide the failure).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from ._client import model_name, resolve_llm
from ._imaging import normalise_media_resolution
from ._media import MediaInput, MediaPolicy
from ._response import read_reply
from ._timestamps import duration_string, parse_timestamp
from ._transcript_parsing import TRANSCRIPT_SCHEMA, parse_transcript_answer
from ._video_source import (
    VideoSource,
    aprepare_video,
    arouted_video,
    local_duration,
    prepare_video,
    routed_video,
    youtube_error,
)
from ._windows import (
    DEFAULT_CONTEXT_TOKENS,
    DEFAULT_OVERLAP_S,
    RawSegment,
    Window,
    default_window_s,
    estimate_video_tokens,
    fit_fps,
    merge_windows,
    normalise_clock,
    plan_windows,
    validate_segments,
)
from .errors import InvalidRequestError, ResponseParseError
from .types import CaptionResult, TokenUsage, Transcript, TranscriptSegment, format_timestamp

if TYPE_CHECKING:
    from .files import GeminiFileManager

__all__ = [
    "DEFAULT_OVERLAP_S",
    "TranscriptionOptions",
    "TranscriptionPlan",
    "WindowProgress",
    "WindowRequest",
    "aanalyze_video",
    "analyze_video",
    "atranscribe_video",
    "check_fps",
    "clip_metadata",
    "estimate_video_tokens",
    "finish_transcription",
    "make_options",
    "plan_transcription",
    "read_window",
    "transcribe_video",
]

MAX_FPS = 24.0
_OFFSET_TOLERANCE_S = 1.0
"""Offsets up to this far past a known end are accepted (rounding in durations)."""


@dataclass(frozen=True)
class WindowProgress:
    """Reported to ``on_progress`` after each window finishes.

    Attributes:
        completed: Windows finished so far (this one included).
        total: Windows in the plan.
        index: This window's position (0-based, in time order).
        start_s: Window start on the video's clock.
        end_s: Window end on the video's clock (None when the end is unknown).
        segments: Segments this window contributed before merging.
    """

    completed: int
    total: int
    index: int
    start_s: float
    end_s: float | None
    segments: int


ProgressCallback = Callable[[WindowProgress], None]


@dataclass(frozen=True)
class TranscriptionOptions:
    """Checked transcription options (offsets in seconds, resolution as the API enum name)."""

    language: str | None = None
    visual: bool = True
    speakers: bool = False
    start_s: float | None = None
    end_s: float | None = None
    fps: float | None = None
    media_resolution: str | None = None
    window_s: float | None = None
    overlap_s: float = DEFAULT_OVERLAP_S
    max_concurrency: int = 4
    context_tokens: int = DEFAULT_CONTEXT_TOKENS


def parse_offset(value: float | str | None, name: str) -> float | None:
    """Seconds, ``"MM:SS"``, ``"H:MM:SS"`` or ``"1h2m3s"`` -> seconds (None stays None).

    Raises:
        InvalidRequestError: Unreadable or negative.
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        raise InvalidRequestError(f"{name} must be >= 0 seconds, got {value!r}.")
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise InvalidRequestError(
            f"{name}={value!r} is not a time: use seconds, 'MM:SS' or 'H:MM:SS' ({exc})."
        ) from exc


def check_fps(fps: float | None) -> float | None:
    """Refuse a frame rate outside the API's (0, 24].

    Raises:
        InvalidRequestError: ``fps`` is not in (0, 24].
    """
    if fps is None:
        return None
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= MAX_FPS:
        raise InvalidRequestError(
            f"fps must be a number in (0, {MAX_FPS:g}] (frames sampled per second), got {fps!r}."
        )
    return float(fps)


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
) -> TranscriptionOptions:
    """Check every option before any I/O.

    Raises:
        InvalidRequestError: Negative or reversed offsets, fps out of range, a bad window size.
    """
    start_s = parse_offset(start, "start")
    end_s = parse_offset(end, "end")
    if start_s is not None and end_s is not None and end_s <= start_s:
        raise InvalidRequestError(
            f"end ({format_timestamp(end_s)}) must be after start ({format_timestamp(start_s)})."
        )
    if end_s is not None and end_s == 0:
        raise InvalidRequestError("end must be after the start of the video (got 0).")
    if overlap_s < 0:
        raise InvalidRequestError(f"overlap_s must be >= 0, got {overlap_s!r}.")
    if window_s is not None and window_s <= max(overlap_s * 2, 10.0):
        raise InvalidRequestError(
            f"window_s must be > 10 s and more than twice overlap_s ({overlap_s:g}), got "
            f"{window_s!r}."
        )
    if max_concurrency < 1:
        raise InvalidRequestError(f"max_concurrency must be >= 1, got {max_concurrency!r}.")
    return TranscriptionOptions(
        language=language.strip() if language and language.strip() else None,
        visual=visual,
        speakers=speakers,
        start_s=start_s,
        end_s=end_s,
        fps=check_fps(fps),
        media_resolution=normalise_media_resolution(media_resolution),
        window_s=window_s,
        overlap_s=float(overlap_s),
        max_concurrency=int(max_concurrency),
    )


def check_bounds(options: TranscriptionOptions, duration_s: float | None) -> None:
    """Refuse offsets past a known end (the API would silently cut ``endOffset``).

    Raises:
        InvalidRequestError: ``start`` or ``end`` lies past the end of the video.
    """
    if duration_s is None:
        return
    total = format_timestamp(duration_s)
    if options.start_s is not None and options.start_s >= duration_s:
        raise InvalidRequestError(
            f"start ({format_timestamp(options.start_s)}) is at or past the end of the video "
            f"({total})."
        )
    if options.end_s is not None and options.end_s > duration_s + _OFFSET_TOLERANCE_S:
        raise InvalidRequestError(
            f"end ({format_timestamp(options.end_s)}) is past the end of the video ({total}); "
            "the API would silently cut it. Omit end to go to the end of the video."
        )


@dataclass(frozen=True)
class WindowRequest:
    """One request of a transcription plan."""

    window: Window
    clipped: bool
    open_end: bool
    messages: list[BaseMessage]
    call_kwargs: dict[str, Any]
    estimated_tokens: int | None


@dataclass(frozen=True)
class TranscriptionPlan:
    """Everything needed to run and finish a transcription."""

    source: VideoSource
    lo: float
    hi: float | None
    requests: list[WindowRequest]
    warnings: list[str] = field(default_factory=list)


def _clip_text(lo: float, hi: float | None) -> str:
    end = f"to {format_timestamp(hi)}" if hi is not None else "onwards"
    return (
        f"Only the part of the video from {format_timestamp(lo)} {end} is provided. Give every "
        "timestamp on the full video's clock (the first moment provided is "
        f"{format_timestamp(lo)}), not relative to this part."
    )


def transcript_prompt(
    options: TranscriptionOptions, clip: tuple[float, float | None] | None
) -> str:
    """The text sent after the video."""
    lines = [
        "Transcribe the audio of this video with timestamps"
        + (", and describe what is shown on screen in each segment." if options.visual else ".")
    ]
    if clip is not None:
        lines.append(_clip_text(*clip))
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


def _span(source: VideoSource, options: TranscriptionOptions) -> tuple[float, float | None]:
    lo = options.start_s
    if lo is None and source.youtube is not None:
        lo = source.youtube.start_s
    hi = options.end_s if options.end_s is not None else source.duration_s
    return (lo or 0.0), hi


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


def plan_transcription(source: VideoSource, options: TranscriptionOptions) -> TranscriptionPlan:
    """Split the video into windows and build one request per window (pure).

    Raises:
        InvalidRequestError: Offsets past the known end of the video.
    """
    check_bounds(options, source.duration_s)
    lo, hi = _span(source, options)
    warnings = list(source.media.repairs)
    if hi is None:
        warnings.append(
            "the video's duration is unknown, so timestamps could not be checked against its end"
        )
        windows = [Window(0, lo, math.inf)]
    else:
        windows = plan_windows(lo, hi, _window_size(options, warnings), options.overlap_s)
    schema = transcript_schema(options)
    requests: list[WindowRequest] = []
    for window in windows:
        w_hi = None if math.isinf(window.end_s) else window.end_s
        whole = window.start_s == 0 and (w_hi is None or w_hi == source.duration_s)
        clipped = not whole
        block = source.media.to_block(
            video_metadata=clip_metadata(window.start_s, w_hi, clipped, options.fps),
            media_resolution=options.media_resolution,
        )
        text = transcript_prompt(options, (window.start_s, w_hi) if clipped else None)
        requests.append(
            WindowRequest(
                window=window,
                clipped=clipped,
                open_end=w_hi is None,
                messages=[HumanMessage(content=[block, {"type": "text", "text": text}])],
                call_kwargs={
                    "response_mime_type": "application/json",
                    "response_json_schema": schema,
                },
                estimated_tokens=None
                if w_hi is None
                else estimate_video_tokens(window.length_s, options.fps, options.media_resolution),
            )
        )
    return TranscriptionPlan(source, lo, hi, requests, warnings)


@dataclass
class WindowOutcome:
    """A window's validated segments on the video's clock."""

    request: WindowRequest
    segments: list[RawSegment]
    raw_count: int
    dropped_out_of_range: int
    warnings: list[str]
    usage: TokenUsage
    model: str
    raw_text: str


def read_window(message: BaseMessage, request: WindowRequest, *, label: str = "") -> WindowOutcome:
    """Parse one window's answer, bring it onto the video's clock and validate it (pure).

    Raises:
        ResponseBlockedError: The answer was blocked.
        ResponseParseError: The answer holds no readable segments.
    """
    reply = read_reply(message)
    window = request.window
    hi = None if request.open_end else window.end_s
    where = label or ("clip" if request.clipped else "video")
    parsed = parse_transcript_answer(reply.text)
    warnings = [f"{where}: {r}" if label else r for r in parsed.repairs]
    if reply.truncated or parsed.truncated:
        warnings.append(
            f"{where}: the answer was cut off by the output token limit; the transcript may miss "
            "the end of this part (use a smaller window_s or raise max_output_tokens)"
        )
    segments = parsed.segments
    if request.clipped:
        segments, notes = normalise_clock(segments, window.start_s, hi, label=where)
        warnings.extend(notes)
    checked = validate_segments(segments, window.start_s, hi, label=where)
    warnings.extend(f"{where}: {r}" if label else r for r in checked.repairs)
    return WindowOutcome(
        request,
        checked.segments,
        len(parsed.segments),
        checked.dropped_out_of_range,
        warnings,
        reply.usage,
        reply.model,
        reply.text,
    )


def _to_segment(seg: RawSegment) -> TranscriptSegment:
    end = seg.end_s if seg.end_s is not None else seg.start_s
    return TranscriptSegment(
        start_s=round(seg.start_s, 3),
        end_s=round(max(end, seg.start_s), 3),
        text=seg.text,
        speaker=seg.speaker,
        visual=seg.visual,
    )


def finish_transcription(
    plan: TranscriptionPlan, outcomes: list[WindowOutcome], *, fallback_model: str = ""
) -> Transcript:
    """Merge the windows, validate against the whole span, and build the ``Transcript`` (pure).

    Raises:
        ResponseParseError: Every segment the model returned lies outside the video.
    """
    ordered = sorted(outcomes, key=lambda o: o.request.window.start_s)
    warnings = list(plan.warnings)
    for outcome in ordered:
        warnings.extend(outcome.warnings)
    merged, _duplicates = merge_windows([(o.request.window, o.segments) for o in ordered])
    label = (
        "clip"
        if plan.lo > 0 or (plan.hi is not None and plan.hi != plan.source.duration_s)
        else "video"
    )
    final = validate_segments(merged, plan.lo, plan.hi, label=label)
    warnings.extend(final.repairs)
    raw = sum(o.raw_count for o in ordered)
    if raw and not final.segments:
        raise ResponseParseError(
            f"All {raw} segment(s) the model returned have timestamps outside the {label} "
            f"({format_timestamp(plan.lo)}-{format_timestamp(plan.hi or 0)}): they were "
            "hallucinated, so there is nothing trustworthy to return. Retry, or transcribe a "
            "shorter clip with start=/end=.",
            raw_text="\n\n".join(o.raw_text for o in ordered)[:20000],
        )
    if not raw:
        warnings.append(
            "the model found nothing to transcribe (empty transcript): the video may be silent "
            "and static"
        )
    usage = TokenUsage()
    for outcome in ordered:
        usage = usage + outcome.usage
    model = next((o.model for o in ordered if o.model), fallback_model)
    return Transcript(
        segments=[_to_segment(s) for s in final.segments],
        duration_s=plan.source.duration_s,
        source=plan.source.source,
        model=model,
        usage=usage,
        warnings=warnings,
        gemini_file_uri=plan.source.gemini_file_uri,
    )


def _label(plan: TranscriptionPlan, request: WindowRequest) -> str:
    return request.window.label() if len(plan.requests) > 1 else ""


@contextlib.contextmanager
def _api_errors(source: VideoSource) -> Iterator[None]:
    """Turn an API refusal of a YouTube video into a clear ``MediaAccessError``."""
    try:
        yield
    except Exception as exc:
        mapped = youtube_error(exc, source.source) if source.youtube is not None else None
        if mapped is None:
            raise
        raise mapped from exc


def _progress(
    on_progress: ProgressCallback | None, done: int, plan: TranscriptionPlan, o: WindowOutcome
) -> None:
    if on_progress is None:
        return
    window = o.request.window
    on_progress(
        WindowProgress(
            completed=done,
            total=len(plan.requests),
            index=window.index,
            start_s=window.start_s,
            end_s=None if o.request.open_end else window.end_s,
            segments=len(o.segments),
        )
    )


def _run_sync(
    model: ChatGoogleGenerativeAI,
    plan: TranscriptionPlan,
    max_concurrency: int,
    on_progress: ProgressCallback | None,
) -> list[WindowOutcome]:
    def one(request: WindowRequest) -> WindowOutcome:
        with _api_errors(plan.source):
            message = model.invoke(request.messages, **request.call_kwargs)
        return read_window(message, request, label=_label(plan, request))

    outcomes: list[WindowOutcome] = []
    workers = min(max_concurrency, len(plan.requests))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gemini-window") as pool:
        futures = [pool.submit(one, r) for r in plan.requests]
        try:
            for future in as_completed(futures):
                outcomes.append(future.result())
                _progress(on_progress, len(outcomes), plan, outcomes[-1])
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return outcomes


async def _run_async(
    model: ChatGoogleGenerativeAI,
    plan: TranscriptionPlan,
    max_concurrency: int,
    on_progress: ProgressCallback | None,
) -> list[WindowOutcome]:
    gate = asyncio.Semaphore(max_concurrency)

    async def one(request: WindowRequest) -> WindowOutcome:
        async with gate:
            with _api_errors(plan.source):
                message = await model.ainvoke(request.messages, **request.call_kwargs)
        return read_window(message, request, label=_label(plan, request))

    tasks = [asyncio.ensure_future(one(r)) for r in plan.requests]
    outcomes: list[WindowOutcome] = []
    try:
        for next_done in asyncio.as_completed(tasks):
            outcomes.append(await next_done)
            _progress(on_progress, len(outcomes), plan, outcomes[-1])
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return outcomes


def transcribe_video(
    video: MediaInput,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
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
    on_progress: ProgressCallback | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
) -> Transcript:
    """Transcribe a video with timestamps (and, by default, what is shown).

    Args:
        video: A local path or bytes (inline under 20 MB, else uploaded once through the File API
            and deleted afterwards), a ``files/...`` name, a ``gs://`` URI or a YouTube link
            (``t=`` in the link becomes the start).
        llm: The Gemini chat model; built from the environment when omitted.
        language: Write the transcript in this language (e.g. ``"English"``).
        visual: Also describe what is shown in each segment.
        speakers: Label speakers.
        start: Start of the part to transcribe: seconds, ``"MM:SS"`` or ``"H:MM:SS"``.
        end: End of the part to transcribe (same forms).
        fps: Frames sampled per second, in (0, 24]; the API's default is 1.
        media_resolution: ``"low"``, ``"medium"`` or ``"high"`` (Gemini 3+); low costs about 66
            instead of 258 tokens per frame, so windows can be longer.
        window_s: Maximum seconds per request; default sized from the token estimate (about 45
            minutes at 1 fps). Larger values are reduced to fit the context.
        overlap_s: Overlap between consecutive windows, so lines on a boundary are not lost.
        max_concurrency: Windows transcribed at the same time.
        on_progress: Called with a :class:`WindowProgress` after each window.
        manager: A ``GeminiFileManager`` to upload/poll with (its polling policy, client).
        policy: Trust policy for reading the video (tools pass theirs); default permissive.

    Returns:
        A ``Transcript`` on the video's clock, validated against its duration; every repair is in
        ``warnings``.

    Raises:
        InvalidRequestError: Negative, reversed or past-the-end offsets, fps out of (0, 24].
        UnsupportedMediaError: Not a video.
        MediaTooLargeError: Over the File API's 2 GB.
        FileProcessingError: The upload FAILED on the server (the upload is deleted).
        MediaAccessError: Refused by the policy, unreadable, or a YouTube video Gemini cannot read.
        ResponseParseError: No readable segments, or every timestamp lies outside the video.
    """
    options = make_options(
        language=language,
        visual=visual,
        speakers=speakers,
        start=start,
        end=end,
        fps=fps,
        media_resolution=media_resolution,
        window_s=window_s,
        overlap_s=overlap_s,
        max_concurrency=max_concurrency,
    )
    model = resolve_llm(llm)
    prepared = prepare_video(video, policy=policy)
    check_bounds(options, local_duration(prepared))
    with routed_video(prepared, model, manager=manager) as source:
        plan = plan_transcription(source, options)
        outcomes = _run_sync(model, plan, options.max_concurrency, on_progress)
    return finish_transcription(plan, outcomes, fallback_model=model_name(model))


async def atranscribe_video(
    video: MediaInput,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
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
    on_progress: ProgressCallback | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
) -> Transcript:
    """Async twin of :func:`transcribe_video` (same arguments, result and errors)."""
    options = make_options(
        language=language,
        visual=visual,
        speakers=speakers,
        start=start,
        end=end,
        fps=fps,
        media_resolution=media_resolution,
        window_s=window_s,
        overlap_s=overlap_s,
        max_concurrency=max_concurrency,
    )
    model = resolve_llm(llm)
    prepared = await aprepare_video(video, policy=policy)
    check_bounds(options, local_duration(prepared))
    async with arouted_video(prepared, model, manager=manager) as source:
        plan = plan_transcription(source, options)
        outcomes = await _run_async(model, plan, options.max_concurrency, on_progress)
    return finish_transcription(plan, outcomes, fallback_model=model_name(model))


# --- free-form questions ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRequest:
    """One free-form question about a video."""

    messages: list[BaseMessage]
    warnings: list[str]


def build_question_request(
    source: VideoSource, question: str, options: TranscriptionOptions
) -> QuestionRequest:
    """The request for :func:`analyze_video` (pure); lowers fps when the video would not fit.

    The question is sent as written: MM:SS references in it are what the model understands best.

    Raises:
        InvalidRequestError: Empty question, offsets past the end, or a video too long for one
            request at the fps the caller fixed.
    """
    if not question or not question.strip():
        raise InvalidRequestError("question must not be empty.")
    check_bounds(options, source.duration_s)
    lo, hi = _span(source, options)
    warnings = list(source.media.repairs)
    fps = options.fps
    if hi is not None:
        needed = estimate_video_tokens(hi - lo, fps, options.media_resolution)
        budget = default_window_s(fps, options.media_resolution, options.context_tokens)
        if hi - lo > budget:
            fitted = None if fps is not None else fit_fps(hi - lo, options.media_resolution)
            if fitted is None:
                raise InvalidRequestError(
                    f"{format_timestamp(hi - lo)} of video needs about {needed:,} input tokens, "
                    "more than fits one request: ask about a part with start=/end=, or use "
                    "media_resolution='low' or a lower fps."
                )
            warnings.append(
                f"the video needs about {needed:,} input tokens at 1 fps; sampled at {fitted:g} "
                "fps so it fits one request"
            )
            fps = fitted
    clipped = lo > 0 or (hi is not None and hi != source.duration_s)
    block = source.media.to_block(
        video_metadata=clip_metadata(lo, hi, clipped, fps),
        media_resolution=options.media_resolution,
    )
    text = question.strip()
    if clipped:
        text = f"{text}\n\n({_clip_text(lo, hi)})"
    if options.language:
        text = f"{text}\n\nAnswer in {options.language}."
    return QuestionRequest(
        [HumanMessage(content=[block, {"type": "text", "text": text}])], warnings
    )


def finish_answer(
    message: BaseMessage, request: QuestionRequest, *, fallback_model: str = ""
) -> CaptionResult:
    """Read the answer to a question about a video (pure).

    Raises:
        ResponseBlockedError: The answer was blocked.
        ResponseParseError: The model returned no text.
    """
    reply = read_reply(message, fallback_model=fallback_model)
    warnings = list(request.warnings)
    if reply.truncated:
        warnings.append("the answer was cut off by the output token limit (MAX_TOKENS)")
    if not reply.text.strip() and not reply.truncated:
        raise ResponseParseError("The model returned an empty answer.", raw_text=reply.text)
    return CaptionResult(
        text=reply.text.strip(), model=reply.model, usage=reply.usage, warnings=warnings
    )


def analyze_video(
    video: MediaInput,
    question: str,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    start: float | str | None = None,
    end: float | str | None = None,
    fps: float | None = None,
    media_resolution: str | None = None,
    language: str | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
) -> CaptionResult:
    """Ask a free-form question about a video: a summary, a quiz, "what happens at 01:05?".

    Args:
        video: Same forms as :func:`transcribe_video`.
        question: Sent as written after the video; refer to moments as MM:SS.
        llm: The Gemini chat model; built from the environment when omitted.
        start: Only look at the video from here (seconds, ``"MM:SS"``, ``"H:MM:SS"``).
        end: Only look at the video up to here.
        fps: Frames sampled per second, in (0, 24]. When omitted and the video would not fit one
            request at 1 fps, a lower rate is chosen (and noted in ``warnings``).
        media_resolution: ``"low"``, ``"medium"`` or ``"high"``.
        language: Answer in this language.
        manager: A ``GeminiFileManager`` to upload/poll with.
        policy: Trust policy for reading the video; default permissive.

    Returns:
        A ``CaptionResult`` holding the answer, model, usage and warnings.

    Raises:
        InvalidRequestError: Empty question, bad offsets or fps, or a video too long for one
            request.
        UnsupportedMediaError: Not a video.
        MediaAccessError: Refused, unreadable, or a YouTube video Gemini cannot read.
    """
    options = make_options(
        start=start, end=end, fps=fps, media_resolution=media_resolution, language=language
    )
    if not question or not question.strip():
        raise InvalidRequestError("question must not be empty.")
    model = resolve_llm(llm)
    prepared = prepare_video(video, policy=policy)
    check_bounds(options, local_duration(prepared))
    with routed_video(prepared, model, manager=manager) as source:
        request = build_question_request(source, question, options)
        with _api_errors(source):
            message = model.invoke(request.messages)
    return finish_answer(message, request, fallback_model=model_name(model))


async def aanalyze_video(
    video: MediaInput,
    question: str,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    start: float | str | None = None,
    end: float | str | None = None,
    fps: float | None = None,
    media_resolution: str | None = None,
    language: str | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
) -> CaptionResult:
    """Async twin of :func:`analyze_video` (same arguments, result and errors)."""
    options = make_options(
        start=start, end=end, fps=fps, media_resolution=media_resolution, language=language
    )
    if not question or not question.strip():
        raise InvalidRequestError("question must not be empty.")
    model = resolve_llm(llm)
    prepared = await aprepare_video(video, policy=policy)
    check_bounds(options, local_duration(prepared))
    async with arouted_video(prepared, model, manager=manager) as source:
        request = build_question_request(source, question, options)
        with _api_errors(source):
            message = await model.ainvoke(request.messages)
    return finish_answer(message, request, fallback_model=model_name(model))
