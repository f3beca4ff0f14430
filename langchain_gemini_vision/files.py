"""The Gemini File API as a solid primitive: upload, wait until ACTIVE, reuse, clean up.

``GeminiFileManager`` wraps ``llm.client.files`` (a ``google.genai.Client``) with what the raw SDK
leaves to every caller: limits checked before any byte is sent, streamed uploads with progress,
polling with backoff and a deadline, FAILED files surfaced with the server's reason, reuse of
identical content across runs, and deletion of only the files this library created.

``routed_media`` / ``arouted_media`` are what every capability uses: they turn a ``PreparedMedia``
that is too big to send inline (or that names a File API file) into one that references an ACTIVE
file, and delete temporary uploads afterwards.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from langchain_google_genai import ChatGoogleGenerativeAI

from ._client import genai_client, model_name, resolve_llm
from ._file_index import FileIndex
from ._file_source import (
    ProgressCallback,
    ProgressReader,
    UploadCancelled,
    UploadInput,
    UploadSource,
    open_source,
)
from ._media import PreparedMedia, file_api_name, kind_of_mime
from ._polling import PollCallback, PollLoop, PollPolicy, error_status, is_transient
from .errors import (
    ConfigurationError,
    FileProcessingError,
    GeminiVisionError,
    InvalidRequestError,
    MediaAccessError,
)
from .types import GeminiFile

__all__ = [
    "OWNED_PREFIX",
    "FileRef",
    "GeminiFileManager",
    "PollPolicy",
    "arouted_media",
    "routed_media",
]

logger = logging.getLogger(__name__)

OWNED_PREFIX = "lcgv-"
"""Display-name prefix of files this library uploads; ``delete_owned`` deletes only these."""
DEFAULT_ENDPOINT = "https://generativelanguage.googleapis.com"
_ALL_FILES = "the project's files"
_MAX_DISPLAY_NAME = 512

FileRef = Any
"""A File API file: ``files/<id>``, its https URI, a ``GeminiFile`` or a ``google.genai`` File."""


def _name_of(file: FileRef) -> str:
    """``files/<id>`` for any accepted file reference."""
    if isinstance(file, GeminiFile):
        return file.name
    if isinstance(file, str):
        name = file_api_name(file)
        if name:
            return name
        raise InvalidRequestError(
            f"{file[:100]!r} is not a Gemini File API name: expected 'files/<id>' or "
            "'https://generativelanguage.googleapis.com/v1beta/files/<id>'."
        )
    name = getattr(file, "name", None)
    if isinstance(name, str) and name.startswith("files/"):
        return name
    raise InvalidRequestError(f"Cannot use a {type(file).__name__} as a File API file.")


def _key_rejected(exc: BaseException, status: int | None) -> bool:
    """Whether the API refused the key itself (``API_KEY_INVALID``, or 401), not the request."""
    if status == 401:
        return True
    if status != 400:
        return False
    details: Any = getattr(exc, "details", None)
    error: Any = details.get("error", details) if isinstance(details, dict) else None
    items = error.get("details") if isinstance(error, dict) else None
    reasons = [i.get("reason") for i in items or [] if isinstance(i, dict)]
    return "API_KEY_INVALID" in reasons or "API key not valid" in str(exc)


def _api_error(exc: BaseException, name: str, action: str, *, waiting: bool = False) -> Exception:
    """Map a google-genai error to one of ours, with a next step (never the key itself)."""
    status = error_status(exc)
    message = str(getattr(exc, "message", "") or "").strip().rstrip(".")
    if _key_rejected(exc, status):
        return ConfigurationError(
            f"Gemini rejected the API key while trying to {action} {name} (HTTP {status}"
            f"{': ' + message if message else ''}). Check GOOGLE_API_KEY / GEMINI_API_KEY, or the "
            "api_key given to ChatGoogleGenerativeAI; keys are at https://aistudio.google.com/apikey."
        )
    if status in (403, 404) and waiting:
        return FileProcessingError(
            f"{name} disappeared while waiting for it to become ACTIVE (deleted, or expired "
            "after 48 h). Upload the file again.",
            file_name=name,
            server_message=message,
        )
    if status == 404:
        return MediaAccessError(
            f"Gemini file {name} does not exist: it was deleted, has expired (files are kept "
            "48 h), or the name is wrong. Upload the file again, or list your files with "
            "GeminiFileManager.list().",
            rule="not_found",
        )
    if status == 403:
        # The live API answers 403 alike for unknown, expired and other projects' files.
        return MediaAccessError(
            f"Cannot {action} Gemini file {name}: it does not exist, has expired (files are "
            "kept 48 h), or belongs to another project (a different API key). Upload the file "
            "again with this key, or use the key of the project that uploaded it.",
            rule="permission",
        )
    if status == 429:
        return GeminiVisionError(
            f"The File API rate limit or quota was hit while trying to {action} {name}"
            f"{': ' + message if message else ''}. Wait and retry; files you no longer need can "
            "be removed with GeminiFileManager.delete_owned() (20 GB per project)."
        )
    if status is not None:
        return GeminiVisionError(
            f"The File API refused to {action} {name}: HTTP {status}"
            f"{': ' + message if message else ''}." + (" Retry later." if status >= 500 else "")
        )
    return GeminiVisionError(f"Could not {action} {name}: {type(exc).__name__}: {exc}")


@contextlib.contextmanager
def _api_errors(name: str, action: str, *, transient: bool = True) -> Iterator[None]:
    """Turn google-genai API errors raised in the block into ours (see :func:`_api_error`).

    Anything that is not an API error passes through unchanged, except transport errors
    (resets, timeouts) when ``transient`` is True: those are mapped too, so callers get a
    ``GeminiVisionError`` they can retry. Works around sync and ``await``-ing code alike.
    """
    try:
        yield
    except Exception as exc:
        if error_status(exc) is None and not (transient and is_transient(exc)):
            raise
        raise _api_error(exc, name, action) from exc


@dataclass
class _Deletion:
    deleted: bool = True


@contextlib.contextmanager
def _deleting(name: str, *, missing_ok: bool) -> Iterator[_Deletion]:
    """Map errors of a delete call; a file already gone is success (``deleted=False``).

    "Gone" is a 404, or the 403 the live API answers alike for unknown and expired files.
    """
    outcome = _Deletion()
    try:
        with _api_errors(name, "delete", transient=False):
            yield outcome
    except MediaAccessError as exc:
        if not (missing_ok and exc.rule in ("not_found", "permission")):
            raise
        outcome.deleted = False


def _emit(event: str, data: dict[str, Any]) -> None:
    """Send a LangChain custom event when we run inside a traced run (else do nothing)."""
    from langchain_core.callbacks.manager import dispatch_custom_event
    from langchain_core.runnables.config import var_child_runnable_config

    if var_child_runnable_config.get() is None:
        return
    with contextlib.suppress(RuntimeError):  # no parent run: nobody to tell
        dispatch_custom_event(event, data)


async def _aemit(event: str, data: dict[str, Any]) -> None:
    """Async twin of :func:`_emit`."""
    from langchain_core.callbacks.manager import adispatch_custom_event
    from langchain_core.runnables.config import var_child_runnable_config

    if var_child_runnable_config.get() is None:
        return
    with contextlib.suppress(RuntimeError):
        await adispatch_custom_event(event, data)


class GeminiFileManager:
    """Upload, wait for, reuse, list and delete Gemini File API files.

    Every method has an async twin with an ``a`` prefix (``aupload``, ``await_until_active``,
    ``aget``, ``alist``, ``adelete``, ``adelete_owned``, ``atemporary``).

    Args:
        llm: The Gemini chat model whose ``.client`` is used; built from the environment when
            omitted. The manager keeps a reference to it because the model closes its client when
            it is garbage-collected.
        cache_dir: Folder of the reuse index (default ``$GEMINI_VISION_CACHE_DIR`` or the user
            cache directory).
        reuse: Reuse an ACTIVE remote file with identical content (sha256) instead of uploading.
        reuse_margin_s: Reuse only files with at least this many seconds before they expire.
        poll_policy: Backoff and deadline of :meth:`wait_until_active`.
        sleep: Sleep function of the sync waiter (inject a fake one in tests).
        clock: Monotonic clock of both waiters.
        asleep: Sleep coroutine of the async waiter.
        owned_prefix: Display-name prefix that marks files this library uploaded.

    Example:
        >>> manager = GeminiFileManager(llm)
        >>> with manager.temporary("talk.mp4") as file:  # doctest: +SKIP
        ...     print(file.uri, file.video_duration_s)
    """

    def __init__(
        self,
        llm: ChatGoogleGenerativeAI | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        reuse: bool = True,
        reuse_margin_s: float = 3600.0,
        poll_policy: PollPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        owned_prefix: str = OWNED_PREFIX,
    ) -> None:
        self.llm = resolve_llm(llm)
        self.reuse = reuse
        self.reuse_margin_s = reuse_margin_s
        self.poll_policy = poll_policy or PollPolicy()
        self.owned_prefix = owned_prefix
        self._index = FileIndex(cache_dir)
        self._sleep = sleep
        self._clock = clock
        self._asleep = asleep

    def __repr__(self) -> str:
        # The model's name and endpoint only: never the client, whose config holds the key.
        return (
            f"GeminiFileManager(model={model_name(self.llm)!r}, endpoint={self._endpoint!r}, "
            f"reuse={self.reuse}, owned_prefix={self.owned_prefix!r})"
        )

    @property
    def client(self) -> Any:
        """The ``google.genai.Client`` of the model."""
        return genai_client(self.llm)

    @property
    def _endpoint(self) -> str:
        base = getattr(self.llm, "base_url", None)
        return str(base).rstrip("/") if isinstance(base, str) and base else DEFAULT_ENDPOINT

    def _display_name(self, display_name: str | None, src: UploadSource) -> str:
        base = display_name or os.path.basename(src.label.strip("<>")) or "upload"
        name = base if base.startswith(self.owned_prefix) else self.owned_prefix + base
        return name[:_MAX_DISPLAY_NAME]

    def _reporter(self, on_progress: ProgressCallback | None, label: str) -> ProgressCallback:
        def report(sent: int, total: int) -> None:
            if on_progress is not None:
                on_progress(sent, total)
            _emit("gemini_file_upload", {"source": label, "bytes_sent": sent, "total": total})

        return report

    def _usable(self, file: GeminiFile, sha256_hex: str) -> bool:
        """Whether a remote file can stand in for content with this hash right now."""
        if file.state != "ACTIVE" or file.sha256_hex != sha256_hex:
            return False
        if file.expiration_time is None:
            return True
        expires = file.expiration_time
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=timezone.utc)
        left = (expires - datetime.now(timezone.utc)).total_seconds()
        return left >= self.reuse_margin_s

    def _is_owned(self, file: GeminiFile) -> bool:
        return (file.display_name or "").startswith(self.owned_prefix)

    def _reuse_key(self, src: UploadSource) -> str:
        return FileIndex.key(self._endpoint, src.sha256_hex())

    # ---- sync API ---------------------------------------------------------------------------

    def get(self, file: FileRef) -> GeminiFile:
        """Fetch the current state of a file.

        Args:
            file: The file (``files/<id>``, its https URI, a ``GeminiFile`` or an SDK file).

        Returns:
            A fresh ``GeminiFile`` snapshot (state, size, hash, expiry, video duration).

        Raises:
            ConfigurationError: The API key was rejected.
            MediaAccessError: The file does not exist (``rule="not_found"``) or belongs to
                another project (``rule="permission"``).
        """
        name = _name_of(file)
        with _api_errors(name, "read"):
            return GeminiFile.from_sdk(self.client.files.get(name=name))

    def list(self, *, page_size: int = 100) -> Iterator[GeminiFile]:
        """Iterate over the project's files, fetching pages lazily as you go.

        Args:
            page_size: Files asked for per page (the API caps it at 100).

        Yields:
            One ``GeminiFile`` per remote file, including files other tools uploaded.

        Raises:
            ConfigurationError: The API key was rejected.
            GeminiVisionError: The API refused the listing (rate limit, server error).
        """
        with _api_errors(_ALL_FILES, "list", transient=False):
            for item in self.client.files.list(config={"page_size": page_size}):
                yield GeminiFile.from_sdk(item)

    def delete(self, file: FileRef, *, missing_ok: bool = True) -> bool:
        """Delete a file; True if it was deleted, False if it was already gone.

        Args:
            file: The file (name, URI, ``GeminiFile`` or SDK file).
            missing_ok: Treat a file that is gone (404, or the 403 the live API answers for
                unknown and expired files) as success, returning False.

        Returns:
            True when this call deleted the file, False when it was already gone.

        Raises:
            ConfigurationError: The API key was rejected.
            MediaAccessError: The file is not accessible and ``missing_ok`` is False.
        """
        name = _name_of(file)
        self._index.forget(name=name)
        with _deleting(name, missing_ok=missing_ok) as outcome:
            self.client.files.delete(name=name)
        return outcome.deleted

    def delete_owned(self) -> builtins.list[str]:
        """Delete every file whose display name carries this library's prefix.

        Files uploaded by other tools (without the prefix) are never touched.

        Returns:
            The names of the files deleted by this call.
        """
        owned = [f.name for f in self.list() if self._is_owned(f)]
        return [name for name in owned if self.delete(name)]

    def upload(
        self,
        source: UploadInput,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> GeminiFile:
        """Upload a path, bytes or binary file object (or reuse an identical ACTIVE file).

        Limits (empty, > 2 GB, unsupported type) are checked before any byte is sent; the content
        is streamed in 8 MiB chunks, never held whole in memory. The returned file may still be
        PROCESSING: pass it to :meth:`wait_until_active`.

        Args:
            source: A path, bytes, or a binary file object (uploaded from its current position).
            mime_type: The content's MIME type; sniffed from the bytes when omitted.
            display_name: Shown in the File API; prefixed with ``owned_prefix``.
            on_progress: ``callback(bytes_sent, total)`` after each chunk (also sent as the
                LangChain custom event ``gemini_file_upload`` inside a traced run).

        Returns:
            The uploaded (or reused) file; check ``state`` or wait for it to become ACTIVE.

        Raises:
            ConfigurationError: The API key was rejected.
            MediaAccessError: Missing path, a folder, an empty file or a text-mode stream.
            MediaTooLargeError: Over the File API's 2 GB per-file limit.
            UnsupportedMediaError: Not a type Gemini reads and no ``mime_type`` given.
            GeminiVisionError: The API refused the upload (quota, rate limit, ...).
        """
        return self._upload(source, mime_type, display_name, on_progress)[0]

    def _upload(
        self,
        source: UploadInput,
        mime_type: str | None,
        display_name: str | None,
        on_progress: ProgressCallback | None,
        cancelled: threading.Event | None = None,
    ) -> tuple[GeminiFile, bool]:
        """Upload or reuse; the flag says whether this call created the file."""
        src = open_source(source, mime_type=mime_type)
        try:
            if self.reuse:
                found = self._find_reusable(src)
                if found is not None:
                    return found, False
            uploaded = self._send(src, display_name, on_progress, cancelled)
            if self.reuse:
                self._index.remember(self._reuse_key(src), uploaded.name, uploaded.expiration_time)
            return uploaded, True
        finally:
            src.cleanup()

    def _find_reusable(self, src: UploadSource) -> GeminiFile | None:
        key = self._reuse_key(src)
        name = self._index.lookup(key)
        if name is None:
            return None
        try:
            remote = self.get(name)
        except MediaAccessError:
            self._index.forget(key=key)
            return None
        except GeminiVisionError:  # transient trouble: just upload
            return None
        if not self._usable(remote, src.sha256_hex()):
            self._index.forget(key=key)
            return None
        logger.info("Reusing %s for %s (same sha256)", remote.name, src.label)
        return remote

    def _send(
        self,
        src: UploadSource,
        display_name: str | None,
        on_progress: ProgressCallback | None,
        cancelled: threading.Event | None,
    ) -> GeminiFile:
        """Stream the bytes through the SDK's resumable upload (blocking)."""
        report = self._reporter(on_progress, src.label)
        config = {"mime_type": src.mime_type, "display_name": self._display_name(display_name, src)}
        with _api_errors(src.label, "upload"), src.open() as raw:
            reader = ProgressReader(raw, src.size, report, cancelled)
            sdk_file = self.client.files.upload(file=reader, config=config)
        uploaded = GeminiFile.from_sdk(sdk_file)
        if cancelled is not None and cancelled.is_set():
            # Cancelled after the last chunk was sent: the file exists, so remove it ourselves.
            self.delete(uploaded.name)
            raise UploadCancelled("upload cancelled after finalising")
        report(src.size, src.size)
        return uploaded

    def wait_until_active(
        self,
        file: FileRef,
        *,
        timeout: float | None = None,
        on_progress: PollCallback | None = None,
    ) -> GeminiFile:
        """Poll until the file is ACTIVE, with backoff and a deadline.

        A ``GeminiFile`` snapshot that is already ACTIVE is returned without a request.

        Args:
            file: The file (name, URI, ``GeminiFile`` or SDK file).
            timeout: Seconds to wait; default from the policy, scaled to the file's size.
            on_progress: ``callback(file_snapshot, elapsed_s)`` after each poll (also the
                LangChain custom event ``gemini_file_poll``).

        Returns:
            The ACTIVE file (for videos with ``video_duration_s`` when the server reports it).

        Raises:
            ConfigurationError: The API key was rejected.
            FileProcessingError: The server marked the file FAILED (its message is included), or
                the file vanished while waiting.
            FileProcessingTimeout: Not ACTIVE before the deadline.
            MediaAccessError: Unknown file, or a file of another project.
        """
        name, snapshot, loop = self._start_wait(file, timeout)
        while True:
            if snapshot is None:
                try:
                    snapshot = GeminiFile.from_sdk(self.client.files.get(name=name))
                except Exception as exc:
                    self._poll_failed(loop, exc)
            if snapshot is not None:
                event = self._polled(loop, snapshot, timeout, on_progress)
                if event is None:
                    return snapshot
                _emit("gemini_file_poll", event)
            snapshot = None
            self._sleep(loop.next_delay(self._clock()))

    # ---- the wait loop's pure steps (shared by both waiters) ----------------------------------

    def _start_wait(
        self, file: FileRef, timeout: float | None
    ) -> tuple[str, GeminiFile | None, PollLoop]:
        """The name, the snapshot to look at first (None: poll first), and a fresh loop."""
        name = _name_of(file)
        snapshot = file if isinstance(file, GeminiFile) else None
        size = snapshot.size_bytes if snapshot is not None else None
        deadline = self.poll_policy.deadline_for(size, timeout)
        return name, snapshot, PollLoop(name, self.poll_policy, self._clock(), deadline)

    def _poll_failed(self, loop: PollLoop, exc: Exception) -> None:
        """Record a failed ``files.get``, or raise what retrying cannot fix (mapped)."""
        if is_transient(exc):
            loop.on_error(exc, self._clock())
            return
        if error_status(exc) is None:
            raise exc
        raise _api_error(exc, loop.file_name, "read", waiting=loop.polls > 0) from exc

    def _polled(
        self,
        loop: PollLoop,
        snapshot: GeminiFile,
        timeout: float | None,
        on_progress: PollCallback | None,
    ) -> dict[str, Any] | None:
        """Record a snapshot: None once ACTIVE, else the progress event to send.

        Raises:
            FileProcessingError: The file is FAILED.
        """
        if loop.polls == 0 and timeout is None and snapshot.size_bytes:
            # The size is often only known after the first GET: scale the default deadline then.
            loop.deadline_s = self.poll_policy.deadline_for(snapshot.size_bytes, None)
        if loop.on_snapshot(snapshot, self._clock()):
            return None
        elapsed = loop.elapsed(self._clock())
        if on_progress is not None:
            on_progress(snapshot, elapsed)
        return {"name": snapshot.name, "state": snapshot.state, "elapsed_s": round(elapsed, 3)}

    @contextlib.contextmanager
    def temporary(
        self,
        source: UploadInput,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[GeminiFile]:
        """Upload, wait until ACTIVE, yield the file, and delete it on exit (also on errors).

        A file reused from an earlier upload (same content) is left in place: it was not created
        here and may be in use elsewhere.

        Args:
            source: A path, bytes, or a binary file object.
            mime_type: The content's MIME type; sniffed from the bytes when omitted.
            display_name: Shown in the File API; prefixed with ``owned_prefix``.
            timeout: Seconds to wait for ACTIVE; default scaled to the file's size.
            on_progress: ``callback(bytes_sent, total)`` during the upload.

        Yields:
            The ACTIVE ``GeminiFile``.

        Raises:
            MediaAccessError: Missing, a folder, empty or unreadable source.
            MediaTooLargeError: Over the 2 GB per-file limit.
            UnsupportedMediaError: Not a type Gemini reads and no ``mime_type`` given.
            FileProcessingError: The server marked the file FAILED (it is deleted).
            FileProcessingTimeout: Not ACTIVE before the deadline (it is deleted).
        """
        file, created = self._upload(source, mime_type, display_name, on_progress)
        try:
            yield self.wait_until_active(file, timeout=timeout)
        finally:
            if created:
                self.delete(file, missing_ok=True)

    # ---- async API --------------------------------------------------------------------------

    async def aget(self, file: FileRef) -> GeminiFile:
        """Async twin of :meth:`get`."""
        name = _name_of(file)
        with _api_errors(name, "read"):
            return GeminiFile.from_sdk(await self.client.aio.files.get(name=name))

    async def alist(self, *, page_size: int = 100) -> AsyncIterator[GeminiFile]:
        """Async twin of :meth:`list`."""
        with _api_errors(_ALL_FILES, "list", transient=False):
            pager = await self.client.aio.files.list(config={"page_size": page_size})
            async for item in pager:
                yield GeminiFile.from_sdk(item)

    async def adelete(self, file: FileRef, *, missing_ok: bool = True) -> bool:
        """Async twin of :meth:`delete`."""
        name = _name_of(file)
        await asyncio.to_thread(self._index.forget, name=name)
        with _deleting(name, missing_ok=missing_ok) as outcome:
            await self.client.aio.files.delete(name=name)
        return outcome.deleted

    async def adelete_owned(self) -> builtins.list[str]:
        """Async twin of :meth:`delete_owned`."""
        owned = [f.name async for f in self.alist() if self._is_owned(f)]
        return [name for name in owned if await self.adelete(name)]

    async def aupload(
        self,
        source: UploadInput,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> GeminiFile:
        """Async twin of :meth:`upload`.

        File reading, hashing and the chunked transfer run in a worker thread so the event loop
        never blocks on disk I/O (``on_progress`` is called from that thread). Cancelling the
        awaiting task aborts the transfer before it is finalised; if the last chunk was already
        sent, the new file is deleted before the cancellation propagates.
        """
        return (await self._aupload(source, mime_type, display_name, on_progress))[0]

    async def _aupload(
        self,
        source: UploadInput,
        mime_type: str | None,
        display_name: str | None,
        on_progress: ProgressCallback | None,
    ) -> tuple[GeminiFile, bool]:
        cancelled = threading.Event()
        worker = asyncio.ensure_future(
            asyncio.to_thread(self._upload, source, mime_type, display_name, on_progress, cancelled)
        )
        try:
            return await asyncio.shield(worker)
        except asyncio.CancelledError:
            cancelled.set()
            # Let the worker stop before we report cancellation, so a cancelled upload never
            # leaves an orphan: it aborts before finalising, deletes a file it finalised after
            # the flag was set, or (when the flag came too late) hands the file back to us.
            leftover: tuple[GeminiFile, bool] | None = None
            with contextlib.suppress(BaseException):
                leftover = await asyncio.shield(worker)
            if leftover is not None and leftover[1]:
                with contextlib.suppress(BaseException):
                    await asyncio.shield(asyncio.to_thread(self.delete, leftover[0]))
            raise

    async def await_until_active(
        self,
        file: FileRef,
        *,
        timeout: float | None = None,
        on_progress: PollCallback | None = None,
    ) -> GeminiFile:
        """Async twin of :meth:`wait_until_active`."""
        name, snapshot, loop = self._start_wait(file, timeout)
        while True:
            if snapshot is None:
                try:
                    snapshot = GeminiFile.from_sdk(await self.client.aio.files.get(name=name))
                except Exception as exc:
                    self._poll_failed(loop, exc)
            if snapshot is not None:
                event = self._polled(loop, snapshot, timeout, on_progress)
                if event is None:
                    return snapshot
                await _aemit("gemini_file_poll", event)
            snapshot = None
            await self._asleep(loop.next_delay(self._clock()))

    @contextlib.asynccontextmanager
    async def atemporary(
        self,
        source: UploadInput,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> AsyncIterator[GeminiFile]:
        """Async twin of :meth:`temporary` (also deletes when the task is cancelled)."""
        file, created = await self._aupload(source, mime_type, display_name, on_progress)
        try:
            yield await self.await_until_active(file, timeout=timeout)
        finally:
            if created:
                await _shielded_delete(self, file)


async def _shielded_delete(manager: GeminiFileManager, file: FileRef) -> None:
    """Delete even while the surrounding task is being cancelled."""
    task = asyncio.ensure_future(manager.adelete(file, missing_ok=True))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(BaseException):
            await task
        raise


# ---- routing used by every capability ---------------------------------------------------------


def _route(prepared: PreparedMedia, upload_inline: bool) -> str | bool:
    """What routing must do: a ``files/...`` name to resolve, True to upload, False for nothing."""
    if prepared.file_uri is not None:
        return file_api_name(prepared.file_uri) or False  # YouTube, gs://: Gemini reads them
    return prepared.needs_upload or (upload_inline and prepared.data is not None)


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
    if prepared.path is not None:
        return prepared.path, mime
    assert prepared.data is not None  # needs_upload without path means big inline data
    return prepared.data, mime


def _cleanup_delete(files: GeminiFileManager, file: GeminiFile) -> None:
    # Runs in a finally: a failed delete must not mask the error that got us here.
    try:
        files.delete(file, missing_ok=True)
    except Exception as exc:
        logger.warning("Could not delete temporary upload %s: %s", file.name, exc)


async def _acleanup_delete(files: GeminiFileManager, file: GeminiFile) -> None:
    try:
        await _shielded_delete(files, file)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        logger.warning("Could not delete temporary upload %s: %s", file.name, exc)


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
      ``delete_after`` is True.
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
    files = manager or GeminiFileManager(llm)
    if isinstance(route, str):
        yield _with_file(prepared, files.wait_until_active(files.get(route), timeout=timeout))
        return
    uploaded, created = files._upload(*_upload_args(prepared), None, on_progress)
    try:
        active = files.wait_until_active(uploaded, timeout=timeout)
        yield _with_file(prepared, active)
    finally:
        if created and delete_after:
            _cleanup_delete(files, uploaded)


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
    files = manager or GeminiFileManager(llm)
    if isinstance(route, str):
        active = await files.await_until_active(await files.aget(route), timeout=timeout)
        yield _with_file(prepared, active)
        return
    uploaded, created = await files._aupload(*_upload_args(prepared), None, on_progress)
    try:
        active = await files.await_until_active(uploaded, timeout=timeout)
        yield _with_file(prepared, active)
    finally:
        if created and delete_after:
            await _acleanup_delete(files, uploaded)
