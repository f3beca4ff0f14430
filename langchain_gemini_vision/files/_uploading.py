"""Uploading to the File API for ``GeminiFileManager``: reuse by content, transfer, clean-up.

:func:`upload_or_reuse` and :func:`aupload_or_reuse` share every decision (is a known remote file
with the same sha256 still usable, what to call the upload, when an index entry is stale) and
differ only in how they wait: the async one runs file I/O and each transfer attempt in a worker
thread, and makes sure a cancelled upload never leaves a file behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING

from langchain_gemini_vision._core.clock import as_utc
from langchain_gemini_vision.errors import GeminiVisionError, MediaAccessError
from langchain_gemini_vision.files._cleanup import arelease, release
from langchain_gemini_vision.files._events import upload_reporter
from langchain_gemini_vision.files._index import FileIndex
from langchain_gemini_vision.files._leases import LEASES, lease_key
from langchain_gemini_vision.files._source import (
    ProgressCallback,
    ProgressReader,
    UploadCancelled,
    UploadInput,
    UploadSource,
    open_source,
)
from langchain_gemini_vision.types import GeminiFile

if TYPE_CHECKING:
    from langchain_gemini_vision.files.manager import GeminiFileManager

# The logger users know from the docs (``langchain_gemini_vision.files``), not this module's name.
logger = logging.getLogger("langchain_gemini_vision.files")

_MAX_DISPLAY_NAME = 512


def upload_or_reuse(
    manager: GeminiFileManager,
    source: UploadInput,
    mime_type: str | None,
    display_name: str | None,
    on_progress: ProgressCallback | None,
    lease: bool = False,
) -> tuple[GeminiFile, bool]:
    """Upload or reuse; the flag says whether this call created the file.

    With ``lease`` the returned file is leased (see ``files._leases``): the caller must release it.
    """
    src = open_source(source, mime_type=mime_type)
    try:
        with _claimed(manager, src):
            return _reuse_or_upload(manager, src, display_name, on_progress, lease)
    finally:
        src.cleanup()


def _reuse_or_upload(
    manager: GeminiFileManager,
    src: UploadSource,
    display_name: str | None,
    on_progress: ProgressCallback | None,
    lease: bool,
) -> tuple[GeminiFile, bool]:
    if _should_look_up(manager, src):
        key, name = _reuse_lookup(manager, src)
        if name is not None and _take_lease(manager, name, lease):
            # Leased before the check, so it cannot be deleted between check and use.
            found: GeminiFile | None = None
            try:
                found, stale = _reuse_verdict(manager, src, _get_or_error(manager, name))
            finally:
                if found is None:
                    _drop_lease(manager, name, lease)
            if stale:
                manager._index.forget(key=key)
            if found is not None:
                return found, False
    report = upload_reporter(on_progress, src.label)
    uploaded = manager._retrying(
        lambda _: _transfer(manager, src, display_name, report, None), src.label, "upload"
    )
    _take_lease(manager, uploaded.name, lease)
    return uploaded, True


async def aupload_or_reuse(
    manager: GeminiFileManager,
    source: UploadInput,
    mime_type: str | None,
    display_name: str | None,
    on_progress: ProgressCallback | None,
    lease: bool = False,
) -> tuple[GeminiFile, bool]:
    """Async twin of :func:`upload_or_reuse`."""
    src = await _aopen_source(source, mime_type)
    try:
        async with _aclaimed(manager, src):
            return await _areuse_or_upload(manager, src, display_name, on_progress, lease)
    finally:
        src.cleanup()


async def _areuse_or_upload(
    manager: GeminiFileManager,
    src: UploadSource,
    display_name: str | None,
    on_progress: ProgressCallback | None,
    lease: bool,
) -> tuple[GeminiFile, bool]:
    if await asyncio.to_thread(_should_look_up, manager, src):
        key, name = await asyncio.to_thread(_reuse_lookup, manager, src)
        if name is not None and _take_lease(manager, name, lease):
            found = None
            try:
                try:
                    remote: GeminiFile | GeminiVisionError = await manager.aget(name)
                except GeminiVisionError as exc:
                    remote = exc
                found, stale = _reuse_verdict(manager, src, remote)
            finally:
                if found is None:
                    await _adrop_lease(manager, name, lease)
            if stale:
                await asyncio.to_thread(manager._index.forget, key=key)
            if found is not None:
                return found, False
    report = upload_reporter(on_progress, src.label)
    uploaded = await manager._aretrying(
        lambda _: _atransfer(manager, src, display_name, report), src.label, "upload"
    )
    _take_lease(manager, uploaded.name, lease)  # no await since the upload: cancel-safe
    return uploaded, True


# ---- the upload's steps (shared by both uploaders) ---------------------------------------------


def _claim_key(manager: GeminiFileManager, src: UploadSource) -> str:
    """What two callers wanting the same upload agree on: the file's identity, else its hash."""
    identity = src.stat_key if src.stat_key is not None else src.sha256_hex()
    return FileIndex.key(manager._endpoint, identity)


