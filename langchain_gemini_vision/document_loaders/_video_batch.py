"""``GeminiVideoTranscriptLoader(batch=True)``: every window of every video as one Batch Mode job.

Half the price, queued by Google; the job file at ``job_path`` makes a crashed or restarted load
resume waiting for the same job instead of submitting (and paying for) it again.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.polling import PollPolicy
from langchain_gemini_vision._core.validate import as_construction
from langchain_gemini_vision.batch import BatchJob, transcribe_videos_batch
from langchain_gemini_vision.errors import InvalidRequestError
from langchain_gemini_vision.media._prepare import MediaInput
from langchain_gemini_vision.types import Transcript

BATCH_OPTIONS = frozenset(
    {"language", "visual", "speakers", "window_s", "overlap_s", "media_resolution", "fps"}
)
"""The transcription options a batch job carries (the rest are interactive-only)."""


def check_batch_options(options: Mapping[str, Any], delete_after: bool) -> None:
    """Refuse, when the loader is built, options that a batch job cannot honour."""
    with as_construction("GeminiVideoTranscriptLoader"):
        unsupported = sorted(set(options) - BATCH_OPTIONS - {"keep_upload"})
        if unsupported:
            raise InvalidRequestError(
                f"{unsupported} cannot be used with batch=True (a batch job transcribes whole "
                f"videos); the batch options are {sorted(BATCH_OPTIONS)}. Use batch=False for "
                "clips, progress callbacks or your own manager."
            )
        if not delete_after:
            raise InvalidRequestError(
                "delete_after=False cannot be used with batch=True: a batch job owns its uploads "
                "and deletes them once its results are collected."
            )


def _job(
    videos: Sequence[MediaInput],
    llm: ChatGoogleGenerativeAI | None,
    options: Mapping[str, Any],
    job_path: str | os.PathLike[str] | None,
) -> BatchJob:
    if job_path is not None and Path(job_path).exists():
        return BatchJob.load(job_path, llm=llm)  # resume: never submit the same job twice
    batch_options = {k: v for k, v in options.items() if k in BATCH_OPTIONS}
    return transcribe_videos_batch(videos, llm=llm, job_path=job_path, **batch_options)


def _transcripts(job: BatchJob) -> list[Transcript]:
    """Every video's transcript in input order; the first failed video's error is raised."""
    out: list[Transcript] = []
    for item in job.transcripts(job.results()):
        if item.error is not None:
            raise item.error
        if item.result is not None:
            out.append(item.result)
    return out


def batch_transcripts(
    videos: Sequence[MediaInput],
    llm: ChatGoogleGenerativeAI | None,
    options: Mapping[str, Any],
    job_path: str | os.PathLike[str] | None,
    poll: float | PollPolicy | None,
) -> list[Transcript]:
    """Submit (or resume) the job, wait politely, and collect one transcript per video."""
    job = _job(videos, llm, options, job_path).wait(poll=poll)
    return _transcripts(job)


async def abatch_transcripts(
    videos: Sequence[MediaInput],
    llm: ChatGoogleGenerativeAI | None,
    options: Mapping[str, Any],
    job_path: str | os.PathLike[str] | None,
    poll: float | PollPolicy | None,
) -> list[Transcript]:
    """Async twin of :func:`batch_transcripts` (the blocking calls run in a worker thread)."""
    job = await asyncio.to_thread(_job, videos, llm, options, job_path)
    await job.await_(poll=poll)
    return await asyncio.to_thread(_transcripts, job)
