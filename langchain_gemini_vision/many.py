"""Many images without Batch Mode: one synchronous call per image, a bounded number at a time.

For interactive volumes (tens to hundreds) where waiting for a batch job is too slow. Each call
goes through ``ChatGoogleGenerativeAI``, so its rate limiter and retries apply. Results come back
in input order; an item that fails holds its error in its slot and the other items are kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from langchain_google_genai import ChatGoogleGenerativeAI

from ._client import resolve_llm
from ._fan_out import afan_out, fan_out
from ._item_result import ItemResult
from ._media import MediaInput
from .captioning import acaption_image, caption_image
from .detection import Target, adetect_objects, detect_objects
from .errors import GeminiVisionError, InvalidRequestError
from .types import CaptionResult, DetectionResult

DEFAULT_CONCURRENCY = 4
R = TypeVar("R")


def _check(max_concurrency: int) -> None:
    if max_concurrency < 1:
        raise InvalidRequestError(f"max_concurrency must be at least 1, got {max_concurrency}.")


def _run(
    call: Callable[[MediaInput], R], items: Sequence[MediaInput], limit: int
) -> list[ItemResult[R]]:
    _check(limit)
    slots: list[ItemResult[R]] = [ItemResult(str(i), i) for i in range(len(items))]

    def one(index: int) -> ItemResult[R]:
        try:
            return ItemResult(str(index), index, result=call(items[index]))
        except GeminiVisionError as exc:  # our errors fill the slot; bugs still propagate
            return ItemResult(str(index), index, error=exc)

    def receive(index: int, outcome: ItemResult[R]) -> tuple[int, ...]:
        slots[index] = outcome
        return ()

    if items:
        fan_out(one, range(len(items)), receive, limit, thread_name_prefix="gemini-many")
    return slots


async def _arun(
    call: Callable[[MediaInput], Awaitable[R]], items: Sequence[MediaInput], limit: int
) -> list[ItemResult[R]]:
    _check(limit)
    slots: list[ItemResult[R]] = [ItemResult(str(i), i) for i in range(len(items))]

    async def one(index: int) -> ItemResult[R]:
        try:
            return ItemResult(str(index), index, result=await call(items[index]))
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
    **options: Any,
) -> list[ItemResult[CaptionResult]]:
    """Caption each image with its own call, at most ``max_concurrency`` at a time.

    Args:
        images: The images; each is captioned on its own.
        llm: The Gemini chat model (its rate limiter applies); built from the environment if
            omitted.
        max_concurrency: Calls in flight at once.
        **options: Passed to :func:`~langchain_gemini_vision.caption_image` (``style``,
            ``prompt``, ``max_image_side``...).

    Returns:
        One ``ItemResult`` per image, in input order; a failed image holds its error.

    Raises:
        InvalidRequestError: ``max_concurrency`` below 1.
    """
    model = resolve_llm(llm)
    return _run(lambda image: caption_image(image, llm=model, **options), images, max_concurrency)


async def acaption_images(
    images: Sequence[MediaInput],
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
    **options: Any,
) -> list[ItemResult[CaptionResult]]:
    """Async twin of :func:`caption_images` (same arguments and result)."""
    model = resolve_llm(llm)
    return await _arun(
        lambda image: acaption_image(image, llm=model, **options), images, max_concurrency
    )


def detect_objects_many(
    images: Sequence[MediaInput],
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
    **options: Any,
) -> list[ItemResult[DetectionResult]]:
    """Detect ``target`` in each image with its own call, at most ``max_concurrency`` at a time.

    Args:
        images: The images.
        target: What to find, as in :func:`~langchain_gemini_vision.detect_objects`.
        llm: The Gemini chat model; built from the environment if omitted.
        max_concurrency: Calls in flight at once.
        **options: Passed to ``detect_objects`` (``max_objects``, ``with_masks``...).

    Returns:
        One ``ItemResult`` per image, in input order (boxes in each original's pixels).

    Raises:
        InvalidRequestError: ``max_concurrency`` below 1.
    """
    model = resolve_llm(llm)
    return _run(
        lambda image: detect_objects(image, target, llm=model, **options), images, max_concurrency
    )


async def adetect_objects_many(
    images: Sequence[MediaInput],
    target: Target,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    max_concurrency: int = DEFAULT_CONCURRENCY,
    **options: Any,
) -> list[ItemResult[DetectionResult]]:
    """Async twin of :func:`detect_objects_many` (same arguments and result)."""
    model = resolve_llm(llm)
    return await _arun(
        lambda image: adetect_objects(image, target, llm=model, **options), images, max_concurrency
    )
