"""``submit_batch`` and the per-capability shortcuts (``caption_images_batch``...)."""

from __future__ import annotations

import asyncio
import inspect
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from google.genai import types
from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.clock import WallClock, utc_now
from langchain_gemini_vision._core.validate import check_instance, check_keywords, refuse, show
from langchain_gemini_vision.batch._checks import check_clocks, check_items, check_submit
from langchain_gemini_vision.batch._convert import rest_request, sdk_request
from langchain_gemini_vision.batch._create import Spool, create_remote
from langchain_gemini_vision.batch._items import ItemRecord
from langchain_gemini_vision.batch._job import BatchJob
from langchain_gemini_vision.batch._requests import (
    BatchRequest,
    BuiltItem,
    MediaUploads,
    build_item,
    caption_request,
    detection_request,
    transcription_request,
)
from langchain_gemini_vision.batch._transcripts import WINDOW_KIND, expand_transcription
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.files.manager import GeminiFileManager
from langchain_gemini_vision.media._options import ImageSide
from langchain_gemini_vision.media._prepare import INLINE_LIMIT_BYTES, MediaInput
from langchain_gemini_vision.video.transcription import DEFAULT_OVERLAP_S

_NOT_A_FOLDER = "a file path (e.g. 'captions.job.json'), not a folder"


def _job_paths(job_path: str | os.PathLike[str] | None) -> tuple[Path | None, Path]:
    """The job file (None: not saved) and the local JSONL copy of the requests next to it."""
    if job_path is None:
        folder = Path(tempfile.mkdtemp(prefix="gemini-batch-"))
        return None, folder / "requests.jsonl"
    path = Path(job_path)
    if path.name in ("", ".", ".."):
        refuse("job_path", str(job_path), _NOT_A_FOLDER)
    try:
        is_folder = path.is_dir()  # may itself raise for an over-long name
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidRequestError(
            f"job_path {show(str(path))} cannot be created ({exc.strerror or exc}); "
            "pass a path in a writable folder."
        ) from exc
    if is_folder:
        refuse("job_path", str(job_path), _NOT_A_FOLDER)
    return path, path.with_name(path.name + ".requests.jsonl")


def _expand(
    request: BatchRequest, key: str, uploads: MediaUploads
) -> list[tuple[str, str, BuiltItem]]:
    """The items of one request: itself, or one per window for a transcription."""
    if request.kind == "transcribe":
        windows = expand_transcription(request.media, request.options, uploads)
        return [(key + suffix, WINDOW_KIND, built) for suffix, built in windows]
    return [(key, request.kind, build_item(request, uploads))]


