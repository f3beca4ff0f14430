"""Free-form questions about a video: summaries, quizzes, "what happens at 01:05?".

Same shape as the other capabilities (PATTERNS.md #1): :func:`build_question_request` and
:func:`finish_answer` are pure; :func:`analyze_video` and :func:`aanalyze_video` differ only at the
model call. The video goes in one request: when it would not fit at 1 fps, a lower frame rate is
chosen (and noted in ``warnings``) rather than failing; the question is sent as written, because
MM:SS references are what the model understands best.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.generation import ainvoke_model, invoke_model
from langchain_gemini_vision._core.response import read_reply
from langchain_gemini_vision._core.tracing import RunnableConfig, check_config
from langchain_gemini_vision._core.validate import show
from langchain_gemini_vision.errors import InvalidRequestError, ResponseParseError
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._arg_checks import check_video_call
from langchain_gemini_vision.media._prepare import MediaInput, MediaPolicy
from langchain_gemini_vision.types import CaptionResult
from langchain_gemini_vision.video._options import (
    ClipOptions,
    Unpack,
    VideoKwargs,
    check_bounds,
    clip_metadata,
    clip_span,
    clip_text,
    fps_for_one_request,
    make_clip_options,
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

__all__ = [
    "QuestionRequest",
    "aanalyze_video",
    "analyze_video",
    "build_question_request",
    "check_question",
    "finish_answer",
]


@dataclass(frozen=True)
class QuestionRequest:
    """One free-form question about a video."""

    messages: list[BaseMessage]
    warnings: list[str]


def check_question(question: str) -> str:
    """The question without surrounding blanks.

    Raises:
        InvalidRequestError: The question is empty.
    """
    if not isinstance(question, str) or not question.strip():
        raise InvalidRequestError(
            f"question must be a non-empty string; got {show(question)}. Ask what you want to "
            "know about the video."
        )
    return question.strip()


def build_question_request(
    source: VideoSource, question: str, options: ClipOptions
) -> QuestionRequest:
    """The request for :func:`analyze_video` (pure); lowers fps when the video would not fit.

    Raises:
        InvalidRequestError: Empty question, offsets past the end, or a video too long for one
            request at the fps the caller fixed.
    """
    text = check_question(question)
    link_start = source.youtube.start_s if source.youtube is not None else None
    check_bounds(options, source.duration_s, link_start_s=link_start or 0.0)
    lo, hi = clip_span(options, link_start, source.duration_s)
    fps, notes = fps_for_one_request(None if hi is None else hi - lo, options)
    clipped = lo > 0 or (hi is not None and hi != source.duration_s)
    block = source.media.to_block(
        video_metadata=clip_metadata(lo, hi, clipped, fps),
        media_resolution=options.media_resolution,
    )
    if clipped:
        text = f"{text}\n\n({clip_text(lo, hi)})"
    if options.language:
        text = f"{text}\n\nAnswer in {options.language}."
    return QuestionRequest(
        [HumanMessage(content=[block, {"type": "text", "text": text}])],
        [*source.media.repairs, *source.notes, *notes],
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
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
    config: RunnableConfig | None = None,
    **options: Unpack[VideoKwargs],
) -> CaptionResult:
    """Ask a free-form question about a video: a summary, a quiz, "what happens at 01:05?".

    Args:
        video: Same forms as :func:`~langchain_gemini_vision.transcribe_video`.
        question: Sent as written after the video; refer to moments as MM:SS.
        llm: The Gemini chat model; built from the environment when omitted.
        manager: A ``GeminiFileManager`` to upload/poll with.
        policy: Trust policy for reading the video; default permissive.
        config: LangChain ``RunnableConfig`` for the model call (callbacks, tags, metadata,
            ``run_name``); default the one in LangChain's context.
        **options: Keyword options (:class:`~langchain_gemini_vision.video._options.VideoKwargs`):
            ``start`` / ``end`` (only look at that part: seconds, ``"MM:SS"``, ``"H:MM:SS"``),
            ``fps`` (in (0, 24]; when omitted and the video would not fit one request at 1 fps,
            a lower rate is chosen and noted in ``warnings``), ``media_resolution``,
            ``language`` (answer in it), ``duration_s`` (the length of a YouTube or ``gs://``
            video, so offsets are checked and fps fitted) and ``keep_upload`` (keep an upload
            for the next question instead of deleting it; asking again about the same file then
            reuses it).

    Returns:
        A ``CaptionResult`` holding the answer, model, usage and warnings.

    Raises:
        InvalidRequestError: Empty question, bad offsets or fps, or a video too long for one
            request.
        UnsupportedMediaError: Not a video.
        MediaAccessError: Refused, unreadable, or a YouTube video Gemini cannot read.
    """
    check_video_call(video, llm=llm, manager=manager, policy=policy)
    check_config(config)
    clip = make_clip_options(**options)
    check_question(question)
    model = resolve_llm(llm)
    prepared = prepare_video(video, policy=policy)
    check_bounds(clip, known_duration(prepared, clip))
    with routed_video(prepared, model, clip, manager=manager) as source:
        request = build_question_request(source, question, clip)
        with youtube_errors(source.youtube_url):
            message = invoke_model(
                model, request.messages, doing="answer a question about a video", config=config
            )
    return finish_answer(message, request, fallback_model=model_name(model))


async def aanalyze_video(
    video: MediaInput,
    question: str,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    manager: GeminiFileManager | None = None,
    policy: MediaPolicy | None = None,
    config: RunnableConfig | None = None,
    **options: Unpack[VideoKwargs],
) -> CaptionResult:
    """Async twin of :func:`analyze_video` (same arguments, result and errors)."""
    check_video_call(video, llm=llm, manager=manager, policy=policy)
    check_config(config)
    clip = make_clip_options(**options)
    check_question(question)
    model = resolve_llm(llm)
    prepared = await aprepare_video(video, policy=policy)
    check_bounds(clip, known_duration(prepared, clip))
    async with arouted_video(prepared, model, clip, manager=manager) as source:
        request = build_question_request(source, question, clip)
        with youtube_errors(source.youtube_url):
            message = await ainvoke_model(
                model, request.messages, doing="answer a question about a video", config=config
            )
    return finish_answer(message, request, fallback_model=model_name(model))
