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

This module runs a transcription (prepare and route the video, send the windows, finish); the pure
parts it composes live beside it: the options in ``video._transcription_options``, the requests in
``video._transcription_plan`` and the handling of answers in ``video._window_answers``. Every name
is importable from here. Free-form questions about a video live in
:mod:`langchain_gemini_vision.video.qa`.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import BaseMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.fan_out import afan_out, concurrency_for, fan_out
from langchain_gemini_vision._core.generation import ainvoke_model, current_retries, invoke_model
from langchain_gemini_vision._core.tracing import (
    RunnableConfig,
    achain_run,
    chain_run,
    check_config,
    media_label,
)
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._arg_checks import check_video_call
from langchain_gemini_vision.media._prepare import MediaInput, MediaPolicy
from langchain_gemini_vision.types import Transcript
from langchain_gemini_vision.video._options import Unpack, check_bounds, check_fps, clip_metadata
from langchain_gemini_vision.video._source import (
    aprepare_video,
    arouted_video,
    known_duration,
    prepare_video,
    routed_video,
    youtube_errors,
)
from langchain_gemini_vision.video._transcription_options import (
    MAX_CONCURRENCY,
    TRANSCRIBE_OPTIONS,
    TranscribeKwargs,
    TranscriptionOptions,
    make_options,
)
from langchain_gemini_vision.video._transcription_plan import (
    MIN_SPLIT_S,
    TranscriptionPlan,
    WindowRequest,
    build_window_request,
    plan_transcription,
    split_request,
    transcript_prompt,
    transcript_schema,
)
from langchain_gemini_vision.video._window_answers import (
    ProgressCallback,
    WindowOutcome,
    WindowProgress,
    WindowRun,
    finish_transcription,
    read_window,
)
from langchain_gemini_vision.video._windows import DEFAULT_OVERLAP_S, estimate_video_tokens

__all__ = [
    "DEFAULT_OVERLAP_S",
    "MAX_CONCURRENCY",
    "MIN_SPLIT_S",
    "TRANSCRIBE_OPTIONS",
    "ProgressCallback",
    "TranscribeKwargs",
    "TranscriptionOptions",
    "TranscriptionPlan",
    "WindowOutcome",
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
    "transcript_prompt",
    "transcript_schema",
]

_DOING = "transcribe a video window"


def _inputs(video: MediaInput, options: TranscribeKwargs) -> dict[str, Any]:
    """What a trace shows as the call's inputs: the video's name, never its bytes."""
    return {"video": media_label(video), **options}


def _checked(
    video: MediaInput,
    llm: ChatGoogleGenerativeAI | None,
    on_progress: ProgressCallback | None,
    manager: GeminiFileManager | None,
    policy: MediaPolicy | None,
    config: RunnableConfig | None,
    options: TranscribeKwargs,
) -> tuple[TranscriptionOptions, ChatGoogleGenerativeAI]:
    """Every argument checked before any I/O, and the model."""
    check_video_call(video, llm=llm, manager=manager, policy=policy, on_progress=on_progress)
    check_config(config)
    return make_options(**options), resolve_llm(llm)


def _run_sync(
    model: ChatGoogleGenerativeAI, run: WindowRun, config: RunnableConfig
) -> list[WindowOutcome]:
    plan = run.plan
    retries = current_retries()  # the window threads do not inherit the caller's context

    def call(request: WindowRequest) -> BaseMessage:
        with youtube_errors(plan.source.youtube_url):
            return invoke_model(
                model,
                request.messages,
                request.call_kwargs,
                doing=_DOING,
                retries=retries,
                config=config,
            )

    limit = concurrency_for(model, plan.options.max_concurrency, len(plan.requests))
    fan_out(call, plan.requests, run.receive, limit)
    return run.outcomes


async def _run_async(
    model: ChatGoogleGenerativeAI, run: WindowRun, config: RunnableConfig
) -> list[WindowOutcome]:
    plan = run.plan

    async def call(request: WindowRequest) -> BaseMessage:
        with youtube_errors(plan.source.youtube_url):
            return await ainvoke_model(
                model, request.messages, request.call_kwargs, doing=_DOING, config=config
            )

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
    config: RunnableConfig | None = None,
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
        config: LangChain ``RunnableConfig`` (callbacks, tags, metadata, ``run_name``): the call
            is traced as one ``transcribe_video`` chain run with every window's model run as
            its child; default the config in LangChain's context.
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
    checked, model = _checked(video, llm, on_progress, manager, policy, config, options)
    with chain_run(config, "transcribe_video", _inputs(video, options)) as run:
        prepared = prepare_video(video, policy=policy)
        check_bounds(checked, known_duration(prepared, checked))
        with routed_video(prepared, model, checked, manager=manager) as source:
            plan = plan_transcription(source, checked)
            outcomes = _run_sync(model, WindowRun(plan, on_progress), run.config)
        transcript = finish_transcription(plan, outcomes, fallback_model=model_name(model))
        run.output = transcript
    return transcript


async def atranscribe_video(
    video: MediaInput,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    on_progress: ProgressCallback | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
    config: RunnableConfig | None = None,
    **options: Unpack[TranscribeKwargs],
) -> Transcript:
    """Async twin of :func:`transcribe_video` (same arguments, result and errors)."""
    checked, model = _checked(video, llm, on_progress, manager, policy, config, options)
    async with achain_run(config, "transcribe_video", _inputs(video, options)) as run:
        prepared = await aprepare_video(video, policy=policy)
        check_bounds(checked, known_duration(prepared, checked))
        async with arouted_video(prepared, model, checked, manager=manager) as source:
            plan = plan_transcription(source, checked)
            outcomes = await _run_async(model, WindowRun(plan, on_progress), run.config)
        transcript = finish_transcription(plan, outcomes, fallback_model=model_name(model))
        run.output = transcript
    return transcript