def _claimed(
    manager: GeminiFileManager, src: UploadSource
) -> contextlib.AbstractContextManager[None]:
    """Hold the content's cross-process claim from the reuse lookup to the remembered upload.

    A second caller (thread or process) with the same file waits, then finds the first one's
    upload in the index instead of sending the bytes again.
    """
    if not manager.reuse:
        return contextlib.nullcontext()
    return manager._index.claim(_claim_key(manager, src))


@contextlib.asynccontextmanager
async def _aclaimed(manager: GeminiFileManager, src: UploadSource) -> AsyncIterator[None]:
    """:func:`_claimed` for the event loop: the blocking wait runs in a worker thread."""
    if not manager.reuse:
        yield
        return
    claim = manager._index.claim(await asyncio.to_thread(_claim_key, manager, src))
    entering = asyncio.ensure_future(asyncio.to_thread(claim.__enter__))
    try:
        await asyncio.shield(entering)
    except asyncio.CancelledError:
        # The worker may still get the lock: give it back as soon as it does.
        entering.add_done_callback(lambda _: claim.__exit__(None, None, None))
        raise
    try:
        yield
    finally:
        claim.__exit__(None, None, None)


def _take_lease(manager: GeminiFileManager, name: str, lease: bool) -> bool:
    """Lease ``name`` when asked; False when it is being deleted (then it is not reused)."""
    return not lease or LEASES.acquire(lease_key(manager._endpoint, name))


def _drop_lease(manager: GeminiFileManager, name: str, lease: bool) -> None:
    """Give back the lease taken for the reuse check of a file that was not reused."""
    if lease:
        release(manager, name, delete=False)


async def _adrop_lease(manager: GeminiFileManager, name: str, lease: bool) -> None:
    if lease:
        await arelease(manager, name, delete=False)


def _should_look_up(manager: GeminiFileManager, src: UploadSource) -> bool:
    """Whether to hash before uploading, to look for a reusable file.

    A local file's hash comes from the hash cache when the file is unchanged since it was last
    uploaded. A file never uploaded is not hashed first: that would read it twice (hash, then
    upload). Its hash comes from the upload's answer, and the next upload of it is reused. Bytes
    and streams are hashed first, as their content has no identity to cache.
    """
    if not manager.reuse:
        return False
    if src.stat_key is None:
        return True
    known = manager._index.known_hash(src.stat_key)
    if known is None:
        return False
    src.set_sha256(known)
    return True


def _reuse_key(manager: GeminiFileManager, src: UploadSource) -> str:
    return FileIndex.key(manager._endpoint, src.sha256_hex())


def _reuse_lookup(manager: GeminiFileManager, src: UploadSource) -> tuple[str, str | None]:
    """The reuse key (hashing the content: blocking) and the file it last named, if any."""
    key = _reuse_key(manager, src)
    return key, manager._index.lookup(key)


def _get_or_error(manager: GeminiFileManager, name: str) -> GeminiFile | GeminiVisionError:
    try:
        return manager.get(name)
    except GeminiVisionError as exc:
        return exc


def _reuse_verdict(
    manager: GeminiFileManager, src: UploadSource, remote: GeminiFile | GeminiVisionError
) -> tuple[GeminiFile | None, bool]:
    """The file to reuse (None: upload), and whether the index entry is stale."""
    if isinstance(remote, MediaAccessError):
        return None, True
    if isinstance(remote, GeminiVisionError):  # still failing after retries: just upload
        return None, False
    if not _usable(remote, src.sha256_hex(), manager.reuse_margin_s, manager.now()):
        return None, True
    logger.info("Reusing %s for %s (same sha256)", remote.name, src.label)
    return remote, False


