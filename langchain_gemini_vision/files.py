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
import functools
import logging
import os
import random
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, TypeVar

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
from ._retry import RetryPolicy, RetryStep, retry_step
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
    "RetryPolicy",
    "arouted_media",
    "routed_media",
]

logger = logging.getLogger(__name__)

OWNED_PREFIX = "lcgv-"
"""Display-name prefix of files this library uploads; ``delete_owned`` deletes only these."""
DEFAULT_ENDPOINT = "https://generativelanguage.googleapis.com"
_ALL_FILES = "the project's files"
_MAX_DISPLAY_NAME = 512
_T = TypeVar("_T")

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


def _page_config(page_size: int, token: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {"page_size": page_size}
    if token:
        config["page_token"] = token
    return config


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


def _api_error(
    exc: BaseException,
    name: str,
    action: str,
    *,
    waiting: bool = False,
    step: RetryStep | None = None,
    attempts: int = 1,
) -> Exception:
    """Map a google-genai error to one of ours, with a next step (never the key itself).

    ``step`` and ``attempts`` say how the retry loop gave up, so the message can tell that the
    call was tried several times, or that the server asked for a longer wait than allowed.
    """
    status = error_status(exc)
    message = str(getattr(exc, "message", "") or "").strip().rstrip(".")
    if step is not None and step.too_long and step.server_delay_s is not None:
        return GeminiVisionError(
            f"The File API asked to retry in {step.server_delay_s:.0f} s while trying to {action} "
            f"{name} ({step.reason}{': ' + message if message else ''}), longer than the "
            f"{step.max_delay_s:g} s this manager waits between attempts, so the call gave up at "
            "once. Retry after that delay, or allow longer waits with GeminiFileManager("
            "retry_policy=RetryPolicy(max_delay_s=...))."
        )
    if step is not None and step.transient and attempts > 1:
        name = f"{name} after {attempts} attempts"
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
    return GeminiVisionError(
        f"Could not {action} {name}: {type(exc).__name__}: {str(exc).rstrip('.')}. Check the "
        "network connection and retry."
    )


def _delete_answer(exc: BaseException, attempt: int, missing_ok: bool) -> bool | None:
    """What ``delete`` returns when ``exc`` says the file is gone; None when it does not.

    "Gone" is a 404, or the 403 the live API answers alike for unknown and expired files. After
    a retry it means success: the attempt that seemed to fail may well have deleted the file.
    """
    if error_status(exc) not in (403, 404):
        return None
    if attempt > 1:
        return True
    return False if missing_ok else None


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
        retry_policy: How uploads, gets, listings and deletions are retried after a transient
            failure (429, 5xx, dropped connection); ``RetryPolicy(attempts=1)`` disables it.
            Polling has its own schedule and retries until its deadline.
        sleep: Sleep function of the sync waiter and retries (inject a fake one in tests).
        clock: Monotonic clock of both waiters.
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
    ) -> None:
        self.llm = resolve_llm(llm)
        self.reuse = reuse
        self.reuse_margin_s = reuse_margin_s
        self.poll_policy = poll_policy or PollPolicy()
        self.retry_policy = retry_policy or RetryPolicy()
        self.owned_prefix = owned_prefix
        self._index = FileIndex(cache_dir)
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

    # ---- retrying: one decision, a sync and an async loop -------------------------------------

    def _after_failure(self, exc: Exception, attempt: int, name: str, action: str) -> float:
        """Seconds to wait before the next attempt, or raise what the caller should see.

        Errors that are neither API nor transport errors (ours, cancellation, bugs) pass through
        unchanged; API and transport errors are mapped by :func:`_api_error`.
        """
        step = retry_step(self.retry_policy, exc, attempt, self._rng)
        if step.retry:
            # The reason is a status or a class name: never the error text, never the key.
            logger.info(
                "Retrying %s of %s in %.2f s after %s (attempt %d of %d failed)",
                action,
                name,
                step.delay_s,
                step.reason,
                attempt,
                self.retry_policy.attempts,
            )
            return step.delay_s
        if error_status(exc) is None and not step.transient:
            raise exc
        raise _api_error(exc, name, action, step=step, attempts=attempt) from exc

    def _retrying(self, call: Callable[[int], _T], name: str, action: str) -> _T:
        """Run ``call(attempt)`` until it succeeds or :meth:`_after_failure` gives up."""
        attempt = 1
        while True:
            try:
                return call(attempt)
            except Exception as exc:
                delay = self._after_failure(exc, attempt, name, action)
            self._sleep(delay)
            attempt += 1

    async def _aretrying(self, call: Callable[[int], Awaitable[_T]], name: str, action: str) -> _T:
        """Async twin of :meth:`_retrying` (waits with the async sleep; cancellable there)."""
        attempt = 1
        while True:
            try:
                return await call(attempt)
            except Exception as exc:
                delay = self._after_failure(exc, attempt, name, action)
            await self._asleep(delay)
            attempt += 1

    def _list_page(self, config: dict[str, Any], _attempt: int) -> Any:
        return self.client.files.list(config=config)

    async def _alist_page(self, config: dict[str, Any], _attempt: int) -> Any:
        return await self.client.aio.files.list(config=config)

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
        sdk_file = self._retrying(lambda _: self.client.files.get(name=name), name, "read")
        return GeminiFile.from_sdk(sdk_file)

    def list(self, *, page_size: int = 100) -> Iterator[GeminiFile]:
        """Iterate over the project's files, fetching pages lazily as you go.

        Args:
            page_size: Files asked for per page (the API caps it at 100).

        Yields:
            One ``GeminiFile`` per remote file, including files other tools uploaded.

        Raises:
            ConfigurationError: The API key was rejected.
            GeminiVisionError: The API refused the listing (rate limit, server error), or the
                network failed, more often than the retry policy allows.
        """
        token: str | None = None
        while True:
            # Pages are fetched one by one, so a failed page is retried on its own.
            config = _page_config(page_size, token)
            pager = self._retrying(functools.partial(self._list_page, config), _ALL_FILES, "list")
            for item in pager.page:
                yield GeminiFile.from_sdk(item)
            token = pager.config.get("page_token")
            if not token:
                return

    def delete(self, file: FileRef, *, missing_ok: bool = True) -> bool:
        """Delete a file; True if it was deleted, False if it was already gone.

        Args:
            file: The file (name, URI, ``GeminiFile`` or SDK file).
            missing_ok: Treat a file that is gone (404, or the 403 the live API answers for
                unknown and expired files) as success, returning False.

        Returns:
            True when this call deleted the file, False when it was already gone. A "gone"
            answer to a retried attempt counts as deleted (whatever the ``missing_ok``): the
            attempt that seemed to fail may have deleted the file.

        Raises:
            ConfigurationError: The API key was rejected.
            MediaAccessError: The file is not accessible and ``missing_ok`` is False.
        """
        name = _name_of(file)
        self._index.forget(name=name)

        def attempt_delete(attempt: int) -> bool:
            try:
                self.client.files.delete(name=name)
            except Exception as exc:
                answer = _delete_answer(exc, attempt, missing_ok)
                if answer is None:
                    raise
                return answer
            return True

        return self._retrying(attempt_delete, name, "delete")

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
        return self._upload(source, mime_type, display_name, on_progress)[0]

    def _upload(
        self,
        source: UploadInput,
        mime_type: str | None,
        display_name: str | None,
        on_progress: ProgressCallback | None,
    ) -> tuple[GeminiFile, bool]:
        """Upload or reuse; the flag says whether this call created the file."""
        src = open_source(source, mime_type=mime_type)
        try:
            if self.reuse:
                key, name = self._reuse_lookup(src)
                if name is not None:
                    found, stale = self._reuse_verdict(src, self._get_or_error(name))
                    if stale:
                        self._index.forget(key=key)
                    if found is not None:
                        return found, False
            report = self._reporter(on_progress, src.label)
            uploaded = self._retrying(
                lambda _: self._transfer(src, display_name, report, None), src.label, "upload"
            )
            return uploaded, True
        finally:
            src.cleanup()

    # ---- the upload's steps (shared by both uploaders) -----------------------------------------

    def _reuse_lookup(self, src: UploadSource) -> tuple[str, str | None]:
        """The reuse key (hashing the content: blocking) and the file it last named, if any."""
        key = self._reuse_key(src)
        return key, self._index.lookup(key)

    def _get_or_error(self, name: str) -> GeminiFile | GeminiVisionError:
        try:
            return self.get(name)
        except GeminiVisionError as exc:
            return exc

    def _reuse_verdict(
        self, src: UploadSource, remote: GeminiFile | GeminiVisionError
    ) -> tuple[GeminiFile | None, bool]:
        """The file to reuse (None: upload), and whether the index entry is stale."""
        if isinstance(remote, MediaAccessError):
            return None, True
        if isinstance(remote, GeminiVisionError):  # still failing after retries: just upload
            return None, False
        if not self._usable(remote, src.sha256_hex()):
            return None, True
        logger.info("Reusing %s for %s (same sha256)", remote.name, src.label)
        return remote, False

    def _remember(self, src: UploadSource, uploaded: GeminiFile) -> None:
        if self.reuse:
            self._index.remember(self._reuse_key(src), uploaded.name, uploaded.expiration_time)

    def _transfer(
        self,
        src: UploadSource,
        display_name: str | None,
        report: ProgressCallback,
        cancelled: threading.Event | None,
    ) -> GeminiFile:
        """One attempt: stream the bytes through the SDK's resumable upload (blocking).

        Raises the SDK's errors unmapped, for the retry loop to judge. Once the SDK returns, the
        file exists: nothing after that point raises anything the loop would retry.
        """
        config = {"mime_type": src.mime_type, "display_name": self._display_name(display_name, src)}
        with src.open() as raw:
            reader = ProgressReader(raw, src.size, report, cancelled)
            sdk_file = self.client.files.upload(file=reader, config=config)
        uploaded = GeminiFile.from_sdk(sdk_file)
        if cancelled is not None and cancelled.is_set():
            # Cancelled after the last chunk was sent: the file exists, so remove it ourselves.
            self.delete(uploaded.name)
            raise UploadCancelled("upload cancelled after finalising")
        report(src.size, src.size)
        # Remembered here, in the attempt, so that the async uploader has no await point left
        # between the file's creation and handing it back (a cancel there would orphan it).
        self._remember(src, uploaded)
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
        sdk_file = await self._aretrying(
            lambda _: self.client.aio.files.get(name=name), name, "read"
        )
        return GeminiFile.from_sdk(sdk_file)

    async def alist(self, *, page_size: int = 100) -> AsyncIterator[GeminiFile]:
        """Async twin of :meth:`list`."""
        token: str | None = None
        while True:
            config = _page_config(page_size, token)
            pager = await self._aretrying(
                functools.partial(self._alist_page, config), _ALL_FILES, "list"
            )
            for item in pager.page:
                yield GeminiFile.from_sdk(item)
            token = pager.config.get("page_token")
            if not token:
                return

    async def adelete(self, file: FileRef, *, missing_ok: bool = True) -> bool:
        """Async twin of :meth:`delete`."""
        name = _name_of(file)
        await asyncio.to_thread(self._index.forget, name=name)

        async def attempt_delete(attempt: int) -> bool:
            try:
                await self.client.aio.files.delete(name=name)
            except Exception as exc:
                answer = _delete_answer(exc, attempt, missing_ok)
                if answer is None:
                    raise
                return answer
            return True

        return await self._aretrying(attempt_delete, name, "delete")

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

        File reading, hashing and each transfer attempt run in a worker thread so the event loop
        never blocks on disk I/O (``on_progress`` is called from that thread); waits between
        attempts use the async sleep. Cancelling the awaiting task aborts the transfer before it
        is finalised; if the last chunk was already sent, the new file is deleted before the
        cancellation propagates. A cancelled upload is never retried.
        """
        return (await self._aupload(source, mime_type, display_name, on_progress))[0]

    async def _aupload(
        self,
        source: UploadInput,
        mime_type: str | None,
        display_name: str | None,
        on_progress: ProgressCallback | None,
    ) -> tuple[GeminiFile, bool]:
        src = await _aopen_source(source, mime_type)
        try:
            if self.reuse:
                key, name = await asyncio.to_thread(self._reuse_lookup, src)
                if name is not None:
                    try:
                        remote: GeminiFile | GeminiVisionError = await self.aget(name)
                    except GeminiVisionError as exc:
                        remote = exc
                    found, stale = self._reuse_verdict(src, remote)
                    if stale:
                        await asyncio.to_thread(self._index.forget, key=key)
                    if found is not None:
                        return found, False
            report = self._reporter(on_progress, src.label)
            uploaded = await self._aretrying(
                lambda _: self._atransfer(src, display_name, report), src.label, "upload"
            )
            return uploaded, True
        finally:
            src.cleanup()

    async def _atransfer(
        self, src: UploadSource, display_name: str | None, report: ProgressCallback
    ) -> GeminiFile:
        """One upload attempt in a worker thread; cancelling it leaves no file behind."""
        cancelled = threading.Event()
        worker = asyncio.ensure_future(
            asyncio.to_thread(self._transfer, src, display_name, report, cancelled)
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
                    await asyncio.shield(asyncio.to_thread(self.delete, leftover))
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
