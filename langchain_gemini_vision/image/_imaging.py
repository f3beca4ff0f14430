"""Shared plumbing of the image capabilities (captioning, detection): media routing and options.

Inline images go straight into the request. Images that must go through the File API (over the
inline limit, a ``files/...`` name whose MIME type is still unknown, or a file not yet ACTIVE) are
routed through ``files.routed_media`` / ``files.arouted_media``, which upload or resolve them and
delete temporary uploads when the request is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import warnings
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_google_genai import ChatGoogleGenerativeAI
from PIL import Image

from langchain_gemini_vision._core.client import model_name
from langchain_gemini_vision.errors import (
    InvalidRequestError,
    MediaTooLargeError,
    UnsupportedMediaError,
)
from langchain_gemini_vision.files._routing import arouted_media, routed_media
from langchain_gemini_vision.media._image_meta import declared_size
from langchain_gemini_vision.media._options import ImageSide, image_size_limits
from langchain_gemini_vision.media._prepare import (
    INLINE_LIMIT_BYTES,
    MediaPolicy,
    PreparedMedia,
    aprepare_media,
    prepare_media,
)

_INLINE_PREP_BYTES = 2 * 1024 * 1024
_INLINE_PREP_PIXELS = 2_000_000

MAX_IMAGES_PER_REQUEST = 3600
"""Images per request (vision guide: "a maximum of 3,600 image files")."""


def _needs_routing(prepared: PreparedMedia) -> bool:
    if prepared.needs_upload:
        return True
    if prepared.gemini_file is not None and not prepared.gemini_file.is_active:
        return True
    return prepared.file_uri is not None and not prepared.mime_type


def check_image_count(count: int) -> None:
    """Refuse an empty or over-limit batch before anything is read or sent.

    Raises:
        InvalidRequestError: No images, or more than the per-request limit.
    """
    if count == 0:
        raise InvalidRequestError("No image was given; pass at least one image.")
    if count > MAX_IMAGES_PER_REQUEST:
        raise InvalidRequestError(
            f"{count} images exceed Gemini's limit of {MAX_IMAGES_PER_REQUEST:,} images per "
            "request; split them into several calls."
        )


def check_inline_total(prepared: Sequence[PreparedMedia]) -> None:
    """Refuse a batch whose inline images together exceed the request size limit.

    Raises:
        MediaTooLargeError: The inline payload would exceed 20 MB.
    """
    total = sum(len(p.data) for p in prepared if p.data is not None and not p.needs_upload)
    # base64 grows the payload by a third on the wire.
    if total * 4 // 3 > INLINE_LIMIT_BYTES:
        raise MediaTooLargeError(
            f"The {len(prepared)} images add up to {total / 1e6:.1f} MB, over Gemini's 20 MB "
            "inline request limit; pass max_image_side=... to downscale them, send fewer images "
            "per call, or upload them with GeminiFileManager and pass their files/... names."
        )


def image_limits(
    max_image_side: ImageSide, llm: ChatGoogleGenerativeAI, media_resolution: str | None
) -> tuple[int | None, int | None]:
    """``(max_image_side, max_image_pixels)`` for preparing images sent to ``llm``.

    The caller's side wins; 0 (``ORIGINAL_SIZE``) sends images as they are; None applies the
    model's budget at ``media_resolution`` (see ``media._options.default_image_pixels``).
    """
    return image_size_limits(
        max_image_side, model=model_name(llm), media_resolution=media_resolution
    )


def _undecodable(ref: Any, exc: Exception) -> UnsupportedMediaError:
    shown = ref if isinstance(ref, str) else f"<{type(ref).__name__}>"
    return UnsupportedMediaError(
        f"{str(shown)[:200]} could not be decoded as an image ({exc}); the file may be corrupt or "
        "truncated. Re-export or re-download it."
    )


def prepare_image(
    ref: Any,
    *,
    policy: MediaPolicy | None = None,
    max_image_side: int | None = None,
    max_image_pixels: int | None = None,
) -> PreparedMedia:
    """``prepare_media(..., expect="image")`` with decoder failures as ``UnsupportedMediaError``.

    Pillow reports a truncated or corrupt JPEG as a bare ``OSError`` only when the pixels are
    decoded (to rotate or downscale), which happens deep inside the media core.
    """
    if isinstance(ref, PreparedMedia):
        return ref  # already prepared (the tools prepare first, to refuse bad input early)
    try:
        return prepare_media(
            ref,
            policy=policy,
            max_image_side=max_image_side,
            expect="image",
            max_image_pixels=max_image_pixels,
        )
    except (OSError, SyntaxError, ValueError) as exc:
        raise _undecodable(ref, exc) from exc


def _small_in_memory(ref: Any) -> bool:
    """Bytes whose header declares a small image: preparing them cannot stall the event loop.

    Even a full decode, rotate and re-encode of 2 MP takes ~10 ms, well under asyncio's 50 ms
    slow-callback mark, while a worker-thread hop costs more than the work (measured: 500
    detections at 64 in flight took ~30% longer with the hop). Files get their own check
    (``media._prepare._small_image_as_is``); anything else (URLs, larger or unreadable images)
    goes to a worker thread. PNG and JPEG headers are read without Pillow (``declared_size``):
    ``Image.open`` alone cost ~80 us a call, about 1% of a whole detection at 64 in flight.
    """
    if not isinstance(ref, (bytes, bytearray)) or len(ref) > _INLINE_PREP_BYTES:
        return False
    size = declared_size(ref)
    if size is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(io.BytesIO(ref)) as img:
                    size = (int(img.size[0]), int(img.size[1]))
        except Exception:  # the worker thread reports it with the full message
            return False
    return size[0] * size[1] <= _INLINE_PREP_PIXELS


async def aprepare_image(
    ref: Any,
    *,
    policy: MediaPolicy | None = None,
    max_image_side: int | None = None,
    max_image_pixels: int | None = None,
) -> PreparedMedia:
    """Async twin of :func:`prepare_image`."""
    if isinstance(ref, PreparedMedia):
        return ref  # no file or network I/O left to move off the event loop
    if _small_in_memory(ref):
        return prepare_image(
            ref, policy=policy, max_image_side=max_image_side, max_image_pixels=max_image_pixels
        )
    try:
        return await aprepare_media(
            ref,
            policy=policy,
            max_image_side=max_image_side,
            expect="image",
            max_image_pixels=max_image_pixels,
        )
    except (OSError, SyntaxError, ValueError) as exc:
        raise _undecodable(ref, exc) from exc


def prepare_images(
    images: Sequence[Any],
    *,
    policy: MediaPolicy | None,
    max_image_side: int | None,
    max_image_pixels: int | None = None,
) -> list[PreparedMedia]:
    """Prepare each image (order kept), refusing anything that is not an image."""
    return [
        prepare_image(
            ref, policy=policy, max_image_side=max_image_side, max_image_pixels=max_image_pixels
        )
        for ref in images
    ]


async def aprepare_images(
    images: Sequence[Any],
    *,
    policy: MediaPolicy | None,
    max_image_side: int | None,
    max_image_pixels: int | None = None,
) -> list[PreparedMedia]:
    """Async twin of :func:`prepare_images`."""
    if len(images) == 1:  # the common case: no task to create and schedule
        return [
            await aprepare_image(
                images[0],
                policy=policy,
                max_image_side=max_image_side,
                max_image_pixels=max_image_pixels,
            )
        ]
    # gather keeps the order of its arguments, so image i stays image i.
    return list(
        await asyncio.gather(
            *(
                aprepare_image(
                    ref,
                    policy=policy,
                    max_image_side=max_image_side,
                    max_image_pixels=max_image_pixels,
                )
                for ref in images
            )
        )
    )


@contextlib.contextmanager
def routed_images(
    prepared: Sequence[PreparedMedia], llm: ChatGoogleGenerativeAI
) -> Iterator[list[PreparedMedia]]:
    """Yield the images ready to send, uploading or resolving through the File API as needed."""
    if not any(_needs_routing(p) for p in prepared):
        yield list(prepared)
        return
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(routed_media(item, llm=llm)) if _needs_routing(item) else item
            for item in prepared
        ]


@contextlib.asynccontextmanager
async def arouted_images(
    prepared: Sequence[PreparedMedia], llm: ChatGoogleGenerativeAI
) -> AsyncIterator[list[PreparedMedia]]:
    """Async twin of :func:`routed_images`."""
    if not any(_needs_routing(p) for p in prepared):
        yield list(prepared)
        return
    async with contextlib.AsyncExitStack() as stack:
        ready: list[PreparedMedia] = []
        for item in prepared:
            if _needs_routing(item):
                item = await stack.enter_async_context(arouted_media(item, llm=llm))
            ready.append(item)
        yield ready
