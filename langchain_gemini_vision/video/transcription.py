"""Video transcripts with timestamps.

Shape (PATTERNS.md #1): options are checked before any I/O; :func:`plan_transcription` (pure) turns
a ready video into one request per window; :class:`WindowRun` (pure bookkeeping) reads each answer
and decides follow-ups; :func:`finish_transcription` (pure) merges and validates.
:func:`transcribe_video` and :func:`atranscribe_video` differ only in how they run the window calls
(a thread pool vs. an ``asyncio.Semaphore``).

Long videos are split into windows sized from a token estimate (frames at ``fps`` x tokens per frame
at ``media_resolution`` + 32 audio tokens/s + timestamp metadata, about 300 tokens/s at the
defaults) so each request stays within 80% of a 1M-token context: about 45 minutes per window.
Windows overlap by ``overlap_s`` and use ``videoMetadata`` start/end offsets on the *same* file, so
a local video is uploaded exactly once. YouTube links and ``gs://`` URIs have no duration the API
reports; a ``duration_s`` hint lets them be windowed and checked too.

A window whose answer is cut by the output token limit (``MAX_TOKENS``) is transcribed again once,
as two overlapping halves of the same file; it is flagged in ``warnings`` only when a half is still
cut (or when it cannot be split: its end is unknown, or it is very short).

Validation (each repair is listed in ``Transcript.warnings``): timestamps are brought onto the
video's clock (see ``video._windows`` for the relative/absolute heuristic), ends before starts are
swapped, segments starting past the end of the video (or window) are dropped and ends past it
clamped, out-of-order segments are sorted. An empty transcript (a silent video) is a valid result
with a warning. When the model returned segments but *every* one lies outside the video, the
timestamps were hallucinated and :class:`ResponseParseError` is raised (returning nothing
trustworthy as a "result" would hide the failure).

Free-form questions about a video live in :mod:`langchain_gemini_vision.video.qa`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.fan_out import afan_out, concurrency_for, fan_out
from langchain_gemini_vision._core.generation import ainvoke_model, current_retries, invoke_model
from langchain_gemini_vision._core.response import ModelReply, read_reply
from langchain_gemini_vision._core.validate import (
    check_bool,
    check_int,
    check_keywords,
    check_number,
)
from langchain_gemini_vision.errors import InvalidRequestError, ResponseParseError
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._arg_checks import check_video_call
from langchain_gemini_vision.media._prepare import MediaInput, MediaPolicy
from langchain_gemini_vision.types import (
    TokenUsage,
    Transcript,
    TranscriptSegment,
    format_timestamp,
)
from langchain_gemini_vision.video._clock_mix import normalise_mixed_clock
from langchain_gemini_vision.video._options import (
    CLIP_OPTIONS,
    MAX_MEDIA_S,
    ClipOptions,
    Unpack,
    VideoKwargs,
    check_bounds,
    check_fps,
    clip_metadata,
    clip_span,
    clip_text,
    make_clip_options,
    unknown_duration_note,
)
from langchain_gemini_vision.video._source import (
    VideoSource,
    aprepare_video,
    arouted_video,
    known_duration,
    prepare_video,
    routed_video,
    youtube_errors,
)
from langchain_gemini_vision.video._transcript_parsing import (
    TRANSCRIPT_SCHEMA,
    parse_transcript_answer,
)
from langchain_gemini_vision.video._windows import (
    DEFAULT_OVERLAP_S,
    RawSegment,
    Window,
    default_window_s,
    estimate_video_tokens,
    merge_windows,
    plan_windows,
    validate_segments,
)

__all__ = [
    "DEFAULT_OVERLAP_S",
    "MIN_SPLIT_S",
    "TranscribeKwargs",
    "TranscriptionOptions",
    "TranscriptionPlan",
    "WindowProgress",
    "WindowRequest",
    "WindowRun",
    "atranscribe_video",
    "build_window_request",
    "check_fps",
    "clip_metadata",
    "estimate_video_tokens",
    "finish_transcription",
    "make_options",
    "plan_transcription",
    "read_window",
    "split_request",
    "transcribe_video",
]

MAX_CONCURRENCY = 64
"""Most windows transcribed at once (beyond this, requests only queue up at the rate limit)."""
MIN_SPLIT_S = 10.0
"""Windows shorter than this are not split again when their answer is cut off."""


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
class WindowProgress:
    """Reported to ``on_progress`` after each window finishes.

    Attributes:
        completed: Windows finished so far (this one included).
        total: Windows to run; grows by one when a cut-off window is retried as two halves.
        index: This window's position (0-based, in time order; halves keep their window's).
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


