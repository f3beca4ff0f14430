"""Routing media through the File API, as every capability does before calling the model.

:func:`routed_media` and :func:`arouted_media` (re-exported by ``files.py``) turn a
``PreparedMedia`` that is too big to send inline, or that names a File API file, into one that
references an ACTIVE file, and delete temporary uploads afterwards. Both ask :func:`_route` what to
do and build their answer with :func:`_with_file`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision.files._cleanup import arelease, release
from langchain_gemini_vision.files._source import ProgressCallback, UploadInput
from langchain_gemini_vision.files._uploading import aupload_or_reuse, upload_or_reuse
from langchain_gemini_vision.media._prepare import PreparedMedia, file_api_name, kind_of_mime
from langchain_gemini_vision.types import GeminiFile

if TYPE_CHECKING:
    from langchain_gemini_vision.files.manager import GeminiFileManager

# The logger users know from the docs (``langchain_gemini_vision.files``), not this module's name.
logger = logging.getLogger("langchain_gemini_vision.files")


def _route(prepared: PreparedMedia, upload_inline: bool) -> str | bool:
    """What routing must do: a ``files/...`` name to resolve, True to upload, False for nothing."""
    if prepared.file_uri is not None:
        return file_api_name(prepared.file_uri) or False  # YouTube, gs://: Gemini reads them
    return prepared.needs_upload or (upload_inline and prepared.data is not None)


def _manager_for(
    manager: GeminiFileManager | None, llm: ChatGoogleGenerativeAI | None
) -> GeminiFileManager:
    if manager is not None:
        return manager
    # Imported on use: files.py imports this module to re-export the routing functions.
    from langchain_gemini_vision.files.manager import GeminiFileManager

    return GeminiFileManager(llm)


def _with_file(prepared: PreparedMedia, file: GeminiFile) -> PreparedMedia:
    mime = prepared.mime_type or file.mime_type
    return replace(
        prepared,
        kind=prepared.kind or kind_of_mime(file.mime_type),
        mime_type=mime,
        data=None,
        path=None,
        file_uri=file.uri or prepared.file_uri,
        size_bytes=file.size_bytes if file.size_bytes is not None else prepared.size_bytes,
        gemini_file=file,
    )


def _upload_args(prepared: PreparedMedia) -> tuple[UploadInput, str | None]:
    """What to upload and its MIME type (None: sniff it)."""
    mime = prepared.mime_type or None
    if prepared.opened is not None:  # a tool's verified file: upload from its descriptor
        return prepared.opened, mime
    if prepared.path is not None:
        return prepared.path, mime
    assert prepared.data is not None  # needs_upload without path means big inline data
    return prepared.data, mime


@contextlib.contextmanager
def routed_media(
    prepared: PreparedMedia,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    manager: GeminiFileManager | None = None,
    delete_after: bool = True,
    on_progress: ProgressCallback | None = None,
    timeout: float | None = None,
    upload_inline: bool = False,
) -> Iterator[PreparedMedia]:
    """Make ``prepared`` sendable: resolve or upload through the File API when needed.

    - A File API name/URI: fetched and waited for until ACTIVE; ``mime_type``, ``kind`` and
      ``gemini_file`` (with ``video_duration_s``) are filled in.
    - A local path or data over the inline limit: uploaded (or reused by content), waited for
      until ACTIVE, yielded with ``file_uri``; deleted on exit when this call uploaded it and
      ``delete_after`` is True. The file is leased while the block runs (see ``files._leases``):
      a temporary upload another call reuses is deleted only after the last of them exits, and
      a DELETE that keeps failing is recorded for ``GeminiFileManager.prune_orphans()``.
    - Anything else (small inline data, YouTube, gs://): yielded unchanged, unless
      ``upload_inline`` asks to upload small inline data too (``GeminiFileLoader`` does).

    Args:
        prepared: The medium from ``prepare_media``.
        llm: Model whose client is used when no ``manager`` is given.
        manager: The ``GeminiFileManager`` to use (its reuse and poll settings apply).
        delete_after: Delete a file this call uploaded when the block exits.
        on_progress: Upload progress callback ``(bytes_sent, total)``.
        timeout: Deadline for processing; default scaled to the file's size.
        upload_inline: Upload even media small enough to send inline.

    Raises:
        FileProcessingError: The file is FAILED (with the server's reason).
        FileProcessingTimeout: Not ACTIVE before the deadline.
        MediaAccessError: Unknown file, another project's file, or an unreadable path.
        MediaTooLargeError: Over 2 GB.
    """
    route = _route(prepared, upload_inline)
    if route is False:
        yield prepared
        return
    files = _manager_for(manager, llm)
    if isinstance(route, str):
        yield _with_file(prepared, files.wait_until_active(files.get(route), timeout=timeout))
        return
    uploaded, created = upload_or_reuse(
        files, *_upload_args(prepared), None, on_progress, lease=True
    )
    try:
        active = files.wait_until_active(uploaded, timeout=timeout)
        yield _with_file(prepared, active)
    finally:
        release(files, uploaded, delete=created and delete_after, keep=not delete_after)


@contextlib.asynccontextmanager
async def arouted_media(
    prepared: PreparedMedia,
    *,
    llm: ChatGoogleGenerativeAI | None = None,
    manager: GeminiFileManager | None = None,
    delete_after: bool = True,
    on_progress: ProgressCallback | None = None,
    timeout: float | None = None,
    upload_inline: bool = False,
) -> AsyncIterator[PreparedMedia]:
    """Async twin of :func:`routed_media` (cleans up on cancellation too)."""
    route = _route(prepared, upload_inline)
    if route is False:
        yield prepared
        return
    files = _manager_for(manager, llm)
    if isinstance(route, str):
        active = await files.await_until_active(await files.aget(route), timeout=timeout)
        yield _with_file(prepared, active)
        return
    uploaded, created = await aupload_or_reuse(
        files, *_upload_args(prepared), None, on_progress, lease=True
    )
    try:
        active = await files.await_until_active(uploaded, timeout=timeout)
        yield _with_file(prepared, active)
    finally:
        await arelease(files, uploaded, delete=created and delete_after, keep=not delete_after)
