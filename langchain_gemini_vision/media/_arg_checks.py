"""Checks of the arguments most public functions share: model, media, policy, manager, options.

Built on the generic checks of ``_core.validate``; every function here is a few ``isinstance``
tests so it can run at the top of every call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from PIL import Image

from langchain_gemini_vision._core.validate import (
    ErrorType,
    as_construction,
    check_callable,
    check_instance,
    check_int,
    check_llm,
    check_text,
    refuse,
)
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._options import (
    ORIGINAL_SIZE,
    check_fps,
    normalise_media_resolution,
)
from langchain_gemini_vision.media._prepare import MediaPolicy, PreparedMedia
from langchain_gemini_vision.types import GeminiFile

MEDIA_TYPES = (
    str, os.PathLike, bytes, bytearray, memoryview, Image.Image, GeminiFile, PreparedMedia
)  # fmt: skip
MEDIA_WHAT = "a path, URL, data: URI, files/... name, bytes, PIL image, GeminiFile or PreparedMedia"


def check_policy(policy: object) -> None:
    """None or a ``MediaPolicy``."""
    check_instance(policy, "policy", MediaPolicy, "a MediaPolicy")


@runtime_checkable
class _FileManagerLike(Protocol):
    """What a ``manager=`` argument must offer (``GeminiFileManager`` or a compatible one).

    A Protocol rather than an isinstance check on the class keeps these checks below the File
    API layer, which imports them.
    """

    def upload(self, *args: Any, **kwargs: Any) -> Any: ...
    async def aupload(self, *args: Any, **kwargs: Any) -> Any: ...
    def wait_until_active(self, *args: Any, **kwargs: Any) -> Any: ...
    def delete(self, *args: Any, **kwargs: Any) -> Any: ...


def check_manager(manager: object, *, error: ErrorType = InvalidRequestError) -> None:
    """None or a ``GeminiFileManager`` (anything with its upload/wait/delete methods)."""
    if manager is None:
        return
    check_instance(manager, "manager", _FileManagerLike, "a GeminiFileManager", error=error)


def check_media(value: object, name: str) -> None:
    """One media reference of a type the media core reads (its content is checked later)."""
    if isinstance(value, str) and (not value.strip() or "\x00" in value):
        refuse(name, value, "a non-empty path, URL or files/... name (without NUL characters)")
    check_instance(value, name, MEDIA_TYPES, MEDIA_WHAT, optional=False)
    check_gcs_uri(value, name)


GCS_URI = re.compile(r"gs://[^/\s]+/\S")


def check_gcs_uri(value: object, name: str) -> None:
    """A ``gs://`` reference names a bucket and an object (the API answers 400 otherwise)."""
    if isinstance(value, str) and value.startswith("gs://") and not GCS_URI.match(value):
        refuse(name, value, "a gs://bucket/object URI")


def check_media_list(values: Sequence[Any], name: str) -> None:
    """Every reference of a list (``name[i]`` in the message)."""
    for i, value in enumerate(values):
        check_media(value, f"{name}[{i}]")


def check_resolution(
    value: object, name: str = "media_resolution", *, error: ErrorType = InvalidRequestError
) -> str | None:
    """None, or a resolution name; returns the API's enum name."""
    if value is not None and not isinstance(value, str):
        refuse(name, value, "'low', 'medium', 'high', 'ultra_high' or None", error)
    try:
        return normalise_media_resolution(value)
    except InvalidRequestError as exc:
        if error is InvalidRequestError:
            raise
        raise error(str(exc)) from exc


def check_progress(value: object, name: str = "on_progress") -> None:
    """None or a callable."""
    check_callable(value, name)


def check_call_args(
    *,
    llm: object = None,
    policy: object = None,
    manager: object = None,
    on_progress: object = None,
) -> None:
    """The optional collaborators most public functions take."""
    check_llm(llm)
    check_policy(policy)
    check_manager(manager)
    check_progress(on_progress)


MAX_IMAGE_SIDE_LIMIT = 65_535
"""Largest ``max_image_side`` accepted (PNG and JPEG cannot be wider anyway)."""


def check_max_image_side(value: object, *, error: ErrorType = InvalidRequestError) -> None:
    """None (the model's default budget), ``"original"`` (send as is) or a side in pixels.

    0 or a negative side is refused: it used to be silently accepted as "no limit".
    """
    if value is None or (isinstance(value, str) and value == ORIGINAL_SIZE):
        return
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 1 <= value <= MAX_IMAGE_SIDE_LIMIT
    ):
        return
    refuse(
        "max_image_side",
        value,
        f"an integer in [1, {MAX_IMAGE_SIDE_LIMIT}], {ORIGINAL_SIZE!r} (send images as they are) "
        "or None (the model's default size)",
        error,
    )


def check_image_call(
    *,
    llm: object,
    media_resolution: object,
    max_image_side: object,
    policy: object,
) -> None:
    """The options captioning and detection share."""
    check_llm(llm)
    check_policy(policy)
    check_resolution(media_resolution)
    check_max_image_side(max_image_side)


def check_target(target: object) -> None:
    """Free text or a list of text labels (the content is checked by ``normalise_target``)."""
    if isinstance(target, str):
        return
    if not isinstance(target, (list, tuple)) or not all(isinstance(t, str) for t in target):
        refuse("target", target, "text (e.g. 'every person') or a list of labels (['cat'])")


def check_image_size(value: object) -> None:
    """None or ``(width, height)`` in pixels."""
    if value is None:
        return
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        refuse("image_size", value, "a tuple (width, height) of two integers > 0, or None")


def check_video_call(
    video: object,
    *,
    llm: object,
    manager: object = None,
    policy: object = None,
    on_progress: object = None,
) -> None:
    """The arguments every video function takes besides its options."""
    check_media(video, "video")
    check_call_args(llm=llm, policy=policy, manager=manager, on_progress=on_progress)


def check_settings(owner: str, settings: Mapping[str, object]) -> None:
    """The developer settings tools and the toolkit share, by field name, at construction.

    Only the names present in ``settings`` are checked, so one table serves every tool.
    """
    for name, value in settings.items():
        check = _SETTING_CHECKS.get(name)
        if check is not None:
            with as_construction(owner):
                check(value)


_SETTING_CHECKS: dict[str, Callable[[object], object]] = {
    "media_resolution": check_resolution,
    "max_image_side": check_max_image_side,
    "language": lambda v: check_text(v, "language"),
    "fps": check_fps,  # type: ignore[dict-item]  # it checks the type itself
    "max_objects": lambda v: check_int(v, "max_objects", low=1, high=1000),
    "max_concurrency": lambda v: check_int(v, "max_concurrency", low=1, high=64),
    "max_content_chars": lambda v: check_int(v, "max_content_chars", low=1),
}
