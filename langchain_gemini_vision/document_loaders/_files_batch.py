"""``GeminiFileLoader(batch=True)``: every image and video source as one item of one Batch Mode job.

Images become captioning items and videos (YouTube links included) video-question items, built
by the batch package's request builders with the loader's prompt for that kind. PDFs and audio
have no batch builder, so they are refused by name before anything is submitted. The job file at
``job_path`` makes a restarted load resume the same job instead of paying for it twice.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document

from langchain_gemini_vision._core.validate import as_construction, check_bool
from langchain_gemini_vision.batch import (
    BatchJob,
    BatchRequest,
    caption_request,
    submit_batch,
    video_question_request,
)
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._prepare import PreparedMedia, file_api_name, prepare_media
from langchain_gemini_vision.types import CaptionResult

if TYPE_CHECKING:
    from langchain_gemini_vision.document_loaders.files import GeminiFileLoader

BATCH_KINDS = frozenset({"image", "video", "youtube"})
"""Media kinds a batch job can load (images are captioned, videos asked the video prompt)."""

_INTERACTIVE_ONLY = ("timeout", "poll_policy", "cache_dir", "manager")


def check_batch_args(args: Mapping[str, Any]) -> None:
    """Refuse, when the loader is built, batch options a batch job cannot honour."""
    with as_construction("GeminiFileLoader"):
        check_bool(args["batch"], "batch")
        if not args["batch"]:
            if args["job_path"] is not None or args["batch_poll"] is not None:
                raise InvalidRequestError("job_path and batch_poll need batch=True.")
            return
        given = [name for name in _INTERACTIVE_ONLY if args[name] is not None]
        if given:
            raise InvalidRequestError(
                f"{given} cannot be used with batch=True: a batch job uploads, waits and deletes "
                "its own files (use batch_poll to pace the job's polling). Use batch=False for "
                "these options."
            )
        if not args["delete_after"]:
            raise InvalidRequestError(
                "delete_after=False cannot be used with batch=True: a batch job owns its uploads "
                "and deletes them once its results are collected."
            )


_Outcome = Document | tuple[str, Exception]


@dataclass(frozen=True)
class _Planned:
    """One source that becomes a batch item; ``ref`` is what the request builder is given."""

    key: str
    source: str
    kind: str
    mime_type: str
    size_bytes: int | None
    ref: str | PreparedMedia


def _plan_one(loader: GeminiFileLoader, key: str, source: str) -> _Planned:
    name = file_api_name(source)
    # A files/... name says nothing of its kind until the File API is asked.
    media = prepare_media(loader.manager.get(name)) if name else loader._prepare(source)
    if media.kind not in BATCH_KINDS:
        what = f"a {media.kind}" if media.kind else "of an unknown kind"
        raise InvalidRequestError(
            f"{source!r} is {what} ({media.mime_type or 'unknown type'}); a batch job can only "
            "load images and videos. Load PDFs and audio with batch=False."
        )
    # Local files are passed by path, so a large job does not hold every medium in memory.
    ref: str | PreparedMedia = source if name is None and os.path.isfile(source) else media
    if media.kind == "youtube":
        ref = source
    return _Planned(key, source, media.kind, media.mime_type, media.size_bytes, ref)


def _plan(loader: GeminiFileLoader, sources: list[str]) -> list[_Planned]:
    """The loadable sources, keyed by their position; refusals go through ``loader._fail``."""
    planned: list[_Planned] = []
    for index, source in enumerate(sources):
        try:
            planned.append(_plan_one(loader, f"{index:06d}", source))
        except Exception as exc:
            loader._fail(source, exc)
    return planned


def _request(loader: GeminiFileLoader, item: _Planned) -> BatchRequest:
    prompt = loader.prompt_for(item.kind)
    if item.kind == "image":
        return caption_request(item.ref, prompt=prompt, key=item.key)
    return video_question_request(item.ref, prompt, key=item.key)


def _job(loader: GeminiFileLoader, planned: list[_Planned]) -> BatchJob:
    job_path = loader.job_path
    if job_path is not None and Path(job_path).exists():
        return BatchJob.load(job_path, llm=loader.llm)  # resume: never submit the same job twice
    requests = (_request(loader, item) for item in planned)  # built one at a time
    return submit_batch(requests, llm=loader.llm, job_path=job_path)


def _document(item: _Planned, result: CaptionResult, job: BatchJob) -> Document:
    usage = result.usage
    values: dict[str, Any] = {
        "source": item.source,
        "kind": item.kind,
        "mime_type": item.mime_type or None,
        "size_bytes": item.size_bytes,
        "model": result.model or job.model,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "batch_job": job.name,
        "batch_key": item.key,
    }
    metadata = {k: v for k, v in values.items() if v is not None}
    return Document(page_content=result.text, metadata=metadata)


def _collect(loader: GeminiFileLoader, planned: list[_Planned], job: BatchJob) -> list[_Outcome]:
    """Every item's Document or (source, error), in source order, all read before any raise."""
    by_key = {item.key: item for item in planned}
    results = job.results()
    if not all(result.ok for result in results):
        # results() keeps failed items' media for retry_failed, which a loader never calls.
        job.cleanup()
    docs: list[_Outcome] = []
    for result in results:
        item = by_key.get(result.key)
        if item is None:
            raise InvalidRequestError(
                f"The job file {os.fspath(loader.job_path or '')!r} holds item {result.key!r}, "
                "which matches none of this loader's sources; pass the sources it was submitted "
                "with, or a new job_path."
            )
        if result.error is not None:
            docs.append((item.source, result.error))
        elif isinstance(result.result, CaptionResult):
            docs.append(_document(item, result.result, job))
    return docs


def batch_documents(loader: GeminiFileLoader, sources: list[str]) -> Iterator[Document]:
    """Submit (or resume) the job, wait politely, and yield one Document per answered source."""
    planned = _plan(loader, sources)
    if not planned:
        return
    job = _job(loader, planned).wait(poll=loader.batch_poll)
    yield from handed_over(loader, _collect(loader, planned, job))


def handed_over(loader: GeminiFileLoader, outcomes: list[_Outcome]) -> Iterator[Document]:
    """The Documents; a failure is raised (or recorded) at its place, as the sync path does."""
    for outcome in outcomes:
        if isinstance(outcome, Document):
            yield outcome
        else:
            loader._fail(*outcome)


async def abatch_documents(loader: GeminiFileLoader, sources: list[str]) -> list[_Outcome]:
    """Async twin of :func:`batch_documents` (the blocking calls run in a worker thread)."""
    planned = await asyncio.to_thread(_plan, loader, sources)
    if not planned:
        return []
    job = await asyncio.to_thread(_job, loader, planned)
    await job.await_(poll=loader.batch_poll)
    return await asyncio.to_thread(_collect, loader, planned, job)
