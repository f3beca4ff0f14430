"""Gemini Batch Mode: the synchronous calls' requests as one half-price, resumable job.

Example:
    >>> job = caption_images_batch(paths, job_path="captions.job.json")   # doctest: +SKIP
    >>> job = BatchJob.load("captions.job.json").wait()                   # doctest: +SKIP
    >>> for item in job.results():                                        # doctest: +SKIP
    ...     print(item.index, item.result or item.error)

A failed item's ``error`` is typed like a synchronous call's (``RateLimitError``,
``InvalidRequestError``, ``ResponseParseError``...) and is also a ``BatchItemError``.
"""

from __future__ import annotations

from langchain_gemini_vision.batch._errors import (
    BatchError,
    BatchItemAuthenticationError,
    BatchItemBlockedError,
    BatchItemError,
    BatchItemInvalidRequestError,
    BatchItemParseError,
    BatchItemRateLimitError,
    BatchItemServiceUnavailableError,
    BatchItemTimeoutError,
    BatchJobError,
    BatchWaitTimeout,
)
from langchain_gemini_vision.batch._items import ItemRecord
from langchain_gemini_vision.batch._job import BatchItemResult, BatchJob
from langchain_gemini_vision.batch._operation import JobProgress
from langchain_gemini_vision.batch._requests import (
    BatchRequest,
    caption_request,
    detection_request,
    transcription_request,
    video_question_request,
)
from langchain_gemini_vision.batch._submit import (
    caption_images_batch,
    detect_objects_batch,
    submit_batch,
    transcribe_videos_batch,
)
from langchain_gemini_vision.batch._waiting import DEFAULT_POLL

__all__ = [
    "DEFAULT_POLL",
    "BatchError",
    "BatchItemAuthenticationError",
    "BatchItemBlockedError",
    "BatchItemError",
    "BatchItemInvalidRequestError",
    "BatchItemParseError",
    "BatchItemRateLimitError",
    "BatchItemResult",
    "BatchItemServiceUnavailableError",
    "BatchItemTimeoutError",
    "BatchJob",
    "BatchJobError",
    "BatchRequest",
    "BatchWaitTimeout",
    "ItemRecord",
    "JobProgress",
    "caption_images_batch",
    "caption_request",
    "detect_objects_batch",
    "detection_request",
    "submit_batch",
    "transcribe_videos_batch",
    "transcription_request",
    "video_question_request",
]