@dataclass
class WindowOutcome:
    """A window's validated segments on the video's clock.

    Attributes:
        superseded: The answer was cut off and the window was transcribed again as two halves;
            only its token usage still counts.
    """

    request: WindowRequest
    segments: list[RawSegment]
    raw_count: int
    dropped_out_of_range: int
    warnings: list[str]
    usage: TokenUsage
    model: str
    raw_text: str
    superseded: bool = False


def _window_outcome(reply: ModelReply, request: WindowRequest, label: str) -> WindowOutcome:
    window = request.window
    hi = None if request.open_end else window.end_s
    where = label or ("clip" if request.clipped else "video")
    if reply.truncated and not reply.text.strip():
        raise ResponseParseError(
            f"{where}: the answer was cut off by the output token limit before any segment "
            "(thinking can use up the budget): raise max_output_tokens or use a smaller window_s.",
            raw_text=reply.text,
        )
    parsed = parse_transcript_answer(reply.text)
    warnings = [f"{where}: {r}" if label else r for r in parsed.repairs]
    if reply.truncated or parsed.truncated:
        warnings.append(
            f"{where}: the answer was cut off by the output token limit; the transcript may miss "
            "the end of this part (use a smaller window_s or raise max_output_tokens)"
        )
    segments = parsed.segments
    if request.clipped:
        segments, notes = normalise_mixed_clock(segments, window.start_s, hi, label=where)
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


def read_window(message: BaseMessage, request: WindowRequest, *, label: str = "") -> WindowOutcome:
    """Parse one window's answer, bring it onto the video's clock and validate it (pure).

    Raises:
        ResponseBlockedError: The answer was blocked.
        ResponseParseError: The answer holds no readable segments.
    """
    return _window_outcome(read_reply(message), request, label)


class WindowRun:
    """Bookkeeping of one transcription run, shared by the sync and async runners (no I/O).

    The runners send requests and hand each answer to :meth:`receive`, which returns follow-up
    requests to send (the two halves of a cut-off window), reports progress, and collects the
    outcomes for :func:`finish_transcription`.
    """

    def __init__(self, plan: TranscriptionPlan, on_progress: ProgressCallback | None) -> None:
        self.plan = plan
        self.on_progress = on_progress
        self.outcomes: list[WindowOutcome] = []
        self.total = len(plan.requests)
        self.completed = 0

    def label(self, request: WindowRequest) -> str:
        """Prefix of a window's warnings; empty when the video went in one piece."""
        return request.window.label() if len(self.plan.requests) > 1 or request.retry else ""

    def receive(self, request: WindowRequest, message: BaseMessage) -> list[WindowRequest]:
        """Read one answer; return the requests to send next (usually none).

        Raises:
            ResponseBlockedError: The answer was blocked.
            ResponseParseError: The answer holds no readable segments.
        """
        reply = read_reply(message)
        halves = split_request(self.plan, request) if reply.truncated else []
        if halves:
            # What the cut answer holds is re-transcribed by the halves; its tokens were spent.
            self.outcomes.append(
                WindowOutcome(request, [], 0, 0, [], reply.usage, reply.model, reply.text, True)
            )
            self.total += len(halves) - 1
            return halves
        outcome = _window_outcome(reply, request, self.label(request))
        self.outcomes.append(outcome)
        self.completed += 1
        if self.on_progress is not None:
            window = request.window
            self.on_progress(
                WindowProgress(
                    completed=self.completed,
                    total=self.total,
                    index=window.index,
                    start_s=window.start_s,
                    end_s=None if request.open_end else window.end_s,
                    segments=len(outcome.segments),
                )
            )
        return []


