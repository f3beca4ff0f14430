"""YouTube summaries with timestamped, clickable chapters.

Gemini reads a public YouTube video from its watch URL (``fileData.fileUri``), one video per
request. Links are canonicalised and refused *before* any request (``media._youtube_url``); the
request carries exactly one ``fileData`` part with the canonical URL (no MIME type) and
``videoMetadata`` offsets from ``t=`` / ``start=`` or the caller's ``start``/``end``. Chapter times
go through the same clock normalisation and validation as transcripts (``video._windows``), and
each chapter gets a deep link ``https://www.youtube.com/watch?v=<id>&t=<s>s``. The API does not
report a YouTube video's length: a ``duration_s`` hint lets chapter times be checked against the
end (without it, ``warnings`` says they could not be).

Transcripts of YouTube videos: :func:`langchain_gemini_vision.transcribe_video` accepts YouTube
links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.generation import ainvoke_model, invoke_model
from langchain_gemini_vision._core.response import read_reply
from langchain_gemini_vision._core.tracing import RunnableConfig, check_config
from langchain_gemini_vision._core.validate import check_llm, show
from langchain_gemini_vision.errors import InvalidRequestError, InvalidYouTubeURLError
from langchain_gemini_vision.media._prepare import PreparedMedia
from langchain_gemini_vision.media._youtube_url import YouTubeRef, deep_link, parse_youtube_url
from langchain_gemini_vision.types import Chapter, VideoSummary, format_timestamp
from langchain_gemini_vision.video._clock_mix import normalise_mixed_clock
from langchain_gemini_vision.video._options import (
    ClipKwargs,
    Unpack,
    check_bounds,
    clip_metadata,
    clip_span,
    fps_for_one_request,
    make_clip_options,
    unknown_duration_note,
)
from langchain_gemini_vision.video._source import youtube_errors
from langchain_gemini_vision.video._transcript_parsing import (
    CHAPTERS_SCHEMA,
    RawChapter,
    parse_chapters_answer,
)
from langchain_gemini_vision.video._windows import RawSegment, validate_segments

__all__ = [
    "SummaryStyle",
    "YouTubeSummaryRequest",
    "asummarize_youtube",
    "build_summary_request",
    "finish_summary",
    "summarize_youtube",
]

SummaryStyle = Literal["brief", "detailed", "bullets", "chapters"]
_DOING = "summarize a YouTube video"

STYLE_PROMPTS: dict[str, str] = {
    "brief": "In 'summary', summarize the video in two or three sentences.",
    "detailed": (
        "In 'summary', write a detailed summary of the video in a few paragraphs: the main "
        "points, arguments, examples and conclusions, in the order they appear."
    ),
    "bullets": (
        "In 'summary', summarize the video as 5 to 10 markdown bullet points ('- '), one key "
        "point each, in the order they appear."
    ),
    "chapters": (
        "Focus on the chapters: give a chapter for every distinct topic or scene, each with a "
        "two-sentence summary. In 'summary', give a one-sentence overview."
    ),
}


@dataclass(frozen=True)
class YouTubeSummaryRequest:
    """One summary request for one YouTube video.

    Attributes:
        start_s: Start of the part summarized (the link's ``t=`` unless ``start`` was given).
        end_s: End of the part summarized: ``end``, else the ``duration_s`` hint, else None.
        clipped: Whether offsets are sent.
        warnings: Notes made while building (a lowered fps, an unknown duration).
    """

    ref: YouTubeRef
    style: str
    start_s: float | None
    end_s: float | None
    messages: list[BaseMessage]
    call_kwargs: dict[str, Any] = field(default_factory=dict)
    clipped: bool = False
    warnings: list[str] = field(default_factory=list)


def build_summary_request(
    url: str, *, style: str = "brief", **options: Unpack[ClipKwargs]
) -> YouTubeSummaryRequest:
    """Canonicalise the link and build the request (pure; nothing is sent).

    Raises:
        InvalidYouTubeURLError: Not a link to one YouTube video.
        InvalidRequestError: Unknown style, bad offsets, fps or duration, offsets past
            ``duration_s``, or a video too long for one request at the fps given.
    """
    if not isinstance(url, str):
        raise InvalidYouTubeURLError(
            f"url must be a link to one YouTube video (a string); got {show(url)}."
        )
    ref = parse_youtube_url(url)
    if not isinstance(style, str) or style not in STYLE_PROMPTS:
        raise InvalidRequestError(f"Unknown style {style!r}; use one of {sorted(STYLE_PROMPTS)}.")
    clip = make_clip_options(**options)
    check_bounds(clip, clip.duration_s, link_start_s=ref.start_s or 0.0)
    lo, hi = clip_span(clip, ref.start_s, clip.duration_s)
    if clip.start_s is None and clip.end_s is not None and clip.end_s <= lo:
        raise InvalidRequestError(
            f"end ({format_timestamp(clip.end_s)}) must be after the link's start "
            f"({format_timestamp(lo)})."
        )
    fps, warnings = fps_for_one_request(None if hi is None else hi - lo, clip)
    warnings[:0] = ref.warnings  # an ignored t= in the link
    if hi is None:
        warnings.append(unknown_duration_note("chapter times"))
    clipped = lo > 0 or clip.end_s is not None
    media = PreparedMedia("youtube", "", ref.canonical_url, file_uri=ref.canonical_url)
    block = media.to_block(
        video_metadata=clip_metadata(lo, clip.end_s, clipped, fps),
        media_resolution=clip.media_resolution,
    )
    lines = [
        STYLE_PROMPTS[style],
        "In 'chapters', list the video's chapters in chronological order, each with 'start' "
        "(MM:SS, or H:MM:SS from one hour on), a short 'title' and a one- or two-sentence "
        "'summary'. The first chapter starts where the video (or the part provided) starts.",
    ]
    if clipped:
        until = f"to {format_timestamp(clip.end_s)}" if clip.end_s is not None else "onwards"
        lines.append(
            f"Only the part of the video from {format_timestamp(lo)} {until} is "
            "provided; give chapter times on the full video's clock."
        )
    if clip.language:
        lines.append(f"Write in {clip.language}.")
    lines.append("Never give a time past the end of the video.")
    return YouTubeSummaryRequest(
        ref=ref,
        style=style,
        start_s=lo or None,
        end_s=hi,
        messages=[HumanMessage(content=[block, {"type": "text", "text": "\n".join(lines)}])],
        call_kwargs={
            "response_mime_type": "application/json",
            "response_json_schema": CHAPTERS_SCHEMA,
        },
        clipped=clipped,
        warnings=warnings,
    )


def _chapters(
    raw: list[RawChapter], request: YouTubeSummaryRequest, warnings: list[str]
) -> list[Chapter]:
    """Chapters on the video's clock, validated like transcript segments, with deep links."""
    lo = request.start_s or 0.0
    # Title and summary ride along as a segment's text and visual through the shared checks.
    segments = [RawSegment(c.start_s, None, c.title, visual=c.summary) for c in raw]
    if request.clipped:
        segments, notes = normalise_mixed_clock(segments, lo, request.end_s, label="chapters")
        warnings.extend(notes)
    label = "clip" if request.clipped else "video"
    checked = validate_segments(segments, lo, request.end_s, label=label, default_last_s=0.0)
    warnings.extend(f"chapters: {r}" for r in checked.repairs)
    chapters: list[Chapter] = []
    for i, seg in enumerate(checked.segments):
        nxt = checked.segments[i + 1].start_s if i + 1 < len(checked.segments) else request.end_s
        chapters.append(
            Chapter(
                start_s=seg.start_s,
                title=seg.text,
                summary=seg.visual or "",
                end_s=nxt,
                url=deep_link(request.ref.video_id, seg.start_s),
            )
        )
    return chapters


def _render_chapters(chapters: list[Chapter]) -> str:
    return "\n".join(
        f"[{format_timestamp(c.start_s)}] {c.title}" + (f": {c.summary}" if c.summary else "")
        for c in chapters
    )


def finish_summary(
    message: BaseMessage, request: YouTubeSummaryRequest, *, fallback_model: str = ""
) -> VideoSummary:
    """Read the answer into a ``VideoSummary`` with validated, deep-linked chapters (pure).

    Raises:
        ResponseBlockedError: The answer was blocked.
        ResponseParseError: The answer was empty.
    """
    reply = read_reply(message, fallback_model=fallback_model)
    parsed = parse_chapters_answer(reply.text)
    warnings = [*request.warnings, *parsed.repairs]
    if reply.truncated:
        warnings.append("the answer was cut off by the output token limit (MAX_TOKENS)")
    chapters = _chapters(parsed.chapters, request, warnings)
    text = parsed.summary.strip()
    if not text or request.style == "chapters":
        rendered = _render_chapters(chapters)
        text = f"{text}\n\n{rendered}".strip() if rendered else text
    url = deep_link(request.ref.video_id, request.start_s if request.start_s else None)
    return VideoSummary(
        text=text,
        chapters=chapters,
        video_id=request.ref.video_id,
        url=url,
        model=reply.model,
        usage=reply.usage,
        warnings=warnings,
    )


def summarize_youtube(
    url: str,
    *,
    style: SummaryStyle = "brief",
    llm: ChatGoogleGenerativeAI | None = None,
    config: RunnableConfig | None = None,
    **options: Unpack[ClipKwargs],
) -> VideoSummary:
    """Summarize a public YouTube video, with timestamped chapters and deep links.

    Args:
        url: Any link to one YouTube video (watch, youtu.be, shorts, live, embed, mobile,
            no-cookie); ``t=`` / ``start=`` in it becomes the start offset.
        style: ``"brief"`` (2-3 sentences), ``"detailed"``, ``"bullets"`` or ``"chapters"``.
        llm: The Gemini chat model; built from the environment when omitted.
        config: LangChain ``RunnableConfig`` for the model call (callbacks, tags, metadata,
            ``run_name``); default the one in LangChain's context.
        **options: Keyword options (:class:`~langchain_gemini_vision.video._options.ClipKwargs`):

            - ``start``: start of the part to summarize (seconds, ``"MM:SS"``, ``"H:MM:SS"``);
              overrides ``t=``.
            - ``end``: end of the part to summarize.
            - ``fps``: frames sampled per second, in (0, 24].
            - ``media_resolution``: ``"low"``, ``"medium"`` or ``"high"``.
            - ``language``: write the summary in this language.
            - ``duration_s``: the video's length (the API does not report it for YouTube):
              chapter times are then checked against the end, offsets past it are refused, and
              a video too long for one request at 1 fps is sampled at a lower fps. Without it,
              ``warnings`` says chapter times could not be checked against the end.

    Returns:
        A ``VideoSummary`` whose chapters are in order, inside the part summarized, each with a
        ``&t=<s>s`` deep link.

    Raises:
        InvalidYouTubeURLError: Not a link to one video (refused before any request).
        InvalidRequestError: Unknown style, bad offsets, fps or duration.
        MediaAccessError: Gemini could not read the video (private, unlisted, age-restricted,
            live...).
        ResponseBlockedError: The answer was blocked.
    """
    check_llm(llm)
    check_config(config)
    request = build_summary_request(url, style=style, **options)
    model = resolve_llm(llm)
    with youtube_errors(request.ref.canonical_url):
        message = invoke_model(
            model, request.messages, request.call_kwargs, doing=_DOING, config=config
        )
    return finish_summary(message, request, fallback_model=model_name(model))


async def asummarize_youtube(
    url: str,
    *,
    style: SummaryStyle = "brief",
    llm: ChatGoogleGenerativeAI | None = None,
    config: RunnableConfig | None = None,
    **options: Unpack[ClipKwargs],
) -> VideoSummary:
    """Async twin of :func:`summarize_youtube` (same arguments, result and errors)."""
    check_llm(llm)
    check_config(config)
    request = build_summary_request(url, style=style, **options)
    model = resolve_llm(llm)
    with youtube_errors(request.ref.canonical_url):
        message = await ainvoke_model(
            model, request.messages, request.call_kwargs, doing=_DOING, config=config
        )
    return finish_summary(message, request, fallback_model=model_name(model))