def submit_batch(
    requests: Iterable[BatchRequest],
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    model: str | None = None,
    display_name: str | None = None,
    job_path: str | os.PathLike[str] | None = None,
    manager: GeminiFileManager | None = None,
    inline_limit_bytes: int = INLINE_LIMIT_BYTES,
    on_item: Callable[[int], None] | None = None,
    now: WallClock = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> BatchJob:
    """Build every request like the synchronous call would, and submit them as one job.

    Media that cannot go inline are uploaded once (per content) and referenced by URI. The job
    goes inline when the create body stays under ``inline_limit_bytes``, else as a JSONL file
    uploaded through the File API. The job file (``job_path``) is written before the create
    call (listing the uploads) and again right after it (with the job's name): create is not
    idempotent, so a crashed process resumes with ``BatchJob.load(job_path)`` instead of
    submitting twice.

    Args:
        requests: Items from ``caption_request``, ``detection_request``,
            ``video_question_request``; read one at a time (a generator keeps memory flat).
        llm: The Gemini chat model (its client is used); built from the environment if omitted.
        model: Model for the job (default: the llm's).
        display_name: The job's display name.
        job_path: Where to save the job file (strongly recommended for long jobs).
        manager: ``GeminiFileManager`` for uploads (default: one without content reuse, so
            every upload is owned by the job and deleted with it).
        inline_limit_bytes: The inline create-body limit (the API's is 20 MB).
        on_item: Called with the count of items built so far (progress).
        now: UTC wall clock (job expiry is compared with server timestamps).
        sleep: Used by ``wait()``; injectable for tests.
        asleep: Used by ``await_()``.
        clock: Monotonic clock of ``wait()``'s deadline.

    Returns:
        The submitted job (PENDING); call ``wait()`` then ``results()``.

    Raises:
        InvalidRequestError: No requests, two with the same key, or an argument of the wrong
            type or out of range (the message names it).
        GeminiVisionError: A medium could not be read or uploaded, or the API refused the job.
    """
    check_items(requests, "requests")
    check_submit(
        llm=llm,
        model=model,
        display_name=display_name,
        job_path=job_path,
        manager=manager,
        inline_limit_bytes=inline_limit_bytes,
        on_item=on_item,
    )
    check_clocks(now=now, sleep=sleep, asleep=asleep, clock=clock)
    model_llm = resolve_llm(llm)
    job_model = model or model_name(model_llm)
    files = manager or GeminiFileManager(model_llm, reuse=False)
    path, requests_path = _job_paths(job_path)
    stamp = now()
    if not isinstance(stamp, datetime):
        refuse("now", stamp, "a clock returning a datetime (it returned this)")
    name = display_name or f"langchain-gemini-vision-{stamp.strftime('%Y%m%dT%H%M%S')}"
    uploads = MediaUploads(model_llm, files)
    try:
        spool = Spool(requests_path, inline_limit=inline_limit_bytes)
    except OSError as exc:  # opened before any upload: a bad job_path fails here, cheaply
        raise InvalidRequestError(
            f"job_path {show(job_path)} cannot be used: {requests_path.name!r} next to it "
            f"cannot be written ({exc.strerror or exc}); pass a shorter path in a writable folder."
        ) from exc
    items: list[ItemRecord] = []
    seen: set[str] = set()
    job = BatchJob(
        llm=model_llm,
        name=None,
        model=job_model,
        display_name=name,
        items=items,
        batch_files=[],
        media_files=uploads.owned,
        requests_path=requests_path,
        path=path,
        now=now,
        sleep=sleep,
        asleep=asleep,
        clock=clock,
    )
    try:
        with uploads.stack:
            for index, request in enumerate(requests):
                name = f"requests[{index}]"
                check_instance(request, name, BatchRequest, _REQUEST_WHAT, optional=False)
                key = request.key or f"{index:06d}"
                if key in seen:
                    raise InvalidRequestError(
                        f"Two batch requests share the key {key!r}; keys must be unique."
                    )
                seen.add(key)
                for item_key, kind, built in _expand(request, key, uploads):
                    contents, config = sdk_request(model_llm, built.messages, built.call_kwargs)
                    sdk = (
                        types.InlinedRequest(
                            contents=contents, config=config, metadata={"key": item_key}
                        )
                        if spool.wants_sdk
                        else None  # a file job: only the JSON line is kept
                    )
                    spool.add(item_key, rest_request(model_llm, contents, config), sdk)
                    items.append(ItemRecord(item_key, index, kind, built.context))
                if on_item is not None:
                    on_item(index + 1)
    except BaseException:
        # No job exists yet, so nothing else will ever delete the media uploaded so far.
        for uploaded in uploads.owned:
            files.delete(uploaded, missing_ok=True)
        raise
    finally:
        spool.close()
    if not items:
        raise InvalidRequestError("No batch requests were given; pass at least one.")

    def persist(batch_files: list[str]) -> None:
        job.batch_files = batch_files
        job.save()

    job.name, job.batch_files = create_remote(
        model_llm,
        model=job_model,
        display_name=name,
        spool=spool,
        manager=files,
        before_create=persist,
    )
    job.save()
    return job


_REQUEST_WHAT = "a BatchRequest (from caption_request, detection_request...)"
#: The keyword arguments the ``*_batch`` shortcuts pass on to ``submit_batch``.
SUBMIT_OPTIONS = frozenset(inspect.signature(submit_batch).parameters) - {"requests"}


def _submit(requests: Iterable[BatchRequest], where: str, submit: dict[str, Any]) -> BatchJob:
    check_keywords(submit, SUBMIT_OPTIONS, where)
    return submit_batch(requests, **submit)


def caption_images_batch(
    images: Iterable[MediaInput],
    *,
    prompt: str | None = None,
    style: Any = "detailed",
    media_resolution: str | None = None,
    max_image_side: ImageSide = None,
    **submit: Any,
) -> BatchJob:
    """Caption each image as one item of a batch job (results are ``CaptionResult``).

    Args:
        images: The images (one item each), read one at a time.
        prompt: Your own instruction; overrides ``style``.
        style: A caption style, as in ``caption_image``.
        media_resolution: As in ``caption_image``.
        max_image_side: Downscale before sending.
        **submit: Passed to :func:`submit_batch` (``llm``, ``job_path``, ``display_name``...).
    """
    check_items(images, "images")
    opts = {"prompt": prompt, "style": style, "media_resolution": media_resolution}
    reqs = (caption_request(image, max_image_side=max_image_side, **opts) for image in images)
    return _submit(reqs, "caption_images_batch", submit)


def detect_objects_batch(
    images: Iterable[MediaInput],
    target: str | Sequence[str],
    *,
    max_objects: int = 25,
    with_masks: bool = False,
    max_image_side: ImageSide = None,
    **submit: Any,
) -> BatchJob:
    """Detect ``target`` in each image as one item of a batch job (``DetectionResult``, pixels).

    Args:
        images: The images (one item each).
        target: What to find, as in ``detect_objects``.
        max_objects: As in ``detect_objects``.
        with_masks: As in ``detect_objects``.
        max_image_side: Downscale before sending; boxes still come back in original pixels.
        **submit: Passed to :func:`submit_batch`.
    """
    check_items(images, "images")
    reqs = (
        detection_request(
            image,
            target,
            max_objects=max_objects,
            with_masks=with_masks,
            max_image_side=max_image_side,
        )
        for image in images
    )
    return _submit(reqs, "detect_objects_batch", submit)


def transcribe_videos_batch(
    videos: Iterable[MediaInput],
    *,
    language: str | None = None,
    visual: bool = True,
    speakers: bool = False,
    window_s: float | None = None,
    overlap_s: float = DEFAULT_OVERLAP_S,
    media_resolution: str | None = None,
    fps: float | None = None,
    **submit: Any,
) -> BatchJob:
    """Transcribe videos through one batch job: every window of every video is one item.

    Read the results with ``job.transcripts(job.results())``: one ``Transcript`` per video, in
    input order, merged exactly like ``transcribe_video`` merges its windows.

    Args:
        videos: The videos (paths, bytes, ``files/...`` names...).
        language: As in ``transcribe_video``.
        visual: As in ``transcribe_video``.
        speakers: As in ``transcribe_video``.
        window_s: As in ``transcribe_video``.
        overlap_s: As in ``transcribe_video``.
        media_resolution: As in ``transcribe_video``.
        fps: As in ``transcribe_video``.
        **submit: Passed to :func:`submit_batch`.
    """
    options: dict[str, Any] = {
        "language": language,
        "visual": visual,
        "speakers": speakers,
        "window_s": window_s,
        "overlap_s": overlap_s,
        "media_resolution": media_resolution,
        "fps": fps,
    }
    check_items(videos, "videos")
    requests = (transcription_request(v, **options) for v in videos)
    return _submit(requests, "transcribe_videos_batch", submit)