def _to_segment(seg: RawSegment) -> TranscriptSegment:
    end = seg.end_s if seg.end_s is not None else seg.start_s
    return TranscriptSegment(
        start_s=round(seg.start_s, 3),
        end_s=round(max(end, seg.start_s), 3),
        text=seg.text,
        speaker=seg.speaker,
        visual=seg.visual,
    )


def _split_note(outcome: WindowOutcome) -> str:
    return (
        f"{outcome.request.window.label()}: the answer hit the output token limit; transcribed "
        "again as two halves"
    )


def finish_transcription(
    plan: TranscriptionPlan, outcomes: list[WindowOutcome], *, fallback_model: str = ""
) -> Transcript:
    """Merge the windows, validate against the whole span, and build the ``Transcript`` (pure).

    Raises:
        ResponseParseError: Every segment the model returned lies outside the video.
    """
    # By start, a split window before its halves (its note reads before theirs).
    ordered = sorted(outcomes, key=lambda o: (o.request.window.start_s, -o.request.window.end_s))
    live = [o for o in ordered if not o.superseded]
    warnings = list(plan.warnings)
    for outcome in ordered:
        warnings.extend([_split_note(outcome)] if outcome.superseded else outcome.warnings)
    merged, _duplicates = merge_windows([(o.request.window, o.segments) for o in live])
    label = (
        "clip"
        if plan.lo > 0 or (plan.hi is not None and plan.hi != plan.source.duration_s)
        else "video"
    )
    final = validate_segments(merged, plan.lo, plan.hi, label=label)
    warnings.extend(final.repairs)
    raw = sum(o.raw_count for o in live)
    if raw and not final.segments:
        raise ResponseParseError(
            f"All {raw} segment(s) the model returned have timestamps outside the {label} "
            f"({format_timestamp(plan.lo)}-{format_timestamp(plan.hi or 0)}): they were "
            "hallucinated, so there is nothing trustworthy to return. Retry, or transcribe a "
            "shorter clip with start=/end=.",
            raw_text="\n\n".join(o.raw_text for o in live)[:20000],
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


_DOING = "transcribe a video window"


def _run_sync(
    model: ChatGoogleGenerativeAI, plan: TranscriptionPlan, on_progress: ProgressCallback | None
) -> list[WindowOutcome]:
    run = WindowRun(plan, on_progress)
    retries = current_retries()  # the window threads do not inherit the caller's context

    def call(request: WindowRequest) -> BaseMessage:
        with youtube_errors(plan.source.youtube_url):
            return invoke_model(
                model, request.messages, request.call_kwargs, doing=_DOING, retries=retries
            )

    limit = concurrency_for(model, plan.options.max_concurrency, len(plan.requests))
    fan_out(call, plan.requests, run.receive, limit)
    return run.outcomes


async def _run_async(
    model: ChatGoogleGenerativeAI, plan: TranscriptionPlan, on_progress: ProgressCallback | None
) -> list[WindowOutcome]:
    run = WindowRun(plan, on_progress)

    async def call(request: WindowRequest) -> BaseMessage:
        with youtube_errors(plan.source.youtube_url):
            return await ainvoke_model(model, request.messages, request.call_kwargs, doing=_DOING)

    limit = concurrency_for(model, plan.options.max_concurrency, len(plan.requests))
    await afan_out(call, plan.requests, run.receive, limit)
    return run.outcomes


def transcribe_video(
    video: MediaInput,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    on_progress: ProgressCallback | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
    **options: Unpack[TranscribeKwargs],
) -> Transcript:
    """Transcribe a video with timestamps (and, by default, what is shown).

    Args:
        video: A local path or bytes (inline under 20 MB, else uploaded once through the File API
            and deleted afterwards unless ``keep_upload``), a ``files/...`` name, a ``gs://`` URI
            or a YouTube link (``t=`` in the link becomes the start).
        llm: The Gemini chat model; built from the environment when omitted.
        on_progress: Called with a :class:`WindowProgress` after each window.
        manager: A ``GeminiFileManager`` to upload/poll with (its polling policy, reuse index).
        policy: Trust policy for reading the video (tools pass theirs); default permissive.
        **options: Keyword options (:class:`TranscribeKwargs`):

            - ``language``: write the transcript in this language (e.g. ``"English"``).
            - ``visual`` (True): also describe what is shown in each segment.
            - ``speakers`` (False): label speakers.
            - ``start`` / ``end``: the part to transcribe: seconds, ``"MM:SS"`` or
              ``"H:MM:SS"``.
            - ``fps``: frames sampled per second, in (0, 24]; the API's default is 1.
            - ``media_resolution``: ``"low"``, ``"medium"`` or ``"high"`` (Gemini 3+); low costs
              about 66 instead of 258 tokens per frame, so windows can be longer.
            - ``window_s``: maximum seconds per request; default sized from the token estimate
              (about 45 minutes at 1 fps). Larger values are reduced to fit the context.
            - ``overlap_s`` (10): overlap between consecutive windows, so lines on a boundary
              are not lost.
            - ``max_concurrency`` (4): windows transcribed at the same time.
            - ``duration_s``: the video's length when the API cannot report it (YouTube,
              ``gs://``): timestamps are then checked against the end and long videos windowed.
              Without it such videos go in one request, with a warning.
            - ``keep_upload`` (False): keep a file this call uploads (instead of deleting it)
              and report it in ``gemini_file_uri``; the next call with the same content reuses it.

    Returns:
        A ``Transcript`` on the video's clock, validated against its duration; every repair is in
        ``warnings``. ``gemini_file_uri`` is set when the video stays in the File API afterwards:
        a ``files/...`` name you passed, or an upload kept with ``keep_upload=True``.

    Raises:
        InvalidRequestError: Negative, reversed or past-the-end offsets, fps out of (0, 24], a
            bad ``duration_s``.
        UnsupportedMediaError: Not a video.
        MediaTooLargeError: Over the File API's 2 GB.
        FileProcessingError: The upload FAILED on the server (the upload is deleted).
        MediaAccessError: Refused by the policy, unreadable, or a YouTube video Gemini cannot read.
        ResponseParseError: No readable segments, or every timestamp lies outside the video.
    """
    check_video_call(video, llm=llm, manager=manager, policy=policy, on_progress=on_progress)
    checked = make_options(**options)
    model = resolve_llm(llm)
    prepared = prepare_video(video, policy=policy)
    check_bounds(checked, known_duration(prepared, checked))
    with routed_video(prepared, model, checked, manager=manager) as source:
        plan = plan_transcription(source, checked)
        outcomes = _run_sync(model, plan, on_progress)
    return finish_transcription(plan, outcomes, fallback_model=model_name(model))


async def atranscribe_video(
    video: MediaInput,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    on_progress: ProgressCallback | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
    **options: Unpack[TranscribeKwargs],
) -> Transcript:
    """Async twin of :func:`transcribe_video` (same arguments, result and errors)."""
    check_video_call(video, llm=llm, manager=manager, policy=policy, on_progress=on_progress)
    checked = make_options(**options)
    model = resolve_llm(llm)
    prepared = await aprepare_video(video, policy=policy)
    check_bounds(checked, known_duration(prepared, checked))
    async with arouted_video(prepared, model, checked, manager=manager) as source:
        plan = plan_transcription(source, checked)
        outcomes = await _run_async(model, plan, on_progress)
    return finish_transcription(plan, outcomes, fallback_model=model_name(model))
