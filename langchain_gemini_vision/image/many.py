"""Many images without Batch Mode: one synchronous call per image, a bounded number at a time.

For interactive volumes (tens to hundreds) where waiting for a batch job is too slow. Each call
goes through ``ChatGoogleGenerativeAI``, so its rate limiter and retries apply; ``rate_limiter=``
and ``tokens_per_minute=`` pace just this run (``_core.pacing``), and with a rate limiter the
limiter, not ``max_concurrency``, sets the pace. Results come back in input order; an item that
fails holds its error in its slot and the other items are kept.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from langchain_core.rate_limiters import BaseRateLimiter
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import resolve_llm
from langchain_gemini_vision._core.fan_out import afan_out, concurrency_for, fan_out
from langchain_gemini_vision._core.item_result import ItemResult
from langchain_gemini_vision._core.pacing import Pacer, check_pacing
from langchain_gemini_vision._core.tracing import (
    RunnableConfig,
    achain_run,
    chain_run,
    check_config,
    media_label,
)
from langchain_gemini_vision._core.validate import (
    check_instance,
    check_int,
    check_keywords,
    check_llm,
)
from langchain_gemini_vision.errors import GeminiVisionError
from langchain_gemini_vision.image.captioning import acaption_image, caption_image
from langchain_gemini_vision.image.detection import Target, adetect_objects, detect_objects
from langchain_gemini_vision.media._arg_checks import check_media
from langchain_gemini_vision.media._prepare import MediaInput
from langchain_gemini_vision.types import CaptionResult, DetectionResult

DEFAULT_CONCURRENCY = 4
R = TypeVar("R")


#: Threads in flight at once at most (the tools and transcription use the same bound).
MAX_CONCURRENCY = 64
CAPTION_OPTIONS = frozenset(inspect.signature(caption_image).parameters) - {
    "images",
    "llm",
    "config",
}
PACING_OPTIONS = frozenset({"rate_limiter", "tokens_per_minute"})
DETECT_OPTIONS = frozenset(inspect.signature(detect_objects).parameters) - {
    "image",
    "target",
    "llm",
    "config",
}


def _check(
    where: str,
    images: object,
    llm: object,
    max_concurrency: object,
    options: dict[str, Any],
    allowed: frozenset[str],
    config: object = None,
) -> None:
    """Checked once up front: a wrong argument would otherwise fail every item the same way."""
    check_instance(images, "images", (list, tuple), "a list or tuple of images", optional=False)
    check_llm(llm)
    check_int(max_concurrency, "max_concurrency", low=1, high=MAX_CONCURRENCY)
    check_keywords(options, allowed | PACING_OPTIONS, where)
    check_pacing(options.get("rate_limiter"), options.get("tokens_per_minute"))
    check_config(config)


def _inputs(images: Sequence[MediaInput], target: Target | None = None) -> dict[str, Any]:
    """What a trace shows as the call's inputs: the images' names, never their bytes."""
    shown: dict[str, Any] = {"images": [media_label(image) for image in images]}
    return shown if target is None else {**shown, "target": target}


def _pacing(
    options: dict[str, Any], model: ChatGoogleGenerativeAI, limit: int, count: int
) -> tuple[Pacer, int]:
    """Take the pacing options out of ``options``: the pacer and the calls to keep in flight."""
    limiter: BaseRateLimiter | None = options.pop("rate_limiter", None)
    pacer = Pacer(limiter, options.pop("tokens_per_minute", None))
    return pacer, concurrency_for(model, limit, count, limiter)


def _run(
    call: Callable[[MediaInput], R], items: Sequence[MediaInput], paced: tuple[Pacer, int]
) -> list[ItemResult[R]]:
    pacer, limit = paced
    slots: list[ItemResult[R]] = [ItemResult(str(i), i) for i in range(len(items))]

    def one(index: int) -> ItemResult[R]:
        try:
            item = items[index]
            check_media(item, f"images[{index}]")  # named by its place in the whole list
            return ItemResult(str(index), index, result=pacer.run(lambda: call(item)))
        except GeminiVisionError as exc:  # our errors fill the slot; bugs still propagate
            return ItemResult(str(index), index, error=exc)

    def receive(index: int, outcome: ItemResult[R]) -> tuple[int, ...]:
        slots[index] = outcome
        return ()

    if items:
        fan_out(one, range(len(items)), receive, limit, thread_name_prefix="gemini-many")
    return slots


async def _arun(
    call: Callable[[MediaInput], Awaitable[R]],
    items: Sequence[MediaInput],
    paced: tuple[Pacer, int],
) -> list[ItemResult[R]]:
    pacer, limit = paced
    slots: list[ItemResult[R]] = [ItemResult(str(i), i) for i in range(len(items))]

    async def one(index: int) -> ItemResult[R]:
        try:
            item = items[index]
            check_media(item, f"images[{index}]")
            return ItemResult(str(index), index, result=await pacer.arun(lambda: call(item)))
        except GeminiVisionError as exc:
            return ItemResult(str(index), index, error=exc)

    def receive(index: int, outcome: ItemResult[R]) -> tuple[int, ...]:
        slots[index] = outcome
        return ()

    if items:
        await afan_out(one, range(len(items)), receive, limit)
    return slots


def caption_images(
    images: Sequence[MediaInput],
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
    config: RunnableConfig | None = None,
    **options: Any,
) -> list[ItemResult[CaptionResult]]:
    """Caption each image with its own call, at most ``max_concurrency`` at a time.

    Args:
        images: The images; each is captioned on its own.
        llm: The Gemini chat model (its rate limiter applies); built from the environment if
            omitted.
        max_concurrency: Calls in flight at once (with a rate limiter, up to 32: the limiter
            sets the pace).
        config: LangChain ``RunnableConfig``: the call is traced as one chain run with every
            image's model run as its child; default the config in LangChain's context.
        **options: Passed to :func:`~langchain_gemini_vision.caption_image` (``style``,
            ``prompt``, ``max_image_side``...), except ``rate_limiter`` (a LangChain
            ``BaseRateLimiter`` such as ``InMemoryRateLimiter``: requests per second for this
            run) and ``tokens_per_minute`` (a budget charged with each answer's token usage).

    Returns:
        One ``ItemResult`` per image, in input order; a failed image holds its error.

    Raises:
        InvalidRequestError: ``images`` not a list or tuple, ``max_concurrency`` outside
            [1, 64], an unknown option, or a wrong ``llm``.
    """
    _check("caption_images", images, llm, max_concurrency, options, CAPTION_OPTIONS, config)
    model = resolve_llm(llm)
    paced = _pacing(options, model, max_concurrency, len(images))
    with chain_run(config, "caption_images", _inputs(images)) as run:
        run.output = results = _run(
            lambda image: caption_image(image, llm=model, config=run.config, **options),
            images,
            paced,
        )
    return results


async def acaption_images(
    images: Sequence[MediaInput],
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
    config: RunnableConfig | None = None,
    **options: Any,
) -> list[ItemResult[CaptionResult]]:
    """Async twin of :func:`caption_images` (same arguments and result)."""
    _check("acaption_images", images, llm, max_concurrency, options, CAPTION_OPTIONS, config)
    model = resolve_llm(llm)
    paced = _pacing(options, model, max_concurrency, len(images))
    async with achain_run(config, "caption_images", _inputs(images)) as run:
        run.output = results = await _arun(
            lambda image: acaption_image(image, llm=model, config=run.config, **options),
            images,
            paced,
        )
    return results


def detect_objects_many(
    images: Sequence[MediaInput],
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
    config: RunnableConfig | None = None,
    **options: Any,
) -> list[ItemResult[DetectionResult]]:
    """Detect ``target`` in each image with its own call, at most ``max_concurrency`` at a time.

    Args:
        images: The images.
        target: What to find, as in :func:`~langchain_gemini_vision.detect_objects`.
        llm: The Gemini chat model; built from the environment if omitted.
        max_concurrency: Calls in flight at once (with a rate limiter, up to 32).
        config: LangChain ``RunnableConfig``: the call is traced as one chain run with every
            image's model run as its child; default the config in LangChain's context.
        **options: Passed to ``detect_objects`` (``max_objects``, ``with_masks``...), except
            ``rate_limiter`` and ``tokens_per_minute``, as in :func:`caption_images`.

    Returns:
        One ``ItemResult`` per image, in input order (boxes in each original's pixels).

    Raises:
        InvalidRequestError: ``images`` not a list or tuple, ``max_concurrency`` outside
            [1, 64], an unknown option, or a wrong ``llm``.
    """
    _check("detect_objects_many", images, llm, max_concurrency, options, DETECT_OPTIONS, config)
    model = resolve_llm(llm)
    paced = _pacing(options, model, max_concurrency, len(images))
    with chain_run(config, "detect_objects_many", _inputs(images, target)) as run:
        run.output = results = _run(
            lambda image: detect_objects(image, target, llm=model, config=run.config, **options),
            images,
            paced,
        )
    return results


async def adetect_objects_many(
    images: Sequence[MediaInput],
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
    config: RunnableConfig | None = None,
    **options: Any,
) -> list[ItemResult[DetectionResult]]:
    """Async twin of :func:`detect_objects_many` (same arguments and result)."""
    _check("adetect_objects_many", images, llm, max_concurrency, options, DETECT_OPTIONS, config)
    model = resolve_llm(llm)
    paced = _pacing(options, model, max_concurrency, len(images))
    async with achain_run(config, "detect_objects_many", _inputs(images, target)) as run:
        run.output = results = await _arun(
            lambda image: adetect_objects(image, target, llm=model, config=run.config, **options),
            images,
            paced,
        )
    return results