def _usable(file: GeminiFile, sha256_hex: str, margin_s: float, now: datetime) -> bool:
    """Whether a remote file can stand in for content with this hash at ``now``."""
    if file.state != "ACTIVE" or file.sha256_hex != sha256_hex:
        return False
    if file.expiration_time is None:
        return True
    left = (as_utc(file.expiration_time) - now).total_seconds()
    return left >= margin_s


def _remember(manager: GeminiFileManager, src: UploadSource, uploaded: GeminiFile) -> None:
    if not manager.reuse:
        return
    if not src.hashed and uploaded.sha256_hex:
        # The server hashed what it received: the same bytes we streamed, read only once.
        src.set_sha256(uploaded.sha256_hex)
    key = _reuse_key(manager, src)
    manager._index.remember(key, uploaded.name, uploaded.expiration_time)
    if src.stat_key is not None:
        manager._index.remember_hash(src.stat_key, src.sha256_hex())


def _display_name(display_name: str | None, src: UploadSource, owned_prefix: str) -> str:
    base = display_name or os.path.basename(src.label.strip("<>")) or "upload"
    name = base if base.startswith(owned_prefix) else owned_prefix + base
    return name[:_MAX_DISPLAY_NAME]


def _transfer(
    manager: GeminiFileManager,
    src: UploadSource,
    display_name: str | None,
    report: ProgressCallback,
    cancelled: threading.Event | None,
) -> GeminiFile:
    """One attempt: stream the bytes through the SDK's resumable upload (blocking).

    Raises the SDK's errors unmapped, for the retry loop to judge. Once the SDK returns, the
    file exists: nothing after that point raises anything the loop would retry.
    """
    config = {
        "mime_type": src.mime_type,
        "display_name": _display_name(display_name, src, manager.owned_prefix),
    }
    with src.open() as raw:
        reader = ProgressReader(raw, src.size, report, cancelled)
        sdk_file = manager.client.files.upload(file=reader, config=config)
    uploaded = GeminiFile.from_sdk(sdk_file)
    if cancelled is not None and cancelled.is_set():
        # Cancelled after the last chunk was sent: the file exists, so remove it ourselves.
        manager.delete(uploaded.name)
        raise UploadCancelled("upload cancelled after finalising")
    report(src.size, src.size)
    # Remembered here, in the attempt, so that the async uploader has no await point left
    # between the file's creation and handing it back (a cancel there would orphan it).
    _remember(manager, src, uploaded)
    return uploaded


async def _atransfer(
    manager: GeminiFileManager,
    src: UploadSource,
    display_name: str | None,
    report: ProgressCallback,
) -> GeminiFile:
    """One upload attempt in a worker thread; cancelling it leaves no file behind."""
    cancelled = threading.Event()
    worker = asyncio.ensure_future(
        asyncio.to_thread(_transfer, manager, src, display_name, report, cancelled)
    )
    try:
        return await asyncio.shield(worker)
    except asyncio.CancelledError:
        cancelled.set()
        # Let the worker stop before we report cancellation, so a cancelled upload never
        # leaves an orphan: it aborts before finalising, deletes a file it finalised after
        # the flag was set, or (when the flag came too late) hands the file back to us.
        leftover: GeminiFile | None = None
        with contextlib.suppress(BaseException):
            leftover = await asyncio.shield(worker)
        if leftover is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(asyncio.to_thread(manager.delete, leftover))
        raise


async def _aopen_source(source: UploadInput, mime_type: str | None) -> UploadSource:
    """:func:`open_source` in a worker thread; a spool file made for a cancelled call is removed."""
    worker = asyncio.ensure_future(asyncio.to_thread(open_source, source, mime_type=mime_type))
    try:
        return await asyncio.shield(worker)
    except asyncio.CancelledError:
        worker.add_done_callback(_cleanup_opened)
        raise


def _cleanup_opened(worker: asyncio.Future[UploadSource]) -> None:
    if not worker.cancelled() and worker.exception() is None:
        worker.result().cleanup()
