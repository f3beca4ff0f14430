"""Image captioning: describe one or several images, or answer a prompt about them.

Shape (see PATTERNS.md #1): :func:`build_caption_request` (pure) -> one model call ->
:func:`finish_caption` (pure). :func:`caption_image` and :func:`acaption_image` differ only at the
call. Images go first, in the order given, and the prompt after them (the vision guide's advice).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.generation import ainvoke_model, invoke_model
from langchain_gemini_vision._core.response import read_reply
from langchain_gemini_vision._core.tracing import RunnableConfig, check_config
from langchain_gemini_vision._core.validate import check_text
from langchain_gemini_vision.errors import InvalidRequestError, ResponseParseError
from langchain_gemini_vision.image._imaging import (
    aprepare_images,
    arouted_images,
    check_image_count,
    check_inline_total,
    image_limits,
    prepare_images,
    routed_images,
)
from langchain_gemini_vision.media._arg_checks import check_image_call, check_media_list
from langchain_gemini_vision.media._options import ImageSide, normalise_media_resolution
from langchain_gemini_vision.media._prepare import MediaInput, MediaPolicy, PreparedMedia
from langchain_gemini_vision.types import CaptionResult, SentImage

CaptionStyle = Literal["one_line", "detailed", "alt_text", "transcribe"]
"""Preset prompts: a one-line caption, a detailed description, accessible alt text, or a
description that also transcribes all visible text."""

STYLE_PROMPTS: dict[str, str] = {
    "one_line": (
        "Write a one-line caption (at most 20 words) for {what}. Answer with the caption only."
    ),
    "detailed": (
        "Describe {what} in detail: the main subjects, their actions and positions, the setting, "
        "notable colours and any visible text. Use plain prose, no headings."
    ),
    "alt_text": (
        "Write alt text for {what} for a screen reader user: one or two sentences, at most 125 "
        "characters each, describing what matters; do not start with 'Image of'. Answer with the "
        "alt text only."
    ),
    "transcribe": (
        "Describe {what} in two or three sentences, then transcribe all visible text exactly as "
        "written, line by line, under the heading 'Text:'. Write 'Text: (none)' if there is no "
        "text."
    ),
}
DEFAULT_STYLE: CaptionStyle = "detailed"
TRUNCATED_WARNING = (
    "the caption was cut off by the output token limit (MAX_TOKENS); raise max_output_tokens "
    "for the full text"
)
"""The warning a ``CaptionResult`` carries when the answer hit the output token limit."""


@dataclass(frozen=True)
class CaptionRequest:
    """The messages and per-call options of one captioning call."""

    messages: list[BaseMessage]
    call_kwargs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sent_images: list[SentImage] = field(default_factory=list)


def as_image_list(images: MediaInput | Sequence[MediaInput]) -> list[MediaInput]:
    """One image or a sequence of images -> a list (a str, bytes or path is one image).

    Args:
        images: One image reference or a sequence of them.

    Returns:
        The references as a list, in their order.
    """
    if isinstance(images, str | bytes | bytearray | memoryview | os.PathLike):
        return [images]  # type: ignore[list-item]  # bytearray/memoryview are read as bytes
    if isinstance(images, Sequence):
        # bytes were handled above, so this is a sequence of references, not of ints.
        return list(cast("Sequence[MediaInput]", images))
    return [images]


def caption_prompt(count: int, *, prompt: str | None, style: str) -> str:
    """The text sent after the images.

    Args:
        count: How many images precede the text (several get numbered answers).
        prompt: The caller's own instruction; wins over ``style`` when not blank.
        style: A key of ``STYLE_PROMPTS``, used when there is no prompt.

    Returns:
        The prompt text.

    Raises:
        InvalidRequestError: No prompt and an unknown style.
    """
    if prompt is not None and prompt.strip():
        text = prompt.strip()
        if count > 1:
            return f"The {count} images above are in order (image 1 first). {text}"
        return text
    if style not in STYLE_PROMPTS:
        raise InvalidRequestError(
            f"Unknown caption style {style!r}; use one of {sorted(STYLE_PROMPTS)} or pass prompt=."
        )
    what = "this image" if count == 1 else f"each of the {count} images above (in order)"
    text = STYLE_PROMPTS[style].format(what=what)
    if count > 1:
        text += " Number the answers 'Image 1:', 'Image 2:' and so on."
    return text


def build_caption_request(
    prepared: Sequence[PreparedMedia],
    *,
    prompt: str | None = None,
    style: str = DEFAULT_STYLE,
    media_resolution: str | None = None,
) -> CaptionRequest:
    """Build a captioning call (pure): every image in order, then the prompt.

    Args:
        prepared: The images, ready to send (inline data or File API URIs).
        prompt: The caller's own instruction; overrides ``style``.
        style: A key of ``STYLE_PROMPTS``.
        media_resolution: ``"low"``, ``"medium"``, ``"high"`` or ``"ultra_high"`` (Gemini 3+).

    Returns:
        The messages to send and the preparation notes to carry into ``warnings``.

    Raises:
        InvalidRequestError: No images, too many, an unknown style or resolution.
    """
    check_image_count(len(prepared))
    resolution = normalise_media_resolution(media_resolution)
    text = caption_prompt(len(prepared), prompt=prompt, style=style)
    content: list[str | dict[str, Any]] = [
        p.to_block(media_resolution=resolution) for p in prepared
    ]
    content.append({"type": "text", "text": text})
    warnings = [f"{p.source}: {r}" if len(prepared) > 1 else r for p in prepared for r in p.repairs]
    sent = [image for image in (p.sent_image() for p in prepared) if image is not None]
    return CaptionRequest(
        messages=[HumanMessage(content=content)], warnings=warnings, sent_images=sent
    )


def finish_caption(
    message: BaseMessage, request: CaptionRequest, *, fallback_model: str = ""
) -> CaptionResult:
    """Read a model reply into a ``CaptionResult`` (pure).

    Args:
        message: The model's reply.
        request: The request it answers (its warnings are carried over).
        fallback_model: Model name to report when the reply does not name one.

    Returns:
        The caption, model, token usage and warnings (a cut-off caption is kept and flagged).

    Raises:
        ResponseBlockedError: The answer was blocked.
        ResponseParseError: The model returned no text at all.
    """
    reply = read_reply(message, fallback_model=fallback_model)
    text = reply.text.strip()
    warnings = list(request.warnings)
    if reply.truncated:
        warnings.append(TRUNCATED_WARNING)
    if not text and not reply.truncated:
        raise ResponseParseError(
            f"The model returned an empty caption (finish reason {reply.finish_reason or '?'}).",
            raw_text=reply.text,
        )
    return CaptionResult(
        text=text,
        model=reply.model,
        usage=reply.usage,
        warnings=warnings,
        sent_images=request.sent_images,
    )


def _check_caption_args(
    images: object, prompt: object, style: object, config: object = None
) -> list[MediaInput]:
    """Check every argument of a captioning call (cheap type and range tests, no I/O)."""
    refs = as_image_list(images)  # type: ignore[arg-type]  # checked just below
    check_media_list(refs, "images")
    check_config(config)
    if prompt is not None and not isinstance(prompt, str):
        check_text(prompt, "prompt")
    if not isinstance(style, str):
        raise InvalidRequestError(
            f"Unknown caption style {style!r}; use one of {sorted(STYLE_PROMPTS)} or pass prompt=."
        )
    return refs


def _request_builder(
    images: list[MediaInput], style: str, prompt: str | None, media_resolution: str | None
) -> Callable[[Sequence[PreparedMedia]], CaptionRequest]:
    """Check the arguments before any I/O; return the builder of the request for the images."""
    check_image_count(len(images))
    normalise_media_resolution(media_resolution)
    if (prompt is None or not prompt.strip()) and style not in STYLE_PROMPTS:
        raise InvalidRequestError(
            f"Unknown caption style {style!r}; use one of {sorted(STYLE_PROMPTS)} or pass prompt=."
        )
    return functools.partial(
        build_caption_request, prompt=prompt, style=style, media_resolution=media_resolution
    )


def caption_image(
    images: MediaInput | Sequence[MediaInput],
    *,
    prompt: str | None = None,
    style: CaptionStyle = DEFAULT_STYLE,
    llm: ChatGoogleGenerativeAI | None = None,
    media_resolution: str | None = None,
    max_image_side: ImageSide = None,
    policy: MediaPolicy | None = None,
    config: RunnableConfig | None = None,
) -> CaptionResult:
    """Caption one or several images, or answer ``prompt`` about them.

    Args:
        images: One image (path, URL, bytes, PIL image, ``data:`` URI, File API file) or a list
            of them; their order is kept.
        prompt: Your own instruction; overrides ``style``.
        style: ``"one_line"``, ``"detailed"`` (default), ``"alt_text"`` or ``"transcribe"``
            (description plus all visible text).
        llm: The Gemini chat model; built from the environment when omitted.
        media_resolution: ``"low"``, ``"medium"``, ``"high"`` or ``"ultra_high"`` (Gemini 3+;
            older models ignore it).
        max_image_side: Downscale images before sending so the longest side is at most this.
            None (default): for Gemini 3+ models, images larger than the model can use at
            ``media_resolution`` are downscaled to that budget (about 2.56 MP at high; see
            docs/detection-geometry.md); other models get them as they are. ``"original"``: never
            downscale.
        policy: Trust policy for reading the images (tools pass theirs); default permissive.
        config: LangChain ``RunnableConfig`` for the model call (callbacks, tags, metadata,
            ``run_name``); default the one in LangChain's context.

    Returns:
        A ``CaptionResult`` with the text, model and token usage.

    Raises:
        InvalidRequestError: No images, more than 3,600, or an unknown style (before any I/O).
        UnsupportedMediaError: An input is not a readable image.
        MediaAccessError: An input is refused by the policy or cannot be fetched.
        MediaTooLargeError: The images together exceed the 20 MB inline limit.
        ResponseBlockedError: Gemini blocked the request or answer.
    """
    refs = _check_caption_args(images, prompt, style, config)
    check_image_call(
        llm=llm, media_resolution=media_resolution, max_image_side=max_image_side, policy=policy
    )
    build = _request_builder(refs, style, prompt, media_resolution)
    model = resolve_llm(llm)
    side, pixels = image_limits(max_image_side, model, media_resolution)
    prepared = prepare_images(refs, policy=policy, max_image_side=side, max_image_pixels=pixels)
    check_inline_total(prepared)
    with routed_images(prepared, model) as ready:
        request = build(ready)
        message = invoke_model(
            model, request.messages, request.call_kwargs, doing="caption images", config=config
        )
    return finish_caption(message, request, fallback_model=model_name(model))


async def acaption_image(
    images: MediaInput | Sequence[MediaInput],
    *,
    prompt: str | None = None,
    style: CaptionStyle = DEFAULT_STYLE,
    llm: ChatGoogleGenerativeAI | None = None,
    media_resolution: str | None = None,
    max_image_side: ImageSide = None,
    policy: MediaPolicy | None = None,
    config: RunnableConfig | None = None,
) -> CaptionResult:
    """Async twin of :func:`caption_image` (same arguments, result and errors)."""
    refs = _check_caption_args(images, prompt, style, config)
    check_image_call(
        llm=llm, media_resolution=media_resolution, max_image_side=max_image_side, policy=policy
    )
    build = _request_builder(refs, style, prompt, media_resolution)
    model = resolve_llm(llm)
    side, pixels = image_limits(max_image_side, model, media_resolution)
    prepared = await aprepare_images(
        refs, policy=policy, max_image_side=side, max_image_pixels=pixels
    )
    check_inline_total(prepared)
    async with arouted_images(prepared, model) as ready:
        request = build(ready)
        message = await ainvoke_model(
            model, request.messages, request.call_kwargs, doing="caption images", config=config
        )
    return finish_caption(message, request, fallback_model=model_name(model))
