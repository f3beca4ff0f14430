"""Object detection: labelled pixel boxes (and optional masks) for the image a person sees.

Shape (see PATTERNS.md #1): :func:`build_detection_request` (pure) -> one model call ->
:func:`parse_detections` (pure). :func:`detect_objects` and :func:`adetect_objects` differ only at
the call. This module holds the calls; the request side lives in ``image._detection_request``, the
answer side in ``image._detection_parsing`` (both re-exported here), geometry in
:mod:`langchain_gemini_vision.image.geometry`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.generation import ainvoke_model, invoke_model
from langchain_gemini_vision._core.tracing import RunnableConfig, check_config
from langchain_gemini_vision._core.validate import check_bool, check_int
from langchain_gemini_vision.image._detection_parsing import finish_detection, parse_detections
from langchain_gemini_vision.image._detection_request import (
    DEFAULT_MAX_OBJECTS,
    MAX_MAX_OBJECTS,
    DetectionRequest,
    Target,
    _check_max_objects,
    build_detection_request,
    default_label_for,
    detection_prompt,
    detection_schema,
    normalise_target,
)
from langchain_gemini_vision.image._imaging import (
    aprepare_images,
    arouted_images,
    image_limits,
    prepare_images,
    routed_images,
)
from langchain_gemini_vision.media._arg_checks import (
    check_image_call,
    check_image_size,
    check_media,
    check_target,
)
from langchain_gemini_vision.media._options import ImageSide, normalise_media_resolution
from langchain_gemini_vision.media._prepare import MediaInput, MediaPolicy, PreparedMedia
from langchain_gemini_vision.types import DetectionResult

__all__ = [
    "DEFAULT_MAX_OBJECTS",
    "MAX_MAX_OBJECTS",
    "DetectionRequest",
    "Target",
    "adetect_objects",
    "build_detection_request",
    "default_label_for",
    "detect_objects",
    "detection_prompt",
    "detection_schema",
    "finish_detection",
    "normalise_target",
    "parse_detections",
]


def _check_detect_args(
    image: object,
    target: object,
    max_objects: object,
    with_masks: object,
    image_size: object,
    config: object = None,
) -> None:
    """Check the arguments only detection takes (cheap type and range tests, no I/O)."""
    check_media(image, "image")
    check_target(target)
    check_int(max_objects, "max_objects", low=1, high=MAX_MAX_OBJECTS)
    check_bool(with_masks, "with_masks")
    check_image_size(image_size)
    check_config(config)


def _request_builder(
    target: Target,
    max_objects: int,
    with_masks: bool,
    media_resolution: str | None,
    image_size: tuple[int, int] | None,
) -> Callable[[PreparedMedia], DetectionRequest]:
    """Check the options before any I/O; return the builder of the request for the image."""
    normalise_target(target)
    _check_max_objects(max_objects)
    normalise_media_resolution(media_resolution)
    return functools.partial(
        build_detection_request,
        target=target,
        max_objects=max_objects,
        with_masks=with_masks,
        media_resolution=media_resolution,
        image_size=image_size,
    )


def detect_objects(
    image: MediaInput,
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    with_masks: bool = False,
    max_image_side: ImageSide = None,
    media_resolution: str | None = None,
    image_size: tuple[int, int] | None = None,
    policy: MediaPolicy | None = None,
    config: RunnableConfig | None = None,
) -> DetectionResult:
    """Find objects in an image and return their boxes in pixels of the upright original.

    Args:
        image: Path, URL, bytes, PIL image, ``data:`` URI or File API file.
        target: What to find: free text ("the red car") or a list of labels.
        llm: The Gemini chat model; built from the environment when omitted.
        max_objects: At most this many objects are asked for (default 25).
        with_masks: Also return segmentation masks (in image pixel space).
        max_image_side: Downscale before sending so the longest side is at most this; boxes are
            still returned in the original's pixels. None (default): the model's budget at
            ``media_resolution`` (Gemini 3+; see :func:`caption_image`). ``"original"``: as is.
        media_resolution: ``"low"``, ``"medium"``, ``"high"`` or ``"ultra_high"`` (Gemini 3+).
        image_size: ``(width, height)``, only for File API images whose pixels are not local.
        policy: Trust policy for reading ``image`` (tools pass theirs); default permissive.
        config: LangChain ``RunnableConfig`` for the model call (callbacks, tags, metadata,
            ``run_name``); default the one in LangChain's context.

    Returns:
        A ``DetectionResult``; zero objects is a valid, empty result.

    Raises:
        InvalidRequestError: Empty target or bad option (before any request).
        UnsupportedMediaError: ``image`` is not a readable image.
        MediaAccessError: ``image`` is refused by the policy or cannot be fetched.
        ResponseBlockedError: Gemini blocked the request or answer.
        ResponseParseError: The answer cannot be parsed (``raw_text`` holds it).
    """
    _check_detect_args(image, target, max_objects, with_masks, image_size, config)
    check_image_call(
        llm=llm, media_resolution=media_resolution, max_image_side=max_image_side, policy=policy
    )
    build = _request_builder(target, max_objects, with_masks, media_resolution, image_size)
    model = resolve_llm(llm)
    side, pixels = image_limits(max_image_side, model, media_resolution)
    prepared = prepare_images([image], policy=policy, max_image_side=side, max_image_pixels=pixels)
    with routed_images(prepared, model) as ready:
        request = build(ready[0])
        message = invoke_model(
            model, request.messages, request.call_kwargs, doing="detect objects", config=config
        )
    return finish_detection(message, request, fallback_model=model_name(model))


async def adetect_objects(
    image: MediaInput,
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    with_masks: bool = False,
    max_image_side: ImageSide = None,
    media_resolution: str | None = None,
    image_size: tuple[int, int] | None = None,
    policy: MediaPolicy | None = None,
    config: RunnableConfig | None = None,
) -> DetectionResult:
    """Async twin of :func:`detect_objects` (same arguments, result and errors)."""
    _check_detect_args(image, target, max_objects, with_masks, image_size, config)
    check_image_call(
        llm=llm, media_resolution=media_resolution, max_image_side=max_image_side, policy=policy
    )
    build = _request_builder(target, max_objects, with_masks, media_resolution, image_size)
    model = resolve_llm(llm)
    side, pixels = image_limits(max_image_side, model, media_resolution)
    prepared = await aprepare_images(
        [image], policy=policy, max_image_side=side, max_image_pixels=pixels
    )
    async with arouted_images(prepared, model) as ready:
        request = build(ready[0])
        message = await ainvoke_model(
            model, request.messages, request.call_kwargs, doing="detect objects", config=config
        )
    return finish_detection(message, request, fallback_model=model_name(model))
