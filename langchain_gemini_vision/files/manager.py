"""The Gemini File API as a solid primitive: upload, wait until ACTIVE, reuse, clean up.

``GeminiFileManager`` wraps ``llm.client.files`` (a ``google.genai.Client``) with what the raw SDK
leaves to every caller: limits checked before any byte is sent, streamed uploads with progress,
polling with backoff and a deadline, FAILED files surfaced with the server's reason, reuse of
identical content across runs, and deletion of only the files this library created.

``routed_media`` / ``arouted_media`` are what every capability uses: they turn a ``PreparedMedia``
that is too big to send inline (or that names a File API file) into one that references an ACTIVE
file, and delete temporary uploads afterwards.

This module is the public face and the lifecycle (upload or reuse, wait, temporary files, orphan
pruning). ``get``/``list``/``delete`` and the retry plumbing of every call are inherited from
``files._remote``; the steps live in the private modules beside it (``_uploading``, ``_waiting``,
``_retrying``, ``_errors``, ``_events``, ``_refs``); the routing functions in ``files._routing``
(re-exported by ``files``).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

from langchain_google_genai import ChatGoogleGenerativeAI

from langchain_gemini_vision._core.client import model_name, resolve_llm
from langchain_gemini_vision._core.clock import WallClock, utc_now
from langchain_gemini_vision._core.polling import PollCallback, PollPolicy
from langchain_gemini_vision._core.retry import RetryPolicy
from langchain_gemini_vision.files._checks import (
    check_manager_args,
    check_upload_args,
    check_wait_args,
)
from langchain_gemini_vision.files._cleanup import aprune, arelease, pending, prune, release
from langchain_gemini_vision.files._index import FileIndex
from langchain_gemini_vision.files._refs import FileRef
from langchain_gemini_vision.files._remote import RemoteFileCalls
from langchain_gemini_vision.files._shared_listing import Listing, listing_for
from langchain_gemini_vision.files._source import ProgressCallback, UploadInput
from langchain_gemini_vision.files._uploading import aupload_or_reuse, upload_or_reuse
from langchain_gemini_vision.files._waiting import apoll_until_active, poll_until_active
from langchain_gemini_vision.types import GeminiFile

__all__ = [
    "OWNED_PREFIX",
    "FileRef",
    "GeminiFileManager",
    "PollPolicy",
    "RetryPolicy",
]

OWNED_PREFIX = "lcgv-"
"""Display-name prefix of files this library uploads; ``delete_owned`` deletes only these."""
DEFAULT_ENDPOINT = "https://generativelanguage.googleapis.com"


class GeminiFileManager(RemoteFileCalls):
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
        retry_policy: How uploads, gets, listings and deletions are retried after a transient
            failure (429, 5xx, dropped connection); ``RetryPolicy(attempts=1)`` disables it.
            Polling has its own schedule and retries until its deadline.
        sleep: Sleep function of the sync waiter and retries (inject a fake one in tests).
        clock: Monotonic clock of both waiters.
        now: Wall clock (aware UTC) compared with the server's expiration times when deciding
            whether a remote file can be reused; inject a fixed one in tests.
        asleep: Sleep coroutine of the async waiter and retries.
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
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        owned_prefix: str = OWNED_PREFIX,
        now: WallClock = utc_now,
    ) -> None:
        check_manager_args(locals())
        self.llm = resolve_llm(llm)
        self.reuse = reuse
        self.reuse_margin_s = reuse_margin_s
        self.poll_policy = poll_policy or PollPolicy()
        self.retry_policy = retry_policy or RetryPolicy()
        self.owned_prefix = owned_prefix
        self.now = now
        self._index = FileIndex(cache_dir, now=now)
        self._sleep = sleep
        self._clock = clock
        self._asleep = asleep
        self._rng = random.Random()

    def __repr__(self) -> str:
        # The model's name and endpoint only: never the client, whose config holds the key.
        return (
            f"GeminiFileManager(model={model_name(self.llm)!r}, endpoint={self._endpoint!r}, "
            f"reuse={self.reuse}, owned_prefix={self.owned_prefix!r})"
        )

    def _listing(self) -> Listing:
        """The listing shared by every wait on this manager's client (and clock)."""
        return listing_for(self.client, self._clock)

    @property
    def _endpoint(self) -> str:
        base = getattr(self.llm, "base_url", None)
        return str(base).rstrip("/") if isinstance(base, str) and base else DEFAULT_ENDPOINT

    # ---- sync lifecycle --------------------------------------------------------------------------

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

        A transient failure before the server returns the finished file (on the start request or
        any chunk) restarts the whole upload from the first byte, as ``retry_policy`` allows: the
        source is re-opened (a file object is sought back to where the upload started) and
        ``on_progress`` starts again from 0.

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
        check_upload_args(source, mime_type, display_name, on_progress, None)
        return upload_or_reuse(self, source, mime_type, display_name, on_progress)[0]

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
        check_wait_args(timeout, on_progress)
        return poll_until_active(
            lambda name: self.client.files.get(name=name),
            file,
            timeout,
            on_progress,
            policy=self.poll_policy,
            clock=self._clock,
            sleep=self._sleep,
            shared=(self._listing(), lambda config: self.client.files.list(config=config))
            if self.poll_policy.shared_listing
            else None,
        )

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
        here and may be in use elsewhere. The file is leased while the block runs, so a call of
        this process reusing it keeps it until the last one exits; a DELETE that keeps failing is
        recorded for :meth:`prune_orphans`.

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
        check_upload_args(source, mime_type, display_name, on_progress, timeout)
        file, created = upload_or_reuse(self, source, mime_type, display_name, on_progress, True)
        try:
            yield self.wait_until_active(file, timeout=timeout)
        finally:
            release(self, file, delete=created)

    def pending_deletions(self) -> builtins.list[str]:
        """Names of the uploads whose deletion failed and that wait for :meth:`prune_orphans`."""
        return [e.name for e in pending(self).entries(self._endpoint)]

    def prune_orphans(self) -> builtins.list[str]:
        """Delete the uploads whose deletion failed earlier (recorded in the cache folder).

        Files a call of this process still uses are skipped; a deletion that fails again stays
        recorded for the next prune.

        Returns:
            The names deleted (or found already gone) by this call.
        """
        return prune(self)

    # ---- async lifecycle -------------------------------------------------------------------------

    async def aprune_orphans(self) -> builtins.list[str]:
        """Async twin of :meth:`prune_orphans`."""
        return await aprune(self)

    async def aupload(
        self,
        source: UploadInput,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> GeminiFile:
        """Async twin of :meth:`upload`.

        File reading, hashing and each transfer attempt run in a worker thread so the event loop
        never blocks on disk I/O (``on_progress`` is called from that thread); waits between
        attempts use the async sleep. Cancelling the awaiting task aborts the transfer before it
        is finalised; if the last chunk was already sent, the new file is deleted before the
        cancellation propagates. A cancelled upload is never retried.
        """
        check_upload_args(source, mime_type, display_name, on_progress, None)
        return (await aupload_or_reuse(self, source, mime_type, display_name, on_progress))[0]

    async def await_until_active(
        self,
        file: FileRef,
        *,
        timeout: float | None = None,
        on_progress: PollCallback | None = None,
    ) -> GeminiFile:
        """Async twin of :meth:`wait_until_active`."""
        check_wait_args(timeout, on_progress)
        return await apoll_until_active(
            lambda name: self.client.aio.files.get(name=name),
            file,
            timeout,
            on_progress,
            policy=self.poll_policy,
            clock=self._clock,
            asleep=self._asleep,
            shared=(self._listing(), lambda config: self.client.aio.files.list(config=config))
            if self.poll_policy.shared_listing
            else None,
        )

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
        check_upload_args(source, mime_type, display_name, on_progress, timeout)
        file, created = await aupload_or_reuse(
            self, source, mime_type, display_name, on_progress, True
        )
        try:
            yield await self.await_until_active(file, timeout=timeout)
        finally:
            await arelease(self, file, delete=created)
